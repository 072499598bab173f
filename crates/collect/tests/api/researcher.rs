//! The researchers' JSON API: keys, roles, errors, OpenAPI.

use vecu_store::{Backend, Role};

use crate::helpers::{api, on_both_backends, spawn_app};

on_both_backends!(keys_and_roles_guard_the_api);

async fn call(
    method: awc::http::Method,
    url: String,
    key: Option<&str>,
) -> (u16, serde_json::Value) {
    api(method, url, key, None).await
}

async fn keys_and_roles_guard_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, researcher) = app
        .store
        .create_api_key("Dr Research", Role::Researcher)
        .expect("key");
    let (_, partner) = app
        .store
        .create_api_key("Patient partner", Role::PatientPartner)
        .expect("key");
    let get = awc::http::Method::GET;
    let post = awc::http::Method::POST;
    let waves = format!("{}/api/v1/waves", app.address);

    let (status, body) = call(get.clone(), waves.clone(), None).await;
    assert_eq!(status, 401);
    assert!(
        body["fix"]
            .as_str()
            .is_some_and(|fix| fix.contains("create-key")),
        "{body}"
    );
    assert_eq!(
        call(get.clone(), waves.clone(), Some("vecu_not-a-key"))
            .await
            .0,
        401
    );

    let (status, body) = call(get.clone(), waves.clone(), Some(&researcher)).await;
    assert_eq!(status, 200);
    assert_eq!(body[0]["id"], app.wave.as_str());
    let wave = format!("{waves}/{}", app.wave);
    let (status, body) = call(get.clone(), wave.clone(), Some(&partner)).await;
    assert_eq!(status, 200, "partners read status and response rates");
    assert_eq!(body["overall"]["by_status"]["invited"], 6);
    assert!(
        !body.to_string().contains("@example.org"),
        "no contact data in the API"
    );
    assert_eq!(
        call(get.clone(), format!("{waves}/nope"), Some(&researcher))
            .await
            .0,
        404
    );

    let close = format!("{wave}/close");
    assert_eq!(
        call(post.clone(), close.clone(), Some(&partner)).await.0,
        403,
        "partners never touch fieldwork"
    );
    let (status, body) = call(post.clone(), close.clone(), Some(&researcher)).await;
    assert_eq!((status, body["contacts_erased"].as_i64()), (200, Some(6)));
    assert_eq!(
        call(post, close, Some(&researcher)).await.0,
        409,
        "closing twice conflicts"
    );

    let (status, document) = call(get, format!("{}/api/v1/openapi.json", app.address), None).await;
    assert_eq!(status, 200);
    assert_eq!(document["openapi"], "3.1.0");
    for path in [
        "/api/v1/waves",
        "/api/v1/waves/{wave}",
        "/api/v1/waves/{wave}/close",
        "/api/v1/waves/{wave}/reports",
        "/api/v1/reports/{report}/publish",
        "/api/v1/waves/{wave}/letters",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
}

on_both_backends!(a_wave_is_fielded_through_the_api);

async fn send(
    method: awc::http::Method,
    url: String,
    key: &str,
    content_type: &str,
    body: String,
) -> (u16, serde_json::Value) {
    api(method, url, Some(key), Some((content_type, body))).await
}

