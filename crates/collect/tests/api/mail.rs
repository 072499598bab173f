//! Invitations and reminders sent through the API to a real SMTP peer on loopback.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use base64::Engine;
use vecu_store::{Backend, Role, TokenState};

use crate::helpers::{api, on_both_backends, spawn_app_with, Browser, TestApp};

/// A minimal SMTP server (RFC 5321 commands lettre uses, and AUTH) that keeps every message it
/// accepts and every AUTH command.
fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let (port, received, _) = smtp_sink_with_logins();
    (port, received)
}

type Shared = Arc<Mutex<Vec<String>>>;

fn smtp_sink_with_logins() -> (u16, Shared, Shared) {
    smtp_sink_refusing(None)
}

/// The same server, refusing the recipient `refused` the way real servers do, quoting the
/// address in the reply.
pub(crate) fn smtp_sink_refusing(refused: Option<&'static str>) -> (u16, Shared, Shared) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let logins = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    let auth = logins.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut writer = stream.try_clone().expect("clone");
            let mut reader = BufReader::new(stream);
            let _ = writer.write_all(b"220 sink ESMTP\r\n");
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                let command = line.trim_end().to_ascii_uppercase();
                let refusal = refused
                    .filter(|address| {
                        command.starts_with("RCPT")
                            && command.contains(&address.to_ascii_uppercase())
                    })
                    .map(|address| {
                        format!("550 5.1.1 <{address}>: Recipient address rejected: User unknown in local recipient table; {address} does not exist\r\n")
                    });
                let reply: &[u8] = if let Some(refusal) = &refusal {
                    refusal.as_bytes()
                } else if command.starts_with("EHLO") {
                    b"250-sink\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                } else if command.starts_with("AUTH") {
                    auth.lock().expect("lock").push(line.trim_end().to_owned());
                    b"235 authenticated\r\n"
                } else if command.starts_with("DATA") {
                    let _ = writer.write_all(b"354 go on\r\n");
                    let mut message = String::new();
                    let mut data = String::new();
                    while reader.read_line(&mut data).unwrap_or(0) > 0 && data != ".\r\n" {
                        message.push_str(&data);
                        data.clear();
                    }
                    store.lock().expect("lock").push(message);
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
    (port, received, logins)
}

on_both_backends!(
    invitations_and_reminders_reach_patients_by_smtp,
    a_refused_recipient_is_logged_without_the_address,
);

async fn post(url: String, key: &str) -> (u16, serde_json::Value) {
    api(awc::http::Method::POST, url, Some(key), None).await
}

/// The text between a link's start in the body and the end of its line, quoted-printable soft
/// breaks removed.
pub(crate) fn link(message: &str, prefix: &str) -> String {
    let body = message
        .split_once("\r\n\r\n")
        .map_or("", |(_, body)| body)
        .replace("=\r\n", "");
    let start = body.find(prefix).expect("the link is in the body") + prefix.len();
    body[start..]
        .split(['\r', '\n'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A researcher's key, and the answer to its request to invite everyone.
async fn invite_everyone(app: &TestApp) -> (String, u16, serde_json::Value) {
    let (_, key) = app
        .store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let (status, body) = post(
        format!("{}/api/v1/waves/{}/invitations", app.address, app.wave),
        &key,
    )
    .await;
    (key, status, body)
}

/// The value of a header of a received message, unfolded.
fn header(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next().unwrap_or_default();
    let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    unfolded.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name)
            .then(|| value.trim().to_owned())
    })
}

async fn invitations_and_reminders_reach_patients_by_smtp(backend: Backend) {
    let (port, received) = smtp_sink();
    let app = spawn_app_with(backend, Some(format!("smtp://127.0.0.1:{port}")), false).await;
    let (key, status, body) = invite_everyone(&app).await;
    assert_eq!(
        (status, body["sent"].as_i64(), body["failed"].as_i64()),
        (200, Some(6), Some(0)),
        "{body}"
    );
    let messages = received.lock().expect("lock").clone();
    assert_eq!(messages.len(), 6);
    let german = messages
        .iter()
        .find(|m| m.contains("To: p1@example.org"))
        .expect("mail to p1");
    assert!(
        german.contains("Subject: =?utf-8?") || german.contains("Subject: Ihre Meinung"),
        "{german}"
    );
    let token = link(german, "http://placeholder/s/");
    assert!(
        matches!(
            app.store.lookup_token(&token).expect("lookup"),
            TokenState::Usable(_)
        ),
        "the link carries a working token"
    );
    assert_eq!(
        link(german, "http://placeholder/o/"),
        token,
        "the opt-out link is the same person's"
    );
    for message in &messages {
        let optout = format!(
            "http://placeholder/o/{}",
            link(message, "http://placeholder/o/")
        );
        assert_eq!(
            header(message, "List-Unsubscribe"),
            Some(format!("<{optout}>")),
            "{message}"
        );
        assert_eq!(
            header(message, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click"),
            "{message}"
        );
    }
    // Follow the received link as the patient's browser would.
    let welcome = Browser::new(&app).get(&format!("/s/{token}")).await;
    assert_eq!(welcome.status, 200);
    assert!(
        welcome.body.contains(r#"<html lang="de">"#),
        "the welcome page speaks the patient's language"
    );

    // One answers, two opt out: reminders go to the three others only.
    let survey = app
        .store
        .survey(&app.store.wave(&app.wave).expect("wave").survey_hash)
        .expect("survey");
    let response = survey
        .validate(&serde_json::json!({ "surgery": "no", "overall": 8 }))
        .expect("valid");
    let invited: Vec<String> = messages
        .iter()
        .map(|m| link(m, "http://placeholder/s/"))
        .collect();
    let invitation = |token: &str| match app.store.lookup_token(token).expect("lookup") {
        TokenState::Usable(invitation) => invitation.id,
        other => panic!("{other:?}"),
    };
    app.store
        .submit(
            &invitation(&invited[0]),
            &response,
            vecu_store::Mode::WebLink,
        )
        .expect("submitted");
    // One opts out from the mail program: RFC 8058's POST to the List-Unsubscribe link, which
    // carries no CSRF token; any other body without one is refused.
    let optout = format!("/o/{}", invited[1]);
    let mut mail_program = Browser::new(&app);
    for refused in [
        &[("List-Unsubscribe", "Two-Clicks")][..],
        &[("List-Unsubscribe", "One-Click"), ("lang", "fr")],
        &[("csrf", "forged")],
    ] {
        let page = mail_program.post(&optout, refused).await;
        assert_eq!(page.status, 403, "{refused:?}");
    }
    assert!(
        matches!(
            app.store.lookup_token(&invited[1]).expect("lookup"),
            TokenState::Usable(_)
        ),
        "refused requests change nothing"
    );
    let page = mail_program
        .post(&optout, &[("List-Unsubscribe", "One-Click")])
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(
        app.store.lookup_token(&invited[1]).expect("lookup"),
        TokenState::OptedOut
    );
    // The multipart form that RFC 8058 recommends works too.
    let multipart = "--vecu\r\nContent-Disposition: form-data; name=\"List-Unsubscribe\"\r\n\r\nOne-Click\r\n--vecu--\r\n";
    let (status, _) = api(
        awc::http::Method::POST,
        format!("{}/o/{}", app.address, invited[2]),
        None,
        Some(("multipart/form-data; boundary=vecu", multipart.to_owned())),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        app.store.lookup_token(&invited[2]).expect("lookup"),
        TokenState::OptedOut
    );
    // Reminders at will would count who answered in between: 7 days at least.
    let (status, body) = post(
        format!(
            "{}/api/v1/waves/{}/reminders?after_days=0",
            app.address, app.wave
        ),
        &key,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("at least 7"), "{body}");
    app.store
        .backdate_contacts(&app.wave, 14)
        .expect("two weeks later");
    let (status, body) = post(
        format!(
            "{}/api/v1/waves/{}/reminders?after_days=14",
            app.address, app.wave
        ),
        &key,
    )
    .await;
    assert_eq!((status, body["sent"].as_i64()), (200, Some(3)), "{body}");
    let received = received.lock().expect("lock").clone();
    assert_eq!(received.len(), 9);
    assert!(
        received[6..]
            .iter()
            .all(|reminder| header(reminder, "List-Unsubscribe-Post").is_some()),
        "reminders carry the one-click headers too"
    );
}

/// A login in the mail URL reaches the server (in clear only because it is on this host).
#[actix_rt::test]
async fn the_smtp_login_is_used() {
    let (port, received, logins) = smtp_sink_with_logins();
    let app = spawn_app_with(
        Backend::Sqlite,
        Some(format!(
            "smtp://scape%40hospital.example:s3cret@127.0.0.1:{port}"
        )),
        false,
    )
    .await;
    let (_, status, body) = invite_everyone(&app).await;
    assert_eq!((status, body["sent"].as_i64()), (200, Some(6)), "{body}");
    assert_eq!(received.lock().expect("lock").len(), 6);
    let expected = format!(
        "AUTH PLAIN {}",
        base64::engine::general_purpose::STANDARD.encode("\0scape@hospital.example\0s3cret")
    );
    let logins = logins.lock().expect("lock").clone();
    assert!(!logins.is_empty(), "no AUTH command");
    assert!(logins.iter().all(|login| *login == expected), "{logins:?}");
}

/// An insider with the server's logs (an operator, whoever reads the log files or their
/// backups) looks for addresses in them:
///
/// ```sh
/// grep -E '[[:alnum:]._%+-]+@[[:alnum:].-]+' vecu.log
/// ```
///
/// A refused recipient's SMTP reply quotes the address; the log line says that a message was
/// refused, with the reply code and the reply without the address.
async fn a_refused_recipient_is_logged_without_the_address(backend: Backend) {
    let log = crate::logs::captured();
    let (port, received, _) = smtp_sink_refusing(Some("p2@example.org"));
    let app = spawn_app_with(backend, Some(format!("smtp://127.0.0.1:{port}")), false).await;
    let (_, status, body) = invite_everyone(&app).await;
    assert_eq!(
        (status, body["sent"].as_i64(), body["failed"].as_i64()),
        (200, Some(5), Some(1)),
        "{body}"
    );
    assert_eq!(received.lock().expect("lock").len(), 5);
    let text = String::from_utf8_lossy(&log.lock().unwrap_or_else(|p| p.into_inner())).into_owned();
    let refusal = text
        .lines()
        .find(|line| line.contains("a message was refused") && line.contains("reply_code=550"))
        .expect("the refusal is logged with its reply code");
    assert!(refusal.contains("Recipient address rejected"), "{refusal}");
    for line in text.lines() {
        assert!(
            !line.contains("p2@example.org") && !line.contains("<p2@"),
            "an address reached the log: {line}"
        );
    }
}
