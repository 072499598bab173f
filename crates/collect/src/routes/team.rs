//! The co-authors' pages under `/team`: sign in with an API key (it moves to an HttpOnly,
//! SameSite=Strict session cookie), read a report's findings, write, comment, mark priorities,
//! approve and publish. The store decides who may do what, as for the JSON API.
//!
//! A session (kept by the store) remembers its key's id and comes back with the key as the store
//! has it now: a revoked key's session ends at its next request. Data-entry keys never open
//! these pages.

use std::collections::BTreeMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::Markup;
use serde::Deserialize;
use vecu_store::{ApiKey, Asker, Role, Session, StoreError, TeamSession};

use super::patient::client;
use crate::form::SmallForm;
use crate::guard::{set_visitor, FAILURES_PER_WINDOW};
use crate::i18n::INTERFACE_LANGUAGES;
use crate::pages::team::{self, Mine};
use crate::reporting;
use crate::session::cookie_id;
use crate::state::AppState;

const COOKIE: &str = "vecu_team";
/// Pages before sign-in speak French unless another language is chosen.
const SIGN_IN_LANG: &str = "fr";

/// A supported language, or French.
fn language(asked: Option<&str>) -> &'static str {
    INTERFACE_LANGUAGES
        .into_iter()
        .find(|lang| Some(*lang) == asked)
        .unwrap_or(SIGN_IN_LANG)
}

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The signed-in co-author and their session id (the subject of their CSRF tokens).
pub(crate) struct Member {
    pub(crate) key: ApiKey,
    pub(crate) session: String,
    /// Language of the pages that are not a report's (chosen at sign-in).
    pub(crate) lang: String,
}

/// Keys that sign in to the team pages: every role but data entry. Hospital keys see their
/// sites' results there (`/team/sites`), and nothing of the co-authors' pages.
fn signs_in(key: &ApiKey) -> bool {
    key.role != Role::DataEntry
}

/// Keys that open the co-authors' pages (reports, drafts, co-design): not hospital keys.
fn opens_team_pages(key: &ApiKey) -> bool {
    signs_in(key) && key.role != Role::Hospital
}

/// Where a key lands once signed in.
fn home(key: &ApiKey) -> &'static str {
    if key.role == Role::Hospital {
        "/team/sites"
    } else {
        "/team/reports"
    }
}

/// The signed-in co-author: a member whose key opens the co-authors' pages.
pub(crate) async fn member(request: &HttpRequest, state: &AppState) -> Option<Member> {
    signed_in(request, state)
        .await
        .filter(|member| opens_team_pages(&member.key))
}

/// The signed-in member, with their key as the store has it now. A session whose key was
/// revoked since (or that the store cannot vouch for) ends here.
async fn signed_in(request: &HttpRequest, state: &AppState) -> Option<Member> {
    let session = cookie_id(request, COOKIE)?;
    let store = state.store.clone();
    let id = session.clone();
    let found = blocking(move || match store.team_session(&id)? {
        Some(TeamSession { key, lang }) if signs_in(&key) => Ok(Some((key, lang))),
        Some(_) => Ok(store.end_session(&id).map(|()| None)?),
        None => Ok(None),
    })
    .await;
    match found {
        Ok(found) => found.map(|(key, lang)| Member { key, session, lang }),
        Err(error) => {
            tracing::error!(%error, "a team session could not be read");
            None
        }
    }
}

/// Back to the sign-in page, the session cookie removed.
pub(crate) fn to_sign_in() -> HttpResponse {
    let mut response = see_other("/team");
    let _ = response.add_removal_cookie(&Cookie::build(COOKIE, "").path("/team").finish());
    response
}

pub(crate) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

pub(crate) fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, reporting::ReportingError> + Send + 'static,
) -> Result<T, reporting::ReportingError> {
    match web::block(work).await {
        Ok(result) => result,
        Err(error) => Err(StoreError::Corrupt(error.to_string()).into()),
    }
}

