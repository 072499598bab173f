//! Building the server: routes, security headers on every response, an access log without
//! tokens, metrics, health and readiness, and a listener that reports its real port (tests bind
//! port 0). The instance keeps no state of its own (sessions, CSRF key and rate limits are the
//! store's), so several run side by side on one database; SIGTERM stops one gracefully.

use std::net::{IpAddr, TcpListener};
use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{from_fn, DefaultHeaders, Next};
use actix_web::{get, web, App, HttpResponse, HttpServer};

use crate::metrics::{may_scrape, RouteClass};
use crate::routes::{
    api, code, codesign, coding, comments, entry, keys, letters, patient, preview, proposals,
    reports, results, sites, team,
};
use crate::state::AppState;

/// Settings of the web service.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Address to listen on, such as `127.0.0.1:8080` (port 0 picks a free one).
    pub bind: String,
    /// Mark the session cookie `Secure` (set when served over TLS, directly or by a proxy).
    pub secure_cookies: bool,
    /// The reverse proxies the service runs behind (empty: none). A request whose TCP peer is
    /// one of them is counted for rate limits by the address that proxy appended to
    /// `X-Forwarded-For` (its right-most entry); what a client wrote there itself, and
    /// `Forwarded`, never count. Requests from any other peer are counted by the peer.
    pub trusted_proxies: Vec<IpAddr>,
    /// The public address of the service (`https://survey.example.org`), for the links on
    /// letters; never taken from a request's headers. Default: `http://` and the address
    /// listened on.
    pub public_url: Option<String>,
    /// Mail for invitations and reminders; without it the API refuses to send.
    pub mail: Option<crate::MailSettings>,
    /// Who may read `/metrics` besides this host (a Prometheus server), by TCP peer address.
    pub metrics_from: Vec<IpAddr>,
    /// How long requests in flight may take to finish once SIGTERM asked the service to stop
    /// (no new connection is accepted meanwhile); those still running then are dropped.
    pub shutdown_timeout: Duration,
    /// How often the mail scheduler ticks (with mail set; `None`: never, mail goes out only
    /// when the API is asked). Of several instances, the one holding the store's lease sends.
    pub reminders_every: Option<Duration>,
    /// How long the scheduler's lease lasts unrenewed: how long the others wait after the
    /// holder died (at least `scheduler::SHORTEST_LEASE`).
    pub scheduler_lease: Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            bind: "127.0.0.1:8080".to_owned(),
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            public_url: None,
            mail: None,
            metrics_from: Vec::new(),
            shutdown_timeout: Duration::from_secs(30),
            reminders_every: Some(crate::scheduler::EVERY),
            scheduler_lease: crate::scheduler::LEASE,
        }
    }
}

/// A bound, not yet running server.
pub struct Application {
    server: Server,
    port: u16,
    scheduler: Option<std::sync::Arc<crate::Scheduler>>,
}

