//! The team's preview: any stored survey version as patients see it, page by page, in any of
//! its languages, skip logic included, without an invitation. It stores nothing: the answers
//! travel from page to page in the form's hidden `answers` field (JSON), never in the store or
//! the session, and every page says that it is a preview.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use maud::{html, Markup};
use serde::Deserialize;
use vecu_store::StoreError;
use vecu_survey::{Answers, Survey};

use crate::form::{field, page_limit, read_fields, Fields};
use crate::i18n::Texts;
use crate::pages::{layout, question};
use crate::routes::patient::{html as page, off_worker, pages, question_page, read_page};
use crate::routes::team::{member, to_sign_in, Member};
use crate::state::AppState;
use crate::PageError;

type Page = Result<HttpResponse, PageError>;

#[derive(Debug, Deserialize)]
pub struct PreviewQuery {
    lang: Option<String>,
    /// The paper version in large print.
    large: Option<u8>,
}

/// The survey version with this hash; an unknown one is a page not found.
async fn stored(state: &web::Data<AppState>, hash: &str) -> Result<Survey, PageError> {
    let hash = hash.to_owned();
    match off_worker(state, move |state| Ok(state.store.survey(&hash)?)).await {
        Err(PageError::Store(StoreError::SurveyNotFound(_))) => Err(PageError::NotFound),
        other => other,
    }
}

/// A survey version opened for a signed-in member.
struct Preview {
    member: Member,
    survey: Survey,
    hash: String,
}

/// The signed-in member and the page of a survey version they asked for, or the way to the
/// sign-in page.
async fn opened(
    request: &HttpRequest,
    state: &web::Data<AppState>,
    path: web::Path<(String, usize)>,
) -> Result<Result<(Preview, usize), HttpResponse>, PageError> {
    let Some(member) = member(request, state).await else {
        return Ok(Err(to_sign_in()));
    };
    let (hash, section_idx) = path.into_inner();
    let survey = stored(state, &hash).await?;
    if section_idx >= survey.sections.len() {
        return Err(PageError::NotFound);
    }
    Ok(Ok((
        Preview {
            member,
            survey,
            hash,
        },
        section_idx,
    )))
}

fn base(hash: &str) -> String {
    format!("/team/surveys/{hash}/preview")
}

/// A page of the preview: the patient's page under a preview heading and notice.
fn framed(
    texts: &Texts,
    survey: &Survey,
    status: StatusCode,
    (heading, switch_base): (&str, &str),
    body: Markup,
) -> HttpResponse {
    let heading = texts.fill("preview_heading", &[("title", heading)]);
    let body = html! {
        p class="notice preview" role="note" { strong { (texts.get("preview_banner")) } }
        (body)
    };
    page(
        status,
        layout::page(texts, survey, &heading, Some(switch_base), body),
    )
}

