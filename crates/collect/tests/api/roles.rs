//! Role boundaries over HTTP, as insiders holding a key would try them: a data-entry key at
//! the team pages, a revoked key in a live session, two keys sharing a display name, a report
//! threshold below the floor, one key keying both passes of double entry, and code look-ups
//! from data entry (rate-limited per key, audited without the code).

use awc::http::Method;
use serde_json::json;
use vecu_store::{AccessCode, ApiKey, Backend, Role};

use crate::helpers::{on_both_backends, spawn_app, Browser, Page, TestApp};
use crate::reports::{answer_every_invitation, call};

on_both_backends!(
    data_entry_keys_never_open_the_team_pages,
    a_revoked_key_ends_its_team_session_at_the_next_request,
    a_revoked_key_ends_its_data_entry_session_at_the_next_request,
    two_keys_of_one_name_are_two_people,
    a_report_threshold_below_ten_is_refused,
    one_key_never_keys_both_passes,
    data_entry_code_look_ups_are_limited_per_key_and_audited,
);

fn key(app: &TestApp, name: &str, role: Role) -> (ApiKey, String) {
    app.store.create_api_key(name, role).expect("key")
}

/// Signs in at `/team` (or is refused): the page answering the form.
pub(crate) async fn team_sign_in(browser: &mut Browser, key: &str) -> Page {
    let page = browser.get("/team").await;
    assert_eq!(page.status, 200);
    browser
        .post("/team/login", &[("csrf", &page.csrf()), ("key", key)])
        .await
}

/// Logs in at `/entry`: the page answering the form.
async fn entry_log_in(browser: &mut Browser, key: &str) -> Page {
    let page = browser.get("/entry").await;
    assert_eq!(page.status, 200);
    browser
        .post("/entry/login", &[("csrf", &page.csrf()), ("key", key)])
        .await
}

/// Types an access code on the data-entry home page.
async fn open_code(browser: &mut Browser, code: &str) -> Page {
    let home = browser.get("/entry").await;
    browser
        .post("/entry/code", &[("csrf", &home.csrf()), ("code", code)])
        .await
}

