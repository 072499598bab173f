//! The patient's path: invitation link, welcome, start, one page per section, review, submit,
//! thank you; opt-out from the welcome page and from e-mails.

use std::net::IpAddr;
use std::sync::Arc;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::Markup;
use serde::Deserialize;
use vecu_store::{Asker, Invitation, Mode, PatientSession, Session as StartSession, TokenState};
use vecu_survey::{Answers, ItemKind, Survey, Visibility};

use crate::form::{
    field, is_form, page_limit, parse_fields, read_body, read_fields, read_item, FieldError,
    SmallForm, SMALL_BODY,
};
use crate::guard::{self, is_one_click_opt_out, FAILURES_PER_WINDOW};
use crate::i18n::{Texts, INTERFACE_LANGUAGES};
use crate::pages::{layout, outcome, question, review, welcome};
use crate::session::{cookie_id, Session, COOKIE};
use crate::state::AppState;
use crate::PageError;

type Page = Result<HttpResponse, PageError>;

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    pub(crate) lang: Option<String>,
    check: Option<u8>,
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    csrf: String,
    lang: Option<String>,
}

pub(crate) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

pub(crate) fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The client's address, for rate limiting only (never stored or logged): the TCP peer, or
/// behind a trusted proxy the address it appended to `X-Forwarded-For` (see
/// [`guard::client_address`]).
pub(crate) fn client(state: &AppState, request: &HttpRequest) -> IpAddr {
    let forwarded_for = request
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|value| value.to_str().ok());
    guard::client_address(
        request.peer_addr().map(|address| address.ip()),
        forwarded_for,
        &state.trusted_proxies,
    )
}

/// The same page for unknown, used and expired links, in every interface language.
pub(crate) fn unavailable() -> HttpResponse {
    message_in_all_languages(
        StatusCode::NOT_FOUND,
        "unavailable_heading",
        "unavailable_text",
    )
}

pub(crate) fn message_in_all_languages(
    status: StatusCode,
    heading: &str,
    text: &str,
) -> HttpResponse {
    let texts: Vec<Texts> = INTERFACE_LANGUAGES
        .iter()
        .filter_map(|code| Texts::interface(code))
        .collect();
    let heading = texts
        .iter()
        .map(|t| t.get(heading))
        .collect::<Vec<_>>()
        .join(" / ");
    let text = texts
        .iter()
        .map(|t| t.get(text))
        .collect::<Vec<_>>()
        .join(" ");
    html(status, layout::bare("fr", &heading, &text))
}

/// Runs store work on actix's blocking thread pool: a slow database never holds up a request
/// worker, and with it the pages of other patients.
pub(crate) async fn off_worker<T: Send + 'static>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&AppState) -> Result<T, PageError> + Send + 'static,
) -> Result<T, PageError> {
    let state = state.clone();
    web::block(move || work(&state)).await?
}

/// What a token leads to.
enum Found<T> {
    /// Too many failed look-ups from this client.
    TooMany,
    /// A usable invitation, its survey, and what the caller did with it.
    Usable(Invitation, Arc<Survey>, T),
    /// Unknown, used, expired or opted out.
    Other(TokenState),
}

/// Looks a token up, counting unknown tokens against the client's address; on a usable
/// invitation, runs `then` (in the same trip to the store) and loads the survey.
async fn find<T: Send + 'static>(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    token: &str,
    then: impl FnOnce(&AppState, &Invitation) -> Result<T, PageError> + Send + 'static,
) -> Result<Found<T>, PageError> {
    let address = client(state, request);
    let token = token.to_owned();
    off_worker(state, move |state| {
        if !state
            .store
            .lookup_allowed(Asker::Address(address), FAILURES_PER_WINDOW)?
        {
            return Ok(Found::TooMany);
        }
        match state.store.lookup_token(&token)? {
            TokenState::Usable(invitation) => {
                let done = then(state, &invitation)?;
                let survey = state.survey(&invitation.survey_hash)?;
                Ok(Found::Usable(invitation, survey, done))
            }
            other => {
                if other == TokenState::Unknown {
                    state.store.lookup_failed(Asker::Address(address))?;
                }
                Ok(Found::Other(other))
            }
        }
    })
    .await
}

pub(crate) fn too_many() -> HttpResponse {
    message_in_all_languages(
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_heading",
        "too_many_text",
    )
}

