//! Two `vecu serve` instances on one PostgreSQL, as behind a load balancer: patients walk the
//! whole questionnaire with each request sent to the other instance than the last (the client
//! alternates), one instance is killed with SIGKILL in the middle of a request and started
//! again, and every acknowledged submission is stored exactly once, with the answers given on
//! pages that either instance served (sessions and drafts live in the database). Both mail to
//! an SMTP server on loopback, and the reminders of a scheduled wave go out exactly once. And a
//! mail-out killed half-way is finished, each message once, by the instance started again.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::{Connection, PgConnection, RunQueryDsl};
use vecu_store::testing::TestDb;
use vecu_store::{Backend, Store, StoreConfig};

/// `vecu serve` over `database` on a free port with `options`, and `demo` invented patients when
/// given: the child, its port and the patients' links (tokens).
fn serve(
    database: &str,
    config: &Path,
    demo: Option<usize>,
    options: &[&str],
) -> (Child, u16, Vec<String>) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vecu"));
    command
        .args(["serve", "--bind", "127.0.0.1:0", "--database", database])
        .args(options)
        .current_dir(config)
        .env("XDG_CONFIG_HOME", config)
        .env_remove("VECU_KEY_FILE")
        .env_remove("VECU_ENCRYPTION_KEY")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(patients) = demo {
        command.args(["--demo", &patients.to_string()]);
    }
    let mut child = command.spawn().expect("vecu serve starts");
    let (sender, receiver) = std::sync::mpsc::channel();
    for pipe in [
        Box::new(child.stderr.take().expect("stderr")) as Box<dyn Read + Send>,
        Box::new(child.stdout.take().expect("stdout")),
    ] {
        let sender = sender.clone();
        std::thread::spawn(move || {
            // Read to the end: a closed pipe would fail the service's next log line.
            for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = sender.send(line);
            }
        });
    }
    let (mut port, mut tokens, mut said) = (None, Vec::new(), Vec::new());
    while port.is_none() || tokens.len() < demo.unwrap_or(0) {
        let Ok(line) = receiver.recv_timeout(Duration::from_secs(120)) else {
            let _ = child.kill();
            panic!("vecu serve did not start: {}", said.join("\n"));
        };
        if let Some(token) = line.split("/s/").nth(1) {
            tokens.push(token.trim().to_owned());
        } else if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            port = digits.parse::<u16>().ok();
        }
        said.push(line);
    }
    (child, port.expect("a port"), tokens)
}

/// Messages the SMTP server holds unanswered: each `nth` message it receives (counting from 1,
/// held ones included) gets no reply, and `reached` is told once its data is in. Never
/// acknowledged, it is not counted as received: its sender must send it again.
type Hold = (Vec<usize>, std::sync::mpsc::Sender<()>);

/// An SMTP server on loopback that accepts every message (but the one it may `hold`): its port
/// and the recipients of the messages received, one entry per message.
fn smtp_sink(hold: Option<Hold>) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let kept = received.clone();
    let messages = Arc::new(AtomicUsize::new(0));
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let (kept, messages, hold) = (kept.clone(), messages.clone(), hold.clone());
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().expect("clone");
                let mut reader = std::io::BufReader::new(stream);
                let _ = writer.write_all(b"220 sink ESMTP\r\n");
                let (mut line, mut recipients) = (String::new(), Vec::new());
                while reader.read_line(&mut line).unwrap_or(0) > 0 {
                    let command = line.trim_end().to_ascii_uppercase();
                    let reply: &[u8] = if command.starts_with("EHLO") {
                        b"250-sink\r\n250 8BITMIME\r\n"
                    } else if command.starts_with("RCPT") {
                        recipients.push(line.trim_end()[8..].to_owned());
                        b"250 ok\r\n"
                    } else if command.starts_with("DATA") {
                        let _ = writer.write_all(b"354 go on\r\n");
                        let mut data = String::new();
                        while reader.read_line(&mut data).unwrap_or(0) > 0 && data != ".\r\n" {
                            data.clear();
                        }
                        let nth = messages.fetch_add(1, Ordering::SeqCst) + 1;
                        if let Some((_, reached)) =
                            hold.as_ref().filter(|(held, _)| held.contains(&nth))
                        {
                            // No reply: the sender waits until it dies or gives up.
                            let _ = reached.send(());
                            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                                line.clear();
                            }
                            return;
                        }
                        kept.lock().expect("lock").append(&mut recipients);
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
            });
        }
    });
    (port, received)
}

