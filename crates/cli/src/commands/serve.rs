//! `vecu serve`: the web service over the store; `--demo` adds a wave to try it at once.

use std::process::ExitCode;

use anyhow::Context;
use vecu_collect::{MailSettings, MailTransport, ServeConfig};
use vecu_store::{EncryptionKey, Store, StoreConfig};

use crate::args::ServeArgs;

/// The shipped questionnaire, part of the binary so that the demo runs from anywhere.
const CANCER_SURVEY: &str = include_str!("../../../../surveys/scape-cancer.json");

pub fn run(database: &str, args: ServeArgs) -> anyhow::Result<ExitCode> {
    let mut store = super::open_store(database)?;
    let config = ServeConfig {
        bind: args.bind.clone(),
        secure_cookies: args.secure_cookies,
        behind_proxy: args.behind_proxy,
        mail: match &args.mail {
            Some(url) => Some(MailSettings {
                transport: MailTransport::parse(url)?,
                from: args.mail_from.clone(),
                public_url: args
                    .public_url
                    .clone()
                    .unwrap_or_else(|| format!("http://{}", args.bind)),
            }),
            None => None,
        },
    };
    let links = match args.demo {
        Some(patients) => {
            if std::env::var("VECU_ENCRYPTION_KEY").is_err() {
                eprintln!("VECU_ENCRYPTION_KEY is not set: the demo uses a temporary key (its contacts cannot be read after a restart)");
                let key = EncryptionKey::from_base64(&EncryptionKey::generate_base64())?;
                store = Store::open(
                    database,
                    StoreConfig {
                        key: Some(key),
                        actor: "demo".to_owned(),
                        ..StoreConfig::default()
                    },
                )?;
            }
            demo_wave(&store, patients)?
        }
        None => {
            if std::env::var("VECU_ENCRYPTION_KEY").is_err() {
                anyhow::bail!("VECU_ENCRYPTION_KEY is not set: drafts and contacts are encrypted with it; set it to 32 random bytes in base64 (head -c 32 /dev/urandom | base64), or try `vecu serve --demo`");
            }
            Vec::new()
        }
    };
    vecu_collect::serve(&config, store, |port| {
        let host = args
            .bind
            .rsplit_once(':')
            .map_or("127.0.0.1", |(host, _)| host);
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
