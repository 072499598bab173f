//! Patients' comments over HTTP: a researcher opens a closed wave's comments, a partner and a
//! researcher code them blind to each other, agreement and theme frequencies come back, a quote
//! needs both approvals and a flag takes it out again; hospital keys see none of it.

use awc::http::Method;
use serde_json::{json, Value};
use vecu_store::{Backend, Mode, Role};

use crate::helpers::{api, on_both_backends, spawn_app, Browser, TestApp};

on_both_backends!(
    comments_are_coded_blind_and_quoted_with_both_approvals,
    comments_are_coded_and_settled_on_the_team_pages
);

/// Every patient of the app's wave answers with a comment, and the wave closes.
fn answered_and_closed(app: &TestApp) {
    let text = std::fs::read_to_string(format!(
        "{}/../../surveys/example.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("example survey");
    let survey = vecu_survey::load_str(&text).expect("valid");
    for (i, token) in app.tokens.iter().enumerate() {
        let response = survey
            .validate(&json!({ "surgery": "no", "overall": 7, "comments": format!("Attente trop longue, visite {i}") }))
            .expect("valid");
        app.store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    app.store.close_wave(&app.wave).expect("closed");
}

async fn comments_are_coded_blind_and_quoted_with_both_approvals(backend: Backend) {
    let app = spawn_app(backend).await;
    answered_and_closed(&app);
    let key = |name: &str, role| app.store.create_api_key(name, role).expect("key").1;
    let researcher = key("Rita", Role::Researcher);
    let partner = key("Paul", Role::PatientPartner);
    let (_, hospital) = app
        .store
        .create_hospital_key("Quality", &["H1".to_owned()])
        .expect("key");
    let url = |path: String| format!("{}{path}", app.address);
    let call = |method: Method, path: String, key: &str, body: Option<Value>| {
        let key = key.to_owned();
        let url = url(path);
        async move {
            api(
                method,
                url,
                Some(&key),
                body.map(|b| ("application/json", b.to_string())),
            )
            .await
        }
    };
    let wave = app.wave.clone();

    let (status, _) = call(
        Method::POST,
        format!("/api/v1/waves/{wave}/comments"),
        &partner,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 403, "researchers open the comments");
    let (status, opened) = call(
        Method::POST,
        format!("/api/v1/waves/{wave}/comments"),
        &researcher,
        Some(json!({})),
    )
    .await;
    assert_eq!(status, 201, "{opened}");
    assert_eq!(opened["comments"], 6);
    let (status, _) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments"),
        &hospital,
        None,
    )
    .await;
    assert_eq!(status, 403);

    let (_, listed) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments"),
        &partner,
        None,
    )
    .await;
    let ids: Vec<String> = listed
        .as_array()
        .expect("comments")
        .iter()
        .map(|c| c["id"].as_str().expect("id").to_owned())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(listed[0].get("response").is_none() && listed[0]["site"] == "H1");

    for id in &ids {
        let (status, body) = call(
            Method::PUT,
            format!("/api/v1/comments/{id}/code"),
            &partner,
            Some(json!({ "themes": ["waiting"], "tone": "negative" })),
        )
        .await;
        assert_eq!(status, 204, "{body}");
    }
    // Blind: the researcher has not coded, so sees nothing of the partner's codes.
    let (_, seen) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments"),
        &researcher,
        None,
    )
    .await;
    assert!(seen
        .as_array()
        .expect("list")
        .iter()
        .all(|c| c["others"] == json!([]) && c["mine"].is_null()));
    for (n, id) in ids.iter().enumerate() {
        let themes = if n == 0 {
            json!(["information"])
        } else {
            json!(["waiting"])
        };
        call(
            Method::PUT,
            format!("/api/v1/comments/{id}/code"),
            &researcher,
            Some(json!({ "themes": themes, "tone": "negative" })),
        )
        .await;
    }
    let (_, seen) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments"),
        &researcher,
        None,
    )
    .await;
    assert!(seen
        .as_array()
        .expect("list")
        .iter()
        .all(|c| c["others"][0]["coder"] == "Paul"));
    // A tone that is not one: 422 with what to do.
    let (status, refused) = call(
        Method::PUT,
        format!("/api/v1/comments/{}/code", ids[0]),
        &partner,
        Some(json!({ "themes": [], "tone": "angry" })),
    )
    .await;
    assert_eq!(status, 422, "{refused}");

    let (status, agreement) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments/agreement"),
        &researcher,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let waiting = agreement
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["about"] == "waiting")
        .expect("waiting");
    assert_eq!(waiting["kappa"]["n"], 6);
    assert!((waiting["kappa"]["observed"].as_f64().expect("p_o") - 5.0 / 6.0).abs() < 1e-12);

    // One disagreement, settled by the partner; then every comment has its final code.
    let (_, open) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments/disagreements"),
        &researcher,
        None,
    )
    .await;
    assert_eq!(open.as_array().expect("list").len(), 1);
    let (status, _) = call(Method::POST, format!("/api/v1/comments/{}/settlement", ids[0]), &partner, Some(json!({ "themes": ["waiting", "information"], "tone": "negative", "note": "Both: the wait and not knowing why." }))).await;
    assert_eq!(status, 204);
    // Six comments: below the threshold of 10, every figure is hidden.
    let (status, rows) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments/themes"),
        &researcher,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert!(rows
        .as_array()
        .expect("rows")
        .iter()
        .all(|r| r["estimate"].is_null() && r["suppressed"] != ""));
    let (status, _) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/comments/themes?threshold=3"),
        &researcher,
        None,
    )
    .await;
    assert_eq!(status, 422, "never below the floor");

    // The quote bank: proposed, approved by both roles, then out once flagged.
    let (status, quote) = call(
        Method::POST,
        format!("/api/v1/comments/{}/quotes", ids[1]),
        &partner,
        Some(json!({ "text": "Attente trop longue", "lang": "fr" })),
    )
    .await;
    assert_eq!(status, 201, "{quote}");
    let quote = quote["id"].as_str().expect("id").to_owned();
    let approved = |key: String| {
        let path = format!("/api/v1/waves/{wave}/quotes?approved=true");
        let call = &call;
        async move {
            call(Method::GET, path, &key, None)
                .await
                .1
                .as_array()
                .expect("list")
                .len()
        }
    };
    call(
        Method::POST,
        format!("/api/v1/quotes/{quote}/approve"),
        &partner,
        None,
    )
    .await;
    assert_eq!(approved(researcher.clone()).await, 0);
    call(
        Method::POST,
        format!("/api/v1/quotes/{quote}/approve"),
        &researcher,
        None,
    )
    .await;
    assert_eq!(approved(researcher.clone()).await, 1);
    let (status, _) = call(
        Method::POST,
        format!("/api/v1/comments/{}/flag", ids[1]),
        &partner,
        Some(json!({ "reason": "the visit number may identify" })),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(approved(researcher.clone()).await, 0);
    let (status, _) = call(
        Method::GET,
        format!("/api/v1/waves/{wave}/quotes"),
        &hospital,
        None,
    )
    .await;
    assert_eq!(status, 403);
}

