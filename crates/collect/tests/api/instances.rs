//! Instances keep nothing of their own: sessions, the CSRF key and the look-up counts live in
//! the store, so a restart signs nobody out and two instances on one database serve one patient
//! in turns. And what operations read: health, readiness, metrics.

use awc::http::Method;
use vecu_collect::ServeConfig;
use vecu_store::{Backend, Role};

use crate::helpers::{
    api, on_both_backends, serve, spawn_app, spawn_app_with, started, Browser, TestApp,
};

on_both_backends!(
    a_team_member_and_a_patient_keep_their_sessions_across_a_restart,
    readiness_says_whether_the_database_answers_with_this_versions_schema,
    metrics_count_a_patients_flow_and_name_nobody,
);

/// One page of the example survey as a patient fills it in.
struct Step {
    path: &'static str,
    fields: Vec<(&'static str, &'static str)>,
    /// Where the page leads once posted.
    next: &'static str,
}

/// The example survey's pages as a patient fills them in.
fn answers() -> [Step; 2] {
    [
        Step {
            path: "/q/0",
            fields: vec![
                ("surgery", "yes"),
                ("surgery_explained", "1"),
                ("nights", "4"),
                ("diagnosis_month.month", "3"),
                ("diagnosis_month.year", "2024"),
                ("action", "next"),
                ("shown", "diagnosis_month"),
                ("shown", "surgery"),
                ("shown", "surgery_explained"),
                ("shown", "nights"),
            ],
            next: "/q/1",
        },
        Step {
            path: "/q/1",
            fields: vec![
                ("support_from", "family"),
                ("staff.doctors", "1"),
                ("overall", "9"),
                ("comments", "Merci."),
                ("action", "next"),
                ("shown", "support_from"),
                ("shown", "staff"),
                ("shown", "thanks_note"),
                ("shown", "overall"),
                ("shown", "comments"),
            ],
            next: "/q/review",
        },
    ]
}

/// Posts one page's answers with `csrf`; asserts where it leads.
async fn post_page(browser: &mut Browser, page: usize, csrf: &str) {
    let Step { path, fields, next } = &answers()[page];
    let mut posted = vec![("csrf", csrf)];
    posted.extend(fields.iter().copied());
    let saved = browser.post(path, &posted).await;
    assert_eq!(
        (saved.status, saved.location.as_deref()),
        (303, Some(*next)),
        "{path}: {}",
        saved.body
    );
}

/// How many responses the app's wave holds.
fn stored(app: &TestApp) -> i64 {
    app.store
        .wave_status_now(&app.wave)
        .expect("status")
        .responses
}

/// The session id a browser's cookie holds.
fn session_id(browser: &Browser) -> String {
    let cookie = browser.session().expect("a session cookie");
    cookie
        .split_once('=')
        .map(|(_, id)| id.to_owned())
        .expect("name=value")
}