/// The sign-in page (or the reports, when signed in).
#[get("/team")]
pub async fn sign_in_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<LangQuery>,
) -> HttpResponse {
    if let Some(member) = signed_in(&request, &state).await {
        return see_other(home(&member.key));
    }
    sign_in_form(
        &request,
        &state,
        language(query.lang.as_deref()),
        StatusCode::OK,
        None,
    )
}

/// The CSRF subject of the sign-in form, bound to its visitor (`Csrf::sign_in_token`).
const SIGN_IN_FORM: &str = "team";

/// The sign-in page, with the word id of what went wrong with the last attempt.
fn sign_in_form(
    request: &HttpRequest,
    state: &AppState,
    lang: &str,
    status: StatusCode,
    problem: Option<&str>,
) -> HttpResponse {
    let (csrf, visitor) =
        state
            .csrf
            .sign_in_token(request, SIGN_IN_FORM, "/team", state.secure_cookies);
    let mut page = html(status, team::sign_in(lang, &csrf, problem));
    set_visitor(&mut page, visitor);
    page
}

#[derive(Deserialize)]
pub struct SignIn {
    csrf: String,
    key: String,
    lang: Option<String>,
}

/// Signs in with an API key; failures are rate limited per client address.
#[post("/team/login")]
pub async fn sign_in(
    request: HttpRequest,
    state: web::Data<AppState>,
    form: SmallForm<SignIn>,
) -> HttpResponse {
    let lang = language(form.lang.as_deref());
    let refused = |status, problem| sign_in_form(&request, &state, lang, status, Some(problem));
    if !state
        .csrf
        .verify_sign_in(&request, SIGN_IN_FORM, &form.csrf)
    {
        return refused(StatusCode::FORBIDDEN, "form_expired");
    }
    let asker = Asker::Address(client(&state, &request));
    let key = form.key.trim().to_owned();
    let store = state.store.clone();
    // Signed in: the session, started in the same trip to the store.
    let signed_in = blocking(move || {
        if !store.lookup_allowed(asker, FAILURES_PER_WINDOW)? {
            return Ok(Err(StatusCode::TOO_MANY_REQUESTS));
        }
        match store.authenticate(&key)?.filter(signs_in) {
            Some(key) => {
                let home = home(&key);
                let session = store.start_session(&Session::Team(TeamSession {
                    key,
                    lang: lang.to_owned(),
                }))?;
                Ok(Ok((session, home)))
            }
            None => {
                store.lookup_failed(asker)?;
                Ok(Err(StatusCode::UNAUTHORIZED))
            }
        }
    })
    .await;
    let (session, home) = match signed_in {
        Ok(Ok(session)) => session,
        Ok(Err(status)) => return refused(status, "bad_key"),
        Err(error) => {
            tracing::error!(%error, "signing in failed");
            return refused(StatusCode::INTERNAL_SERVER_ERROR, "bad_key");
        }
    };
    let cookie = Cookie::build(COOKIE, session)
        .path("/team")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, home))
        .finish()
}

