//! `vecu serve` stops gracefully on SIGTERM (what systemd and container runtimes send before
//! a deploy): it stops accepting connections, lets the request in flight finish, and exits 0.

use std::io::{BufRead, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection, RunQueryDsl};
use vecu_store::testing::TestDb;
use vecu_store::Backend;

/// `vecu serve` on a free port over `database`, its key in `config`: the child and its port.
fn serve(database: &str, config: &tempfile::TempDir) -> (std::process::Child, u16) {
    let mut serve = Command::new(env!("CARGO_BIN_EXE_vecu"))
        .args(["serve", "--bind", "127.0.0.1:0", "--database", database])
        .current_dir(config.path())
        .env("XDG_CONFIG_HOME", config.path())
        .env_remove("VECU_KEY_FILE")
        .env_remove("VECU_ENCRYPTION_KEY")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("vecu serve starts");
    let lines = std::io::BufReader::new(serve.stderr.take().expect("stderr"));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // Read to the end: a closed pipe would fail the service's next log line.
        for line in lines.lines().map_while(Result::ok) {
            let _ = sender.send(line);
        }
    });
    let mut said = Vec::new();
    let port = loop {
        let Ok(line) = receiver.recv_timeout(Duration::from_secs(120)) else {
            let _ = serve.kill();
            panic!("vecu serve did not start: {}", said.join("\n"));
        };
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            break digits.parse::<u16>().expect("a port");
        }
        said.push(line);
    };
    (serve, port)
}

#[derive(diesel::QueryableByName)]
struct Waiting {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// Until `deadline`, whether `condition` became true, asked again every 10 ms (polling for an
/// event, not waiting for a time).
fn until(deadline: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + deadline;
    while Instant::now() < end {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

#[test]
fn sigterm_lets_the_request_in_flight_finish() {
    let db = TestDb::new(Backend::Postgres);
    let config = tempfile::tempdir().expect("temp dir");
    let (mut serve, port) = serve(&db.url, &config);
    // The database holds the request up: a link's look-up waits for this lock.
    let mut dba = PgConnection::establish(&db.url).expect("connects");
    dba.batch_execute("BEGIN; LOCK TABLE service_secrets IN ACCESS EXCLUSIVE MODE")
        .expect("locked");
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    write!(
        stream,
        "GET /s/AAAAAAAAAAAAAAAAAAAAAA HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )
    .expect("sent");
    // In flight: the service's query waits for the lock.
    let mut watcher = PgConnection::establish(&db.url).expect("connects");
    let waiting = until(Duration::from_secs(60), || {
        diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        )
        .get_result::<Waiting>(&mut watcher)
        .is_ok_and(|row| row.n > 0)
    });
    assert!(waiting, "the request never reached the database");
    let terminated = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(terminated.success());
    // Once the signal is handled the listener is closed: new connections are refused.
    assert!(
        until(Duration::from_secs(20), || TcpStream::connect((
            "127.0.0.1",
            port
        ))
        .is_err()),
        "vecu serve still accepts connections after SIGTERM"
    );
    // The database lets go: the request in flight still gets its whole answer.
    dba.batch_execute("ROLLBACK").expect("released");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("an answer");
    assert!(
        answer.starts_with("HTTP/1.1 404"),
        "the unknown link's page, not a cut connection: {answer}"
    );
    assert!(answer.contains("</html>"), "the whole page: {answer}");
    let status = serve.wait().expect("vecu serve ends");
    assert!(
        status.success(),
        "vecu serve exits 0 after SIGTERM: {status}"
    );
}
