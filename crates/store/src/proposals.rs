//! Co-design proposals (DOMAIN.md §5, issue 18): a patient partner or a researcher proposes a
//! change to one item of a survey version with a reason, others comment, and a researcher
//! accepts or declines it with a reason.
//!
//! The rules live here, in transactions:
//! - stored versions never change: accepting a proposal stores a new version, made by
//!   [`vecu_survey::apply_change`], which loads it as `survey check` does, so a proposal whose
//!   result would not pass the check cannot be accepted (it stays open, with the reason given);
//! - a proposal is decided once; declined proposals store nothing but their decision;
//! - proposals and their comments are never deleted: they are the co-design history, and they
//!   credit their authors in the contributions ledger of every wave fielding a version they
//!   led to.

use std::collections::BTreeSet;

use diesel::prelude::*;
use vecu_survey::{apply_change, next_version, preview_change, ItemChange, Survey, SurveyDiff};

use crate::access::{ApiKey, Role};
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::holders::Names;
use crate::reports::{actor, co_author, refuse, Contribution};
use crate::schema::{proposal_comments, proposals, surveys};
use crate::secret::random_id;
use crate::surveys::{stored_definition, stored_survey};
use crate::{audit, calendar, Store};

/// Where a proposal is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalState {
    /// Waiting for a researcher's decision.
    Open,
    /// Accepted: a new version was stored.
    Accepted,
    /// Declined, with a reason.
    Declined,
}

impl ProposalState {
    fn as_str(self) -> &'static str {
        match self {
            ProposalState::Open => "open",
            ProposalState::Accepted => "accepted",
            ProposalState::Declined => "declined",
        }
    }

    fn parse(text: &str) -> Result<ProposalState> {
        match text {
            "open" => Ok(ProposalState::Open),
            "accepted" => Ok(ProposalState::Accepted),
            "declined" => Ok(ProposalState::Declined),
            other => Err(StoreError::Corrupt(format!("proposal state {other}"))),
        }
    }
}

/// A comment on a proposal.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ProposalComment {
    /// Comment id.
    pub id: String,
    /// Who wrote it (their key's name).
    pub author: String,
    /// Their role.
    pub role: String,
    /// The comment.
    pub text: String,
    /// When (UTC, to the second).
    pub at: String,
}

/// A proposal with its comments and what became of it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Proposal {
    /// Proposal id.
    pub id: String,
    /// The survey version it was proposed on (hash).
    pub survey: String,
    /// The item it changes.
    pub item: String,
    /// The change.
    pub change: ItemChange,
    /// Why, in the proposer's words.
    pub reason: String,
    /// Who proposed it (their key's name).
    pub author: String,
    /// Their key's id.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// When.
    pub at: String,
    /// Open, accepted or declined.
    pub state: ProposalState,
    /// The researcher who decided (their key's name).
    pub decided_by: Option<String>,
    /// Their reason.
    pub decision_reason: Option<String>,
    /// When they decided.
    pub decided_at: Option<String>,
    /// The version an acceptance stored (hash).
    pub new_survey: Option<String>,
    /// Comments, oldest first.
    pub comments: Vec<ProposalComment>,
}

/// A researcher's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Accept: store the changed version.
    Accept,
    /// Decline.
    Decline,
}

type ProposalRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

fn not_found(id: &str) -> StoreError {
    StoreError::FindingNotFound(format!("proposal {id}"))
}

fn require_reason(reason: &str, what: &str) -> Result<()> {
    if reason.trim().is_empty() {
        return Err(StoreError::Incomplete(format!(
            "{what} needs a reason: say in a sentence why, for the co-design history"
        )));
    }
    Ok(())
}

