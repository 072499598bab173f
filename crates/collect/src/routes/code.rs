//! Answering by access code: the page printed on letters (`/code`), then the same path as a
//! link (welcome, pages, review, submit), with the session marked as mode web_code.
//!
//! The code never appears in a URL or a log: it is posted once, and a session cookie stands
//! for it from then on. Unknown, used and expired codes get one neutral answer, and count
//! against the client's address like unknown tokens.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vecu_store::{AccessCode, Asker, CodeError, Mode, TokenState};

use crate::form::SmallForm;
use crate::guard::FAILURES_PER_WINDOW;
use crate::i18n::{Texts, INTERFACE_LANGUAGES};
use crate::pages::code::{self, CodeProblem};
use crate::pages::{layout, outcome, welcome};
use crate::routes::patient::{
    html, keep_lang, off_worker, posted_visit, redirect, resume_location, session_cookie,
    session_expired, start_session, too_many, visit, LangQuery,
};
use crate::state::AppState;
use crate::PageError;

type Page = Result<HttpResponse, PageError>;

/// The CSRF subject of the code form, which no session backs yet.
const CODE_FORM: &str = "code-form";

#[derive(Debug, Deserialize)]
pub struct CodeForm {
    csrf: String,
    code: String,
    lang: Option<String>,
}

/// `/code?code=...&lang=..`: the link under a letter's QR code fills the field in (a GET
/// changes nothing; the patient still presses the button).
#[derive(Debug, Deserialize)]
pub struct CodeQuery {
    lang: Option<String>,
    code: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SessionForm {
    csrf: String,
}

/// The interface texts asked for, French by default (the code page comes before any survey).
pub(crate) fn interface_texts(lang: Option<&str>) -> Result<Texts, PageError> {
    lang.and_then(Texts::interface)
        .or_else(|| Texts::interface(INTERFACE_LANGUAGES[0]))
        .ok_or(PageError::NotFound)
}

fn code_page(
    state: &AppState,
    texts: &Texts,
    typed: &str,
    problem: Option<CodeProblem>,
) -> HttpResponse {
    let status = match problem {
        None => StatusCode::OK,
        Some(_) => StatusCode::UNPROCESSABLE_ENTITY,
    };
    html(
        status,
        layout::frame(
            texts,
            &texts.get("code_site_title"),
            &INTERFACE_LANGUAGES,
            &texts.get("code_heading"),
            Some("/code"),
            code::body(texts, &state.csrf.token(CODE_FORM), typed, problem),
        ),
    )
}

/// The page printed on letters: type your access code.
#[get("/code")]
pub async fn code_form(state: web::Data<AppState>, query: web::Query<CodeQuery>) -> Page {
    let typed = query.code.as_deref().unwrap_or_default();
    Ok(code_page(
        &state,
        &interface_texts(query.lang.as_deref())?,
        typed,
        None,
    ))
}

/// A code typed: typing errors are said as such (no look-up); a usable code opens a session
/// and leads to the welcome page; anything else gets the same neutral answer.
#[post("/code")]
pub async fn code_enter(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: SmallForm<CodeForm>,
) -> Page {
    if !state.csrf.verify(CODE_FORM, &form.csrf) {
        return Err(PageError::Forbidden);
    }
    let texts = interface_texts(form.lang.as_deref())?;
    let code = match AccessCode::parse(&form.code) {
        Ok(code) => code,
        Err(CodeError::Length(_)) => {
            return Ok(code_page(
                &state,
                &texts,
                &form.code,
                Some(CodeProblem::Length),
            ))
        }
        Err(_) => {
            return Ok(code_page(
                &state,
                &texts,
                &form.code,
                Some(CodeProblem::Typing),
            ))
        }
    };
    let address = crate::routes::patient::client(&state, &request);
    let found = off_worker(&state, move |state| {
        if !state
            .store
            .lookup_allowed(Asker::Address(address), FAILURES_PER_WINDOW)?
        {
            return Ok(None);
        }
        let found = state.store.lookup_code(&code)?;
        match &found {
            TokenState::Usable(invitation) if invitation.status == "invited" => {
                state.store.record_opened(&invitation.id)?;
            }
            TokenState::Unknown => state.store.lookup_failed(Asker::Address(address))?,
            _ => {}
        }
        Ok(Some(found))
    })
    .await?;
    match found {
        None => Ok(too_many()),
        Some(TokenState::Usable(invitation)) => {
            let lang = form.lang.clone().unwrap_or(invitation.language.clone());
            let session = start_session(&state, invitation.id, &lang, Mode::WebCode).await?;
            Ok(actix_web::HttpResponse::SeeOther()
                .cookie(session_cookie(&state, session))
                .insert_header((actix_web::http::header::LOCATION, "/c/welcome"))
                .finish())
        }
        Some(_) => Ok(code_page(
            &state,
            &texts,
            &form.code,
            Some(CodeProblem::Unavailable),
        )),
    }
}

/// The welcome page of a code session: start (or continue), or opt out.
#[get("/c/welcome")]
pub async fn code_welcome(
    state: web::Data<AppState>,
    request: HttpRequest,
    query: web::Query<LangQuery>,
) -> Page {
    let Some(visit) = visit(&state, &request).await? else {
        return Ok(session_expired());
    };
    if let Some(lang) = query
        .lang
        .as_deref()
        .filter(|l| visit.survey.language(l).is_some())
    {
        keep_lang(&state, &visit, lang).await?;
    }
    let texts = Texts::choose(
        &visit.survey,
        query.lang.as_deref(),
        Some(&visit.session.lang),
    );
    let csrf = state.csrf.token(&format!("session:{}", visit.session_id));
    let body = welcome::body(
        &texts,
        &visit.survey,
        &welcome::Actions {
            base: "/c",
            resume_text: "welcome_resume_code",
        },
        &csrf,
        !visit.answers.is_empty(),
    );
    Ok(html(
        StatusCode::OK,
        layout::page(
            &texts,
            &visit.survey,
            &texts.get("welcome_heading"),
            Some("/c/welcome"),
            body,
        ),
    ))
}

/// Start or continue: to the saved page, as after a link.
#[post("/c/start")]
pub async fn code_start(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: SmallForm<SessionForm>,
) -> Page {
    let Some(visit) = posted_visit(&state, &request, &form.csrf).await? else {
        return Ok(session_expired());
    };
    let invitation = visit.invitation.id.clone();
    let draft = off_worker(&state, move |state| Ok(state.store.draft(&invitation)?)).await?;
    Ok(redirect(&resume_location(&visit.survey, draft)))
}

/// Opting out with a code: final, as from a link.
#[post("/c/optout")]
pub async fn code_opt_out(
    state: web::Data<AppState>,
    request: HttpRequest,
    form: SmallForm<SessionForm>,
) -> Page {
    let Some(visit) = posted_visit(&state, &request, &form.csrf).await? else {
        return Ok(session_expired());
    };
    // Opting out ends the invitation's sessions, this one included.
    let invitation = visit.invitation.id.clone();
    off_worker(&state, move |state| Ok(state.store.opt_out(&invitation)?)).await?;
    let texts = Texts::choose(&visit.survey, None, Some(&visit.session.lang));
    let (heading, body) = outcome::message(&texts, "optout_done_heading", &["optout_done"]);
    Ok(html(
        StatusCode::OK,
        layout::page(&texts, &visit.survey, &heading, None, body),
    ))
}
