//! The files of a SQLite database: created readable by their owner only.

use std::os::unix::fs::PermissionsExt;

use vecu_store::Backend;

use crate::helpers::{example, TestDb};

fn mode(path: &str) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{path}: {error}"))
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn a_new_sqlite_database_and_its_wal_and_shm_are_0600() {
    let db = TestDb::new(Backend::Sqlite);
    assert!(!std::path::Path::new(&db.url).exists());
    let store = db.store();
    // A write, so that the write-ahead log and its index certainly exist while the store is open.
    let (survey, text) = example();
    store.add_survey(&survey, &text).expect("stored");
    for suffix in ["", "-wal", "-shm"] {
        let path = format!("{}{suffix}", db.url);
        assert_eq!(mode(&path), 0o600, "{path} is {:o}", mode(&path));
    }
    drop(store);
}
