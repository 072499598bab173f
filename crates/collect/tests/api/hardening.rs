//! Access hardening: who counts for rate limits behind a proxy, where letter links point, how
//! much a form may send, and sign-in forms bound to their visitor.

use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream};
use std::time::Duration;

use awc::http::Method;
use vecu_store::{Backend, Role, TokenState};

use crate::helpers::{
    api, on_both_backends, spawn_app, spawn_app_configured, started, Browser, TestApp,
};

on_both_backends!(
    behind_a_proxy_only_the_address_it_appended_counts,
    a_forwarded_header_from_anyone_but_the_proxy_is_ignored,
    letter_links_use_the_configured_public_url,
    the_opt_out_link_takes_a_few_kib_and_reads_no_more,
    questionnaire_pages_take_what_their_texts_need,
    sign_in_forms_are_bound_to_their_visitor,
);

const PROXY: [u8; 4] = [127, 0, 0, 1];
const VICTIM: &str = "192.0.2.1";
const ATTACKER: &str = "198.51.100.66";

/// A GET with extra headers: the status and the body.
async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut request = awc::Client::default().get(format!("{}{path}", app.address));
    for &(name, value) in headers {
        request = request.append_header((name, value));
    }
    let mut response = request.send().await.expect("the server answers");
    let body = response.body().await.expect("body");
    (
        response.status().as_u16(),
        String::from_utf8_lossy(&body).into_owned(),
    )
}

/// The test client plays the reverse proxy (it connects from 127.0.0.1, the trusted proxy) and
/// writes `X-Forwarded-For` as a proxy that appends its peer's address does (nginx's
/// `$proxy_add_x_forwarded_for`): whatever the client sent, then the client's real address.
async fn behind_a_proxy_only_the_address_it_appended_counts(backend: Backend) {
    let app = spawn_app_configured(backend, true, |config| {
        config.trusted_proxies = vec![IpAddr::from(PROXY)];
    })
    .await;
    // The attacker sends `X-Forwarded-For: 192.0.2.1` and `Forwarded: for=192.0.2.1` (the
    // victim's address) with ten unknown tokens, hoping to lock the victim out.
    let forged = format!("{VICTIM}, {ATTACKER}");
    for attempt in 0..10 {
        let (status, _) = get(
            &app,
            &format!("/s/guess-{attempt}"),
            &[
                ("X-Forwarded-For", forged.as_str()),
                ("Forwarded", "for=192.0.2.1"),
            ],
        )
        .await;
        assert_eq!(status, 404);
    }
    // The victim, through the same proxy, is not locked out.
    let victim_link = format!("/s/{}", app.tokens[0].token);
    let (status, body) = get(&app, &victim_link, &[("X-Forwarded-For", VICTIM)]).await;
    assert_eq!(status, 200, "the victim was locked out: {body}");
    assert_eq!(
        get(&app, "/s/typo", &[("X-Forwarded-For", VICTIM)]).await.0,
        404
    );
    // The attacker is, whatever it writes before the proxy's entry, on one header line or two.
    for own in [
        format!("203.0.113.9, {ATTACKER}"),
        format!("{ATTACKER}, {ATTACKER}"),
    ] {
        let (status, _) = get(&app, "/s/guess-11", &[("X-Forwarded-For", own.as_str())]).await;
        assert_eq!(status, 429, "{own}");
    }
    let (status, _) = get(
        &app,
        "/s/guess-12",
        &[("X-Forwarded-For", VICTIM), ("X-Forwarded-For", ATTACKER)],
    )
    .await;
    assert_eq!(status, 429);
    // A valid token does not get the attacker through either.
    let (status, _) = get(
        &app,
        &format!("/s/{}", app.tokens[1].token),
        &[("X-Forwarded-For", ATTACKER)],
    )
    .await;
    assert_eq!(status, 429);
}

/// The proxy is elsewhere (10.9.9.9): the test client is a client talking to the service
/// directly, and no header of its own changes the address it is counted by.
async fn a_forwarded_header_from_anyone_but_the_proxy_is_ignored(backend: Backend) {
    let app = spawn_app_configured(backend, true, |config| {
        config.trusted_proxies = vec![IpAddr::from([10, 9, 9, 9])];
    })
    .await;
    for attempt in 0..10 {
        let fresh = format!("203.0.113.{attempt}");
        let (status, _) = get(
            &app,
            &format!("/s/guess-{attempt}"),
            &[
                ("X-Forwarded-For", fresh.as_str()),
                ("Forwarded", &format!("for={fresh}")),
            ],
        )
        .await;
        assert_eq!(status, 404);
    }
    let (status, _) = get(
        &app,
        &format!("/s/{}", app.tokens[0].token),
        &[("X-Forwarded-For", "203.0.113.200")],
    )
    .await;
    assert_eq!(status, 429, "a new X-Forwarded-For got around the limit");
}

