//! Revoking API keys through the API: a revoked key is refused at its next request.

use vecu_store::{Backend, Role};

use crate::helpers::{api, on_both_backends, spawn_app};

on_both_backends!(a_revoked_key_is_refused_at_its_next_request);

async fn a_revoked_key_is_refused_at_its_next_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, admin) = app.store.create_api_key("Admin", Role::Admin).expect("key");
    let (holder, researcher) = app
        .store
        .create_api_key("Dr Research", Role::Researcher)
        .expect("key");
    let get = awc::http::Method::GET;
    let delete = awc::http::Method::DELETE;
    let waves = format!("{}/api/v1/waves", app.address);
    let keys = format!("{}/api/v1/keys", app.address);
    let revoke = format!("{keys}/{}", holder.id);

    assert_eq!(
        api(get.clone(), waves.clone(), Some(&researcher), None)
            .await
            .0,
        200
    );
    // Only an admin lists and revokes keys.
    assert_eq!(
        api(get.clone(), keys.clone(), Some(&researcher), None)
            .await
            .0,
        403
    );
    assert_eq!(
        api(delete.clone(), revoke.clone(), Some(&researcher), None)
            .await
            .0,
        403
    );
    let (status, listed) = api(get.clone(), keys.clone(), Some(&admin), None).await;
    assert_eq!(status, 200);
    let text = listed.to_string();
    assert!(
        !text.contains(&researcher) && !text.contains(&admin) && !text.contains("hash"),
        "never a key: {text}"
    );
    let entry = |listed: &serde_json::Value| {
        listed
            .as_array()
            .expect("a list")
            .iter()
            .find(|key| key["id"] == holder.id.as_str())
            .cloned()
            .expect("the researcher's key is listed")
    };
    let before = entry(&listed);
    assert_eq!(
        (&before["name"], &before["role"], &before["revoked_on"]),
        (
            &serde_json::json!("Dr Research"),
            &serde_json::json!("researcher"),
            &serde_json::Value::Null
        )
    );

    assert_eq!(
        api(delete.clone(), revoke.clone(), Some(&admin), None)
            .await
            .0,
        204
    );
    // The very next request with the revoked key is refused.
    let (status, body) = api(get.clone(), waves.clone(), Some(&researcher), None).await;
    assert_eq!(status, 401, "{body}");
    let (_, listed) = api(get, keys.clone(), Some(&admin), None).await;
    assert!(entry(&listed)["revoked_on"].is_string(), "{listed}");
    // Twice, or an unknown id: nothing to revoke.
    assert_eq!(api(delete.clone(), revoke, Some(&admin), None).await.0, 404);
    assert_eq!(
        api(delete, format!("{keys}/nope"), Some(&admin), None)
            .await
            .0,
        404
    );
    // The audit log names the revocation.
    let audit = app.store.raw_rows("audit_log").expect("audit log");
    assert!(
        audit
            .iter()
            .any(|row| row.iter().any(|cell| cell == "api_key_revoked")),
        "{audit:?}"
    );
}
