//! Reports co-written over HTTP by a researcher and a patient partner: blocks and comments with
//! their authors, partners' priorities, the two-role publication rule, edits after approval,
//! the contributions ledger, co-design comments on items.

use awc::http::Method;
use serde_json::{json, Value};
use vecu_store::{Backend, Role};

use crate::helpers::{api, on_both_backends, spawn_app, Browser, TestApp};

on_both_backends!(
    a_researcher_and_a_partner_co_write_and_publish_a_report,
    co_design_comments_are_answered_and_kept_with_the_survey_version,
    partners_sign_in_and_write_on_the_team_pages
);

struct Keys {
    researcher: String,
    second_researcher: String,
    partner: String,
}

fn keys(app: &TestApp) -> Keys {
    let key = |name: &str, role| app.store.create_api_key(name, role).expect("key").1;
    Keys {
        researcher: key("Dr Ana Researcher", Role::Researcher),
        second_researcher: key("Dr Ben Statistician", Role::Researcher),
        partner: key("Claire Partner", Role::PatientPartner),
    }
}

pub(crate) async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    key: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let url = format!("{}{path}", app.address);
    api(
        method,
        url,
        Some(key),
        body.map(|b| ("application/json", b.to_string())),
    )
    .await
}

/// Twelve submitted responses (six more patients invited for them) so that the wave has
/// something to report above the threshold's floor of 10; overall ratings 5 to 10, twice. The
/// wave is closed then: responses are analysed after fieldwork.
pub(crate) fn answer_every_invitation(app: &TestApp) {
    let more: String = (0..6)
        .map(|idx| format!("q{idx}@example.org,fr,H1,50-69,F\n"))
        .collect();
    answer_all(
        app,
        &more,
        |index| json!({ "surgery": "yes", "surgery_explained": "1", "overall": 5 + (index % 6) as i64 }),
    );
}

/// Invites the patients of `more_frame` (rows of email, language, site, age band, sex) too,
/// submits `answers(index)` for every invitation of the wave, and closes it.
pub(crate) fn answer_all(app: &TestApp, more_frame: &str, answers: impl Fn(usize) -> Value) {
    let survey = app
        .store
        .survey(&app.store.wave(&app.wave).expect("wave").survey_hash)
        .expect("survey");
    let csv = format!("email,language,site,age_band,sex\n{more_frame}");
    app.store
        .import_frame(&app.wave, csv.as_bytes())
        .expect("more patients");
    let more = app.store.issue_tokens(&app.wave).expect("their tokens");
    for (index, token) in app.tokens.iter().chain(&more).enumerate() {
        let response = survey.validate(&answers(index)).expect("valid");
        app.store
            .submit(&token.invitation, &response, vecu_store::Mode::WebLink)
            .expect("submitted");
    }
    app.store.close_wave(&app.wave).expect("closed");
}

