//! `vecu serve`: the web service over the store; `--demo` adds a wave to try it at once.

use std::process::ExitCode;

use anyhow::Context;
use vecu_collect::{MailSettings, MailTransport, ServeConfig, SmtpPassword};

use vecu_store::{Store, StoreConfig};

use crate::args::ServeArgs;

/// The shipped questionnaire, part of the binary so that the demo runs from anywhere.
const CANCER_SURVEY: &str = include_str!("../../../../surveys/scape-cancer.json");

/// `vecu serve` settings from a TOML file; every key is optional, options and environment
/// variables win over it.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    secure_cookies: Option<bool>,
    /// Behind a reverse proxy on this host (127.0.0.1); `trusted_proxies` names others.
    behind_proxy: Option<bool>,
    /// The reverse proxies whose X-Forwarded-For names the client.
    trusted_proxies: Option<Vec<std::net::IpAddr>>,
    /// Addresses besides this host that may read /metrics (a Prometheus server).
    metrics_from: Option<Vec<std::net::IpAddr>>,
    /// Seconds requests in flight get to finish after SIGTERM (default 30).
    shutdown_timeout_seconds: Option<u64>,
    /// Minutes between rounds of the mail scheduler (default 5; 0: mail goes out only when the
    /// API is asked).
    reminder_minutes: Option<u64>,
    /// Seconds the mail scheduler's lease lasts unrenewed (default 300, at least 5): how long
    /// the other instances wait to send after the holder died.
    scheduler_lease_seconds: Option<u64>,
    /// Refused: double data entry is a setting of each wave (`vecu wave double-entry`).
    double_entry: Option<serde::de::IgnoredAny>,
    /// A file holding the encryption key (base64), readable by vecu only, outside the
    /// database's folder (`--key-file` and `VECU_KEY_FILE` win over it).
    encryption_key_file: Option<std::path::PathBuf>,
    mail: Option<MailFileSettings>,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFileSettings {
    url: Option<String>,
    from: Option<String>,
    /// SMTP user name (instead of user@ in the URL).
    username: Option<String>,
    /// A file holding the SMTP password, readable by vecu only (`VECU_SMTP_PASSWORD` wins).
    password_file: Option<std::path::PathBuf>,
    /// Refused, without echoing it: the password belongs in `password_file` or the environment.
    password: Option<serde::de::IgnoredAny>,
}

fn read_settings(path: &std::path::Path) -> anyhow::Result<FileSettings> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the settings file {}", path.display()))?;
    // toml's messages give the line, the column and the offending key.
    let settings: FileSettings =
        toml::from_str(&text).map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
    if settings
        .mail
        .as_ref()
        .is_some_and(|mail| mail.password.is_some())
    {
        anyhow::bail!(
            "{}: [mail] password is not read from the settings file: put the SMTP password in a file readable by vecu only, named by password_file, or in VECU_SMTP_PASSWORD",
            path.display()
        );
    }
    if settings.double_entry.is_some() {
        anyhow::bail!(
            "{}: double_entry is no longer a setting of the service but of each wave: remove it and run `vecu wave double-entry --wave ID on` (or create the wave with `vecu wave create --double-entry`)",
            path.display()
        );
    }
    Ok(settings)
}

pub fn run(
    database: Option<&str>,
    key_file: Option<std::path::PathBuf>,
    args: ServeArgs,
) -> anyhow::Result<ExitCode> {
    let file = match &args.config {
        Some(path) => read_settings(path)?,
        None => FileSettings::default(),
    };
    let database = database
        .map(str::to_owned)
        .or(file.database.clone())
        .unwrap_or_else(|| super::DEFAULT_DATABASE.to_owned());
    let bind = args
        .bind
        .clone()
        .or(file.bind.clone())
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    // The same key source as every other command; the settings file may name the key file.
    let key_file = key_file.or(file.encryption_key_file.clone());
    let Some(key) =
        super::key::encryption_key(&database, key_file.as_deref(), super::Need::Create)?
    else {
        anyhow::bail!("no encryption key for {database}");
    };
    let user = std::env::var("USER").unwrap_or_else(|_| "unknown".to_owned());
    let store = Store::open(
        &database,
        StoreConfig {
            key: Some(key),
            actor: format!("serve:{user}"),
            ..StoreConfig::default()
        },
    )?;
    // Without one, the service's public address is the address it listens on, once bound (so
    // that `--bind 127.0.0.1:0` gives links with the real port).
    let public_url = args.public_url.clone().or(file.public_url.clone());
    let mail_file = file.mail.unwrap_or_default();
    let mail = match args.mail.clone().or(mail_file.url.clone()) {
        Some(url) => Some(MailSettings {
            transport: mail_transport(
                &url,
                args.mail_username.clone().or(mail_file.username.clone()),
                std::env::var("VECU_SMTP_PASSWORD").ok(),
                mail_file.password_file.as_deref(),
            )?,
            from: args
                .mail_from
                .clone()
                .or(mail_file.from)
                .unwrap_or_else(|| "vecu <vecu@localhost>".to_owned()),
            public_url: public_url.clone().unwrap_or_default(),
        }),
        None => None,
    };
    let config = ServeConfig {
        bind: bind.clone(),
        secure_cookies: args.secure_cookies || file.secure_cookies.unwrap_or(false),
        public_url,
        trusted_proxies: match (args.behind_proxy, file.trusted_proxies, file.behind_proxy) {
            (from_args, _, _) if !from_args.is_empty() => from_args,
            (_, Some(from_file), _) => from_file,
            (_, None, Some(true)) => vec![std::net::IpAddr::from([127, 0, 0, 1])],
            _ => Vec::new(),
        },
        mail,
        metrics_from: file.metrics_from.unwrap_or_default(),
        shutdown_timeout: std::time::Duration::from_secs(
            file.shutdown_timeout_seconds.unwrap_or(30),
        ),
        reminders_every: match file.reminder_minutes {
            Some(0) => None,
            Some(minutes) => Some(std::time::Duration::from_secs(minutes.saturating_mul(60))),
            None => ServeConfig::default().reminders_every,
        },
        scheduler_lease: file
            .scheduler_lease_seconds
            .map(std::time::Duration::from_secs)
            .unwrap_or(ServeConfig::default().scheduler_lease),
    };
    let links = match args.demo {
        Some(patients) => demo_wave(&store, patients)?,
        None => Vec::new(),
    };
    vecu_collect::serve(&config, store, |port| {
        let host = bind.rsplit_once(':').map_or("127.0.0.1", |(host, _)| host);
        eprintln!(
            "vecu is serving on http://{host}:{port} (database {database}); stop with Ctrl-C"
        );
        for token in &links {
            println!("http://{host}:{port}/s/{token}");
        }
    })
    .context("serving")?;
    Ok(ExitCode::SUCCESS)
}

