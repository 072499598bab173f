//! The co-design pages under `/team`: propose a change to a question, discuss and decide a
//! proposal, see the differences between two versions. The store decides who may do what, as
//! for the JSON API; these handlers read the form, call it, and render.

use std::collections::{BTreeMap, HashMap};

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use serde::Deserialize;
use vecu_store::{Decision, StoreError};
use vecu_survey::{ItemChange, Survey};

use crate::pages::codesign;
use crate::reporting::ReportingError;
use crate::routes::team::{
    act_at, blocking, member, refused, see_other, team_page, to_sign_in, CommentForm2,
};
use crate::state::AppState;

/// The page to propose a change to one question.
#[get("/team/surveys/{survey}/items/{item}/propose")]
pub async fn propose_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (hash, item) = path.into_inner();
    let wanted = hash.clone();
    team_page(
        &request,
        &state,
        "/team/surveys",
        move |store, _, _| {
            let survey = store.survey(&wanted)?;
            let found = survey
                .item(&item)
                .cloned()
                .ok_or_else(|| StoreError::FindingNotFound(format!("item {item}")))?;
            Ok((survey, found))
        },
        |member, csrf, (survey, item)| {
            codesign::propose_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                (&survey, &hash),
                &item,
            )
        },
    )
    .await
}

/// The change a proposal form describes. Texts left as they are in a language are not part of
/// a rewording; an empty help text is not proposed.
fn change_from_form(
    fields: &HashMap<String, String>,
    survey: &Survey,
    item: &str,
) -> Result<ItemChange, StoreError> {
    let field = |name: &str| fields.get(name).map(|value| value.trim().to_owned());
    let texts = |prefix: &str, current: &dyn Fn(&vecu_survey::Lang) -> String| {
        survey
            .languages
            .iter()
            .filter_map(|lang| {
                let value = field(&format!("{prefix}_{}", lang.as_str()))?;
                (!value.is_empty() && value != current(lang).trim())
                    .then(|| (lang.as_str().to_owned(), value))
            })
            .collect::<BTreeMap<_, _>>()
    };
    let found = survey
        .item(item)
        .ok_or_else(|| StoreError::FindingNotFound(format!("item {item}")))?;
    let unchanged = || {
        StoreError::Incomplete(
            "the form changes nothing: change a text in at least one language".to_owned(),
        )
    };
    let change = match field("kind").as_deref() {
        Some("reword") => {
            let text = texts("text", &|lang| found.text.get(lang).to_owned());
            if text.is_empty() {
                return Err(unchanged());
            }
            ItemChange::Reword { text }
        }
        Some("help") => {
            let help = texts("help", &|lang| {
                found
                    .help
                    .as_ref()
                    .map(|help| help.get(lang).to_owned())
                    .unwrap_or_default()
            });
            if help.is_empty() {
                return Err(unchanged());
            }
            ItemChange::Help { help }
        }
        Some("add_option") => ItemChange::AddOption {
            code: field("code").unwrap_or_default(),
            label: texts("label", &|_| String::new()),
            role: field("role").unwrap_or_else(|| "neutral".to_owned()),
        },
        Some("move") => ItemChange::Move {
            section: field("section").unwrap_or_default(),
            position: field("position")
                .and_then(|position| position.parse().ok())
                .ok_or_else(|| {
                    StoreError::Incomplete(
                        "the position must be a whole number, 1 for first".to_owned(),
                    )
                })?,
        },
        Some("remove") => ItemChange::Remove,
        _ => {
            return Err(StoreError::Incomplete(
                "the form did not say which change it proposes; reload the page and try again"
                    .to_owned(),
            ))
        }
    };
    Ok(change)
}