/// The page and answers of a saved draft (`state.store.draft`).
pub(crate) fn draft_answers(
    survey: &Survey,
    draft: Option<(i64, serde_json::Value)>,
) -> (Option<i64>, Answers) {
    match draft {
        Some((page, json)) => {
            let object = json.as_object().cloned().unwrap_or_default();
            // A draft that no longer fits (answers to changed items) keeps what still does.
            (Some(page), Answers::parse(survey, &object).0)
        }
        None => (None, Answers::new()),
    }
}

/// Sections shown for these answers, in order: the pages.
pub(crate) fn pages(survey: &Survey, visibility: &Visibility) -> Vec<usize> {
    (0..survey.sections.len())
        .filter(|&idx| {
            visibility.section_shown(idx)
                && survey.sections[idx]
                    .items
                    .iter()
                    .any(|item| visibility.item_shown(&item.id))
        })
        .collect()
}

#[get("/s/{token}")]
pub async fn invitation_link(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Page {
    let found = find(&state, &request, &token, |state, invitation| {
        Ok(state.store.draft(&invitation.id)?.is_some())
    })
    .await?;
    let (invitation, survey, resuming) = match found {
        Found::TooMany => return Ok(too_many()),
        Found::Usable(invitation, survey, resuming) => (invitation, survey, resuming),
        Found::Other(_) => return Ok(unavailable()),
    };
    let texts = Texts::choose(&survey, query.lang.as_deref(), Some(&invitation.language));
    let csrf = state.csrf.token(&format!("start:{token}"));
    let body = welcome::body(
        &texts,
        &survey,
        &welcome::Actions {
            base: &format!("/s/{token}"),
            resume_text: "welcome_resume",
        },
        &csrf,
        resuming,
    );
    let base = format!("/s/{token}");
    Ok(html(
        StatusCode::OK,
        layout::page(
            &texts,
            &survey,
            &texts.get("welcome_heading"),
            Some(&base),
            body,
        ),
    ))
}

#[post("/s/{token}/start")]
pub async fn start(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    form: SmallForm<TokenForm>,
) -> Page {
    if !state.csrf.verify(&format!("start:{token}"), &form.csrf) {
        return Err(PageError::Forbidden);
    }
    let found = find(&state, &request, &token, |state, invitation| {
        if invitation.status == "invited" {
            state.store.record_opened(&invitation.id)?;
        }
        Ok(state.store.draft(&invitation.id)?)
    })
    .await?;
    let (invitation, survey, draft) = match found {
        Found::TooMany => return Ok(too_many()),
        Found::Usable(invitation, survey, draft) => (invitation, survey, draft),
        Found::Other(_) => return Ok(unavailable()),
    };
    let texts = Texts::choose(&survey, form.lang.as_deref(), Some(&invitation.language));
    let session =
        start_session(&state, invitation.id, texts.lang().as_str(), Mode::WebLink).await?;
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(&state, session))
        .insert_header((header::LOCATION, resume_location(&survey, draft)))
        .finish())
}

/// Starts a patient's session in the store; returns the id for its cookie.
pub(crate) async fn start_session(
    state: &web::Data<AppState>,
    invitation: String,
    lang: &str,
    mode: Mode,
) -> Result<String, PageError> {
    let session = StartSession::Patient(PatientSession {
        invitation,
        lang: lang.to_owned(),
        mode,
    });
    off_worker(state, move |state| {
        Ok(state.store.start_session(&session)?)
    })
    .await
}

/// Keeps the language a patient chose for the rest of their session.
pub(crate) async fn keep_lang(
    state: &web::Data<AppState>,
    visit: &Visit,
    lang: &str,
) -> Result<(), PageError> {
    if visit.session.lang == lang {
        return Ok(());
    }
    let (id, lang) = (visit.session_id.clone(), lang.to_owned());
    off_worker(state, move |state| {
        Ok(state.store.set_session_lang(&id, &lang)?)
    })
    .await
}

/// The session cookie: HttpOnly, SameSite=Strict, Secure when served over HTTPS.
pub(crate) fn session_cookie(state: &AppState, session: String) -> Cookie<'static> {
    Cookie::build(COOKIE, session)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .finish()
}

/// Where a patient resumes: the saved page, or the review once every page was seen, or the
/// first page.
pub(crate) fn resume_location(survey: &Survey, draft: Option<(i64, serde_json::Value)>) -> String {
    let (saved_page, answers) = draft_answers(survey, draft);
    let visible = pages(survey, &survey.visibility(&answers));
    match saved_page.map(|page| page as usize) {
        Some(page) if page >= survey.sections.len() => "/q/review".to_owned(),
        Some(page) if visible.contains(&page) => format!("/q/{page}"),
        _ => format!("/q/{}", visible.first().copied().unwrap_or_default()),
    }
}

