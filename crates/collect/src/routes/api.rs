//! The researchers' JSON API under `/api/v1`, with API keys sent as `Authorization: Bearer KEY`.
//! Roles: admin and researcher run fieldwork; patient partners read results, never contact data.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::{header, StatusCode};
use actix_web::{
    delete, get, post, put, web, FromRequest, HttpRequest, HttpResponse, ResponseError,
};
use serde_json::json;
use vecu_store::{ApiKey, MailOut, ReminderSchedule, Role, StoreError, MAX_CONTACTS};

use crate::state::AppState;

/// A failed API call: a status and a JSON body `{"error": ..., "fix": ...}`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No key, or a key that is unknown or revoked.
    #[error("missing or invalid API key")]
    Unauthenticated,
    /// The key's role may not do this.
    #[error("the role {0} may not do this")]
    Forbidden(&'static str),
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// An uploaded survey definition is not valid.
    #[error("{0}")]
    Definition(vecu_survey::LoadError),
    /// Mail is not configured or failed.
    #[error(transparent)]
    Mail(#[from] crate::MailError),
    /// The request body is not what the endpoint takes.
    #[error("{0}")]
    BadRequest(String),
    /// A report could not be built or read.
    #[error(transparent)]
    Reporting(#[from] crate::reporting::ReportingError),
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Store(error) | ApiError::Mail(crate::MailError::Store(error)) => {
                store_status(error)
            }
            ApiError::Definition(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Reporting(error) => reporting_status(error),
            ApiError::Mail(crate::MailError::Config(_) | crate::MailError::Unavailable(_)) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let (error, fix) = match self {
            ApiError::Unauthenticated => (
                self.to_string(),
                "send Authorization: Bearer KEY with a key made by `vecu admin create-key`"
                    .to_owned(),
            ),
            ApiError::Forbidden(_) => (
                self.to_string(),
                "ask an administrator for a key with the right role".to_owned(),
            ),
            ApiError::Store(error) if status == StatusCode::INTERNAL_SERVER_ERROR => {
                tracing::error!(%error, "API call failed");
                (
                    "internal error".to_owned(),
                    "try again later; the server log has the cause".to_owned(),
                )
            }
            ApiError::Store(error) => (error.to_string(), store_fix(error, status)),
            ApiError::Reporting(error) if status == StatusCode::INTERNAL_SERVER_ERROR => {
                tracing::error!(%error, "report call failed");
                (
                    "internal error".to_owned(),
                    "try again later; the server log has the cause".to_owned(),
                )
            }
            ApiError::Reporting(error) => (error.to_string(), String::new()),
            ApiError::Definition(_) => (
                "the survey definition is not valid".to_owned(),
                "fix every problem listed and upload again".to_owned(),
            ),
            ApiError::BadRequest(message) => {
                (message.clone(), "see /api/v1/openapi.json".to_owned())
            }
            ApiError::Mail(error @ crate::MailError::Unavailable(_)) => (
                error.to_string(),
                "nothing to do: the scheduler tries again at each round; if it lasts, check the mail server (its log has the cause)"
                    .to_owned(),
            ),
            ApiError::Mail(error) => (
                error.to_string(),
                "start vecu serve with --mail smtps://host:465, smtp://host:587?tls=starttls, smtp://host:25 (a local relay) or file:///dir, and --mail-from"
                    .to_owned(),
            ),
        };
        // Problems with a place each: JSON pointers for definitions, lines and columns for frames.
        let problems: Vec<serde_json::Value> = match self {
            ApiError::Definition(vecu_survey::LoadError::Invalid(problems)) => problems
                .iter()
                .map(|p| json!({ "pointer": p.pointer, "message": p.message, "fix": p.fix }))
                .collect(),
            ApiError::Definition(vecu_survey::LoadError::Syntax {
                line,
                column,
                message,
            }) => {
                vec![json!({ "line": line, "column": column, "message": message })]
            }
            ApiError::Store(StoreError::Frame(problems)) => problems
                .iter()
                .map(|p| json!({ "line": p.line, "column": p.column, "message": p.message }))
                .collect(),
            _ => Vec::new(),
        };
        let mut response = HttpResponse::build(status);
        if status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
        }
        response.json(json!({ "error": error, "fix": fix, "problems": problems }))
    }
}

/// Runs blocking store work on actix's thread pool, away from the request workers.
pub(crate) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    web::block(work)
        .await
        .map_err(|error| ApiError::BadRequest(error.to_string()))?
}

/// The caller of an API request, authenticated by its bearer key.
pub struct Caller(pub ApiKey);

