//! Waves: create, open, report status, close and erase contact data.

use std::collections::BTreeMap;

use diesel::prelude::*;
use vecu_survey::Survey;

use crate::access::Role;
use crate::code::ResultsCode;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::hygiene;
use crate::letter::count_label;
use crate::release::{self, Release};
use crate::schema::{
    contact_events, contacts, drafts, invitations, paper_counts, paper_entries, releases,
    responses, surveys, wave_counts, waves,
};
use crate::secret::random_id;
use crate::sessions;
use crate::surveys::stored_survey;
use crate::vault::{site_of, Frame};
use crate::{audit, calendar, Store, WaveId};

/// A wave as stored.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, serde::Serialize, serde::Deserialize)]
pub struct WaveInfo {
    /// Random id.
    pub id: WaveId,
    /// Hash of the survey version fielded.
    pub survey_hash: String,
    /// Human name ("SCAPE 2027 spring").
    pub name: String,
    /// draft, open or closed.
    pub status: String,
    /// Creation date.
    pub created_on: String,
    /// Opening date.
    pub opened_on: Option<String>,
    /// Closing date.
    pub closed_on: Option<String>,
    /// Paper returns are keyed twice, blind, and stored when both keyings agree.
    pub double_entry: bool,
}

/// Invitation counts of one site (or of the whole wave) by status, and the response rate.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SiteCounts {
    /// Site code, or `all` for the whole wave.
    pub site: String,
    /// Counts by status (pending, invited, opened, submitted, opted_out, undeliverable).
    pub by_status: BTreeMap<String, i64>,
    /// submitted / (contacted - undeliverable - deceased), where contacted excludes pending
    /// invitations; `None` before anyone was contacted.
    pub response_rate: Option<f64>,
    /// Responses by mode (web_link, web_code, paper).
    pub responses_by_mode: BTreeMap<String, i64>,
    /// Each mode's share of the response rate: responses in that mode / the same denominator,
    /// so that the modes add up to the response rate.
    pub response_rate_by_mode: BTreeMap<String, f64>,
}

impl SiteCounts {
    fn add(&mut self, status: &str, n: i64) {
        *self.by_status.entry(status.to_owned()).or_default() += n;
    }

    /// Patients contacted: every status but `pending` (frame imported, nothing sent yet).
    pub fn contacted(&self) -> i64 {
        self.by_status
            .iter()
            .filter(|(status, _)| status.as_str() != "pending")
            .map(|(_, n)| n)
            .sum()
    }

    fn finish(mut self) -> SiteCounts {
        let count = |status: &str| self.by_status.get(status).copied().unwrap_or_default();
        let contacted = self.contacted();
        // Undelivered letters and e-mails, and patients who died, are out of the denominator.
        let eligible = contacted - count("undeliverable") - count("deceased");
        let rate = |n: i64| (eligible > 0).then(|| n as f64 / eligible as f64);
        self.response_rate = rate(count("submitted"));
        self.response_rate_by_mode = self
            .responses_by_mode
            .iter()
            .filter_map(|(mode, &n)| Some((mode.clone(), rate(n)?)))
            .collect();
        self
    }
}

/// Status of a wave: per site and overall.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WaveStatus {
    /// The wave.
    pub wave: WaveInfo,
    /// The whole wave.
    pub overall: SiteCounts,
    /// One entry per site, in site order.
    pub sites: Vec<SiteCounts>,
    /// Responses stored.
    pub responses: i64,
    /// Paper returns keyed: what the paper rules changed and how double entry agreed, by item
    /// and kind (`routing_removed`, `multiple_ticks`, `unreadable`, `double_agree`,
    /// `double_disagree`); item `*` counts questionnaires (`questionnaires`,
    /// `questionnaires_edited`). Empty when nothing was keyed.
    pub paper: BTreeMap<String, BTreeMap<String, i64>>,
}

/// What closing a wave erased and kept.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CloseSummary {
    /// Contacts erased (with their invitations, contact history and drafts).
    pub contacts_erased: i64,
    /// Aggregate rows kept (site x status).
    pub counts_kept: i64,
}

/// The frame variable that named the site before definitions declared a unit of comparison.
pub(crate) const LEGACY_SITE: &str = "site";

/// The frame variable whose values are the sites the store counts by (status, close): the
/// definition's unit of comparison. A definition written before units were declared counts by
/// its variable called `site`, as it always did, so that its waves keep their counts.
pub fn site_variable(survey: &Survey) -> Option<&str> {
    survey
        .comparison_unit()
        .or_else(|| survey.frame_variable(LEGACY_SITE))
        .map(|variable| variable.id.as_str())
}

