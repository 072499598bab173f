//! API keys through the API (admin only): list them, revoke one. A revoked key is refused from
//! its next request on, since every request looks its key up again.

use actix_web::{delete, get, web, HttpResponse};
use serde_json::json;
use vecu_store::Role;

use super::api::{blocking, ApiError, Caller};
use crate::state::AppState;

/// Refuses every role but admin.
fn admin(caller: &Caller) -> Result<(), ApiError> {
    if caller.0.role == Role::Admin {
        Ok(())
    } else {
        Err(ApiError::Forbidden(caller.0.role.as_str()))
    }
}

/// Every key: id, name, role, the day it was created and the day it was revoked (never a key).
#[get("/api/v1/keys")]
pub async fn list_keys(
    state: web::Data<AppState>,
    caller: Caller,
) -> Result<HttpResponse, ApiError> {
    admin(&caller)?;
    let keys = blocking(move || Ok(state.store.acting_as(&caller.0).api_keys()?)).await?;
    let keys: Vec<serde_json::Value> = keys
        .into_iter()
        .map(|(holder, created, revoked)| {
            json!({
                "id": holder.id,
                "name": holder.name,
                "role": holder.role,
                "created_on": created,
                "revoked_on": revoked,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(keys))
}

/// Revokes a key by its id: 204, or 404 when no such key is in use.
#[delete("/api/v1/keys/{id}")]
pub async fn revoke_key(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    admin(&caller)?;
    let id = id.into_inner();
    let shown = id.clone();
    let revoked =
        blocking(move || Ok(state.store.acting_as(&caller.0).revoke_api_key(&id)?)).await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Ok(HttpResponse::NotFound().json(json!({
            "error": format!("no key {shown} in use (unknown or already revoked)"),
            "fix": "GET /api/v1/keys lists the keys and their ids",
            "problems": [],
        })))
    }
}