#[post("/s/{token}/optout")]
pub async fn opt_out(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    form: SmallForm<TokenForm>,
) -> Page {
    if !state.csrf.verify(&format!("start:{token}"), &form.csrf) {
        return Err(PageError::Forbidden);
    }
    record_opt_out(&state, &request, &token, form.lang.as_deref()).await
}

/// A POST to the opt-out link of e-mails: the one-click opt-out of mail programs (RFC 8058,
/// `List-Unsubscribe=One-Click`, no CSRF token), or a form with the CSRF token of the opt-out
/// page like the welcome page's button. Anything else is refused, and a body larger than
/// either needs ([`SMALL_BODY`]) is refused before it is read: this URL is in every e-mail.
#[post("/o/{token}")]
pub async fn opt_out_post(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    payload: web::Payload,
) -> Page {
    let body = read_body(&request, payload, SMALL_BODY).await?;
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    let lang = if is_one_click_opt_out(content_type, &body) {
        None
    } else {
        let fields = if is_form(&request) {
            parse_fields(&body)
        } else {
            Vec::new()
        };
        let csrf = field(&fields, "csrf").unwrap_or_default();
        if !state.csrf.verify(&format!("start:{token}"), csrf) {
            return Err(PageError::Forbidden);
        }
        field(&fields, "lang").map(str::to_owned)
    };
    record_opt_out(&state, &request, &token, lang.as_deref()).await
}

/// Opts the invitation out (again, harmlessly, if it already was) and says so.
async fn record_opt_out(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    token: &str,
    lang: Option<&str>,
) -> Page {
    let found = find(state, request, token, |state, invitation| {
        Ok(state.store.opt_out(&invitation.id)?)
    })
    .await?;
    match found {
        Found::TooMany => Ok(too_many()),
        Found::Usable(invitation, survey, ()) => {
            let texts = Texts::choose(&survey, lang, Some(&invitation.language));
            let (heading, body) = outcome::message(&texts, "optout_done_heading", &["optout_done"]);
            Ok(html(
                StatusCode::OK,
                layout::page(&texts, &survey, &heading, None, body),
            ))
        }
        Found::Other(TokenState::OptedOut) => Ok(message_in_all_languages(
            StatusCode::OK,
            "optout_done_heading",
            "optout_done",
        )),
        Found::Other(_) => Ok(unavailable()),
    }
}

/// The opt-out link of e-mails: a page with one button (a GET changes nothing).
#[get("/o/{token}")]
pub async fn opt_out_link(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    query: web::Query<LangQuery>,
) -> Page {
    match find(&state, &request, &token, |_, _| Ok(())).await? {
        Found::TooMany => Ok(too_many()),
        Found::Usable(invitation, survey, ()) => {
            let texts = Texts::choose(&survey, query.lang.as_deref(), Some(&invitation.language));
            let csrf = state.csrf.token(&format!("start:{token}"));
            let body = welcome::optout_confirm(&texts, &token, &csrf);
            Ok(html(
                StatusCode::OK,
                layout::page(
                    &texts,
                    &survey,
                    &texts.get("optout_heading"),
                    Some(&format!("/o/{token}")),
                    body,
                ),
            ))
        }
        Found::Other(TokenState::OptedOut) => Ok(message_in_all_languages(
            StatusCode::OK,
            "optout_done_heading",
            "optout_done",
        )),
        Found::Other(_) => Ok(unavailable()),
    }
}

/// The session of this request and its invitation, when both are still valid, with the survey
/// and the saved draft.
pub(crate) struct Visit {
    pub(crate) session_id: String,
    pub(crate) session: Session,
    pub(crate) invitation: Invitation,
    pub(crate) survey: Arc<Survey>,
    pub(crate) answers: Answers,
}