impl Store {
    /// Creates a wave of a stored survey version, in status draft.
    pub fn create_wave(&self, survey_hash: &str, name: &str) -> Result<WaveId> {
        self.survey(survey_hash)?;
        let id = random_id();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::insert_into(waves::table)
                .values((
                    waves::id.eq(&id),
                    waves::survey_hash.eq(survey_hash),
                    waves::name.eq(name),
                    waves::status.eq("draft"),
                    waves::created_on.eq(calendar::today()),
                    waves::results_code.eq(ResultsCode::generate().as_str()),
                ))
                .execute(connection)?;
            audit::record(
                connection,
                &self.config.actor,
                "wave_created",
                Some(&id),
                name,
            )
        })?;
        Ok(id)
    }

    /// Every wave, newest first.
    pub fn waves(&self) -> Result<Vec<WaveInfo>> {
        Ok(waves::table
            .order((waves::created_on.desc(), waves::id.asc()))
            .select(wave_columns())
            .load(&mut self.connection()?)?)
    }

    /// The closed waves of the same survey (any version) created on or before the day `wave`
    /// was (waves keep days only), oldest first: the earlier waves its changes and trends
    /// compare with.
    pub fn earlier_waves(&self, wave: &str) -> Result<Vec<WaveInfo>> {
        let mut connection = self.connection()?;
        let this = load_wave(&mut connection, wave)?;
        let survey_id: String = surveys::table
            .find(&this.survey_hash)
            .select(surveys::survey_id)
            .first(&mut connection)?;
        let versions: Vec<String> = surveys::table
            .filter(surveys::survey_id.eq(survey_id))
            .select(surveys::hash)
            .load(&mut connection)?;
        Ok(waves::table
            .filter(waves::survey_hash.eq_any(versions))
            .filter(waves::status.eq("closed"))
            .filter(waves::id.ne(wave))
            .filter(waves::created_on.le(&this.created_on))
            .order((waves::created_on.asc(), waves::id.asc()))
            .select(wave_columns())
            .load(&mut connection)?)
    }

    /// One wave.
    pub fn wave(&self, wave: &str) -> Result<WaveInfo> {
        load_wave(&mut *self.connection()?, wave)
    }

    /// Opens a draft wave for fieldwork.
    pub fn open_wave(&self, wave: &str) -> Result<()> {
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let changed = diesel::update(waves::table.find(wave).filter(waves::status.eq("draft")))
                .set((
                    waves::status.eq("open"),
                    waves::opened_on.eq(calendar::today()),
                ))
                .execute(connection)?;
            if changed == 0 {
                return Err(wrong_state(connection, wave, "opening", "draft")?);
            }
            audit::record(
                connection,
                &self.config.actor,
                "wave_opened",
                Some(wave),
                "",
            )
        })
    }

    /// Turns double data entry of paper returns on or off for a wave that is not closed. A
    /// questionnaire whose first keying is already saved is finished the double way even when
    /// double entry is turned off meanwhile.
    pub fn set_double_entry(&self, wave: &str, on: bool) -> Result<()> {
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let changed = diesel::update(
                waves::table
                    .find(wave)
                    .filter(waves::status.eq_any(["draft", "open"])),
            )
            .set(waves::double_entry.eq(on))
            .execute(connection)?;
            if changed == 0 {
                return Err(wrong_state(
                    connection,
                    wave,
                    "changing double entry",
                    "draft or open",
                )?);
            }
            audit::record(
                connection,
                &self.config.actor,
                "wave_double_entry",
                Some(wave),
                if on { "on" } else { "off" },
            )
        })
    }

    /// Invitation counts by site and status, with response rates. During fieldwork these are
    /// the counts released for the current ISO week (computed at its first request, the same
    /// for the rest of the week), so that two requests around one submission cannot tell it
    /// apart; after close, the final counts. Patient partners get no paper counters: they move
    /// with single keyed questionnaires.
    pub fn wave_status(&self, wave: &str) -> Result<WaveStatus> {
        let mut connection = self.connection()?;
        let info = load_wave(&mut connection, wave)?;
        let mut status = if info.status == "open" {
            let mut released: WaveStatus =
                release::weekly(&mut connection, wave, Release::Status, None, |connection| {
                    status_now(connection, &info)
                })?;
            released.wave = info;
            released
        } else {
            status_now(&mut connection, &info)?
        };
        if !self.config.role.is_researcher() {
            status.paper.clear();
        }
        // A hospital key sees its own sites' counts and the whole wave's, no other site's.
        if self.config.role == Role::Hospital {
            status.sites.retain(|site| self.sites.contains(&site.site));
        }
        Ok(status)
    }

    /// The counts as they stand now, not as released this week: for tests of the counting
    /// itself (feature `testing` only; the service and the CLI never see it).
    #[cfg(feature = "testing")]
    pub fn wave_status_now(&self, wave: &str) -> Result<WaveStatus> {
        let mut connection = self.connection()?;
        let info = load_wave(&mut connection, wave)?;
        status_now(&mut connection, &info)
    }

    /// Closes a wave and erases its identity vault (contacts and letter references,
    /// invitations with their token and access-code hashes, contact history, drafts, keyed
    /// paper entries, the patients' sessions; data-entry sessions forget the questionnaire
    /// they had open), keeping only counts per site and status for response rates (counts per
    /// mode come from the responses).
    pub fn close_wave(&self, wave: &str) -> Result<CloseSummary> {
        let mut connection = self.connection()?;
        let summary = connection.transaction(|connection| {
            let changed =
                diesel::update(waves::table.find(wave).filter(waves::status.ne("closed")))
                    .set((
                        waves::status.eq("closed"),
                        waves::closed_on.eq(calendar::today()),
                    ))
                    .execute(connection)?;
            if changed == 0 {
                return Err(wrong_state(connection, wave, "closing", "draft or open")?);
            }
            let info = load_wave(connection, wave)?;
            let site = counted_by(connection, &info)?;
            let counts = live_counts(connection, wave, site.as_deref())?;
            for ((site, status), n) in &counts {
                diesel::insert_into(wave_counts::table)
                    .values((
                        wave_counts::wave_id.eq(wave),
                        wave_counts::site.eq(site),
                        wave_counts::status.eq(status),
                        wave_counts::n.eq(n),
                    ))
                    .execute(connection)?;
            }
            let in_wave: Vec<String> = invitations::table
                .filter(invitations::wave_id.eq(wave))
                .select(invitations::id)
                .load(connection)?;
            // In chunks: SQLite and PostgreSQL limit the number of bound parameters.
            for chunk in in_wave.chunks(500) {
                diesel::delete(drafts::table.filter(drafts::invitation_id.eq_any(chunk)))
                    .execute(connection)?;
                diesel::delete(
                    paper_entries::table.filter(paper_entries::invitation_id.eq_any(chunk)),
                )
                .execute(connection)?;
                diesel::delete(
                    contact_events::table.filter(contact_events::invitation_id.eq_any(chunk)),
                )
                .execute(connection)?;
                sessions::forget_invitations(connection, chunk)?;
            }
            diesel::delete(invitations::table.filter(invitations::wave_id.eq(wave)))
                .execute(connection)?;
            diesel::delete(releases::table.filter(releases::wave_id.eq(wave)))
                .execute(connection)?;
            let contacts_erased = diesel::delete(contacts::table.filter(contacts::wave_id.eq(wave)))
                .execute(connection)? as i64;
            let summary = CloseSummary {
                contacts_erased,
                counts_kept: counts.len() as i64,
            };
            audit::record(
                connection,
                &self.config.actor,
                "wave_closed",
                Some(wave),
                &format!("{contacts_erased} contacts erased"),
            )?;
            Ok(summary)
        })?;
        // The erase is committed: what follows tidies up and must not make the close look failed.
        if let Err(error) = self.mix_responses(wave) {
            tracing::warn!(%error, "mixing after close failed; the next export mixes again");
        }
        if let Err(error) = hygiene::scrub_after_erase(&mut connection) {
            tracing::warn!(%error, "clearing free pages after close failed; run VACUUM on the database");
        }
        Ok(summary)
    }
}

