//! The patient's path over real HTTP, as a browser without JavaScript walks it.

use vecu_store::Backend;

use crate::helpers::{on_both_backends, spawn_app, Browser};

on_both_backends!(
    a_patient_answers_from_link_to_thank_you,
    opening_the_link_uses_nothing_and_resuming_continues_where_the_patient_stopped,
    answers_on_a_branch_that_becomes_hidden_are_dropped,
    opting_out_is_one_click_and_final,
    bad_links_and_forged_forms_get_nowhere,
);

async fn a_patient_answers_from_link_to_thank_you(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = &app.tokens[0];
    let mut browser = Browser::new(&app);
    let welcome = browser.get(&format!("/s/{}", token.token)).await;
    assert_eq!(welcome.status, 200);
    assert!(
        welcome.body.contains(r#"<html lang="fr">"#),
        "the invitation's language"
    );
    for (name, expected) in [
        ("content-security-policy", "frame-ancestors 'none'"),
        ("referrer-policy", "no-referrer"),
        ("cache-control", "no-store"),
    ] {
        let value = welcome
            .headers
            .get(name)
            .map(|v| v.to_str().expect("ascii"))
            .unwrap_or_default();
        assert!(value.contains(expected), "{name}: {value}");
    }
    assert!(!welcome.body.contains("<script"), "no JavaScript");

    let started = browser
        .post(
            &format!("/s/{}/start", token.token),
            &[("csrf", &welcome.csrf()), ("lang", "fr")],
        )
        .await;
    assert_eq!(
        (started.status, started.location.as_deref()),
        (303, Some("/q/0"))
    );
    let set_cookie = started
        .headers
        .get("set-cookie")
        .map(|v| v.to_str().expect("ascii"))
        .unwrap_or_default()
        .to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    assert!(
        !set_cookie.contains(&token.token),
        "the cookie is not the token"
    );

    let page = browser.get("/q/0").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<fieldset") && page.body.contains("<legend"),
        "choices are grouped and named"
    );
    assert!(
        !page.body.contains(r#"name="nights""#),
        "skipped until surgery = yes"
    );
    let csrf = page.csrf();

    // Answering "yes" reveals questions on the same page: the page comes back with them.
    let shown = [("shown", "diagnosis_month"), ("shown", "surgery")];
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surgery", "yes"),
        ("action", "next"),
    ];
    fields.extend(shown);
    let revealed = browser.post("/q/0", &fields).await;
    assert_eq!(revealed.status, 200);
    assert!(
        revealed.body.contains(r#"class="notice""#) && revealed.body.contains(r#"name="nights""#)
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surgery", "yes"),
        ("surgery_explained", "1"),
        ("nights", "trois"),
        ("action", "next"),
    ];
    fields.extend([
        ("shown", "diagnosis_month"),
        ("shown", "surgery"),
        ("shown", "surgery_explained"),
        ("shown", "nights"),
    ]);
    let invalid = browser.post("/q/0", &fields).await;
    assert_eq!(invalid.status, 422);
    assert!(
        invalid.body.contains("error-summary") && invalid.body.contains(r##"href="#q-nights""##)
    );
    assert!(
        invalid
            .body
            .contains(r#"aria-describedby="nights-hint nights-error""#),
        "the error is tied to its field"
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surgery", "yes"),
        ("surgery_explained", "1"),
        ("nights", "4"),
        ("diagnosis_month.month", "3"),
        ("diagnosis_month.year", "2024"),
        ("action", "next"),
    ];
    fields.extend([
        ("shown", "diagnosis_month"),
        ("shown", "surgery"),
        ("shown", "surgery_explained"),
        ("shown", "nights"),
    ]);
    let next = browser.post("/q/0", &fields).await;
    assert_eq!((next.status, next.location.as_deref()), (303, Some("/q/1")));

    let page = browser.get("/q/1").await;
    let csrf = page.csrf();
    let shown = [
        ("shown", "support_from"),
        ("shown", "staff"),
        ("shown", "thanks_note"),
        ("shown", "overall"),
        ("shown", "comments"),
    ];
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("support_from", "family"),
        ("support_from", "none"),
        ("action", "next"),
    ];
    fields.extend(shown);
    let missing = browser.post("/q/1", &fields).await;
    assert_eq!(
        missing.status, 422,
        "overall is required and 'none' is exclusive"
    );
    assert!(
        missing.body.contains(r##"href="#q-overall""##)
            && missing.body.contains(r##"href="#q-support_from""##)
    );

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("support_from", "family"),
        ("support_from", "nurse"),
        ("staff.doctors", "1"),
        ("overall", "9"),
        ("comments", "Merci."),
        ("action", "next"),
    ];
    fields.extend(shown);
    let done = browser.post("/q/1", &fields).await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (303, Some("/q/review"))
    );

    let review = browser.get("/q/review").await;
    assert!(
        review.body.contains("9 / 10") && review.body.contains("Merci."),
        "the review lists the answers"
    );
    let session_cookie = browser.cookie.clone();
    let thanks = browser.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(thanks.status, 200);
    assert_eq!(browser.cookie, None, "the session cookie is removed");
    let status = app.store.wave_status_now(&app.wave).expect("status");
    assert_eq!(status.responses, 1);
    assert_eq!(
        app.store
            .invitation(&token.invitation)
            .expect("invitation")
            .status,
        "submitted"
    );

    // Sending again with the old session, or opening the link again, stores nothing more.
    browser.cookie = session_cookie;
    let again = browser.post("/q/submit", &[("csrf", &review.csrf())]).await;
    assert_eq!(again.status, 401);
    assert_eq!(
        browser.get(&format!("/s/{}", token.token)).await.status,
        404
    );
    assert_eq!(
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
        1
    );
}

async fn opening_the_link_uses_nothing_and_resuming_continues_where_the_patient_stopped(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let token = &app.tokens[1];
    let mut first = Browser::new(&app);
    for _ in 0..3 {
        // A mail scanner, then the patient, then again: nothing changes on GET.
        assert_eq!(first.get(&format!("/s/{}", token.token)).await.status, 200);
    }
    assert_eq!(
        app.store
            .invitation(&token.invitation)
            .expect("invitation")
            .status,
        "invited"
    );
    let welcome = first.get(&format!("/s/{}?lang=de", token.token)).await;
    assert!(
        welcome.body.contains(r#"<html lang="de">"#),
        "the patient can switch language"
    );
    let start_text = button_text(&welcome.body);
    first
        .post(
            &format!("/s/{}/start", token.token),
            &[("csrf", &welcome.csrf()), ("lang", "de")],
        )
        .await;
    let page = first.get("/q/0").await;
    let csrf = page.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("surgery", "no"),
        ("action", "next"),
        ("shown", "diagnosis_month"),
        ("shown", "surgery"),
    ];
    assert_eq!(
        first.post("/q/0", &fields).await.location.as_deref(),
        Some("/q/1")
    );

    // The browser is closed; the patient opens the link again on another device.
    let mut second = Browser::new(&app);
    let welcome = second.get(&format!("/s/{}", token.token)).await;
    assert_ne!(
        button_text(&welcome.body),
        start_text,
        "the button now says continue"
    );
    let resumed = second
        .post(
            &format!("/s/{}/start", token.token),
            &[("csrf", &welcome.csrf()), ("lang", "de")],
        )
        .await;
    assert_eq!(
        resumed.location.as_deref(),
        Some("/q/1"),
        "back where the patient stopped"
    );
}

fn button_text(body: &str) -> String {
    let start =
        body.find(r#"class="primary">"#).expect("a primary button") + r#"class="primary">"#.len();
    body[start..]
        .split('<')
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn answers_on_a_branch_that_becomes_hidden_are_dropped(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = &app.tokens[2];
    let mut browser = Browser::new(&app);
    let welcome = browser.get(&format!("/s/{}", token.token)).await;
    browser
        .post(
            &format!("/s/{}/start", token.token),
            &[("csrf", &welcome.csrf()), ("lang", "it")],
        )
        .await;
    let csrf = browser.get("/q/0").await.csrf();
    let shown = [
        ("shown", "diagnosis_month"),
        ("shown", "surgery"),
        ("shown", "surgery_explained"),
        ("shown", "nights"),
    ];
    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surgery", "yes"),
        ("surgery_explained", "2"),
        ("nights", "3"),
        ("action", "next"),
    ];
    fields.extend(shown);
    assert_eq!(browser.post("/q/0", &fields).await.status, 303);
    let draft = app
        .store
        .draft(&token.invitation)
        .expect("draft")
        .expect("saved")
        .1;
    assert_eq!(draft["nights"], 3.0);

    let mut fields = vec![
        ("csrf", csrf.as_str()),
        ("surgery", "no"),
        ("surgery_explained", "2"),
        ("nights", "3"),
        ("action", "next"),
    ];
    fields.extend(shown);
    assert_eq!(browser.post("/q/0", &fields).await.status, 303);
    let draft = app
        .store
        .draft(&token.invitation)
        .expect("draft")
        .expect("saved")
        .1;
    assert_eq!(
        draft.get("nights"),
        None,
        "skipped questions lose their answers: {draft}"
    );
    assert_eq!(draft.get("surgery_explained"), None);
}

async fn opting_out_is_one_click_and_final(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = &app.tokens[3];
    let mut browser = Browser::new(&app);
    let from_email = browser.get(&format!("/o/{}", token.token)).await;
    assert_eq!(from_email.status, 200);
    assert_eq!(
        app.store
            .invitation(&token.invitation)
            .expect("invitation")
            .status,
        "invited",
        "a GET opts nobody out"
    );
    let done = browser
        .post(
            &format!("/s/{}/optout", token.token),
            &[("csrf", &from_email.csrf()), ("lang", "en")],
        )
        .await;
    assert_eq!(done.status, 200);
    assert_eq!(
        app.store
            .invitation(&token.invitation)
            .expect("invitation")
            .status,
        "opted_out"
    );
    assert_eq!(
        browser.get(&format!("/s/{}", token.token)).await.status,
        404
    );
}

async fn bad_links_and_forged_forms_get_nowhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = Browser::new(&app);
    let unknown = browser.get("/s/AAAAAAAAAAAAAAAAAAAAAA").await;
    assert_eq!(unknown.status, 404);
    // A used link looks exactly like an unknown one.
    let used = &app.tokens[4];
    let response = vecu_survey::load_str(
        &std::fs::read_to_string(format!(
            "{}/../../surveys/example.json",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("file"),
    )
    .expect("survey")
    .validate(&serde_json::json!({ "surgery": "no", "overall": 5 }))
    .expect("valid");
    app.store
        .submit(&used.invitation, &response, vecu_store::Mode::WebLink)
        .expect("submitted");
    let used_page = browser.get(&format!("/s/{}", used.token)).await;
    assert_eq!(
        (used_page.status, used_page.body.as_str()),
        (404, unknown.body.as_str())
    );

    let forged = browser
        .post(
            &format!("/s/{}/start", app.tokens[5].token),
            &[("csrf", "forged"), ("lang", "fr")],
        )
        .await;
    assert_eq!(forged.status, 403);
    assert_eq!(
        browser.get("/q/0").await.status,
        401,
        "no session, no questionnaire"
    );

    // Failed look-ups are limited per client address.
    let mut statuses = Vec::new();
    for attempt in 0..12 {
        statuses.push(
            browser
                .get(&format!("/s/BBBBBBBBBBBBBBBBBBBBB{attempt}"))
                .await
                .status,
        );
    }
    assert_eq!(statuses.last(), Some(&429), "{statuses:?}");
    assert_eq!(
        browser
            .get(&format!("/s/{}", app.tokens[5].token))
            .await
            .status,
        429,
        "even a good token waits"
    );
}