async fn data_entry_keys_never_open_the_team_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_every_invitation(&app);
    let (researcher, researcher_key) = key(&app, "Dr Ana Researcher", Role::Researcher);
    let (clerk, clerk_key) = key(&app, "Front desk", Role::DataEntry);
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{}/reports", app.wave),
        &researcher_key,
        Some(json!({ "title": "Rapport", "lang": "fr" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let report = body["id"].as_str().expect("report id").to_owned();

    // The attacker: a valid data-entry key typed into the team sign-in form.
    let mut browser = Browser::new(&app);
    let refused = team_sign_in(&mut browser, &clerk_key).await;
    assert_eq!(refused.status, 401, "{}", refused.body);
    assert!(refused.body.contains("Cette clé n'est pas valable"));
    assert!(
        !browser
            .cookie
            .as_deref()
            .is_some_and(|cookie| cookie.starts_with("vecu_team=")),
        "no session"
    );
    for page in [
        "/team/reports".to_owned(),
        format!("/team/reports/{report}"),
        format!("/team/reports/{report}/report.html"),
        "/team/surveys".to_owned(),
    ] {
        let got = browser.get(&page).await;
        assert_eq!(
            (got.status, got.location.as_deref()),
            (303, Some("/team")),
            "{page}"
        );
    }
    let posted = browser
        .post(&format!("/team/reports/{report}/approve"), &[("csrf", "x")])
        .await;
    assert_eq!(posted.location.as_deref(), Some("/team"));

    // The store refuses the key too, whoever calls it.
    let blocked = app
        .store
        .add_block(
            &clerk,
            &report,
            "summary",
            "summary",
            "written at the front desk",
        )
        .expect_err("data entry writes no block");
    assert!(blocked.to_string().contains("data-entry"), "{blocked}");
    app.store
        .submit_report(&researcher, &report)
        .expect("review");
    assert!(app.store.approve_report(&clerk, &report).is_err());
    assert!(app
        .store
        .report(&report)
        .expect("report")
        .approvals
        .is_empty());
}

async fn a_revoked_key_ends_its_team_session_at_the_next_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (partner, partner_key) = key(&app, "Claire Partner", Role::PatientPartner);
    let mut browser = Browser::new(&app);
    let signed_in = team_sign_in(&mut browser, &partner_key).await;
    assert_eq!(signed_in.location.as_deref(), Some("/team/reports"));
    let session = browser.cookie.clone().expect("a session cookie");
    let list = browser.get("/team/reports").await;
    assert_eq!(list.status, 200);
    let csrf = list.csrf();

    assert!(app.store.revoke_api_key(&partner.id).expect("revoked"));

    // The next request, a page or a form, is sent back to sign in and the session is gone.
    let next = browser.get("/team/reports").await;
    assert_eq!(
        (next.status, next.location.as_deref()),
        (303, Some("/team"))
    );
    assert!(browser.cookie.is_none(), "the cookie is removed");
    browser.cookie = Some(session.clone());
    let again = browser.get("/team/surveys").await;
    assert_eq!(
        again.location.as_deref(),
        Some("/team"),
        "the session ended"
    );
    browser.cookie = Some(session);
    let posted = browser
        .post(
            "/team/reports",
            &[
                ("csrf", &csrf),
                ("wave", &app.wave),
                ("title", "t"),
                ("lang", "fr"),
                ("threshold", "10"),
                ("required_researchers", "1"),
                ("required_partners", "1"),
            ],
        )
        .await;
    assert_eq!(posted.location.as_deref(), Some("/team"));
    let sign_in = browser.get("/team").await;
    assert_eq!(sign_in.status, 200);
    assert!(sign_in.body.contains(r#"name="key""#), "the sign-in form");
    // The revoked key cannot sign in again.
    let refused = team_sign_in(&mut browser, &partner_key).await;
    assert_eq!(refused.status, 401);
}

async fn a_revoked_key_ends_its_data_entry_session_at_the_next_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (clerk, clerk_key) = key(&app, "Front desk", Role::DataEntry);
    let mut browser = Browser::new(&app);
    let logged_in = entry_log_in(&mut browser, &clerk_key).await;
    assert_eq!(logged_in.location.as_deref(), Some("/entry"));
    let session = browser.cookie.clone().expect("a session cookie");
    let home = browser.get("/entry").await;
    assert!(home.body.contains(r#"name="code""#), "the code form");
    let csrf = home.csrf();

    assert!(app.store.revoke_api_key(&clerk.id).expect("revoked"));

    let next = browser.get("/entry").await;
    assert_eq!(next.status, 200);
    assert!(
        next.body.contains(r#"name="key""#) && !next.body.contains(r#"name="code""#),
        "the log-in form: {}",
        next.body
    );
    browser.cookie = Some(session);
    let typed = browser
        .post(
            "/entry/code",
            &[("csrf", &csrf), ("code", AccessCode::generate().as_str())],
        )
        .await;
    assert!(
        typed.body.contains(r#"name="key""#),
        "still the log-in form: the session ended"
    );
    assert!(
        !app.store
            .audit_log()
            .expect("audit")
            .iter()
            .any(|entry| entry.action == "code_looked_up"),
        "no look-up was made for the revoked key"
    );
}

async fn two_keys_of_one_name_are_two_people(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_every_invitation(&app);
    let (_, researcher) = key(&app, "Dr Ana Researcher", Role::Researcher);
    // Two partners who happen to share a name, each with their own key.
    let (first, first_key) = key(&app, "Anna", Role::PatientPartner);
    let (second, second_key) = key(&app, "Anna", Role::PatientPartner);
    let (_, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{}/reports", app.wave),
        &researcher,
        Some(json!({ "title": "Rapport", "lang": "fr", "required_partners": 2 })),
    )
    .await;
    let report = body["id"].as_str().expect("report id").to_owned();
    let path = |rest: &str| format!("/api/v1/reports/{report}{rest}");

    // The first Anna writes; the second cannot edit her block, only comment on it.
    let (status, body) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &first_key,
        Some(json!({ "finding": "item:overall", "kind": "for_patients", "text": "Le texte d'Anna." })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let block = body["id"].as_str().expect("block id").to_owned();
    let (status, _) = call(
        &app,
        Method::PUT,
        &path(&format!("/blocks/{block}")),
        &second_key,
        Some(json!({ "text": "Réécrit par l'autre Anna." })),
    )
    .await;
    assert_eq!(status, 403, "a shared name is not a shared block");
    let (status, _) = call(
        &app,
        Method::PUT,
        &path(&format!("/blocks/{block}")),
        &first_key,
        Some(json!({ "text": "Le texte d'Anna, revu." })),
    )
    .await;
    assert_eq!(status, 204);
    // Each marks the finding: two marks.
    for key in [&first_key, &second_key] {
        let (status, _) = call(
            &app,
            Method::PUT,
            &path("/marks/item:overall"),
            key,
            Some(json!({ "important": true, "priority": 1 })),
        )
        .await;
        assert_eq!(status, 204);
    }

    // The team pages offer the edit form to its author only.
    let mut first_browser = Browser::new(&app);
    team_sign_in(&mut first_browser, &first_key).await;
    let mut second_browser = Browser::new(&app);
    team_sign_in(&mut second_browser, &second_key).await;
    let page = format!("/team/reports/{report}");
    let edit_form = format!(r#"action="/team/reports/{report}/blocks/{block}""#);
    assert!(first_browser.get(&page).await.body.contains(&edit_form));
    let seen_by_second = second_browser.get(&page).await;
    assert!(seen_by_second.body.contains("par Anna (patient partner)"));
    assert!(!seen_by_second.body.contains(&edit_form));
    let forged = second_browser
        .post(
            &format!("/team/reports/{report}/blocks/{block}"),
            &[
                ("csrf", &seen_by_second.csrf()),
                ("text", "Réécrit quand même."),
                ("back", "item-overall"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);

    // Both approve: two partners' approvals, the report is approved.
    let (status, _) = call(&app, Method::POST, &path("/review"), &researcher, None).await;
    assert_eq!(status, 200);
    call(&app, Method::POST, &path("/approve"), &researcher, None).await;
    let (_, body) = call(&app, Method::POST, &path("/approve"), &first_key, None).await;
    assert_eq!(body["state"], "in_review", "one partner of two");
    let (_, body) = call(&app, Method::POST, &path("/approve"), &second_key, None).await;
    assert_eq!(
        body["state"], "approved",
        "the second Anna is a second partner"
    );

    // Names are shown, keys tell the people apart.
    let (_, body) = call(&app, Method::GET, &path(""), &researcher, None).await;
    let partners: Vec<(&str, &str)> = body["approvals"]
        .as_array()
        .expect("approvals")
        .iter()
        .filter(|a| a["role"] == "patient_partner")
        .map(|a| {
            (
                a["author"].as_str().unwrap_or_default(),
                a["author_key"].as_str().unwrap_or_default(),
            )
        })
        .collect();
    assert_eq!(partners.len(), 2);
    assert!(partners.iter().all(|(name, _)| *name == "Anna"));
    assert!(partners.contains(&("Anna", first.id.as_str())));
    assert!(partners.contains(&("Anna", second.id.as_str())));
    assert_eq!(body["marks"].as_array().map(Vec::len), Some(2));
    assert_eq!(body["blocks"][0]["author"], "Anna");
    assert_eq!(body["blocks"][0]["author_key"], first.id.as_str());
    assert_eq!(body["blocks"][0]["version"], 2);
}

async fn a_report_threshold_below_ten_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_every_invitation(&app);
    let (_, researcher) = key(&app, "Dr Ana Researcher", Role::Researcher);
    for threshold in [0, 1, 9] {
        let (status, body) = call(
            &app,
            Method::POST,
            &format!("/api/v1/waves/{}/reports", app.wave),
            &researcher,
            Some(json!({ "title": "Rapport", "threshold": threshold })),
        )
        .await;
        assert_eq!(status, 422, "{threshold}: {body}");
        let error = body["error"].as_str().unwrap_or_default();
        assert!(
            error.contains("at least 10") && error.contains("GP Patient Survey"),
            "{error}"
        );
    }
    assert!(app
        .store
        .reports_of_wave(&app.wave)
        .expect("reports")
        .is_empty());
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{}/reports", app.wave),
        &researcher,
        Some(json!({ "title": "Rapport", "threshold": 10 })),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    // The team pages' form says the floor, and refuses below it.
    let mut browser = Browser::new(&app);
    team_sign_in(&mut browser, &researcher).await;
    let list = browser.get("/team/reports").await;
    assert!(list
        .body
        .contains(r#"name="threshold" min="10" value="10""#));
    let started = browser
        .post(
            "/team/reports",
            &[
                ("csrf", &list.csrf()),
                ("wave", &app.wave),
                ("title", "Petit seuil"),
                ("lang", "fr"),
                ("threshold", "5"),
                ("required_researchers", "1"),
                ("required_partners", "1"),
            ],
        )
        .await;
    assert_eq!(started.status, 422);
    assert!(started.body.contains("at least 10"), "{}", started.body);
    assert_eq!(
        app.store.reports_of_wave(&app.wave).expect("reports").len(),
        1
    );
}

/// One letter of a code frame: its access code.
fn letter_codes(app: &TestApp, n: usize) -> Vec<AccessCode> {
    let mut csv = String::from("ref,language,site,age_band,sex\n");
    for idx in 0..n {
        csv.push_str(&format!("R-{idx:04},fr,H1,70+,M\n"));
    }
    app.store
        .import_letter_frame(&app.wave, csv.as_bytes())
        .expect("letters")
        .1
        .into_iter()
        .map(|letter| letter.code)
        .collect()
}

/// The hidden `pass` of the data-entry form.
fn pass(form: &Page) -> String {
    form.body
        .split(r#"name="pass" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a pass")
        .to_owned()
}

/// Posts the open form with `fields`, as the pass it shows or as `pass`.
async fn key_form(tab: &mut Browser, pass_posted: Option<&str>, fields: &[(&str, &str)]) -> Page {
    let form = tab.get("/entry/form").await;
    let csrf = form.csrf();
    let shown = pass(&form);
    let mut body = vec![
        ("csrf", csrf.as_str()),
        ("pass", pass_posted.unwrap_or(&shown)),
    ];
    body.extend_from_slice(fields);
    tab.post("/entry/form", &body).await
}

async fn one_key_never_keys_both_passes(backend: Backend) {
    let app = spawn_app(backend).await;
    app.store
        .set_double_entry(&app.wave, true)
        .expect("double entry on");
    let code = letter_codes(&app, 1).remove(0);
    let (_, keyer) = key(&app, "Keyer", Role::DataEntry);
    let fields = [("surgery", "2"), ("overall", "7")];

    // The attacker: one key, three sessions, the code opened in each before any saves.
    let mut tabs = [Browser::new(&app), Browser::new(&app), Browser::new(&app)];
    let mut csrfs = Vec::new();
    for tab in tabs.iter_mut() {
        entry_log_in(tab, &keyer).await;
        csrfs.push(tab.get("/entry").await.csrf());
        let opened = open_code(tab, code.as_str()).await;
        assert_eq!(opened.location.as_deref(), Some("/entry/form"));
    }
    let [first_tab, second_tab, third_tab] = &mut tabs;
    let saved = key_form(first_tab, None, &fields).await;
    assert_eq!(saved.location.as_deref(), Some("/entry?done=first"));

    // The third session is not shown the second pass, nor can it open the code again.
    let shown = third_tab.get("/entry/form").await;
    assert_eq!(shown.status, 422);
    assert!(shown.body.contains("autre personne"), "{}", shown.body);
    assert_eq!(open_code(third_tab, code.as_str()).await.status, 422);

    // The second posts the second pass directly, without asking for the form: refused.
    let mut direct = vec![("csrf", csrfs[1].as_str()), ("pass", "2")];
    direct.extend_from_slice(&fields);
    let refused = second_tab.post("/entry/form", &direct).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(refused.body.contains("autre personne"), "{}", refused.body);
    assert_eq!(
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
        0,
        "nothing stored on one key's word"
    );

    // Another key, even of the same name, is another person: its keying completes it.
    let (_, colleague) = key(&app, "Keyer", Role::DataEntry);
    let mut colleague_tab = Browser::new(&app);
    entry_log_in(&mut colleague_tab, &colleague).await;
    let opened = open_code(&mut colleague_tab, code.as_str()).await;
    assert_eq!(opened.location.as_deref(), Some("/entry/form"));
    let stored = key_form(&mut colleague_tab, None, &fields).await;
    assert_eq!(stored.location.as_deref(), Some("/entry?done=stored"));
    assert_eq!(
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
        1
    );
}

async fn data_entry_code_look_ups_are_limited_per_key_and_audited(backend: Backend) {
    let app = spawn_app(backend).await;
    let code = letter_codes(&app, 1).remove(0);
    let (clerk, clerk_key) = key(&app, "Front desk", Role::DataEntry);
    let (_, other_key) = key(&app, "Back office", Role::DataEntry);
    let mut browser = Browser::new(&app);
    entry_log_in(&mut browser, &clerk_key).await;

    // The attacker: a data-entry key trying codes until one opens a questionnaire.
    let opened = open_code(&mut browser, code.as_str()).await;
    assert_eq!(opened.location.as_deref(), Some("/entry/form"));
    let mut tried = Vec::new();
    for _ in 0..30 {
        let guess = AccessCode::generate();
        let page = open_code(&mut browser, guess.as_str()).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("Aucun questionnaire ne porte ce code"));
        tried.push(guess);
    }
    let limited = open_code(&mut browser, code.as_str()).await;
    assert_eq!(limited.status, 429, "{}", limited.body);
    assert!(limited.body.contains("Trop de codes inconnus"));
    // Logging in again does not reset the count: it belongs to the key.
    let mut again = Browser::new(&app);
    entry_log_in(&mut again, &clerk_key).await;
    assert_eq!(open_code(&mut again, code.as_str()).await.status, 429);
    // Another key is not affected.
    let mut colleague = Browser::new(&app);
    entry_log_in(&mut colleague, &other_key).await;
    let page = open_code(&mut colleague, AccessCode::generate().as_str()).await;
    assert_eq!(page.status, 422);

    // One audit entry per look-up made, under the key, with the wave when the code has one,
    // and never the code.
    let audit = app.store.audit_log().expect("audit");
    let look_ups: Vec<_> = audit
        .iter()
        .filter(|entry| entry.action == "code_looked_up")
        .collect();
    let by_clerk: Vec<_> = look_ups
        .iter()
        .filter(|entry| entry.actor == format!("key:{}", clerk.id))
        .collect();
    assert_eq!(by_clerk.len(), 31, "refused look-ups are not look-ups");
    assert_eq!(look_ups.len(), 32);
    assert_eq!(by_clerk[0].wave_id.as_deref(), Some(app.wave.as_str()));
    assert_eq!(by_clerk[0].detail, "usable");
    assert!(by_clerk[1..]
        .iter()
        .all(|entry| entry.wave_id.is_none() && entry.detail == "unknown"));
    for entry in &audit {
        let line = format!("{} {} {}", entry.actor, entry.action, entry.detail);
        for typed in tried.iter().chain([&code]) {
            assert!(!line.contains(typed.as_str()), "{line}");
            assert!(!line.contains(&typed.to_string()), "{line}");
        }
    }
}