fn wave_columns() -> (
    waves::id,
    waves::survey_hash,
    waves::name,
    waves::status,
    waves::created_on,
    waves::opened_on,
    waves::closed_on,
    waves::double_entry,
) {
    (
        waves::id,
        waves::survey_hash,
        waves::name,
        waves::status,
        waves::created_on,
        waves::opened_on,
        waves::closed_on,
        waves::double_entry,
    )
}

pub(crate) fn load_wave(connection: &mut AnyConnection, wave: &str) -> Result<WaveInfo> {
    waves::table
        .find(wave)
        .select(wave_columns())
        .first(connection)
        .optional()?
        .ok_or_else(|| StoreError::WaveNotFound(wave.to_owned()))
}

/// The frame variable a wave's responses are counted by. Responses carry their frame, not their
/// site: the wave's definition says which variable it is.
fn counted_by(connection: &mut AnyConnection, info: &WaveInfo) -> Result<Option<String>> {
    let survey = stored_survey(connection, &info.survey_hash)?;
    Ok(site_variable(&survey).map(str::to_owned))
}

/// The error for a wave found in the wrong status for `action` (or not found at all).
pub(crate) fn wrong_state(
    connection: &mut AnyConnection,
    wave: &str,
    action: &'static str,
    needed: &'static str,
) -> Result<StoreError> {
    let info = load_wave(connection, wave)?;
    Ok(StoreError::WaveState {
        wave: wave.to_owned(),
        status: info.status,
        action,
        needed,
    })
}