impl Application {
    /// Binds the listener and builds the server over `store`.
    pub fn build(config: &ServeConfig, store: vecu_store::Store) -> std::io::Result<Application> {
        let listener = TcpListener::bind(&config.bind)?;
        let local = listener.local_addr()?;
        let port = local.port();
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let mut state =
            AppState::new(store, config, public_url.clone()).map_err(std::io::Error::other)?;
        if let Some(settings) = &config.mail {
            let mut settings = settings.clone();
            if settings.public_url.is_empty() {
                settings.public_url = public_url;
            }
            let mailer = crate::Mailer::new(settings)
                .map_err(std::io::Error::other)?
                .counting_into(state.metrics.clone());
            let scheduler = crate::scheduler::Scheduler::new(state.store.clone(), mailer)
                .with_lease(config.scheduler_lease)
                .map_err(std::io::Error::other)?;
            let scheduler = std::sync::Arc::new(scheduler);
            if let Some(every) = config.reminders_every {
                actix_web::rt::spawn(scheduler.clone().run(every));
            }
            state.scheduler = Some(scheduler);
        }
        let scheduler = state.scheduler.clone();
        let state = web::Data::new(state);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                // Long free-text answers in any script fit; actix's default is 16 KiB.
                .app_data(web::FormConfig::default().limit(256 * 1024))
                // Survey definitions and sample frames of tens of thousands of patients.
                .app_data(web::PayloadConfig::new(32 * 1024 * 1024))
                .wrap(from_fn(access_log))
                .wrap(security_headers())
                .service(stylesheet)
                .service(health)
                .service(healthz)
                .service(readyz)
                .service(metrics)
                .service(api::openapi)
                .service(api::waves)
                .service(api::upload_survey)
                .service(api::create_wave)
                .service(api::open_wave)
                .service(api::set_reminders)
                .service(api::remove_reminders)
                .service(api::import_frame)
                .service(api::send_invitations)
                .service(api::send_reminders)
                .service(api::export)
                .service(api::wave_status)
                .service(api::close_wave)
                .service(keys::list_keys)
                .service(keys::revoke_key)
                .service(letters::letters)
                .service(letters::reminders)
                .service(sites::release)
                .service(sites::list)
                .service(sites::results)
                .service(sites::report)
                .service(sites::set_language)
                .service(reports::create_report)
                .service(reports::show_report)
                .service(reports::rendered)
                .service(reports::add_block)
                .service(reports::edit_block)
                .service(reports::comment_block)
                .service(reports::mark)
                .service(reports::workflow)
                .service(reports::add_contribution)
                .service(reports::contributions_csv)
                .service(reports::comment_item)
                .service(reports::answer_item_comment)
                .service(reports::item_comments)
                .service(proposals::propose)
                .service(proposals::history)
                .service(proposals::show)
                .service(proposals::comment)
                .service(proposals::decide)
                .service(proposals::diff)
                .service(comments::open)
                .service(comments::list)
                .service(comments::disagreements)
                .service(comments::coding_agreement)
                .service(comments::theme_frequencies)
                .service(comments::code_comment)
                .service(comments::flag)
                .service(comments::review)
                .service(comments::settle)
                .service(comments::coding_frame)
                .service(comments::edit_theme)
                .service(comments::propose_quote)
                .service(comments::approve_quote)
                .service(comments::quote_bank)
                .service(team::sign_in_page)
                .service(team::sign_in)
                .service(team::sign_out)
                .service(team::reports)
                .service(team::sites)
                .service(team::site_report)
                .service(team::set_site_language)
                .service(team::create_report)
                .service(team::download)
                .service(team::report_page)
                .service(team::add_block)
                .service(team::comment_on_block)
                .service(team::mark)
                .service(team::decide)
                .service(team::edit_block)
                .service(team::surveys)
                .service(team::survey_page)
                .service(team::comment_item)
                .service(team::answer_item_comment)
                .service(codesign::propose_page)
                .service(codesign::propose)
                .service(codesign::proposal_page)
                .service(codesign::comment)
                .service(codesign::decide)
                .service(codesign::diff_page)
                .service(coding::open)
                .service(coding::comments_page)
                .service(coding::disagreements_page)
                .service(coding::code)
                .service(coding::flag)
                .service(coding::settle)
                .service(coding::quotes_page)
                .service(coding::frame_page)
                .service(coding::edit_theme)
                .service(coding::propose_quote)
                .service(coding::approve_quote)
                .service(preview::welcome)
                .service(preview::paper)
                .service(preview::show)
                .service(preview::answer)
                .service(patient::invitation_link)
                .service(patient::start)
                .service(patient::opt_out)
                .service(patient::opt_out_link)
                .service(patient::opt_out_post)
                .service(results::results)
                .service(code::code_form)
                .service(code::code_enter)
                .service(code::code_welcome)
                .service(code::code_start)
                .service(code::code_opt_out)
                .service(entry::home)
                .service(entry::login)
                .service(entry::open_code)
                .service(entry::show_form)
                .service(entry::save_form)
                .service(entry::record_outcome)
                // Fixed paths before `/q/{section}`, which would otherwise take them.
                .service(patient::show_review)
                .service(patient::submit)
                .service(patient::show_page)
                .service(patient::save_page)
        })
        // SIGTERM (what systemd and container runtimes send) stops accepting and lets the
        // requests in flight finish within this time; SIGINT and SIGQUIT stop at once.
        .shutdown_timeout(config.shutdown_timeout.as_secs())
        .listen(listener)?
        .run();
        Ok(Application {
            server,
            port,
            scheduler,
        })
    }

    /// The port actually listened on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server (gracefully or not) from elsewhere.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped, then hands the mail scheduler's lease over, so that another
    /// instance sends at once instead of when the lease would have run out.
    pub async fn run(self) -> std::io::Result<()> {
        let served = self.server.await;
        if let Some(scheduler) = self.scheduler {
            let released = actix_web::rt::task::spawn_blocking(move || scheduler.release()).await;
            match released {
                Ok(Ok(())) => {}
                Ok(Err(error)) => tracing::warn!(%error, "the mail lease was not handed over"),
                Err(error) => tracing::warn!(%error, "the mail lease was not handed over"),
            }
        }
        served
    }
}

