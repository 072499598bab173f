//! Code mode through the API: a hospital's frame in, the mail-merge file out; the references
//! to remind, without those who answered.

use awc::http::Method;
use vecu_store::{AccessCode, Backend, Role, TokenState};

use crate::helpers::{api, on_both_backends, spawn_app};

on_both_backends!(letters_and_reminders_through_the_api);

async fn send_csv(url: String, key: &str, body: Option<String>) -> (u16, String) {
    let request = awc::Client::default()
        .request(
            if body.is_some() {
                Method::POST
            } else {
                Method::GET
            },
            url,
        )
        .insert_header(("Authorization", format!("Bearer {key}")));
    let mut response = match body {
        Some(body) => {
            request
                .insert_header(("Content-Type", "text/csv"))
                .send_body(body)
                .await
        }
        None => request.send().await,
    }
    .expect("the server answers");
    let bytes = response.body().await.expect("body");
    (
        response.status().as_u16(),
        String::from_utf8(bytes.to_vec()).expect("utf-8"),
    )
}

async fn letters_and_reminders_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, researcher) = app
        .store
        .create_api_key("Dr R", Role::Researcher)
        .expect("key");
    let (_, partner) = app
        .store
        .create_api_key("P", Role::PatientPartner)
        .expect("key");
    let url = format!("{}/api/v1/waves/{}/letters", app.address, app.wave);
    let frame = "ref,language,site,age_band,sex\nK-1,fr,H1,50-69,F\nK-2,de,H2,70+,M\n";

    let (status, _) = send_csv(url.clone(), &partner, Some(frame.to_owned())).await;
    assert_eq!(status, 403, "partners never see codes");
    // A frame with an e-mail column is refused, with the line and column.
    let (status, body) = api(
        Method::POST,
        url.clone(),
        Some(&researcher),
        Some((
            "text/csv",
            "ref,language,email,site,age_band,sex\nK-9,fr,a@b.ch,H1,50-69,F\n".to_owned(),
        )),
    )
    .await;
    assert_eq!(status, 422, "{body}");

    let (status, body) = send_csv(url, &researcher, Some(frame.to_owned())).await;
    assert_eq!(status, 200, "{body}");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "ref,language,code,address,link,results");
    let results = app.store.results_code(&app.wave).expect("its code");
    assert!(
        lines[1].ends_with(&format!("/results/{results}")),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 3);
    let code_of = |line: &str| line.split(',').nth(2).unwrap_or_default().to_owned();
    let first =
        AccessCode::parse(&code_of(lines[1])).expect("a valid code with its check character");
    assert!(
        lines[1].starts_with("K-1,fr,")
            && lines[1].contains(&format!("/code?code={first}&lang=fr"))
    );
    let TokenState::Usable(invitation) = app.store.lookup_code(&first).expect("look-up") else {
        panic!("the code leads to its letter");
    };

    // K-1 answers: only K-2 is left to remind.
    let survey = app
        .store
        .survey(&app.store.wave(&app.wave).expect("wave").survey_hash)
        .expect("survey");
    let response = survey
        .validate(&serde_json::json!({ "surgery": "no", "overall": 7 }))
        .expect("valid");
    app.store
        .submit(&invitation.id, &response, vecu_store::Mode::WebCode)
        .expect("submitted");
    let reminders = format!("{}/api/v1/waves/{}/reminders.csv", app.address, app.wave);
    let (status, body) = send_csv(reminders, &researcher, None).await;
    assert_eq!((status, body.as_str()), (200, "ref\nK-2\n"));
}
