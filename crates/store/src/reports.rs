//! Reports co-authored by researchers and patient partners: text blocks with their history,
//! comments, partners' marks and priorities, approvals and publication, the contributions
//! ledger, and co-design comments on survey items (DOMAIN.md §5).
//!
//! The rules live here, in transactions, so that no caller can break them:
//! - a report goes draft -> in review -> approved -> published;
//! - it is approved when at least the required numbers of researchers and of patient partners
//!   have approved it, and only an approved report can be published;
//! - any change of content (a block written or edited, a mark or priority) after the report left
//!   the draft state withdraws every approval and sends it back to review;
//! - a published report no longer changes;
//! - people are their keys: authors, approvers and markers are recorded by key id (two keys
//!   may share a display name, yet they are two people), and their names are looked up when
//!   a report is read;
//! - data-entry keys take no part in reports.

use diesel::prelude::*;

use crate::access::{ApiKey, Role};
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::holders::Names;
use crate::schema::{
    contributions, item_comments, report_approvals, report_block_versions, report_blocks,
    report_comments, report_findings, report_marks, reports,
};
use crate::secret::random_id;
use crate::site_results::release_in;
use crate::wave::load_wave;
use crate::{audit, calendar, Store};

/// Where a report is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// Being written; approvals are not asked for yet.
    Draft,
    /// Waiting for approvals.
    InReview,
    /// Approved by enough researchers and patient partners: can be published.
    Approved,
    /// Published: frozen.
    Published,
}

impl ReportState {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::InReview => "in_review",
            ReportState::Approved => "approved",
            ReportState::Published => "published",
        }
    }

    fn parse(text: &str) -> Result<ReportState> {
        match text {
            "draft" => Ok(ReportState::Draft),
            "in_review" => Ok(ReportState::InReview),
            "approved" => Ok(ReportState::Approved),
            "published" => Ok(ReportState::Published),
            other => Err(StoreError::Corrupt(format!("report state {other}"))),
        }
    }
}

/// Kinds of text blocks.
pub const BLOCK_KINDS: [&str; 4] = ["interpretation", "for_patients", "action", "summary"];
/// The pseudo-finding the plain-language summary is attached to.
pub const SUMMARY: &str = "summary";
/// Activities of the contributions ledger.
pub const ACTIVITIES: [&str; 6] = [
    "questionnaire_co_design",
    "analysis_review",
    "writing",
    "meeting",
    "training",
    "other",
];

/// What a new report is made of.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    /// The wave it reports on.
    pub wave: &'a str,
    /// Title.
    pub title: &'a str,
    /// Language of the report (`fr`, `de`, `it`, `en`).
    pub lang: &'a str,
    /// The findings as built from the analysis (JSON), frozen.
    pub findings_json: &'a str,
    /// Ids of those findings: blocks and marks must name one of them.
    pub finding_ids: &'a [String],
    /// Methods (sample, response rates, weighting, case-mix, thresholds) as JSON.
    pub methods_json: &'a str,
    /// Researchers' approvals needed to publish (at least 1).
    pub required_researchers: u32,
    /// Patient partners' approvals needed to publish (at least 1).
    pub required_partners: u32,
}

/// One version of a block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BlockVersion {
    /// 1 for the first text.
    pub version: i32,
    /// Who wrote this version (their key's name).
    pub author: String,
    /// Their key's id.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// The text.
    pub text: String,
    /// When (UTC, to the second).
    pub at: String,
}

/// A text block attached to a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Block {
    /// Block id.
    pub id: String,
    /// The finding (or `summary`).
    pub finding: String,
    /// interpretation, for_patients, action or summary.
    pub kind: String,
    /// Who wrote it (their key's name).
    pub author: String,
    /// Their key's id: only this key edits the block.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// Current text.
    pub text: String,
    /// Current version.
    pub version: i32,
    /// When first written.
    pub created_at: String,
    /// When last changed.
    pub updated_at: String,
    /// Every version, oldest first.
    pub history: Vec<BlockVersion>,
}

