//! Test databases (feature `testing`): a temporary SQLite file, or a fresh database on the local
//! PostgreSQL server (`VECU_TEST_POSTGRES_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`)
//! dropped when the value is dropped. A missing server fails the test: it is never skipped.

use diesel::{Connection, PgConnection, RunQueryDsl};
use rand::RngCore;

use crate::{Backend, EncryptionKey, Store, StoreConfig};

/// The administrative URL of the test server.
pub fn postgres_admin_url() -> String {
    std::env::var("VECU_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that lives as long as the value, with its own encryption key.
pub struct TestDb {
    /// The URL to open it.
    pub url: String,
    /// Its encryption key, base64.
    pub key: String,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

impl TestDb {
    /// A fresh, empty database.
    pub fn new(backend: Backend) -> TestDb {
        let key = EncryptionKey::generate_base64();
        match backend {
            Backend::Sqlite => {
                #[allow(clippy::expect_used)]
                let dir = tempfile::tempdir().expect("a temporary directory");
                let url = dir.path().join("vecu.db").to_string_lossy().into_owned();
                TestDb {
                    url,
                    key,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let mut suffix = [0u8; 8];
                rand::rng().fill_bytes(&mut suffix);
                let name = format!(
                    "vecu_test_{}",
                    suffix
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<String>()
                );
                let mut connection = PgConnection::establish(&admin)
                    .unwrap_or_else(|error| panic!("PostgreSQL must run for the tests ({admin}): {error}; scripts/test.sh starts it"));
                if let Err(error) =
                    diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut connection)
                {
                    panic!("cannot create the test database {name}: {error}");
                }
                let base = admin
                    .rsplit_once('/')
                    .map_or(admin.as_str(), |(base, _)| base);
                TestDb {
                    url: format!("{base}/{name}"),
                    key,
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// A configuration with this database's key, acting as `test`.
    pub fn config(&self) -> StoreConfig {
        let key = EncryptionKey::from_base64(&self.key).ok();
        StoreConfig {
            key,
            actor: "test".to_owned(),
            ..StoreConfig::default()
        }
    }

    /// The store over this database.
    pub fn store(&self) -> Store {
        Store::open(&self.url, self.config())
            .unwrap_or_else(|error| panic!("the test store opens: {error}"))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut connection) = PgConnection::establish(&postgres_admin_url()) {
                let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut connection);
            }
        }
    }
}

impl Store {
    /// Moves every recorded contact of a wave `days` into the past, as if that time had gone by
    /// (reminders are due only some days after a contact).
    pub fn backdate_contacts(&self, wave: &str, days: u32) -> crate::Result<()> {
        use crate::schema::invitations;
        use diesel::{ExpressionMethods, QueryDsl};
        diesel::update(
            invitations::table
                .filter(invitations::wave_id.eq(wave))
                .filter(invitations::last_contact_on.is_not_null()),
        )
        .set(invitations::last_contact_on.eq(crate::calendar::days_ago(days)))
        .execute(&mut *self.connection()?)?;
        Ok(())
    }
}
