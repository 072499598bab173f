//! `spawn_app`: the real application on port 0 over a fresh database, with an open wave of the
//! example survey and its tokens; and a small browser that keeps the session cookie.

use awc::http::header;
use vecu_collect::ServerHandle;
use vecu_store::testing::TestDb;
use vecu_store::{Backend, Store};

pub struct TestApp {
    pub address: String,
    pub store: Store,
    pub tokens: Vec<vecu_store::IssuedToken>,
    pub wave: String,
    /// Stops the instance at `address`.
    pub handle: ServerHandle,
    _db: TestDb,
}

/// Serves `store` with `config` on a free port of this host (the config's bind is replaced):
/// the address and a handle to stop the instance.
pub fn serve(store: Store, config: &vecu_collect::ServeConfig) -> (String, ServerHandle) {
    let config = vecu_collect::ServeConfig {
        bind: "127.0.0.1:0".to_owned(),
        ..config.clone()
    };
    let app = vecu_collect::Application::build(&config, store).expect("binds");
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    actix_rt::spawn(app.run());
    (address, handle)
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, None, true).await
}

/// The app with mail going to `mail` (smtp://... or file://...); `issue` issues the tokens now.
/// Its scheduler has no periodic round: mail goes out when the API is asked, or when a test
/// ticks a scheduler itself.
pub async fn spawn_app_with(backend: Backend, mail: Option<String>, issue: bool) -> TestApp {
    spawn_app_configured(backend, issue, |config| {
        config.reminders_every = None;
        config.mail = mail.map(|url| vecu_collect::MailSettings {
            transport: vecu_collect::MailTransport::parse(&url).expect("mail url"),
            from: "SCAPE <scape@example.org>".to_owned(),
            public_url: "http://placeholder".to_owned(),
        });
    })
    .await
}

/// The app with settings changed by `configure`; `issue` issues the tokens now.
pub async fn spawn_app_configured(
    backend: Backend,
    issue: bool,
    configure: impl FnOnce(&mut vecu_collect::ServeConfig),
) -> TestApp {
    let db = TestDb::new(backend);
    let store = db.store();
    let text = std::fs::read_to_string(format!(
        "{}/../../surveys/example.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example survey");
    let survey = vecu_survey::load_str(&text).expect("valid");
    let wave = store
        .create_wave(&store.add_survey(&survey, &text).expect("stored"), "web")
        .expect("wave");
    let mut csv = String::from("email,language,site,age_band,sex\n");
    for (idx, lang) in ["fr", "de", "it", "en", "fr", "de"].iter().enumerate() {
        csv.push_str(&format!("p{idx}@example.org,{lang},H1,50-69,F\n"));
    }
    store.import_frame(&wave, csv.as_bytes()).expect("frame");
    store.open_wave(&wave).expect("open");
    let tokens = if issue {
        store.issue_tokens(&wave).expect("tokens")
    } else {
        Vec::new()
    };
    let mut config = vecu_collect::ServeConfig::default();
    configure(&mut config);
    let (address, handle) = serve(store.clone(), &config);
    TestApp {
        address,
        store,
        tokens,
        wave,
        handle,
        _db: db,
    }
}

impl TestApp {
    /// The URL (PostgreSQL) or path (SQLite) of the app's database, for tests that reach it
    /// from outside the store.
    pub fn database_url(&self) -> &str {
        &self._db.url
    }

    /// A store of its own on the app's database, as another process would open it.
    pub fn open_store(&self) -> Store {
        self._db.store()
    }
}

/// A response as the tests look at it.
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub headers: awc::http::header::HeaderMap,
    pub body: String,
}

