//! Key rotation: the vault sealed again under a new key, in batches, resumable; afterwards the
//! new key alone opens everything (addresses, frames, tokens, drafts, keyings, released lists,
//! access codes printed before), the old key nothing, and the files hold no old ciphertext and
//! no address in clear.

use serde_json::json;
use vecu_store::{
    Backend, EncryptionKey, Mode, RotationPlan, Store, StoreConfig, StoreError, TokenState,
};

use crate::attacks::{contains, needle, raw_files, vault_cells};
use crate::helpers::{example, open_wave, responses, TestDb};
use crate::letters::letter_csv;
use crate::on_both_backends;

on_both_backends!(a_rotation_stopped_after_one_batch_finishes_when_run_again);

fn with_key(db: &TestDb, key: EncryptionKey) -> Store {
    let config = StoreConfig {
        key: Some(key),
        ..db.config()
    };
    Store::open(&db.url, config).expect("the store opens")
}

fn a_rotation_stopped_after_one_batch_finishes_when_run_again(backend: Backend) {
    let db = TestDb::new(backend);
    let old_key = db.config().key.expect("the test key");
    let before = db.store();
    let (survey, text) = example();
    // An e-mail wave: sealed addresses, frames and tokens, and a draft.
    let wave = open_wave(&before, &survey, &text, 12);
    let issued = before.issue_tokens(&wave).expect("tokens");
    let draft = json!({ "surgery": "yes" });
    before
        .save_draft(&issued[0].invitation, 0, &draft)
        .expect("draft");
    // A letter wave: sealed refs, codes hashed under the key, a keying, a released list.
    let hash = before.add_survey(&survey, &text).expect("survey");
    let letter_wave = before.create_wave(&hash, "letters").expect("wave");
    let (_, letters) = before
        .import_letter_frame(&letter_wave, letter_csv(&survey, 6).as_bytes())
        .expect("letters");
    before.open_wave(&letter_wave).expect("open");
    let TokenState::Usable(keyed) = before.lookup_code(&letters[0].code).expect("code") else {
        panic!("the code opens its questionnaire")
    };
    let keying = json!({ "surgery": "no" });
    before
        .save_paper_entry(&keyed.id, 1, &keying)
        .expect("keying");
    let to_remind = before.letter_reminders(&letter_wave).expect("reminders");
    let old_ciphertexts: Vec<Vec<u8>> = vault_cells(&before)
        .iter()
        .filter(|cell| cell.len() > 32)
        .map(|cell| needle(cell))
        .collect();
    assert_eq!(old_ciphertexts.len(), 2 * 18, "address or ref, and frame");
    drop(before);

    // Instances run with the new key and the previous one while the rotation runs.
    let new_key = EncryptionKey::from_base64(&EncryptionKey::generate_base64()).expect("key");
    let store = with_key(&db, new_key.clone().with_previous(old_key.clone()));
    let wrong = EncryptionKey::from_base64(&EncryptionKey::generate_base64()).expect("key");
    assert!(matches!(
        store.rotate_key(&wrong, RotationPlan::default()),
        Err(StoreError::RotationKey(_))
    ));
    let stopped = RotationPlan {
        batch_rows: 5,
        max_batches: Some(1),
    };
    let first = store.rotate_key(&old_key, stopped).expect("one batch");
    assert_eq!((first.batches, first.finished), (1, false));
    assert_eq!(first.resealed, 10, "5 contacts: address and frame");
    assert_eq!(
        store.draft(&issued[0].invitation).expect("draft"),
        Some((0, draft.clone()))
    );
    let rest = store
        .rotate_key(&old_key, RotationPlan::default())
        .expect("the rest");
    assert!(rest.finished);
    // The first batch is not sealed twice; the old lookup key is kept sealed under the new key.
    assert_eq!(rest.already_new, 10 + 1);
    // 36 addresses and frames, 12 tokens, a draft, a keying, a release.
    assert_eq!(first.resealed + rest.resealed, 36 + 12 + 3);
    let again = store
        .rotate_key(&old_key, RotationPlan::default())
        .expect("again");
    assert_eq!((again.resealed, again.already_new), (0, 52));

    // The new key alone opens everything.
    let after = with_key(&db, new_key);
    assert_eq!(
        after.draft(&issued[0].invitation).expect("draft"),
        Some((0, draft))
    );
    let mut mailable = after
        .invitations_to_mail(&wave)
        .expect("tokens and addresses");
    mailable.sort_by(|a, b| a.invitation.cmp(&b.invitation));
    let mut expected = issued.clone();
    expected.sort_by(|a, b| a.invitation.cmp(&b.invitation));
    assert_eq!(
        mailable
            .iter()
            .map(|m| (&m.email, &m.token))
            .collect::<Vec<_>>(),
        expected
            .iter()
            .map(|m| (&m.email, &m.token))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        after.paper_entries(&keyed.id).expect("keyings"),
        vec![(1, keying)]
    );
    assert_eq!(
        after.letter_reminders(&letter_wave).expect("list"),
        to_remind
    );
    for letter in &letters {
        assert!(
            matches!(after.lookup_code(&letter.code), Ok(TokenState::Usable(_))),
            "a code printed before the rotation still opens"
        );
    }
    let response = &responses(&survey, 1, 7)[0];
    after
        .submit(&issued[1].invitation, response, Mode::WebLink)
        .expect("a submission opens the frame");

    // The old key alone opens nothing any more.
    let old_key_again = old_key.clone();
    let old_only = with_key(&db, old_key);
    assert!(matches!(
        old_only.draft(&issued[0].invitation),
        Err(StoreError::Decrypt)
    ));
    assert!(matches!(
        old_only.letter_reminders(&letter_wave),
        Err(StoreError::Decrypt)
    ));
    // (Codes printed before are still found under the old key's hash: they cannot be hashed
    // again without the letters, which vecu never keeps.)

    // Neither the old ciphertexts nor any address in clear are left in the files. On
    // PostgreSQL, a transaction that ran in this database during the rewrite (autovacuum's
    // ANALYZE, when the machine is busy) keeps the old row versions through it; the next run of
    // the rotation, finished already, rewrites the tables again.
    let old_survives = |files: &[u8]| old_ciphertexts.iter().any(|old| contains(files, old));
    let mut files = raw_files(&store, &db, backend);
    for _ in 0..10 {
        if !old_survives(&files) {
            break;
        }
        store
            .rotate_key(&old_key_again, RotationPlan::default())
            .expect("rewritten again");
        files = raw_files(&store, &db, backend);
    }
    assert!(
        contains(&files, &needle(&vault_cells(&after)[1])),
        "the reader reads"
    );
    assert!(!old_survives(&files), "an old ciphertext survives");
    assert!(!contains(&files, b"@example.org"));
}
