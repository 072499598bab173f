//! The public results page of a wave: 404 with a clear message before publication and at an
//! unknown address; after, the published report's summary, how many answered and the domains'
//! charts, in the visitor's language, without a cookie, and not one row written by visits.

use awc::http::Method;
use serde_json::json;
use vecu_store::Backend;

use crate::helpers::{on_both_backends, row_counts, spawn_app, TestApp};
use crate::hospitals::{answer_at_three_sites, MarkedReport};
use crate::reports::call;

on_both_backends!(the_public_results_page_shows_the_published_summary_and_keeps_nothing);

/// A visit: status, body and whether a cookie was set.
async fn visit(app: &TestApp, path: &str, accept_language: Option<&str>) -> (u16, String, bool) {
    let mut request = awc::Client::default().get(format!("{}{path}", app.address));
    if let Some(languages) = accept_language {
        request = request.insert_header(("Accept-Language", languages));
    }
    let mut response = request.send().await.expect("answers");
    let body = response.body().await.expect("body");
    (
        response.status().as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
        response.headers().contains_key("set-cookie"),
    )
}

async fn the_public_results_page_shows_the_published_summary_and_keeps_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    answer_at_three_sites(&app);
    let code = app.store.results_code(&app.wave).expect("the wave's code");
    assert_eq!(
        app.store.results_code(&app.wave).expect("again"),
        code,
        "one address per wave"
    );
    let page = format!("/results/{code}");

    // Before publication: 404 saying so, in French unless the browser prefers another language.
    let (status, body, cookie) = visit(&app, &page, None).await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body.contains("Les résultats ne sont pas encore publiés"),
        "{body}"
    );
    assert!(!cookie);
    let (status, body, _) = visit(&app, &page, Some("de-CH,de;q=0.9")).await;
    assert_eq!(status, 404);
    assert!(
        body.contains("<html lang=\"de\">")
            && body.contains("Die Ergebnisse sind noch nicht veröffentlicht"),
        "{body}"
    );
    // An address no wave has, or with a typing error: 404 saying to check the letter.
    let mut typo: Vec<char> = code.as_str().chars().collect();
    typo[0] = if typo[0] == 'A' { 'B' } else { 'A' };
    for unknown in [
        "/results/nothing".to_owned(),
        format!("/results/{}", typo.iter().collect::<String>()),
    ] {
        let (status, body, _) = visit(&app, &unknown, Some("en")).await;
        assert_eq!(status, 404, "{unknown}");
        assert!(
            body.contains("check the address printed on your letter"),
            "{body}"
        );
    }

    // The partners write the summary; the report is published.
    let marked = MarkedReport::new(&app);
    let summary = "La plupart des patients sont contents. Il faut mieux expliquer la maladie.";
    app.store
        .add_block(
            &marked.partner_key,
            &marked.report,
            "summary",
            "summary",
            summary,
        )
        .expect("the summary");
    marked.approve(&app);
    let publish = format!("/api/v1/reports/{}/publish", marked.report);
    let (status, body) = call(&app, Method::POST, &publish, &marked.researcher, None).await;
    assert_eq!((status, body["state"].clone()), (200, json!("published")));

    // Visits, typed any way, in every language, write nothing and set no cookie.
    let before = row_counts(&app, backend);
    let typed = format!("/results/{}", code.to_string().to_lowercase());
    let (status, body, cookie) = visit(&app, &typed, None).await;
    assert_eq!(status, 200, "{body}");
    assert!(!cookie, "a cookie on the public page");
    assert!(body.contains("<html lang=\"fr\">"), "{body}");
    assert!(body.contains(summary), "the partners' summary");
    assert!(
        body.contains("22 patientes et patients ont répondu"),
        "how many answered: {body}"
    );
    assert!(
        body.contains("Ce qui va bien")
            && body.contains("Les résultats par thème")
            && body.contains("<h3 lang=\"fr\">Information</h3>"),
        "{body}"
    );
    assert!(!body.contains("<script"), "no script");
    let (status, body, cookie) = visit(&app, &format!("{page}?lang=de"), Some("it")).await;
    assert_eq!(status, 200);
    assert!(!cookie);
    assert!(
        body.contains("<html lang=\"de\">")
            && body.contains("Ergebnisse der Befragung")
            && body.contains("Originaltext auf:"),
        "{body}"
    );
    assert!(
        body.contains(&format!("lang=\"fr\"><p>{summary}")),
        "the summary keeps its language: {body}"
    );
    // Questions and domains in the visitor's language, from the survey.
    let goes_well = body
        .split("Was gut läuft")
        .nth(1)
        .and_then(|rest| rest.split("</ol>").next())
        .expect("what goes well");
    assert!(goes_well.contains("<span lang=\"de\">"), "{goes_well}");
    assert!(body.contains("<h3 lang=\"de\">Information</h3>"), "{body}");
    assert!(body.contains("Punktzahl: "), "{body}");
    let (status, body, _) = visit(&app, &page, Some("it-CH, en;q=0.5")).await;
    assert_eq!(status, 200);
    assert!(body.contains("<html lang=\"it\">") && body.contains("Chi ha risposto"));
    assert_eq!(
        row_counts(&app, backend),
        before,
        "a visit of the public page wrote rows"
    );
}
