//! Fieldwork by letter: outcome codes of returns without answers, reminders by the hospital's
//! reference, and paper questionnaires keyed by staff (single or double entry).

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::prelude::*;
use serde_json::Value;

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::frame::Channel;
use crate::invitation::load_invitation;
use crate::release::{self, Release};
use crate::schema::{contacts, drafts, invitations, paper_counts, paper_entries};
use crate::wave::require_status;
use crate::{Role, Store};

/// What came back by post without answers (England's NHS outcome codes 2 to 4, and blanks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// A questionnaire returned with no answer at all: a non-response, no reminder.
    Blank,
    /// The letter came back undelivered: out of the response rate's denominator.
    Undelivered,
    /// The patient died: out of the denominator, and never reminded.
    Deceased,
    /// The patient (or a relative) refused: like an opt-out.
    Refused,
}

impl Outcome {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Blank => "blank",
            Outcome::Undelivered => "undelivered",
            Outcome::Deceased => "deceased",
            Outcome::Refused => "refused",
        }
    }

    /// Parses a stored or typed name.
    pub fn parse(name: &str) -> Option<Outcome> {
        [
            Outcome::Blank,
            Outcome::Undelivered,
            Outcome::Deceased,
            Outcome::Refused,
        ]
        .into_iter()
        .find(|outcome| outcome.as_str() == name)
    }

    /// The invitation status it amounts to: out of the denominator (undeliverable) or a final
    /// non-response (opted out).
    fn status(self) -> &'static str {
        match self {
            Outcome::Undelivered | Outcome::Deceased => "undeliverable",
            Outcome::Blank | Outcome::Refused => "opted_out",
        }
    }
}

/// The label an invitation is counted under: its outcome code when it has one (undelivered
/// counts as undeliverable), else its status.
pub(crate) fn count_label(status: String, outcome: Option<String>) -> String {
    match outcome {
        Some(outcome) if outcome != Outcome::Undelivered.as_str() => outcome,
        _ => status,
    }
}

/// A paper count kind: what happened to an item of a keyed questionnaire.
pub const PAPER_COUNT_KINDS: [&str; 5] = [
    "routing_removed",
    "multiple_ticks",
    "unreadable",
    "double_agree",
    "double_disagree",
];