/// `vecu` on the command line over `database`, with the key of `config`; its standard output.
fn vecu(database: &str, config: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_vecu"))
        .args(["--database", database])
        .args(args)
        .current_dir(config)
        .env("XDG_CONFIG_HOME", config)
        .env_remove("VECU_KEY_FILE")
        .env_remove("VECU_ENCRYPTION_KEY")
        .output()
        .expect("vecu runs");
    assert!(
        output.status.success(),
        "vecu {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// An open wave of the example survey with `n` patients reached by mail (`{prefix}{idx}@example.org`),
/// none invited yet; its id.
fn wave_to_invite(database: &str, config: &Path, n: usize, prefix: &str) -> String {
    let survey = format!("{}/../../surveys/example.json", env!("CARGO_MANIFEST_DIR"));
    let wave = vecu(database, config, &["wave", "create", "--survey", &survey]);
    let frame: String = (0..n)
        .map(|idx| format!("{prefix}{idx}@example.org,fr,H1,18-49,F\n"))
        .collect();
    let file = config.join(format!("{prefix}.csv"));
    std::fs::write(&file, format!("email,language,site,age_band,sex\n{frame}")).expect("frame");
    let file = file.to_string_lossy();
    vecu(
        database,
        config,
        &["wave", "import-frame", "--wave", &wave, &file],
    );
    vecu(database, config, &["wave", "open", "--wave", &wave]);
    wave
}

/// A researcher's key for `database`.
fn researcher_key(database: &str, config: &Path) -> String {
    let key = vecu(
        database,
        config,
        &["admin", "create-key", "--role", "researcher"],
    );
    key.lines().next().expect("the key").to_owned()
}

/// A researcher's request to mail (`path`: `invitations`, or `reminders?...`) a wave, sent to
/// the instance at `port`: the whole answer, or an error when the instance died before answering.
fn ask_to_mail(port: u16, wave: &str, path: &str, key: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    write!(
        stream,
        "POST /api/v1/waves/{wave}/{path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\
         Authorization: Bearer {key}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer)
}

/// A wave of the example survey with `n` patients, invited by mail through the instance at
/// `port` 8 days ago, whose schedule makes a reminder due now for each.
fn wave_with_reminders_due(
    database: &str,
    config: &Path,
    port: u16,
    dba: &mut PgConnection,
    n: usize,
) {
    let wave = wave_to_invite(database, config, n, "remind");
    let schedule = ["--after-days", "7", "--contacts", "3"];
    vecu(
        database,
        config,
        &[&["wave", "schedule", "--wave", &wave][..], &schedule].concat(),
    );
    let key = researcher_key(database, config);
    let answer = ask_to_mail(port, &wave, "invitations", &key).expect("answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    diesel::sql_query(format!(
        "UPDATE invitations SET last_contact_on = to_char(current_date - 8, 'YYYY-MM-DD') \
         WHERE wave_id = '{wave}'"
    ))
    .execute(dba)
    .expect("backdated");
}

/// Polls `done` until it holds; fails with `stalled` after 5 minutes from `started`.
fn wait_until(started: Instant, stalled: &str, mut done: impl FnMut() -> bool) {
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(300), "{stalled}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// An answer: status, the headers' lines, the body.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }

    /// The value of the form field `name` (the first one).
    fn field(&self, name: &str) -> Option<String> {
        let marker = format!("name=\"{name}\" value=\"");
        let rest = self.body.split(&marker).nth(1)?;
        Some(rest.split('"').next()?.to_owned())
    }

    fn fields(&self, name: &str) -> Vec<String> {
        let marker = format!("name=\"{name}\" value=\"");
        self.body
            .split(&marker)
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_owned))
            .collect()
    }
}

