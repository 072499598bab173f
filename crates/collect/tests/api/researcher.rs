//! The researchers' JSON API: keys, roles, errors, OpenAPI.

use vecu_store::{Backend, Role};

use crate::helpers::{on_both_backends, spawn_app};

on_both_backends!(keys_and_roles_guard_the_api);

async fn call(
    method: awc::http::Method,
    url: String,
    key: Option<&str>,
) -> (u16, serde_json::Value) {
    let client = awc::Client::default();
    let mut request = client.request(method, url);
    if let Some(key) = key {
        request = request.insert_header(("Authorization", format!("Bearer {key}")));
    }
    let mut response = request.send().await.expect("the server answers");
    let body = response.body().await.expect("body");
    (
        response.status().as_u16(),
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
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
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
}
