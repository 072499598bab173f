//! The reminder scheduler: each wave's schedule, one sender among several instances, and a
//! batch cut by a mail server outage resumed without a skip or a duplicate. Ticks are called
//! directly (no clock, no sleep); mail goes to a real SMTP peer on loopback.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use vecu_collect::{MailError, MailSettings, MailTransport, Mailer, Scheduler, SendSummary};
use vecu_store::{Backend, MailOut, ReminderSchedule, Role, Store};

use crate::helpers::{api, on_both_backends, spawn_app_with};

/// An SMTP server that accepts `accepting` messages (then answers 421, try later, until given
/// more), keeping the recipients of those it accepted.
fn smtp_server(accepting: Arc<AtomicUsize>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut writer = stream.try_clone().expect("clone");
            let mut reader = BufReader::new(stream);
            let _ = writer.write_all(b"220 test ESMTP\r\n");
            let mut line = String::new();
            let mut recipient = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                let command = line.trim_end().to_ascii_uppercase();
                let reply: &[u8] = if command.starts_with("EHLO") {
                    b"250-test\r\n250 8BITMIME\r\n"
                } else if command.starts_with("MAIL") && accepting.load(Ordering::SeqCst) == 0 {
                    b"421 4.3.0 try again later\r\n"
                } else if command.starts_with("RCPT") {
                    recipient = command.clone();
                    b"250 ok\r\n"
                } else if command.starts_with("DATA") {
                    let _ = writer.write_all(b"354 go on\r\n");
                    let mut data = String::new();
                    while reader.read_line(&mut data).unwrap_or(0) > 0 && data != ".\r\n" {
                        data.clear();
                    }
                    accepting.fetch_sub(1, Ordering::SeqCst);
                    kept.lock().expect("lock").push(recipient.clone());
                    b"250 queued\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = writer.write_all(b"221 bye\r\n");
                    break;
                } else {
                    b"250 ok\r\n"
                };
                let _ = writer.write_all(reply);
                line.clear();
            }
        }
    });
    (port, received)
}

fn mailer(port: u16) -> Mailer {
    Mailer::new(MailSettings {
        transport: MailTransport::parse(&format!("smtp://127.0.0.1:{port}")).expect("url"),
        from: "SCAPE <scape@example.org>".to_owned(),
        public_url: "http://placeholder".to_owned(),
    })
    .expect("mailer")
}

/// Six patients invited two weeks ago, the wave scheduled for one reminder after 14 days; the
/// server's recipients so far cleared.
fn invited_two_weeks_ago(store: &Store, wave: &str, port: u16, received: &Mutex<Vec<String>>) {
    let invited = mailer(port).send_invitations(store, wave).expect("invited");
    assert_eq!(invited.sent, 6);
    store
        .set_reminder_schedule(wave, Some(ReminderSchedule::new(14, 2).expect("schedule")))
        .expect("scheduled");
    store.backdate_contacts(wave, 14).expect("two weeks later");
    received.lock().expect("lock").clear();
}

fn assert_each_once(received: &Mutex<Vec<String>>) {
    let reminded = received.lock().expect("lock").clone();
    let distinct: BTreeSet<&String> = reminded.iter().collect();
    assert_eq!((reminded.len(), distinct.len()), (6, 6), "{reminded:?}");
}

async fn two_instances_send_each_reminder_once(backend: Backend) {
    let (port, received) = smtp_server(Arc::new(AtomicUsize::new(usize::MAX / 2)));
    let app = spawn_app_with(backend, None, false).await;
    invited_two_weeks_ago(&app.store, &app.wave, port, &received);
    let instances: Vec<Arc<Scheduler>> = (0..2)
        .map(|_| Arc::new(Scheduler::new(app.store.clone(), mailer(port))))
        .collect();
    // Both tick at once, twice each.
    let rounds: Vec<_> = instances
        .iter()
        .flat_map(|scheduler| [scheduler.clone(), scheduler.clone()])
        .map(|scheduler| std::thread::spawn(move || scheduler.tick().expect("tick")))
        .collect();
    let ticks: Vec<_> = rounds
        .into_iter()
        .map(|round| round.join().expect("joined"))
        .collect();
    assert_eq!(ticks.iter().map(|tick| tick.mail.sent).sum::<usize>(), 6);
    assert_each_once(&received);
    // Both stop, letting the lease go: a third instance takes over at once, and finds nothing
    // due any more. A stopped one takes the lease no more.
    for scheduler in &instances {
        scheduler.release().expect("released");
    }
    assert!(!instances[1].tick().expect("tick").held);
    let later = Scheduler::new(app.store.clone(), mailer(port))
        .tick()
        .expect("tick");
    assert!(later.held);
    assert_eq!(later.mail.sent, 0);
    assert_each_once(&received);
}

