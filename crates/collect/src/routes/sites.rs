//! Each hospital's results: researchers release every site's results of a wave; a hospital key
//! reads its own sites' (JSON or the hospital report in HTML), and the store refuses it any
//! other site. These handlers only parse, call one operation and render.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::api::{blocking, ApiError, Caller};
use crate::reporting;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBody {
    threshold: Option<u64>,
}

/// Analyses a wave and releases every site's results (researchers and administrators).
#[post("/api/v1/waves/{wave}/sites")]
pub async fn release(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: Option<web::Json<ReleaseBody>>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let threshold = body
        .and_then(|body| body.threshold)
        .unwrap_or(vecu_analysis::DEFAULT_THRESHOLD);
    let store = state.store.acting_as(&caller.0);
    let sites =
        blocking(move || Ok(reporting::release_site_results(&store, &wave, threshold)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "sites": sites })))
}

/// The released sites the caller may read (a hospital key: its own).
#[get("/api/v1/waves/{wave}/sites")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let sites = blocking(move || Ok(store.released_sites(&wave)?)).await?;
    Ok(HttpResponse::Ok().json(json!({ "sites": sites })))
}

/// One site's released results as JSON: its figures and the all-sites benchmark.
#[get("/api/v1/waves/{wave}/sites/{site}")]
pub async fn results(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (wave, site) = path.into_inner();
    let store = state.store.acting_as(&caller.0);
    let json = blocking(move || Ok(store.site_results(&wave, &site)?)).await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .body(json))
}

#[derive(Debug, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// One site's hospital report: a self-contained HTML file in `?lang=` (the survey's first
/// language by default).
#[get("/api/v1/waves/{wave}/sites/{site}/report")]
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, ApiError> {
    let (wave, site) = path.into_inner();
    let store = state.store.acting_as(&caller.0);
    let lang = query.into_inner().lang;
    let html = blocking(move || {
        Ok(reporting::site_report(
            &store,
            &wave,
            &site,
            lang.as_deref(),
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteLanguageBody {
    lang: Option<String>,
}

/// Sets the language of a site's hospital report, used when its reader asks for none
/// (`{"lang": null}` forgets it); researchers and administrators.
#[put("/api/v1/sites/{site}/language")]
pub async fn set_language(
    state: web::Data<AppState>,
    caller: Caller,
    site: web::Path<String>,
    body: web::Json<SiteLanguageBody>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = state.store.acting_as(&caller.0);
    let lang = body.into_inner().lang;
    blocking(move || Ok(store.set_site_language(&site, lang.as_deref())?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
