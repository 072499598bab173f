//! Fieldwork by letter: access codes instead of contacts, answers online by code and on paper,
//! outcome codes, reminders by the hospital's reference, and the erase at close.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write;

use vecu_store::{
    AccessCode, Backend, Mode, Outcome, Store, StoreError, SubmitOutcome, TokenState,
};
use vecu_survey::Survey;

use crate::helpers::{cycling, example, responses, TestDb};
use crate::on_both_backends;
use crate::privacy::{ranks, spearman};

on_both_backends!(
    a_letter_wave_answered_by_code_and_on_paper_leaves_nothing_behind,
    letter_frames_refuse_contacts_and_identities
);

/// A letter frame: `ref`, `language`, the frame variables.
pub(crate) fn letter_csv(survey: &Survey, n: usize) -> String {
    let mut csv = String::from("ref,language");
    for variable in &survey.frame {
        let _ = write!(csv, ",{}", variable.id);
    }
    csv.push('\n');
    let frame = cycling(survey);
    for idx in 0..n {
        let language = survey.languages[idx % survey.languages.len()].as_str();
        let _ = writeln!(csv, "H-{idx:05},{language},{}", frame(idx).join(","));
    }
    csv
}

/// How a patient might type a printed code: lower case, spaces for dashes, I/L for 1, O for 0.
fn typed_sloppily(code: &AccessCode) -> String {
    code.to_string()
        .to_lowercase()
        .replace('-', " ")
        .replace('1', "l")
        .replace('0', "O")
}