pub(crate) async fn visit(
    state: &web::Data<AppState>,
    request: &HttpRequest,
) -> Result<Option<Visit>, PageError> {
    let Some(session_id) = cookie_id(request, COOKIE) else {
        return Ok(None);
    };
    off_worker(state, move |state| {
        let Some(session) = state.store.patient_session(&session_id)? else {
            return Ok(None);
        };
        let invitation = match state.store.invitation(&session.invitation) {
            // Opted out or answered in another tab: this session is over.
            Ok(invitation) if matches!(invitation.status.as_str(), "opted_out" | "submitted") => {
                state.store.end_session(&session_id)?;
                return Ok(None);
            }
            Ok(invitation) => invitation,
            Err(vecu_store::StoreError::InvitationNotFound(_)) => return Ok(None),
            Err(error) => return Err(error.into()),
        };
        let survey = state.survey(&invitation.survey_hash)?;
        let (_, answers) = draft_answers(&survey, state.store.draft(&invitation.id)?);
        Ok(Some(Visit {
            session_id,
            session,
            invitation,
            survey,
            answers,
        }))
    })
    .await
}

/// The visit behind a form posted with the session's CSRF token; a forged form is refused.
pub(crate) async fn posted_visit(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    csrf: &str,
) -> Result<Option<Visit>, PageError> {
    let Some(visit) = visit(state, request).await? else {
        return Ok(None);
    };
    if !state
        .csrf
        .verify(&format!("session:{}", visit.session_id), csrf)
    {
        return Err(PageError::Forbidden);
    }
    Ok(Some(visit))
}

/// The visit behind a page view, with texts in the language asked for (which the session then
/// keeps).
async fn page_visit(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    asked: Option<&str>,
) -> Result<Option<(Visit, Texts)>, PageError> {
    let Some(visit) = visit(state, request).await? else {
        return Ok(None);
    };
    if let Some(lang) = asked.filter(|lang| visit.survey.language(lang).is_some()) {
        keep_lang(state, &visit, lang).await?;
    }
    let texts = Texts::choose(&visit.survey, asked, Some(&visit.session.lang));
    Ok(Some((visit, texts)))
}

pub(crate) fn session_expired() -> HttpResponse {
    message_in_all_languages(
        StatusCode::UNAUTHORIZED,
        "unavailable_heading",
        "session_expired",
    )
}

/// The thank-you page, with the address of the wave's public results page.
pub(crate) fn thanks(texts: &Texts, survey: &Survey, results: &str) -> HttpResponse {
    let (heading, text) = outcome::message(texts, "thanks_heading", &["thanks_text"]);
    let body = maud::html! {
        (text)
        p { (texts.get("thanks_results")) " " a href=(results) { (results) } }
        p { (texts.get("thanks_close")) }
    };
    html(
        StatusCode::OK,
        layout::page(texts, survey, &heading, None, body),
    )
}

fn render_page(
    state: &AppState,
    visit: &Visit,
    texts: &Texts,
    section_idx: usize,
    answers: &Answers,
    errors: &[FieldError],
    added: bool,
) -> HttpResponse {
    let form = question::FormTarget {
        action: format!("/q/{section_idx}"),
        csrf: state.csrf.token(&format!("session:{}", visit.session_id)),
        hidden: Vec::new(),
    };
    let (status, heading, body) = question_page(
        &visit.survey,
        texts,
        (section_idx, answers),
        (errors, added),
        &form,
    );
    html(
        status,
        layout::page(
            texts,
            &visit.survey,
            &heading,
            Some(&format!("/q/{section_idx}")),
            body,
        ),
    )
}

/// A section as a question page (status, heading, body) with the answers given so far, and
/// the page's problems and whether questions were just added, posted to `form`: the patient's
/// pages and the team's preview alike.
pub(crate) fn question_page(
    survey: &Survey,
    texts: &Texts,
    (section_idx, answers): (usize, &Answers),
    (errors, added): (&[FieldError], bool),
    form: &question::FormTarget,
) -> (StatusCode, String, Markup) {
    let visibility = survey.visibility(answers);
    let pages = pages(survey, &visibility);
    let position = pages
        .iter()
        .position(|&page| page == section_idx)
        .unwrap_or_default();
    let section = &survey.sections[section_idx];
    let view = question::PageView {
        survey,
        texts,
        section_idx,
        page_number: position + 1,
        pages: pages.len(),
        items: section
            .items
            .iter()
            .filter(|item| visibility.item_shown(&item.id))
            .collect(),
        answers: visibility.shown_answers(),
        errors,
        added,
        form,
        has_previous: position > 0,
    };
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let heading = section.title.get(texts.lang()).to_owned();
    (status, heading, question::body(&view))
}

/// What a posted page makes of the answers.
pub(crate) struct PostedPage {
    /// Every answer after this page's, those that skip logic now hides dropped.
    pub answers: Answers,
    /// Problems with this page's answers, in the page's order.
    pub errors: Vec<FieldError>,
    /// The answers revealed questions on this page that were not on it.
    pub added: bool,
}