/// The mail transport from its URL and the login given apart from it: the password from the
/// environment (`env_password`) or else from a file (its last line break dropped).
fn mail_transport(
    url: &str,
    username: Option<String>,
    env_password: Option<String>,
    password_file: Option<&std::path::Path>,
) -> anyhow::Result<MailTransport> {
    let password = match (env_password, password_file) {
        (Some(password), _) => Some(password),
        (None, Some(path)) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the SMTP password file {}", path.display()))?
                .trim_end_matches(['\r', '\n'])
                .to_owned(),
        ),
        (None, None) => None,
    };
    let transport =
        MailTransport::parse(url)?.with_login(username, password.map(SmtpPassword::new))?;
    transport.check()?;
    Ok(transport)
}

/// A new open wave of the shipped survey with invented patients; returns their tokens.
fn demo_wave(store: &Store, patients: usize) -> anyhow::Result<Vec<String>> {
    let survey = vecu_survey::load_str(CANCER_SURVEY).context("the shipped survey")?;
    let hash = store.add_survey(&survey, CANCER_SURVEY)?;
    let wave = store.create_wave(&hash, "demo")?;
    let mut csv = String::from("email,language");
    for variable in &survey.frame {
        csv.push(',');
        csv.push_str(variable.id.as_str());
    }
    for idx in 0..patients {
        let lang = &survey.languages[idx % survey.languages.len()];
        let values: Vec<&str> = survey
            .frame
            .iter()
            .map(|v| v.values[idx % v.values.len()].code.as_str())
            .collect();
        csv.push_str(&format!(
            "\ndemo-{}-{idx}@example.invalid,{lang},{}",
            &wave[..8],
            values.join(",")
        ));
    }
    store.import_frame(&wave, csv.as_bytes())?;
    store.open_wave(&wave)?;
    let tokens: Vec<String> = store
        .issue_tokens(&wave)?
        .into_iter()
        .map(|issued| issued.token)
        .collect();
    eprintln!(
        "demo wave {wave}: {} invented patients; their personal links:",
        tokens.len()
    );
    Ok(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(url: &str) -> MailTransport {
        MailTransport::parse(url).expect("valid")
    }

    #[test]
    fn the_smtp_password_comes_from_the_environment_or_a_file() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let file = dir.path().join("smtp-password");
        std::fs::write(&file, "from:file\n").expect("written");
        let url = "smtps://mail.example";
        let login = |env: Option<&str>, file: Option<&std::path::Path>| {
            mail_transport(url, Some("scape".to_owned()), env.map(str::to_owned), file)
        };
        assert_eq!(
            login(None, Some(&file)).expect("from the file"),
            expected("smtps://scape:from%3Afile@mail.example")
        );
        assert_eq!(
            login(Some("from-env"), Some(&file)).expect("the environment wins"),
            expected("smtps://scape:from-env@mail.example")
        );
        let missing = dir.path().join("nope");
        let error = login(None, Some(&missing)).expect_err("no such file");
        assert!(
            format!("{error:#}").contains(&missing.display().to_string()),
            "{error:#}"
        );
        let error = login(None, None).expect_err("no password");
        assert!(
            format!("{error:#}").contains("VECU_SMTP_PASSWORD"),
            "{error:#}"
        );
    }

    #[test]
    fn the_settings_file_takes_the_smtp_login() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let path = dir.path().join("vecu.toml");
        std::fs::write(
            &path,
            "[mail]\nurl = \"smtp://mail.example:587?tls=starttls\"\nusername = \"scape\"\npassword_file = \"/etc/vecu/smtp-password\"\n",
        )
        .expect("written");
        let mail = read_settings(&path).expect("valid").mail.expect("mail");
        assert_eq!(mail.username.as_deref(), Some("scape"));
        assert_eq!(
            mail.password_file.as_deref(),
            Some(std::path::Path::new("/etc/vecu/smtp-password"))
        );
        std::fs::write(&path, "[mail]\npassword = \"in clear\"\n").expect("written");
        let error = read_settings(&path).expect_err("a password in the file is refused");
        assert!(error.to_string().contains("password_file"), "{error}");
        assert!(!error.to_string().contains("in clear"), "{error}");
    }
}
