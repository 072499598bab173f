//! Data entry of paper returns over real HTTP: log in with a data-entry key, open by access
//! code, key the questionnaire with the paper rules, double entry with a third decision,
//! outcome codes, and nothing in the response store that links a response to its code.

use std::collections::BTreeMap;

use vecu_store::{AccessCode, Backend, Letter, Role};

use crate::helpers::{on_both_backends, spawn_app, spawn_app_double_entry, Browser, TestApp};

on_both_backends!(
    paper_returns_are_keyed_with_the_paper_rules,
    double_entry_stores_what_two_keyings_agree_on,
);

fn letters(app: &TestApp, n: usize) -> Vec<Letter> {
    let mut csv = String::from("ref,language,site,age_band,sex\n");
    for idx in 0..n {
        csv.push_str(&format!("P-{idx:04},fr,H{},70+,M\n", 1 + idx % 3));
    }
    app.store
        .import_letter_frame(&app.wave, csv.as_bytes())
        .expect("letters")
        .1
}

async fn logged_in(app: &TestApp, name: &str) -> Browser {
    let (_, key) = app
        .store
        .create_api_key(name, Role::DataEntry)
        .expect("key");
    let mut browser = Browser::new(app);
    let login = browser.get("/entry").await;
    assert_eq!(login.status, 200);
    let done = browser
        .post("/entry/login", &[("csrf", &login.csrf()), ("key", &key)])
        .await;
    assert_eq!(done.location.as_deref(), Some("/entry"));
    browser
}

