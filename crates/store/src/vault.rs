//! The identity vault holds nothing that joins a response: frame variables are sealed under the
//! key, and a patient who answers is forgotten in the submitting transaction (address or
//! reference, frame, site, language, contact history, token hash all emptied), so that among
//! the invitations marked submitted none says who it was or what frame it had.

use std::collections::BTreeMap;

use diesel::prelude::*;

use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::schema::{contact_events, contacts, invitations};
use crate::secret::EncryptionKey;
use crate::wave::LEGACY_SITE;

/// A frame as the import stores it: variable id -> code.
pub(crate) type Frame = BTreeMap<String, String>;

/// Associated data of a sealed frame: the contact id, marked so that a sealed address cannot be
/// passed off as a frame.
pub(crate) fn frame_context(contact: &str) -> String {
    format!("frame:{contact}")
}

/// The site of a frame (its value of the frame variable `site`, see [`crate::site_variable`]),
/// `all` when the survey has no site variable.
pub(crate) fn site_of(frame: &Frame, site: Option<&str>) -> String {
    site.and_then(|variable| frame.get(variable))
        .cloned()
        .unwrap_or_else(|| "all".to_owned())
}

/// The frame sealed for the contacts row `contact`.
pub(crate) fn seal_frame(key: &EncryptionKey, contact: &str, frame: &Frame) -> Result<Vec<u8>> {
    let text =
        serde_json::to_string(frame).map_err(|error| StoreError::Corrupt(error.to_string()))?;
    key.seal(&text, &frame_context(contact))
}

/// The frame of the contact an invitation leads to (needs the key).
pub(crate) fn invitation_frame(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
    invitation: &str,
) -> Result<Frame> {
    let (contact, sealed): (String, Option<Vec<u8>>) = invitations::table
        .inner_join(contacts::table)
        .filter(invitations::id.eq(invitation))
        .select((contacts::id, contacts::frame_sealed))
        .first(connection)?;
    let sealed = sealed.ok_or_else(|| {
        StoreError::Corrupt(format!(
            "the frame of invitation {invitation} is gone (already answered?)"
        ))
    })?;
    let text = key.open(&sealed, &frame_context(&contact))?;
    serde_json::from_str(&text).map_err(|error| StoreError::Corrupt(error.to_string()))
}

/// Forgets the patient behind an invitation that has just been answered, inside the submitting
/// transaction (whose flip of the invitation also dropped its sealed token): the contact keeps
/// its row (the invitation refers to it) but no address, frame, site or language, and the
/// contact history goes. The token's (or code's) hash stays: a link used again gets the
/// "already answered" page, and data entry is told that a code was answered online; without
/// the token it tells nothing.
pub(crate) fn forget_respondent(connection: &mut AnyConnection, invitation: &str) -> Result<()> {
    let contact = invitations::table
        .find(invitation)
        .select(invitations::contact_id)
        .single_value()
        .assume_not_null();
    diesel::update(contacts::table.filter(contacts::id.eq(contact)))
        .set((
            contacts::email.eq(Vec::<u8>::new()),
            contacts::frame.eq(""),
            contacts::frame_sealed.eq(None::<Vec<u8>>),
            contacts::site.eq(""),
            contacts::language.eq(""),
        ))
        .execute(connection)?;
    diesel::delete(contact_events::table.filter(contact_events::invitation_id.eq(invitation)))
        .execute(connection)?;
    Ok(())
}

/// Seals the clear frames of contacts imported before migration 000006 (needs the key; runs
/// when a store opens with one). Returns how many rows it sealed.
pub(crate) fn seal_legacy_frames(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
) -> Result<usize> {
    let legacy: Vec<(String, String)> = contacts::table
        .filter(contacts::frame.ne(""))
        .select((contacts::id, contacts::frame))
        .load(connection)?;
    connection.transaction(|connection| {
        for (contact, text) in &legacy {
            let frame: Frame = serde_json::from_str(text)
                .map_err(|error| StoreError::Corrupt(error.to_string()))?;
            diesel::update(contacts::table.find(contact))
                .set((
                    contacts::frame_sealed.eq(seal_frame(key, contact, &frame)?),
                    // Frames kept in clear predate declared units of comparison.
                    contacts::site.eq(site_of(&frame, Some(LEGACY_SITE))),
                    contacts::frame.eq(""),
                ))
                .execute(connection)?;
        }
        Ok(legacy.len())
    })
}
