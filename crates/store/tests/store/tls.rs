//! TLS to PostgreSQL: a throwaway cluster of the test's own that accepts TLS connections only
//! (`hostssl` in pg_hba.conf), with a certificate authority and a server certificate made here.
//! The store reaches it with `sslmode=require` and with `verify-full` and the right authority,
//! and refuses it with another authority; a connection without TLS is refused by the server.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use diesel::{Connection, PgConnection};
use vecu_store::{Store, StoreConfig};

/// Runs a program and fails the test, with its output, when it fails.
fn run(command: &mut Command) -> Output {
    let shown = format!("{command:?}");
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{shown}: {error}"));
    assert!(
        output.status.success(),
        "{shown} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// The server programs of the newest PostgreSQL installed (Debian's layout).
fn postgres_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's server programs under /usr/lib/postgresql (scripts/test.sh installs them)")
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions
        .pop()
        .expect("an initdb under /usr/lib/postgresql/*/bin")
        .1
}

/// The server refuses to run as root: as root (CI), its programs run as the user postgres, who
/// owns the cluster's folder.
fn is_root() -> bool {
    run(Command::new("id").arg("-u")).stdout.starts_with(b"0\n")
}

fn as_server_user(program: &Path) -> Command {
    if is_root() {
        let mut command = Command::new("runuser");
        command.args(["-u", "postgres", "--"]).arg(program);
        command
    } else {
        Command::new(program)
    }
}

/// A certificate authority and a server certificate for 127.0.0.1 signed by it, and another
/// authority that signed nothing (openssl CLI; EC keys, fast to make).
fn make_certificates(dir: &Path) {
    let openssl = |args: &str| {
        run(Command::new("openssl")
            .current_dir(dir)
            .args(args.split_whitespace()))
    };
    const EC: &str = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    for ca in ["ca", "other-ca"] {
        openssl(&format!(
            "req -x509 {EC} -days 2 -subj /CN={ca} -keyout {ca}.key -out {ca}.crt"
        ));
    }
    openssl(&format!(
        "req -new {EC} -subj /CN=127.0.0.1 -keyout server.key -out server.csr"
    ));
    std::fs::write(dir.join("server.ext"), "subjectAltName = IP:127.0.0.1\n").expect("server.ext");
    openssl(
        "x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
         -extfile server.ext -out server.crt",
    );
    // The server refuses a key that others may read.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        dir.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .expect("chmod server.key");
}

/// A PostgreSQL cluster in a temporary folder, listening on a free loopback port, that accepts
/// only TLS connections; stopped and removed when dropped.
struct TlsCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
}

impl TlsCluster {
    fn start() -> TlsCluster {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let bin = postgres_bin();
        make_certificates(dir.path());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        if is_root() {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path()));
        }
        let data = dir.path().join("data");
        run(as_server_user(&bin.join("initdb"))
            .args(["--auth=trust", "--username=postgres", "--no-sync", "-D"])
            .arg(&data));
        let path = |name: &str| dir.path().join(name).display().to_string();
        let settings = format!(
            "listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{}'\n\
             ssl = on\nssl_cert_file = '{}'\nssl_key_file = '{}'\nfsync = off\n",
            path(""),
            path("server.crt"),
            path("server.key"),
        );
        let conf = data.join("postgresql.conf");
        let mut text = std::fs::read_to_string(&conf).expect("postgresql.conf");
        text.push_str(&settings);
        std::fs::write(&conf, text).expect("postgresql.conf");
        // TLS only over the network; the socket is for pg_ctl.
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
        )
        .expect("pg_hba.conf");
        // `pg_ctl -w` returns once the server accepts connections (it polls; no sleep here).
        run(as_server_user(&bin.join("pg_ctl"))
            .args(["-w", "-t", "60", "-l"])
            .arg(dir.path().join("server.log"))
            .arg("-D")
            .arg(&data)
            .arg("start"));
        TlsCluster { dir, bin, port }
    }

    fn url(&self, options: &str) -> String {
        format!(
            "postgres://postgres@127.0.0.1:{}/postgres?{options}",
            self.port
        )
    }

    fn file(&self, name: &str) -> String {
        self.dir.path().join(name).display().to_string()
    }
}

impl Drop for TlsCluster {
    fn drop(&mut self) {
        let _ = as_server_user(&self.bin.join("pg_ctl"))
            .args(["-m", "immediate", "-D"])
            .arg(self.dir.path().join("data"))
            .arg("stop")
            .output();
    }
}

fn open(url: &str) -> Result<Store, String> {
    Store::open(url, StoreConfig::default()).map_err(|error| error.to_string())
}

#[test]
fn the_store_reaches_postgresql_over_tls_only_and_checks_the_server() {
    let cluster = TlsCluster::start();

    let plain = PgConnection::establish(&cluster.url("sslmode=disable"))
        .err()
        .expect("the server refuses a connection without TLS")
        .to_string();
    assert!(plain.contains("no encryption"), "{plain}");

    let store = open(&cluster.url("sslmode=require")).expect("sslmode=require opens");
    let ssl = store
        .raw_rows("(SELECT ssl::text, version FROM pg_stat_ssl WHERE pid = pg_backend_pid())")
        .expect("pg_stat_ssl");
    assert_eq!(ssl.len(), 1);
    assert_eq!(
        ssl[0][0], "true",
        "the store's own connection is encrypted: {ssl:?}"
    );
    assert!(ssl[0][1].starts_with("TLSv1."), "{ssl:?}");
    drop(store);

    let verified = cluster.url(&format!(
        "sslmode=verify-full&sslrootcert={}",
        cluster.file("ca.crt")
    ));
    let store = open(&verified).expect("verify-full with the server's authority opens");
    assert!(store
        .migrations_current(std::time::Duration::from_secs(5))
        .expect("the database answers"));
    drop(store);

    let impostor = cluster.url(&format!(
        "sslmode=verify-full&sslrootcert={}",
        cluster.file("other-ca.crt")
    ));
    let refused = open(&impostor).expect_err("another authority is refused");
    assert!(refused.contains("certificate verify failed"), "{refused}");
}
