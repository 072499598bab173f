//! Drafts for save-and-resume, keyed by invitation and dropped at submission or opt-out.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::prelude::*;
use serde_json::Value;

use crate::error::{Result, StoreError};
use crate::invitation::load_invitation;
use crate::schema::drafts;
use crate::Store;

impl Store {
    /// Saves the answers so far and the page reached (replacing any earlier draft).
    pub fn save_draft(&self, invitation: &str, page: i64, answers: &Value) -> Result<()> {
        let key = self.key()?.clone();
        let mut connection = self.connection()?;
        connection.transaction(|connection| {
            // The delete comes first so that a SQLite transaction takes the write lock at once.
            diesel::delete(drafts::table.find(invitation)).execute(connection)?;
            let status = load_invitation(connection, invitation)?.status;
            if !matches!(status.as_str(), "invited" | "opened" | "undeliverable") {
                return Err(StoreError::InvitationState {
                    status,
                    action: "saving a draft",
                });
            }
            // Drafts are vault data: sealed under the vault key, bound to their invitation.
            let sealed = STANDARD.encode(key.seal(&answers.to_string(), invitation)?);
            diesel::insert_into(drafts::table)
                .values((
                    drafts::invitation_id.eq(invitation),
                    drafts::page.eq(page),
                    drafts::answers.eq(sealed),
                ))
                .execute(connection)?;
            Ok(())
        })
    }

    /// The saved page and answers, if any.
    pub fn draft(&self, invitation: &str) -> Result<Option<(i64, Value)>> {
        let row: Option<(i64, String)> = drafts::table
            .find(invitation)
            .select((drafts::page, drafts::answers))
            .first(&mut self.connection()?)
            .optional()?;
        let key = self.key()?;
        row.map(|(page, sealed)| {
            let bytes = STANDARD.decode(sealed).map_err(|error| {
                StoreError::Corrupt(format!("draft of invitation {invitation}: {error}"))
            })?;
            let answers = key.open(&bytes, invitation)?;
            serde_json::from_str(&answers)
                .map(|answers| (page, answers))
                .map_err(|error| {
                    StoreError::Corrupt(format!("draft of invitation {invitation}: {error}"))
                })
        })
        .transpose()
    }
}