/// A comment on a block.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Comment {
    /// Comment id.
    pub id: String,
    /// The block commented on.
    pub block: String,
    /// Who wrote it (their key's name).
    pub author: String,
    /// Their key's id.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// The comment.
    pub text: String,
    /// When.
    pub at: String,
}

/// A partner's mark on a finding.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Mark {
    /// The finding.
    pub finding: String,
    /// The partner (their key's name).
    pub author: String,
    /// Their key's id.
    pub author_key: String,
    /// Important to patients.
    pub important: bool,
    /// Rank among the partner's priorities (1 first).
    pub priority: Option<i32>,
}

/// An approval.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Approval {
    /// Who approved (their key's name).
    pub author: String,
    /// Their key's id: each key approves once.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// When.
    pub at: String,
}

/// A report with everything written in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    /// Report id.
    pub id: String,
    /// The wave.
    pub wave: String,
    /// Title.
    pub title: String,
    /// Language.
    pub lang: String,
    /// Where it is in its life.
    pub state: ReportState,
    /// Findings (JSON) as built from the analysis.
    pub findings_json: String,
    /// Methods (JSON).
    pub methods_json: String,
    /// Researchers' approvals needed.
    pub required_researchers: i32,
    /// Partners' approvals needed.
    pub required_partners: i32,
    /// When made.
    pub created_at: String,
    /// When published.
    pub published_at: Option<String>,
    /// Text blocks, oldest first.
    pub blocks: Vec<Block>,
    /// Comments, oldest first.
    pub comments: Vec<Comment>,
    /// Partners' marks.
    pub marks: Vec<Mark>,
    /// Current approvals.
    pub approvals: Vec<Approval>,
}

/// One line of the contributions ledger.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Contribution {
    /// Line id.
    pub id: String,
    /// The wave (the project's survey round).
    pub wave: String,
    /// Who contributed.
    pub person: String,
    /// Their role (patient_partner, researcher...).
    pub role: String,
    /// One of [`ACTIVITIES`].
    pub activity: String,
    /// Time spent, in minutes.
    pub minutes: i32,
    /// Day of the activity (`YYYY-MM-DD`).
    pub on_date: String,
    /// Who recorded the line (their key's name; the store keeps the key's id).
    pub recorded_by: String,
}

/// A co-design comment on an item of a survey version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ItemComment {
    /// Comment id.
    pub id: String,
    /// The survey version (hash).
    pub survey: String,
    /// The item.
    pub item: String,
    /// Who wrote it (their key's name).
    pub author: String,
    /// Their key's id.
    pub author_key: String,
    /// Their role.
    pub role: String,
    /// The comment.
    pub text: String,
    /// When.
    pub at: String,
    /// The researchers' answer.
    pub answer: Option<String>,
    /// Who answered (their key's name).
    pub answered_by: Option<String>,
    /// Their key's id.
    pub answered_by_key: Option<String>,
    /// Closed by a researcher.
    pub resolved: bool,
}

pub(crate) fn refuse(what: &str) -> StoreError {
    StoreError::NotAllowed(what.to_owned())
}

/// Researchers, partners and admins write reports; data-entry keys key paper questionnaires
/// and nothing else.
pub(crate) fn co_author(by: &ApiKey) -> Result<()> {
    match by.role {
        Role::DataEntry => Err(refuse(
            "data-entry keys key paper questionnaires; they take no part in reports",
        )),
        Role::Hospital => Err(refuse(
            "hospital keys read their sites' results and published reports; they take no part \
             in writing reports",
        )),
        _ => Ok(()),
    }
}

/// The audit log's name for a key holder.
pub(crate) fn actor(by: &ApiKey) -> String {
    format!("key:{}", by.id)
}

type BlockRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    String,
    String,
);
type ItemCommentRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    i32,
);

type ReportRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    i32,
    String,
    Option<String>,
);