/// The sites' results the signed-in key may read, by wave (a hospital key: its own sites,
/// as the store scopes them).
#[get("/team/sites")]
pub async fn sites(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(member) = signed_in(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.acting_as(&member.key);
    let lang = member.lang.clone();
    let researcher = member.key.role.is_researcher();
    let listed = blocking(move || {
        let mut out = Vec::new();
        // Researchers set each site's report language: every site once, all languages offered.
        let mut sites: BTreeMap<String, team::SiteLanguage> = BTreeMap::new();
        let mut languages: Vec<String> = Vec::new();
        for wave in store.waves()? {
            let sites_released = store.released_sites(&wave.id)?;
            if sites_released.is_empty() {
                continue;
            }
            let survey = store.survey(&wave.survey_hash)?;
            // Reports are written in the base languages (an easy-read variant is the patients').
            for code in survey
                .languages
                .iter()
                .filter(|code| !code.as_str().contains('-'))
            {
                if !languages.iter().any(|known| known == code.as_str()) {
                    languages.push(code.as_str().to_owned());
                }
            }
            let named: Vec<(String, String)> = sites_released
                .into_iter()
                .map(|site| {
                    let name = vecu_report::site_name(&survey, &site, &lang);
                    (site, name)
                })
                .collect();
            if researcher {
                for (site, name) in &named {
                    if !sites.contains_key(site) {
                        let chosen = store.site_language(site)?;
                        sites.insert(
                            site.clone(),
                            team::SiteLanguage {
                                site: site.clone(),
                                name: name.clone(),
                                lang: chosen,
                            },
                        );
                    }
                }
            }
            out.push(team::WaveSites {
                wave: wave.id,
                name: wave.name,
                sites: named,
            });
        }
        let languages = researcher.then(|| team::SiteLanguages {
            sites: sites.into_values().collect(),
            languages,
        });
        Ok((out, languages))
    })
    .await;
    let csrf = state.csrf.token(&member.session);
    match listed {
        Ok((listed, languages)) => html(
            StatusCode::OK,
            team::site_list(
                &member.lang,
                (&member.key.name, member.key.role),
                &csrf,
                &listed,
                languages.as_ref(),
            ),
        ),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/sites"),
    }
}

/// One site's hospital report in the member's language; the store refuses a hospital key every
/// site but its own.
#[get("/team/sites/{wave}/{site}")]
pub async fn site_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let Some(member) = signed_in(&request, &state).await else {
        return to_sign_in();
    };
    let (wave, site) = path.into_inner();
    let store = state.store.acting_as(&member.key);
    let lang = member.lang.clone();
    match blocking(move || reporting::site_report(&store, &wave, &site, Some(&lang))).await {
        Ok(page) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(page),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/sites"),
    }
}

/// The report language chosen for a site (empty: none).
#[derive(Deserialize)]
pub struct SiteLanguageForm {
    csrf: String,
    lang: String,
}

/// Sets the language of a site's hospital report (researchers).
#[post("/team/sites/{site}/language")]
pub async fn set_site_language(
    request: HttpRequest,
    state: web::Data<AppState>,
    site: web::Path<String>,
    form: web::Form<SiteLanguageForm>,
) -> HttpResponse {
    let site = site.into_inner();
    let SiteLanguageForm { csrf, lang } = form.into_inner();
    let anchor = format!("site-{site}");
    act_at(
        &request,
        state,
        "/team/sites".to_owned(),
        None,
        &csrf,
        &anchor,
        move |store, key| {
            let lang = Some(lang.as_str()).filter(|lang| !lang.is_empty());
            store.acting_as(key).set_site_language(&site, lang)
        },
    )
    .await
}

#[derive(Deserialize)]
pub struct Csrf {
    csrf: String,
}

/// Signs out.
#[post("/team/logout")]
pub async fn sign_out(
    request: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<Csrf>,
) -> HttpResponse {
    if let Some(member) = member(&request, &state).await {
        if state.csrf.verify(&member.session, &form.csrf) {
            let store = state.store.clone();
            if let Ok(Err(error)) = web::block(move || store.end_session(&member.session)).await {
                tracing::error!(%error, "signing out failed");
            }
        }
    }
    let mut response = see_other("/team");
    let _ = response.add_removal_cookie(&Cookie::build(COOKIE, "").path("/team").finish());
    response
}

/// Every report, newest wave last.
#[get("/team/reports")]
pub async fn reports(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.clone();
    let listed = blocking(move || {
        let mut out = Vec::new();
        let waves = store.waves()?;
        let names: Vec<(String, String)> = waves
            .iter()
            .map(|wave| (wave.id.clone(), format!("{} ({})", wave.name, wave.status)))
            .collect();
        for wave in waves {
            for id in store.reports_of_wave(&wave.id)? {
                let report = store.report(&id)?;
                let state = serde_json::to_value(report.state)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default();
                out.push((id, report.title, state));
            }
        }
        Ok((out, names))
    })
    .await;
    let csrf = state.csrf.token(&member.session);
    match listed {
        Ok((listed, waves)) => html(
            StatusCode::OK,
            team::report_list(
                &member.lang,
                (&member.key.name, member.key.role),
                &csrf,
                &listed,
                &waves,
            ),
        ),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/reports"),
    }
}

