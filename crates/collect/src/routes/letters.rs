//! Code mode through the API: the letters of a hospital's frame (access codes for its mail
//! merge) and the references to remind. The CLI does the same and adds the QR codes.

use actix_web::{get, post, web, HttpResponse};

use super::api::{blocking, ApiError, Caller};
use crate::state::AppState;

fn csv_response(rows: Vec<Vec<String>>) -> Result<HttpResponse, ApiError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        // Refs are the hospital's text: neutralised against spreadsheet formulas.
        writer
            .write_record(
                row.iter()
                    .map(|cell| vecu_survey::neutralise_csv_cell(cell).into_owned()),
            )
            .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| ApiError::BadRequest(error.to_string()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .body(body))
}

/// Imports a frame without contact columns (`ref`, `language`, frame variables) and answers
/// the mail-merge file: `ref,language,code,address,link,results` (admin, researcher; `results`:
/// the wave's public results page). The codes are
/// shown this once; vecu keeps only their keyed hashes.
#[post("/api/v1/waves/{wave}/letters")]
pub async fn letters(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    // The configured address, never the request's Host: a forged header must not put
    // another site's address on letters.
    let public_url = state.public_url.clone();
    let (letters, results) = blocking(move || {
        let (_, letters) = state.store.import_letter_frame(&wave, body.as_ref())?;
        Ok((letters, state.store.results_code(&wave)?))
    })
    .await?;
    // Where every patient of the wave reads its results once they are published.
    let results = results.address(&public_url);
    let mut rows = vec![["ref", "language", "code", "address", "link", "results"]
        .map(str::to_owned)
        .to_vec()];
    for letter in &letters {
        let (address, link) = letter.addresses(&public_url);
        rows.push(vec![
            letter.reference.clone(),
            letter.language.clone(),
            letter.code.to_string(),
            address,
            link,
            results.clone(),
        ]);
    }
    csv_response(rows)
}

/// The references of letters to remind: neither answered (in any mode) nor opted out nor ruled
/// out by an outcome code (admin, researcher).
#[get("/api/v1/waves/{wave}/reminders.csv")]
pub async fn reminders(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    // Released once per ISO week: two requests around one answer get the same list.
    let store = state.store.acting_as(&caller.0);
    let references = blocking(move || Ok(store.letter_reminders(&wave)?)).await?;
    let mut rows = vec![vec!["ref".to_owned()]];
    rows.extend(references.into_iter().map(|reference| vec![reference]));
    csv_response(rows)
}
