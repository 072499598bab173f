//! Co-design proposals over HTTP: a partner proposes a rewording on the team pages, a
//! researcher accepts it and a new version that validates is stored; a declined proposal
//! stores none; the API gives the same history, the differences and the ledger credit.

use awc::http::Method;
use serde_json::json;
use vecu_store::{Backend, Role};

use crate::helpers::{api, on_both_backends, spawn_app, Browser, TestApp};

on_both_backends!(
    a_partner_proposes_on_the_pages_and_a_researcher_accepts,
    the_api_proposes_declines_and_shows_the_differences
);

fn example_hash(app: &TestApp) -> String {
    app.store
        .surveys()
        .expect("surveys")
        .into_iter()
        .next()
        .map(|(hash, _, _)| hash)
        .expect("the example survey is stored")
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

async fn a_partner_proposes_on_the_pages_and_a_researcher_accepts(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, partner_key) = app
        .store
        .create_api_key("Paula", Role::PatientPartner)
        .expect("key");
    let (_, researcher_key) = app
        .store
        .create_api_key("Remo", Role::Researcher)
        .expect("key");
    let hash = example_hash(&app);
    let mut partner = signed_in(&app, &partner_key).await;

    let codesign = partner.get(&format!("/team/surveys/{hash}")).await;
    let propose = format!("/team/surveys/{hash}/items/overall/propose");
    assert!(codesign.body.contains(&format!(r#"href="{propose}""#)));
    let form = partner.get(&propose).await;
    assert_eq!(form.status, 200);
    assert!(form.body.contains(r#"name="text_fr""#) && form.body.contains(r#"name="text_en""#));

    // Nothing changed: refused, nothing stored.
    let current_fr = app.store.survey(&hash).expect("survey");
    let fr = vecu_survey::Lang::parse("fr").expect("tag");
    let unchanged_text = current_fr
        .item("overall")
        .expect("item")
        .text
        .get(&fr)
        .to_owned();
    let action = format!("/team/surveys/{hash}/items/overall/proposals");
    let same = partner
        .post(
            &action,
            &[
                ("csrf", &form.csrf()),
                ("kind", "reword"),
                ("text_fr", &unchanged_text),
                ("reason", "no change"),
            ],
        )
        .await;
    assert_eq!(same.status, 422, "{}", same.body);

    let made = partner
        .post(
            &action,
            &[
                ("csrf", &form.csrf()),
                ("kind", "reword"),
                ("text_fr", "Au total, quelle note donnez-vous à vos soins ?"),
                ("text_de", "unused"),
                ("reason", "Plus simple à lire pour les personnes fatiguées."),
            ],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.body);
    let page = made.location.clone().expect("to the proposal");
    assert!(page.starts_with("/team/proposals/"));
    let shown = partner.get(&page).await;
    assert!(shown.body.contains("Plus simple à lire"));
    assert!(shown
        .body
        .contains("<ins>Au total, quelle note donnez-vous à vos soins ?</ins>"));
    assert!(
        !shown
            .body
            .contains(r#"action="{page}/decision""#.replace("{page}", &page).as_str()),
        "partners do not decide"
    );

    // A partner's decision is refused; a researcher's is taken.
    let forged = partner
        .post(
            &format!("{page}/decision"),
            &[
                ("csrf", &shown.csrf()),
                ("decision", "accept"),
                ("reason", "mine"),
            ],
        )
        .await;
    assert_eq!(forged.status, 403);
    let mut researcher = signed_in(&app, &researcher_key).await;
    let open = researcher.get(&page).await;
    assert!(open.body.contains(&format!(r#"action="{page}/decision""#)));
    let commented = researcher
        .post(
            &format!("{page}/comments"),
            &[("csrf", &open.csrf()), ("text", "Bonne idée.")],
        )
        .await;
    assert_eq!(commented.status, 303);
    let versions_before = app.store.surveys().expect("versions").len();
    let accepted = researcher
        .post(
            &format!("{page}/decision"),
            &[
                ("csrf", &open.csrf()),
                ("decision", "accept"),
                ("reason", "Plus clair."),
            ],
        )
        .await;
    assert_eq!(accepted.status, 303, "{}", accepted.body);
    let versions = app.store.surveys().expect("versions");
    assert_eq!(versions.len(), versions_before + 1);
    let (new_hash, _, new_version) = versions
        .iter()
        .find(|(h, _, _)| *h != hash)
        .expect("the new version")
        .clone();
    assert_eq!(new_version, "1.1");
    let new = app
        .store
        .survey(&new_hash)
        .expect("a version that validates");
    assert_eq!(
        new.item("overall").expect("item").text.get(&fr),
        "Au total, quelle note donnez-vous à vos soins ?"
    );

    // The decided proposal, the list of versions with its differences, and the diff page.
    let decided = researcher.get(&page).await;
    assert!(decided.body.contains("Plus clair."));
    assert!(decided
        .body
        .contains(&format!("/team/surveys/{hash}/diff/{new_hash}")));
    let list = researcher.get("/team/surveys").await;
    assert!(list
        .body
        .contains(&format!("/team/surveys/{hash}/diff/{new_hash}")));
    let diff = researcher
        .get(&format!("/team/surveys/{hash}/diff/{new_hash}"))
        .await;
    assert_eq!(diff.status, 200);
    assert!(diff.body.contains("<del>"));
    assert!(diff.body.contains("Au total, quelle note"));

    // The history, through the API.
    let (status, history) = api(
        Method::GET,
        format!("{}/api/v1/surveys/{new_hash}/proposals", app.address),
        Some(&partner_key),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(history[0]["state"], "accepted");
    assert_eq!(history[0]["author"], "Paula");
    assert_eq!(history[0]["decided_by"], "Remo");
    assert_eq!(history[0]["comments"][0]["text"], "Bonne idée.");

    // The ledger of the wave fielding the version it was made on credits the proposer and the
    // commenter.
    let mut response = awc::Client::default()
        .get(format!(
            "{}/api/v1/waves/{}/contributions.csv",
            app.address, app.wave
        ))
        .insert_header(("Authorization", format!("Bearer {researcher_key}")))
        .send()
        .await
        .expect("the server answers");
    let ledger = String::from_utf8(response.body().await.expect("body").to_vec()).expect("UTF-8");
    assert!(
        ledger.contains("Paula,patient_partner,questionnaire_co_design,0,"),
        "{ledger}"
    );
    assert!(
        ledger.contains("Remo,researcher,questionnaire_co_design,0,"),
        "{ledger}"
    );
}

async fn the_api_proposes_declines_and_shows_the_differences(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, researcher) = app
        .store
        .create_api_key("Remo", Role::Researcher)
        .expect("key");
    let (_, partner) = app
        .store
        .create_api_key("Paula", Role::PatientPartner)
        .expect("key");
    let (_, hospital) = app
        .store
        .create_hospital_key("Quality", &["H1".to_owned()])
        .expect("key");
    let hash = example_hash(&app);
    let url = |path: &str| format!("{}{path}", app.address);
    let body = |value: serde_json::Value| Some(("application/json", value.to_string()));

    let proposal = json!({
        "item": "overall",
        "change": { "kind": "reword", "text": { "en": "All in all, how would you rate your care?" } },
        "reason": "Shorter"
    });
    let (status, made) = api(
        Method::POST,
        url(&format!("/api/v1/surveys/{hash}/proposals")),
        Some(&partner),
        body(proposal.clone()),
    )
    .await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_str().expect("id").to_owned();

    // A hospital key takes no part.
    let (status, _) = api(
        Method::POST,
        url(&format!("/api/v1/surveys/{hash}/proposals")),
        Some(&hospital),
        body(proposal),
    )
    .await;
    assert_eq!(status, 403);
    // A language the survey lacks: 422 with what to do.
    let (status, refused) = api(
        Method::POST,
        url(&format!("/api/v1/surveys/{hash}/proposals")),
        Some(&partner),
        body(json!({
            "item": "overall",
            "change": { "kind": "reword", "text": { "es": "¿Y?" } },
            "reason": "why"
        })),
    )
    .await;
    assert_eq!(status, 422, "{refused}");
    assert!(refused["error"].as_str().expect("error").contains("\"es\""));

    let (status, shown) = api(
        Method::GET,
        url(&format!("/api/v1/proposals/{id}")),
        Some(&researcher),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(shown["changes"][0]["what"]["change"], "reworded", "{shown}");

    let before = app.store.surveys().expect("versions");
    let (status, decided) = api(
        Method::POST,
        url(&format!("/api/v1/proposals/{id}/decision")),
        Some(&researcher),
        body(json!({ "decision": "decline", "reason": "The current wording tested well." })),
    )
    .await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["new_survey"], serde_json::Value::Null);
    assert_eq!(
        app.store.surveys().expect("versions"),
        before,
        "nothing stored"
    );
    let (status, _) = api(
        Method::POST,
        url(&format!("/api/v1/proposals/{id}/decision")),
        Some(&researcher),
        body(json!({ "decision": "accept", "reason": "changed my mind" })),
    )
    .await;
    assert_eq!(status, 409, "decided once");

    // The differences of a version with itself: none.
    let (status, diff) = api(
        Method::GET,
        url(&format!("/api/v1/surveys/{hash}/diff/{hash}")),
        Some(&researcher),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(diff["changes"], json!([]));

    let (_, document) = api(Method::GET, url("/api/v1/openapi.json"), None, None).await;
    for path in [
        "/api/v1/surveys/{survey}/proposals",
        "/api/v1/proposals/{proposal}/decision",
        "/api/v1/surveys/{old}/diff/{new}",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
}