impl Store {
    /// Records what came back without answers; final, like an opt-out, and the draft and any
    /// keyed entry are dropped.
    pub fn record_outcome(&self, invitation: &str, outcome: Outcome) -> Result<()> {
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            let changed = diesel::update(
                invitations::table
                    .find(invitation)
                    .filter(invitations::status.eq_any(["invited", "opened", "undeliverable"]))
                    .filter(invitations::outcome.is_null()),
            )
            .set((
                invitations::status.eq(outcome.status()),
                invitations::outcome.eq(outcome.as_str()),
            ))
            .execute(connection)?;
            if changed == 0 {
                let current = load_invitation(connection, invitation)?;
                return Err(StoreError::InvitationState {
                    status: current.status,
                    action: "recording an outcome",
                });
            }
            diesel::delete(drafts::table.find(invitation)).execute(connection)?;
            diesel::delete(
                paper_entries::table.filter(paper_entries::invitation_id.eq(invitation)),
            )
            .execute(connection)?;
            Ok(())
        })
    }

    /// The hospital's references of the letters to remind: neither answered (in any mode), nor
    /// opted out, nor closed by an outcome code. Sorted, so that the list says nothing about
    /// the order of events, and released once per ISO week (kept sealed in the vault), so that
    /// two requests around one answer cannot tell whose it was.
    pub fn letter_reminders(&self, wave: &str) -> Result<Vec<String>> {
        self.require(Role::is_researcher, "list the letters to remind")?;
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        require_status(
            &mut connection,
            wave,
            &["open"],
            "listing reminders",
            "open",
        )?;
        release::weekly(
            &mut connection,
            wave,
            Release::LetterReminders,
            Some(&key),
            |connection| {
                let rows: Vec<(String, Vec<u8>)> = invitations::table
                    .inner_join(contacts::table)
                    .filter(invitations::wave_id.eq(wave))
                    .filter(contacts::channel.eq(Channel::Letter.as_str()))
                    .filter(invitations::status.eq_any(["invited", "opened"]))
                    .filter(invitations::outcome.is_null())
                    .select((contacts::id, contacts::email))
                    .load(connection)?;
                let mut references = rows
                    .into_iter()
                    .map(|(contact, sealed)| key.open(&sealed, &contact))
                    .collect::<Result<Vec<_>>>()?;
                references.sort();
                Ok(references)
            },
        )
    }

    /// Saves one keying (pass 1, or pass 2 of double entry) of a paper questionnaire, sealed
    /// like a draft, replacing an earlier keying of the same pass.
    pub fn save_paper_entry(&self, invitation: &str, pass: u8, entry: &Value) -> Result<()> {
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            diesel::delete(
                paper_entries::table
                    .filter(paper_entries::invitation_id.eq(invitation))
                    .filter(paper_entries::pass.eq(i64::from(pass))),
            )
            .execute(connection)?;
            let status = load_invitation(connection, invitation)?.status;
            if !matches!(status.as_str(), "invited" | "opened" | "undeliverable") {
                return Err(StoreError::InvitationState {
                    status,
                    action: "keying a paper questionnaire",
                });
            }
            let sealed =
                STANDARD.encode(key.seal(&entry.to_string(), &entry_context(invitation, pass))?);
            diesel::insert_into(paper_entries::table)
                .values((
                    paper_entries::invitation_id.eq(invitation),
                    paper_entries::pass.eq(i64::from(pass)),
                    paper_entries::entry.eq(sealed),
                ))
                .execute(connection)?;
            Ok(())
        })
    }

    /// The keyings saved so far for a questionnaire, by pass.
    pub fn paper_entries(&self, invitation: &str) -> Result<Vec<(u8, Value)>> {
        let key = self.key()?.clone();
        let rows: Vec<(i64, String)> = paper_entries::table
            .filter(paper_entries::invitation_id.eq(invitation))
            .order(paper_entries::pass.asc())
            .select((paper_entries::pass, paper_entries::entry))
            .load(&mut self.connection()?)?;
        rows.into_iter()
            .map(|(pass, sealed)| {
                let pass = u8::try_from(pass)
                    .map_err(|_| StoreError::Corrupt(format!("paper entry pass {pass}")))?;
                let corrupt = |error: String| {
                    StoreError::Corrupt(format!("paper entry of invitation {invitation}: {error}"))
                };
                let bytes = STANDARD
                    .decode(sealed)
                    .map_err(|e| corrupt(e.to_string()))?;
                let text = key.open(&bytes, &entry_context(invitation, pass))?;
                let value = serde_json::from_str(&text).map_err(|e| corrupt(e.to_string()))?;
                Ok((pass, value))
            })
            .collect()
    }

    /// Counts of the paper cleaning rules and of double-entry agreement: (item, kind, n), item
    /// `*` for whole questionnaires (`questionnaires`, `questionnaires_edited`).
    pub fn paper_counts(&self, wave: &str) -> Result<Vec<(String, String, i64)>> {
        Ok(paper_counts::table
            .filter(paper_counts::wave_id.eq(wave))
            .order((paper_counts::item.asc(), paper_counts::kind.asc()))
            .select((paper_counts::item, paper_counts::kind, paper_counts::n))
            .load(&mut self.connection()?)?)
    }
}

pub(crate) fn entry_context(invitation: &str, pass: u8) -> String {
    format!("paper:{invitation}:{pass}")
}

/// Adds to the paper counts of a wave (inside the submission's transaction).
pub(crate) fn add_paper_counts(
    connection: &mut AnyConnection,
    wave: &str,
    counts: &[(String, String)],
) -> Result<()> {
    for (item, kind) in counts {
        let updated = diesel::update(
            paper_counts::table
                .filter(paper_counts::wave_id.eq(wave))
                .filter(paper_counts::item.eq(item))
                .filter(paper_counts::kind.eq(kind)),
        )
        .set(paper_counts::n.eq(paper_counts::n + 1))
        .execute(connection)?;
        if updated == 0 {
            diesel::insert_into(paper_counts::table)
                .values((
                    paper_counts::wave_id.eq(wave),
                    paper_counts::item.eq(item),
                    paper_counts::kind.eq(kind),
                    paper_counts::n.eq(1),
                ))
                .execute(connection)?;
        }
    }
    Ok(())
}
