//! Submission: one transaction flips the invitation, writes the response and drops the draft.
//! Nothing in the response row comes from the invitation but the (coded) frame variables.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use vecu_survey::ValidatedResponse;

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::invitation::load_invitation;
use crate::letter::add_paper_counts;
use crate::schema::{drafts, invitations, paper_entries, responses};
use crate::secret::random_id;
use crate::secret::EncryptionKey;
use crate::sessions::end_patient_sessions;
use crate::vault::{forget_respondent, invitation_frame};
use crate::wave::require_status;
use crate::{calendar, Backend, ResponseId, Store};

/// How a response came in; a non-identifying attribute kept with the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Online, through the personal link of an e-mail.
    WebLink,
    /// Online, with an access code from a letter.
    WebCode,
    /// A paper questionnaire keyed by staff.
    Paper,
}

impl Mode {
    /// Every mode.
    pub const ALL: [Mode; 3] = [Mode::WebLink, Mode::WebCode, Mode::Paper];

    /// The name stored and exported.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::WebLink => "web_link",
            Mode::WebCode => "web_code",
            Mode::Paper => "paper",
        }
    }
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Stored under this random id.
    Submitted(ResponseId),
    /// This invitation had already submitted; nothing was written.
    AlreadySubmitted,
}

impl Store {
    /// Submits a validated response for an invitation. Safe to repeat: a second submission of
    /// the same invitation writes nothing and answers `AlreadySubmitted`.
    pub fn submit(
        &self,
        invitation: &str,
        response: &ValidatedResponse,
        mode: Mode,
    ) -> Result<SubmitOutcome> {
        self.submit_with(invitation, response, mode, &[])
    }

    /// Submits a keyed paper questionnaire (mode paper) and, in the same transaction, adds
    /// what the paper rules changed and how double entry agreed to the wave's paper counts:
    /// `(item, kind)` pairs, one per event.
    pub fn submit_paper(
        &self,
        invitation: &str,
        response: &ValidatedResponse,
        counts: &[(String, String)],
    ) -> Result<SubmitOutcome> {
        self.submit_with(invitation, response, Mode::Paper, counts)
    }

    fn submit_with(
        &self,
        invitation: &str,
        response: &ValidatedResponse,
        mode: Mode,
        counts: &[(String, String)],
    ) -> Result<SubmitOutcome> {
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        let (outcome, wave) = connection.transaction(|connection| {
            submit_in(connection, &key, invitation, response, mode, counts)
        })?;
        if let SubmitOutcome::Submitted(_) = &outcome {
            self.hygiene.submitted();
        }
        // Nothing after the commit may fail the call: the response is stored.
        if let SubmitOutcome::Submitted(_) = &outcome {
            self.count_towards_mix(&wave);
        }
        Ok(outcome)
    }

    /// PostgreSQL stores rows in insertion order; every `mix_every` submissions (counted by this
    /// process) the wave's responses are rewritten in random order, in the background so that
    /// the patient's request does not wait for it.
    fn count_towards_mix(&self, wave: &str) {
        if self.backend != Backend::Postgres {
            return;
        }
        let taken = {
            let mut pending = self
                .pending_mix
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            let counter = pending.entry(wave.to_owned()).or_default();
            counter.since_mix += 1;
            // One mix at a time per wave; submissions during a mix count towards the next one.
            let due = counter.since_mix >= self.config.mix_every && !counter.running;
            counter.running |= due;
            due.then_some(counter.since_mix)
        };
        if let Some(taken) = taken {
            let (store, wave) = (self.clone(), wave.to_owned());
            std::thread::spawn(move || {
                let outcome = store.mix_responses(&wave);
                let mut pending = store
                    .pending_mix
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let counter = pending.entry(wave).or_default();
                counter.running = false;
                match outcome {
                    Ok(()) => counter.since_mix = counter.since_mix.saturating_sub(taken),
                    // The count stays: the next submission tries again.
                    Err(error) => {
                        tracing::warn!(%error, "mixing a wave's responses failed; the next submission retries")
                    }
                }
            });
        }
    }

    /// Rewrites a wave's responses in random order (PostgreSQL) and gives every submitted
    /// invitation the same transaction id, so that neither row order nor `xmin` tells when a
    /// response arrived. Runs after every `mix_every` submissions, at close and before export.
    /// SQLite needs none of this: its response table is ordered by the random id.
    pub fn mix_responses(&self, wave: &str) -> Result<()> {
        let mut connection = self.connection()?;
        mix(&mut connection, wave)?;
        // Dead row versions keep the old order and transaction ids until vacuumed.
        if let AnyConnection::Postgresql(pg) = &mut *connection {
            pg.batch_execute(VACUUM_AFTER_MIX)?;
        }
        Ok(())
    }

    /// Mixes every open wave (PostgreSQL): at start-up, since counts of a previous process are lost.
    pub(crate) fn mix_open_waves(&self) -> Result<()> {
        if self.backend != Backend::Postgres {
            return Ok(());
        }
        for wave in self
            .waves()?
            .into_iter()
            .filter(|wave| wave.status == "open")
        {
            self.mix_responses(&wave.id)?;
        }
        Ok(())
    }
}

