//! Insiders' attacks (issue 12), each played as the insider would, on both backends; each test
//! first shows, in a comment, the query or requests the attacker runs, then asserts that they
//! no longer link an answer to a person.

use std::collections::BTreeMap;

use vecu_store::{AccessCode, Backend, ExportOptions, Mode, Role, Store, StoreError, TokenState};

use crate::helpers::{example, frame_csv, responses, TestDb};
use crate::on_both_backends;

on_both_backends!(
    frame_join_among_the_submitted_finds_no_set_smaller_than_k,
    two_polls_around_one_answer_get_the_same_release,
    mode_is_a_quasi_identifier,
    partners_see_no_paper_counters,
    erased_vault_leaves_nothing_in_the_files,
    a_backup_restores_the_wave_and_holds_no_erased_contact,
);

const K: usize = 5;

/// 40 patients of the example survey; patient 0 alone is 18-49 and male at H3 (a rare frame).
fn frame_of(idx: usize) -> Vec<String> {
    let values = if idx == 0 {
        ["H3", "18-49", "M"]
    } else {
        [["H1", "H2"][idx % 2], "70+", ["F", "M"][idx % 3 % 2]]
    };
    values.map(str::to_owned).to_vec()
}

/// An open wave where the first `answered` patients (the rare one among them) have answered.
fn answered_wave(store: &Store, answered: usize) -> (String, Vec<vecu_store::IssuedToken>) {
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "attacks").expect("wave");
    store
        .import_frame(&wave, frame_csv(&survey, 40, frame_of).as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    for (token, response) in issued.iter().zip(responses(&survey, answered, 3)) {
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    (wave, issued)
}

fn frame_join_among_the_submitted_finds_no_set_smaller_than_k(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (_, issued) = answered_wave(&store, 12);
    // The DBA, with the key beside them, joins what the vault says of those who answered to
    // the frames of the responses:
    //   SELECT c.email, c.frame, c.frame_sealed, c.site, c.language
    //   FROM contacts c JOIN invitations i ON i.contact_id = c.id WHERE i.status = 'submitted';
    //   SELECT frame FROM responses;
    // and, for each response, counts the respondents whose frame could be its own.
    let respondents = store
        .raw_query(
            "SELECT c.email, c.frame, c.frame_sealed, c.site, c.language, i.token_sealed \
             FROM contacts c JOIN invitations i ON i.contact_id = c.id \
             WHERE i.status = 'submitted'",
        )
        .expect("respondents");
    assert_eq!(respondents.len(), 12);
    for row in &respondents {
        assert!(
            row.iter().all(|cell| cell.is_empty() || cell == "\\x"),
            "the vault still knows something of a respondent: {row:?}"
        );
    }
    let responses = store
        .raw_query("SELECT frame FROM responses")
        .expect("responses");
    for response in &responses {
        let frame: BTreeMap<String, String> =
            serde_json::from_str(&response[0]).expect("frame json");
        // A respondent is a candidate unless something the vault keeps contradicts the frame:
        // it keeps nothing, so every respondent is.
        let candidates = respondents
            .iter()
            .filter(|row| row[3].is_empty() || frame.get("site") == Some(&row[3]))
            .count();
        assert!(
            candidates >= K,
            "a response of frame {frame:?} has {candidates} candidate(s)"
        );
    }
    // Those who have not answered keep a sealed frame and a clear site, none of them a
    // respondent's; the rare patient (who answered) is not among them.
    let waiting = store
        .raw_query(
            "SELECT c.site FROM contacts c JOIN invitations i ON i.contact_id = c.id \
             WHERE i.status <> 'submitted'",
        )
        .expect("waiting");
    assert_eq!(waiting.len(), 28);
    assert!(waiting.iter().all(|row| row[0] != "H3"));
    // The patient's link still says "already answered", and nothing more.
    assert_eq!(
        store.lookup_token(&issued[0].token).expect("lookup"),
        TokenState::Submitted
    );
}

fn two_polls_around_one_answer_get_the_same_release(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "letters").expect("wave");
    let mut csv = String::from("ref,language,site,age_band,sex\n");
    for idx in 0..20 {
        csv.push_str(&format!("R-{idx:03},fr,{}\n", frame_of(idx).join(",")));
    }
    let (_, letters) = store
        .import_letter_frame(&wave, csv.as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let (key, _) = store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let researcher = store.acting_as(&key);
    // A researcher's key polls the reminder list and the counts, a patient answers, the key
    // polls again and diffs:
    //   GET /api/v1/waves/W/reminders.csv; GET /api/v1/waves/W
    //   (patient R-007 answers online)
    //   GET /api/v1/waves/W/reminders.csv; GET /api/v1/waves/W
    let before = (
        researcher.letter_reminders(&wave).expect("reminders"),
        researcher.wave_status(&wave).expect("status"),
    );
    let code = AccessCode::parse(letters[7].code.as_str()).expect("code");
    let TokenState::Usable(invitation) = store.lookup_code(&code).expect("lookup") else {
        panic!("usable")
    };
    store
        .submit(&invitation.id, &responses(&survey, 1, 9)[0], Mode::WebCode)
        .expect("submitted");
    let after = (
        researcher.letter_reminders(&wave).expect("reminders"),
        researcher.wave_status(&wave).expect("status"),
    );
    assert_eq!(before, after, "the two polls differ: the answer is paired");
    assert!(after.0.contains(&"R-007".to_owned()));
    // The counts as they stand did change: the release hides it until next week.
    assert_eq!(store.wave_status_now(&wave).expect("now").responses, 1);
    // Microdata during fieldwork would show the row that appeared; e-mail reminders sent at
    // will would count who answered in between.
    assert!(matches!(
        researcher.export(&wave, &ExportOptions::default()),
        Err(StoreError::WaveState { .. })
    ));
    assert!(matches!(
        researcher.reminders_due(&wave, 0, 3),
        Err(StoreError::BelowFloor { .. })
    ));
    // After close, exports draw fresh row ids each time.
    store.close_wave(&wave).expect("closed");
    let ids = |export: vecu_store::Export| -> Vec<String> {
        export
            .rows
            .iter()
            .map(|row| format!("{:?}", row[0]))
            .collect()
    };
    let first = ids(store.export_for_analysis(&wave).expect("export"));
    let second = ids(store.export_for_analysis(&wave).expect("export"));
    assert_eq!(first.len(), 1);
    assert_ne!(first, second, "two exports share a row id");
}

fn mode_is_a_quasi_identifier(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "modes").expect("wave");
    let csv: String = std::iter::once("ref,language,site,age_band,sex\n".to_owned())
        .chain((0..11).map(|idx| format!("R-{idx},fr,H1,70+,F\n")))
        .collect();
    let (_, letters) = store
        .import_letter_frame(&wave, csv.as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    // Ten answer online, one on paper: the hospital, which opened the paper returns, knows
    // who that was, and would find their row by its mode.
    for (idx, (letter, response)) in letters.iter().zip(responses(&survey, 11, 4)).enumerate() {
        let code = AccessCode::parse(letter.code.as_str()).expect("code");
        let TokenState::Usable(invitation) = store.lookup_code(&code).expect("lookup") else {
            panic!("usable")
        };
        if idx == 0 {
            store.submit_paper(&invitation.id, &response, &[])
        } else {
            store.submit(&invitation.id, &response, Mode::WebCode)
        }
        .expect("submitted");
    }
    store.close_wave(&wave).expect("closed");
    let Err(StoreError::KAnonymity(refusal)) = store.export(&wave, &ExportOptions::default())
    else {
        panic!("the lone paper response was exported")
    };
    assert!(refusal.quasi_identifiers.contains(&"mode".to_owned()));
    assert_eq!(refusal.violating_records, 1);
}

fn partners_see_no_paper_counters(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "paper").expect("wave");
    let (_, letters) = store
        .import_letter_frame(
            &wave,
            "ref,language,site,age_band,sex\nR-1,fr,H1,70+,F\n".as_bytes(),
        )
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let code = AccessCode::parse(letters[0].code.as_str()).expect("code");
    let TokenState::Usable(invitation) = store.lookup_code(&code).expect("lookup") else {
        panic!("usable")
    };
    let counts = [("surgery".to_owned(), "routing_removed".to_owned())];
    store
        .submit_paper(&invitation.id, &responses(&survey, 1, 6)[0], &counts)
        .expect("keyed");
    // A partner watches GET /api/v1/waves/W while questionnaires are keyed, to learn which
    // questions one patient answered.
    let (partner, _) = store
        .create_api_key("Partner", Role::PatientPartner)
        .expect("key");
    let (researcher, _) = store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    assert!(store
        .acting_as(&partner)
        .wave_status(&wave)
        .expect("status")
        .paper
        .is_empty());
    assert!(!store
        .acting_as(&researcher)
        .wave_status(&wave)
        .expect("status")
        .paper
        .is_empty());
    // Nor may a partner's key take what fieldwork takes.
    assert!(matches!(
        store.acting_as(&partner).letter_reminders(&wave),
        Err(StoreError::NotAllowed(_))
    ));
}

