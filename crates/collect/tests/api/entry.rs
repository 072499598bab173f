//! Data entry of paper returns over real HTTP: log in with a data-entry key, open by access
//! code, key the questionnaire with the paper rules, double entry (a setting of the wave) with a
//! third decision, outcome codes, the pages in the staff's language, and nothing in the
//! response store that links a response to its code.

use std::collections::BTreeMap;

use vecu_store::{AccessCode, Backend, Letter, Role};

use crate::helpers::{on_both_backends, spawn_app, Browser, TestApp};

on_both_backends!(
    paper_returns_are_keyed_with_the_paper_rules,
    double_entry_stores_what_two_keyings_agree_on,
    data_entry_pages_speak_the_staff_language,
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
    assert!(stranger
        .get("/entry/form")
        .await
        .body
        .contains(r#"action="/entry/login""#));

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
    // In the survey's first language: nobody chose another.
    assert!(
        duplicate.body.contains("a déjà été rempli"),
        "{}",
        duplicate.body
    );
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

    let status = app.store.wave_status_now(&app.wave).expect("status");
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
    let app = spawn_app(backend).await;
    // Double entry is a property of the wave, turned on here while it is open.
    app.store
        .set_double_entry(&app.wave, true)
        .expect("double entry on");
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
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
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
    assert!(own.body.contains("autre personne"), "{}", own.body);
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
    let status = app.store.wave_status_now(&app.wave).expect("status");
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
    app.store.close_wave(&app.wave).expect("closed");
    let export = app.store.export_for_analysis(&app.wave).expect("export");
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

/// A questionnaire whose first keying was saved under double entry is finished the double way
/// after the wave's double entry is turned off; the next one is stored at its first keying.
async fn turning_double_entry_off_finishes_what_was_started(backend: Backend) {
    let app = spawn_app(backend).await;
    app.store
        .set_double_entry(&app.wave, true)
        .expect("double entry on");
    let letters = letters(&app, 2);
    let mut first = logged_in(&app, "Keyer A").await;
    let mut second = logged_in(&app, "Keyer B").await;
    let fields = [("surgery", "2"), ("overall", "7")];
    assert_eq!(key(&mut first, &letters[0].code, &fields).await, 303);
    assert_eq!(
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
        0
    );
    app.store
        .set_double_entry(&app.wave, false)
        .expect("double entry off");
    let home = second.get("/entry").await;
    second
        .post(
            "/entry/code",
            &[("csrf", &home.csrf()), ("code", letters[0].code.as_str())],
        )
        .await;
    let form = second.get("/entry/form").await;
    assert!(
        form.body.contains(r#"name="pass" value="2""#),
        "the second keying is due: {}",
        form.body
    );
    assert_eq!(key(&mut second, &letters[0].code, &fields).await, 303);
    assert_eq!(key(&mut first, &letters[1].code, &fields).await, 303);
    let status = app.store.wave_status_now(&app.wave).expect("status");
    assert_eq!(
        status.responses, 2,
        "both stored, the second at its only keying"
    );
    assert_eq!(
        counts(&app).get(&("overall".to_owned(), "double_agree".to_owned())),
        Some(&1)
    );
}

on_both_backends!(turning_double_entry_off_finishes_what_was_started);

/// The `lang` attribute of a page.
fn lang_of(body: &str) -> &str {
    body.split(r#"<html lang=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
}

async fn data_entry_pages_speak_the_staff_language(backend: Backend) {
    let app = spawn_app(backend).await;
    let letters = letters(&app, 1);
    let (_, key) = app
        .store
        .create_api_key("Keyer D", Role::DataEntry)
        .expect("key");
    let mut browser = Browser::new(&app);
    // Nobody chose: the survey's first language (French), with a switch to the others.
    let login = browser.get("/entry").await;
    assert_eq!(lang_of(&login.body), "fr");
    assert!(login.body.contains("Clé de saisie"), "{}", login.body);
    assert!(login.body.contains(r#"href="/entry?lang=de""#));
    assert!(
        !login.body.contains(r#"name="lang""#),
        "nothing chosen to remember"
    );
    // An unknown language is ignored.
    assert_eq!(lang_of(&browser.get("/entry?lang=xx").await.body), "fr");
    // German asked for on the log-in page is kept by the session.
    let login = browser.get("/entry?lang=de").await;
    assert_eq!(lang_of(&login.body), "de");
    assert!(login.body.contains("Erfassungsschlüssel"), "{}", login.body);
    let failed = browser
        .post(
            "/entry/login",
            &[
                ("csrf", &login.csrf()),
                ("key", "vecu_wrong"),
                ("lang", "de"),
            ],
        )
        .await;
    assert_eq!(failed.status, 401);
    assert!(failed.body.contains("kein gültiger Erfassungsschlüssel"));
    browser
        .post(
            "/entry/login",
            &[("csrf", &login.csrf()), ("key", &key), ("lang", "de")],
        )
        .await;
    let home = browser.get("/entry").await;
    assert_eq!(lang_of(&home.body), "de");
    assert!(
        home.body.contains("Papierfragebogen erfassen"),
        "{}",
        home.body
    );
    assert!(home.body.contains("Sie erfassen als Keyer D."));
    let unknown = browser
        .post(
            "/entry/code",
            &[("csrf", &home.csrf()), ("code", "7KQ2-M9XD-4RWT")],
        )
        .await;
    assert_eq!(unknown.status, 422);
    assert!(
        unknown.body.contains("Das ist kein Zugangscode"),
        "{}",
        unknown.body
    );
    browser
        .post(
            "/entry/code",
            &[("csrf", &home.csrf()), ("code", letters[0].code.as_str())],
        )
        .await;
    // The questionnaire in German: the page's texts and the survey's.
    let form = browser.get("/entry/form").await;
    assert_eq!(lang_of(&form.body), "de");
    assert!(
        form.body.contains("<h1>Fragebogen erfassen</h1>"),
        "{}",
        form.body
    );
    assert!(form
        .body
        .contains("Wie bewerten Sie Ihre Behandlung insgesamt?"));
    assert!(form.body.contains("Leerer Fragebogen"));
    let refused = browser
        .post(
            "/entry/form",
            &[("csrf", &form.csrf()), ("pass", "1"), ("surgery", "7")],
        )
        .await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("Bitte prüfen Sie diese Antworten"));
    assert!(
        refused.body.contains("Tippen Sie 1 bis 2"),
        "{}",
        refused.body
    );
    // The switch to French on the questionnaire, remembered on the next page.
    let form = browser.get("/entry/form?lang=fr").await;
    assert_eq!(lang_of(&form.body), "fr");
    assert!(form.body.contains("<h1>Saisir le questionnaire</h1>"));
    assert!(form.body.contains("comment évaluez-vous vos soins ?"));
    assert!(form.body.contains(r#"href="/entry/form?lang=it""#));
    let refused = browser
        .post(
            "/entry/form",
            &[("csrf", &form.csrf()), ("pass", "1"), ("overall", "11")],
        )
        .await;
    assert!(
        refused.body.contains("tapez le nombre coché"),
        "{}",
        refused.body
    );
    let saved = browser
        .post(
            "/entry/form",
            &[("csrf", &form.csrf()), ("pass", "1"), ("surgery", "2")],
        )
        .await;
    assert_eq!(saved.location.as_deref(), Some("/entry?done=stored"));
    let home = browser.get("/entry?done=stored").await;
    assert_eq!(lang_of(&home.body), "fr");
    assert!(home
        .body
        .contains("Enregistré : le questionnaire est conservé"));
}