impl Caller {
    /// Refuses roles that may not run fieldwork.
    pub(crate) fn fieldwork(&self) -> Result<(), ApiError> {
        if self.0.role.is_researcher() {
            Ok(())
        } else {
            Err(ApiError::Forbidden(self.0.role.as_str()))
        }
    }
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    /// The key is looked up on the blocking pool like every other store call.
    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let key = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(|key| key.trim().to_owned());
        let state = request.app_data::<web::Data<AppState>>().cloned();
        Box::pin(async move {
            let (Some(key), Some(state)) = (key, state) else {
                return Err(ApiError::Unauthenticated);
            };
            match blocking(move || Ok(state.store.authenticate(&key)?)).await? {
                // Data-entry keys open the data-entry pages only, never the researchers' API.
                Some(holder) if holder.role == Role::DataEntry => {
                    Err(ApiError::Forbidden("data_entry"))
                }
                Some(holder) => Ok(Caller(holder)),
                None => Err(ApiError::Unauthenticated),
            }
        })
    }
}

/// The OpenAPI document of this API.
#[get("/api/v1/openapi.json")]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(include_str!("openapi.json"))
}

/// Every wave.
#[get("/api/v1/waves")]
pub async fn waves(state: web::Data<AppState>, _caller: Caller) -> Result<HttpResponse, ApiError> {
    let waves = blocking(move || Ok(state.store.waves()?)).await?;
    Ok(HttpResponse::Ok().json(waves))
}

/// A wave's counts by site and status, with response rates (no contact data: any role).
#[get("/api/v1/waves/{wave}")]
pub async fn wave_status(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    // As the caller: a partner's key gets no paper counters.
    let store = acting(&state, &caller);
    let status = blocking(move || Ok(store.wave_status(&wave)?)).await?;
    Ok(HttpResponse::Ok().json(status))
}

/// Closes a wave and erases its contacts (admin and researcher).
#[post("/api/v1/waves/{wave}/close")]
pub async fn close_wave(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let closed = blocking(move || Ok(store.close_wave(&wave)?)).await?;
    Ok(HttpResponse::Ok().json(closed))
}

/// The caller as the store's actor, for the audit log.
fn acting(state: &AppState, caller: &Caller) -> vecu_store::Store {
    state.store.acting_as(&caller.0)
}

/// Uploads a survey version (the definition as the JSON body); errors as the survey crate reports
/// them, with JSON pointers.
#[post("/api/v1/surveys")]
pub async fn upload_survey(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| ApiError::BadRequest("the body must be UTF-8 JSON".to_owned()))?;
    let survey = vecu_survey::load_str(&text).map_err(ApiError::Definition)?;
    let store = acting(&state, &caller);
    let (survey, hash) = blocking(move || {
        let hash = store.add_survey(&survey, &text)?;
        Ok((survey, hash))
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "hash": hash, "id": survey.id, "version": survey.version, "questions": survey.n_questions() })))
}

/// What creating a wave takes.
#[derive(Debug, serde::Deserialize)]
pub struct NewWave {
    survey_hash: String,
    name: String,
    /// Paper returns keyed twice, blind (off when left out).
    #[serde(default)]
    double_entry: bool,
}

/// Creates a wave of an uploaded survey version, in status draft.
#[post("/api/v1/waves")]
pub async fn create_wave(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<NewWave>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let id = blocking(move || {
        let id = store.create_wave(&body.survey_hash, &body.name)?;
        if body.double_entry {
            store.set_double_entry(&id, true)?;
        }
        Ok(id)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id })))
}

