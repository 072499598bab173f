//! The co-authors' pages under `/team`: sign in with an API key (it moves to an HttpOnly,
//! SameSite=Strict session cookie), read a report's findings, write, comment, mark priorities,
//! approve and publish. The store decides who may do what, as for the JSON API.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::Markup;
use rand::RngCore;
use serde::Deserialize;
use vecu_store::{ApiKey, StoreError};

use super::patient::client;
use crate::pages::team;
use crate::reporting;
use crate::state::AppState;

const COOKIE: &str = "vecu_team";
const IDLE: Duration = Duration::from_secs(8 * 60 * 60);
/// Pages before sign-in speak the first language of Swiss cancer surveys.
const SIGN_IN_LANG: &str = "fr";

/// Signed-in co-authors by session id.
#[derive(Default)]
pub struct TeamSessions(Mutex<HashMap<String, (ApiKey, Instant)>>);

impl TeamSessions {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (ApiKey, Instant)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn open(&self, key: ApiKey) -> String {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        let id: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
        let mut sessions = self.lock();
        sessions.retain(|_, (_, seen)| seen.elapsed() < IDLE);
        sessions.insert(id.clone(), (key, Instant::now()));
        id
    }

    fn get(&self, id: &str) -> Option<ApiKey> {
        let mut sessions = self.lock();
        let (key, seen) = sessions
            .get_mut(id)
            .filter(|(_, seen)| seen.elapsed() < IDLE)?;
        *seen = Instant::now();
        Some(key.clone())
    }
}

/// The signed-in co-author and their session id (the subject of their CSRF tokens).
struct Member {
    key: ApiKey,
    session: String,
}

fn member(request: &HttpRequest, sessions: &TeamSessions) -> Option<Member> {
    let session = request.cookie(COOKIE)?.value().to_owned();
    let key = sessions.get(&session)?;
    Some(Member { key, session })
}

fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(markup.into_string())
}

fn see_other(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

async fn blocking<T: Send + 'static>(
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
    sessions: web::Data<TeamSessions>,
) -> HttpResponse {
    if member(&request, &sessions).is_some() {
        return see_other("/team/reports");
    }
    let csrf = state.csrf.token("team-sign-in");
    html(StatusCode::OK, team::sign_in(SIGN_IN_LANG, &csrf, false))
}

#[derive(Deserialize)]
pub struct SignIn {
    csrf: String,
    key: String,
}

/// Signs in with an API key; failures are rate limited per client address.
#[post("/team/login")]
pub async fn sign_in(
    request: HttpRequest,
    state: web::Data<AppState>,
    sessions: web::Data<TeamSessions>,
    form: web::Form<SignIn>,
) -> HttpResponse {
    let csrf = state.csrf.token("team-sign-in");
    if !state.csrf.verify("team-sign-in", &form.csrf) {
        return html(
            StatusCode::FORBIDDEN,
            team::sign_in(SIGN_IN_LANG, &csrf, true),
        );
    }
    let address = client(&state, &request);
    if !state.limiter.allowed(address) {
        return html(
            StatusCode::TOO_MANY_REQUESTS,
            team::sign_in(SIGN_IN_LANG, &csrf, true),
        );
    }
    let key = form.key.trim().to_owned();
    let store = state.store.clone();
    let holder = web::block(move || store.authenticate(&key)).await;
    let Ok(Ok(Some(holder))) = holder else {
        state.limiter.failed(address);
        return html(
            StatusCode::UNAUTHORIZED,
            team::sign_in(SIGN_IN_LANG, &csrf, true),
        );
    };
    let session = sessions.open(holder);
    let cookie = Cookie::build(COOKIE, session)
        .path("/team")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.secure_cookies)
        .finish();
    HttpResponse::SeeOther()
        .cookie(cookie)
        .insert_header((header::LOCATION, "/team/reports"))
        .finish()
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
    sessions: web::Data<TeamSessions>,
    form: web::Form<Csrf>,
) -> HttpResponse {
    if let Some(member) = member(&request, &sessions) {
        if state.csrf.verify(&member.session, &form.csrf) {
            sessions.lock().remove(&member.session);
        }
    }
    let mut response = see_other("/team");
    let _ = response.add_removal_cookie(&Cookie::build(COOKIE, "").path("/team").finish());
    response
}

/// Every report, newest wave last.
#[get("/team/reports")]
pub async fn reports(
    request: HttpRequest,
    state: web::Data<AppState>,
    sessions: web::Data<TeamSessions>,
) -> HttpResponse {
    let Some(member) = member(&request, &sessions) else {
        return see_other("/team");
    };
    let store = state.store.clone();
    let listed = blocking(move || {
        let mut out = Vec::new();
        for wave in store.waves()? {
            for id in store.reports_of_wave(&wave.id)? {
                let report = store.report(&id)?;
                let state = serde_json::to_value(report.state)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default();
                out.push((id, report.title, state));
            }
        }
        Ok(out)
    })
    .await;
    let csrf = state.csrf.token(&member.session);
    match listed {
        Ok(listed) => html(
            StatusCode::OK,
            team::report_list(
                SIGN_IN_LANG,
                (&member.key.name, member.key.role),
                &csrf,
                &listed,
            ),
        ),
        Err(error) => refused(&member, &state, SIGN_IN_LANG, &error, "/team/reports"),
    }
}

