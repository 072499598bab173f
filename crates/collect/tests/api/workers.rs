//! The API's store calls, the key look-up of every request included, run on actix's blocking
//! pool: while the database holds them up, the request workers keep answering everyone else.

use std::time::Duration;

use awc::http::Method;
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, SqliteConnection};
use vecu_store::{Backend, Role};

use crate::helpers::{api, on_both_backends, spawn_app, TestApp};

on_both_backends!(a_slow_database_never_holds_up_the_request_workers);

/// A lock taken from outside the service: on PostgreSQL the API keys and waves cannot even be
/// read (so the key look-up of every API request waits), on SQLite nobody else can write (so
/// creating a wave waits; in WAL mode readers never wait).
enum Held {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Held {
    fn take(app: &TestApp, backend: Backend) -> Held {
        let url = app.database_url();
        match backend {
            Backend::Sqlite => {
                let mut connection = SqliteConnection::establish(url).expect("sqlite");
                connection
                    .batch_execute("BEGIN IMMEDIATE")
                    .expect("the write lock");
                Held::Sqlite(connection)
            }
            Backend::Postgres => {
                let mut connection = PgConnection::establish(url).expect("postgres");
                connection
                    .batch_execute("BEGIN; LOCK TABLE api_keys, waves IN ACCESS EXCLUSIVE MODE")
                    .expect("the table locks");
                Held::Postgres(connection)
            }
        }
    }

    fn release(self) {
        match self {
            Held::Sqlite(mut connection) => connection.batch_execute("ROLLBACK"),
            Held::Postgres(mut connection) => connection.batch_execute("ROLLBACK"),
        }
        .expect("released");
    }
}

async fn a_slow_database_never_holds_up_the_request_workers(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, key) = app
        .store
        .create_api_key("Dr R", Role::Researcher)
        .expect("key");
    let hash = app.store.wave(&app.wave).expect("wave").survey_hash;
    let held = Held::take(&app, backend);
    // Twice as many waiting API calls as the server has request workers, each on its own
    // connection, so that every worker gets some.
    let workers = std::thread::available_parallelism().map_or(2, usize::from);
    let waiting: Vec<_> = (0..2 * workers)
        .map(|idx| {
            let url = format!("{}/api/v1/waves", app.address);
            let key = key.clone();
            let body = serde_json::json!({ "survey_hash": hash, "name": format!("w{idx}") });
            actix_rt::spawn(async move {
                api(
                    Method::POST,
                    url,
                    Some(&key),
                    Some(("application/json", body.to_string())),
                )
                .await
            })
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(500)).await;
    let health = awc::Client::builder()
        .timeout(Duration::from_secs(3))
        .finish()
        .get(format!("{}/health", app.address))
        .send()
        .await
        .map(|response| response.status().as_u16());
    held.release();
    assert_eq!(
        health.ok(),
        Some(200),
        "a request worker was held up by the database"
    );
    for call in waiting {
        let (status, body) = call.await.expect("the call ends");
        assert_eq!(status, 201, "{body}");
    }
}