fn a_letter_wave_answered_by_code_and_on_paper_leaves_nothing_behind(backend: Backend) {
    const N: usize = 1000;
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "letters").expect("wave");
    let (summary, letters) = store
        .import_letter_frame(&wave, letter_csv(&survey, N).as_bytes())
        .expect("imported");
    assert_eq!((summary.rows, letters.len()), (N, N));
    let distinct: HashSet<&str> = letters.iter().map(|l| l.code.as_str()).collect();
    assert_eq!(distinct.len(), N, "one code per row");
    // Codes work only once the wave is open.
    assert_eq!(
        store.lookup_code(&letters[0].code).expect("lookup"),
        TokenState::Expired
    );
    store.open_wave(&wave).expect("open");
    let sealed_refs: Vec<String> = store
        .raw_rows("contacts")
        .expect("contacts")
        .into_iter()
        .flatten()
        .map(|cell| cell.trim_start_matches("\\x").to_owned())
        .filter(|cell| cell.len() > 40 && cell.chars().all(|c| c.is_ascii_hexdigit()))
        .collect();
    assert_eq!(
        sealed_refs.len(),
        2 * N,
        "each ref and each frame is sealed"
    );

    let answers = responses(&survey, 100, 5);
    // Response ids in the order they were submitted, to look for that order in the tables.
    let mut submitted: Vec<String> = Vec::new();
    // 50 online by code, typed sloppily.
    for (letter, response) in letters[..50].iter().zip(&answers[..50]) {
        let code = AccessCode::parse(&typed_sloppily(&letter.code)).expect("forgiving entry");
        let TokenState::Usable(invitation) = store.lookup_code(&code).expect("lookup") else {
            panic!("a fresh code is usable")
        };
        assert_eq!(invitation.language, letter.language);
        store.record_opened(&invitation.id).expect("opened");
        let Ok(SubmitOutcome::Submitted(id)) =
            store.submit(&invitation.id, response, Mode::WebCode)
        else {
            panic!("submitted")
        };
        submitted.push(id);
        assert_eq!(
            store.lookup_code(&code).expect("lookup"),
            TokenState::Submitted
        );
    }
    // 50 paper returns keyed, with what the paper rules changed.
    for (letter, response) in letters[50..100].iter().zip(&answers[50..]) {
        let TokenState::Usable(invitation) = store.lookup_code(&letter.code).expect("lookup")
        else {
            panic!("usable")
        };
        let entry = serde_json::json!({ "answers": response.to_json() });
        store
            .save_paper_entry(&invitation.id, 1, &entry)
            .expect("first keying");
        assert_eq!(
            store.paper_entries(&invitation.id).expect("entries"),
            vec![(1, entry)]
        );
        let counts = vec![("surgery".to_owned(), "routing_removed".to_owned())];
        let SubmitOutcome::Submitted(id) = store
            .submit_paper(&invitation.id, response, &counts)
            .expect("paper submitted")
        else {
            panic!("submitted")
        };
        submitted.push(id);
        assert!(store
            .paper_entries(&invitation.id)
            .expect("entries")
            .is_empty());
    }
    // A paper return for a code answered online is not stored twice.
    let TokenState::Submitted = store.lookup_code(&letters[0].code).expect("lookup") else {
        panic!("answered online")
    };
    // Outcome codes for returns without answers.
    let outcomes = [
        Outcome::Blank,
        Outcome::Undelivered,
        Outcome::Deceased,
        Outcome::Refused,
    ];
    for (letter, outcome) in letters[100..104].iter().zip(outcomes) {
        let TokenState::Usable(invitation) = store.lookup_code(&letter.code).expect("lookup")
        else {
            panic!("usable")
        };
        store
            .record_outcome(&invitation.id, outcome)
            .expect("outcome recorded");
        assert!(matches!(
            store.record_outcome(&invitation.id, outcome),
            Err(StoreError::InvitationState { .. })
        ));
    }

    let reminders = store.letter_reminders(&wave).expect("reminders");
    assert_eq!(reminders.len(), N - 104);
    let answered: HashSet<&str> = letters[..104]
        .iter()
        .map(|l| l.reference.as_str())
        .collect();
    assert!(reminders.iter().all(|r| !answered.contains(r.as_str())));
    assert!(reminders.windows(2).all(|pair| pair[0] < pair[1]), "sorted");

    let status = store.wave_status_now(&wave).expect("status");
    let by_status = &status.overall.by_status;
    for (label, n) in [
        ("submitted", 100),
        ("blank", 1),
        ("undeliverable", 1),
        ("deceased", 1),
        ("refused", 1),
        ("invited", N as i64 - 104),
    ] {
        assert_eq!(
            by_status.get(label).copied(),
            Some(n),
            "{label}: {by_status:?}"
        );
    }
    let eligible = (N - 2) as f64;
    assert_eq!(status.overall.response_rate, Some(100.0 / eligible));
    assert_eq!(
        status.overall.responses_by_mode,
        BTreeMap::from([("paper".to_owned(), 50), ("web_code".to_owned(), 50)])
    );
    assert_eq!(
        status.overall.response_rate_by_mode.get("paper"),
        Some(&(50.0 / eligible))
    );
    let per_site: i64 = status
        .sites
        .iter()
        .map(|site| site.responses_by_mode.values().sum::<i64>())
        .sum();
    assert_eq!(per_site, 100);
    assert_eq!(
        store.paper_counts(&wave).expect("counts"),
        vec![("surgery".to_owned(), "routing_removed".to_owned(), 50)]
    );
    assert_eq!(
        status.paper["surgery"],
        BTreeMap::from([("routing_removed".to_owned(), 50)])
    );

    // Nothing in the response store holds a code, its hash, a ref or an invitation id.
    let vault_ids: Vec<String> = store
        .raw_rows("invitations")
        .expect("invitations")
        .into_iter()
        .flatten()
        .filter(|cell| cell.len() >= 32 && *cell != wave)
        .collect();
    let world: Vec<String> = [
        "responses",
        "waves",
        "wave_counts",
        "paper_counts",
        "audit_log",
    ]
    .iter()
    .flat_map(|table| store.raw_rows(table).expect("rows"))
    .flatten()
    .map(|cell| cell.to_lowercase())
    .collect();
    for letter in &letters[..104] {
        for secret in [letter.code.as_str(), &letter.code.to_string()] {
            let secret = secret.to_lowercase();
            assert!(!world.iter().any(|cell| cell.contains(&secret)));
        }
        let reference = letter.reference.to_lowercase();
        assert!(!world.iter().any(|cell| cell.contains(&reference)));
    }
    for secret in &vault_ids {
        let secret = secret.to_lowercase();
        assert!(
            !world.iter().any(|cell| cell.contains(&secret)),
            "the response store holds a vault value"
        );
    }

    let closed = store.close_wave(&wave).expect("closed");
    assert_eq!(closed.contacts_erased, N as i64);
    for table in ["contacts", "invitations", "drafts", "paper_entries"] {
        assert!(store.raw_rows(table).expect("rows").is_empty(), "{table}");
    }
    assert_eq!(
        store.lookup_code(&letters[500].code).expect("lookup"),
        TokenState::Unknown
    );
    // The table's order says nothing about the order of submission (codes and paper alike):
    // SQLite keeps rows by random id, PostgreSQL's heap was mixed at close.
    let rows = store.raw_rows("responses").expect("responses");
    let position: std::collections::HashMap<&String, usize> = submitted
        .iter()
        .enumerate()
        .map(|(idx, id)| (id, idx))
        .collect();
    let order: Vec<usize> = rows
        .iter()
        .filter_map(|row| row.iter().find_map(|cell| position.get(cell).copied()))
        .collect();
    assert_eq!(order.len(), 100);
    let rho = spearman(&ranks(&order), &(0..order.len()).collect::<Vec<_>>());
    assert!(
        rho.abs() < 0.35,
        "row order follows submission order (rho = {rho:.3})"
    );
    // The wide table (after close) says how each response came.
    let export = store.export_for_analysis(&wave).expect("export");
    let mode_column = export
        .codebook
        .columns
        .iter()
        .position(|column| column.name == "mode")
        .expect("a mode column");
    let mut modes: BTreeMap<String, usize> = BTreeMap::new();
    for row in &export.rows {
        if let vecu_survey::Cell::Text(mode) = &row[mode_column] {
            *modes.entry(mode.clone()).or_default() += 1;
        }
    }
    assert_eq!(
        modes,
        BTreeMap::from([("paper".to_owned(), 50), ("web_code".to_owned(), 50)])
    );

    let after = store.wave_status_now(&wave).expect("status after close");
    assert_eq!(after.overall.by_status, status.overall.by_status);
    assert_eq!(
        after.overall.responses_by_mode,
        status.overall.responses_by_mode
    );
    if backend == Backend::Sqlite {
        assert_erased_from_files(&db.url, &sealed_refs);
    }
}