/// Renders a team page from what `load` reads as the signed-in member (their store, key and
/// language), or says plainly why it cannot, with the way `back`.
pub(crate) async fn team_page<T: Send + 'static>(
    request: &HttpRequest,
    state: &web::Data<AppState>,
    back: &str,
    load: impl FnOnce(vecu_store::Store, ApiKey, String) -> Result<T, reporting::ReportingError>
        + Send
        + 'static,
    render: impl FnOnce(&Member, &str, T) -> Markup,
) -> HttpResponse {
    let Some(member) = member(request, state).await else {
        return to_sign_in();
    };
    let store = state.store.acting_as(&member.key);
    let (key, lang) = (member.key.clone(), member.lang.clone());
    let loaded = blocking(move || load(store, key, lang)).await;
    let csrf = state.csrf.token(&member.session);
    match loaded {
        Ok(data) => html(StatusCode::OK, render(&member, &csrf, data)),
        Err(error) => refused(&member, state, &member.lang, &error, back),
    }
}

pub(crate) fn refused(
    member: &Member,
    state: &AppState,
    lang: &str,
    error: &reporting::ReportingError,
    back: &str,
) -> HttpResponse {
    let status = super::api::reporting_status(error);
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(%error, "team page failed");
        "internal error".to_owned()
    } else {
        error.to_string()
    };
    let csrf = state.csrf.token(&member.session);
    html(
        status,
        team::problem(
            lang,
            (&member.key.name, member.key.role),
            &csrf,
            &message,
            back,
        ),
    )
}

/// A report with its forms.
#[get("/team/reports/{report}")]
pub async fn report_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    report: web::Path<String>,
) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.clone();
    let id = report.into_inner();
    let wanted = id.clone();
    let read = blocking(move || {
        let stored = store.report(&wanted)?;
        Ok((reporting::document_of(&store, &stored)?, stored))
    })
    .await;
    match read {
        Ok((document, stored)) => {
            let csrf = state.csrf.token(&member.session);
            html(
                StatusCode::OK,
                team::report_page(
                    &document,
                    &id,
                    (&member.key.name, member.key.role),
                    &csrf,
                    &Mine::of(&stored, &member.key.id),
                ),
            )
        }
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/reports"),
    }
}

/// The report as one HTML file to keep or print.
#[get("/team/reports/{report}/report.html")]
pub async fn download(
    request: HttpRequest,
    state: web::Data<AppState>,
    report: web::Path<String>,
) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.clone();
    let id = report.into_inner();
    match blocking(move || reporting::document(&store, &id)).await {
        Ok(document) => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            // The file carries its own stylesheet; it runs no script.
            .insert_header((
                "Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ))
            .insert_header((
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"report.html\"",
            ))
            .body(vecu_report::to_html(&document)),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/reports"),
    }
}

#[derive(Deserialize)]
pub struct BlockForm {
    csrf: String,
    finding: String,
    kind: String,
    text: String,
    back: String,
}

#[derive(Deserialize)]
pub struct TextForm {
    csrf: String,
    text: String,
    back: String,
}

#[derive(Deserialize)]
pub struct MarkForm {
    csrf: String,
    finding: String,
    important: Option<String>,
    priority: Option<String>,
    back: String,
}

/// Runs a store action for a signed-in member with a valid CSRF token, then goes back to
/// `page`; refusals are shown plainly, in `lang` (a report's, or the member's).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn act_at<E>(
    request: &HttpRequest,
    state: web::Data<AppState>,
    page: String,
    lang: Option<String>,
    csrf: &str,
    anchor: &str,
    action: impl FnOnce(&vecu_store::Store, &ApiKey) -> Result<(), E> + Send + 'static,
) -> HttpResponse
where
    E: Into<reporting::ReportingError> + Send + 'static,
{
    let Some(member) = member(request, &state).await else {
        return to_sign_in();
    };
    let lang = lang.unwrap_or_else(|| member.lang.clone());
    if !state.csrf.verify(&member.session, csrf) {
        let error = reporting::ReportingError::Store(StoreError::NotAllowed(
            "the form had expired; reload the page and try again".to_owned(),
        ));
        return refused(&member, &state, &lang, &error, &page);
    }
    let store = state.store.clone();
    let key = member.key.clone();
    match blocking(move || action(&store, &key).map_err(Into::into)).await {
        Ok(()) => {
            let anchor: String = anchor
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            see_other(&format!("{page}#{anchor}"))
        }
        Err(error) => refused(&member, &state, &lang, &error, &page),
    }
}