fn refused(
    member: &Member,
    state: &AppState,
    lang: &str,
    error: &reporting::ReportingError,
    back: &str,
) -> HttpResponse {
    let status = match error {
        reporting::ReportingError::Store(StoreError::NotAllowed(_)) => StatusCode::FORBIDDEN,
        reporting::ReportingError::Store(
            StoreError::ReportNotFound(_)
            | StoreError::BlockNotFound(_)
            | StoreError::FindingNotFound(_),
        ) => StatusCode::NOT_FOUND,
        reporting::ReportingError::Store(
            StoreError::ReportState { .. } | StoreError::NotApproved { .. },
        ) => StatusCode::CONFLICT,
        _ => {
            tracing::error!(%error, "team page failed");
            StatusCode::INTERNAL_SERVER_ERROR
        }
    };
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
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
    sessions: web::Data<TeamSessions>,
    report: web::Path<String>,
) -> HttpResponse {
    let Some(member) = member(&request, &sessions) else {
        return see_other("/team");
    };
    let store = state.store.clone();
    let id = report.into_inner();
    let wanted = id.clone();
    match blocking(move || reporting::document(&store, &wanted)).await {
        Ok(document) => {
            let csrf = state.csrf.token(&member.session);
            html(
                StatusCode::OK,
                team::report_page(&document, &id, (&member.key.name, member.key.role), &csrf),
            )
        }
        Err(error) => refused(&member, &state, SIGN_IN_LANG, &error, "/team/reports"),
    }
}

/// The report as one HTML file to keep or print.
#[get("/team/reports/{report}/report.html")]
pub async fn download(
    request: HttpRequest,
    state: web::Data<AppState>,
    sessions: web::Data<TeamSessions>,
    report: web::Path<String>,
) -> HttpResponse {
    let Some(member) = member(&request, &sessions) else {
        return see_other("/team");
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
        Err(error) => refused(&member, &state, SIGN_IN_LANG, &error, "/team/reports"),
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
pub struct CommentForm {
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
/// `anchor` in the report page; refusals are shown plainly.
async fn act(
    request: &HttpRequest,
    state: web::Data<AppState>,
    sessions: &TeamSessions,
    report: String,
    csrf: &str,
    anchor: &str,
    action: impl FnOnce(&vecu_store::Store, &ApiKey, &str) -> Result<(), StoreError> + Send + 'static,
) -> HttpResponse {
    let Some(member) = member(request, sessions) else {
        return see_other("/team");
    };
    let page = format!("/team/reports/{report}");
    if !state.csrf.verify(&member.session, csrf) {
        let error = reporting::ReportingError::Store(StoreError::NotAllowed(
            "the form had expired; reload the page and try again".to_owned(),
        ));
        return refused(&member, &state, SIGN_IN_LANG, &error, &page);
    }
    let store = state.store.clone();
    let key = member.key.clone();
    let lang_store = state.store.clone();
    let lang_report = report.clone();
    let lang = web::block(move || lang_store.report(&lang_report).map(|r| r.lang))
        .await
        .ok()
        .and_then(Result::ok)
        .unwrap_or_else(|| SIGN_IN_LANG.to_owned());
    match blocking(move || Ok(action(&store, &key, &report)?)).await {
        Ok(()) => {
            let anchor: String = anchor
                .chars()
                .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            see_other(&format!("{page}#{anchor}"))
        }
        Err(error) => refused(&member, &state, &lang, &error, &page),
    }
}

/// Adds a text block.
#[post("/team/reports/{report}/blocks")]
pub async fn add_block(
    request: HttpRequest,
    state: web::Data<AppState>,
    sessions: web::Data<TeamSessions>,
    report: web::Path<String>,
    form: web::Form<BlockForm>,
) -> HttpResponse {
    let form = form.into_inner();
    let (finding, kind, text) = (form.finding, form.kind, form.text);
    act(
        &request,
        state,
        &sessions,
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
pub async fn comment(
    request: HttpRequest,
    state: web::Data<AppState>,
    sessions: web::Data<TeamSessions>,
    path: web::Path<(String, String)>,
    form: web::Form<CommentForm>,
) -> HttpResponse {
    let (report, block) = path.into_inner();
    let form = form.into_inner();
    let text = form.text;
    act(
        &request,
        state,
        &sessions,
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
    sessions: web::Data<TeamSessions>,
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
        &sessions,
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
    sessions: web::Data<TeamSessions>,
    path: web::Path<(String, String)>,
    form: web::Form<Csrf>,
) -> HttpResponse {
    let (report, action) = path.into_inner();
    act(
        &request,
        state,
        &sessions,
        report,
        &form.csrf,
        "decisions",
        move |store, key, report| match action.as_str() {
            "review" => store.submit_report(key, report),
            "approve" => store.approve_report(key, report).map(|_| ()),
            _ => store.publish_report(key, report),
        },
    )
    .await
}