fn erased_vault_leaves_nothing_in_the_files(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, _) = answered_wave(&store, 12);
    let vault = vault_cells(&store);
    assert_eq!(vault.len(), 3 * 28);
    let needles: Vec<Vec<u8>> = vault.iter().map(|cell| needle(cell)).collect();
    if backend == Backend::Postgres {
        // Before the mix, the heap pairs a response with its invitation by transaction id:
        //   SELECT xmin FROM responses INTERSECT SELECT xmin FROM invitations;
        // after it, every row of both carries the mix's one transaction id.
        store.mix_responses(&wave).expect("mixed");
        let xmins = store
            .raw_query(
                "SELECT DISTINCT xmin::text FROM responses UNION \
                 SELECT DISTINCT xmin::text FROM invitations WHERE status = 'submitted' UNION \
                 SELECT DISTINCT xmin::text FROM contacts WHERE site = ''",
            )
            .expect("xmin");
        assert_eq!(xmins.len(), 1, "transaction ids still pair rows: {xmins:?}");
    }
    // The files hold the vault now (this proves the reader finds what it looks for).
    let files = raw_files(&store, &db, backend);
    assert!(needles.iter().any(|needle| contains(&files, needle)));
    store.close_wave(&wave).expect("closed");
    // A DBA or a backup reader reads the raw files after close:
    //   SQLite: strings vecu.db vecu.db-wal; PostgreSQL: the heap files of every vault table.
    let files = raw_files(&store, &db, backend);
    for (cell, needle) in vault.iter().zip(&needles) {
        assert!(
            !contains(&files, needle),
            "a vault value survives in the files after close: {cell}"
        );
    }
}

