//! Prometheus metrics of one instance, shown at `/metrics` in the text exposition format
//! (version 0.0.4): requests by route class and status, their latency, submissions by mode,
//! mail sent and refused by kind, and the mail waiting to be sent. Every label value is one of
//! a few fixed words or an HTTP status: no path (which may hold a token), code, address or id
//! ever becomes a label.

use std::net::IpAddr;
use std::time::Duration;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use vecu_store::Mode;

/// The media type of the text exposition format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// Which part of the service a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RouteClass {
    /// Patients: links, access codes, questionnaire pages, opt-out.
    Patient,
    /// Report co-authors' pages.
    Team,
    /// Data entry of paper questionnaires.
    Entry,
    /// The researchers' JSON API.
    Api,
    /// Everything else (stylesheet, health, metrics, unknown paths).
    Other,
}

impl RouteClass {
    /// The class of a request path, by its first segment only.
    pub fn of_path(path: &str) -> RouteClass {
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        match first {
            "s" | "o" | "q" | "c" | "code" | "results" => RouteClass::Patient,
            "team" => RouteClass::Team,
            "entry" => RouteClass::Entry,
            "api" => RouteClass::Api,
            _ => RouteClass::Other,
        }
    }

    /// The label value.
    fn as_str(self) -> &'static str {
        match self {
            RouteClass::Patient => "patient",
            RouteClass::Team => "team",
            RouteClass::Entry => "entry",
            RouteClass::Api => "api",
            RouteClass::Other => "other",
        }
    }
}

// Label values are `&'static str` from the fixed words of `as_str` functions, so that nothing
// a request carries can become one.

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    class: &'static str,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ClassLabel {
    class: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SubmissionLabels {
    /// `Mode::as_str`.
    mode: &'static str,
}

/// Which message a mailing sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A first invitation.
    Invitation,
    /// A reminder.
    Reminder,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct MailLabels {
    kind: &'static str,
}

/// The service's metrics; clones count into the same registry.
#[derive(Clone)]
pub struct Metrics {
    registry: std::sync::Arc<Registry>,
    requests: Family<RequestLabels, Counter>,
    latency: Family<ClassLabel, Histogram>,
    submissions: Family<SubmissionLabels, Counter>,
    mail_sent: Family<MailLabels, Counter>,
    mail_failed: Family<MailLabels, Counter>,
    mail_waiting: Gauge,
}

/// Latency buckets from 5 ms to about 10 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 12))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("vecu");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency =
            Family::<ClassLabel, Histogram>::new_with_constructor(latency_histogram as fn() -> _);
        let submissions = Family::<SubmissionLabels, Counter>::default();
        let mail_sent = Family::<MailLabels, Counter>::default();
        let mail_failed = Family::<MailLabels, Counter>::default();
        let mail_waiting = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route class and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route class",
            latency.clone(),
        );
        registry.register(
            "submissions",
            "Questionnaires stored, by mode (web_link, web_code, paper)",
            submissions.clone(),
        );
        registry.register(
            "mail_sent",
            "Messages the mail transport accepted, by kind",
            mail_sent.clone(),
        );
        registry.register(
            "mail_failed",
            "Messages the mail transport refused (invitation marked undeliverable), by kind",
            mail_failed.clone(),
        );
        registry.register(
            "mail_waiting",
            "Messages waiting to be sent (queued mail-outs and reminders due), as of this instance's last scheduler round",
            mail_waiting.clone(),
        );
        Metrics {
            registry: std::sync::Arc::new(registry),
            requests,
            latency,
            submissions,
            mail_sent,
            mail_failed,
            mail_waiting,
        }
    }
}

impl Metrics {
    /// A request answered with `status` after `took`.
    pub fn answered(&self, class: RouteClass, status: u16, took: Duration) {
        let class = class.as_str();
        self.requests
            .get_or_create(&RequestLabels { class, status })
            .inc();
        self.latency
            .get_or_create(&ClassLabel { class })
            .observe(took.as_secs_f64());
    }

    /// A questionnaire stored.
    pub fn submitted(&self, mode: Mode) {
        self.submissions
            .get_or_create(&SubmissionLabels {
                mode: mode.as_str(),
            })
            .inc();
    }

    /// A message handed to the mail transport: accepted or refused.
    pub fn mailed(&self, kind: MailKind, accepted: bool) {
        let counter = if accepted {
            &self.mail_sent
        } else {
            &self.mail_failed
        };
        let kind = match kind {
            MailKind::Invitation => "invitation",
            MailKind::Reminder => "reminder",
        };
        counter.get_or_create(&MailLabels { kind }).inc();
    }

    /// The mail queue's depth: messages waiting to be sent.
    pub fn mail_waiting(&self, messages: usize) {
        self.mail_waiting
            .set(i64::try_from(messages).unwrap_or(i64::MAX));
    }

    /// Everything in the Prometheus text format.
    pub fn render(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Whether a request may read `/metrics`: its TCP peer is on this host or listed in
/// `allowed`, and no trusted proxy relayed it (the public reaches the service through the
/// proxy; Prometheus scrapes an instance directly).
pub fn may_scrape(
    peer: Option<IpAddr>,
    relayed: bool,
    allowed: &[IpAddr],
    trusted_proxies: &[IpAddr],
) -> bool {
    let Some(peer) = peer.map(|peer| peer.to_canonical()) else {
        return false;
    };
    let through_proxy = relayed && trusted_proxies.contains(&peer);
    (peer.is_loopback() || allowed.contains(&peer)) && !through_proxy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fall_into_classes_by_their_first_segment() {
        assert_eq!(RouteClass::of_path("/s/AbCd/start"), RouteClass::Patient);
        assert_eq!(RouteClass::of_path("/q/review"), RouteClass::Patient);
        assert_eq!(RouteClass::of_path("/code"), RouteClass::Patient);
        assert_eq!(RouteClass::of_path("/team/reports/1"), RouteClass::Team);
        assert_eq!(RouteClass::of_path("/entry/form"), RouteClass::Entry);
        assert_eq!(RouteClass::of_path("/api/v1/waves"), RouteClass::Api);
        assert_eq!(RouteClass::of_path("/metrics"), RouteClass::Other);
        assert_eq!(RouteClass::of_path("/sx"), RouteClass::Other);
    }

    #[test]
    fn only_direct_local_or_listed_peers_scrape() {
        let local: IpAddr = [127, 0, 0, 1].into();
        let prometheus: IpAddr = [10, 0, 0, 9].into();
        let stranger: IpAddr = [198, 51, 100, 7].into();
        assert!(may_scrape(Some(local), false, &[], &[]));
        assert!(may_scrape(Some(prometheus), false, &[prometheus], &[]));
        assert!(!may_scrape(Some(stranger), false, &[prometheus], &[]));
        assert!(!may_scrape(None, false, &[], &[]));
        // Relayed by the reverse proxy on this host: someone from outside.
        assert!(!may_scrape(Some(local), true, &[], &[local]));
        assert!(may_scrape(Some(local), true, &[], &[]));
    }
}