fn submit_in(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
    invitation: &str,
    response: &ValidatedResponse,
    mode: Mode,
    paper_counts: &[(String, String)],
) -> Result<(SubmitOutcome, String)> {
    // PostgreSQL: share-lock the wave first, so that a close waits for submissions in flight
    // (and they for it) and its counts include them. SQLite serialises writers anyway.
    if let AnyConnection::Postgresql(pg) = connection {
        diesel::sql_query("SELECT 1 FROM waves w JOIN invitations i ON i.wave_id = w.id WHERE i.id = $1 FOR SHARE OF w")
            .bind::<Text, _>(invitation)
            .execute(pg)?;
    }
    // The conditional update comes next: it takes the write lock (SQLite) or the row lock
    // (PostgreSQL), so concurrent submissions of one invitation queue here and all but one see 0.
    let flipped = diesel::update(
        invitations::table
            .find(invitation)
            .filter(invitations::status.eq_any(["invited", "opened", "undeliverable"])),
    )
    // The sealed token (kept for reminders) goes with the flip; `forget_respondent` does the rest.
    .set((
        invitations::status.eq("submitted"),
        invitations::token_sealed.eq(None::<Vec<u8>>),
    ))
    .execute(connection)?;
    let current = load_invitation(connection, invitation)?;
    if flipped == 0 {
        return match current.status.as_str() {
            "submitted" => Ok((SubmitOutcome::AlreadySubmitted, current.wave)),
            _ => Err(StoreError::InvitationState {
                status: current.status,
                action: "submitting",
            }),
        };
    }
    require_status(connection, &current.wave, &["open"], "submitting", "open")?;
    if response.survey_hash() != current.survey_hash {
        return Err(StoreError::SurveyMismatch {
            response: response.survey_hash().to_owned(),
            wave: current.survey_hash,
        });
    }
    // Frame values are already coded bands (age band, not birth date): copied as they are,
    // and the vault forgets them with the rest of the patient below.
    let frame = invitation_frame(connection, key, invitation)?;
    let id = random_id();
    diesel::insert_into(responses::table)
        .values((
            responses::id.eq(&id),
            responses::wave_id.eq(&current.wave),
            responses::survey_hash.eq(&current.survey_hash),
            responses::mode.eq(mode.as_str()),
            responses::frame.eq(serde_json::to_string(&frame)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?),
            responses::answers.eq(response.to_json().to_string()),
            responses::submitted_week.eq(calendar::this_week()),
        ))
        .execute(connection)?;
    diesel::delete(drafts::table.find(invitation)).execute(connection)?;
    diesel::delete(paper_entries::table.filter(paper_entries::invitation_id.eq(invitation)))
        .execute(connection)?;
    forget_respondent(connection, invitation)?;
    end_patient_sessions(connection, invitation)?;
    add_paper_counts(connection, &current.wave, paper_counts)?;
    Ok((SubmitOutcome::Submitted(id), current.wave))
}

/// Every table a submission writes: dead row versions keep the old order and transaction ids
/// until vacuumed.
const VACUUM_AFTER_MIX: &str = "VACUUM responses, invitations, contacts, contact_events, \
    drafts, paper_entries, paper_counts, sessions";

fn mix(connection: &mut AnyConnection, wave: &str) -> Result<()> {
    let AnyConnection::Postgresql(pg) = connection else {
        return Ok(());
    };
    pg.transaction(|pg| {
        // Serialises mixers of one wave with an advisory lock, which no submission waits for.
        diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))").bind::<Text, _>(wave).execute(pg)?;
        diesel::sql_query("CREATE TEMP TABLE vecu_mixing (LIKE responses) ON COMMIT DROP").execute(pg)?;
        // One statement moves the rows out, so a response committed meanwhile is either moved
        // and put back, or not touched at all: never lost.
        diesel::sql_query("WITH moved AS (DELETE FROM responses WHERE wave_id = $1 RETURNING *) INSERT INTO vecu_mixing SELECT * FROM moved")
            .bind::<Text, _>(wave)
            .execute(pg)?;
        diesel::sql_query("INSERT INTO responses SELECT * FROM vecu_mixing ORDER BY random()").execute(pg)?;
        diesel::sql_query("UPDATE invitations SET status = status WHERE wave_id = $1 AND status = 'submitted'").bind::<Text, _>(wave).execute(pg)?;
        // Forgotten contacts and the paper counts were written by the same transactions.
        diesel::sql_query("UPDATE contacts SET site = site WHERE wave_id = $1 AND site = ''").bind::<Text, _>(wave).execute(pg)?;
        diesel::sql_query("UPDATE paper_counts SET n = n WHERE wave_id = $1").bind::<Text, _>(wave).execute(pg)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// Submissions counted towards a wave's next mix, by this process.
#[derive(Debug, Default)]
pub(crate) struct MixCounter {
    since_mix: u64,
    running: bool,
}
