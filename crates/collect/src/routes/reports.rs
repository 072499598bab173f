//! The reports API: researchers and patient partners co-write a wave's report, comment, mark
//! priorities, approve and publish; the contributions ledger; co-design comments on items.
//! The store enforces who may do what and when; these handlers pass the caller along.

use actix_web::{get, post, put, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::api::{blocking, ApiError, Caller};
use crate::reporting::{self, ReportSettings};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReportBody {
    title: String,
    lang: Option<String>,
    threshold: Option<u64>,
    required_researchers: Option<u32>,
    required_partners: Option<u32>,
    engagement_wave: Option<String>,
}

/// Starts a draft report of a wave from its analysis (researchers).
#[post("/api/v1/waves/{wave}/reports")]
pub async fn create_report(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Json<NewReportBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let settings = ReportSettings {
        title: body.title,
        lang: body.lang.unwrap_or_else(|| "fr".to_owned()),
        threshold: body.threshold.unwrap_or(vecu_analysis::DEFAULT_THRESHOLD),
        required_researchers: body.required_researchers.unwrap_or(1),
        required_partners: body.required_partners.unwrap_or(1),
        engagement_wave: body.engagement_wave,
    };
    let id = blocking(move || {
        Ok(reporting::create_report(
            &state.store,
            &caller.0,
            &wave,
            &settings,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

/// A report with its findings, blocks (with history), comments, marks and approvals.
#[get("/api/v1/reports/{report}")]
pub async fn show_report(
    state: web::Data<AppState>,
    caller: Caller,
    report: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    // As the caller: a hospital key reads published reports only.
    let store = state.store.acting_as(&caller.0);
    let body = blocking(move || {
        let stored = store.report(&report)?;
        let findings: serde_json::Value =
            serde_json::from_str(&stored.findings_json).unwrap_or_default();
        let mut value = serde_json::to_value(&stored).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.remove("findings_json");
            object.remove("methods_json");
            object.insert("findings".to_owned(), findings);
        }
        Ok(value)
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

/// The report rendered: `html` (self-contained, inline charts) or `markdown`.
#[get("/api/v1/reports/{report}/{format:html|markdown}")]
pub async fn rendered(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (report, format) = path.into_inner();
    let store = state.store.acting_as(&caller.0);
    let document = blocking(move || Ok(reporting::document(&store, &report)?)).await?;
    Ok(match format.as_str() {
        "html" => HttpResponse::Ok()
            .content_type("text/html; charset=utf-8")
            .body(vecu_report::to_html(&document)),
        _ => HttpResponse::Ok()
            .content_type("text/markdown; charset=utf-8")
            .body(vecu_report::to_markdown(&document)),
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewBlock {
    finding: String,
    kind: String,
    text: String,
}

/// Writes a text block on a finding (or the summary).
#[post("/api/v1/reports/{report}/blocks")]
pub async fn add_block(
    state: web::Data<AppState>,
    caller: Caller,
    report: web::Path<String>,
    body: web::Json<NewBlock>,
) -> Result<HttpResponse, ApiError> {
    let id = blocking(move || {
        Ok(state
            .store
            .add_block(&caller.0, &report, &body.finding, &body.kind, &body.text)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    text: String,
}

/// Edits one's own block; the earlier text stays in its history.
#[put("/api/v1/reports/{report}/blocks/{block}")]
pub async fn edit_block(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<Text>,
) -> Result<HttpResponse, ApiError> {
    let (report, block) = path.into_inner();
    blocking(move || {
        Ok(state
            .store
            .edit_block(&caller.0, &report, &block, &body.text)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Comments on a block.
#[post("/api/v1/reports/{report}/blocks/{block}/comments")]
pub async fn comment_block(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<Text>,
) -> Result<HttpResponse, ApiError> {
    let (report, block) = path.into_inner();
    let id = blocking(move || {
        Ok(state
            .store
            .comment(&caller.0, &report, &block, &body.text)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkBody {
    important: bool,
    priority: Option<i32>,
}

/// A patient partner marks a finding as important and ranks it.
#[put("/api/v1/reports/{report}/marks/{finding}")]
pub async fn mark(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<MarkBody>,
) -> Result<HttpResponse, ApiError> {
    let (report, finding) = path.into_inner();
    blocking(move || {
        Ok(state
            .store
            .mark_finding(&caller.0, &report, &finding, body.important, body.priority)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Sends a draft for review, approves, or publishes.
#[post("/api/v1/reports/{report}/{action:review|approve|publish}")]
pub async fn workflow(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (report, action) = path.into_inner();
    let body = blocking(move || {
        let store = &state.store;
        match action.as_str() {
            "review" => store.submit_report(&caller.0, &report)?,
            "approve" => {
                store.approve_report(&caller.0, &report)?;
            }
            // Publishing releases each site's results in the same operation.
            _ => {
                reporting::publish_report(store, &caller.0, &report)?;
            }
        }
        Ok(json!({ "state": store.report(&report)?.state }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionBody {
    person: String,
    role: String,
    activity: String,
    minutes: i32,
    date: String,
}

/// Records a line of the contributions ledger.
#[post("/api/v1/waves/{wave}/contributions")]
pub async fn add_contribution(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Json<ContributionBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let line = vecu_store::Contribution {
        id: String::new(),
        wave: wave.into_inner(),
        person: body.person,
        role: body.role,
        activity: body.activity,
        minutes: body.minutes,
        on_date: body.date,
        recorded_by: String::new(),
    };
    let id = blocking(move || Ok(state.store.record_contribution(&caller.0, &line)?)).await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

/// The contributions ledger as CSV, for remuneration.
#[get("/api/v1/waves/{wave}/contributions.csv")]
pub async fn contributions_csv(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let lines = blocking(move || Ok(reporting::contribution_lines(&store, &wave)?)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(vecu_report::contributions_csv(&lines)))
}

/// Co-design: a comment on an item of a stored survey version.
#[post("/api/v1/surveys/{survey}/items/{item}/comments")]
pub async fn comment_item(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<Text>,
) -> Result<HttpResponse, ApiError> {
    let (survey, item) = path.into_inner();
    let id = blocking(move || {
        Ok(state
            .store
            .comment_item(&caller.0, &survey, &item, &body.text)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerBody {
    answer: String,
    resolve: bool,
}

/// Co-design: researchers answer a comment and may close it.
#[post("/api/v1/item-comments/{comment}/answer")]
pub async fn answer_item_comment(
    state: web::Data<AppState>,
    caller: Caller,
    comment: web::Path<String>,
    body: web::Json<AnswerBody>,
) -> Result<HttpResponse, ApiError> {
    blocking(move || {
        Ok(state
            .store
            .answer_item_comment(&caller.0, &comment, &body.answer, body.resolve)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Co-design: every comment on a survey version, with answers.
#[get("/api/v1/surveys/{survey}/comments")]
pub async fn item_comments(
    state: web::Data<AppState>,
    caller: Caller,
    survey: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let comments = blocking(move || Ok(store.item_comments(&survey)?)).await?;
    Ok(HttpResponse::Ok().json(comments))
}