async fn signed_in(app: &TestApp, key: &str) -> Browser {
    let mut browser = Browser::new(app);
    let form = browser.get("/team").await;
    let done = browser
        .post("/team/login", &[("csrf", &form.csrf()), ("key", key)])
        .await;
    assert_eq!(done.status, 303);
    browser
}

async fn comments_are_coded_and_settled_on_the_team_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    answered_and_closed(&app);
    let (rita, researcher) = app
        .store
        .create_api_key("Rita", Role::Researcher)
        .expect("key");
    let partner = app
        .store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key")
        .1;
    let wave = app.wave.clone();
    let page = format!("/team/waves/{wave}/comments");

    // The researcher opens the comments from the page.
    let mut lead = signed_in(&app, &researcher).await;
    let list = lead.get("/team/reports").await;
    assert!(list.body.contains(&format!(r#"href="{page}""#)));
    let closed = lead.get(&page).await;
    assert!(closed.body.contains(&format!(r#"action="{page}/open""#)));
    let opened = lead
        .post(&format!("{page}/open"), &[("csrf", &closed.csrf())])
        .await;
    assert_eq!(opened.status, 303, "{}", opened.body);

    // The partner codes the first comment: two themes and a tone, then on to the next.
    let mut paul = signed_in(&app, &partner).await;
    let coding = paul.get(&page).await;
    assert_eq!(coding.status, 200);
    let action = coding
        .body
        .split("action=\"")
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .find(|action| action.ends_with("/code"))
        .expect("a coding form")
        .to_owned();
    let back = format!("{page}?page=0#comment-2");
    let saved = paul
        .post(
            &action,
            &[
                ("csrf", &coding.csrf()),
                ("back", &back),
                ("theme", "waiting"),
                ("theme", "communication"),
                ("tone", "negative"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some(back.as_str()));
    let again = paul.get(&page).await;
    assert!(
        again.body.contains("Votre codage")
            || again.body.contains("Your coding")
            || again.body.contains("Ihre Codierung")
            || again.body.contains("La sua codifica")
    );

    // The researcher codes it otherwise: a disagreement, settled on its page.
    let coding = lead.get(&page).await;
    let saved = lead
        .post(
            &action,
            &[
                ("csrf", &coding.csrf()),
                ("back", &back),
                ("theme", "waiting"),
                ("tone", "mixed"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303);
    let disagreements = paul.get(&format!("{page}/disagreements")).await;
    assert_eq!(disagreements.status, 200);
    let comment = action
        .trim_start_matches("/team/comments/")
        .trim_end_matches("/code");
    let settle = format!("/team/comments/{comment}/settlement");
    assert!(disagreements
        .body
        .contains(&format!(r#"action="{settle}""#)));
    let settled = paul
        .post(
            &settle,
            &[
                ("csrf", &disagreements.csrf()),
                ("back", &format!("{page}/disagreements")),
                ("theme", "waiting"),
                ("tone", "negative"),
                ("note", "The wait, told without anger."),
            ],
        )
        .await;
    assert_eq!(settled.status, 303);
    let finals = app
        .store
        .acting_as(&rita)
        .final_codes(&wave)
        .expect("final");
    assert_eq!(finals.len(), 1);
    assert_eq!(finals[0].settled_by.as_deref(), Some("Paul"));

    // The agreement table on the disagreements page.
    let disagreements = paul.get(&format!("{page}/disagreements")).await;
    assert!(
        disagreements.body.contains("kappa"),
        "{}",
        disagreements.body
    );
    // A quote proposed from the coding page, approved on the quote bank by both roles.
    let coding = paul.get(&page).await;
    let quotes = format!("/team/waves/{wave}/quotes");
    let proposed = paul
        .post(
            &format!("/team/comments/{comment}/quotes"),
            &[
                ("csrf", &coding.csrf()),
                ("back", &quotes),
                ("text", "Attente trop longue"),
                ("lang", "fr"),
            ],
        )
        .await;
    assert_eq!(proposed.status, 303, "{}", proposed.body);
    for browser in [&mut paul, &mut lead] {
        let bank = browser.get(&quotes).await;
        assert!(bank.body.contains("« Attente trop longue »"));
        let approve = bank
            .body
            .split("action=\"")
            .map(|rest| rest.split('"').next().unwrap_or_default())
            .find(|action| action.ends_with("/approve"))
            .expect("an approve button for this role")
            .to_owned();
        let done = browser
            .post(&approve, &[("csrf", &bank.csrf()), ("back", &quotes)])
            .await;
        assert_eq!(done.status, 303);
    }
    let approved = app
        .store
        .acting_as(&rita)
        .quotes(&wave, true)
        .expect("quotes");
    assert_eq!(approved.len(), 1);
    let bank = paul.get(&quotes).await;
    assert!(
        !bank.body.contains("/approve\""),
        "approved: no button left"
    );

    // The coding frame: a partner renames a theme on its page; the history keeps both.
    let frame_page = format!("/team/waves/{wave}/coding-frame");
    let frame = paul.get(&frame_page).await;
    assert_eq!(frame.status, 200);
    let saved = paul
        .post(
            &frame_page,
            &[
                ("csrf", &frame.csrf()),
                ("id", "waiting"),
                ("label_fr", "Attendre"),
                ("label_de", "Warten"),
                ("label_it", "Attesa"),
                ("label_en", "Waiting"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let frame = paul.get(&frame_page).await;
    assert!(frame.body.contains("Attendre") || frame.body.contains("Waiting"));
    let history = app
        .store
        .acting_as(&rita)
        .theme_history(&wave)
        .expect("history");
    let waiting: Vec<_> = history.iter().filter(|v| v.theme.id == "waiting").collect();
    assert_eq!(waiting.len(), 2);
    assert_eq!(waiting[1].changed_by, "Paul");
    assert_eq!(
        waiting[1].theme.description, waiting[0].theme.description,
        "kept"
    );

    // A back address elsewhere is not followed.
    let coding = paul.get(&page).await;
    let elsewhere = paul
        .post(
            &action,
            &[
                ("csrf", &coding.csrf()),
                ("back", "https://evil.example/"),
                ("theme", "waiting"),
                ("tone", "negative"),
            ],
        )
        .await;
    assert_eq!(elsewhere.location.as_deref(), Some("/team/reports#"));
}