async fn a_batch_cut_by_an_outage_resumes_without_duplicates(backend: Backend) {
    let accepting = Arc::new(AtomicUsize::new(usize::MAX / 2));
    let (port, received) = smtp_server(accepting.clone());
    let app = spawn_app_with(backend, None, false).await;
    invited_two_weeks_ago(&app.store, &app.wave, port, &received);
    // The server takes two reminders, then asks to try later.
    accepting.store(2, Ordering::SeqCst);
    let first = Scheduler::new(app.store.clone(), mailer(port));
    assert!(matches!(first.tick(), Err(MailError::Unavailable(_))));
    assert_eq!(received.lock().expect("lock").len(), 2);
    // Another instance (a restart) takes over once the lease is let go, and sends the rest.
    first.release().expect("released");
    accepting.store(usize::MAX / 2, Ordering::SeqCst);
    let restarted = Scheduler::new(app.store.clone(), mailer(port));
    assert_eq!(restarted.tick().expect("tick").mail.sent, 4);
    assert_each_once(&received);
    let status = app.store.wave_status_now(&app.wave).expect("status");
    assert_eq!(
        status.overall.by_status.get("undeliverable"),
        None,
        "{status:?}"
    );
}

async fn a_wave_is_scheduled_through_the_api(backend: Backend) {
    let app = spawn_app_with(backend, None, false).await;
    let (_, researcher) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let (_, partner) = app
        .store
        .create_api_key("Partner", Role::PatientPartner)
        .expect("key");
    let url = format!(
        "{}/api/v1/waves/{}/reminder-schedule",
        app.address, app.wave
    );
    let put = |key: &str, body: &str| {
        let (key, body) = (key.to_owned(), body.to_owned());
        let url = url.clone();
        async move {
            api(
                awc::http::Method::PUT,
                url,
                Some(&key),
                Some(("application/json", body)),
            )
            .await
        }
    };
    let scheduled = |store: &Store| {
        store
            .scheduled_waves()
            .expect("scheduled waves")
            .into_iter()
            .map(|wave| (wave.wave, wave.schedule))
            .collect::<Vec<_>>()
    };
    let (status, body) = put(&researcher, r#"{"after_days": 14, "max_contacts": 3}"#).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["max_contacts"], 3);
    let schedule = ReminderSchedule::new(14, 3).expect("schedule");
    assert_eq!(scheduled(&app.store), [(app.wave.clone(), schedule)]);
    // Refused with what to do, the schedule kept.
    let (status, body) = put(&researcher, r#"{"after_days": 3, "max_contacts": 3}"#).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["fix"].as_str().is_some_and(|fix| !fix.is_empty()),
        "{body}"
    );
    let (status, body) = put(&researcher, r#"{"after_days": 14, "max_contacts": 5}"#).await;
    assert_eq!(status, 422, "{body}");
    let (status, _) = put(&partner, r#"{"after_days": 21, "max_contacts": 2}"#).await;
    assert_eq!(status, 403);
    assert_eq!(scheduled(&app.store), [(app.wave.clone(), schedule)]);
    let (status, _) = api(
        awc::http::Method::DELETE,
        url.clone(),
        Some(&researcher),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(scheduled(&app.store), []);
}

/// A mail-out asked of an instance while another holds the lease waits in the queue (202, and
/// the metrics' queue depth says how much), and the holder's next round sends it, each message
/// once; asked again, nothing is sent twice.
async fn a_mail_out_waits_in_the_queue_for_the_lease_holder(backend: Backend) {
    let (port, received) = smtp_server(Arc::new(AtomicUsize::new(usize::MAX / 2)));
    let app = spawn_app_with(backend, Some(format!("smtp://127.0.0.1:{port}")), false).await;
    let (_, researcher) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    // Another instance holds the lease.
    let holder = Arc::new(Scheduler::new(app.store.clone(), mailer(port)));
    assert!(holder.tick().expect("tick").held);
    let invitations = format!("{}/api/v1/waves/{}/invitations", app.address, app.wave);
    let ask = || {
        let (url, key) = (invitations.clone(), researcher.clone());
        async move { api(awc::http::Method::POST, url, Some(&key), None).await }
    };
    let (status, body) = ask().await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        (body["sent"].as_u64(), body["waiting"].as_u64()),
        (Some(0), Some(6)),
        "{body}"
    );
    assert!(received.lock().expect("lock").is_empty());
    let metrics = awc::Client::default()
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .body()
        .await
        .expect("body");
    let metrics = String::from_utf8_lossy(&metrics);
    assert!(
        metrics.lines().any(|line| line == "vecu_mail_waiting 6"),
        "{metrics}"
    );
    // The holder's next round sends the queued mail-out.
    let round = {
        let holder = holder.clone();
        std::thread::spawn(move || holder.tick())
            .join()
            .expect("joined")
            .expect("tick")
    };
    assert_eq!(round.mail.sent, 6);
    assert_each_once(&received);
    assert_eq!(app.store.mail_waiting(None).expect("waiting"), 0);
    // Asked again once the lease is free: nothing left, nothing sent twice.
    holder.release().expect("released");
    let (status, body) = ask().await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["sent"].as_u64(), body["waiting"].as_u64()),
        (Some(0), Some(0)),
        "{body}"
    );
    assert_each_once(&received);
}

/// An instance stopped gracefully (SIGTERM) hands the lease over as it stops: another instance
/// sends at once, not when the lease would have run out.
async fn a_stopped_instance_hands_the_lease_over(backend: Backend) {
    let (port, received) = smtp_server(Arc::new(AtomicUsize::new(usize::MAX / 2)));
    let app = spawn_app_with(backend, None, false).await;
    let config = vecu_collect::ServeConfig {
        bind: "127.0.0.1:0".to_owned(),
        mail: Some(MailSettings {
            transport: MailTransport::parse(&format!("smtp://127.0.0.1:{port}")).expect("url"),
            from: "SCAPE <scape@example.org>".to_owned(),
            public_url: "http://placeholder".to_owned(),
        }),
        reminders_every: None,
        ..vecu_collect::ServeConfig::default()
    };
    let instance = vecu_collect::Application::build(&config, app.store.clone()).expect("binds");
    let address = format!("http://127.0.0.1:{}", instance.port());
    let handle = instance.handle();
    let running = actix_rt::spawn(instance.run());
    let (_, researcher) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let (status, body) = api(
        awc::http::Method::POST,
        format!("{address}/api/v1/waves/{}/invitations", app.wave),
        Some(&researcher),
        None,
    )
    .await;
    assert_eq!((status, body["sent"].as_u64()), (200, Some(6)), "{body}");
    // The instance holds the lease: another gets nothing.
    let other = Scheduler::new(app.store.clone(), mailer(port));
    assert!(!other.tick().expect("tick").held);
    handle.stop(true).await;
    running.await.expect("joined").expect("served");
    assert!(other.tick().expect("tick").held, "handed over at the stop");
    assert_each_once(&received);
}

/// A sender whose list went stale (it stalled, another instance sent meanwhile, and it went on
/// as if it still held the lease) sends nobody a second reminder: each patient is checked to be
/// still due right before each message.
async fn a_sender_with_a_stale_list_sends_nothing_twice(backend: Backend) {
    let (port, received) = smtp_server(Arc::new(AtomicUsize::new(usize::MAX / 2)));
    let app = spawn_app_with(backend, None, false).await;
    invited_two_weeks_ago(&app.store, &app.wave, port, &received);
    let other = Scheduler::new(app.store.clone(), mailer(port));
    let mut asked = 0;
    let mut stale = SendSummary::default();
    let finished = mailer(port)
        .send_mail_out(
            &app.store,
            &app.wave,
            MailOut::Reminders(ReminderSchedule::new(14, 2).expect("schedule")),
            || {
                asked += 1;
                // Before its third message, the other instance sends the four left.
                if asked == 3 {
                    assert_eq!(other.tick()?.mail.sent, 4);
                }
                Ok(true)
            },
            &mut stale,
        )
        .expect("sent");
    assert!(finished);
    assert_eq!(stale.sent, 2);
    assert_each_once(&received);
}

on_both_backends!(
    a_mail_out_waits_in_the_queue_for_the_lease_holder,
    a_sender_with_a_stale_list_sends_nothing_twice,
    a_stopped_instance_hands_the_lease_over,
    two_instances_send_each_reminder_once,
    a_batch_cut_by_an_outage_resumes_without_duplicates,
    a_wave_is_scheduled_through_the_api,
);