async fn a_wave_is_fielded_through_the_api(backend: Backend) {
    let app = spawn_app(backend).await;
    let (holder, key) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let post = awc::http::Method::POST;
    let base = &app.address;
    let broken = std::fs::read_to_string(format!(
        "{}/../../tests/definitions/broken/many_problems.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let (status, body) = send(
        post.clone(),
        format!("{base}/api/v1/surveys"),
        &key,
        "application/json",
        broken,
    )
    .await;
    assert_eq!(status, 422);
    let pointers: Vec<&str> = body["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["pointer"].as_str())
        .collect();
    assert!(
        pointers.contains(&"/sections/0/items/3/id") && pointers.len() >= 4,
        "{body}"
    );

    let definition = std::fs::read_to_string(format!(
        "{}/../../surveys/scape-cancer.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("file");
    let (status, body) = send(
        post.clone(),
        format!("{base}/api/v1/surveys"),
        &key,
        "application/json",
        definition,
    )
    .await;
    assert_eq!(
        (status, body["questions"].as_i64()),
        (201, Some(55)),
        "{body}"
    );
    let hash = body["hash"].as_str().expect("hash").to_owned();
    let (status, body) = send(
        post.clone(),
        format!("{base}/api/v1/waves"),
        &key,
        "application/json",
        serde_json::json!({ "survey_hash": hash, "name": "api", "double_entry": true }).to_string(),
    )
    .await;
    assert_eq!(status, 201);
    let wave = body["id"].as_str().expect("id").to_owned();

    let bad_frame =
        "email,language,site,age_band,sex,tumour_group\nnobody,fr,H01,75+,F,lung\n".to_owned();
    let (status, body) = send(
        post.clone(),
        format!("{base}/api/v1/waves/{wave}/frame"),
        &key,
        "text/csv",
        bad_frame,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        (
            body["problems"][0]["line"].as_i64(),
            body["problems"][0]["column"].as_str()
        ),
        (Some(2), Some("email")),
        "{body}"
    );
    let frame = "email,language,site,age_band,sex,tumour_group\na@example.org,fr,H01,75+,F,lung\nb@example.org,it,H02,40-54,M,skin\n".to_owned();
    let (status, body) = send(
        post.clone(),
        format!("{base}/api/v1/waves/{wave}/frame"),
        &key,
        "text/csv",
        frame,
    )
    .await;
    assert_eq!((status, body["rows"].as_i64()), (200, Some(2)), "{body}");
    let (status, body) = send(
        post,
        format!("{base}/api/v1/waves/{wave}/open"),
        &key,
        "application/json",
        String::new(),
    )
    .await;
    assert_eq!((status, body["status"].as_str()), (200, Some("open")));
    assert_eq!(body["double_entry"], true, "{body}");
    let actions: Vec<String> = app
        .store
        .audit_log()
        .expect("log")
        .into_iter()
        // The audit log names the key by its id: two keys may share a name.
        .filter(|e| e.actor == format!("key:{}", holder.id))
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        [
            "survey_added",
            "wave_created",
            "wave_double_entry",
            "frame_imported",
            "wave_opened"
        ]
    );
}

on_both_backends!(exports_come_through_the_api_k_anonymous);

async fn exports_come_through_the_api_k_anonymous(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, key) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let (_, partner) = app
        .store
        .create_api_key("Partner", Role::PatientPartner)
        .expect("key");
    let survey = app
        .store
        .survey(&app.store.wave(&app.wave).expect("wave").survey_hash)
        .expect("survey");
    let response = survey
        .validate(&serde_json::json!({ "surgery": "no", "overall": 8 }))
        .expect("valid");
    for token in &app.tokens {
        app.store
            .submit(&token.invitation, &response, vecu_store::Mode::WebLink)
            .expect("submitted");
    }
    let get = |url: String, key: String| async move {
        let mut response = awc::Client::default()
            .get(url)
            .insert_header(("Authorization", format!("Bearer {key}")))
            .send()
            .await
            .expect("answer");
        let report = response
            .headers()
            .get("x-vecu-export-report")
            .map(|v| v.to_str().expect("ascii").to_owned());
        let body = response.body().await.expect("body");
        (
            response.status().as_u16(),
            report,
            String::from_utf8_lossy(&body).into_owned(),
        )
    };
    let url = format!(
        "{}/api/v1/waves/{}/export?format=csv",
        app.address, app.wave
    );
    assert_eq!(
        get(url.clone(), partner).await.0,
        403,
        "microdata is for the research team"
    );
    let (status, _, body) = get(url.clone(), key.clone()).await;
    assert_eq!(status, 409, "microdata only after close: {body}");
    app.store.close_wave(&app.wave).expect("closed");
    let (status, report, body) = get(url.clone(), key.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body.lines().count(),
        7,
        "a header and six responses: {body}"
    );
    assert!(body
        .lines()
        .next()
        .is_some_and(|header| header.starts_with("response_id,site")));
    let report: serde_json::Value =
        serde_json::from_str(&report.expect("report header")).expect("json");
    assert_eq!(report["records_out"], 6);
    let (status, _, body) = get(format!("{url}&k=7"), key.clone()).await;
    assert_eq!(
        status, 422,
        "six identical combinations are fewer than k = 7: {body}"
    );
    assert!(
        body.contains("--generalise") || body.contains("export refused"),
        "{body}"
    );
    assert_eq!(
        get(
            format!(
                "{}/api/v1/waves/{}/export?format=xlsx",
                app.address, app.wave
            ),
            key.clone()
        )
        .await
        .0,
        400
    );
    // The labelled, DDI and FHIR formats of the same export (issue 17).
    let export = |format: &str| {
        format!(
            "{}/api/v1/waves/{}/export?format={format}",
            app.address, app.wave
        )
    };
    for (format, start) in [
        ("sav&lang=de", "$FL2"),
        ("dta", "<stata_dta><header><release>118</release>"),
        ("ddi", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"),
        ("fhir", "{\"resourceType\":\"Bundle\""),
    ] {
        let (status, _, body) = get(export(format), key.clone()).await;
        assert_eq!(status, 200, "{format}: {body}");
        assert!(body.starts_with(start), "{format}: {body}");
    }
    let (status, _, body) = get(export("ddi"), key.clone()).await;
    assert!(body.contains("<caseQnty>6</caseQnty>"), "{status}: {body}");
    let (status, _, body) = get(export("fhir"), key.clone()).await;
    assert_eq!(
        body.matches("\"QuestionnaireResponse\"").count(),
        6,
        "{status}: {body}"
    );
    assert_eq!(get(export("sav&lang=xx"), key).await.0, 400);
}
