//! Data entry of paper returns: staff log in with a data-entry key (or an admin key), open a
//! questionnaire by its access code, key it on one page, and the paper rules turn it into a
//! response of mode paper. When the wave has double entry, a second person keys it blind; it
//! is accepted when both agree, and a third person decides where they disagree.
//!
//! Staff are their keys: the session holds the key's id and asks the store at every request
//! whether the key is still valid (a revoked key's session ends at its next request); each
//! keying records the key that typed it, so that the same key never keys a questionnaire's
//! second pass or decides between its own keyings, however the form is posted. Code look-ups
//! are audited under the key and limited per key ([`UNKNOWN_CODES_PER_WINDOW`]).
//!
//! The pages speak fr, de, it and en: the language asked for (`?lang=`, the switch in every
//! page's header, or the log-in form), remembered in the session; until one is chosen, the
//! first language of the survey (of the questionnaire open, else of the newest open wave).

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::{json, Value};
use vecu_store::{AccessCode, ApiKey, Asker, Outcome, Role, Session, SubmitOutcome, TokenState};
use vecu_survey::Survey;

use crate::form::{Fields, SmallForm};
use crate::guard::{set_visitor, FAILURES_PER_WINDOW};
use crate::i18n::Texts;
use crate::pages::entry::{self, EntryView, Pass};
use crate::paper_rules::{clean, expand_lines, fields, normalise, Problem};
use crate::routes::code::interface_texts;
use crate::routes::patient::{client, html, off_worker, redirect, too_many};
use crate::session::{cookie_id, StaffSession, STAFF_COOKIE};
use crate::state::AppState;
use crate::PageError;

type Page = Result<HttpResponse, PageError>;

/// The CSRF subject of the log-in form, which no session backs yet.
const LOGIN_FORM: &str = "entry-login";

/// Unknown access codes a data-entry key may type per ten minutes: a day's typing mistakes,
/// far too few to find a code by trying.
pub const UNKNOWN_CODES_PER_WINDOW: u32 = 30;