/// The welcome of the preview: what patients read first, and a link to the first page.
#[get("/team/surveys/{survey}/preview")]
pub async fn welcome(
    request: HttpRequest,
    state: web::Data<AppState>,
    survey: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> Page {
    if member(&request, &state).await.is_none() {
        return Ok(to_sign_in());
    }
    let hash = survey.into_inner();
    let survey = stored(&state, &hash).await?;
    let texts = Texts::choose(&survey, query.lang.as_deref(), None);
    let lang = texts.lang();
    let first = pages(&survey, &survey.visibility(&Answers::new()))
        .first()
        .copied()
        .unwrap_or_default();
    let body = html! {
        @if let Some(description) = &survey.description {
            p { (description.get(lang)) }
        }
        p { a href={ (base(&hash)) "/" (first) "?lang=" (lang.as_str()) } { (texts.get("preview_start")) } }
        p { a href={ "/team/surveys/" (hash) "/paper?lang=" (lang.as_str()) } { (texts.get("preview_paper")) } }
    };
    Ok(framed(
        &texts,
        &survey,
        StatusCode::OK,
        (survey.title.get(lang), &base(&hash)),
        body,
    ))
}

/// The paper questionnaire of the version, as it would be printed (`large=1`: large print).
#[get("/team/surveys/{survey}/paper")]
pub async fn paper(
    request: HttpRequest,
    state: web::Data<AppState>,
    survey: web::Path<String>,
    query: web::Query<PreviewQuery>,
) -> Page {
    if member(&request, &state).await.is_none() {
        return Ok(to_sign_in());
    }
    let survey = stored(&state, &survey.into_inner()).await?;
    let texts = Texts::choose(&survey, query.lang.as_deref(), None);
    let printed = crate::paper_questionnaire(
        &survey,
        texts.lang().as_str(),
        query.large.is_some_and(|large| large == 1),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(printed))
}

/// A page of the questionnaire with no answers yet (the first, or any page opened directly).
#[get("/team/surveys/{survey}/preview/{section}")]
pub async fn show(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    query: web::Query<PreviewQuery>,
) -> Page {
    let (preview, section_idx) = match opened(&request, &state, path).await? {
        Ok(opened) => opened,
        Err(sign_in) => return Ok(sign_in),
    };
    let texts = Texts::choose(&preview.survey, query.lang.as_deref(), None);
    Ok(render(
        &state,
        &preview,
        &texts,
        (section_idx, &Answers::new()),
        (&[], false),
    ))
}

fn render(
    state: &AppState,
    preview: &Preview,
    texts: &Texts,
    (section_idx, answers): (usize, &Answers),
    (errors, added): (&[crate::form::FieldError], bool),
) -> HttpResponse {
    let Preview {
        member,
        survey,
        hash,
    } = preview;
    let form = question::FormTarget {
        action: format!("{}/{section_idx}", base(hash)),
        csrf: state.csrf.token(&member.session),
        hidden: vec![
            ("lang", texts.lang().as_str().to_owned()),
            ("answers", answers.to_json().to_string()),
        ],
    };
    let (status, heading, body) = question_page(
        survey,
        texts,
        (section_idx, answers),
        (errors, added),
        &form,
    );
    framed(
        texts,
        survey,
        status,
        (&heading, &format!("{}/{section_idx}", base(hash))),
        body,
    )
}

/// The answers carried by the form; what cannot be read is left out (the team member typed
/// only this page; the rest came from pages vecu rendered).
fn carried(survey: &Survey, form: &Fields) -> Answers {
    let json = field(form, "answers").unwrap_or("{}");
    match serde_json::from_str::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => Answers::parse(survey, &map).0,
        _ => Answers::new(),
    }
}

/// A posted page: the same checks and skip logic as a patient's, then the next page, the same
/// page with its problems or new questions, the previous page, or the end.
#[post("/team/surveys/{survey}/preview/{section}")]
pub async fn answer(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    payload: web::Payload,
) -> Page {
    let (preview, section_idx) = match opened(&request, &state, path).await? {
        Ok(opened) => opened,
        Err(sign_in) => return Ok(sign_in),
    };
    let survey = &preview.survey;
    // This page and the earlier answers carried along, percent-encoded JSON at most 3 bytes
    // per byte.
    let limit = 3 * survey.sections.iter().map(page_limit).sum::<usize>();
    let form = read_fields(&request, payload, limit).await?;
    if !state.csrf.verify(
        &preview.member.session,
        field(&form, "csrf").unwrap_or_default(),
    ) {
        return Err(PageError::Forbidden);
    }
    let texts = Texts::choose(survey, field(&form, "lang"), None);
    let posted = read_page(survey, section_idx, &form, &texts, carried(survey, &form));
    let visible = pages(survey, &survey.visibility(&posted.answers));
    let next = if field(&form, "action") == Some("back") {
        visible
            .iter()
            .rev()
            .find(|&&page| page < section_idx)
            .or(Some(&section_idx))
    } else if !posted.errors.is_empty() || posted.added {
        Some(&section_idx)
    } else {
        visible.iter().find(|&&page| page > section_idx)
    };
    let Some(&next) = next else {
        return Ok(end(survey, &preview.hash, &texts, &posted.answers));
    };
    let (errors, added) = if next == section_idx {
        (posted.errors.as_slice(), posted.added)
    } else {
        (&[][..], false)
    };
    Ok(render(
        &state,
        &preview,
        &texts,
        (next, &posted.answers),
        (errors, added),
    ))
}

/// Where a patient would review and send: nothing is sent.
fn end(survey: &Survey, hash: &str, texts: &Texts, answers: &Answers) -> HttpResponse {
    let count = answers.len().to_string();
    let body = html! {
        p { (texts.fill("preview_end_text", &[("count", &count)])) }
        p { a href={ (base(hash)) "?lang=" (texts.lang().as_str()) } { (texts.get("preview_again")) } }
    };
    framed(
        texts,
        survey,
        StatusCode::OK,
        (&texts.get("preview_end_heading"), &base(hash)),
        body,
    )
}
