//! The audit log of administrative actions. It records waves, imports, sends, closes and
//! exports, never a submission: nothing in it can tie an invitation to a response.

use diesel::prelude::*;

use crate::calendar;
use crate::connection::AnyConnection;
use crate::error::Result;
use crate::schema::audit_log;
use crate::Store;

/// One administrative action.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AuditEntry {
    /// When (UTC, to the second).
    pub at: String,
    /// Who (API key name, `cli`...).
    pub actor: String,
    /// What (`wave_created`, `frame_imported`, ...).
    pub action: String,
    /// Which wave, if any.
    pub wave_id: Option<String>,
    /// Details such as counts.
    pub detail: String,
}

pub(crate) fn record(
    connection: &mut AnyConnection,
    actor: &str,
    action: &str,
    wave: Option<&str>,
    detail: &str,
) -> Result<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(calendar::now()),
            audit_log::actor.eq(actor),
            audit_log::action.eq(action),
            audit_log::wave_id.eq(wave),
            audit_log::detail.eq(detail),
        ))
        .execute(connection)?;
    Ok(())
}

impl Store {
    /// The audit log, oldest first.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>> {
        Ok(audit_log::table
            .order(audit_log::id.asc())
            .select((
                audit_log::at,
                audit_log::actor,
                audit_log::action,
                audit_log::wave_id,
                audit_log::detail,
            ))
            .load(&mut self.connection()?)?)
    }
}