/// Keys that open the data-entry pages.
fn keys_paper(key: &ApiKey) -> bool {
    matches!(key.role, Role::DataEntry | Role::Admin)
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf: String,
    key: String,
    lang: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

#[derive(Debug, Deserialize)]
pub struct OutcomeForm {
    csrf: String,
    outcome: String,
}

#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    done: Option<String>,
    lang: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct FormQuery {
    lang: Option<String>,
}

/// The staff session and its key as the store has it now; a session whose key was revoked
/// since ends here.
async fn staff(
    state: &web::Data<AppState>,
    request: &HttpRequest,
) -> Result<Option<(String, StaffSession)>, PageError> {
    let Some(id) = cookie_id(request, STAFF_COOKIE) else {
        return Ok(None);
    };
    off_worker(state, move |state| {
        match state.store.staff_session(&id)? {
            Some(session) if keys_paper(&session.key) => Ok(Some((id, session))),
            Some(_) => {
                state.store.end_session(&id)?;
                Ok(None)
            }
            None => Ok(None),
        }
    })
    .await
}

/// Sets (or clears) the questionnaire a staff session keys.
async fn set_current(
    state: &web::Data<AppState>,
    session_id: &str,
    current: Option<String>,
) -> Result<(), PageError> {
    let id = session_id.to_owned();
    off_worker(state, move |state| {
        Ok(state.store.set_session_current(&id, current.as_deref())?)
    })
    .await
}

/// Remembers the language a staff session chose, when it differs from the one kept.
async fn keep_lang(
    state: &web::Data<AppState>,
    (session_id, session): (&str, &StaffSession),
    lang: &str,
) -> Result<(), PageError> {
    if session.lang.as_deref() == Some(lang) {
        return Ok(());
    }
    let (id, lang) = (session_id.to_owned(), lang.to_owned());
    off_worker(state, move |state| {
        Ok(state.store.set_session_lang(&id, &lang)?)
    })
    .await
}

fn csrf_subject(session_id: &str) -> String {
    format!("staff:{session_id}")
}

/// The language chosen: asked for now (an interface language), else earlier in the session.
fn chosen(asked: Option<&str>, session: Option<&StaffSession>) -> Option<Texts> {
    asked
        .and_then(Texts::interface)
        .or_else(|| session?.lang.as_deref().and_then(Texts::interface))
}

/// The pages' language: the one chosen, else the survey's first (`survey`, the questionnaire
/// open; without one, the survey of the newest open wave), else French.
async fn texts_for(
    state: &web::Data<AppState>,
    asked: Option<&str>,
    session: Option<&StaffSession>,
    survey: Option<&Survey>,
) -> Result<Texts, PageError> {
    if let Some(texts) = chosen(asked, session) {
        return Ok(texts);
    }
    let first = match survey {
        Some(survey) => Some(survey.default_language().as_str().to_owned()),
        None => {
            off_worker(state, |state| {
                let newest_open = state
                    .store
                    .waves()?
                    .into_iter()
                    .find(|wave| wave.status == "open");
                newest_open
                    .map(|wave| {
                        let survey = state.survey(&wave.survey_hash)?;
                        Ok(survey.default_language().as_str().to_owned())
                    })
                    .transpose()
            })
            .await?
        }
    };
    interface_texts(
        first
            .as_deref()
            .filter(|lang| Texts::interface(lang).is_some()),
    )
}

/// `remember`: the language asked for, carried into the session by the log-in form.
/// `problem`: the status and the message id of what went wrong with the last attempt. The
/// form is bound to its visitor (`Csrf::sign_in_token`).
fn login_page(
    texts: &Texts,
    state: &AppState,
    request: &HttpRequest,
    remember: bool,
    problem: Option<(StatusCode, &str)>,
) -> HttpResponse {
    let (csrf, visitor) =
        state
            .csrf
            .sign_in_token(request, LOGIN_FORM, "/entry", state.secure_cookies);
    let mut page = html(
        problem.map_or(StatusCode::OK, |(status, _)| status),
        entry::page(
            texts,
            &texts.get("entry_login_heading"),
            "/entry",
            entry::login(texts, &csrf, remember, problem.map(|(_, id)| id)),
        ),
    );
    set_visitor(&mut page, visitor);
    page
}

/// The log-in page for a request without a session.
async fn login_again(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    asked: Option<&str>,
) -> Page {
    let texts = texts_for(state, asked, None, None).await?;
    Ok(login_page(
        &texts,
        state,
        request,
        chosen(asked, None).is_some(),
        None,
    ))
}

/// The access-code form; `notice` and `error` are message ids.
fn code_page(
    state: &AppState,
    texts: &Texts,
    (session_id, session): (&str, &StaffSession),
    status: StatusCode,
    notice: Option<&str>,
    error: Option<&str>,
) -> HttpResponse {
    let csrf = state.csrf.token(&csrf_subject(session_id));
    html(
        status,
        entry::page(
            texts,
            &texts.get("entry_code_heading"),
            "/entry",
            entry::code_form(
                texts,
                &session.key.name,
                &csrf,
                notice.map(|id| texts.get(id)).as_deref(),
                error.map(|id| texts.get(id)).as_deref(),
            ),
        ),
    )
}

/// The session's key keyed a pass of its open questionnaire already (saved from another session
/// of the same key, say): the questionnaire leaves the session, and the next pass, or the
/// decision, is someone else's.
async fn keyed_already(
    state: &web::Data<AppState>,
    texts: &Texts,
    (session_id, session): (&str, &StaffSession),
) -> Page {
    set_current(state, session_id, None).await?;
    Ok(code_page(
        state,
        texts,
        (session_id, session),
        StatusCode::UNPROCESSABLE_ENTITY,
        None,
        Some("entry_code_own"),
    ))
}

/// The log-in page, or the access-code form once logged in; `?lang=` chooses the language.
#[get("/entry")]
pub async fn home(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<HomeQuery>,
) -> Page {
    let asked = query.lang.as_deref();
    let Some((id, session)) = staff(&state, &request).await? else {
        return login_again(&state, &request, asked).await;
    };
    let texts = texts_for(&state, asked, Some(&session), None).await?;
    if chosen(asked, None).is_some() {
        keep_lang(&state, (&id, &session), texts.lang().as_str()).await?;
    }
    let notice = match query.done.as_deref() {
        Some("stored") => Some("entry_done_stored"),
        Some("first") => Some("entry_done_first"),
        Some("second") => Some("entry_done_second"),
        Some("outcome") => Some("entry_done_outcome"),
        _ => None,
    };
    Ok(code_page(
        &state,
        &texts,
        (&id, &session),
        StatusCode::OK,
        notice,
        None,
    ))
}

#[post("/entry/login")]
pub async fn login(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: SmallForm<LoginForm>,
) -> Page {
    let asked = form
        .lang
        .as_deref()
        .filter(|lang| Texts::interface(lang).is_some());
    if !state.csrf.verify_sign_in(&request, LOGIN_FORM, &form.csrf) {
        let texts = texts_for(&state, asked, None, None).await?;
        let expired = (StatusCode::FORBIDDEN, "entry_login_expired");
        return Ok(login_page(
            &texts,
            &state,
            &request,
            asked.is_some(),
            Some(expired),
        ));
    }
    let address = client(&state, &request);
    let key = form.key.trim().to_owned();
    let lang = asked.map(str::to_owned);
    // Signed in: the session, started in the same trip to the store.
    let holder = off_worker(&state, move |state| {
        let asker = Asker::Address(address);
        if !state.store.lookup_allowed(asker, FAILURES_PER_WINDOW)? {
            return Ok(Err(()));
        }
        let Some(holder) = state.store.authenticate(&key)? else {
            state.store.lookup_failed(asker)?;
            return Ok(Ok(None));
        };
        if !keys_paper(&holder) {
            return Ok(Ok(None));
        }
        let session = state.store.start_session(&Session::Staff(StaffSession {
            key: holder,
            current: None,
            lang,
        }))?;
        Ok(Ok(Some(session)))
    })
    .await?;
    match holder {
        Err(()) => Ok(too_many()),
        Ok(Some(session)) => {
            let cookie = Cookie::build(STAFF_COOKIE, session)
                .path("/entry")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(state.secure_cookies)
                .finish();
            Ok(HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, "/entry"))
                .finish())
        }
        Ok(_) => {
            let texts = texts_for(&state, asked, None, None).await?;
            let failed = (StatusCode::UNAUTHORIZED, "entry_login_failed");
            Ok(login_page(
                &texts,
                &state,
                &request,
                asked.is_some(),
                Some(failed),
            ))
        }
    }
}