/// The letters' address and QR links come from the configured public URL: a request with a
/// forged `Host` (and the headers proxies use to name the host) cannot put another site on
/// letters the hospital prints.
async fn letter_links_use_the_configured_public_url(backend: Backend) {
    let app = spawn_app_configured(backend, true, |config| {
        config.public_url = Some("https://survey.example.org/".to_owned());
    })
    .await;
    let (_, key) = app
        .store
        .create_api_key("Dr R", Role::Researcher)
        .expect("key");
    let frame = "ref,language,site,age_band,sex\nK-1,fr,H1,50-69,F\n";
    let mut response = awc::Client::default()
        .request(
            Method::POST,
            format!("{}/api/v1/waves/{}/letters", app.address, app.wave),
        )
        .insert_header(("Authorization", format!("Bearer {key}")))
        .insert_header(("Host", "evil.example"))
        .insert_header(("X-Forwarded-Host", "evil.example"))
        .insert_header(("X-Forwarded-Proto", "http"))
        .insert_header(("Forwarded", "host=evil.example;proto=http"))
        .insert_header(("Content-Type", "text/csv"))
        .send_body(frame)
        .await
        .expect("the server answers");
    let body = response.body().await.expect("body");
    let body = String::from_utf8_lossy(&body);
    assert_eq!(response.status().as_u16(), 200, "{body}");
    let letter = body.lines().nth(1).expect("one letter");
    assert!(!body.contains("evil.example"), "{body}");
    assert!(
        letter.contains(",https://survey.example.org/code,https://survey.example.org/code?code="),
        "{letter}"
    );
}

const FORM: &str = "application/x-www-form-urlencoded";

/// Sends a request head and then `body` (or as much of it as the server takes) over a raw
/// connection; the status the server answers with within 3 seconds, if any.
fn raw_status(app: &TestApp, path: &str, framing: &str, body: &[u8]) -> Option<u16> {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(3))).ok()?;
    stream
        .set_write_timeout(Some(Duration::from_secs(3)))
        .ok()?;
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: {FORM}\r\n{framing}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).ok()?;
    // The server may stop reading long before the end: that is the point.
    let _ = stream.write_all(body);
    let mut answer = [0u8; 64];
    let read = stream.read(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer[..read]).into_owned();
    answer.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// The status of a URL-encoded POST.
async fn post_form(app: &TestApp, path: &str, body: String) -> u16 {
    let url = format!("{}{path}", app.address);
    api(Method::POST, url, None, Some((FORM, body))).await.0
}

/// `/o/{token}` is in every e-mail and takes a POST from anyone: a body larger than the
/// one-click opt-out or the page's form needs is refused before it is read, whether its length
/// is declared (even 32 MiB, of which only a little is sent) or not (chunked, never ending).
/// The other forms of patients and the sign-in forms take a few KiB too.
async fn the_opt_out_link_takes_a_few_kib_and_reads_no_more(backend: Backend) {
    let app = spawn_app(backend).await;
    let token = app.tokens[0].token.clone();
    let optout = format!("/o/{token}");
    let padding = "x".repeat(64 * 1024);
    let body = format!("List-Unsubscribe=One-Click&pad={padding}");
    assert_eq!(post_form(&app, &optout, body).await, 413);
    assert_eq!(
        raw_status(
            &app,
            &optout,
            "Content-Length: 33554432",
            padding.as_bytes()
        ),
        Some(413),
        "a declared 32 MiB body is refused at once"
    );
    let chunk = format!("{:x}\r\n{}\r\n", 8192, "x".repeat(8192));
    assert_eq!(
        raw_status(
            &app,
            &optout,
            "Transfer-Encoding: chunked",
            chunk.repeat(8).as_bytes()
        ),
        Some(413),
        "a chunked body is refused once it passes the limit"
    );
    assert!(
        matches!(
            app.store.lookup_token(&token).expect("look-up"),
            TokenState::Usable(_)
        ),
        "nothing changed"
    );
    let one_click = "List-Unsubscribe=One-Click".to_owned();
    assert_eq!(
        post_form(&app, &optout, one_click).await,
        200,
        "the real one-click opt-out still works"
    );

    let other = &app.tokens[1].token;
    for path in [
        format!("/s/{other}/start"),
        format!("/s/{other}/optout"),
        "/q/submit".to_owned(),
        "/code".to_owned(),
        "/c/start".to_owned(),
        "/c/optout".to_owned(),
        "/team/login".to_owned(),
        "/entry/login".to_owned(),
    ] {
        let body = format!("csrf=x&key=vecu_x&code=x&pad={padding}");
        assert_eq!(post_form(&app, &path, body).await, 413, "{path}");
    }
}