/// A request over its own connection; an error when the instance is down or dies meanwhile.
/// `on_sent` runs once the request is written (the test kills an instance there).
fn request(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<&str>,
    on_sent: impl FnOnce(),
) -> std::io::Result<Answer> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    if let Some(cookie) = cookie {
        text.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if let Some(body) = body {
        text.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ));
    } else {
        text.push_str("\r\n");
    }
    stream.write_all(text.as_bytes())?;
    on_sent();
    let mut raw = String::new();
    stream.read_to_string(&mut raw)?;
    let (head, body) = raw.split_once("\r\n\r\n").ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "no complete answer")
    })?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| std::io::Error::other("no status"))?;
    Ok(Answer {
        status,
        head: head.to_owned(),
        body: body.to_owned(),
    })
}

/// Percent-encodes a form value (everything but letters and digits).
fn encode(text: &str) -> String {
    text.bytes()
        .map(|byte| {
            if byte.is_ascii_alphanumeric() {
                char::from(byte).to_string()
            } else {
                format!("%{byte:02X}")
            }
        })
        .collect()
}

/// The two instances as the client sees them: their ports (`None` while one is down), the
/// request counter that alternates between them, and the kill switch.
struct Cluster {
    ports: Mutex<[Option<u16>; 2]>,
    turn: AtomicUsize,
    /// Set by the main thread: the next request sent to instance 1 kills it once written.
    kill_next: Mutex<Option<Child>>,
    killed: AtomicUsize,
    moves: AtomicUsize,
    /// Answers each instance gave.
    served: [AtomicUsize; 2],
}

impl Cluster {
    /// Sends to the instance whose turn it is, or to the other when it is down or dies during
    /// the request (a load balancer's retry); `None` when neither answered.
    fn send(
        &self,
        method: &str,
        path: &str,
        cookie: Option<&str>,
        body: Option<&str>,
    ) -> Option<Answer> {
        let first = self.turn.fetch_add(1, Ordering::SeqCst) % 2;
        for instance in [first, 1 - first] {
            let Some(port) = self.ports.lock().expect("ports")[instance] else {
                continue;
            };
            let kill = || {
                if instance == 1 {
                    if let Some(mut child) = self.kill_next.lock().expect("kill").take() {
                        child.kill().expect("SIGKILL");
                        child.wait().expect("reaped");
                        self.ports.lock().expect("ports")[1] = None;
                        self.killed.fetch_add(1, Ordering::SeqCst);
                    }
                }
            };
            match request(port, method, path, cookie, body, kill) {
                Ok(answer) => {
                    self.served[instance].fetch_add(1, Ordering::SeqCst);
                    if instance != first {
                        self.moves.fetch_add(1, Ordering::SeqCst);
                    }
                    return Some(answer);
                }
                Err(_) => continue,
            }
        }
        None
    }
}

/// Answers to the required questions of the shipped survey ("none_yet" and "no" skip the
/// treatment questions and the ward page).
const ANSWERS: [(&str, &str); 3] = [
    ("treatment_types", "none_yet"),
    ("stayed_overnight", "no"),
    ("overall_rating", "8"),
];

/// How one patient's walk ended.
#[derive(Debug, PartialEq, Eq)]
enum Walk {
    /// The thank-you page came back.
    Acknowledged,
    /// The submission was sent but its answer lost with an instance: stored or not.
    InDoubt,
}