/// Reads a posted page of `section_idx` into the earlier `answers`: the shown items' answers
/// replace theirs, answers on branches now skipped go, required questions left empty and
/// unreadable answers become errors.
pub(crate) fn read_page(
    survey: &Survey,
    section_idx: usize,
    form: &crate::form::Fields,
    texts: &Texts,
    mut answers: Answers,
) -> PostedPage {
    let section = &survey.sections[section_idx];
    let shown: Vec<&str> = form
        .iter()
        .filter(|(key, _)| key == "shown")
        .map(|(_, value)| value.as_str())
        .collect();
    let mut errors = Vec::new();
    for item in section
        .items
        .iter()
        .filter(|item| shown.contains(&item.id.as_str()))
    {
        answers.remove(&item.id);
        match read_item(survey, item, form, texts) {
            Ok(Some(answer)) => answers.insert(item.id.clone(), answer),
            Ok(None) => {}
            Err(error) => errors.push(error),
        }
    }
    // Answers left on a branch that is now skipped are dropped, here and on later pages.
    let visibility = survey.visibility(&answers);
    let added = section.items.iter().any(|item| {
        item.kind != ItemKind::Display
            && visibility.item_shown(&item.id)
            && !shown.contains(&item.id.as_str())
    });
    for problem in survey.missing_required(&visibility, Some(section_idx)) {
        let item = problem.pointer.trim_start_matches('/').to_owned();
        if shown.contains(&item.as_str())
            && !errors.iter().any(|error: &FieldError| error.item == item)
        {
            errors.push(FieldError {
                item,
                message: texts.get("error_required"),
            });
        }
    }
    let order = |id: &str| section.items.iter().position(|item| item.id.as_str() == id);
    errors.sort_by_key(|error| order(&error.item));
    PostedPage {
        answers: visibility.shown_answers().clone(),
        errors,
        added,
    }
}