/// Records a proposal made on the page, then opens it.
#[post("/team/surveys/{survey}/items/{item}/proposals")]
pub async fn propose(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let Some(member) = member(&request, &state).await else {
        return to_sign_in();
    };
    let (hash, item) = path.into_inner();
    let fields = form.into_inner();
    let back = format!("/team/surveys/{hash}/items/{item}/propose");
    let csrf = fields.get("csrf").map(String::as_str).unwrap_or_default();
    if !state.csrf.verify(&member.session, csrf) {
        let error = ReportingError::Store(StoreError::NotAllowed(
            "the form had expired; reload the page and try again".to_owned(),
        ));
        return refused(&member, &state, &member.lang, &error, &back);
    }
    let store = state.store.clone();
    let key = member.key.clone();
    let made = blocking(move || {
        let survey = store.survey(&hash)?;
        let change = change_from_form(&fields, &survey, &item)?;
        let reason = fields.get("reason").map(String::as_str).unwrap_or_default();
        Ok(store.propose(&key, &hash, &item, &change, reason)?)
    })
    .await;
    match made {
        Ok(id) => see_other(&format!("/team/proposals/{id}")),
        Err(error) => refused(&member, &state, &member.lang, &error, &back),
    }
}

/// A proposal: what it changes, the discussion, the decision.
#[get("/team/proposals/{proposal}")]
pub async fn proposal_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    proposal: web::Path<String>,
) -> HttpResponse {
    let id = proposal.into_inner();
    team_page(
        &request,
        &state,
        "/team/surveys",
        move |store, _, _| Ok(store.proposal_view(&id)?),
        |member, csrf, view| {
            let problem = view.changes.as_ref().err().map(ToString::to_string);
            let changes = match &view.changes {
                Ok(diff) => Ok(diff.changes.as_slice()),
                Err(_) => Err(problem.as_deref().unwrap_or_default()),
            };
            codesign::proposal_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                (&view.proposal, &view.base),
                changes,
            )
        },
    )
    .await
}

/// Comments on a proposal.
#[post("/team/proposals/{proposal}/comments")]
pub async fn comment(
    request: HttpRequest,
    state: web::Data<AppState>,
    proposal: web::Path<String>,
    form: web::Form<CommentForm2>,
) -> HttpResponse {
    let proposal = proposal.into_inner();
    let form = form.into_inner();
    let page = format!("/team/proposals/{proposal}");
    let text = form.text;
    act_at(
        &request,
        state,
        page,
        None,
        &form.csrf,
        "comment-text",
        move |store, key| store.comment_proposal(key, &proposal, &text).map(|_| ()),
    )
    .await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    csrf: String,
    decision: String,
    reason: String,
}

/// A researcher accepts or declines a proposal.
#[post("/team/proposals/{proposal}/decision")]
pub async fn decide(
    request: HttpRequest,
    state: web::Data<AppState>,
    proposal: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> HttpResponse {
    let proposal = proposal.into_inner();
    let form = form.into_inner();
    let page = format!("/team/proposals/{proposal}");
    let decision = match form.decision.as_str() {
        "accept" => Some(Decision::Accept),
        "decline" => Some(Decision::Decline),
        _ => None,
    };
    let reason = form.reason;
    act_at(
        &request,
        state,
        page,
        None,
        &form.csrf,
        "",
        move |store, key| match decision {
            Some(decision) => store
                .decide_proposal(key, &proposal, decision, &reason)
                .map(|_| ()),
            None => Err(StoreError::Incomplete(
                "choose to accept or to decline".to_owned(),
            )),
        },
    )
    .await
}

/// The differences between two stored versions.
#[get("/team/surveys/{old}/diff/{new}")]
pub async fn diff_page(
    request: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let (old, new) = path.into_inner();
    team_page(
        &request,
        &state,
        "/team/surveys",
        move |store, _, _| Ok(store.survey_diff(&old, &new)?),
        |member, csrf, (diff, new)| {
            codesign::diff_page(
                &member.lang,
                (&member.key.name, member.key.role),
                csrf,
                &diff,
                &new,
            )
        },
    )
    .await
}