/// [`act_at`] on a report: back to the report page, refusals in the report's language.
async fn act<E>(
    request: &HttpRequest,
    state: web::Data<AppState>,
    report: String,
    csrf: &str,
    anchor: &str,
    action: impl FnOnce(&vecu_store::Store, &ApiKey, &str) -> Result<(), E> + Send + 'static,
) -> HttpResponse
where
    E: Into<reporting::ReportingError> + Send + 'static,
{
    let store = state.store.clone();
    let wanted = report.clone();
    let lang = web::block(move || store.report(&wanted).map(|r| r.lang))
        .await
        .ok()
        .and_then(Result::ok);
    let page = format!("/team/reports/{report}");
    act_at(
        request,
        state,
        page,
        lang,
        csrf,
        anchor,
        move |store, key| action(store, key, &report),
    )
    .await
}

/// Adds a text block.
#[post("/team/reports/{report}/blocks")]
pub async fn add_block(
    request: HttpRequest,
    state: web::Data<AppState>,
    report: web::Path<String>,
    form: web::Form<BlockForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let (finding, kind, text) = (form.finding, form.kind, form.text);
    act(
        &request,
        state,
        report.into_inner(),
        &form.csrf,
        &form.back,
        move |store, key, report| {
            store
                .add_block(key, report, &finding, &kind, &text)
                .map(|_| ())
        },
    )
    .await
}

/// Comments on a block.
#[post("/team/reports/{report}/blocks/{block}/comments")]
pub async fn comment_on_block(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<TextForm>,
) -> HttpResponse {
    let (report, block) = path.into_inner();
    let form = form.into_inner();
    let text = form.text;
    act(
        &request,
        state,
        report,
        &form.csrf,
        &form.back,
        move |store, key, report| store.comment(key, report, &block, &text).map(|_| ()),
    )
    .await
}

/// A partner's mark and priority on a finding.
#[post("/team/reports/{report}/marks")]
pub async fn mark(
    request: HttpRequest,
    state: web::Data<AppState>,
    report: web::Path<String>,
    form: web::Form<MarkForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let important = form.important.is_some();
    let priority = form
        .priority
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
        .and_then(|text| text.parse::<i32>().ok());
    let finding = form.finding;
    act(
        &request,
        state,
        report.into_inner(),
        &form.csrf,
        &form.back,
        move |store, key, report| store.mark_finding(key, report, &finding, important, priority),
    )
    .await
}

/// Sends for review, approves or publishes.
#[post("/team/reports/{report}/{action:review|approve|publish}")]
pub async fn decide(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<Csrf>,
) -> HttpResponse {
    let (report, action) = path.into_inner();
    act(
        &request,
        state,
        report,
        &form.csrf,
        "decisions",
        move |store, key, report| match action.as_str() {
            "review" => Ok(store.submit_report(key, report)?),
            "approve" => Ok(store.approve_report(key, report).map(|_| ())?),
            // Publishing releases each site's results in the same operation.
            _ => reporting::publish_report(store, key, report).map(|_| ()),
        },
    )
    .await
}

/// Edits one's own block (the store keeps the earlier text).
#[post("/team/reports/{report}/blocks/{block}")]
pub async fn edit_block(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<TextForm>,
) -> HttpResponse {
    let (report, block) = path.into_inner();
    let form = form.into_inner();
    let text = form.text;
    act(
        &request,
        state,
        report,
        &form.csrf,
        &form.back,
        move |store, key, report| store.edit_block(key, report, &block, &text),
    )
    .await
}