#[get("/q/{section}")]
pub async fn show_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    section: web::Path<usize>,
    query: web::Query<LangQuery>,
) -> Page {
    let Some((visit, texts)) = page_visit(&state, &request, query.lang.as_deref()).await? else {
        return Ok(session_expired());
    };
    let survey = &visit.survey;
    let section_idx = *section;
    if section_idx >= survey.sections.len() {
        return Err(PageError::NotFound);
    }
    let visibility = survey.visibility(&visit.answers);
    let visible = pages(survey, &visibility);
    if !visible.contains(&section_idx) {
        let next = visible.iter().find(|&&page| page > section_idx);
        return Ok(redirect(
            &next.map_or("/q/review".to_owned(), |page| format!("/q/{page}")),
        ));
    }
    let errors: Vec<FieldError> = if query.check.is_some() {
        survey
            .missing_required(&visibility, Some(section_idx))
            .into_iter()
            .map(|problem| FieldError {
                item: problem.pointer.trim_start_matches('/').to_owned(),
                message: texts.get("error_required"),
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render_page(
        &state,
        &visit,
        &texts,
        section_idx,
        visibility.shown_answers(),
        &errors,
        false,
    ))
}

#[post("/q/{section}")]
pub async fn save_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    section: web::Path<usize>,
    payload: web::Payload,
) -> Page {
    // Nothing is read before the session is known; then as much as this page can need.
    let Some(visit) = visit(&state, &request).await? else {
        return Ok(session_expired());
    };
    let survey = &visit.survey;
    let section_idx = *section;
    let Some(section) = survey.sections.get(section_idx) else {
        return Err(PageError::NotFound);
    };
    let form = read_fields(&request, payload, page_limit(section)).await?;
    let field = |name: &str| field(&form, name);
    if !state.csrf.verify(
        &format!("session:{}", visit.session_id),
        field("csrf").unwrap_or_default(),
    ) {
        return Err(PageError::Forbidden);
    }
    let texts = Texts::choose(survey, None, Some(&visit.session.lang));
    let PostedPage {
        answers,
        errors,
        added,
    } = read_page(survey, section_idx, &form, &texts, visit.answers.clone());
    let visibility = survey.visibility(&answers);
    // The draft remembers the page to come back to: where the patient goes next.
    let save = |page: usize| {
        let invitation = visit.invitation.id.clone();
        let json = answers.to_json();
        off_worker(&state, move |state| {
            Ok(state.store.save_draft(&invitation, page as i64, &json)?)
        })
    };
    let visible = pages(survey, &visibility);
    if field("action") == Some("back") {
        let previous = visible
            .iter()
            .rev()
            .find(|&&page| page < section_idx)
            .copied()
            .unwrap_or(section_idx);
        if let Some(ended) = saved(save(previous).await)? {
            return Ok(ended);
        }
        return Ok(redirect(&format!("/q/{previous}")));
    }
    if !errors.is_empty() || added {
        if let Some(ended) = saved(save(section_idx).await)? {
            return Ok(ended);
        }
        return Ok(render_page(
            &state,
            &visit,
            &texts,
            section_idx,
            &answers,
            &errors,
            added,
        ));
    }
    match visible.iter().find(|&&page| page > section_idx) {
        Some(&next) => {
            if let Some(ended) = saved(save(next).await)? {
                return Ok(ended);
            }
            Ok(redirect(&format!("/q/{next}")))
        }
        None => {
            if let Some(ended) = saved(save(survey.sections.len()).await)? {
                return Ok(ended);
            }
            Ok(redirect("/q/review"))
        }
    }
}

/// A draft that can no longer be saved because the questionnaire was sent or refused from another
/// tab in the meantime ends this session, as the next page view would.
fn saved(result: Result<(), PageError>) -> Result<Option<HttpResponse>, PageError> {
    match result {
        Ok(()) => Ok(None),
        Err(PageError::Store(vecu_store::StoreError::InvitationState { .. })) => {
            Ok(Some(session_expired()))
        }
        Err(error) => Err(error),
    }
}

#[get("/q/review")]
pub async fn show_review(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<LangQuery>,
) -> Page {
    let Some((visit, texts)) = page_visit(&state, &request, query.lang.as_deref()).await? else {
        return Ok(session_expired());
    };
    let survey = &visit.survey;
    let visibility = survey.visibility(&visit.answers);
    let csrf = state.csrf.token(&format!("session:{}", visit.session_id));
    let body = review::body(
        survey,
        &texts,
        &visibility,
        &pages(survey, &visibility),
        &csrf,
    );
    Ok(html(
        StatusCode::OK,
        layout::page(
            &texts,
            survey,
            &texts.get("review_heading"),
            Some("/q/review"),
            body,
        ),
    ))
}

#[derive(Debug, Deserialize)]
pub struct SubmitForm {
    csrf: String,
}

#[post("/q/submit")]
pub async fn submit(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: SmallForm<SubmitForm>,
) -> Page {
    let Some(visit) = posted_visit(&state, &request, &form.csrf).await? else {
        return Ok(session_expired());
    };
    let survey = &visit.survey;
    let texts = Texts::choose(survey, None, Some(&visit.session.lang));
    let shown = survey.visibility(&visit.answers).into_shown_answers();
    match survey.validate_answers(shown) {
        Ok(response) => {
            // Submitting twice (a double click, a retried request) stores one response.
            // The store ends the session in the transaction that stores the response.
            let invitation = visit.invitation.id.clone();
            let wave = visit.invitation.wave.clone();
            let mode = visit.session.mode;
            let (outcome, results) = off_worker(&state, move |state| {
                let outcome = state.store.submit(&invitation, &response, mode)?;
                Ok((outcome, state.store.results_code(&wave)?))
            })
            .await?;
            if matches!(outcome, vecu_store::SubmitOutcome::Submitted(_)) {
                state.metrics.submitted(mode);
            }
            let mut page = thanks(&texts, survey, &results.address(&state.public_url));
            let _ = page.add_removal_cookie(&Cookie::build(COOKIE, "").path("/").finish());
            Ok(page)
        }
        Err(problems) => {
            let first = problems
                .0
                .first()
                .map(|problem| problem.pointer.trim_start_matches('/').to_owned())
                .unwrap_or_default();
            let section = survey
                .sections
                .iter()
                .position(|section| section.items.iter().any(|item| item.id.as_str() == first))
                .unwrap_or_default();
            Ok(redirect(&format!("/q/{section}?check=1")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_refused_because_the_questionnaire_was_sent_meanwhile_ends_the_session() {
        let sent = PageError::Store(vecu_store::StoreError::InvitationState {
            status: "submitted".to_owned(),
            action: "saving a draft",
        });
        let ended = saved(Err(sent)).expect("not an error page");
        assert_eq!(
            ended.map(|response| response.status()),
            Some(StatusCode::UNAUTHORIZED)
        );
        assert!(matches!(saved(Ok(())), Ok(None)));
        assert!(saved(Err(PageError::NotFound)).is_err());
    }
}