/// A questionnaire page takes what its items can need, its free texts at their longest in the
/// widest characters included, and not much more.
async fn questionnaire_pages_take_what_their_texts_need(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut browser = started(&app, &app.tokens[0].token).await;
    let page = browser.get("/q/1").await;
    let csrf = page.csrf();
    // The comment box takes 2000 characters: 2000 of four UTF-8 bytes each, percent-encoded.
    let longest = "\u{1F600}".repeat(2000);
    let padding = "x".repeat(100 * 1024);
    let fields = vec![
        ("csrf", csrf.as_str()),
        ("overall", "9"),
        ("comments", longest.as_str()),
        ("action", "next"),
        ("shown", "support_from"),
        ("shown", "staff"),
        ("shown", "thanks_note"),
        ("shown", "overall"),
        ("shown", "comments"),
    ];
    let mut padded = fields.clone();
    padded.push(("pad", padding.as_str()));
    // 100 KiB more than the page can need, though less than the 256 KiB every form took before.
    let refused = browser.post("/q/1", &padded).await;
    assert_eq!(refused.status, 413);
    let done = browser.post("/q/1", &fields).await;
    assert_eq!(
        (done.status, done.location.as_deref()),
        (303, Some("/q/review")),
        "{}",
        done.body
    );
    let review = browser.get("/q/review").await;
    assert!(review.body.contains(&longest), "the longest answer is kept");
}

/// Login CSRF: someone loads a sign-in form in their own browser and makes another person's
/// browser post it with the attacker's key, so that the victim works in the attacker's
/// account. The form's token is bound to a random value in its visitor's cookie, so a token
/// from another browser is refused, with a page that says so and a fresh form that works.
async fn sign_in_forms_are_bound_to_their_visitor(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, partner) = app
        .store
        .create_api_key("P", Role::PatientPartner)
        .expect("key");
    let (_, clerk) = app.store.create_api_key("C", Role::DataEntry).expect("key");
    for (page, action, key) in [
        ("/team", "/team/login", &partner),
        ("/entry", "/entry/login", &clerk),
    ] {
        let mut attacker = Browser::new(&app);
        let form = attacker.get(page).await;
        let set_cookie = form
            .headers
            .get("set-cookie")
            .map(|value| value.to_str().expect("ascii").to_owned())
            .unwrap_or_default();
        assert!(set_cookie.starts_with("vecu_visitor="), "{set_cookie}");
        for attribute in [
            "HttpOnly",
            "SameSite=Strict",
            "Max-Age=3600",
            &format!("Path={page}"),
        ] {
            assert!(set_cookie.contains(attribute), "{set_cookie}");
        }
        // The victim's browser: first without any visitor cookie, then with its own.
        let mut victim = Browser::new(&app);
        let refused = victim
            .post(action, &[("csrf", &form.csrf()), ("key", key)])
            .await;
        assert_eq!(refused.status, 403, "{page}");
        assert!(
            refused.body.contains("Ce formulaire de connexion a expiré"),
            "{}",
            refused.body
        );
        assert!(victim.session().is_none());
        victim.get(page).await;
        let refused = victim
            .post(action, &[("csrf", &form.csrf()), ("key", key)])
            .await;
        assert_eq!(refused.status, 403, "{page}");
        assert!(victim.session().is_none());
        // The page that refused carries a form of the victim's own: signing in works.
        let signed_in = victim
            .post(action, &[("csrf", &refused.csrf()), ("key", key)])
            .await;
        assert_eq!(signed_in.status, 303, "{page}: {}", signed_in.body);
        assert!(victim.session().is_some());
    }
}
