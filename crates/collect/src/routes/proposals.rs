//! The co-design proposals API: propose a change to an item, comment, decide; the history of a
//! survey and the differences between two versions. The store enforces who may do what.

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use serde_json::json;
use vecu_store::Decision;
use vecu_survey::ItemChange;

use super::api::{blocking, ApiError, Caller};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposalBody {
    item: String,
    change: ItemChange,
    reason: String,
}

/// Proposes a change to an item of a survey version (researchers, patient partners).
#[post("/api/v1/surveys/{survey}/proposals")]
pub async fn propose(
    state: web::Data<AppState>,
    caller: Caller,
    survey: web::Path<String>,
    body: web::Json<ProposalBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let id = blocking(move || {
        Ok(state
            .store
            .propose(&caller.0, &survey, &body.item, &body.change, &body.reason)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

/// The co-design history: every proposal on any version of this survey, with comments and
/// decisions.
#[get("/api/v1/surveys/{survey}/proposals")]
pub async fn history(
    state: web::Data<AppState>,
    caller: Caller,
    survey: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let proposals = blocking(move || Ok(store.proposals(&survey)?)).await?;
    Ok(HttpResponse::Ok().json(proposals))
}

/// One proposal, with what it changes (or why it no longer applies).
#[get("/api/v1/proposals/{proposal}")]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    proposal: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let store = state.store.acting_as(&caller.0);
    let view = blocking(move || Ok(store.proposal_view(&proposal)?)).await?;
    let (changes, problem) = match view.changes {
        Ok(differences) => (Some(differences.changes), None),
        Err(error) => (None, Some(error.to_string())),
    };
    Ok(HttpResponse::Ok().json(json!({
        "proposal": view.proposal,
        "changes": changes,
        "no_longer_applies": problem,
    })))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    text: String,
}

/// Comments on an open proposal.
#[post("/api/v1/proposals/{proposal}/comments")]
pub async fn comment(
    state: web::Data<AppState>,
    caller: Caller,
    proposal: web::Path<String>,
    body: web::Json<CommentBody>,
) -> Result<HttpResponse, ApiError> {
    let id = blocking(move || {
        Ok(state
            .store
            .comment_proposal(&caller.0, &proposal, &body.text)?)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionWord {
    Accept,
    Decline,
}

impl From<DecisionWord> for Decision {
    fn from(word: DecisionWord) -> Decision {
        match word {
            DecisionWord::Accept => Decision::Accept,
            DecisionWord::Decline => Decision::Decline,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    decision: DecisionWord,
    reason: String,
}

/// A researcher accepts (a new version is stored; its hash is returned) or declines.
#[post("/api/v1/proposals/{proposal}/decision")]
pub async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    proposal: web::Path<String>,
    body: web::Json<DecisionBody>,
) -> Result<HttpResponse, ApiError> {
    let body = body.into_inner();
    let new_survey = blocking(move || {
        Ok(state
            .store
            .decide_proposal(&caller.0, &proposal, body.decision.into(), &body.reason)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "new_survey": new_survey })))
}

/// The differences between two stored versions, item by item.
#[get("/api/v1/surveys/{old}/diff/{new}")]
pub async fn diff(
    state: web::Data<AppState>,
    _caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (old, new) = path.into_inner();
    let (differences, _) = blocking(move || Ok(state.store.survey_diff(&old, &new)?)).await?;
    Ok(HttpResponse::Ok().json(differences))
}