/// Builds and runs the service on its own runtime until it is stopped (Ctrl-C); `ready` gets
/// the port once the listener is bound.
pub fn serve(
    config: &ServeConfig,
    store: vecu_store::Store,
    ready: impl FnOnce(u16),
) -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let app = Application::build(config, store)?;
        ready(app.port());
        app.run().await
    })
}

/// Headers on every response: no inline script or style, no framing, no referrer, no caching of
/// survey pages.
fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cache-Control", "no-store"))
}

/// Logs method, path and status, with invitation tokens masked: access logs never hold tokens.
/// Client addresses are not logged either. Counts the request in the metrics by its route
/// class, never its path.
async fn access_log(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = redact_path(request.path());
    let class = RouteClass::of_path(request.path());
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(request).await?;
    let status = response.status().as_u16();
    if let Some(state) = state {
        state.metrics.answered(class, status, started.elapsed());
    }
    tracing::info!(target: "vecu::access", %method, %path, status);
    Ok(response)
}

/// `/s/{token}/...` and `/o/{token}` become `/s/***/...` and `/o/***`.
pub(crate) fn redact_path(path: &str) -> String {
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 && matches!(parts[1], "s" | "o") {
        parts[2] = "***";
    }
    parts.join("/")
}

#[get("/static/vecu.css")]
async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(include_str!("../static/vecu.css"))
}

#[get("/health")]
async fn health() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// Liveness: the process answers. Asks nothing of the database, so that a database outage
/// does not have every instance restarted.
#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain").body("ok")
}

/// How long readiness waits for a database connection.
const READY_WITHIN: Duration = Duration::from_secs(2);

/// Readiness: the database answers and holds every migration of this build (a load balancer
/// sends nothing to an instance that is not ready).
#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let store = state.store.clone();
    let checked = web::block(move || store.migrations_current(READY_WITHIN)).await;
    let unready = |reason: &str| {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain")
            .body(reason.to_owned())
    };
    match checked {
        Ok(Ok(true)) => HttpResponse::Ok().content_type("text/plain").body("ready"),
        Ok(Ok(false)) => unready("the database schema is not this version's: migrations pending"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "not ready: the database does not answer");
            unready("the database does not answer")
        }
        Err(error) => {
            tracing::warn!(%error, "not ready: the check did not run");
            unready("the check did not run")
        }
    }
}

/// The metrics of this instance in the Prometheus text format, for this host and the
/// addresses of `ServeConfig::metrics_from`; 404 for anyone else.
#[get("/metrics")]
async fn metrics(state: web::Data<AppState>, request: actix_web::HttpRequest) -> HttpResponse {
    let relayed = request.headers().contains_key("x-forwarded-for");
    let peer = request.peer_addr().map(|address| address.ip());
    if !may_scrape(peer, relayed, &state.metrics_from, &state.trusted_proxies) {
        return HttpResponse::NotFound().finish();
    }
    match state.metrics.render() {
        Ok(text) => HttpResponse::Ok()
            .content_type(crate::metrics::CONTENT_TYPE)
            .body(text),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn tokens_never_reach_the_access_log() {
        assert_eq!(redact_path("/s/AbCdEfGhIjKlMnOpQrStUv"), "/s/***");
        assert_eq!(
            redact_path("/s/AbCdEfGhIjKlMnOpQrStUv/start"),
            "/s/***/start"
        );
        assert_eq!(redact_path("/o/AbCdEfGhIjKlMnOpQrStUv"), "/o/***");
        assert_eq!(redact_path("/q/3"), "/q/3");
    }
}