async fn a_team_member_and_a_patient_keep_their_sessions_across_a_restart(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, key) = app
        .store
        .create_api_key("Dr R", Role::Researcher)
        .expect("key");
    let mut member = Browser::new(&app);
    let form = member.get("/team").await;
    let signed_in = member
        .post("/team/login", &[("csrf", &form.csrf()), ("key", &key)])
        .await;
    assert_eq!(signed_in.status, 303);
    let reports = member.get("/team/reports").await;
    assert_eq!(reports.status, 200);
    // The sign-out form of a page served before the restart.
    let sign_out = reports.csrf();
    let mut patient = started(&app, &app.tokens[0].token).await;
    let first = patient.get("/q/0").await;
    let before = first.csrf();
    post_page(&mut patient, 0, &before).await;
    // The database names neither session by its cookie, nor where they came from.
    let rows = app.store.raw_rows("sessions").expect("sessions");
    assert_eq!(rows.len(), 2, "{rows:?}");
    for id in [session_id(&member), session_id(&patient)] {
        assert!(
            !rows.iter().flatten().any(|cell| cell.contains(&id)),
            "a session's id is stored in clear: {rows:?}"
        );
    }
    assert!(!rows.iter().flatten().any(|cell| cell.contains("127.0.0.1")));

    // The restart: the instance stops, a new one opens the database with a store of its own.
    app.handle.stop(true).await;
    assert!(
        awc::Client::default()
            .get(&app.address)
            .send()
            .await
            .is_err(),
        "the first instance is gone"
    );
    let (address, _handle) = serve(app.open_store(), &ServeConfig::default());
    member.at(&address);
    patient.at(&address);

    let reports = member.get("/team/reports").await;
    assert_eq!(reports.status, 200, "the member is still signed in");
    let page = patient.get("/q/1").await;
    assert_eq!(page.status, 200, "the patient's session goes on");
    assert!(page.body.contains(r#"name="overall""#));
    // A form served before the restart is taken after it: the CSRF key is the deployment's.
    post_page(&mut patient, 0, &before).await;
    post_page(&mut patient, 1, &page.csrf()).await;
    let review = patient.get("/q/review").await;
    assert!(review.body.contains("Merci."), "the draft was kept");
    let thanks = patient.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(thanks.status, 200);
    assert_eq!(stored(&app), 1);

    let kept = member.cookie.clone();
    let out = member.post("/team/logout", &[("csrf", &sign_out)]).await;
    assert_eq!(out.status, 303);
    member.cookie = kept;
    let after = member.get("/team/reports").await;
    assert_eq!(
        (after.status, after.location.as_deref()),
        (303, Some("/team")),
        "signing out with a form of the first instance ended the session"
    );
    assert!(
        app.store.raw_rows("sessions").expect("sessions").is_empty(),
        "no session is left: the patient's went with the submission"
    );
}

/// Two instances on one PostgreSQL behind no proxy: the patient's browser goes to one and the
/// other in turns, every page and every form, and submits once.
#[actix_rt::test]
async fn a_patient_alternates_two_instances_page_by_page_and_submits_once() {
    let app = spawn_app(Backend::Postgres).await;
    let (second, _handle) = serve(app.open_store(), &ServeConfig::default());
    let instances = [app.address.clone(), second];
    let mut turn = 0;
    let mut browser = Browser::new(&app);
    let mut next = |browser: &mut Browser| {
        browser.at(&instances[turn % 2]);
        turn += 1;
    };
    let token = &app.tokens[0].token;
    next(&mut browser);
    let welcome = browser.get(&format!("/s/{token}")).await;
    next(&mut browser);
    let started = browser
        .post(
            &format!("/s/{token}/start"),
            &[("csrf", &welcome.csrf()), ("lang", "fr")],
        )
        .await;
    assert_eq!(started.status, 303);
    for (page, Step { path, .. }) in answers().iter().enumerate() {
        next(&mut browser);
        let shown = browser.get(path).await;
        assert_eq!(shown.status, 200, "{path}");
        next(&mut browser);
        post_page(&mut browser, page, &shown.csrf()).await;
    }
    next(&mut browser);
    let review = browser.get("/q/review").await;
    assert!(review.body.contains("9 / 10"), "the draft is shared");
    let kept = browser.cookie.clone();
    next(&mut browser);
    let thanks = browser.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(thanks.status, 200);
    // The same form again, at the other instance: the session ended with the submission.
    browser.cookie = kept;
    next(&mut browser);
    let again = browser.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(again.status, 401);
    assert_eq!(stored(&app), 1);
}

async fn readiness_says_whether_the_database_answers_with_this_versions_schema(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut probe = Browser::new(&app);
    let mut get = async |path: &str| {
        let page = probe.get(path).await;
        (page.status, page.body)
    };
    assert_eq!(get("/healthz").await, (200, "ok".to_owned()));
    assert_eq!(get("/readyz").await, (200, "ready".to_owned()));
    // A schema that lacks this version's last migration (an older database, or a newer
    // instance rolled back): not ready, and said why; the process itself is still alive.
    let newest = app
        .store
        .raw_query("SELECT max(version) FROM __diesel_schema_migrations")
        .expect("versions");
    app.store
        .raw_execute(&format!(
            "DELETE FROM __diesel_schema_migrations WHERE version = '{}'",
            newest[0][0]
        ))
        .expect("forgotten");
    let (status, body) = get("/readyz").await;
    assert_eq!(status, 503);
    assert!(body.contains("migrations pending"), "{body}");
    assert_eq!(get("/healthz").await.0, 200);
}

async fn metrics_count_a_patients_flow_and_name_nobody(backend: Backend) {
    let (port, received, _) = crate::mail::smtp_sink_refusing(Some("p1@example.org"));
    let app = spawn_app_with(backend, Some(format!("smtp://127.0.0.1:{port}")), false).await;
    let (_, key) = app
        .store
        .create_api_key("Dr R", Role::Researcher)
        .expect("key");
    let (status, summary) = api(
        Method::POST,
        format!("{}/api/v1/waves/{}/invitations", app.address, app.wave),
        Some(&key),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (summary["sent"].as_u64(), summary["failed"].as_u64()),
        (Some(5), Some(1))
    );
    let tokens: Vec<String> = received
        .lock()
        .expect("lock")
        .iter()
        .map(|message| crate::mail::link(message, "http://placeholder/s/"))
        .collect();
    assert_eq!(tokens.len(), 5);

    let mut patient = Browser::new(&app);
    let welcome = patient.get(&format!("/s/{}", tokens[0])).await;
    let started = patient
        .post(
            &format!("/s/{}/start", tokens[0]),
            &[("csrf", &welcome.csrf()), ("lang", "fr")],
        )
        .await;
    assert_eq!(started.status, 303);
    let session = session_id(&patient);
    for (page, Step { path, .. }) in answers().iter().enumerate() {
        let shown = patient.get(path).await;
        post_page(&mut patient, page, &shown.csrf()).await;
    }
    let review = patient.get("/q/review").await;
    let thanks = patient.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(thanks.status, 200);
    // An unknown link, counted like any other.
    assert_eq!(patient.get("/s/AAAAAAAAAAAAAAAAAAAAAA").await.status, 404);

    let mut response = awc::Client::default()
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("answers");
    assert_eq!(response.status().as_u16(), 200);
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    let text = String::from_utf8(response.body().await.expect("body").to_vec()).expect("utf-8");
    let value = |series: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {series} in\n{text}"))
    };
    assert_eq!(value(r#"vecu_submissions_total{mode="web_link"}"#), 1.0);
    assert_eq!(value(r#"vecu_mail_sent_total{kind="invitation"}"#), 5.0);
    assert_eq!(value(r#"vecu_mail_failed_total{kind="invitation"}"#), 1.0);
    // Welcome, both pages and the review: 200; start, both saves: 303; the unknown link: 404.
    assert!(value(r#"vecu_http_requests_total{class="patient",status="200"}"#) >= 5.0);
    assert_eq!(
        value(r#"vecu_http_requests_total{class="patient",status="303"}"#),
        3.0
    );
    assert_eq!(
        value(r#"vecu_http_requests_total{class="patient",status="404"}"#),
        1.0
    );
    assert_eq!(
        value(r#"vecu_http_requests_total{class="api",status="200"}"#),
        1.0
    );
    assert!(value(r#"vecu_http_request_duration_seconds_count{class="patient"}"#) >= 9.0);
    assert!(
        text.contains(r#"vecu_http_request_duration_seconds_bucket{le="+Inf",class="patient"}"#)
            || text.contains(
                r#"vecu_http_request_duration_seconds_bucket{class="patient",le="+Inf"}"#
            ),
        "{text}"
    );
    // Nothing that names anyone: no token, access path, session, address or key.
    for secret in tokens.iter().chain([&session, &key, &app.wave]) {
        assert!(!text.contains(secret.as_str()), "{secret} in the metrics");
    }
    for word in ["/s/", "@", "127.0.0.1", "example.org"] {
        assert!(!text.contains(word), "{word} in the metrics:\n{text}");
    }
}