/// What the vault holds, to look for afterwards: contact ids, sealed addresses and frames.
pub(crate) fn vault_cells(store: &Store) -> Vec<String> {
    store
        .raw_query("SELECT id, email, frame_sealed FROM contacts WHERE site <> ''")
        .expect("contacts")
        .into_iter()
        .flatten()
        .map(|cell| cell.trim_start_matches("\\x").to_lowercase())
        .filter(|cell| !cell.is_empty())
        .collect()
}

/// A backup reader holds the file `vecu admin backup` wrote after the wave closed: it restores
/// to the same wave and responses, and holds none of the erased vault (SQLite: none of its
/// bytes in the file, free pages included; PostgreSQL: no contact left once restored). Only an
/// administrator backs up, and never over an existing file.
fn a_backup_restores_the_wave_and_holds_no_erased_contact(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, _) = answered_wave(&store, 12);
    let needles: Vec<Vec<u8>> = vault_cells(&store)
        .iter()
        .map(|cell| needle(cell))
        .collect();
    assert_eq!(needles.len(), 3 * 28);
    let dir = tempfile::tempdir().expect("a temporary folder");
    if backend == Backend::Sqlite {
        // A backup taken during fieldwork holds the vault (the search finds what it looks for).
        let during = dir.path().join("during");
        store.backup(&during).expect("backed up");
        let bytes = std::fs::read(&during).expect("the backup");
        assert!(needles.iter().any(|needle| contains(&bytes, needle)));
    }
    store.close_wave(&wave).expect("closed");
    let file = dir.path().join("backup");
    let (researcher, _) = store.create_api_key("Rita", Role::Researcher).expect("key");
    assert!(matches!(
        store.acting_as(&researcher).backup(&file),
        Err(StoreError::NotAllowed(_))
    ));
    store.backup(&file).expect("backed up");
    assert!(
        matches!(store.backup(&file), Err(StoreError::Io { .. })),
        "an existing file is never overwritten"
    );
    let restored = TestDb::new(backend);
    match backend {
        Backend::Sqlite => {
            let bytes = std::fs::read(&file).expect("the backup");
            for needle in &needles {
                assert!(!contains(&bytes, needle), "an erased contact in the backup");
            }
            std::fs::copy(&file, &restored.url).expect("restored");
        }
        Backend::Postgres => {
            let status = std::process::Command::new("pg_restore")
                .args(["--no-owner", "--dbname", &restored.url])
                .arg(&file)
                .status()
                .expect("pg_restore runs");
            assert!(status.success());
        }
    }
    let back = Store::open(&restored.url, db.config()).expect("the restored store opens");
    assert_eq!(back.waves().expect("waves"), store.waves().expect("waves"));
    // The same answers; each export draws new response ids, so they are left out.
    let answers = |store: &Store| {
        let mut rows: Vec<String> = store
            .export_for_analysis(&wave)
            .expect("responses")
            .rows
            .iter()
            .map(|row| format!("{:?}", &row[1..]))
            .collect();
        rows.sort();
        rows
    };
    assert_eq!(answers(&back).len(), 12);
    assert_eq!(answers(&back), answers(&store));
    assert_eq!(vault_cells(&back), Vec::<String>::new());
}

