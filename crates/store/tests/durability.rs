//! Durability: a child process submits in a loop and prints each acknowledged submission; it is
//! killed with SIGKILL mid-flight. Every acknowledged submission must be in the database
//! afterwards, exactly once, on SQLite and on PostgreSQL.
//!
//! A test target with its own `main` (harness = false): run without arguments it is the parent;
//! the child is the same binary started with `VECU_DURABILITY_CHILD` set.

#[path = "store/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use vecu_store::{Backend, EncryptionKey, Mode, Store, StoreConfig, SubmitOutcome};

const CHILD: &str = "VECU_DURABILITY_CHILD";
const PATIENTS: usize = 400;
const KILL_AFTER: usize = 60;

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        child(&spec);
        return;
    }
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let acknowledged = parent(backend);
        println!("durability {backend:?}: killed after {acknowledged} acknowledged submissions; all present exactly once");
    }
    println!("test result: ok. 2 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out");
}

fn parent(backend: Backend) -> usize {
    let db = helpers::TestDb::new(backend);
    let store = db.store();
    let (survey, text) = helpers::cancer();
    let wave = helpers::open_wave(&store, &survey, &text, PATIENTS);
    let invitations: Vec<String> = store
        .issue_tokens(&wave)
        .expect("issued")
        .into_iter()
        .map(|t| t.invitation)
        .collect();
    let list = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(list.path(), invitations.join("\n")).expect("written");

    let mut child = Command::new(std::env::current_exe().expect("own path"))
        .env(
            CHILD,
            format!("{}\n{}\n{}", db.url, db.key, list.path().display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("child starts");
    let stdout = child.stdout.take().expect("child stdout");
    let mut acknowledged = HashSet::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.expect("line");
        if let Some(id) = line.strip_prefix("ack ") {
            acknowledged.insert(id.to_owned());
        }
        if acknowledged.len() == KILL_AFTER {
            child.kill().expect("SIGKILL"); // std's kill sends SIGKILL on Unix
            break;
        }
    }
    let status = child.wait().expect("child reaped");
    assert!(
        !status.success(),
        "the child was killed, not finished ({status})"
    );
    assert_eq!(
        acknowledged.len(),
        KILL_AFTER,
        "the child acknowledged {} submissions before it stopped",
        acknowledged.len()
    );

    // A fresh store, as after a restart of the service.
    let store = Store::open(&db.url, db.config()).expect("reopened");
    let response = &helpers::responses(&survey, 1, 1)[0];
    for id in &acknowledged {
        assert_eq!(
            store.invitation(id).expect("invitation").status,
            "submitted",
            "acknowledged submission {id} lost"
        );
        assert_eq!(
            store.submit(id, response, Mode::WebLink).expect("resubmit"),
            SubmitOutcome::AlreadySubmitted
        );
    }
    let status = store.wave_status(&wave).expect("status");
    let submitted = status
        .overall
        .by_status
        .get("submitted")
        .copied()
        .unwrap_or_default();
    assert_eq!(
        status.responses, submitted,
        "one response per submitted invitation, none twice, none orphaned"
    );
    assert!(submitted as usize >= KILL_AFTER);
    acknowledged.len()
}

/// Submits every invitation in turn, printing `ack ID` only after the commit returned.
fn child(spec: &str) {
    let mut parts = spec.lines();
    let (url, key, list) = (
        parts.next().expect("url"),
        parts.next().expect("key"),
        parts.next().expect("list"),
    );
    let config = StoreConfig {
        key: Some(EncryptionKey::from_base64(key).expect("key")),
        ..StoreConfig::default()
    };
    let store = Store::open(url, config).expect("child opens the store");
    let (survey, _) = helpers::cancer();
    let responses = helpers::responses(&survey, PATIENTS, 5);
    let invitations = std::fs::read_to_string(list).expect("list");
    let mut out = std::io::stdout().lock();
    for (id, response) in invitations.lines().zip(&responses) {
        if let Ok(SubmitOutcome::Submitted(_)) = store.submit(id, response, Mode::WebLink) {
            writeln!(out, "ack {id}").expect("parent reads");
            out.flush().expect("flushed");
        }
    }
}