impl Store {
    /// Makes a draft report of a wave from its findings; researchers only.
    pub fn create_report(&self, by: &ApiKey, new: &NewReport<'_>) -> Result<String> {
        if !by.role.is_researcher() {
            return Err(refuse("only researchers start a report"));
        }
        if new.required_researchers == 0 || new.required_partners == 0 {
            return Err(refuse(
                "publishing needs at least one researcher and one patient partner",
            ));
        }
        let id = random_id();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            load_wave(connection, new.wave)?;
            diesel::insert_into(reports::table)
                .values((
                    reports::id.eq(&id),
                    reports::wave_id.eq(new.wave),
                    reports::title.eq(new.title),
                    reports::lang.eq(new.lang),
                    reports::state.eq(ReportState::Draft.as_str()),
                    reports::findings.eq(new.findings_json),
                    reports::methods.eq(new.methods_json),
                    reports::required_researchers.eq(new.required_researchers as i32),
                    reports::required_partners.eq(new.required_partners as i32),
                    reports::created_at.eq(calendar::now()),
                ))
                .execute(connection)?;
            for finding in new
                .finding_ids
                .iter()
                .chain(std::iter::once(&SUMMARY.to_owned()))
            {
                diesel::insert_into(report_findings::table)
                    .values((
                        report_findings::report_id.eq(&id),
                        report_findings::finding_id.eq(finding),
                    ))
                    .execute(connection)?;
            }
            audit::record(
                connection,
                &actor(by),
                "report_created",
                Some(new.wave),
                &id,
            )
        })?;
        Ok(id)
    }

    /// A report with its blocks, comments, marks and approvals. A hospital key reads published
    /// reports only (the others are not found).
    pub fn report(&self, id: &str) -> Result<Report> {
        let mut connection = self.connection()?;
        let mut query = reports::table.find(id).into_boxed();
        if self.role() == Role::Hospital {
            query = query.filter(reports::state.eq(ReportState::Published.as_str()));
        }
        let row: ReportRow = query
            .select((
                reports::id,
                reports::wave_id,
                reports::title,
                reports::lang,
                reports::state,
                reports::findings,
                reports::methods,
                reports::required_researchers,
                reports::required_partners,
                reports::created_at,
                reports::published_at,
            ))
            .first(&mut connection)
            .optional()?
            .ok_or_else(|| StoreError::ReportNotFound(id.to_owned()))?;
        let block_rows: Vec<BlockRow> = report_blocks::table
            .filter(report_blocks::report_id.eq(id))
            .order((report_blocks::created_at, report_blocks::id))
            .select((
                report_blocks::id,
                report_blocks::finding_id,
                report_blocks::kind,
                report_blocks::author_key,
                report_blocks::role,
                report_blocks::text,
                report_blocks::version,
                report_blocks::created_at,
                report_blocks::updated_at,
            ))
            .load(&mut connection)?;
        let block_ids: Vec<String> = block_rows.iter().map(|row| row.0.clone()).collect();
        let versions: Vec<(String, i32, String, String, String, String)> =
            report_block_versions::table
                .filter(report_block_versions::block_id.eq_any(&block_ids))
                .order((
                    report_block_versions::block_id,
                    report_block_versions::version,
                ))
                .load(&mut connection)?;
        let comment_rows = report_comments::table
            .filter(report_comments::block_id.eq_any(&block_ids))
            .order((report_comments::at, report_comments::id))
            .load::<(String, String, String, String, String, String)>(&mut connection)?;
        let mark_rows = report_marks::table
            .filter(report_marks::report_id.eq(id))
            .order((report_marks::finding_id, report_marks::author_key))
            .select((
                report_marks::finding_id,
                report_marks::author_key,
                report_marks::important,
                report_marks::priority,
            ))
            .load::<(String, String, i32, Option<i32>)>(&mut connection)?;
        let approval_rows = report_approvals::table
            .filter(report_approvals::report_id.eq(id))
            .order(report_approvals::at)
            .select((
                report_approvals::author_key,
                report_approvals::role,
                report_approvals::at,
            ))
            .load::<(String, String, String)>(&mut connection)?;
        let names = Names::of(
            &mut connection,
            block_rows
                .iter()
                .map(|row| &row.3)
                .chain(versions.iter().map(|v| &v.2))
                .chain(comment_rows.iter().map(|c| &c.2))
                .chain(mark_rows.iter().map(|m| &m.1))
                .chain(approval_rows.iter().map(|a| &a.0)),
        )?;
        let blocks = block_rows
            .into_iter()
            .map(
                |(id, finding, kind, author_key, role, text, version, created_at, updated_at)| {
                    let history = versions
                        .iter()
                        .filter(|v| v.0 == id)
                        .map(|(_, version, author_key, role, text, at)| BlockVersion {
                            version: *version,
                            author: names.name(author_key),
                            author_key: author_key.clone(),
                            role: role.clone(),
                            text: text.clone(),
                            at: at.clone(),
                        })
                        .collect();
                    Block {
                        id,
                        finding,
                        kind,
                        author: names.name(&author_key),
                        author_key,
                        role,
                        text,
                        version,
                        created_at,
                        updated_at,
                        history,
                    }
                },
            )
            .collect();
        let comments = comment_rows
            .into_iter()
            .map(|(id, block, author_key, role, text, at)| Comment {
                id,
                block,
                author: names.name(&author_key),
                author_key,
                role,
                text,
                at,
            })
            .collect();
        let marks = mark_rows
            .into_iter()
            .map(|(finding, author_key, important, priority)| Mark {
                finding,
                author: names.name(&author_key),
                author_key,
                important: important != 0,
                priority,
            })
            .collect();
        let approvals = approval_rows
            .into_iter()
            .map(|(author_key, role, at)| Approval {
                author: names.name(&author_key),
                author_key,
                role,
                at,
            })
            .collect();
        Ok(Report {
            id: row.0,
            wave: row.1,
            title: row.2,
            lang: row.3,
            state: ReportState::parse(&row.4)?,
            findings_json: row.5,
            methods_json: row.6,
            required_researchers: row.7,
            required_partners: row.8,
            created_at: row.9,
            published_at: row.10,
            blocks,
            comments,
            marks,
            approvals,
        })
    }

    /// Ids of the reports of a wave, oldest first (a hospital key's: the published ones).
    pub fn reports_of_wave(&self, wave: &str) -> Result<Vec<String>> {
        let mut query = reports::table
            .filter(reports::wave_id.eq(wave))
            .into_boxed();
        if self.role() == Role::Hospital {
            query = query.filter(reports::state.eq(ReportState::Published.as_str()));
        }
        Ok(query
            .order(reports::created_at)
            .select(reports::id)
            .load(&mut self.connection()?)?)
    }

    /// Writes a block on a finding (or the summary); returns its id.
    pub fn add_block(
        &self,
        by: &ApiKey,
        report: &str,
        finding: &str,
        kind: &str,
        text: &str,
    ) -> Result<String> {
        co_author(by)?;
        if !BLOCK_KINDS.contains(&kind) || (kind == "summary") != (finding == SUMMARY) {
            return Err(refuse(&format!(
                "a block is one of {} (the summary goes on the finding `summary`)",
                BLOCK_KINDS.join(", ")
            )));
        }
        let id = random_id();
        let now = calendar::now();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            content_changes(connection, report)?;
            require_finding(connection, report, finding)?;
            diesel::insert_into(report_blocks::table)
                .values((
                    report_blocks::id.eq(&id),
                    report_blocks::report_id.eq(report),
                    report_blocks::finding_id.eq(finding),
                    report_blocks::kind.eq(kind),
                    report_blocks::author_key.eq(&by.id),
                    report_blocks::role.eq(by.role.as_str()),
                    report_blocks::text.eq(text),
                    report_blocks::version.eq(1),
                    report_blocks::created_at.eq(&now),
                    report_blocks::updated_at.eq(&now),
                ))
                .execute(connection)?;
            insert_version(connection, &id, 1, by, text, &now)
        })?;
        Ok(id)
    }

    /// Changes the text of one's own block, keeping the earlier version.
    pub fn edit_block(&self, by: &ApiKey, report: &str, block: &str, text: &str) -> Result<()> {
        co_author(by)?;
        let now = calendar::now();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            content_changes(connection, report)?;
            let (author, role, version): (String, String, i32) = report_blocks::table
                .find(block)
                .filter(report_blocks::report_id.eq(report))
                .select((
                    report_blocks::author_key,
                    report_blocks::role,
                    report_blocks::version,
                ))
                .first(connection)
                .optional()?
                .ok_or_else(|| StoreError::BlockNotFound(block.to_owned()))?;
            if author != by.id || role != by.role.as_str() {
                return Err(refuse(
                    "only a block's author edits it; comment on it instead",
                ));
            }
            diesel::update(report_blocks::table.find(block))
                .set((
                    report_blocks::text.eq(text),
                    report_blocks::version.eq(version + 1),
                    report_blocks::updated_at.eq(&now),
                ))
                .execute(connection)?;
            insert_version(connection, block, version + 1, by, text, &now)
        })
    }

    /// Comments on a block (anyone with a role; comments do not change the content).
    pub fn comment(&self, by: &ApiKey, report: &str, block: &str, text: &str) -> Result<String> {
        co_author(by)?;
        let id = random_id();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let known: i64 = report_blocks::table
                .filter(report_blocks::id.eq(block))
                .filter(report_blocks::report_id.eq(report))
                .count()
                .get_result(connection)?;
            if known == 0 {
                return Err(StoreError::BlockNotFound(block.to_owned()));
            }
            diesel::insert_into(report_comments::table)
                .values((
                    report_comments::id.eq(&id),
                    report_comments::block_id.eq(block),
                    report_comments::author_key.eq(&by.id),
                    report_comments::role.eq(by.role.as_str()),
                    report_comments::text.eq(text),
                    report_comments::at.eq(calendar::now()),
                ))
                .execute(connection)?;
            Ok(())
        })?;
        Ok(id)
    }

    /// A partner marks a finding as important to patients and ranks it (or clears both).
    pub fn mark_finding(
        &self,
        by: &ApiKey,
        report: &str,
        finding: &str,
        important: bool,
        priority: Option<i32>,
    ) -> Result<()> {
        if by.role != Role::PatientPartner {
            return Err(refuse("patient partners mark what matters to patients"));
        }
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            content_changes(connection, report)?;
            require_finding(connection, report, finding)?;
            diesel::delete(
                report_marks::table
                    .filter(report_marks::report_id.eq(report))
                    .filter(report_marks::finding_id.eq(finding))
                    .filter(report_marks::author_key.eq(&by.id)),
            )
            .execute(connection)?;
            diesel::insert_into(report_marks::table)
                .values((
                    report_marks::report_id.eq(report),
                    report_marks::finding_id.eq(finding),
                    report_marks::author_key.eq(&by.id),
                    report_marks::important.eq(i32::from(important)),
                    report_marks::priority.eq(priority),
                ))
                .execute(connection)?;
            Ok(())
        })
    }

    /// A researcher sends a draft for review.
    pub fn submit_report(&self, by: &ApiKey, report: &str) -> Result<()> {
        if !by.role.is_researcher() {
            return Err(refuse("researchers send a report for review"));
        }
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let state = report_state(connection, report)?;
            if state != ReportState::Draft {
                return Err(wrong_state(report, state, "sending for review", "a draft"));
            }
            set_state(connection, report, ReportState::InReview)
        })
    }

    /// Approves the report as it is now; returns its state afterwards.
    pub fn approve_report(&self, by: &ApiKey, report: &str) -> Result<ReportState> {
        co_author(by)?;
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let state = report_state(connection, report)?;
            if !matches!(state, ReportState::InReview | ReportState::Approved) {
                return Err(wrong_state(report, state, "approving", "in review"));
            }
            diesel::delete(
                report_approvals::table
                    .filter(report_approvals::report_id.eq(report))
                    .filter(report_approvals::author_key.eq(&by.id)),
            )
            .execute(connection)?;
            diesel::insert_into(report_approvals::table)
                .values((
                    report_approvals::report_id.eq(report),
                    report_approvals::author_key.eq(&by.id),
                    report_approvals::role.eq(by.role.as_str()),
                    report_approvals::at.eq(calendar::now()),
                ))
                .execute(connection)?;
            let (have, need) = approvals(connection, report)?;
            let next = if have.0 >= need.0 && have.1 >= need.1 {
                ReportState::Approved
            } else {
                ReportState::InReview
            };
            set_state(connection, report, next)?;
            Ok(next)
        })
    }

    /// Publishes an approved report; researchers only. The service publishes with
    /// [`Store::publish_report_releasing`], so that hospitals get their results at once.
    pub fn publish_report(&self, by: &ApiKey, report: &str) -> Result<()> {
        self.publish_report_releasing(by, report, None)
    }

    /// Publishes an approved report and, when `site_results` are given (site code, JSON as
    /// [`Store::release_site_results`] takes them), releases them for the report's wave in the
    /// same transaction: either both happen or neither. Researchers only.
    pub fn publish_report_releasing(
        &self,
        by: &ApiKey,
        report: &str,
        site_results: Option<&[(String, String)]>,
    ) -> Result<()> {
        if !by.role.is_researcher() {
            return Err(refuse("researchers publish a report once it is approved"));
        }
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let state = report_state(connection, report)?;
            let (have, need) = approvals(connection, report)?;
            if state != ReportState::Approved || have.0 < need.0 || have.1 < need.1 {
                return Err(StoreError::NotApproved {
                    researchers: have.0,
                    partners: have.1,
                    needed_researchers: need.0,
                    needed_partners: need.1,
                });
            }
            diesel::update(reports::table.find(report))
                .set((
                    reports::state.eq(ReportState::Published.as_str()),
                    reports::published_at.eq(calendar::now()),
                ))
                .execute(connection)?;
            audit::record(connection, &actor(by), "report_published", None, report)?;
            if let Some(results) = site_results {
                let wave: String = reports::table
                    .find(report)
                    .select(reports::wave_id)
                    .first(connection)?;
                release_in(connection, &actor(by), &wave, results)?;
            }
            Ok(())
        })
    }

    /// Records a contribution; partners may record their own, researchers anyone's.
    pub fn record_contribution(&self, by: &ApiKey, line: &Contribution) -> Result<String> {
        co_author(by)?;
        if !by.role.is_researcher() && line.person != by.name {
            return Err(refuse("partners record their own contributions"));
        }
        if !ACTIVITIES.contains(&line.activity.as_str()) {
            return Err(refuse(&format!(
                "activity {:?} is not one of {}",
                line.activity,
                ACTIVITIES.join(", ")
            )));
        }
        if line.minutes < 0 || chrono::NaiveDate::parse_from_str(&line.on_date, "%Y-%m-%d").is_err()
        {
            return Err(refuse("minutes must be 0 or more and the date YYYY-MM-DD"));
        }
        let id = random_id();
        let mut connection = self.connection()?;
        load_wave(&mut connection, &line.wave)?;
        diesel::insert_into(contributions::table)
            .values((
                contributions::id.eq(&id),
                contributions::wave_id.eq(&line.wave),
                contributions::person.eq(&line.person),
                contributions::role.eq(&line.role),
                contributions::activity.eq(&line.activity),
                contributions::minutes.eq(line.minutes),
                contributions::on_date.eq(&line.on_date),
                contributions::recorded_by_key.eq(&by.id),
            ))
            .execute(&mut connection)?;
        Ok(id)
    }

    /// The contributions ledger of a wave, by date.
    pub fn contributions(&self, wave: &str) -> Result<Vec<Contribution>> {
        let mut connection = self.connection()?;
        // Co-authors read it while they work; everyone who may read a published report of the
        // wave reads it there, as the report credits its contributors.
        if !self.role().is_co_author() {
            let published: i64 = reports::table
                .filter(reports::wave_id.eq(wave))
                .filter(reports::state.eq(ReportState::Published.as_str()))
                .count()
                .get_result(&mut connection)?;
            if published == 0 {
                self.require(Role::is_co_author, "read the contributions ledger")?;
            }
        }
        let rows = contributions::table
            .filter(contributions::wave_id.eq(wave))
            .load::<(String, String, String, String, String, i32, String, String)>(
                &mut connection,
            )?;
        let names = Names::of(&mut connection, rows.iter().map(|row| &row.7))?;
        let survey = load_wave(&mut connection, wave)?.survey_hash;
        let codesign = crate::proposals::codesign_lines(&mut connection, wave, &survey)?;
        let mut lines: Vec<Contribution> = rows
            .into_iter()
            .map(
                |(id, wave, person, role, activity, minutes, on_date, recorded_by)| Contribution {
                    id,
                    wave,
                    person,
                    role,
                    activity,
                    minutes,
                    on_date,
                    recorded_by: names.name(&recorded_by),
                },
            )
            .chain(codesign)
            .collect();
        lines.sort_by(|a, b| (&a.on_date, &a.person).cmp(&(&b.on_date, &b.person)));
        Ok(lines)
    }

    /// A co-design comment on an item of a stored survey version.
    pub fn comment_item(
        &self,
        by: &ApiKey,
        survey: &str,
        item: &str,
        text: &str,
    ) -> Result<String> {
        co_author(by)?;
        let definition = self.survey(survey)?;
        if definition.item(item).is_none() {
            return Err(StoreError::FindingNotFound(format!("item {item}")));
        }
        let id = random_id();
        diesel::insert_into(item_comments::table)
            .values((
                item_comments::id.eq(&id),
                item_comments::survey_hash.eq(survey),
                item_comments::item_id.eq(item),
                item_comments::author_key.eq(&by.id),
                item_comments::role.eq(by.role.as_str()),
                item_comments::text.eq(text),
                item_comments::at.eq(calendar::now()),
                item_comments::resolved.eq(0),
            ))
            .execute(&mut self.connection()?)?;
        Ok(id)
    }

    /// A researcher answers a co-design comment, and may close it.
    pub fn answer_item_comment(
        &self,
        by: &ApiKey,
        comment: &str,
        answer: &str,
        resolve: bool,
    ) -> Result<()> {
        if !by.role.is_researcher() {
            return Err(refuse("researchers answer and resolve co-design comments"));
        }
        let changed = diesel::update(item_comments::table.find(comment))
            .set((
                item_comments::answer.eq(answer),
                item_comments::answered_by_key.eq(&by.id),
                item_comments::resolved.eq(i32::from(resolve)),
            ))
            .execute(&mut self.connection()?)?;
        if changed == 0 {
            return Err(StoreError::FindingNotFound(format!("comment {comment}")));
        }
        Ok(())
    }

    /// Co-design comments on a survey version, oldest first.
    pub fn item_comments(&self, survey: &str) -> Result<Vec<ItemComment>> {
        self.require(Role::is_co_author, "read the co-design comments")?;
        let mut connection = self.connection()?;
        let rows = item_comments::table
            .filter(item_comments::survey_hash.eq(survey))
            .order((item_comments::at, item_comments::id))
            .load::<ItemCommentRow>(&mut connection)?;
        let names = Names::of(
            &mut connection,
            rows.iter()
                .map(|row| &row.3)
                .chain(rows.iter().filter_map(|row| row.8.as_ref())),
        )?;
        Ok(rows
            .into_iter()
            .map(
                |(
                    id,
                    survey,
                    item,
                    author_key,
                    role,
                    text,
                    at,
                    answer,
                    answered_by_key,
                    resolved,
                )| {
                    ItemComment {
                        id,
                        survey,
                        item,
                        author: names.name(&author_key),
                        author_key,
                        role,
                        text,
                        at,
                        answer,
                        answered_by: answered_by_key.as_deref().map(|key| names.name(key)),
                        answered_by_key,
                        resolved: resolved != 0,
                    }
                },
            )
            .collect())
    }
}

