//! Answering by access code over real HTTP: the page printed on letters, forgiving entry,
//! neutral answers, the rate limit, resuming by typing the code again, and mode web_code.

use vecu_store::{AccessCode, Backend, Letter};

use crate::helpers::{on_both_backends, spawn_app, Browser, Page, TestApp};

on_both_backends!(
    a_patient_answers_with_the_code_from_a_letter,
    bad_codes_get_one_neutral_answer_and_are_rate_limited,
);

/// Letters for three patients of the test wave.
fn letters(app: &TestApp) -> Vec<Letter> {
    let csv =
        "ref,language,site,age_band,sex\nH-1,de,H1,50-69,F\nH-2,fr,H1,50-69,F\nH-3,it,H1,50-69,F\n";
    app.store
        .import_letter_frame(&app.wave, csv.as_bytes())
        .expect("letters")
        .1
}

/// Lower case, spaces instead of dashes, l for 1 and O for 0.
fn sloppy(code: &AccessCode) -> String {
    code.to_string()
        .to_lowercase()
        .replace('-', " ")
        .replace('1', "l")
        .replace('0', "O")
}

async fn type_code(browser: &mut Browser, code: &str) -> Page {
    let form = browser.get("/code?lang=de").await;
    browser
        .post(
            "/code",
            &[("csrf", &form.csrf()), ("code", code), ("lang", "de")],
        )
        .await
}

async fn a_patient_answers_with_the_code_from_a_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    let letters = letters(&app);
    let mut browser = Browser::new(&app);
    let form = browser.get("/code").await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(r#"<html lang="fr">"#));
    assert!(form.body.contains(r#"<label for="code">"#) && !form.body.contains("<script"));
    let prefilled = browser
        .get(&format!("/code?code={}&lang=de", letters[0].code))
        .await;
    assert!(prefilled
        .body
        .contains(&format!(r#"value="{}""#, letters[0].code)));
    assert!(prefilled.body.contains(r#"<html lang="de">"#));

    let entered = type_code(&mut browser, &sloppy(&letters[0].code)).await;
    assert_eq!(
        (entered.status, entered.location.as_deref()),
        (303, Some("/c/welcome"))
    );
    let welcome = browser.get("/c/welcome").await;
    assert_eq!(welcome.status, 200);
    assert!(
        welcome.body.contains(r#"<html lang="de">"#),
        "the letter's language"
    );
    assert!(welcome.body.contains(r#"action="/c/start""#));
    let started = browser.post("/c/start", &[("csrf", &welcome.csrf())]).await;
    assert_eq!(started.location.as_deref(), Some("/q/0"));
    // One page answered, then the patient leaves.
    let page = browser.get("/q/0").await;
    let saved = browser
        .post(
            "/q/0",
            &[
                ("csrf", &page.csrf()),
                ("surgery", "no"),
                ("action", "next"),
                ("shown", "diagnosis_month"),
                ("shown", "surgery"),
            ],
        )
        .await;
    assert_eq!(saved.location.as_deref(), Some("/q/1"));

    // Another day, another browser: the code again resumes where the patient stopped.
    let mut later = Browser::new(&app);
    let entered = type_code(&mut later, letters[0].code.as_str()).await;
    assert_eq!(entered.status, 303);
    let welcome = later.get("/c/welcome").await;
    assert!(welcome.body.contains("Fragebogen fortsetzen"), "resuming");
    let resumed = later.post("/c/start", &[("csrf", &welcome.csrf())]).await;
    assert_eq!(resumed.location.as_deref(), Some("/q/1"));
    let page = later.get("/q/1").await;
    let done = later
        .post(
            "/q/1",
            &[
                ("csrf", &page.csrf()),
                ("overall", "8"),
                ("action", "next"),
                ("shown", "support_from"),
                ("shown", "staff"),
                ("shown", "thanks_note"),
                ("shown", "overall"),
                ("shown", "comments"),
            ],
        )
        .await;
    assert_eq!(done.location.as_deref(), Some("/q/review"));
    let review = later.get("/q/review").await;
    let thanks = later.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(thanks.status, 200);
    // The same address as on the letter: where the wave's results will be published.
    let results = app.store.results_code(&app.wave).expect("its code");
    assert!(
        thanks.body.contains(&format!("/results/{results}</a>")),
        "{}",
        thanks.body
    );
    let status = app.store.wave_status_now(&app.wave).expect("status");
    assert_eq!(
        status.overall.responses_by_mode.get("web_code"),
        Some(&1),
        "{:?}",
        status.overall.responses_by_mode
    );
    // The used code now gets the neutral answer, like an unknown one.
    let used = type_code(&mut Browser::new(&app), letters[0].code.as_str()).await;
    let unknown = type_code(&mut Browser::new(&app), AccessCode::generate().as_str()).await;
    assert_eq!((used.status, unknown.status), (422, 422));
    assert!(used.body.contains("kann nicht verwendet werden"));
    assert_eq!(
        strip_typed(&used.body),
        strip_typed(&unknown.body),
        "used and unknown codes look the same"
    );

    // Opting out with a code is final.
    let mut other = Browser::new(&app);
    type_code(&mut other, letters[1].code.as_str()).await;
    let welcome = other.get("/c/welcome").await;
    let out = other.post("/c/optout", &[("csrf", &welcome.csrf())]).await;
    assert_eq!(out.status, 200);
    assert_eq!(
        app.store.letter_reminders(&app.wave).expect("reminders"),
        ["H-3"],
        "answered and opted out are not reminded"
    );
}

/// The page without the typed code and the per-page CSRF token.
fn strip_typed(body: &str) -> String {
    body.split('"')
        .filter(|part| part.len() < 13 || part.contains(' '))
        .collect::<Vec<_>>()
        .join("\"")
}

async fn bad_codes_get_one_neutral_answer_and_are_rate_limited(backend: Backend) {
    let app = spawn_app(backend).await;
    let letters = letters(&app);
    let mut browser = Browser::new(&app);
    let form = browser.get("/code").await;
    let forged = browser
        .post(
            "/code",
            &[("csrf", "forged"), ("code", letters[0].code.as_str())],
        )
        .await;
    assert_eq!(forged.status, 403);
    // A swap of two neighbours is a typing error, said as such, with no look-up.
    let mut swapped: Vec<char> = letters[0].code.as_str().chars().collect();
    let position = (0..swapped.len() - 1)
        .find(|&idx| swapped[idx] != swapped[idx + 1])
        .expect("two different neighbours");
    swapped.swap(position, position + 1);
    let swapped: String = swapped.into_iter().collect();
    for _ in 0..12 {
        let typo = browser
            .post(
                "/code",
                &[("csrf", &form.csrf()), ("code", &swapped), ("lang", "en")],
            )
            .await;
        assert_eq!(typo.status, 422);
        assert!(typo.body.contains("typing error"), "typos never count");
        assert!(typo.body.contains(r#"aria-invalid="true""#));
    }
    let short = browser
        .post(
            "/code",
            &[("csrf", &form.csrf()), ("code", "ABC"), ("lang", "en")],
        )
        .await;
    assert!(short.body.contains("13 characters"));
    for _ in 0..10 {
        let unknown = browser
            .post(
                "/code",
                &[
                    ("csrf", &form.csrf()),
                    ("code", AccessCode::generate().as_str()),
                ],
            )
            .await;
        assert_eq!(unknown.status, 422);
    }
    let blocked = browser
        .post(
            "/code",
            &[("csrf", &form.csrf()), ("code", letters[0].code.as_str())],
        )
        .await;
    assert_eq!(
        blocked.status, 429,
        "even a good code waits after 10 misses"
    );
}