/// Opens a questionnaire by its access code.
#[post("/entry/code")]
pub async fn open_code(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<CodeForm>,
) -> Page {
    let Some((id, session)) = staff(&state, &request).await? else {
        return login_again(&state, &request, None).await;
    };
    if !state.csrf.verify(&csrf_subject(&id), &form.csrf) {
        return Err(PageError::Forbidden);
    }
    let texts = texts_for(&state, None, Some(&session), None).await?;
    let unprocessable = |message: &str| {
        Ok(code_page(
            &state,
            &texts,
            (&id, &session),
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(message),
        ))
    };
    let Ok(code) = AccessCode::parse(&form.code) else {
        return unprocessable("entry_code_invalid");
    };
    // Unknown codes count against the key (not the address: staff share a hospital's).
    let key = session.key.clone();
    let found = off_worker(&state, move |state| {
        let asker = Asker::Key(&key.id);
        if !state
            .store
            .lookup_allowed(asker, UNKNOWN_CODES_PER_WINDOW)?
        {
            return Ok(None);
        }
        let found = state.store.lookup_code_for_entry(&key, &code)?;
        if found == TokenState::Unknown {
            state.store.lookup_failed(asker)?;
        }
        Ok(Some(found))
    })
    .await?;
    let Some(found) = found else {
        return Ok(code_page(
            &state,
            &texts,
            (&id, &session),
            StatusCode::TOO_MANY_REQUESTS,
            None,
            Some("entry_code_too_many"),
        ));
    };
    match found {
        TokenState::Usable(invitation) => {
            if keyings(&state, &invitation.id)
                .await?
                .keyed_by(&session.key)
            {
                return unprocessable("entry_code_own");
            }
            set_current(&state, &id, Some(invitation.id)).await?;
            Ok(redirect("/entry/form"))
        }
        TokenState::Submitted => unprocessable("entry_code_submitted"),
        TokenState::OptedOut => unprocessable("entry_code_opted_out"),
        TokenState::Expired => unprocessable("entry_code_closed"),
        TokenState::Unknown => unprocessable("entry_code_unknown"),
    }
}

