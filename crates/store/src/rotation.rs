//! Key rotation: every value of the vault sealed under the old key is sealed again under the new
//! one (`vecu admin rotate-key`), table by table, in batches of rows, each batch a transaction.
//!
//! A rotation is resumable without any record of its progress: AES-GCM tells whether a value
//! opens with a key, so a value that opens with the new key is done and is left as it is, and a
//! rerun after an interruption walks the tables again and re-seals only what is left. Each row is
//! rewritten only if it still holds the ciphertext that was read (compare and swap), so a draft
//! saved by a running instance meanwhile (sealed under the new key) is never overwritten.
//! Clear text lives in memory for one value at a time and is never written.
//!
//! Access codes are printed on letters and never stored, so their keyed hashes cannot be made
//! again: the old key's lookup key is kept in `code_lookup_keys`, sealed under the new key (and
//! re-sealed by the next rotation), and lookups try it beside the current one.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::code::AccessCode;
use crate::connection::AnyConnection;
use crate::error::{Result, StoreError};
use crate::letter::entry_context;
use crate::schema::{code_lookup_keys, contacts, drafts, invitations, paper_entries, releases};
use crate::secret::EncryptionKey;
use crate::vault::frame_context;
use crate::{audit, hygiene, Role, Store};

/// How a rotation proceeds.
#[derive(Debug, Clone, Copy)]
pub struct RotationPlan {
    /// Rows read and re-sealed per transaction.
    pub batch_rows: i64,
    /// Stop after this many batches (the rest is left for a rerun); `None`: to the end.
    pub max_batches: Option<usize>,
}

impl Default for RotationPlan {
    fn default() -> Self {
        RotationPlan {
            batch_rows: 500,
            max_batches: None,
        }
    }
}

/// What a rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// Values sealed again under the new key.
    pub resealed: usize,
    /// Values that opened with the new key already (an earlier run, or written meanwhile).
    pub already_new: usize,
    /// Transactions that read rows.
    pub batches: usize,
    /// Whether every table was walked to its end (`false`: stopped by `max_batches`; run again).
    pub finished: bool,
}

/// The two keys of a rotation.
struct Keys<'a> {
    old: &'a EncryptionKey,
    new: &'a EncryptionKey,
}

impl Keys<'_> {
    /// The value sealed under the new key, or `None` when it is sealed under it already.
    fn reseal(
        &self,
        sealed: &[u8],
        context: &str,
        what: impl FnOnce() -> String,
        report: &mut RotationReport,
    ) -> Result<Option<Vec<u8>>> {
        if self.new.open_own(sealed, context).is_ok() {
            report.already_new += 1;
            return Ok(None);
        }
        let clear = self
            .old
            .open_own(sealed, context)
            .map_err(|_| StoreError::RotationKey(what()))?;
        report.resealed += 1;
        self.new.seal(&clear, context).map(Some)
    }

    /// The same for a value kept as base64 text (drafts, paper entries).
    fn reseal_text(
        &self,
        sealed: &str,
        context: &str,
        what: impl Fn() -> String,
        report: &mut RotationReport,
    ) -> Result<Option<String>> {
        let bytes = STANDARD
            .decode(sealed)
            .map_err(|error| StoreError::Corrupt(format!("{}: {error}", what())))?;
        Ok(self
            .reseal(&bytes, context, what, report)?
            .map(|resealed| STANDARD.encode(resealed)))
    }
}

/// Associated data of a kept lookup key.
fn lookup_context(id: &str) -> String {
    format!("code-lookup:{id}")
}