/// Blocks and marks must name one of the report's findings (or the summary).
fn require_finding(connection: &mut AnyConnection, report: &str, finding: &str) -> Result<()> {
    let known: i64 = report_findings::table
        .filter(report_findings::report_id.eq(report))
        .filter(report_findings::finding_id.eq(finding))
        .count()
        .get_result(connection)?;
    if known == 0 {
        return Err(StoreError::FindingNotFound(finding.to_owned()));
    }
    Ok(())
}

fn report_state(connection: &mut AnyConnection, report: &str) -> Result<ReportState> {
    let state: String = reports::table
        .find(report)
        .select(reports::state)
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::ReportNotFound(report.to_owned()))?;
    ReportState::parse(&state)
}

fn set_state(connection: &mut AnyConnection, report: &str, state: ReportState) -> Result<()> {
    diesel::update(reports::table.find(report))
        .set(reports::state.eq(state.as_str()))
        .execute(connection)?;
    Ok(())
}

fn wrong_state(
    report: &str,
    state: ReportState,
    action: &'static str,
    needed: &'static str,
) -> StoreError {
    StoreError::ReportState {
        report: report.to_owned(),
        state: state.as_str(),
        action,
        needed,
    }
}

/// Before any change of content: refuse on a published report; after the draft, withdraw the
/// approvals and send the report back to review.
fn content_changes(connection: &mut AnyConnection, report: &str) -> Result<()> {
    match report_state(connection, report)? {
        ReportState::Published => Err(wrong_state(
            report,
            ReportState::Published,
            "changing it",
            "not yet published",
        )),
        ReportState::Draft => Ok(()),
        ReportState::InReview | ReportState::Approved => {
            diesel::delete(report_approvals::table.filter(report_approvals::report_id.eq(report)))
                .execute(connection)?;
            set_state(connection, report, ReportState::InReview)
        }
    }
}

