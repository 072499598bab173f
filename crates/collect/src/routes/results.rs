//! The public results page of a wave, `/results/{code}` (the address on its letters and its
//! thank-you page): the published report's summary for anyone, without a login. Nothing of a
//! visit is kept: no session, no cookie, no store write, and the access log has the method, the
//! path and the status only.

use actix_web::http::{header, StatusCode};
use actix_web::{get, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vecu_report::{PageLanguage, PublicNotice};
use vecu_store::{PublicResults, ResultsCode};

use crate::i18n::{accepted_language, INTERFACE_LANGUAGES};
use crate::reporting;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// The page in the language asked for (`?lang=`), else the browser's (`Accept-Language`), else
/// French, vecu's first language.
fn page_language(request: &HttpRequest, asked: Option<&str>) -> &'static str {
    asked
        .and_then(|asked| INTERFACE_LANGUAGES.into_iter().find(|lang| *lang == asked))
        .or_else(|| {
            request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok())
                .and_then(accepted_language)
        })
        .unwrap_or(INTERFACE_LANGUAGES[0])
}

/// The page as HTML with a policy that lets its own stylesheet in and nothing else (it runs no
/// script and loads nothing), and that caches may keep: it is the same for every visitor.
fn page(status: StatusCode, lang: &str, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::CONTENT_LANGUAGE, lang))
        .insert_header((header::VARY, "Accept-Language"))
        .body(body)
}

/// The public results page: the wave's latest published report, or a 404 saying why there is
/// none (an unknown address, or results not published yet).
#[get("/results/{code}")]
pub async fn results(
    state: web::Data<AppState>,
    request: HttpRequest,
    code: web::Path<String>,
    query: web::Query<LangQuery>,
) -> HttpResponse {
    let lang = page_language(&request, query.lang.as_deref());
    let languages: Vec<PageLanguage> = INTERFACE_LANGUAGES
        .into_iter()
        .map(|lang| PageLanguage {
            lang: lang.to_owned(),
            href: format!("?lang={lang}"),
        })
        .collect();
    let notice = |notice| {
        page(
            StatusCode::NOT_FOUND,
            lang,
            vecu_report::public_notice_html(notice, lang, &languages),
        )
    };
    let Some(code) = ResultsCode::parse(&code) else {
        return notice(PublicNotice::Unknown);
    };
    let store = state.store.clone();
    let found = web::block(move || match store.public_results(&code)? {
        PublicResults::Unknown => Ok(Err(PublicNotice::Unknown)),
        PublicResults::NotPublished => Ok(Err(PublicNotice::NotPublished)),
        PublicResults::Published { report } => {
            let stored = store.report(&report)?;
            // The survey names the questions and domains in the visitor's language.
            let survey = store.survey(&store.wave(&stored.wave)?.survey_hash)?;
            Ok(Ok((reporting::document_of(&store, &stored)?, survey)))
        }
    })
    .await;
    match found {
        Ok(Ok(Ok((document, survey)))) => page(
            StatusCode::OK,
            lang,
            vecu_report::public_html(&document, Some(&survey), lang, &languages),
        ),
        Ok(Ok(Err(why))) => notice(why),
        Ok(Err(error)) => {
            let error: reporting::ReportingError = error;
            tracing::error!(%error, "the public results page failed");
            HttpResponse::InternalServerError().finish()
        }
        Err(error) => {
            tracing::error!(%error, "the public results page failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}