/// Opens a draft wave.
#[post("/api/v1/waves/{wave}/open")]
pub async fn open_wave(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let opened = blocking(move || {
        store.open_wave(&wave)?;
        Ok(store.wave(&wave)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(opened))
}

/// A wave's reminder schedule, as set through the API.
#[derive(Debug, serde::Deserialize)]
pub struct Reminders {
    /// Days after the last contact (the invitation or the previous reminder).
    after_days: u32,
    /// Contacts in all, the invitation included (2 sends one reminder).
    max_contacts: u32,
}

/// Sets the reminder schedule of a wave that is not closed: `vecu serve` sends its reminders
/// without anyone calling the API.
#[put("/api/v1/waves/{wave}/reminder-schedule")]
pub async fn set_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Json<Reminders>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let wave = wave.into_inner();
    let schedule = blocking(move || {
        let schedule = ReminderSchedule::new(body.after_days, body.max_contacts)?;
        store.set_reminder_schedule(&wave, Some(schedule))?;
        Ok(json!({ "wave": wave, "after_days": schedule.after_days, "max_contacts": schedule.max_contacts }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(schedule))
}

/// Removes a wave's reminder schedule: reminders go out only when asked for again.
#[delete("/api/v1/waves/{wave}/reminder-schedule")]
pub async fn remove_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    blocking(move || Ok(store.set_reminder_schedule(&wave, None)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Imports the sample frame (CSV body: email, language, one column per frame variable).
#[post("/api/v1/waves/{wave}/frame")]
pub async fn import_frame(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let summary = blocking(move || Ok(store.import_frame(&wave, body.as_ref())?)).await?;
    Ok(HttpResponse::Ok().json(summary))
}

/// The status of a report error: the store's, 422 when the wave cannot be analysed or the
/// report's settings are refused (a threshold below the floor).
pub(crate) fn reporting_status(error: &crate::reporting::ReportingError) -> StatusCode {
    use vecu_report::ReportError;
    match error {
        crate::reporting::ReportingError::Store(error) => store_status(error),
        crate::reporting::ReportingError::Report(ReportError::Corrupt(_)) => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
        crate::reporting::ReportingError::Report(_) => StatusCode::UNPROCESSABLE_ENTITY,
        crate::reporting::ReportingError::UnknownSite { .. } => StatusCode::NOT_FOUND,
    }
}

/// The status of a store error: unknown things 404, wrong states 409, refused input 422.
fn store_status(error: &StoreError) -> StatusCode {
    match error {
        StoreError::WaveNotFound(_)
        | StoreError::SurveyNotFound(_)
        | StoreError::InvitationNotFound(_)
        | StoreError::ReportNotFound(_)
        | StoreError::SiteResultsNotFound { .. }
        | StoreError::FindingNotFound(_)
        | StoreError::BlockNotFound(_) => StatusCode::NOT_FOUND,
        StoreError::WaveState { .. }
        | StoreError::VersionConflict { .. }
        | StoreError::InvitationState { .. }
        | StoreError::ReportState { .. }
        | StoreError::NotApproved { .. }
        | StoreError::ProposalDecided(_) => StatusCode::CONFLICT,
        StoreError::NotAllowed(_) => StatusCode::FORBIDDEN,
        StoreError::Frame(_)
        | StoreError::KAnonymity(_)
        | StoreError::BelowFloor { .. }
        | StoreError::ReminderContacts { .. }
        | StoreError::Proposal(_)
        | StoreError::Incomplete(_)
        | StoreError::NoKey => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// What to do about a refused store call, for the `fix` of its answer.
fn store_fix(error: &StoreError, status: StatusCode) -> String {
    match error {
        StoreError::BelowFloor { floor, .. } => format!("ask for {floor} or more"),
        StoreError::ReminderContacts { most, .. } => {
            format!("ask for 2 to {most} contacts, the invitation included")
        }
        StoreError::NoKey => "set VECU_ENCRYPTION_KEY for vecu serve, as the error says".to_owned(),
        StoreError::NotAllowed(_) => {
            "ask an administrator for a key with the right role".to_owned()
        }
        _ => match status {
            StatusCode::NOT_FOUND => "check the id: GET /api/v1/waves lists the waves".to_owned(),
            StatusCode::CONFLICT => {
                "GET /api/v1/waves/{wave} shows the wave's status; do the step it needs first"
                    .to_owned()
            }
            _ => {
                "correct what the error names and send again (see /api/v1/openapi.json)".to_owned()
            }
        },
    }
}

fn scheduler(state: &AppState) -> Result<&crate::Scheduler, ApiError> {
    state.scheduler.as_deref().ok_or_else(|| {
        ApiError::Mail(crate::MailError::Config(
            "mail is not configured".to_owned(),
        ))
    })
}

/// Queues a mail-out and sends it at once if this instance holds the scheduler's lease: 200
/// when nothing of the wave is left to send, 202 when some waits for another instance's round.
async fn mail_out(
    state: web::Data<AppState>,
    caller: Caller,
    wave: String,
    mail_out: MailOut,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let store = acting(&state, &caller);
    let report = blocking(move || {
        scheduler(&state).and_then(|scheduler| Ok(scheduler.mail_out(&store, &wave, mail_out)?))
    })
    .await?;
    Ok(if report.waiting == 0 {
        HttpResponse::Ok().json(report)
    } else {
        HttpResponse::Accepted().json(report)
    })
}

/// Issues tokens and mails the invitations of everyone not yet invited (admin, researcher).
#[post("/api/v1/waves/{wave}/invitations")]
pub async fn send_invitations(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    mail_out(state, caller, wave.into_inner(), MailOut::Invitations).await
}

/// When reminders are due.
#[derive(Debug, serde::Deserialize)]
pub struct ReminderQuery {
    /// Days since the last mailing (default 14).
    after_days: Option<u32>,
    /// At most this many mailings per patient, the invitation included (default 3).
    max_contacts: Option<u32>,
}

/// Mails reminders to those due one; never to the submitted, opted out or undeliverable.
#[post("/api/v1/waves/{wave}/reminders")]
pub async fn send_reminders(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    query: web::Query<ReminderQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let schedule = ReminderSchedule::new(
        query.after_days.unwrap_or(14),
        query.max_contacts.unwrap_or(MAX_CONTACTS),
    )?;
    mail_out(
        state,
        caller,
        wave.into_inner(),
        MailOut::Reminders(schedule),
    )
    .await
}

/// The file of an export in `format` (one of the formats `export` accepts).
fn export_bytes(
    store: &vecu_store::Store,
    data: &vecu_store::Export,
    format: &str,
    lang: Option<&str>,
) -> Result<Vec<u8>, ApiError> {
    let table = |format| -> Result<Vec<u8>, ApiError> {
        let dir = tempfile::tempdir().map_err(|error| ApiError::BadRequest(error.to_string()))?;
        let path = dir.path().join("export");
        data.write(&path, format)?;
        std::fs::read(&path).map_err(|error| ApiError::BadRequest(error.to_string()))
    };
    let survey = || store.survey(&data.codebook.survey_hash);
    let language = |survey: &vecu_survey::Survey| match lang {
        None => Ok(survey.default_language().clone()),
        Some(asked) => survey.language(asked).cloned().ok_or_else(|| {
            ApiError::BadRequest(format!("lang {asked}: the survey has no such language"))
        }),
    };
    let labelled = |error: vecu_survey::LabelledError| ApiError::BadRequest(error.to_string());
    match format {
        "csv" => table(vecu_survey::TableFormat::Csv),
        "parquet" => table(vecu_survey::TableFormat::Parquet),
        "sav" => {
            let lang = language(&survey()?)?;
            vecu_survey::spss_sav(&data.codebook, &data.rows, &lang).map_err(labelled)
        }
        "dta" => {
            let lang = language(&survey()?)?;
            vecu_survey::stata_dta(&data.codebook, &data.rows, &lang).map_err(labelled)
        }
        "ddi" => {
            let survey = survey()?;
            let file = vecu_survey::DdiFile {
                name: "responses.csv",
                rows: data.rows.len(),
            };
            let lang = language(&survey)?;
            Ok(vecu_survey::ddi_codebook(&survey, &data.codebook, file, &lang).into_bytes())
        }
        _ => {
            let bundle =
                vecu_survey::fhir_questionnaire_responses(&survey()?, &data.codebook, &data.rows);
            Ok(serde_json::to_vec(&bundle).unwrap_or_default())
        }
    }
}

/// What an export asks for.
#[derive(Debug, serde::Deserialize)]
pub struct ExportQuery {
    /// `csv`, `parquet`, `sav`, `dta`, `ddi` or `fhir`.
    format: String,
    /// Language of the labels of sav, dta and ddi [default: the survey's first].
    lang: Option<String>,
    /// Minimum size of every combination of quasi-identifiers (default 5).
    k: Option<usize>,
    /// `refuse` (default), `generalise` or `suppress`.
    policy: Option<String>,
    /// Include free text, scrubbed.
    free_text: Option<bool>,
}

/// The wave's responses as the k-anonymous wide table (admin, researcher). The body is the file;
/// the `X-Vecu-Export-Report` header says what was changed to reach k.
#[get("/api/v1/waves/{wave}/export")]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    wave: web::Path<String>,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.fieldwork()?;
    let content_type = match query.format.as_str() {
        "csv" => "text/csv; charset=utf-8",
        "parquet" => "application/vnd.apache.parquet",
        "sav" => "application/x-spss-sav",
        "dta" => "application/x-stata-dta",
        "ddi" => "application/xml",
        "fhir" => "application/fhir+json",
        other => {
            return Err(ApiError::BadRequest(format!(
                "format {other}: use csv, parquet, sav, dta, ddi or fhir"
            )))
        }
    };
    let policy = match query.policy.as_deref().unwrap_or("refuse") {
        "refuse" => vecu_store::AnonymityPolicy::Refuse,
        "generalise" => vecu_store::AnonymityPolicy::Generalise,
        "suppress" => vecu_store::AnonymityPolicy::Suppress,
        other => {
            return Err(ApiError::BadRequest(format!(
                "policy {other}: use refuse, generalise or suppress"
            )))
        }
    };
    let options = vecu_store::ExportOptions {
        k: query.k.unwrap_or(5),
        policy,
        free_text: query.free_text.unwrap_or(false),
    };
    let store = acting(&state, &caller);
    let extension = query.format.clone();
    let lang = query.lang.clone();
    let (bytes, report) = blocking(move || -> Result<(Vec<u8>, String), ApiError> {
        let export = store.export(&wave, &options)?;
        let bytes = export_bytes(&store, &export, &extension, lang.as_deref())?;
        Ok((
            bytes,
            serde_json::to_string(&export.report).unwrap_or_default(),
        ))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("X-Vecu-Export-Report", report))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"responses.{}\"", query.format),
        ))
        .body(bytes))
}