/// The id of a lookup key in `code_lookup_keys` (a hash of it: says nothing of it).
fn lookup_id(lookup: &[u8; 32]) -> String {
    Sha256::new()
        .chain_update(b"vecu code lookup key id\0")
        .chain_update(lookup)
        .finalize()
        .iter()
        .take(16)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The hashes an access code may be stored under: the current key's, and those of the lookup
/// keys that rotations kept (the ones that open with `key`).
pub(crate) fn code_hashes(
    connection: &mut AnyConnection,
    key: &EncryptionKey,
    code: &AccessCode,
) -> Result<Vec<Vec<u8>>> {
    let kept: Vec<(String, Vec<u8>)> = code_lookup_keys::table
        .select((code_lookup_keys::id, code_lookup_keys::sealed))
        .load(connection)?;
    let earlier: Vec<[u8; 32]> = kept
        .iter()
        .filter_map(|(id, sealed)| key.open(sealed, &lookup_context(id)).ok())
        .filter_map(|text| STANDARD.decode(text).ok()?.try_into().ok())
        .collect();
    Ok(key.code_hashes(code, &earlier))
}

/// Keeps the old key's lookup key, sealed under the new key (once: a rerun finds it).
fn keep_lookup_key(connection: &mut AnyConnection, keys: &Keys) -> Result<()> {
    let id = lookup_id(keys.old.lookup_key());
    let kept: i64 = code_lookup_keys::table
        .filter(code_lookup_keys::id.eq(&id))
        .count()
        .get_result(connection)?;
    if kept == 0 {
        let sealed = keys.new.seal(
            &STANDARD.encode(keys.old.lookup_key()),
            &lookup_context(&id),
        )?;
        diesel::insert_into(code_lookup_keys::table)
            .values((
                code_lookup_keys::id.eq(&id),
                code_lookup_keys::sealed.eq(sealed),
            ))
            .execute(connection)?;
    }
    Ok(())
}

/// One batch of a table: the rows after `after` (in key order), re-sealed; the last row's key,
/// or `None` at the table's end.
type Batch<K> = fn(&mut AnyConnection, &Keys, &K, i64, &mut RotationReport) -> Result<Option<K>>;

impl Store {
    /// Seals every value of the vault sealed under `old` again under this store's key (the
    /// new one), in batches; admins only. Rerun it after an interruption: it re-seals what is
    /// left. Once finished, PostgreSQL's vault tables are rewritten (`VACUUM FULL`) and
    /// SQLite's free pages and WAL cleared, so the old ciphertexts leave the files.
    pub fn rotate_key(&self, old: &EncryptionKey, plan: RotationPlan) -> Result<RotationReport> {
        self.require(|role| role == Role::Admin, "rotate the encryption key")?;
        let new = self.key()?.clone().without_previous();
        let old = old.clone().without_previous();
        if new.lookup_key() == old.lookup_key() {
            return Err(StoreError::NotAllowed(
                "the new key is the old key; make a new key first".to_owned(),
            ));
        }
        let keys = Keys {
            old: &old,
            new: &new,
        };
        let mut connection = self.connection()?;
        let mut report = RotationReport::default();
        let c = &mut connection;
        report.finished = walk(c, &keys, plan, &mut report, contacts_batch)?
            && walk(c, &keys, plan, &mut report, invitations_batch)?
            && walk(c, &keys, plan, &mut report, drafts_batch)?
            && walk(c, &keys, plan, &mut report, paper_batch)?
            && walk(c, &keys, plan, &mut report, releases_batch)?
            // Kept once the rest opened with the old key (a wrong key stopped before); until
            // then, instances that find codes were given the old key as the previous one.
            && {
                keep_lookup_key(c, &keys)?;
                walk(c, &keys, plan, &mut report, lookups_batch)?
            };
        if report.finished {
            hygiene::scrub_after_erase(&mut connection)?;
        }
        audit::record(
            &mut connection,
            &self.config.actor,
            "key_rotation",
            None,
            &format!(
                "resealed {}, already under the new key {}, {}",
                report.resealed,
                report.already_new,
                if report.finished {
                    "finished"
                } else {
                    "stopped: run again"
                }
            ),
        )?;
        Ok(report)
    }
}

/// Walks one table batch by batch; `false` when the plan's batches ran out first.
fn walk<K: Default>(
    connection: &mut AnyConnection,
    keys: &Keys,
    plan: RotationPlan,
    report: &mut RotationReport,
    batch: Batch<K>,
) -> Result<bool> {
    let mut after = K::default();
    loop {
        if plan.max_batches.is_some_and(|max| report.batches >= max) {
            return Ok(false);
        }
        let last = connection
            .transaction(|connection| batch(connection, keys, &after, plan.batch_rows, report))?;
        match last {
            Some(last) => {
                report.batches += 1;
                after = last;
            }
            None => return Ok(true),
        }
    }
}

fn contacts_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &String,
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<String>> {
    let rows: Vec<(String, Vec<u8>, Option<Vec<u8>>)> = contacts::table
        .filter(contacts::id.gt(after))
        .order(contacts::id)
        .limit(limit)
        .select((contacts::id, contacts::email, contacts::frame_sealed))
        .load(connection)?;
    let last = rows.last().map(|(id, _, _)| id.clone());
    for (id, email, frame) in rows {
        // A forgotten respondent's row keeps an empty address and no frame.
        if !email.is_empty() {
            let what = || format!("the address or ref of contact {id}");
            if let Some(resealed) = keys.reseal(&email, &id, what, report)? {
                diesel::update(contacts::table.find(&id).filter(contacts::email.eq(&email)))
                    .set(contacts::email.eq(resealed))
                    .execute(connection)?;
            }
        }
        if let Some(frame) = frame {
            let what = || format!("the frame of contact {id}");
            if let Some(resealed) = keys.reseal(&frame, &frame_context(&id), what, report)? {
                diesel::update(
                    contacts::table
                        .find(&id)
                        .filter(contacts::frame_sealed.eq(&frame)),
                )
                .set(contacts::frame_sealed.eq(resealed))
                .execute(connection)?;
            }
        }
    }
    Ok(last)
}

fn invitations_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &String,
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<String>> {
    let rows: Vec<(String, Option<Vec<u8>>)> = invitations::table
        .filter(invitations::id.gt(after))
        .order(invitations::id)
        .limit(limit)
        .select((invitations::id, invitations::token_sealed))
        .load(connection)?;
    let last = rows.last().map(|(id, _)| id.clone());
    for (id, token) in rows {
        let Some(token) = token else { continue };
        let what = || format!("the token of invitation {id}");
        if let Some(resealed) = keys.reseal(&token, &id, what, report)? {
            diesel::update(
                invitations::table
                    .find(&id)
                    .filter(invitations::token_sealed.eq(&token)),
            )
            .set(invitations::token_sealed.eq(resealed))
            .execute(connection)?;
        }
    }
    Ok(last)
}

fn drafts_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &String,
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<String>> {
    let rows: Vec<(String, String)> = drafts::table
        .filter(drafts::invitation_id.gt(after))
        .order(drafts::invitation_id)
        .limit(limit)
        .select((drafts::invitation_id, drafts::answers))
        .load(connection)?;
    let last = rows.last().map(|(id, _)| id.clone());
    for (id, answers) in rows {
        let what = || format!("the draft of invitation {id}");
        if let Some(resealed) = keys.reseal_text(&answers, &id, what, report)? {
            diesel::update(drafts::table.find(&id).filter(drafts::answers.eq(&answers)))
                .set(drafts::answers.eq(resealed))
                .execute(connection)?;
        }
    }
    Ok(last)
}

fn paper_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &(String, i64),
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<(String, i64)>> {
    let (after_id, after_pass) = after;
    let rows: Vec<(String, i64, String)> = paper_entries::table
        .filter(
            paper_entries::invitation_id
                .gt(after_id)
                .or(paper_entries::invitation_id
                    .eq(after_id)
                    .and(paper_entries::pass.gt(after_pass))),
        )
        .order((paper_entries::invitation_id, paper_entries::pass))
        .limit(limit)
        .select((
            paper_entries::invitation_id,
            paper_entries::pass,
            paper_entries::entry,
        ))
        .load(connection)?;
    let last = rows.last().map(|(id, pass, _)| (id.clone(), *pass));
    for (id, pass, entry) in rows {
        let what = || format!("keying {pass} of invitation {id}");
        let pass_u8 = u8::try_from(pass).map_err(|_| StoreError::Corrupt(what()))?;
        let context = entry_context(&id, pass_u8);
        if let Some(resealed) = keys.reseal_text(&entry, &context, what, report)? {
            diesel::update(
                paper_entries::table
                    .find((&id, pass))
                    .filter(paper_entries::entry.eq(&entry)),
            )
            .set(paper_entries::entry.eq(resealed))
            .execute(connection)?;
        }
    }
    Ok(last)
}

fn releases_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &(String, String),
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<(String, String)>> {
    let (after_wave, after_kind) = after;
    let rows: Vec<(String, String, Vec<u8>)> = releases::table
        .filter(
            releases::wave_id.gt(after_wave).or(releases::wave_id
                .eq(after_wave)
                .and(releases::kind.gt(after_kind))),
        )
        .order((releases::wave_id, releases::kind))
        .limit(limit)
        .select((releases::wave_id, releases::kind, releases::body))
        .load(connection)?;
    let last = rows
        .last()
        .map(|(wave, kind, _)| (wave.clone(), kind.clone()));
    for (wave, kind, body) in rows {
        // A store opened without a key keeps counts in clear (no list of refs): nothing to do.
        if serde_json::from_slice::<serde_json::Value>(&body).is_ok() {
            continue;
        }
        let context = format!("release:{wave}:{kind}");
        let what = || format!("the {kind} release of wave {wave}");
        if let Some(resealed) = keys.reseal(&body, &context, what, report)? {
            diesel::update(
                releases::table
                    .find((&wave, &kind))
                    .filter(releases::body.eq(&body)),
            )
            .set(releases::body.eq(resealed))
            .execute(connection)?;
        }
    }
    Ok(last)
}

fn lookups_batch(
    connection: &mut AnyConnection,
    keys: &Keys,
    after: &String,
    limit: i64,
    report: &mut RotationReport,
) -> Result<Option<String>> {
    let rows: Vec<(String, Vec<u8>)> = code_lookup_keys::table
        .filter(code_lookup_keys::id.gt(after))
        .order(code_lookup_keys::id)
        .limit(limit)
        .select((code_lookup_keys::id, code_lookup_keys::sealed))
        .load(connection)?;
    let last = rows.last().map(|(id, _)| id.clone());
    for (id, sealed) in rows {
        let what = || format!("the kept code lookup key {id}");
        if let Some(resealed) = keys.reseal(&sealed, &lookup_context(&id), what, report)? {
            diesel::update(
                code_lookup_keys::table
                    .find(&id)
                    .filter(code_lookup_keys::sealed.eq(&sealed)),
            )
            .set(code_lookup_keys::sealed.eq(resealed))
            .execute(connection)?;
        }
    }
    Ok(last)
}
