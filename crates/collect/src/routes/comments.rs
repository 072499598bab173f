//! The comments API (issue 15): a closed wave's comments opened for coding, blind double coding
//! by researchers and partners, flags and their review, disagreements settled, the coding
//! frame and its history, agreement, theme frequencies and the quote bank. The store enforces
//! who may do what; these handlers pass the caller along.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use vecu_survey::{CodingFrame, Theme};

use super::api::{blocking, ApiError, Caller};
use crate::comment_figures;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OpenBody {
    /// A coding frame of the team's own; the shipped cancer-care frame otherwise.
    frame: Option<CodingFrame>,
}

/// Opens a closed wave's comments for coding (researchers).
#[post("/api/v1/waves/{wave}/comments")]
pub async fn open(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: Option<web::Json<OpenBody>>,
) -> Result<HttpResponse, ApiError> {
    let frame = match body.and_then(|body| body.into_inner().frame) {
        Some(frame) => frame,
        None => CodingFrame::cancer().map_err(|error| ApiError::BadRequest(error.to_string()))?,
    };
    let comments =
        blocking(move || Ok(state.store.open_comments(&caller.0, &wave, &frame)?)).await?;
    Ok(HttpResponse::Created().json(json!({ "comments": comments })))
}

/// The wave's comments in random order, each with the caller's code and, once both roles
/// coded it and the caller too, the others'.
#[get("/api/v1/waves/{wave}/comments")]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let comments = blocking(move || Ok(state.store.comments_to_code(&caller.0, &wave)?)).await?;
    Ok(HttpResponse::Ok().json(comments))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    themes: Vec<String>,
    tone: String,
}

/// The caller's themes and tone for a comment (researchers, partners).
#[put("/api/v1/comments/{comment}/code")]
pub async fn code_comment(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<CodeBody>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || {
        Ok(state
            .store
            .code_comment(&caller.0, &comment, &body.themes, &body.tone)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlagBody {
    reason: String,
}

/// Flags a comment that may still identify someone: it leaves every output until reviewed.
#[post("/api/v1/comments/{comment}/flag")]
pub async fn flag(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<FlagBody>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || {
        Ok(state
            .store
            .flag_comment(&caller.0, &comment, &body.reason)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewBody {
    keep: bool,
}

/// A researcher reviews a flag: `keep` clears it, otherwise the comment is withdrawn.
#[post("/api/v1/comments/{comment}/review")]
pub async fn review(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<ReviewBody>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || Ok(state.store.review_flag(&caller.0, &comment, body.keep)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettleBody {
    themes: Vec<String>,
    tone: String,
    note: String,
}

/// Settles a disagreement: the code the comment keeps, why, and (recorded) who decided.
#[post("/api/v1/comments/{comment}/settlement")]
pub async fn settle(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<SettleBody>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || {
        Ok(state.store.settle_comment(
            &caller.0,
            &comment,
            (&body.themes, &body.tone),
            &body.note,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Double-coded comments whose coders disagree and nobody settled yet.
#[get("/api/v1/waves/{wave}/comments/disagreements")]
pub async fn disagreements(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let pairs = blocking(move || Ok(store.disagreements(&wave)?)).await?;
    Ok(HttpResponse::Ok().json(pairs))
}

/// The wave's coding frame now, and every version of its themes.
#[get("/api/v1/waves/{wave}/coding-frame")]
pub async fn coding_frame(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let (themes, history) =
        blocking(move || Ok((store.coding_frame(&wave)?, store.theme_history(&wave)?))).await?;
    Ok(HttpResponse::Ok().json(json!({ "themes": themes, "history": history })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeBody {
    theme: Theme,
    #[serde(default)]
    retire: bool,
}

/// Adds, changes or retires a theme (a new version in the frame's history).
#[put("/api/v1/waves/{wave}/coding-frame")]
pub async fn edit_theme(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Json<ThemeBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let version = blocking(move || {
        Ok(state
            .store
            .edit_theme(&caller.0, &wave, &body.theme, body.retire)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "version": version })))
}

/// Coders' agreement: Cohen's kappa with its 95% interval per theme and for the tone.
#[get("/api/v1/waves/{wave}/comments/agreement")]
pub async fn coding_agreement(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let agreement = blocking(move || Ok(comment_figures::agreement(&store, &wave)?)).await?;
    Ok(HttpResponse::Ok().json(agreement))
}

#[derive(Debug, Deserialize)]
pub struct ThresholdQuery {
    threshold: Option<u64>,
}

/// Theme and tone frequencies, overall and per site, as result rows (suppressed below the
/// threshold, 10 by default and never lower).
#[get("/api/v1/waves/{wave}/comments/themes")]
pub async fn theme_frequencies(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    query: web::Query<ThresholdQuery>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let threshold = query.threshold.unwrap_or(vecu_analysis::DEFAULT_THRESHOLD);
    let rows = blocking(move || Ok(comment_figures::theme_rows(&store, &wave, threshold)?)).await?;
    Ok(HttpResponse::Ok().json(rows))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    text: String,
    /// The quote's language (`fr`, `de`...).
    lang: String,
}

/// Proposes an excerpt of a comment for reports.
#[post("/api/v1/comments/{comment}/quotes")]
pub async fn propose_quote(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<QuoteBody>,
) -> Result<HttpResponse, ApiError> {
    let id = blocking(move || {
        Ok(state
            .store
            .propose_quote(&caller.0, &comment, (&body.text, &body.lang))?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

/// Approves a quote for the caller's role (the scrubber reads it again).
#[post("/api/v1/quotes/{quote}/approve")]
pub async fn approve_quote(
    state: web::Data<AppState>,
    caller: Caller,
    quote: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || Ok(state.store.approve_quote(&caller.0, &quote)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize)]
pub struct QuotesQuery {
    approved: Option<bool>,
}

/// The quote bank; `?approved=true`: only what a report may show.
#[get("/api/v1/waves/{wave}/quotes")]
pub async fn quote_bank(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    query: web::Query<QuotesQuery>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let approved = query.approved.unwrap_or(false);
    let quotes = blocking(move || Ok(store.quotes(&wave, approved)?)).await?;
    Ok(HttpResponse::Ok().json(quotes))
}
