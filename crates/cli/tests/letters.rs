//! Code mode from the command line, as a hospital runs it: a frame without contacts, the
//! letters with codes and QR codes, reminders by ref, the close; and the paper questionnaire.

use std::path::Path;
use std::process::{Command, Output};

fn vecu(dir: &Path, key: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vecu"))
        .args(args)
        .current_dir(dir)
        .env("VECU_ENCRYPTION_KEY", key)
        .env_remove("VECU_DATABASE_URL")
        .output()
        .expect("vecu runs")
}

fn ok(output: Output) -> String {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn survey(name: &str) -> String {
    format!("{}/../../surveys/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn a_hospital_fields_a_wave_in_code_mode() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let key = vecu_store::EncryptionKey::generate_base64();
    let wave = ok(vecu(
        dir.path(),
        &key,
        &["wave", "create", "--survey", &survey("example.json")],
    ))
    .trim()
    .to_owned();
    let mut frame = String::from("ref,language,site,age_band,sex\n");
    for idx in 0..30 {
        frame.push_str(&format!("H1-{idx:03},fr,H{},70+,F\n", 1 + idx % 3));
    }
    std::fs::write(dir.path().join("frame.csv"), &frame).expect("frame");
    let with_email = "ref,language,site,age_band,sex,email\nH1-1,fr,H1,70+,F,a@b.ch\n";
    std::fs::write(dir.path().join("bad.csv"), with_email).expect("frame");
    let refused = vecu(
        dir.path(),
        &key,
        &[
            "wave",
            "codes",
            "--wave",
            &wave,
            "bad.csv",
            "--out",
            "bad-letters.csv",
        ],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("line 1, column email"));

    ok(vecu(
        dir.path(),
        &key,
        &[
            "wave",
            "codes",
            "--wave",
            &wave,
            "frame.csv",
            "--out",
            "letters.csv",
            "--public-url",
            "https://survey.example.org/",
        ],
    ));
    let letters = std::fs::read_to_string(dir.path().join("letters.csv")).expect("letters");
    let mut lines = letters.lines();
    assert_eq!(
        lines.next(),
        Some("ref,language,code,address,link,qr,results")
    );
    let rows: Vec<Vec<&str>> = lines.map(|line| line.split(',').collect()).collect();
    assert_eq!(rows.len(), 30);
    let first = &rows[0];
    assert!(
        vecu_store::AccessCode::parse(first[2]).is_ok(),
        "{}",
        first[2]
    );
    assert_eq!(first[3], "https://survey.example.org/code");
    assert_eq!(
        first[4],
        format!("https://survey.example.org/code?code={}&lang=fr", first[2])
    );
    let results = first[6]
        .strip_prefix("https://survey.example.org/results/")
        .expect("the wave's public results page");
    assert!(
        vecu_store::ResultsCode::parse(results).is_some(),
        "{results}"
    );
    assert!(
        rows.iter().all(|row| row[6] == first[6]),
        "one page per wave"
    );
    let svg = std::fs::read_to_string(dir.path().join(first[5])).expect("a QR code");
    assert!(svg.contains("<svg"), "{}", &svg[..80.min(svg.len())]);

    ok(vecu(dir.path(), &key, &["wave", "open", "--wave", &wave]));
    ok(vecu(
        dir.path(),
        &key,
        &[
            "wave",
            "reminders",
            "--wave",
            &wave,
            "--out",
            "reminders.csv",
        ],
    ));
    let reminders = std::fs::read_to_string(dir.path().join("reminders.csv")).expect("list");
    assert_eq!(reminders.lines().count(), 31, "the header and every ref");
    assert!(reminders.contains("H1-029"));
    let status = ok(vecu(dir.path(), &key, &["wave", "status", "--wave", &wave]));
    assert!(status.contains("invited 30"), "{status}");
    let closed = ok(vecu(dir.path(), &key, &["wave", "close", "--wave", &wave]));
    assert!(closed.contains("30 contacts erased"), "{closed}");
}

#[test]
fn the_paper_questionnaire_is_printed_in_each_language() {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (lang, expected) in [
        ("fr", "Cochez une seule case"),
        ("de", "Kreuzen Sie nur ein"),
    ] {
        let out = format!("questionnaire-{lang}.html");
        ok(vecu(
            dir.path(),
            "",
            &[
                "survey",
                "print",
                &survey("scape-cancer.json"),
                "--lang",
                lang,
                "--out",
                &out,
            ],
        ));
        let html = std::fs::read_to_string(dir.path().join(&out)).expect("html");
        assert!(html.contains(&format!(r#"<html lang="{lang}">"#)));
        assert!(html.contains(expected));
        assert!(html.contains("@page"), "a print stylesheet");
        assert!(html.contains(r#"class="code-box""#), "a box for the code");
        assert!(html.contains(r#"class="grid""#), "matrices as grids");
        assert!(html.contains(r#"class="goto""#), "routing in words");
    }
    let large = ok(vecu(
        dir.path(),
        "",
        &[
            "survey",
            "print",
            &survey("scape-cancer.json"),
            "--lang",
            "it",
            "--large",
            "--out",
            "large.html",
        ],
    ));
    assert!(large.contains("large print"));
    let html = std::fs::read_to_string(dir.path().join("large.html")).expect("html");
    assert!(html.contains(r#"<body class="large">"#));
    let missing = vecu(
        dir.path(),
        "",
        &[
            "survey",
            "print",
            &survey("scape-cancer.json"),
            "--lang",
            "xx",
            "--out",
            "x.html",
        ],
    );
    assert_eq!(missing.status.code(), Some(2));
}

#[test]
fn double_entry_is_a_setting_of_each_wave() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let key = vecu_store::EncryptionKey::generate_base64();
    let create = |extra: &[&str]| {
        let mut args = vec!["wave", "create", "--survey"];
        let path = survey("example.json");
        args.push(&path);
        args.extend_from_slice(extra);
        ok(vecu(dir.path(), &key, &args)).trim().to_owned()
    };
    let double = create(&["--double-entry", "--name", "double"]);
    let single = create(&["--name", "single"]);
    let status = |wave: &str| ok(vecu(dir.path(), &key, &["wave", "status", "--wave", wave]));
    assert!(
        status(&double).contains("double data entry"),
        "{}",
        status(&double)
    );
    assert!(!status(&single).contains("double data entry"));
    let switched = ok(vecu(
        dir.path(),
        &key,
        &["wave", "double-entry", "--wave", &double, "off"],
    ));
    assert!(switched.contains("keyed once"), "{switched}");
    assert!(!status(&double).contains("double data entry"));
    let unclear = vecu(
        dir.path(),
        &key,
        &["wave", "double-entry", "--wave", &double, "maybe"],
    );
    assert_eq!(unclear.status.code(), Some(2));
    ok(vecu(dir.path(), &key, &["wave", "open", "--wave", &single]));
    ok(vecu(
        dir.path(),
        &key,
        &["wave", "double-entry", "--wave", &single, "on"],
    ));
    assert!(status(&single).contains("double data entry"));
    ok(vecu(
        dir.path(),
        &key,
        &["wave", "close", "--wave", &single],
    ));
    let closed = vecu(
        dir.path(),
        &key,
        &["wave", "double-entry", "--wave", &single, "off"],
    );
    assert_eq!(closed.status.code(), Some(2));
    let err = String::from_utf8_lossy(&closed.stderr);
    assert!(
        err.contains("is closed") && err.contains("draft or open"),
        "{err}"
    );
    // No longer a setting of the service: the option and the settings key are refused.
    let option = vecu(dir.path(), &key, &["serve", "--double-entry"]);
    assert_eq!(option.status.code(), Some(2));
    std::fs::write(dir.path().join("vecu.toml"), "double_entry = true\n").expect("settings");
    let file = vecu(dir.path(), &key, &["serve", "--config", "vecu.toml"]);
    assert_eq!(file.status.code(), Some(2));
    let err = String::from_utf8_lossy(&file.stderr);
    assert!(err.contains("vecu wave double-entry"), "{err}");
}