impl Store {
    /// Proposes a change to an item of a stored survey version; researchers and partners.
    /// The change must apply (the item exists, the languages are the survey's, the result
    /// passes the check), so that nobody discusses a proposal that could never be accepted.
    pub fn propose(
        &self,
        by: &ApiKey,
        survey: &str,
        item: &str,
        change: &ItemChange,
        reason: &str,
    ) -> Result<String> {
        co_author(by)?;
        require_reason(reason, "a proposal")?;
        let mut connection = self.connection()?;
        let base = stored_definition(&mut connection, survey)?;
        let (_, changed) = apply_change(&base, item, change, None)?;
        if changed.hash == stored_survey(&mut connection, survey)?.hash {
            return Err(StoreError::Incomplete(
                "the proposal changes nothing: the question already reads so; change a text, \
                 an answer or the place of the question"
                    .to_owned(),
            ));
        }
        let change_json = serde_json::to_string(change)
            .map_err(|error| StoreError::Corrupt(error.to_string()))?;
        let id = random_id();
        connection.transaction(|connection| {
            diesel::insert_into(proposals::table)
                .values((
                    proposals::id.eq(&id),
                    proposals::survey_hash.eq(survey),
                    proposals::item_id.eq(item),
                    proposals::change_json.eq(&change_json),
                    proposals::reason.eq(reason.trim()),
                    proposals::author_key.eq(&by.id),
                    proposals::role.eq(by.role.as_str()),
                    proposals::at.eq(calendar::now()),
                    proposals::state.eq(ProposalState::Open.as_str()),
                ))
                .execute(connection)?;
            audit::record(connection, &actor(by), "proposal_made", None, &id)
        })?;
        Ok(id)
    }

