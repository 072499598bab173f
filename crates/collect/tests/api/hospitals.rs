//! Hospital keys over HTTP: a key bound to H1 reads H1's report and the all-sites benchmark
//! through the API and on the team pages, and is refused another site, microdata, contact
//! data, drafts, the co-authors' pages and, once revoked, everything.

use awc::http::Method;
use serde_json::{json, Value};
use vecu_store::{ApiKey, Backend, Role};

use crate::helpers::{on_both_backends, spawn_app, Browser, TestApp};
use crate::reports::{answer_all, call};
use crate::roles::team_sign_in;

on_both_backends!(
    a_hospital_key_sees_its_site_and_the_benchmark_and_nothing_else,
    a_hospital_report_shows_the_change_since_the_last_closed_wave,
    a_hospital_report_shows_what_patient_partners_put_first,
    publishing_the_report_releases_each_sites_results,
    a_hospital_report_is_in_its_sites_language_unless_asked_for_another
);

/// Twelve responses at H1, four at H2 and six at H3 (both below the threshold of 10, and
/// together at it, so that H1 can be shown: the overall minus H1 gives nobody's figure); the
/// wave closed.
pub(crate) fn answer_at_three_sites(app: &TestApp) {
    let mut more = String::new();
    for (site, count, band, sex) in [
        ("H1", 6, "50-69", "F"),
        ("H2", 4, "70+", "M"),
        ("H3", 6, "18-49", "M"),
    ] {
        for idx in 0..count {
            more.push_str(&format!(
                "{site}-{idx}@example.org,fr,{site},{band},{sex}\n"
            ));
        }
    }
    answer_all(app, &more, |index| {
        let explained = ["1", "2", "3"][index % 3];
        json!({ "surgery": "yes", "surgery_explained": explained, "overall": 4 + (index % 7) as i64 })
    });
}