/// Opens a questionnaire by its code (typed in lower case) and posts the fields.
async fn key(browser: &mut Browser, code: &AccessCode, fields: &[(&str, &str)]) -> u16 {
    let home = browser.get("/entry").await;
    let opened = browser
        .post(
            "/entry/code",
            &[
                ("csrf", &home.csrf()),
                ("code", &code.to_string().to_lowercase()),
            ],
        )
        .await;
    assert_eq!(
        opened.location.as_deref(),
        Some("/entry/form"),
        "{}",
        opened.body
    );
    let form = browser.get("/entry/form").await;
    let pass = form
        .body
        .split(r#"name="pass" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a pass")
        .to_owned();
    let csrf = form.csrf();
    let mut posted = vec![("csrf", csrf.as_str()), ("pass", pass.as_str())];
    posted.extend_from_slice(fields);
    browser.post("/entry/form", &posted).await.status
}

fn counts(app: &TestApp) -> BTreeMap<(String, String), i64> {
    app.store
        .paper_counts(&app.wave)
        .expect("counts")
        .into_iter()
        .map(|(item, kind, n)| ((item, kind), n))
        .collect()
}

async fn paper_returns_are_keyed_with_the_paper_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let letters = letters(&app, 60);
    // A researcher's key does not open data entry; a data-entry key does not open the API.
    let (_, researcher) = app
        .store
        .create_api_key("R", Role::Researcher)
        .expect("key");
    let mut stranger = Browser::new(&app);
    let login = stranger.get("/entry").await;
    let refused = stranger
        .post(
            "/entry/login",
            &[("csrf", &login.csrf()), ("key", &researcher)],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(stranger.get("/entry/form").await.body.contains("Log in"));

    let mut browser = logged_in(&app, "Keyer A").await;
    for (idx, letter) in letters[..50].iter().enumerate() {
        // Every 5th: "no" to surgery, yet the surgery questions answered (routing error);
        // every 7th: two boxes ticked on the overall rating.
        let routing_error = idx % 5 == 0;
        let mut fields: Vec<(&str, &str)> = vec![
            ("diagnosis_month", "03/2024"),
            ("nights", "4"),
            ("support_from", "12"),
            ("overall", if idx % 7 == 0 { "m" } else { "9" }),
        ];
        if idx % 2 == 0 {
            // Field by field.
            fields.extend([
                ("surgery", if routing_error { "2" } else { "1" }),
                ("surgery_explained", "1"),
                ("staff.doctors", "1"),
                ("staff.nurses", "2"),
            ]);
        } else {
            // One line per part: surgery and surgery_explained; then the matrix rows.
            fields.extend([
                ("line.0", if routing_error { "2 1" } else { "11" }),
                ("line.1", "12"),
            ]);
        }
        assert_eq!(key(&mut browser, &letter.code, &fields).await, 303, "{idx}");
    }
    // A value outside the printed boxes is refused with what to type, and nothing is stored;
    // so is a line with more characters than its part has questions.
    let status = key(&mut browser, &letters[50].code, &[("surgery", "3")]).await;
    assert_eq!(status, 422);
    let status = key(&mut browser, &letters[50].code, &[("line.1", "1234")]).await;
    assert_eq!(status, 422);
    // A code already keyed is a duplicate.
    let home = browser.get("/entry").await;
    let duplicate = browser
        .post(
            "/entry/code",
            &[("csrf", &home.csrf()), ("code", letters[0].code.as_str())],
        )
        .await;
    assert_eq!(duplicate.status, 422);
    assert!(duplicate.body.contains("already answered"));
    // Outcome codes.
    for (letter, outcome) in
        letters[51..55]
            .iter()
            .zip(["blank", "undelivered", "deceased", "refused"])
    {
        let home = browser.get("/entry").await;
        browser
            .post(
                "/entry/code",
                &[("csrf", &home.csrf()), ("code", letter.code.as_str())],
            )
            .await;
        let form = browser.get("/entry/form").await;
        let done = browser
            .post(
                "/entry/outcome",
                &[("csrf", &form.csrf()), ("outcome", outcome)],
            )
            .await;
        assert_eq!(done.location.as_deref(), Some("/entry?done=outcome"));
    }

    let status = app.store.wave_status(&app.wave).expect("status");
    assert_eq!(status.overall.responses_by_mode.get("paper"), Some(&50));
    for label in ["blank", "undeliverable", "deceased", "refused"] {
        assert_eq!(status.overall.by_status.get(label), Some(&1), "{label}");
    }
    let counts = counts(&app);
    let get = |item: &str, kind: &str| {
        counts
            .get(&(item.to_owned(), kind.to_owned()))
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(get("surgery_explained", "routing_removed"), 10);
    assert_eq!(get("nights", "routing_removed"), 10);
    assert_eq!(get("overall", "multiple_ticks"), 8);
    assert_eq!(get("*", "questionnaires"), 50);
    // Questionnaires 0, 35 have both; 5..45 step 5 routing; 7..49 step 7 double ticks.
    assert_eq!(get("*", "questionnaires_edited"), 10 + 8 - 2);
    assert_eq!(
        app.store.letter_reminders(&app.wave).expect("reminders"),
        letters[50..]
            .iter()
            .filter(|l| !["P-0051", "P-0052", "P-0053", "P-0054"].contains(&l.reference.as_str()))
            .map(|l| l.reference.clone())
            .collect::<Vec<_>>()
    );

    // Nothing in the response store names a code, a ref or a vault id.
    let vault: Vec<String> = app
        .store
        .raw_rows("invitations")
        .expect("invitations")
        .into_iter()
        .flatten()
        .filter(|cell| cell.len() >= 32 && *cell != app.wave)
        .collect();
    let world: Vec<String> = ["responses", "paper_counts", "wave_counts", "audit_log"]
        .iter()
        .flat_map(|table| app.store.raw_rows(table).expect("rows"))
        .flatten()
        .collect();
    for letter in &letters {
        assert!(!world
            .iter()
            .any(|cell| cell.contains(letter.code.as_str()) || cell.contains(&letter.reference)));
    }
    assert!(!world.iter().any(|cell| vault.contains(cell)));
}

async fn double_entry_stores_what_two_keyings_agree_on(backend: Backend) {
    let app = spawn_app_double_entry(backend).await;
    let letters = letters(&app, 20);
    let mut first = logged_in(&app, "Keyer A").await;
    let mut second = logged_in(&app, "Keyer B").await;
    let mut third = logged_in(&app, "Supervisor").await;
    let fields = [("surgery", "2"), ("overall", "7"), ("staff.doctors", "3")];
    for (idx, letter) in letters[..10].iter().enumerate() {
        assert_eq!(key(&mut first, &letter.code, &fields).await, 303);
        // Half of them with a disagreement on the overall rating.
        let overall = if idx % 2 == 0 { "7" } else { "1" };
        let status = key(
            &mut second,
            &letter.code,
            &[
                ("surgery", "2"),
                ("overall", overall),
                ("staff.doctors", "3"),
            ],
        )
        .await;
        assert_eq!(status, 303);
    }
    assert_eq!(
        app.store.wave_status(&app.wave).expect("status").responses,
        5,
        "only agreeing questionnaires are stored"
    );
    // The decision is a third person's: neither keyer may take it.
    let home = first.get("/entry").await;
    let own = first
        .post(
            "/entry/code",
            &[("csrf", &home.csrf()), ("code", letters[1].code.as_str())],
        )
        .await;
    assert_eq!(own.status, 422);
    assert!(own.body.contains("another person"));
    for letter in letters[..10].iter().skip(1).step_by(2) {
        let home = third.get("/entry").await;
        third
            .post(
                "/entry/code",
                &[("csrf", &home.csrf()), ("code", letter.code.as_str())],
            )
            .await;
        let decision = third.get("/entry/form").await;
        assert!(
            decision.body.contains("<td>7</td><td>1</td>"),
            "both keyings side by side"
        );
        assert!(
            !decision.body.contains(r#"name="surgery""#),
            "only disagreements are shown"
        );
        let done = third
            .post(
                "/entry/form",
                &[("csrf", &decision.csrf()), ("pass", "3"), ("overall", "7")],
            )
            .await;
        assert_eq!(done.location.as_deref(), Some("/entry?done=stored"));
    }
    let status = app.store.wave_status(&app.wave).expect("status");
    assert_eq!(status.responses, 10);
    let counts = counts(&app);
    assert_eq!(
        counts.get(&("overall".to_owned(), "double_disagree".to_owned())),
        Some(&5)
    );
    assert_eq!(
        counts.get(&("overall".to_owned(), "double_agree".to_owned())),
        Some(&5)
    );
    assert_eq!(
        counts.get(&("surgery".to_owned(), "double_agree".to_owned())),
        Some(&10)
    );
    let export = app
        .store
        .export(
            &app.wave,
            &vecu_store::ExportOptions {
                k: 1,
                ..Default::default()
            },
        )
        .expect("export");
    let overall = export
        .codebook
        .columns
        .iter()
        .position(|column| column.name == "overall")
        .expect("overall");
    assert!(export
        .rows
        .iter()
        .all(|row| row[overall] == vecu_survey::Cell::Integer(7)));
}