    /// Comments on a proposal; researchers and partners, while it is open.
    pub fn comment_proposal(&self, by: &ApiKey, proposal: &str, text: &str) -> Result<String> {
        co_author(by)?;
        if text.trim().is_empty() {
            return Err(StoreError::Incomplete(
                "a comment needs some text: write it and send again".to_owned(),
            ));
        }
        let mut connection = self.connection()?;
        let id = random_id();
        connection.transaction(|connection| {
            if proposal_state(connection, proposal)? != ProposalState::Open {
                return Err(StoreError::ProposalDecided(proposal.to_owned()));
            }
            diesel::insert_into(proposal_comments::table)
                .values((
                    proposal_comments::id.eq(&id),
                    proposal_comments::proposal_id.eq(proposal),
                    proposal_comments::author_key.eq(&by.id),
                    proposal_comments::role.eq(by.role.as_str()),
                    proposal_comments::text.eq(text.trim()),
                    proposal_comments::at.eq(calendar::now()),
                ))
                .execute(connection)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// A researcher accepts or declines an open proposal, with a reason. Accepting stores the
    /// changed questionnaire as the next free version of the survey and returns its hash.
    pub fn decide_proposal(
        &self,
        by: &ApiKey,
        proposal: &str,
        decision: Decision,
        reason: &str,
    ) -> Result<Option<String>> {
        if !by.role.is_researcher() {
            return Err(refuse(
                "researchers accept or decline proposals; comment on it to give your view",
            ));
        }
        require_reason(reason, "a decision")?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let (survey, item, change_json, state): (String, String, String, String) =
                proposals::table
                    .find(proposal)
                    .select((
                        proposals::survey_hash,
                        proposals::item_id,
                        proposals::change_json,
                        proposals::state,
                    ))
                    .first(connection)
                    .optional()?
                    .ok_or_else(|| not_found(proposal))?;
            if ProposalState::parse(&state)? != ProposalState::Open {
                return Err(StoreError::ProposalDecided(proposal.to_owned()));
            }
            let new_hash = match decision {
                Decision::Decline => None,
                Decision::Accept => Some(store_changed_version(
                    connection,
                    &survey,
                    &item,
                    &change_json,
                )?),
            };
            let state = match decision {
                Decision::Accept => ProposalState::Accepted,
                Decision::Decline => ProposalState::Declined,
            };
            diesel::update(proposals::table.find(proposal))
                .set((
                    proposals::state.eq(state.as_str()),
                    proposals::decided_by_key.eq(&by.id),
                    proposals::decision_reason.eq(reason.trim()),
                    proposals::decided_at.eq(calendar::now()),
                    proposals::new_survey_hash.eq(&new_hash),
                ))
                .execute(connection)?;
            let event = match decision {
                Decision::Accept => "proposal_accepted",
                Decision::Decline => "proposal_declined",
            };
            audit::record(connection, &actor(by), event, None, proposal)?;
            Ok(new_hash)
        })
    }

    /// The co-design history of a survey: every proposal made on any version with the same
    /// survey id, oldest first, with comments and decisions. Co-authors only.
    pub fn proposals(&self, survey: &str) -> Result<Vec<Proposal>> {
        self.require(Role::is_co_author, "read the co-design proposals")?;
        let mut connection = self.connection()?;
        let survey_id: String = surveys::table
            .find(survey)
            .select(surveys::survey_id)
            .first(&mut connection)
            .optional()?
            .ok_or_else(|| StoreError::SurveyNotFound(survey.to_owned()))?;
        let versions: Vec<String> = surveys::table
            .filter(surveys::survey_id.eq(&survey_id))
            .select(surveys::hash)
            .load(&mut connection)?;
        load_proposals(&mut connection, &versions)
    }

    /// One proposal. Co-authors only.
    pub fn proposal(&self, id: &str) -> Result<Proposal> {
        self.require(Role::is_co_author, "read the co-design proposals")?;
        let mut connection = self.connection()?;
        let survey: String = proposals::table
            .find(id)
            .select(proposals::survey_hash)
            .first(&mut connection)
            .optional()?
            .ok_or_else(|| not_found(id))?;
        load_proposals(&mut connection, &[survey])?
            .into_iter()
            .find(|proposal| proposal.id == id)
            .ok_or_else(|| not_found(id))
    }
}

/// A proposal as its page shows it: the proposal, the version it was made on, and what it
/// changes (for an accepted one, the differences from the version it made; otherwise what it
/// would make, or why it no longer applies).
pub struct ProposalView {
    /// The proposal.
    pub proposal: Proposal,
    /// The version it was proposed on.
    pub base: Survey,
    /// What it changes, or why it cannot be applied.
    pub changes: std::result::Result<SurveyDiff, vecu_survey::ProposalError>,
}

impl Store {
    /// One proposal with what it changes. Co-authors only.
    pub fn proposal_view(&self, id: &str) -> Result<ProposalView> {
        let proposal = self.proposal(id)?;
        let mut connection = self.connection()?;
        let base = stored_survey(&mut connection, &proposal.survey)?;
        let changes = match &proposal.new_survey {
            Some(new) => Ok(vecu_survey::diff(
                &base,
                &stored_survey(&mut connection, new)?,
            )),
            None => {
                let definition = stored_definition(&mut connection, &proposal.survey)?;
                preview_change(&base, &definition, &proposal.item, &proposal.change)
            }
        };
        Ok(ProposalView {
            proposal,
            base,
            changes,
        })
    }