impl Page {
    /// The value of the first hidden `csrf` field.
    pub fn csrf(&self) -> String {
        let start = self
            .body
            .find(r#"name="csrf" value=""#)
            .expect("a form with a CSRF token")
            + r#"name="csrf" value=""#.len();
        self.body[start..]
            .split('"')
            .next()
            .expect("value")
            .to_owned()
    }
}

/// A browser without JavaScript: follows nothing by itself, keeps one session cookie.
pub struct Browser {
    client: awc::Client,
    base: String,
    pub cookie: Option<String>,
}

macro_rules! read_page {
    ($self:ident, $response:expr) => {{
        let mut response = $response.expect("the server answers");
        let body = response.body().limit(4 << 20).await.expect("a body");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let value = value.to_str().expect("ascii cookie");
            let pair = value.split(';').next().unwrap_or_default();
            if pair.ends_with('=') || value.contains("Max-Age=0") {
                $self.cookie = None;
            } else {
                $self.cookie = Some(pair.to_owned());
            }
        }
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get(header::LOCATION)
                .map(|v| v.to_str().expect("ascii").to_owned()),
            headers: response.headers().clone(),
            body: String::from_utf8(body.to_vec()).expect("utf-8"),
        }
    }};
}

impl Browser {
    pub fn new(app: &TestApp) -> Browser {
        Browser {
            client: awc::Client::builder().disable_redirects().finish(),
            base: app.address.clone(),
            cookie: None,
        }
    }

    /// Sends the next requests to another instance (the cookie goes along).
    pub fn at(&mut self, address: &str) {
        self.base = address.to_owned();
    }

    /// The cookie kept, unless it is only the one that binds sign-in forms to their visitor:
    /// a session.
    pub fn session(&self) -> Option<&str> {
        self.cookie
            .as_deref()
            .filter(|cookie| !cookie.starts_with("vecu_visitor="))
    }

    fn request(&self, method: awc::http::Method, path: &str) -> awc::ClientRequest {
        let request = self.client.request(method, format!("{}{path}", self.base));
        match &self.cookie {
            Some(cookie) => request.insert_header((header::COOKIE, cookie.clone())),
            None => request,
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        read_page!(
            self,
            self.request(awc::http::Method::GET, path).send().await
        )
    }

    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        read_page!(
            self,
            self.request(awc::http::Method::POST, path)
                .send_form(&fields.to_vec())
                .await
        )
    }
}

/// A browser that opened `token`'s link and started the questionnaire in French: its session
/// cookie is set.
pub async fn started(app: &TestApp, token: &str) -> Browser {
    let mut browser = Browser::new(app);
    let welcome = browser.get(&format!("/s/{token}")).await;
    assert_eq!(welcome.status, 200);
    let started = browser
        .post(
            &format!("/s/{token}/start"),
            &[("csrf", &welcome.csrf()), ("lang", "fr")],
        )
        .await;
    assert_eq!(started.status, 303);
    browser
}

/// One `#[actix_rt::test]` per backend for an async function taking the backend.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[actix_rt::test]
                async fn sqlite() {
                    super::$name(vecu_store::Backend::Sqlite).await
                }
                #[actix_rt::test]
                async fn postgres() {
                    super::$name(vecu_store::Backend::Postgres).await
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

/// One API call with an optional bearer key and an optional body (content type, text):
/// the status and the JSON body (null when the body is not JSON).
pub async fn api(
    method: awc::http::Method,
    url: String,
    key: Option<&str>,
    body: Option<(&str, String)>,
) -> (u16, serde_json::Value) {
    let mut request = awc::Client::default().request(method, url);
    if let Some(key) = key {
        request = request.insert_header(("Authorization", format!("Bearer {key}")));
    }
    let sent = match body {
        Some((content_type, body)) => {
            request
                .insert_header(("Content-Type", content_type.to_owned()))
                .send_body(body)
                .await
        }
        None => request.send().await,
    };
    let mut response = sent.expect("the server answers");
    let body = response.body().await.expect("body");
    (
        response.status().as_u16(),
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// Every table of the database with its number of rows.
pub fn row_counts(app: &TestApp, backend: Backend) -> Vec<(String, usize)> {
    let tables = match backend {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        Backend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        }
    };
    let mut names: Vec<String> = app
        .store
        .raw_query(tables)
        .expect("table names")
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|table| {
            let rows = app.store.raw_rows(&table).expect("rows").len();
            (table, rows)
        })
        .collect()
}