async fn text(app: &TestApp, path: &str, key: &str) -> (u16, String) {
    let mut response = awc::Client::default()
        .get(format!("{}{path}", app.address))
        .insert_header(("Authorization", format!("Bearer {key}")))
        .send()
        .await
        .expect("answers");
    let body = response.body().await.expect("body");
    (
        response.status().as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

async fn a_hospital_key_sees_its_site_and_the_benchmark_and_nothing_else(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let wave = app.wave.clone();
    let researcher = app
        .store
        .create_api_key("Rita", Role::Researcher)
        .expect("key")
        .1;
    let (h1_holder, h1) = app
        .store
        .create_hospital_key("Quality H1", &["H1".to_owned()])
        .expect("key");
    let h2 = app
        .store
        .create_hospital_key("Quality H2", &["H2".to_owned()])
        .expect("key")
        .1;
    let sites = format!("/api/v1/waves/{wave}/sites");

    // Hospitals cannot release; researchers release every site's results.
    let (status, _) = call(&app, Method::POST, &sites, &h1, None).await;
    assert_eq!(status, 403);
    let (status, body) = call(&app, Method::POST, &sites, &researcher, Some(json!({}))).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["sites"], json!(["H1", "H2", "H3"]));

    // Its own site: listed, as JSON and as the hospital report, in the language asked.
    let (status, body) = call(&app, Method::GET, &sites, &h1, None).await;
    assert_eq!((status, body), (200, json!({ "sites": ["H1"] })));
    let (status, body) = call(&app, Method::GET, &format!("{sites}/H1"), &h1, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["site"], "H1");
    assert_eq!(body["shown"], true);
    let measures = body["measures"].as_array().expect("measures");
    assert!(
        measures.iter().any(|m| m["all_sites"].is_number()),
        "{body}"
    );
    assert!(body["response_rate"].is_number(), "{body}");
    assert_eq!(body["site_respondents"], 12, "{body}");
    assert!(
        measures.iter().any(|m| m["expected_low"].is_number()),
        "{body}"
    );
    let (status, html) = text(&app, &format!("{sites}/H1/report?lang=de"), &h1).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("<html lang=\"de\">") && html.contains("Erwarteter Bereich"));
    assert!(
        !html.contains("H2") && !html.contains("H3"),
        "another site named"
    );

    // The attack: another site, released or not, as JSON or as a report.
    for path in [
        format!("{sites}/H2"),
        format!("{sites}/H2/report"),
        format!("{sites}/H3/report"),
    ] {
        let (status, body) = text(&app, &path, &h1).await;
        assert_eq!(status, 403, "{path}: {body}");
        assert!(!body.contains("\"score\""), "{path}");
    }
    // H2 had 4 respondents: its key gets the benchmark and the notice, no figure of H2.
    let (status, body) = call(&app, Method::GET, &format!("{sites}/H2"), &h2, None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["shown"], false);
    for measure in body["measures"].as_array().expect("measures") {
        assert_eq!(measure["score"], Value::Null, "{measure}");
        assert_eq!(measure["n"], Value::Null, "{measure}");
    }
    let (status, html) = text(&app, &format!("{sites}/H2/report?lang=en"), &h2).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("Fewer than 10 patients of this site answered"),
        "{html}"
    );

    // Microdata, contact data, the whole analysis, drafts: refused.
    let report = json!({ "title": "Mine", "lang": "fr", "threshold": 10 });
    for (method, path, body) in [
        (
            Method::GET,
            format!("/api/v1/waves/{wave}/export?format=csv"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/waves/{wave}/export?format=parquet&k=2"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v1/waves/{wave}/reminders.csv"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/waves/{wave}/letters"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/waves/{wave}/reports"),
            Some(report),
        ),
        (
            Method::POST,
            format!("/api/v1/waves/{wave}/invitations"),
            Some(json!({})),
        ),
        (
            Method::POST,
            format!("/api/v1/waves/{wave}/close"),
            Some(json!({})),
        ),
    ] {
        let (status, body) = call(&app, method.clone(), &path, &h1, body).await;
        assert_eq!(status, 403, "{method} {path}: {body}");
    }
    let (status, body) = call(
        &app,
        Method::POST,
        &format!("/api/v1/waves/{wave}/reports"),
        &researcher,
        Some(json!({ "title": "Draft", "lang": "fr", "threshold": 10 })),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let draft = body["id"].as_str().expect("id").to_owned();
    for path in [
        format!("/api/v1/reports/{draft}"),
        format!("/api/v1/reports/{draft}/html"),
    ] {
        let (status, _) = text(&app, &path, &h1).await;
        assert_eq!(status, 404, "{path}: a draft is not found for a hospital");
    }
    // Counts: the whole wave and its own site only.
    let (status, body) = call(
        &app,
        Method::GET,
        &format!("/api/v1/waves/{wave}"),
        &h1,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let listed: Vec<&str> = body["sites"]
        .as_array()
        .expect("sites")
        .iter()
        .filter_map(|site| site["site"].as_str())
        .collect();
    assert_eq!(listed, ["H1"], "{body}");

    // The team pages: its own sites' results, in the language chosen at sign-in; nothing of
    // the co-authors' pages (drafts), no other site.
    let mut browser = Browser::new(&app);
    let signed_in = team_sign_in(&mut browser, &h1).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert_eq!(signed_in.location.as_deref(), Some("/team/sites"));
    let list = browser.get("/team/sites").await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert!(
        list.body.contains(&format!("/team/sites/{wave}/H1")),
        "{}",
        list.body
    );
    assert!(
        !list.body.contains("/H2") && !list.body.contains("/H3"),
        "{}",
        list.body
    );
    let own = browser.get(&format!("/team/sites/{wave}/H1")).await;
    assert_eq!(own.status, 200);
    assert!(own.body.contains("<html lang=\"fr\">") && own.body.contains("Plage attendue"));
    let other = browser.get(&format!("/team/sites/{wave}/H2")).await;
    assert_eq!(other.status, 403, "{}", other.body);
    assert!(!other.body.contains("Plage attendue"));
    for page in [
        "/team/reports".to_owned(),
        format!("/team/reports/{draft}"),
        "/team/surveys".to_owned(),
    ] {
        let refused = browser.get(&page).await;
        assert_eq!(refused.status, 303, "{page}");
        assert_eq!(refused.location.as_deref(), Some("/team"), "{page}");
    }

    // The API document describes the sites' endpoints.
    let (status, document) = call(&app, Method::GET, "/api/v1/openapi.json", &h1, None).await;
    assert_eq!(status, 200);
    for path in [
        "/api/v1/waves/{wave}/sites",
        "/api/v1/waves/{wave}/sites/{site}",
        "/api/v1/waves/{wave}/sites/{site}/report",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }

    // Revoked: refused from the next request on.
    assert!(app.store.revoke_api_key(&h1_holder.id).expect("revoked"));
    let (status, _) = call(&app, Method::GET, &format!("{sites}/H1"), &h1, None).await;
    assert_eq!(status, 401);
}

/// A second wave of the same survey after the first closed: H1's report of it shows the change
/// since the first, which H1's report of the first, released before, could not.
async fn a_hospital_report_shows_the_change_since_the_last_closed_wave(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let store = &app.store;
    let researcher = store
        .create_api_key("Rita", Role::Researcher)
        .expect("key")
        .1;
    let h1 = store
        .create_hospital_key("Quality H1", &["H1".to_owned()])
        .expect("key")
        .1;
    let report = |wave: String| {
        let (researcher, h1) = (researcher.clone(), h1.clone());
        let app = &app;
        async move {
            let sites = format!("/api/v1/waves/{wave}/sites");
            let (status, body) =
                call(app, Method::POST, &sites, &researcher, Some(json!({}))).await;
            assert_eq!(status, 200, "{body}");
            let (status, html) = text(app, &format!("{sites}/H1/report?lang=fr"), &h1).await;
            assert_eq!(status, 200, "{html}");
            html
        }
    };
    let change = "Évolution depuis la vague précédente";
    let first = report(app.wave.clone()).await;
    assert!(!first.contains(change), "the first wave has no earlier one");

    let survey_hash = store.wave(&app.wave).expect("wave").survey_hash;
    let survey = store.survey(&survey_hash).expect("survey");
    let second = store.create_wave(&survey_hash, "2027").expect("wave");
    let mut frame = String::from("email,language,site,age_band,sex\n");
    for (site, count) in [("H1", 12), ("H2", 4), ("H3", 6)] {
        for idx in 0..count {
            frame.push_str(&format!("{site}-b{idx}@example.org,fr,{site},50-69,F\n"));
        }
    }
    store
        .import_frame(&second, frame.as_bytes())
        .expect("frame");
    store.open_wave(&second).expect("open");
    for (index, token) in store
        .issue_tokens(&second)
        .expect("tokens")
        .iter()
        .enumerate()
    {
        // Everyone explains surgery well this time.
        let answers = json!({ "surgery": "yes", "surgery_explained": "1", "overall": 4 + (index % 7) as i64 });
        let response = survey.validate(&answers).expect("valid");
        store
            .submit(&token.invitation, &response, vecu_store::Mode::WebLink)
            .expect("submitted");
    }
    store.close_wave(&second).expect("closed");
    let later = report(second).await;
    assert!(later.contains(change), "{later}");
}

/// The keys and the report of the partners' priorities: a researcher starts a French report of
/// the wave, a partner ranks the overall rating first in it, and H1 has its hospital key.
pub(crate) struct MarkedReport {
    pub(crate) researcher_key: ApiKey,
    pub(crate) researcher: String,
    pub(crate) partner_key: ApiKey,
    pub(crate) h1: String,
    pub(crate) report: String,
}

impl MarkedReport {
    pub(crate) fn new(app: &TestApp) -> MarkedReport {
        let store = &app.store;
        let (researcher_key, researcher) =
            store.create_api_key("Rita", Role::Researcher).expect("key");
        let (partner_key, _) = store
            .create_api_key("Paul", Role::PatientPartner)
            .expect("key");
        let h1 = store
            .create_hospital_key("Quality H1", &["H1".to_owned()])
            .expect("key")
            .1;
        let settings = vecu_collect::ReportSettings {
            title: "SCAPE".to_owned(),
            lang: "fr".to_owned(),
            threshold: 10,
            required_researchers: 1,
            required_partners: 1,
            engagement_wave: None,
        };
        let report = vecu_collect::create_report(store, &researcher_key, &app.wave, &settings)
            .expect("report");
        store
            .mark_finding(&partner_key, &report, "item:overall", true, Some(1))
            .expect("marked");
        MarkedReport {
            researcher_key,
            researcher,
            partner_key,
            h1,
            report,
        }
    }

    /// Sent for review and approved by both roles: ready to publish.
    pub(crate) fn approve(&self, app: &TestApp) {
        let store = &app.store;
        store
            .submit_report(&self.researcher_key, &self.report)
            .expect("in review");
        for key in [&self.researcher_key, &self.partner_key] {
            store.approve_report(key, &self.report).expect("approved");
        }
    }
}

/// The heading of the partners' priorities in a French hospital report.
const PARTNERS_FIRST: &str = "Ce que les patients partenaires placent en premier";

/// The patient partners rank the overall rating first in the wave's report: once that report is
/// published, each site's hospital report lists it under what they put first; before, not.
async fn a_hospital_report_shows_what_patient_partners_put_first(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let wave = app.wave.clone();
    let marked = MarkedReport::new(&app);
    let released = || async {
        let sites = format!("/api/v1/waves/{wave}/sites");
        let (status, body) = call(
            &app,
            Method::POST,
            &sites,
            &marked.researcher,
            Some(json!({})),
        )
        .await;
        assert_eq!(status, 200, "{body}");
        let (status, html) = text(&app, &format!("{sites}/H1/report?lang=fr"), &marked.h1).await;
        assert_eq!(status, 200, "{html}");
        html
    };
    let draft = released().await;
    assert!(
        !draft.contains(PARTNERS_FIRST),
        "a draft's marks stay with the co-authors"
    );
    marked.approve(&app);
    app.store
        .publish_report(&marked.researcher_key, &marked.report)
        .expect("published");
    let published = released().await;
    let section = published
        .split(PARTNERS_FIRST)
        .nth(1)
        .expect("the partners' priorities after publication");
    assert!(section.contains("<ol>"), "{section}");
}

/// Publishing the wave's report over the API releases each site's results in the same
/// operation: before, H1's key finds no results; after, without any release call, it reads its
/// report with the priorities the partners marked in the report just published.
async fn publishing_the_report_releases_each_sites_results(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let wave = app.wave.clone();
    let marked = MarkedReport::new(&app);
    marked.approve(&app);
    let h1_report = format!("/api/v1/waves/{wave}/sites/H1/report?lang=fr");
    let (status, body) = text(&app, &h1_report, &marked.h1).await;
    assert_eq!(status, 404, "nothing released before publication: {body}");

    let publish = format!("/api/v1/reports/{}/publish", marked.report);
    let (status, body) = call(&app, Method::POST, &publish, &marked.researcher, None).await;
    assert_eq!((status, body["state"].clone()), (200, json!("published")));

    let sites = format!("/api/v1/waves/{wave}/sites");
    let (status, body) = call(&app, Method::GET, &sites, &marked.h1, None).await;
    assert_eq!((status, body), (200, json!({ "sites": ["H1"] })));
    let (status, html) = text(&app, &h1_report, &marked.h1).await;
    assert_eq!(status, 200, "{html}");
    let section = html
        .split(PARTNERS_FIRST)
        .nth(1)
        .expect("the priorities of the report just published");
    assert!(section.contains("<ol>"), "{section}");
}

/// A researcher sets H1's language to German: H1's hospital report comes in German when its
/// reader asks for no language, in French when asked; a hospital key cannot set it; forgotten,
/// the report is in the survey's first language again.
async fn a_hospital_report_is_in_its_sites_language_unless_asked_for_another(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let wave = app.wave.clone();
    let marked = MarkedReport::new(&app);
    marked.approve(&app);
    let publish = format!("/api/v1/reports/{}/publish", marked.report);
    let (status, _) = call(&app, Method::POST, &publish, &marked.researcher, None).await;
    assert_eq!(status, 200);
    let report = format!("/api/v1/waves/{wave}/sites/H1/report");
    let html_lang = |html: &str| {
        html.split("<html lang=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };

    let set = |key: String, lang: serde_json::Value| {
        let app = &app;
        async move {
            let body = Some(json!({ "lang": lang }));
            call(app, Method::PUT, "/api/v1/sites/H1/language", &key, body).await
        }
    };
    let (status, _) = set(marked.h1.clone(), json!("de")).await;
    assert_eq!(status, 403, "a hospital key sets no language");
    let (status, body) = set(marked.researcher.clone(), json!("not a language")).await;
    assert!((400..500).contains(&status), "{status} {body}");
    let (status, _) = set(marked.researcher.clone(), json!("de")).await;
    assert_eq!(status, 204);
    let (status, html) = text(&app, &report, &marked.h1).await;
    assert_eq!((status, html_lang(&html)), (200, "de".to_owned()));
    let (_, html) = text(&app, &format!("{report}?lang=fr"), &marked.h1).await;
    assert_eq!(html_lang(&html), "fr", "the reader's choice wins");

    let (status, _) = set(marked.researcher.clone(), json!(null)).await;
    assert_eq!(status, 204);
    let (_, html) = text(&app, &report, &marked.h1).await;
    assert_eq!(html_lang(&html), "fr", "the survey's first language again");

    // The same on the team pages: a researcher's list of sites has a form per site.
    let mut lead = Browser::new(&app);
    team_sign_in(&mut lead, &marked.researcher).await;
    let sites = lead.get("/team/sites").await;
    assert_eq!(sites.status, 200);
    assert!(
        sites
            .body
            .contains(r#"<form id="site-H1" method="post" action="/team/sites/H1/language">"#)
            && sites.body.contains(r#"<option value="" selected>"#),
        "{}",
        sites.body
    );
    let saved = lead
        .post(
            "/team/sites/H1/language",
            &[("csrf", &sites.csrf()), ("lang", "it")],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    assert_eq!(saved.location.as_deref(), Some("/team/sites#site-H1"));
    let sites = lead.get("/team/sites").await;
    assert!(
        sites
            .body
            .contains(r#"<option value="it" selected>Italiano</option>"#),
        "{}",
        sites.body
    );
    let (_, html) = text(&app, &report, &marked.h1).await;
    assert_eq!(html_lang(&html), "it");
    // A hospital's list has no such form, and its post changes nothing.
    let mut hospital = Browser::new(&app);
    team_sign_in(&mut hospital, &marked.h1).await;
    let own = hospital.get("/team/sites").await;
    assert_eq!(own.status, 200);
    assert!(!own.body.contains("/language"), "{}", own.body);
    let refused = hospital
        .post(
            "/team/sites/H1/language",
            &[("csrf", &own.csrf()), ("lang", "de")],
        )
        .await;
    assert_eq!(
        (refused.status, refused.location.as_deref()),
        (303, Some("/team")),
        "a hospital is sent to sign in as a co-author"
    );
    let (_, html) = text(&app, &report, &marked.h1).await;
    assert_eq!(html_lang(&html), "it");
}