async fn a_researcher_and_a_partner_co_write_and_publish_a_report(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_every_invitation(&app);
    let keys = keys(&app);
    let wave = app.wave.clone();

    // Partners cannot start a report; researchers can, from the wave's analysis.
    let new = json!({ "title": "SCAPE 2027", "lang": "fr", "threshold": 10 });
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{wave}/reports"),
        &keys.partner,
        Some(new.clone()),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{wave}/reports"),
        &keys.researcher,
        Some(new),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let report = body["id"].as_str().expect("an id").to_owned();
    let path = |rest: &str| format!("/api/v1/reports/{report}{rest}");

    let (status, body) = call(&app, Method::GET, &path(""), &keys.partner, None).await;
    assert_eq!(status, 200);
    assert_eq!(body["state"], "draft");
    let findings = body["findings"].as_array().expect("findings");
    let rating = findings
        .iter()
        .find(|f| f["id"] == "item:overall")
        .expect("a finding on the overall rating");
    // Ratings 5..10 twice: 9 and 10 are positive, 4 of 12.
    assert!(
        rating["figures"][0]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("33")),
        "{rating}"
    );

    // The researcher interprets, the partner says what it means for patients and comments.
    let block = |finding: &str, kind: &str, text: &str| json!({ "finding": finding, "kind": kind, "text": text });
    let (status, body) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &keys.researcher,
        Some(block(
            "item:overall",
            "interpretation",
            "Un tiers donne 9 ou 10.",
        )),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let researcher_block = body["id"].as_str().expect("id").to_owned();
    let (status, body) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &keys.partner,
        Some(block(
            "item:overall",
            "for_patients",
            "Beaucoup de patients attendent mieux.",
        )),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let partner_block = body["id"].as_str().expect("id").to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        &path(&format!("/blocks/{researcher_block}/comments")),
        &keys.partner,
        Some(json!({ "text": "Dites aussi combien ont répondu." })),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &keys.partner,
        Some(block(
            "summary",
            "summary",
            "Les soins sont bien notés. Il faut mieux expliquer.",
        )),
    )
    .await;
    assert_eq!(status, 201);
    // Only its author edits a block; a finding must exist.
    let (status, _) = call(
        &app,
        Method::PUT,
        &path(&format!("/blocks/{partner_block}")),
        &keys.researcher,
        Some(json!({ "text": "changed by someone else" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &keys.partner,
        Some(block("item:nonexistent", "interpretation", "x")),
    )
    .await;
    assert_eq!(status, 404);
    // Partners mark priorities; researchers do not.
    let (status, _) = call(
        &app,
        Method::PUT,
        &path("/marks/item:overall"),
        &keys.partner,
        Some(json!({ "important": true, "priority": 1 })),
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        Method::PUT,
        &path("/marks/item:overall"),
        &keys.researcher,
        Some(json!({ "important": true, "priority": 1 })),
    )
    .await;
    assert_eq!(status, 403);

    // Review; one role's approval is not enough to publish.
    let (status, _) = call(
        &app,
        Method::POST,
        &path("/approve"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!(status, 409, "a draft is not approved");
    let (status, body) = call(&app, Method::POST, &path("/review"), &keys.researcher, None).await;
    assert_eq!((status, body["state"].clone()), (200, json!("in_review")));
    let (_, body) = call(
        &app,
        Method::POST,
        &path("/approve"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!(body["state"], "in_review");
    let (_, body) = call(
        &app,
        Method::POST,
        &path("/approve"),
        &keys.second_researcher,
        None,
    )
    .await;
    assert_eq!(
        body["state"], "in_review",
        "two researchers are still one role"
    );
    let (status, body) = call(
        &app,
        Method::POST,
        &path("/publish"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("1 patient partner")),
        "{body}"
    );

    let (_, body) = call(&app, Method::POST, &path("/approve"), &keys.partner, None).await;
    assert_eq!(body["state"], "approved");
    // An edit after approval sends it back to review and withdraws every approval.
    let (status, _) = call(
        &app,
        Method::PUT,
        &path(&format!("/blocks/{partner_block}")),
        &keys.partner,
        Some(json!({ "text": "Beaucoup de patients attendent mieux, surtout à l'annonce." })),
    )
    .await;
    assert_eq!(status, 204);
    let (_, body) = call(&app, Method::GET, &path(""), &keys.researcher, None).await;
    assert_eq!(body["state"], "in_review");
    assert_eq!(body["approvals"], json!([]));
    let (status, _) = call(
        &app,
        Method::POST,
        &path("/publish"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!(status, 409);

    // Both roles approve the edited text; the partner cannot publish, the researcher can.
    call(&app, Method::POST, &path("/approve"), &keys.partner, None).await;
    let (_, body) = call(
        &app,
        Method::POST,
        &path("/approve"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!(body["state"], "approved");
    let (status, _) = call(&app, Method::POST, &path("/publish"), &keys.partner, None).await;
    assert_eq!(status, 403);
    let (status, body) = call(
        &app,
        Method::POST,
        &path("/publish"),
        &keys.researcher,
        None,
    )
    .await;
    assert_eq!((status, body["state"].clone()), (200, json!("published")));
    let (status, _) = call(
        &app,
        Method::POST,
        &path("/blocks"),
        &keys.researcher,
        Some(block("item:overall", "action", "too late")),
    )
    .await;
    assert_eq!(status, 409, "a published report is frozen");

    // Authorship and history as stored.
    let (_, body) = call(&app, Method::GET, &path(""), &keys.partner, None).await;
    let blocks = body["blocks"].as_array().expect("blocks");
    let edited = blocks
        .iter()
        .find(|b| b["id"] == partner_block.as_str())
        .expect("partner block");
    assert_eq!(
        (edited["author"].clone(), edited["role"].clone()),
        (json!("Claire Partner"), json!("patient_partner"))
    );
    assert_eq!(edited["version"], 2);
    assert_eq!(
        edited["history"][0]["text"],
        "Beaucoup de patients attendent mieux."
    );
    assert_eq!(body["comments"][0]["author"], "Claire Partner");

    // Contributions: partners record their own time; the ledger comes out as CSV.
    let line = |person: &str| json!({ "person": person, "role": "patient_partner", "activity": "writing", "minutes": 90, "date": "2026-11-20" });
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{wave}/contributions"),
        &keys.partner,
        Some(line("Claire Partner")),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{wave}/contributions"),
        &keys.partner,
        Some(line("Someone Else")),
    )
    .await;
    assert_eq!(status, 403);

    // The rendered report shows who wrote what, in which role.
    let html = text(&app, &path("/html"), &keys.partner).await;
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains(r#"<html lang="fr">"#));
    assert!(
        html.contains("par Claire Partner (patient partenaire)"),
        "authorship shown"
    );
    assert!(html.contains("par Dr Ana Researcher (chercheur·e)"));
    assert!(
        html.contains("<svg role=\"img\""),
        "charts inline and named"
    );
    assert!(html.contains("Claire Partner</strong> (patient partenaire): writing — 1.5 heures"));
    let markdown = text(&app, &path("/markdown"), &keys.partner).await;
    assert!(
        markdown.contains("## Résumé en langage simple")
            && markdown.contains("Il faut mieux expliquer.")
    );
    let csv = text(
        &app,
        &format!("/api/v1/waves/{wave}/contributions.csv"),
        &keys.researcher,
    )
    .await;
    assert_eq!(
        csv,
        "person,role,activity,minutes,date\nClaire Partner,patient_partner,writing,90,2026-11-20\n"
    );
}

async fn text(app: &TestApp, path: &str, key: &str) -> String {
    let mut response = awc::Client::default()
        .get(format!("{}{path}", app.address))
        .insert_header(("Authorization", format!("Bearer {key}")))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status().as_u16(), 200, "{path}");
    let body = response.body().limit(16 << 20).await.expect("body");
    String::from_utf8(body.to_vec()).expect("utf-8")
}

async fn co_design_comments_are_answered_and_kept_with_the_survey_version(backend: Backend) {
    let app = spawn_app(backend).await;
    let keys = keys(&app);
    let survey = app.store.wave(&app.wave).expect("wave").survey_hash;
    let comments = format!("/api/v1/surveys/{survey}/comments");
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/surveys/{survey}/items/surgery_explained/comments"),
        &keys.partner,
        Some(json!({ "text": "« Expliqué » : par qui ? Le chirurgien ou l'infirmière ?" })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().expect("id").to_owned();
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/surveys/{survey}/items/no_such_item/comments"),
        &keys.partner,
        Some(json!({ "text": "?" })),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/item-comments/{id}/answer"),
        &keys.partner,
        Some(json!({ "answer": "x", "resolve": true })),
    )
    .await;
    assert_eq!(status, 403, "researchers answer");
    let (status, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/item-comments/{id}/answer"),
        &keys.researcher,
        Some(json!({ "answer": "Nous ajoutons « par l'équipe soignante ».", "resolve": true })),
    )
    .await;
    assert_eq!(status, 204);
    let (_, body) = call(&app, Method::GET, &comments, &keys.partner, None).await;
    assert_eq!(body[0]["item"], "surgery_explained");
    assert_eq!(body[0]["author"], "Claire Partner");
    assert_eq!(body[0]["answered_by"], "Dr Ana Researcher");
    assert_eq!(body[0]["resolved"], true);
}

async fn partners_sign_in_and_write_on_the_team_pages(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_every_invitation(&app);
    let keys = keys(&app);
    let (_, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{}/reports", app.wave),
        &keys.researcher,
        Some(json!({ "title": "Rapport d'équipe", "lang": "fr", "threshold": 10 })),
    )
    .await;
    let report = body["id"].as_str().expect("report id").to_owned();

    let mut browser = Browser::new(&app);
    let page = browser.get("/team").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains(r#"<label for="key">"#),
        "the key field has a label"
    );
    // A wrong key: the same page, said plainly, no session.
    let refused = browser
        .post(
            "/team/login",
            &[("csrf", &page.csrf()), ("key", "vecu_wrong")],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert!(refused.body.contains("Cette clé n'est pas valable"));
    assert!(browser.session().is_none());
    let signed_in = browser
        .post(
            "/team/login",
            &[("csrf", &page.csrf()), ("key", &keys.partner)],
        )
        .await;
    assert_eq!(
        (signed_in.status, signed_in.location.as_deref()),
        (303, Some("/team/reports"))
    );
    let cookie = signed_in
        .headers
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );

    let list = browser.get("/team/reports").await;
    assert!(
        list.body.contains(&format!("/team/reports/{report}")),
        "the report is listed"
    );
    let path = format!("/team/reports/{report}");
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Important pour les patients"),
        "partners get the priority form"
    );
    let csrf = page.csrf();
    let written = browser
        .post(
            &format!("{path}/blocks"),
            &[
                ("csrf", &csrf),
                ("finding", "item:overall"),
                ("kind", "for_patients"),
                ("text", "Une note de 9 ou 10 reste rare."),
                ("back", "item-overall"),
            ],
        )
        .await;
    assert_eq!(
        (written.status, written.location),
        (303, Some(format!("{path}#item-overall")))
    );
    let marked = browser
        .post(
            &format!("{path}/marks"),
            &[
                ("csrf", &csrf),
                ("finding", "item:overall"),
                ("important", "yes"),
                ("priority", "1"),
                ("back", "item-overall"),
            ],
        )
        .await;
    assert_eq!(marked.status, 303);
    let page = browser.get(&path).await;
    assert!(page.body.contains("Une note de 9 ou 10 reste rare."));
    assert!(
        page.body.contains("par Claire Partner (patient partner)"),
        "authorship shown"
    );
    // A partner cannot publish; the refusal says why. A forged form is refused.
    let publish = browser
        .post(&format!("{path}/publish"), &[("csrf", &csrf)])
        .await;
    assert_eq!(publish.status, 403);
    assert!(
        publish.body.contains("researchers publish"),
        "{}",
        publish.body
    );
    let forged = browser
        .post(&format!("{path}/approve"), &[("csrf", "forged")])
        .await;
    assert_eq!(forged.status, 403);
    // Editing one's own block keeps the earlier text in its history.
    let block = app.store.report(&report).expect("report").blocks[0]
        .id
        .clone();
    let edited = browser
        .post(
            &format!("{path}/blocks/{block}"),
            &[
                ("csrf", &csrf),
                (
                    "text",
                    "Une note de 9 ou 10 reste rare, surtout au site H1.",
                ),
                ("back", "item-overall"),
            ],
        )
        .await;
    assert_eq!(edited.status, 303);
    let stored = app.store.report(&report).expect("report");
    assert_eq!(stored.marks.len(), 1);
    assert_eq!(stored.blocks[0].author, "Claire Partner");
    assert_eq!(stored.blocks[0].version, 2);
    assert_eq!(
        stored.blocks[0].history[0].text,
        "Une note de 9 ou 10 reste rare."
    );

    // Co-design on the pages: the partner comments on a question, a researcher answers and closes.
    let surveys = browser.get("/team/surveys").await;
    let hash = app.store.wave(&app.wave).expect("wave").survey_hash;
    assert!(surveys.body.contains(&format!("/team/surveys/{hash}")));
    let questions = browser.get(&format!("/team/surveys/{hash}")).await;
    assert!(questions.body.contains("Commenter cette question"));
    let sent = browser
        .post(
            &format!("/team/surveys/{hash}/items/surgery_explained/comments"),
            &[
                ("csrf", &questions.csrf()),
                ("text", "Qui explique : le chirurgien ?"),
            ],
        )
        .await;
    assert_eq!(sent.status, 303);
    let comment = app.store.item_comments(&hash).expect("comments")[0]
        .id
        .clone();
    let mut researcher = Browser::new(&app);
    let form = researcher.get("/team?lang=de").await;
    assert!(form.body.contains(r#"<html lang="de">"#) && form.body.contains("Anmelden"));
    let signed_in = researcher
        .post(
            "/team/login",
            &[
                ("csrf", &form.csrf()),
                ("key", &keys.researcher),
                ("lang", "de"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303);
    let page = researcher.get(&format!("/team/surveys/{hash}")).await;
    assert!(
        page.body.contains("Antwort des Teams"),
        "researchers get the answer form, in German"
    );
    let answered = researcher
        .post(
            &format!("/team/item-comments/{comment}/answer"),
            &[
                ("csrf", &page.csrf()),
                ("answer", "Das Behandlungsteam."),
                ("resolve", "yes"),
                ("back", &format!("{hash}#item-surgery_explained")),
            ],
        )
        .await;
    assert_eq!(answered.status, 303);
    let closed = &app.store.item_comments(&hash).expect("comments")[0];
    assert!(closed.resolved && closed.answered_by.as_deref() == Some("Dr Ana Researcher"));

    // Researchers start a report from the pages; partners do not get the form.
    assert!(!browser
        .get("/team/reports")
        .await
        .body
        .contains("Neuer Bericht"));
    let list = researcher.get("/team/reports").await;
    assert!(list.body.contains("Neuer Bericht"), "the form is in German");
    let started = researcher
        .post(
            "/team/reports",
            &[
                ("csrf", &list.csrf()),
                ("wave", &app.wave),
                ("title", "Bericht 2027"),
                ("lang", "de"),
                ("threshold", "10"),
                ("required_researchers", "1"),
                ("required_partners", "2"),
            ],
        )
        .await;
    assert_eq!(started.status, 303);
    let location = started.location.expect("the new report");
    let page = researcher.get(&location).await;
    assert!(page.body.contains("Bericht 2027") && page.body.contains(r#"<html lang="de">"#));
    let id = location.trim_start_matches("/team/reports/");
    assert_eq!(app.store.report(id).expect("stored").required_partners, 2);
}
