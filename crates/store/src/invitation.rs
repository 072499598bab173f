//! Invitations: tokens issued once and stored hashed, look-up, status changes, reminders.

use diesel::prelude::*;

use crate::code::AccessCode;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::frame::Channel;
use crate::schema::{contact_events, contacts, drafts, invitations, waves};
use crate::secret::{looks_like_token, new_token, random_id, token_hash, EncryptionKey};
use crate::wave::require_status;
use crate::{audit, calendar, InvitationId, Role, Store, WaveId};

/// A token issued for an invitation: shown once, to be sent to the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedToken {
    /// The invitation.
    pub invitation: InvitationId,
    /// Where to send it.
    pub email: String,
    /// The patient's language.
    pub language: String,
    /// The token for the personal link; vecu keeps only its hash (and an encrypted copy in the
    /// vault for reminders, erased at close).
    pub token: String,
}

/// An invitation that a token or session leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitation {
    /// Its id (vault side only).
    pub id: InvitationId,
    /// Its wave.
    pub wave: WaveId,
    /// invited, opened, submitted, opted_out or undeliverable.
    pub status: String,
    /// The patient's preferred language.
    pub language: String,
    /// The survey version of the wave.
    pub survey_hash: String,
    /// The wave keys paper returns twice (double data entry).
    pub double_entry: bool,
}

/// What a token leads to. The web service answers every state but `Usable` with the same page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    /// The patient may answer.
    Usable(Invitation),
    /// Already answered.
    Submitted,
    /// The patient opted out.
    OptedOut,
    /// Past its expiry date, or its wave is not open.
    Expired,
    /// No such token.
    Unknown,
}

/// Fewest days between a contact and a reminder.
pub const MIN_REMINDER_DAYS: u32 = 7;

/// A patient due a reminder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderDue {
    /// The invitation.
    pub invitation: InvitationId,
    /// Where to send it.
    pub email: String,
    /// The patient's language.
    pub language: String,
    /// The same personal token as in the invitation.
    pub token: String,
    /// Mailings sent so far.
    pub contacts_made: i64,
}

impl Store {
    /// Issues tokens for every invitation of an open wave that has none yet, and marks them
    /// invited. Returns each token once. Mailing is recorded separately
    /// ([`Store::record_mailing`]), so that an interrupted mail-out resumes with
    /// [`Store::invitations_to_mail`].
    pub fn issue_tokens(&self, wave: &str) -> Result<Vec<IssuedToken>> {
        self.require(Role::is_researcher, "issue invitations")?;
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        require_status(&mut connection, wave, &["open"], "issuing tokens", "open")?;
        let pending: Vec<(String, String, Vec<u8>, String)> = invitations::table
            .inner_join(contacts::table)
            .filter(invitations::wave_id.eq(wave))
            .filter(invitations::status.eq("pending"))
            .select((
                invitations::id,
                contacts::id,
                contacts::email,
                contacts::language,
            ))
            .load(&mut connection)?;
        let expires_on = calendar::in_days(self.config.token_valid_days);
        connection.transaction(|connection| {
            let mut issued = Vec::with_capacity(pending.len());
            for (invitation, contact, sealed_email, language) in pending {
                let token = new_token();
                let changed = diesel::update(
                    invitations::table
                        .find(&invitation)
                        .filter(invitations::status.eq("pending")),
                )
                .set((
                    invitations::token_hash.eq(token_hash(&token)),
                    invitations::token_sealed.eq(key.seal(&token, &invitation)?),
                    invitations::status.eq("invited"),
                    invitations::expires_on.eq(&expires_on),
                ))
                .execute(connection)?;
                if changed == 1 {
                    issued.push(IssuedToken {
                        email: key.open(&sealed_email, &contact)?,
                        invitation,
                        language,
                        token,
                    });
                }
            }
            audit::record(
                connection,
                &self.config.actor,
                "tokens_issued",
                Some(wave),
                &format!("{} tokens", issued.len()),
            )?;
            Ok(issued)
        })
    }

    /// What a token leads to. Malformed tokens are `Unknown` without touching the database.
    pub fn lookup_token(&self, token: &str) -> Result<TokenState> {
        if !looks_like_token(token) {
            return Ok(TokenState::Unknown);
        }
        self.lookup_hash(vec![token_hash(token)])
    }

    /// What an access code leads to; the same states as a token.
    pub fn lookup_code(&self, code: &AccessCode) -> Result<TokenState> {
        let hashes = crate::rotation::code_hashes(&mut *self.connection()?, self.key()?, code)?;
        self.lookup_hash(hashes)
    }