/// The sealed refs are gone from the database file, its WAL and its free pages.
fn assert_erased_from_files(path: &str, sealed_hex: &[String]) {
    let mut bytes = std::fs::read(path).expect("database file");
    if let Ok(wal) = std::fs::read(format!("{path}-wal")) {
        bytes.extend(wal);
    }
    for hex in sealed_hex.iter().take(200) {
        let sealed: Vec<u8> = (0..hex.len())
            .step_by(2)
            .filter_map(|idx| u8::from_str_radix(&hex[idx..idx + 2], 16).ok())
            .collect();
        // The 12-byte nonce and the first ciphertext bytes: unique to this row.
        let needle = &sealed[..20];
        assert!(
            !bytes.windows(needle.len()).any(|window| window == needle),
            "a sealed ref survives in the files"
        );
    }
}

fn letter_frames_refuse_contacts_and_identities(backend: Backend) {
    let db = TestDb::new(backend);
    let store: Store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "letters").expect("wave");
    let with_email = "ref,language,site,age_band,sex,email\nH-1,fr,H1,70+,F,a@b.ch\n";
    let Err(StoreError::Frame(problems)) = store.import_letter_frame(&wave, with_email.as_bytes())
    else {
        panic!("a contact column is refused")
    };
    assert_eq!(problems[0].column.as_deref(), Some("email"));
    let bad = "ref,language,site,age_band,sex\nAnna Muster,fr,H1,70+,F\nH-2,fr,H1,70+,F\nH-2,de,H2,70+,M\n,fr,H1,70+,F\n";
    let Err(StoreError::Frame(problems)) = store.import_letter_frame(&wave, bad.as_bytes()) else {
        panic!("refused")
    };
    let lines: Vec<(u64, Option<&str>)> = problems
        .iter()
        .map(|p| (p.line, p.column.as_deref()))
        .collect();
    assert_eq!(
        lines,
        [(2, Some("ref")), (4, Some("ref")), (5, Some("ref"))],
        "{problems:?}"
    );
    assert!(store.raw_rows("contacts").expect("rows").is_empty());
}