/// The wave must have one of these statuses for `action`.
pub(crate) fn require_status(
    connection: &mut AnyConnection,
    wave: &str,
    allowed: &[&str],
    action: &'static str,
    needed: &'static str,
) -> Result<WaveInfo> {
    let info = load_wave(connection, wave)?;
    if allowed.contains(&info.status.as_str()) {
        Ok(info)
    } else {
        Err(StoreError::WaveState {
            wave: wave.to_owned(),
            status: info.status,
            action,
            needed,
        })
    }
}

/// The counts of a wave as they stand: from the final counts once closed, else from the vault.
fn status_now(connection: &mut AnyConnection, info: &WaveInfo) -> Result<WaveStatus> {
    let wave = info.id.as_str();
    let site = counted_by(connection, info)?;
    let site = site.as_deref();
    let counts = if info.status == "closed" {
        wave_counts::table
            .filter(wave_counts::wave_id.eq(wave))
            .select((wave_counts::site, wave_counts::status, wave_counts::n))
            .load::<(String, String, i64)>(connection)?
            .into_iter()
            .map(|(site, status, n)| ((site, status), n))
            .collect()
    } else {
        live_counts(connection, wave, site)?
    };
    let mut sites: BTreeMap<String, SiteCounts> = BTreeMap::new();
    let mut overall = SiteCounts {
        site: "all".to_owned(),
        ..SiteCounts::default()
    };
    for ((site, status), n) in counts {
        site_entry(&mut sites, site).add(&status, n);
        overall.add(&status, n);
    }
    let stored = response_sites(connection, wave, site)?;
    let responses = stored.len() as i64;
    for (site, mode) in stored {
        for counts in [site_entry(&mut sites, site), &mut overall] {
            *counts.responses_by_mode.entry(mode.clone()).or_default() += 1;
        }
    }
    let mut paper: BTreeMap<String, BTreeMap<String, i64>> = BTreeMap::new();
    let counted: Vec<(String, String, i64)> = paper_counts::table
        .filter(paper_counts::wave_id.eq(wave))
        .select((paper_counts::item, paper_counts::kind, paper_counts::n))
        .load(connection)?;
    for (item, kind, n) in counted {
        paper.entry(item).or_default().insert(kind, n);
    }
    Ok(WaveStatus {
        wave: info.clone(),
        overall: overall.finish(),
        sites: sites.into_values().map(SiteCounts::finish).collect(),
        responses,
        paper,
    })
}

/// Invitations of a wave in fieldwork by (site, status); an outcome code of a paper return
/// counts under its own name (blank, deceased, refused). The vault has forgotten who answered,
/// so the submitted are counted from the responses, by the site each response carries.
fn live_counts(
    connection: &mut AnyConnection,
    wave: &str,
    site: Option<&str>,
) -> Result<BTreeMap<(String, String), i64>> {
    let rows: Vec<(String, String, Option<String>)> = invitations::table
        .inner_join(contacts::table)
        .filter(invitations::wave_id.eq(wave))
        .filter(invitations::status.ne("submitted"))
        .select((contacts::site, invitations::status, invitations::outcome))
        .load(connection)?;
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for (site, status, outcome) in rows {
        *counts
            .entry((site, count_label(status, outcome)))
            .or_default() += 1;
    }
    for (code, _) in response_sites(connection, wave, site)? {
        *counts.entry((code, "submitted".to_owned())).or_default() += 1;
    }
    Ok(counts)
}

/// (site, mode) of every response of a wave, the site read from the frame variable `site`.
fn response_sites(
    connection: &mut AnyConnection,
    wave: &str,
    site: Option<&str>,
) -> Result<Vec<(String, String)>> {
    let stored: Vec<(String, String)> = responses::table
        .filter(responses::wave_id.eq(wave))
        .select((responses::frame, responses::mode))
        .load(connection)?;
    stored
        .into_iter()
        .map(|(frame, mode)| {
            let frame: Frame = serde_json::from_str(&frame)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            Ok((site_of(&frame, site), mode))
        })
        .collect()
}

fn site_entry(sites: &mut BTreeMap<String, SiteCounts>, site: String) -> &mut SiteCounts {
    sites.entry(site.clone()).or_insert_with(|| SiteCounts {
        site,
        ..SiteCounts::default()
    })
}