/// What to look for: a contact id as its text, a sealed value by its nonce and first bytes.
pub(crate) fn needle(cell: &str) -> Vec<u8> {
    if cell.len() == 32 {
        cell.as_bytes().to_vec()
    } else {
        (0..40)
            .step_by(2)
            .filter_map(|idx| u8::from_str_radix(&cell[idx..idx + 2], 16).ok())
            .collect()
    }
}

pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The bytes of the database files as a DBA reads them: SQLite's file and WAL; PostgreSQL's heap
/// files of the vault tables, after a checkpoint wrote them out.
pub(crate) fn raw_files(store: &Store, db: &TestDb, backend: Backend) -> Vec<u8> {
    match backend {
        Backend::Sqlite => {
            let path = &db.url;
            let mut bytes = std::fs::read(path).expect("database file");
            if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
                bytes.extend(wal);
            }
            bytes
        }
        Backend::Postgres => {
            store.raw_execute("CHECKPOINT").expect("checkpoint");
            let mut bytes = Vec::new();
            // Every vault table the store knows, so that a new one is read too.
            for table in vecu_store::VAULT_TABLES {
                let hex = store
                    .raw_query(&format!(
                        "SELECT encode(pg_read_binary_file(pg_relation_filepath('{table}')), 'hex')"
                    ))
                    .expect("heap file");
                bytes.extend(
                    (0..hex[0][0].len())
                        .step_by(2)
                        .filter_map(|idx| u8::from_str_radix(&hex[0][0][idx..idx + 2], 16).ok()),
                );
            }
            bytes
        }
    }
}

/// SQLite only (PostgreSQL's counterpart is the mix, tested above): the WAL file holds the
/// commit that stored a response beside the deletion of the draft keyed by its invitation,
/// until the checkpoint that the store runs within `CHECKPOINT_EVERY` of a submission.
#[test]
fn the_wal_forgets_a_submission_at_the_next_checkpoint() {
    let db = TestDb::new(Backend::Sqlite);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "wal").expect("wave");
    store
        .import_frame(&wave, frame_csv(&survey, 6, frame_of).as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    store.checkpoint_now().expect("checkpoint");
    let invitation = &issued[0].invitation;
    store
        .save_draft(invitation, 0, &serde_json::json!({ "surgery": "yes" }))
        .expect("draft");
    store
        .submit(invitation, &responses(&survey, 1, 2)[0], Mode::WebLink)
        .expect("submitted");
    // A backup reader copies vecu.db-wal: the draft's page, keyed by the invitation id, sits
    // beside the page with the new response.
    let wal = format!("{}-wal", db.url);
    let before = std::fs::read(&wal).expect("wal");
    assert!(contains(&before, invitation.as_bytes()));
    assert!(vecu_store::CHECKPOINT_EVERY <= std::time::Duration::from_secs(10));
    assert!(
        store.checkpoint_now().expect("checkpoint"),
        "a reader blocked it"
    );
    assert_eq!(std::fs::metadata(&wal).expect("wal").len(), 0);
}