/// One patient from the welcome page to the thank-you page, each request to the other
/// instance; every page after the first is served by whichever instance the turn gives.
fn walk(cluster: &Cluster, token: &str) -> Walk {
    let welcome = cluster
        .send("GET", &format!("/s/{token}"), None, None)
        .expect("an instance answers");
    let csrf = welcome.field("csrf").expect("the welcome page's form");
    let started = cluster
        .send(
            "POST",
            &format!("/s/{token}/start"),
            None,
            Some(&format!("csrf={}", encode(&csrf))),
        )
        .expect("an instance answers");
    assert_eq!(started.status, 303, "{}", started.body);
    let cookie = started
        .header("set-cookie")
        .and_then(|value| value.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let mut location = started.header("location").expect("a page").to_owned();
    for _ in 0..40 {
        let page = cluster
            .send("GET", &location, Some(&cookie), None)
            .expect("an instance answers");
        assert_eq!(
            page.status, 200,
            "{location}: the session and the draft live on (any instance serves the page)"
        );
        let csrf = page.field("csrf").expect("the page's form");
        if location == "/q/review" {
            let sent = cluster.send(
                "POST",
                "/q/submit",
                Some(&cookie),
                Some(&format!("csrf={}", encode(&csrf))),
            );
            // The thank-you page ends the session: its cookie is removed.
            let thanked = |answer: &Answer| {
                answer.status == 200
                    && answer
                        .header("set-cookie")
                        .is_some_and(|cookie| cookie.starts_with("vecu_session=;"))
            };
            return match sent {
                Some(answer) if thanked(&answer) => Walk::Acknowledged,
                _ => Walk::InDoubt,
            };
        }
        let mut form = vec![format!("csrf={}", encode(&csrf))];
        for item in page.fields("shown") {
            form.push(format!("shown={}", encode(&item)));
            if let Some((_, answer)) = ANSWERS.iter().find(|(id, _)| *id == item) {
                form.push(format!("{}={}", encode(&item), encode(answer)));
            }
        }
        form.push("action=next".to_owned());
        let saved = cluster
            .send("POST", &location, Some(&cookie), Some(&form.join("&")))
            .expect("an instance answers");
        assert_eq!(saved.status, 303, "{location}: {}", saved.body);
        location = saved.header("location").expect("the next page").to_owned();
    }
    panic!("the questionnaire did not end")
}

#[derive(diesel::QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

fn count(connection: &mut PgConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(connection)
        .expect("a count")
        .n
}

#[test]
fn two_instances_lose_nothing_when_one_is_killed_mid_request() {
    const PATIENTS: usize = 24;
    const WALKERS: usize = 4;
    const REMINDED: usize = 6;
    let db = TestDb::new(Backend::Postgres);
    let config = tempfile::tempdir().expect("temp dir");
    let mut dba = PgConnection::establish(&db.url).expect("connects");
    let (sink, received) = smtp_sink(None);
    let mail = format!("smtp://127.0.0.1:{sink}");
    // Set-up by an instance without the periodic scheduler: the demo patients, and a wave invited
    // by mail 8 days ago whose reminders are due. Its mail-out took the scheduler's lease, which
    // its kill leaves behind: the others wait for it to run out (5 s here).
    let settings = config.path().join("setup.toml");
    std::fs::write(
        &settings,
        "reminder_minutes = 0\nscheduler_lease_seconds = 5\n",
    )
    .expect("settings");
    let setup_options = ["--mail", &mail, "--config", &settings.to_string_lossy()];
    let (mut setup, setup_port, tokens) =
        serve(&db.url, config.path(), Some(PATIENTS), &setup_options);
    wave_with_reminders_due(&db.url, config.path(), setup_port, &mut dba, REMINDED);
    setup.kill().expect("stopped");
    setup.wait().expect("reaped");
    assert_eq!(
        received.lock().expect("sink").len(),
        REMINDED,
        "the invitations"
    );
    // Two instances with the scheduler: the first round of one of them sends the reminders. The
    // second finds the same key (the same database's default key file).
    let lease = config.path().join("lease.toml");
    std::fs::write(&lease, "scheduler_lease_seconds = 5\n").expect("settings");
    let lease = lease.to_string_lossy();
    let options = ["--mail", mail.as_str(), "--config", &lease];
    let (first, first_port, _) = serve(&db.url, config.path(), None, &options);
    let (second, second_port, _) = serve(&db.url, config.path(), None, &options);
    let cluster = Arc::new(Cluster {
        ports: Mutex::new([Some(first_port), Some(second_port)]),
        turn: AtomicUsize::new(0),
        kill_next: Mutex::new(None),
        killed: AtomicUsize::new(0),
        moves: AtomicUsize::new(0),
        served: [AtomicUsize::new(0), AtomicUsize::new(0)],
    });
    let queue = Arc::new(Mutex::new(tokens));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let in_doubt = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let walkers: Vec<_> = (0..WALKERS)
        .map(|_| {
            let (cluster, queue) = (cluster.clone(), queue.clone());
            let (acknowledged, in_doubt) = (acknowledged.clone(), in_doubt.clone());
            std::thread::spawn(move || loop {
                let Some(token) = queue.lock().expect("queue").pop() else {
                    return;
                };
                match walk(&cluster, &token) {
                    Walk::Acknowledged => acknowledged.fetch_add(1, Ordering::SeqCst),
                    Walk::InDoubt => in_doubt.fetch_add(1, Ordering::SeqCst),
                };
            })
        })
        .collect();
    // Mid-run (a quarter of the patients have answered), the next request sent to the second
    // instance kills it once written; it is started again at once, on a new port.
    wait_until(started, "the walk stalled", || {
        acknowledged.load(Ordering::SeqCst) >= PATIENTS / 4
    });
    *cluster.kill_next.lock().expect("kill") = Some(second);
    wait_until(started, "no request reached it", || {
        cluster.killed.load(Ordering::SeqCst) > 0
    });
    let (second, second_port, _) = serve(&db.url, config.path(), None, &options);
    let served_before_restart = cluster.served[1].load(Ordering::SeqCst);
    cluster.ports.lock().expect("ports")[1] = Some(second_port);
    for walker in walkers {
        walker.join().expect("every patient walked to the end");
    }
    let elapsed = started.elapsed();

    let responses = count(&mut dba, "SELECT count(*) AS n FROM responses");
    let submitted = count(
        &mut dba,
        "SELECT count(*) AS n FROM invitations WHERE status = 'submitted'",
    );
    let (acknowledged, in_doubt) = (
        acknowledged.load(Ordering::SeqCst),
        in_doubt.load(Ordering::SeqCst),
    );
    eprintln!(
        "{PATIENTS} patients in {elapsed:?}: {acknowledged} acknowledged, {in_doubt} in doubt, \
         {} requests moved to the other instance",
        cluster.moves.load(Ordering::SeqCst)
    );
    assert_eq!(acknowledged + in_doubt, PATIENTS);
    assert!(served_before_restart > 0);
    assert!(
        cluster.served[1].load(Ordering::SeqCst) > served_before_restart,
        "the restarted instance served the patients it found half-way"
    );
    assert_eq!(
        responses, submitted,
        "one response per submitted invitation"
    );
    assert!(
        (acknowledged as i64..=(acknowledged + in_doubt) as i64).contains(&responses),
        "every acknowledged submission stored: {responses} stored, {acknowledged} acknowledged"
    );
    // Each stored response holds the answers given on pages of both instances.
    let complete = count(
        &mut dba,
        "SELECT count(*) AS n FROM responses WHERE answers::jsonb @> \
         '{\"treatment_types\": [\"none_yet\"], \"stayed_overnight\": \"no\", \"overall_rating\": 8}'",
    );
    assert_eq!(complete, responses, "no draft lost an answer");
    // Every patient of the scheduled wave got their invitation and one reminder, from whichever
    // instance held the lease; the restarted instance's first round sent nothing again.
    let mailed = |received: &Arc<Mutex<Vec<String>>>| received.lock().expect("sink").len();
    wait_until(started, "the reminders did not go out", || {
        mailed(&received) >= 2 * REMINDED
    });
    let mut recipients = received.lock().expect("sink").clone();
    recipients.sort();
    let expected: Vec<String> = (0..REMINDED)
        .flat_map(|idx| std::iter::repeat_n(format!("<remind{idx}@example.org>"), 2))
        .collect();
    assert_eq!(recipients, expected);
    for mut child in [first, second] {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// A mail-out cut by SIGKILL in the middle of a message is finished by the instance started
/// again, once the dead one's lease ran out: every patient gets one message, the one that was in
/// flight (never acknowledged) included, and nobody a second. First the invitations, then, two
/// weeks later, a round of reminders.
fn a_mail_out_cut_by_a_kill_is_finished_after_a_restart(backend: Backend) {
    const PATIENTS: usize = 8;
    // The 4th invitation, and the 4th reminder (message 13: 9 for the invitations, the held
    // one sent twice, then 4).
    const HELD: [usize; 2] = [4, PATIENTS + 1 + 4];
    let db = TestDb::new(backend);
    let config = tempfile::tempdir().expect("temp dir");
    let (reached, held) = std::sync::mpsc::channel();
    let (sink, received) = smtp_sink(Some((HELD.to_vec(), reached)));
    let mail = format!("smtp://127.0.0.1:{sink}");
    let settings = config.path().join("serve.toml");
    std::fs::write(&settings, "scheduler_lease_seconds = 5\n").expect("settings");
    let settings = settings.to_string_lossy();
    let options = ["--mail", mail.as_str(), "--config", &settings];
    let wave = wave_to_invite(&db.url, config.path(), PATIENTS, "invited");
    let key = researcher_key(&db.url, config.path());
    let store = Store::open(&db.url, StoreConfig::default()).expect("store");
    let rows = |sql: &str| store.raw_query(sql).expect("query");
    let (mut instance, mut port, _) = serve(&db.url, config.path(), None, &options);
    for (round, mail_out) in ["invitations", "reminders?after_days=14&max_contacts=2"]
        .into_iter()
        .enumerate()
    {
        let asked = {
            let (wave, key, mail_out) = (wave.clone(), key.clone(), mail_out.to_owned());
            std::thread::spawn(move || ask_to_mail(port, &wave, &mail_out, &key))
        };
        held.recv_timeout(Duration::from_secs(120))
            .expect("the mail server holds a message");
        instance.kill().expect("killed");
        instance.wait().expect("reaped");
        let answer = asked.join().expect("asked");
        assert!(
            !answer
                .as_ref()
                .is_ok_and(|answer| answer.starts_with("HTTP/1.1 2")),
            "the killed instance did not answer: {answer:?}"
        );
        assert_eq!(
            received.lock().expect("sink").len(),
            round * PATIENTS + 3,
            "{mail_out}: three accepted before the kill"
        );
        // Started again: its first round finds the dead instance's lease, the next one (when
        // that lease ran out) takes it and finishes the queued mail-out.
        (instance, port, _) = serve(&db.url, config.path(), None, &options);
        wait_until(Instant::now(), "the mail-out was not finished", || {
            rows("SELECT wave_id FROM mail_queue").is_empty()
        });
        let mut recipients = received.lock().expect("sink").clone();
        recipients.sort();
        let expected: Vec<String> = (0..PATIENTS)
            .flat_map(|idx| std::iter::repeat_n(format!("<invited{idx}@example.org>"), round + 1))
            .collect();
        assert_eq!(recipients, expected, "{mail_out}: each patient once");
        let contacts = rows(&format!(
            "SELECT contacts_made FROM invitations WHERE wave_id = '{wave}'"
        ));
        assert_eq!(contacts, vec![vec![(round + 1).to_string()]; PATIENTS]);
        // Two weeks go by.
        store.backdate_contacts(&wave, 14).expect("backdated");
    }
    let _ = instance.kill();
    let _ = instance.wait();
}

#[test]
fn a_mail_out_cut_by_a_kill_is_finished_after_a_restart_on_sqlite() {
    a_mail_out_cut_by_a_kill_is_finished_after_a_restart(Backend::Sqlite);
}

#[test]
fn a_mail_out_cut_by_a_kill_is_finished_after_a_restart_on_postgres() {
    a_mail_out_cut_by_a_kill_is_finished_after_a_restart(Backend::Postgres);
}