/// What is saved of a questionnaire so far, to choose the form.
struct Keyings {
    first: Option<BTreeMap<String, String>>,
    second: Option<BTreeMap<String, String>>,
    /// Who keyed them, by key id (`by_key`; keyings saved before keys were recorded carry the
    /// keyer's name as `by`): each keying, and the decision, is someone else's.
    keyers: Vec<Keyer>,
}

enum Keyer {
    Key(String),
    Named(String),
}

impl Keyings {
    /// Whether this key keyed one of the saved passes.
    fn keyed_by(&self, key: &ApiKey) -> bool {
        self.keyers.iter().any(|keyer| match keyer {
            Keyer::Key(id) => *id == key.id,
            Keyer::Named(name) => *name == key.name,
        })
    }
}

fn keyer(entry: &Value) -> Option<Keyer> {
    let text = |field: &str| Some(entry.get(field)?.as_str()?.to_owned());
    text("by_key")
        .map(Keyer::Key)
        .or_else(|| text("by").map(Keyer::Named))
}

fn typed_fields(entry: &Value) -> BTreeMap<String, String> {
    entry
        .get("fields")
        .and_then(Value::as_object)
        .map(|object| {
            object
                .iter()
                .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

async fn keyings(state: &web::Data<AppState>, invitation: &str) -> Result<Keyings, PageError> {
    let invitation = invitation.to_owned();
    let entries = off_worker(state, move |state| {
        Ok(state.store.paper_entries(&invitation)?)
    })
    .await?;
    let pass = |wanted: u8| {
        entries
            .iter()
            .find(|(pass, _)| *pass == wanted)
            .map(|(_, entry)| typed_fields(entry))
    };
    Ok(Keyings {
        first: pass(1),
        second: pass(2),
        keyers: entries
            .iter()
            .filter_map(|(_, entry)| keyer(entry))
            .collect(),
    })
}

/// Fields where two keyings differ, with both values.
fn disagreements(
    first: &BTreeMap<String, String>,
    second: &BTreeMap<String, String>,
) -> BTreeMap<String, (String, String)> {
    let names: std::collections::BTreeSet<&String> = first.keys().chain(second.keys()).collect();
    names
        .into_iter()
        .filter_map(|name| {
            let a = first.get(name).cloned().unwrap_or_default();
            let b = second.get(name).cloned().unwrap_or_default();
            (normalise(&a) != normalise(&b)).then(|| (name.clone(), (a, b)))
        })
        .collect()
}

/// The keying due. A first keying is saved only when its wave has double entry, so a
/// questionnaire with one is finished the double way even if double entry was turned off since.
fn pass_for(keyings: &Keyings) -> Pass {
    match (&keyings.first, &keyings.second) {
        (None, _) => Pass::First,
        (Some(_), None) => Pass::Second,
        (Some(_), Some(_)) => Pass::Decision,
    }
}

/// The survey of a questionnaire, and whether its wave has double entry.
async fn questionnaire(
    state: &web::Data<AppState>,
    invitation: &str,
) -> Result<(Arc<Survey>, bool), PageError> {
    let invitation = invitation.to_owned();
    off_worker(state, move |state| {
        let invitation = state.store.invitation(&invitation)?;
        Ok((
            state.survey(&invitation.survey_hash)?,
            invitation.double_entry,
        ))
    })
    .await
}

/// The questionnaire form; `?lang=` chooses the language.
#[get("/entry/form")]
pub async fn show_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<FormQuery>,
) -> Page {
    let asked = query.lang.as_deref();
    let Some((id, session)) = staff(&state, &request).await? else {
        return login_again(&state, &request, asked).await;
    };
    if let Some(texts) = chosen(asked, None) {
        keep_lang(&state, (&id, &session), texts.lang().as_str()).await?;
    }
    let Some(invitation) = session.current.clone() else {
        return Ok(redirect("/entry"));
    };
    let (survey, _) = questionnaire(&state, &invitation).await?;
    let texts = texts_for(&state, asked, Some(&session), Some(&survey)).await?;
    let keyings = keyings(&state, &invitation).await?;
    if keyings.keyed_by(&session.key) {
        return keyed_already(&state, &texts, (&id, &session)).await;
    }
    let disagreeing = match (&keyings.first, &keyings.second) {
        (Some(first), Some(second)) => disagreements(first, second),
        _ => BTreeMap::new(),
    };
    Ok(render_form(
        &texts,
        &state.csrf.token(&csrf_subject(&id)),
        &survey,
        pass_for(&keyings),
        &BTreeMap::new(),
        &[],
        &disagreeing,
    ))
}

fn render_form(
    texts: &Texts,
    csrf: &str,
    survey: &Survey,
    pass: Pass,
    typed: &BTreeMap<String, String>,
    problems: &[(String, Problem)],
    disagreeing: &BTreeMap<String, (String, String)>,
) -> HttpResponse {
    let errors: Vec<(String, String)> = problems
        .iter()
        .map(|(field, problem)| (field.clone(), problem.message(texts)))
        .collect();
    let view = EntryView {
        texts,
        survey,
        csrf,
        pass,
        typed,
        errors: &errors,
        disagreements: disagreeing,
    };
    html(
        if errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        entry::page(
            texts,
            &texts.get(pass.heading()),
            "/entry/form",
            entry::questionnaire(&view),
        ),
    )
}

#[post("/entry/form")]
pub async fn save_form(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<Fields>,
) -> Page {
    let Some((id, session)) = staff(&state, &request).await? else {
        return login_again(&state, &request, None).await;
    };
    let field = |name: &str| {
        form.iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    };
    if !state
        .csrf
        .verify(&csrf_subject(&id), field("csrf").unwrap_or_default())
    {
        return Err(PageError::Forbidden);
    }
    let Some(invitation) = session.current.clone() else {
        return Ok(redirect("/entry"));
    };
    let keyings = keyings(&state, &invitation).await?;
    let pass = pass_for(&keyings);
    if keyings.keyed_by(&session.key) {
        let texts = texts_for(&state, None, Some(&session), None).await?;
        return keyed_already(&state, &texts, (&id, &session)).await;
    }
    if field("pass") != Some(&pass.number().to_string()) {
        // Someone else keyed this questionnaire meanwhile: show the form that is due now.
        return Ok(redirect("/entry/form"));
    }
    let (survey, double_entry) = questionnaire(&state, &invitation).await?;
    let names: Vec<String> = fields(&survey)
        .into_iter()
        .map(|field| field.name)
        .collect();
    let mut typed: BTreeMap<String, String> = form
        .iter()
        .filter(|(key, value)| names.contains(key) && !value.trim().is_empty())
        .map(|(key, value)| (key.clone(), value.trim().to_owned()))
        .collect();
    // Each part's line spreads over its one-character questions.
    let lines: BTreeMap<usize, String> = form
        .iter()
        .filter_map(|(key, value)| {
            let section = key.strip_prefix("line.")?.parse().ok()?;
            Some((section, value.clone()))
        })
        .collect();
    let (from_lines, line_errors) = expand_lines(&survey, &lines);
    typed.extend(from_lines);
    // The fields of the response: as typed, or, for a decision, the agreed ones and the decisions.
    let (final_fields, agreement) = match (pass, &keyings.first, &keyings.second) {
        (Pass::Second, Some(first), _) => (typed.clone(), Some(agreement(first, &typed))),
        (Pass::Decision, Some(first), Some(second)) => {
            let disagreeing = disagreements(first, second);
            let mut decided = first.clone();
            for name in disagreeing.keys() {
                match typed.get(name) {
                    Some(value) => decided.insert(name.clone(), value.clone()),
                    None => decided.remove(name),
                };
            }
            (decided, Some(agreement(first, second)))
        }
        _ => (typed.clone(), None),
    };
    let mut cleaned = clean(&survey, &final_fields);
    cleaned.errors.extend(line_errors);
    if !cleaned.errors.is_empty() {
        let disagreeing = match (&keyings.first, &keyings.second) {
            (Some(first), Some(second)) => disagreements(first, second),
            _ => BTreeMap::new(),
        };
        let texts = texts_for(&state, None, Some(&session), Some(&survey)).await?;
        return Ok(render_form(
            &texts,
            &state.csrf.token(&csrf_subject(&id)),
            &survey,
            pass,
            &typed,
            &cleaned.errors,
            &disagreeing,
        ));
    }
    let entry = json!({ "fields": typed, "by_key": session.key.id });
    let done = match (pass, &agreement) {
        // Double entry: the first keying waits for the second.
        (Pass::First, _) if double_entry => {
            let invitation = invitation.clone();
            off_worker(&state, move |state| {
                Ok(state.store.save_paper_entry(&invitation, 1, &entry)?)
            })
            .await?;
            "first"
        }
        // The second keying disagrees somewhere: kept for a third person's decision.
        (Pass::Second, Some(agreement)) if agreement.iter().any(|(_, agreed)| !agreed) => {
            let invitation = invitation.clone();
            off_worker(&state, move |state| {
                Ok(state.store.save_paper_entry(&invitation, 2, &entry)?)
            })
            .await?;
            "second"
        }
        _ => {
            let response = survey
                .validate_paper_answers(cleaned.answers.clone())
                .map_err(|errors| {
                    PageError::Store(vecu_store::StoreError::Corrupt(errors.to_string()))
                })?;
            let counts = counts(&cleaned.edits, agreement.as_deref());
            let invitation = invitation.clone();
            let submitted = off_worker(&state, move |state| {
                Ok(state.store.submit_paper(&invitation, &response, &counts)?)
            })
            .await?;
            if submitted == SubmitOutcome::AlreadySubmitted {
                set_current(&state, &id, None).await?;
                let texts = texts_for(&state, None, Some(&session), Some(&survey)).await?;
                return Ok(code_page(
                    &state,
                    &texts,
                    (&id, &session),
                    StatusCode::CONFLICT,
                    None,
                    Some("entry_answered_meanwhile"),
                ));
            }
            state.metrics.submitted(vecu_store::Mode::Paper);
            "stored"
        }
    };
    set_current(&state, &id, None).await?;
    Ok(redirect(&format!("/entry?done={done}")))
}

/// Per field keyed in either pass: whether both keyings agree.
fn agreement(
    first: &BTreeMap<String, String>,
    second: &BTreeMap<String, String>,
) -> Vec<(String, bool)> {
    let names: std::collections::BTreeSet<&String> = first.keys().chain(second.keys()).collect();
    names
        .into_iter()
        .map(|name| {
            let a = first.get(name).map(|v| normalise(v)).unwrap_or_default();
            let b = second.get(name).map(|v| normalise(v)).unwrap_or_default();
            (name.clone(), a == b)
        })
        .collect()
}

/// The paper counts of one accepted questionnaire: every rule's edit, the agreement of double
/// entry per field, and the questionnaire itself (edited or not).
fn counts(
    edits: &[(String, &'static str)],
    agreement: Option<&[(String, bool)]>,
) -> Vec<(String, String)> {
    let mut counts: Vec<(String, String)> = edits
        .iter()
        .map(|(field, rule)| (field.clone(), (*rule).to_owned()))
        .collect();
    for (field, agreed) in agreement.unwrap_or_default() {
        let kind = if *agreed {
            "double_agree"
        } else {
            "double_disagree"
        };
        counts.push((field.clone(), kind.to_owned()));
    }
    counts.push(("*".to_owned(), "questionnaires".to_owned()));
    if !edits.is_empty() {
        counts.push(("*".to_owned(), "questionnaires_edited".to_owned()));
    }
    counts
}

/// A return without answers: blank, undelivered, deceased or refused.
#[post("/entry/outcome")]
pub async fn record_outcome(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<OutcomeForm>,
) -> Page {
    let Some((id, session)) = staff(&state, &request).await? else {
        return login_again(&state, &request, None).await;
    };
    if !state.csrf.verify(&csrf_subject(&id), &form.csrf) {
        return Err(PageError::Forbidden);
    }
    let (Some(invitation), Some(outcome)) = (session.current, Outcome::parse(&form.outcome)) else {
        return Ok(redirect("/entry"));
    };
    off_worker(&state, move |state| {
        Ok(state.store.record_outcome(&invitation, outcome)?)
    })
    .await?;
    set_current(&state, &id, None).await?;
    Ok(redirect("/entry?done=outcome"))
}