    /// The differences between two stored versions. Any signed-in key.
    pub fn survey_diff(&self, old: &str, new: &str) -> Result<(SurveyDiff, Survey)> {
        let mut connection = self.connection()?;
        let old = stored_survey(&mut connection, old)?;
        let new = stored_survey(&mut connection, new)?;
        Ok((vecu_survey::diff(&old, &new), new))
    }
}

fn proposal_state(connection: &mut AnyConnection, id: &str) -> Result<ProposalState> {
    let state: String = proposals::table
        .find(id)
        .select(proposals::state)
        .first(connection)
        .optional()?
        .ok_or_else(|| not_found(id))?;
    ProposalState::parse(&state)
}

/// Applies a proposal's change to the version it was made on and stores the result as the
/// survey's next free version.
fn store_changed_version(
    connection: &mut AnyConnection,
    survey: &str,
    item: &str,
    change_json: &str,
) -> Result<String> {
    let change: ItemChange = serde_json::from_str(change_json)
        .map_err(|error| StoreError::Corrupt(format!("proposal change: {error}")))?;
    let base = stored_survey(connection, survey)?;
    let definition = stored_definition(connection, survey)?;
    let taken: Vec<String> = surveys::table
        .filter(surveys::survey_id.eq(base.id.as_str()))
        .select(surveys::version)
        .load(connection)?;
    let version = next_version(&base.version, &taken);
    let (text, changed) = apply_change(&definition, item, &change, Some(&version))?;
    diesel::insert_into(surveys::table)
        .values((
            surveys::hash.eq(&changed.hash),
            surveys::survey_id.eq(changed.id.as_str()),
            surveys::version.eq(&changed.version),
            surveys::definition.eq(&text),
        ))
        .execute(connection)?;
    Ok(changed.hash)
}

fn load_proposals(connection: &mut AnyConnection, versions: &[String]) -> Result<Vec<Proposal>> {
    let rows: Vec<ProposalRow> = proposals::table
        .filter(proposals::survey_hash.eq_any(versions))
        .order((proposals::at, proposals::id))
        .load(connection)?;
    let ids: Vec<&String> = rows.iter().map(|row| &row.0).collect();
    let comments: Vec<(String, String, String, String, String, String)> = proposal_comments::table
        .filter(proposal_comments::proposal_id.eq_any(&ids))
        .order((proposal_comments::at, proposal_comments::id))
        .load(connection)?;
    let names = Names::of(
        connection,
        rows.iter()
            .map(|row| &row.5)
            .chain(rows.iter().filter_map(|row| row.9.as_ref()))
            .chain(comments.iter().map(|comment| &comment.2)),
    )?;
    rows.into_iter()
        .map(|row| {
            let (id, survey, item, change_json, reason, author_key, role, at, state) = (
                row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
            );
            let change = serde_json::from_str(&change_json)
                .map_err(|error| StoreError::Corrupt(format!("proposal change: {error}")))?;
            Ok(Proposal {
                comments: comments
                    .iter()
                    .filter(|comment| comment.1 == id)
                    .map(|(cid, _, key, role, text, at)| ProposalComment {
                        id: cid.clone(),
                        author: names.name(key),
                        role: role.clone(),
                        text: text.clone(),
                        at: at.clone(),
                    })
                    .collect(),
                id,
                survey,
                item,
                change,
                reason,
                author: names.name(&author_key),
                author_key,
                role,
                at,
                state: ProposalState::parse(&state)?,
                decided_by: row.9.as_deref().map(|key| names.name(key)),
                decision_reason: row.10,
                decided_at: row.11,
                new_survey: row.12,
            })
        })
        .collect()
}

/// The ledger lines the co-design history gives a wave: one per proposal and per comment on a
/// proposal made on the wave's survey version or on any version it descends from through
/// accepted proposals. Time is not recorded for these, so they count 0 minutes: they credit
/// the person and the activity.
pub(crate) fn codesign_lines(
    connection: &mut AnyConnection,
    wave: &str,
    survey: &str,
) -> Result<Vec<Contribution>> {
    let mut lineage = BTreeSet::from([survey.to_owned()]);
    loop {
        let parents: Vec<String> = proposals::table
            .filter(proposals::new_survey_hash.eq_any(&lineage))
            .select(proposals::survey_hash)
            .load(connection)?;
        let before = lineage.len();
        lineage.extend(parents);
        if lineage.len() == before {
            break;
        }
    }
    let versions: Vec<String> = lineage.into_iter().collect();
    let history = load_proposals(connection, &versions)?;
    let line = |id: &str, person: &str, role: &str, at: &str| Contribution {
        id: id.to_owned(),
        wave: wave.to_owned(),
        person: person.to_owned(),
        role: role.to_owned(),
        activity: "questionnaire_co_design".to_owned(),
        minutes: 0,
        on_date: at.get(..10).unwrap_or(at).to_owned(),
        recorded_by: "co-design history".to_owned(),
    };
    Ok(history
        .iter()
        .flat_map(|proposal| {
            std::iter::once(line(
                &proposal.id,
                &proposal.author,
                &proposal.role,
                &proposal.at,
            ))
            .chain(
                proposal
                    .comments
                    .iter()
                    .map(|comment| line(&comment.id, &comment.author, &comment.role, &comment.at)),
            )
        })
        .collect())
}