/// ((researchers, partners) who approved, (researchers, partners) needed).
fn approvals(connection: &mut AnyConnection, report: &str) -> Result<((i32, i32), (i32, i32))> {
    let roles: Vec<String> = report_approvals::table
        .filter(report_approvals::report_id.eq(report))
        .select(report_approvals::role)
        .load(connection)?;
    let researchers = roles
        .iter()
        .filter(|role| Role::parse(role).is_some_and(Role::is_researcher))
        .count() as i32;
    let partners = roles
        .iter()
        .filter(|role| Role::parse(role) == Some(Role::PatientPartner))
        .count() as i32;
    let needed: (i32, i32) = reports::table
        .find(report)
        .select((reports::required_researchers, reports::required_partners))
        .first(connection)?;
    Ok(((researchers, partners), needed))
}

fn insert_version(
    connection: &mut AnyConnection,
    block: &str,
    version: i32,
    by: &ApiKey,
    text: &str,
    at: &str,
) -> Result<()> {
    diesel::insert_into(report_block_versions::table)
        .values((
            report_block_versions::block_id.eq(block),
            report_block_versions::version.eq(version),
            report_block_versions::author_key.eq(&by.id),
            report_block_versions::role.eq(by.role.as_str()),
            report_block_versions::text.eq(text),
            report_block_versions::at.eq(at),
        ))
        .execute(connection)?;
    Ok(())
}
