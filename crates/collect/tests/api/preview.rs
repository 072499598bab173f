//! The team's preview of a survey version: the patient's pages in every language with skip
//! logic, marked as a preview, without an invitation, and not one row written anywhere.

use vecu_store::{Backend, Role};

use crate::helpers::{on_both_backends, row_counts, spawn_app, Browser, Page};

on_both_backends!(a_full_preview_walk_stores_nothing);

/// The value of the hidden field `name`, as the browser would send it back.
fn hidden(page: &Page, name: &str) -> String {
    let marker = format!(r#"name="{name}" value=""#);
    let start = page.body.find(&marker).expect("the hidden field") + marker.len();
    let value = page.body[start..].split('"').next().expect("value");
    value
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Posts a preview page with these fields, the page's CSRF token, language and carried answers.
async fn post(browser: &mut Browser, from: &Page, action: &str, fields: &[(&str, &str)]) -> Page {
    let (csrf, lang, answers) = (from.csrf(), hidden(from, "lang"), hidden(from, "answers"));
    let mut all = vec![
        ("csrf", csrf.as_str()),
        ("lang", lang.as_str()),
        ("answers", answers.as_str()),
    ];
    all.extend_from_slice(fields);
    browser.post(action, &all).await
}

async fn a_full_preview_walk_stores_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, key) = app
        .store
        .create_api_key("Partner P", Role::PatientPartner)
        .expect("key");
    let hash = app
        .store
        .surveys()
        .expect("surveys")
        .into_iter()
        .next()
        .map(|(hash, _, _)| hash)
        .expect("the example survey is stored");
    let base = format!("/team/surveys/{hash}/preview");

    // Without signing in: the sign-in page, nothing of the survey.
    let mut stranger = Browser::new(&app);
    let refused = stranger.get(&base).await;
    assert_eq!(
        (refused.status, refused.location.as_deref()),
        (303, Some("/team"))
    );

    let mut member = Browser::new(&app);
    let form = member.get("/team").await;
    let signed_in = member
        .post("/team/login", &[("csrf", &form.csrf()), ("key", &key)])
        .await;
    assert_eq!(signed_in.status, 303);
    let codesign = member.get(&format!("/team/surveys/{hash}")).await;
    assert!(
        codesign.body.contains(&format!(r#"href="{base}?lang="#)),
        "the co-design page leads to the preview"
    );
    let before = row_counts(&app, backend);
    assert!(
        before.iter().any(|(table, _)| table == "responses")
            && before.iter().any(|(table, _)| table == "drafts"),
        "{before:?}"
    );

    // Every language, marked as a preview.
    for (lang, banner, title) in [
        ("fr", "Aperçu pour l’équipe", "Aperçu : "),
        ("de", "Vorschau für das Team", "Vorschau: "),
        ("it", "Anteprima per il team", "Anteprima: "),
        ("en", "Team preview", "Preview: "),
    ] {
        let welcome = member.get(&format!("{base}?lang={lang}")).await;
        assert_eq!(welcome.status, 200, "{lang}");
        assert!(welcome.body.contains(&format!(r#"<html lang="{lang}">"#)));
        assert!(welcome.body.contains(banner), "{lang}: {}", welcome.body);
        assert!(welcome.body.contains(&format!("<h1>{title}")), "{lang}");
        assert!(welcome
            .body
            .contains(&format!(r#"href="{base}/0?lang={lang}""#)));
    }

    // A full walk in German: skip logic, an error, back and forth, the end.
    let first = member.get(&format!("{base}/0?lang=de")).await;
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Vorschau für das Team"));
    assert!(first.body.contains(&format!(r#"action="{base}/0""#)));
    assert!(
        !first.body.contains(r#"name="nights""#),
        "skipped until surgery = yes"
    );
    let page_0 = [("shown", "diagnosis_month"), ("shown", "surgery")];
    let mut fields = vec![("surgery", "yes"), ("action", "next")];
    fields.extend(page_0);
    let revealed = post(&mut member, &first, &format!("{base}/0"), &fields).await;
    assert_eq!(revealed.status, 200);
    assert!(
        revealed.body.contains(r#"name="nights""#),
        "the branch opens"
    );
    assert!(revealed.body.contains("Vorschau für das Team"));

    let page_0 = [
        ("shown", "diagnosis_month"),
        ("shown", "surgery"),
        ("shown", "surgery_explained"),
        ("shown", "nights"),
    ];
    let mut fields = vec![
        ("surgery", "yes"),
        ("surgery_explained", "1"),
        ("nights", "drei"),
        ("action", "next"),
    ];
    fields.extend(page_0);
    let invalid = post(&mut member, &revealed, &format!("{base}/0"), &fields).await;
    assert_eq!(invalid.status, 422);
    assert!(invalid.body.contains(r##"href="#q-nights""##));

    let mut first_page = vec![
        ("surgery", "yes"),
        ("surgery_explained", "1"),
        ("nights", "4"),
        ("diagnosis_month.month", "3"),
        ("diagnosis_month.year", "2024"),
        ("action", "next"),
    ];
    first_page.extend(page_0);
    let second = post(&mut member, &invalid, &format!("{base}/0"), &first_page).await;
    assert_eq!(second.status, 200);
    assert!(second.body.contains(r#"name="overall""#), "the next page");
    assert!(second.body.contains("Vorschau für das Team"));
    assert!(hidden(&second, "answers").contains(r#""nights":4"#));

    // Back: the first page with its answers, kept in the form alone.
    let back = post(
        &mut member,
        &second,
        &format!("{base}/1"),
        &[("action", "back")],
    )
    .await;
    assert_eq!(back.status, 200);
    assert!(back.body.contains(r#"name="nights""#) && back.body.contains(r#"value="4""#));

    let again = post(&mut member, &back, &format!("{base}/0"), &first_page).await;
    assert!(again.body.contains(r#"name="overall""#));
    let mut fields = vec![
        ("support_from", "family"),
        ("staff.doctors", "1"),
        ("overall", "9"),
        ("comments", "Danke."),
        ("action", "next"),
    ];
    fields.extend([
        ("shown", "support_from"),
        ("shown", "staff"),
        ("shown", "thanks_note"),
        ("shown", "overall"),
        ("shown", "comments"),
    ]);
    let end = post(&mut member, &again, &format!("{base}/1"), &fields).await;
    assert_eq!(end.status, 200);
    assert!(end.body.contains("Ende der Vorschau"), "{}", end.body);
    assert!(
        end.body
            .contains("Sie haben 8 Fragen beantwortet; nichts wurde gespeichert."),
        "{}",
        end.body
    );

    // The paper version, in Italian and in large print.
    let paper = member
        .get(&format!("/team/surveys/{hash}/paper?lang=it&large=1"))
        .await;
    assert_eq!(paper.status, 200);
    assert!(paper.body.contains(r#"<html lang="it""#), "{}", paper.body);
    assert!(paper.body.contains("Quando è stata posta la diagnosi?"));
    assert_ne!(
        paper.body,
        member
            .get(&format!("/team/surveys/{hash}/paper?lang=it"))
            .await
            .body,
        "large print differs"
    );

    // A form from elsewhere is refused.
    let forged = member
        .post(
            &format!("{base}/0"),
            &[("csrf", "forged"), ("lang", "de"), ("answers", "{}")],
        )
        .await;
    assert_eq!(forged.status, 403);

    assert_eq!(row_counts(&app, backend), before, "the preview wrote rows");
    assert_eq!(
        app.store
            .wave_status_now(&app.wave)
            .expect("status")
            .responses,
        0
    );
}
