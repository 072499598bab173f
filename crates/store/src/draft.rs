//! Drafts for save-and-resume, keyed by invitation and dropped at submission or opt-out.

use diesel::prelude::*;
use serde_json::Value;

use crate::error::{Result, StoreError};
use crate::invitation::load_invitation;
use crate::schema::drafts;
use crate::Store;

impl Store {
    /// Saves the answers so far and the page reached (replacing any earlier draft).
    pub fn save_draft(&self, invitation: &str, page: i64, answers: &Value) -> Result<()> {
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
            diesel::insert_into(drafts::table)
                .values((
                    drafts::invitation_id.eq(invitation),
                    drafts::page.eq(page),
                    drafts::answers.eq(answers.to_string()),
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
        row.map(|(page, answers)| {
            serde_json::from_str(&answers)
                .map(|answers| (page, answers))
                .map_err(|error| StoreError::Corrupt(error.to_string()))
        })
        .transpose()
    }
}