/// The survey versions open to co-design comments.
#[get("/team/surveys")]
pub async fn surveys(request: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.clone();
    let listed = blocking(move || Ok(store.surveys()?)).await;
    let csrf = state.csrf.token(&member.session);
    match listed {
        Ok(listed) => html(
            StatusCode::OK,
            team::survey_list(
                &member.lang,
                (&member.key.name, member.key.role),
                &csrf,
                &listed,
            ),
        ),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/surveys"),
    }
}

/// One survey version's questions with their co-design comments.
#[get("/team/surveys/{survey}")]
pub async fn survey_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    survey: web::Path<String>,
) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let store = state.store.acting_as(&member.key);
    let hash = survey.into_inner();
    let wanted = hash.clone();
    let loaded = blocking(move || {
        Ok((
            store.survey(&wanted)?,
            store.item_comments(&wanted)?,
            store.proposals(&wanted)?,
        ))
    })
    .await;
    let csrf = state.csrf.token(&member.session);
    match loaded {
        Ok((survey, comments, proposals)) => html(
            StatusCode::OK,
            team::codesign_page(
                &member.lang,
                (&member.key.name, member.key.role),
                &csrf,
                (&survey, &hash),
                &comments,
                &proposals,
            ),
        ),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/surveys"),
    }
}

/// Comments on a question of a survey version.
#[post("/team/surveys/{survey}/items/{item}/comments")]
pub async fn comment_item(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<CommentForm2>,
) -> HttpResponse {
    let (survey, item) = path.into_inner();
    let form = form.into_inner();
    let page = format!("/team/surveys/{survey}");
    let anchor = format!("item-{item}");
    let text = form.text;
    act_at(
        &request,
        state,
        page,
        None,
        &form.csrf,
        &anchor,
        move |store, key| store.comment_item(key, &survey, &item, &text).map(|_| ()),
    )
    .await
}

#[derive(Deserialize)]
pub struct CommentForm2 {
    pub(crate) csrf: String,
    pub(crate) text: String,
}

#[derive(Deserialize)]
pub struct AnswerForm {
    csrf: String,
    answer: String,
    resolve: Option<String>,
    /// `<survey hash>#<anchor>`.
    back: String,
}

/// A researcher answers a co-design comment, and may close it.
#[post("/team/item-comments/{comment}/answer")]
pub async fn answer_item_comment(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AnswerForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let (survey, anchor) = form.back.split_once('#').unwrap_or((&form.back, ""));
    let survey: String = survey.chars().filter(|c| c.is_ascii_hexdigit()).collect();
    let page = format!("/team/surveys/{survey}");
    let comment = path.into_inner();
    let (answer, resolve) = (form.answer.clone(), form.resolve.is_some());
    act_at(
        &request,
        state,
        page,
        None,
        &form.csrf,
        anchor,
        move |store, key| store.answer_item_comment(key, &comment, &answer, resolve),
    )
    .await
}

#[derive(Deserialize)]
pub struct NewReportForm {
    csrf: String,
    wave: String,
    title: String,
    lang: String,
    threshold: u64,
    required_researchers: u32,
    required_partners: u32,
}

/// A researcher starts a report of a wave; the new report opens.
#[post("/team/reports")]
pub async fn create_report(
    request: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NewReportForm>,
) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let form = form.into_inner();
    if !state.csrf.verify(&member.session, &form.csrf) {
        let error = reporting::ReportingError::Store(StoreError::NotAllowed(
            "the form had expired; reload the page and try again".to_owned(),
        ));
        return refused(&member, &state, &member.lang, &error, "/team/reports");
    }
    let settings = reporting::ReportSettings {
        title: form.title.trim().to_owned(),
        lang: language(Some(&form.lang)).to_owned(),
        threshold: form.threshold,
        required_researchers: form.required_researchers,
        required_partners: form.required_partners,
        engagement_wave: None,
    };
    let store = state.store.clone();
    let key = member.key.clone();
    let wave = form.wave;
    match blocking(move || reporting::create_report(&store, &key, &wave, &settings)).await {
        Ok(report) => see_other(&format!("/team/reports/{report}")),
        Err(error) => refused(&member, &state, &member.lang, &error, "/team/reports"),
    }
}
