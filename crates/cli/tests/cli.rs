//! The `vecu` binary, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn vecu(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vecu"))
        .args(args)
        .current_dir(workspace())
        .output()
        .expect("vecu runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn shipped_surveys() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir(workspace().join("surveys"))
        .expect("surveys")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| {
            path.extension().is_some_and(|ext| ext == "json")
                && !path.to_string_lossy().ends_with("schema.json")
        })
        .map(|path| {
            format!(
                "surveys/{}",
                path.file_name().expect("name").to_string_lossy()
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn check_passes_every_shipped_survey() {
    let files = shipped_surveys();
    assert!(
        files.len() >= 2,
        "the example and the cancer survey: {files:?}"
    );
    let args: Vec<&str> = ["survey", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let output = vecu(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output).matches(": ok").count(), files.len());
}

#[test]
fn check_reports_every_problem_and_exits_1() {
    let output = vecu(&[
        "survey",
        "check",
        "surveys/example.json",
        "tests/definitions/broken/many_problems.json",
        "no/such/file.json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains("many_problems.json: at /sections/0/items/3/id: item id \"q1\" is used twice"),
        "{err}"
    );
    assert!(err.contains("at /frame/0/values/1/code"), "{err}");
    assert!(err.contains("cannot read no/such/file.json"), "{err}");
    assert!(err.contains("2 of 3 file(s) invalid"), "{err}");
}

#[test]
fn show_prints_the_outline_in_the_chosen_language() {
    let output = vecu(&["survey", "show", "surveys/example.json", "--lang", "de"]);
    assert!(output.status.success());
    let out = stdout(&output);
    assert!(out.contains("Beispiel: Ihre Erfahrungen"), "{out}");
    assert!(out.contains("shown if surgery = yes"), "{out}");
    let output = vecu(&["survey", "show", "surveys/example.json", "--lang", "es"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("has no language \"es\"; choose one of fr, de, it, en"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn fhir_and_codebook_print_json() {
    let fhir: serde_json::Value =
        serde_json::from_slice(&vecu(&["survey", "fhir", "surveys/example.json"]).stdout)
            .expect("FHIR JSON");
    assert_eq!(fhir["resourceType"], "Questionnaire");
    let codebook: serde_json::Value =
        serde_json::from_slice(&vecu(&["survey", "codebook", "surveys/example.json"]).stdout)
            .expect("codebook JSON");
    let names: Vec<&str> = codebook["columns"]
        .as_array()
        .expect("columns")
        .iter()
        .map(|c| c["name"].as_str().expect("name"))
        .collect();
    assert_eq!(&names[..4], ["response_id", "site", "age_band", "sex"]);
    assert!(
        names.contains(&"support_from.none") && names.contains(&"staff.nurses"),
        "{names:?}"
    );
}

#[test]
fn simulate_is_reproducible_and_writes_csv_and_parquet() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for (name, seed) in [
        ("a.csv", "7"),
        ("b.csv", "7"),
        ("c.csv", "8"),
        ("d.parquet", "7"),
    ] {
        let output = vecu(&[
            "survey",
            "simulate",
            "surveys/example.json",
            "--n",
            "300",
            "--seed",
            seed,
            "--out",
            &path(name),
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).expect("csv");
    assert_eq!(read("a.csv"), read("b.csv"), "same seed, same responses");
    assert_ne!(
        read("a.csv"),
        read("c.csv"),
        "another seed, other responses"
    );
    assert_eq!(read("a.csv").lines().count(), 301);
    let from_parquet = vecu_survey::read_table(&dir.path().join("d.parquet")).expect("parquet");
    let from_csv = vecu_survey::read_table(&dir.path().join("a.csv")).expect("csv");
    assert_eq!(from_parquet.height(), 300);
    assert_eq!(from_parquet.get_column_names(), from_csv.get_column_names());
}

#[test]
fn simulate_refuses_an_unknown_output_format() {
    let output = vecu(&[
        "survey",
        "simulate",
        "surveys/example.json",
        "--n",
        "3",
        "--out",
        "/tmp/out.xlsx",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("must end in .csv or .parquet"));
}

/// Runs vecu in `dir` with a database and an encryption key in the environment.
fn vecu_in(dir: &Path, key: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vecu"));
    command
        .args(args)
        .current_dir(dir)
        .env_remove("VECU_DATABASE_URL")
        .env_remove("VECU_ENCRYPTION_KEY");
    if let Some(key) = key {
        command.env("VECU_ENCRYPTION_KEY", key);
    }
    command.output().expect("vecu runs")
}

#[test]
fn a_wave_is_created_filled_opened_exported_and_closed_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let survey = workspace().join("surveys/example.json");
    let key = vecu_store::EncryptionKey::generate_base64();
    let created = vecu_in(
        dir.path(),
        None,
        &[
            "wave",
            "create",
            "--survey",
            &survey.to_string_lossy(),
            "--name",
            "spring",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let wave = stdout(&created).trim().to_owned();
    assert_eq!(wave.len(), 32);
    assert!(
        dir.path().join("vecu.db").exists(),
        "the default database is vecu.db in the working directory"
    );

    std::fs::write(
        dir.path().join("bad.csv"),
        "email,language,site,age_band,sex\nx,fr,H1,18-49,F\n",
    )
    .expect("csv");
    let refused = vecu_in(
        dir.path(),
        Some(&key),
        &["wave", "import-frame", "--wave", &wave, "bad.csv"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("line 2, column email"),
        "{}",
        stderr(&refused)
    );
    let no_key = vecu_in(
        dir.path(),
        None,
        &["wave", "import-frame", "--wave", &wave, "bad.csv"],
    );
    assert!(
        stderr(&no_key).contains("VECU_ENCRYPTION_KEY"),
        "{}",
        stderr(&no_key)
    );

    std::fs::write(dir.path().join("frame.csv"), "email,language,site,age_band,sex\na@example.org,fr,H1,18-49,F\nb@example.org,de,H2,70+,M\n").expect("csv");
    let imported = vecu_in(
        dir.path(),
        Some(&key),
        &["wave", "import-frame", "--wave", &wave, "frame.csv"],
    );
    assert!(
        stdout(&imported).contains("imported 2 patients"),
        "{}",
        stderr(&imported)
    );
    assert!(
        vecu_in(dir.path(), None, &["wave", "open", "--wave", &wave])
            .status
            .success()
    );
    let status = stdout(&vecu_in(
        dir.path(),
        None,
        &["wave", "status", "--wave", &wave],
    ));
    assert!(
        status.contains("open; 0 responses") && status.contains("pending 2"),
        "{status}"
    );

    let exported = vecu_in(
        dir.path(),
        None,
        &[
            "export",
            "--wave",
            &wave,
            "--format",
            "parquet",
            "--out",
            "wave.parquet",
        ],
    );
    assert!(exported.status.success(), "{}", stderr(&exported));
    assert!(
        dir.path().join("wave.codebook.json").exists()
            && dir.path().join("wave.report.json").exists()
    );

    let closed = vecu_in(dir.path(), None, &["wave", "close", "--wave", &wave]);
    assert!(
        stdout(&closed).contains("2 contacts erased"),
        "{}",
        stderr(&closed)
    );
    let unknown = vecu_in(dir.path(), None, &["wave", "status", "--wave", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("wave nope does not exist"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn serve_reports_bad_settings_files_with_their_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("vecu.toml"),
        "bind = \"127.0.0.1:0\"\nsmtp = \"x\"\n",
    )
    .expect("file");
    let output = vecu_in(dir.path(), None, &["serve", "--config", "vecu.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("vecu.toml") && err.contains("smtp") && err.contains("line 2"),
        "{err}"
    );
    let missing = vecu_in(dir.path(), None, &["serve", "--config", "nope.toml"]);
    assert!(
        stderr(&missing).contains("cannot read the settings file nope.toml"),
        "{}",
        stderr(&missing)
    );
    let postgres = vecu_in(
        dir.path(),
        None,
        &[
            "--database",
            "postgres://postgres@127.0.0.1:5432/postgres",
            "serve",
        ],
    );
    assert_eq!(postgres.status.code(), Some(2));
    assert!(
        stderr(&postgres).contains("no encryption key"),
        "{}",
        stderr(&postgres)
    );
}

#[test]
fn demo_tells_the_whole_story_under_one_folder() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("demo");
    let output = vecu(&[
        "demo",
        "--out",
        &out.display().to_string(),
        "--patients",
        "600",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let printed = stdout(&output);
    let report = out.join("report.html");
    assert!(
        printed
            .trim_end()
            .ends_with(&format!("Open {} in a browser.", report.display())),
        "{printed}"
    );
    // One message per invited patient in the local mailbox.
    let mails = std::fs::read_dir(out.join("mailbox"))
        .expect("mailbox")
        .count();
    assert_eq!(mails, 600);
    // The analysis wrote its tables and charts.
    assert!(out.join("analysis/results.parquet").exists());
    assert!(out.join("analysis/charts/response_rates.png").exists());
    // A published report, co-written: partners' words with their role, the engagement summary,
    // the contributions ledger.
    let html = std::fs::read_to_string(&report).expect("report");
    assert!(
        !html.contains("Version de travail"),
        "the demo report is published"
    );
    assert!(html.contains("par Marie Dubois (patient partenaire)"));
    assert!(html.contains("patients partenaires ont répondu au questionnaire d'engagement"));
    let ledger = std::fs::read_to_string(out.join("contributions.csv")).expect("ledger");
    assert_eq!(ledger.lines().count(), 7, "{ledger}");
    assert!(ledger.contains("Marie Dubois,patient_partner,questionnaire_co_design,360,2026-03-12"));
}

#[test]
fn analyse_writes_tables_and_charts_and_names_bad_cells() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let out = dir.path().join("results");
    let fixtures = "crates/analysis/tests/fixtures";
    let output = vecu(&[
        "analyse",
        "--survey",
        "surveys/scape-cancer.json",
        "--responses",
        &format!("{fixtures}/responses.csv"),
        "--frame-counts",
        &format!("{fixtures}/invited.csv"),
        "--lang",
        "de",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).starts_with("analysed 600 responses"),
        "{}",
        stdout(&output)
    );
    for file in [
        "results.csv",
        "results.parquet",
        "results.json",
        "charts/funnel_overall_rating_mean.png",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    let table = std::fs::read_to_string(out.join("results.csv")).expect("results.csv");
    assert!(table.starts_with("item,question,unit_kind,unit,statistic,option,weighted,estimate,ci_low,ci_high,se,n,suppressed,flag"));

    // A code the question does not have: exit 2, with the line and the column.
    let text =
        std::fs::read_to_string(workspace().join(fixtures).join("responses.csv")).expect("fixture");
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let column = header
        .iter()
        .position(|name| *name == "diagnosis_words")
        .expect("column");
    let mut cells: Vec<String> = lines[2].split(',').map(str::to_owned).collect();
    cells[column] = "7".to_owned();
    lines[2] = cells.join(",");
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\n") + "\n").expect("written");
    let output = vecu(&[
        "analyse",
        "--survey",
        "surveys/scape-cancer.json",
        "--responses",
        &bad.display().to_string(),
        "--out",
        &out.display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("line 3, column diagnosis_words: \"7\" is not an answer code"),
        "{}",
        stderr(&output)
    );
}