    /// What the invitation stored under one of `hashes` leads to (several for a code: the
    /// current key's hash and those of keys a rotation left).
    fn lookup_hash(&self, hashes: Vec<Vec<u8>>) -> Result<TokenState> {
        let mut connection = self.connection()?;
        let found: Option<(String, Option<String>)> = invitations::table
            .filter(invitations::token_hash.eq_any(hashes))
            .select((invitations::id, invitations::expires_on))
            .first(&mut connection)
            .optional()?;
        let Some((id, expires_on)) = found else {
            return Ok(TokenState::Unknown);
        };
        let invitation = load_invitation(&mut connection, &id)?;
        let wave_open = waves::table
            .find(&invitation.wave)
            .select(waves::status)
            .first::<String>(&mut connection)?
            == "open";
        Ok(match invitation.status.as_str() {
            "submitted" => TokenState::Submitted,
            "opted_out" => TokenState::OptedOut,
            _ if !wave_open || expires_on.is_some_and(|date| date < calendar::today()) => {
                TokenState::Expired
            }
            _ => TokenState::Usable(invitation),
        })
    }

    /// One invitation, by id.
    pub fn invitation(&self, id: &str) -> Result<Invitation> {
        load_invitation(&mut *self.connection()?, id)
    }

    /// The patient opened the questionnaire (started, not merely loaded the link).
    pub fn record_opened(&self, id: &str) -> Result<()> {
        self.change_status(id, &["invited", "undeliverable"], "opened", "opening")
    }

    /// The patient opted out: final, and the draft is dropped.
    pub fn opt_out(&self, id: &str) -> Result<()> {
        self.change_status(
            id,
            &["pending", "invited", "opened", "undeliverable", "opted_out"],
            "opted_out",
            "opting out",
        )?;
        let mut connection = self.connection()?;
        diesel::delete(drafts::table.find(id)).execute(&mut connection)?;
        crate::sessions::end_patient_sessions(&mut connection, id)?;
        Ok(())
    }

    /// The invitation bounced.
    pub fn record_undeliverable(&self, id: &str) -> Result<()> {
        self.change_status(
            id,
            &["invited", "opened"],
            "undeliverable",
            "marking undeliverable",
        )
    }

    pub(crate) fn change_status(
        &self,
        id: &str,
        from: &[&str],
        to: &str,
        action: &'static str,
    ) -> Result<()> {
        let mut connection = self.connection()?;
        let changed = diesel::update(
            invitations::table
                .find(id)
                .filter(invitations::status.eq_any(from)),
        )
        .set(invitations::status.eq(to))
        .execute(&mut connection)?;
        if changed == 0 {
            let invitation = load_invitation(&mut connection, id)?;
            return Err(StoreError::InvitationState {
                status: invitation.status,
                action,
            });
        }
        Ok(())
    }

    /// Patients to remind: invited or opened (never submitted, opted out or undeliverable), last
    /// contacted at least `after_days` ago, and contacted fewer than `max_contacts` times.
    /// `after_days` has a floor of [`MIN_REMINDER_DAYS`]: a reminder run repeated at will would
    /// say, by how many it sends, how many answered in between.
    pub fn reminders_due(
        &self,
        wave: &str,
        after_days: u32,
        max_contacts: i64,
    ) -> Result<Vec<ReminderDue>> {
        self.require(Role::is_researcher, "send reminders")?;
        if after_days < MIN_REMINDER_DAYS {
            return Err(StoreError::BelowFloor {
                what: "days between a contact and its reminder",
                asked: after_days as usize,
                floor: MIN_REMINDER_DAYS as usize,
                why: "reminders follow the schedule of the survey (about 2 and 4 weeks after the invitation); a run repeated within the week would tell, by how many it sends, how many patients answered in between",
            });
        }
        let due = self.mailable(
            wave,
            1..max_contacts,
            &calendar::days_ago(after_days),
            "listing reminders",
        )?;
        Ok(due
            .into_iter()
            .map(|(issued, contacts_made)| ReminderDue {
                invitation: issued.invitation,
                email: issued.email,
                language: issued.language,
                token: issued.token,
                contacts_made,
            })
            .collect())
    }

    /// Records a message accepted for delivery: the invitation itself, or a reminder.
    pub fn record_mailing(&self, id: &str, mailing: Mailing) -> Result<()> {
        let kind = match mailing {
            Mailing::Invitation => "invitation",
            Mailing::Reminder => "reminder",
        };
        let mut connection = self.connection()?;
        connection.transaction(|connection| record_contact(connection, id, kind))
    }

    /// Whether an invitation is still due the message a sender read it for, `contacts_made`
    /// contacts ago: still invited or opened (not answered, opted out or erased with its wave)
    /// and contacted no more since. Asked right before each message, so that a sender whose
    /// list went stale (it lost the scheduler's lease and took it back while another sent)
    /// sends nothing twice.
    pub fn still_due(&self, id: &str, contacts_made: i64) -> Result<bool> {
        let found: Option<(String, i64)> = invitations::table
            .find(id)
            .select((invitations::status, invitations::contacts_made))
            .first(&mut self.connection()?)
            .optional()?;
        Ok(found.is_some_and(|(status, contacts)| {
            matches!(status.as_str(), "invited" | "opened") && contacts == contacts_made
        }))
    }

    /// Invitations issued but not yet mailed (a mail-out interrupted half-way resumes here),
    /// with their tokens and addresses.
    pub fn invitations_to_mail(&self, wave: &str) -> Result<Vec<IssuedToken>> {
        let due = self.mailable(wave, 0..1, &calendar::today(), "mailing invitations")?;
        Ok(due.into_iter().map(|(issued, _)| issued).collect())
    }

    /// Invited or opened patients of an open wave with a number of mailings in `mailings` and no
    /// mailing after `cutoff`, with their tokens, addresses and mailing counts.
    fn mailable(
        &self,
        wave: &str,
        mailings: std::ops::Range<i64>,
        cutoff: &str,
        action: &'static str,
    ) -> Result<Vec<(IssuedToken, i64)>> {
        let key = self.key()?.clone();
        let rows = due_rows(&mut *self.connection()?, wave, mailings, cutoff, action)?;
        rows.into_iter()
            .map(|row| {
                let issued = IssuedToken {
                    email: key.open(&row.email, &row.contact)?,
                    token: open_token(&key, row.token_sealed.as_deref(), &row.invitation)?,
                    invitation: row.invitation,
                    language: row.language,
                };
                Ok((issued, row.contacts_made))
            })
            .collect()
    }
}

/// The invitations a mail-out of `wave` would mail now: those not yet mailed, or with
/// `reminders` (days since the last contact, contacts in all) those due a reminder. Nothing is
/// opened: counting them needs no key.
pub(crate) fn invitations_due(
    connection: &mut AnyConnection,
    wave: &str,
    reminders: Option<(u32, i64)>,
) -> Result<Vec<InvitationId>> {
    let rows = match reminders {
        None => due_rows(connection, wave, 0..1, &calendar::today(), "counting mail")?,
        Some((after_days, max_contacts)) => due_rows(
            connection,
            wave,
            1..max_contacts,
            &calendar::days_ago(after_days),
            "counting mail",
        )?,
    };
    Ok(rows.into_iter().map(|row| row.invitation).collect())
}

/// The vault rows of [`Store::mailable`], still sealed.
fn due_rows(
    connection: &mut AnyConnection,
    wave: &str,
    mailings: std::ops::Range<i64>,
    cutoff: &str,
    action: &'static str,
) -> Result<Vec<DueRow>> {
    require_status(connection, wave, &["open"], action, "open")?;
    Ok(invitations::table
        .inner_join(contacts::table)
        .filter(invitations::wave_id.eq(wave))
        .filter(contacts::channel.eq(Channel::Email.as_str()))
        .filter(invitations::status.eq_any(["invited", "opened"]))
        .filter(invitations::contacts_made.ge(mailings.start))
        .filter(invitations::contacts_made.lt(mailings.end))
        .filter(
            invitations::last_contact_on
                .is_null()
                .or(invitations::last_contact_on.le(cutoff)),
        )
        .select((
            invitations::id,
            invitations::token_sealed,
            invitations::contacts_made,
            contacts::id,
            contacts::email,
            contacts::language,
        ))
        .load(connection)?)
}

/// Which message was mailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mailing {
    /// The first message, with the personal link.
    Invitation,
    /// A reminder to someone who has neither answered nor opted out.
    Reminder,
}

/// An invitation due a reminder or a first mailing, as read from the vault.
#[derive(Queryable)]
struct DueRow {
    invitation: String,
    token_sealed: Option<Vec<u8>>,
    contacts_made: i64,
    contact: String,
    email: Vec<u8>,
    language: String,
}

fn open_token(key: &EncryptionKey, sealed: Option<&[u8]>, invitation: &str) -> Result<String> {
    key.open(
        sealed
            .ok_or_else(|| StoreError::Corrupt(format!("invitation {invitation} has no token")))?,
        invitation,
    )
}

fn record_contact(connection: &mut AnyConnection, invitation: &str, kind: &str) -> Result<()> {
    let today = calendar::today();
    diesel::update(invitations::table.find(invitation))
        .set((
            invitations::last_contact_on.eq(&today),
            invitations::contacts_made.eq(invitations::contacts_made + 1),
        ))
        .execute(connection)?;
    diesel::insert_into(contact_events::table)
        .values((
            contact_events::id.eq(random_id()),
            contact_events::invitation_id.eq(invitation),
            contact_events::kind.eq(kind),
            contact_events::on_date.eq(today),
        ))
        .execute(connection)?;
    Ok(())
}

pub(crate) fn load_invitation(connection: &mut AnyConnection, id: &str) -> Result<Invitation> {
    let row: Option<(String, String, String, String)> = invitations::table
        .inner_join(contacts::table)
        .filter(invitations::id.eq(id))
        .select((
            invitations::id,
            invitations::wave_id,
            invitations::status,
            contacts::language,
        ))
        .first(connection)
        .optional()?;
    let (id, wave, status, language) =
        row.ok_or_else(|| StoreError::InvitationNotFound(id.to_owned()))?;
    let (survey_hash, double_entry) = waves::table
        .find(&wave)
        .select((waves::survey_hash, waves::double_entry))
        .first(connection)?;
    Ok(Invitation {
        id,
        wave,
        status,
        language,
        survey_hash,
        double_entry,
    })
}
