//! The `vecu` binary, run as a user would.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Other tools' files: tables written by R, labelled exports, imports.
mod interop;
/// `vecu survey diff`.
mod survey_diff;
/// `vecu survey translations` and `survey check --translations`.
mod survey_translations;

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
            let name = path.to_string_lossy();
            path.extension().is_some_and(|ext| ext == "json")
                && !name.ends_with("schema.json")
                && !name.ends_with(".translations.json")
                && !name.contains("coding-frame")
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
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
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

/// A working folder for the database and, apart from it, the configuration folder that holds
/// the default key files (`XDG_CONFIG_HOME`), so that tests never touch the user's own.
struct Sandbox {
    dir: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("temp dir"),
            config: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// The working folder (the database's).
    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The folder of the default key files.
    fn keys(&self) -> PathBuf {
        self.config.path().join("vecu/keys")
    }

    /// vecu in the working folder, with an encryption key in the environment or none.
    fn command(&self, key: Option<&str>, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_vecu"));
        command
            .args(args)
            .current_dir(self.path())
            .env("XDG_CONFIG_HOME", self.config.path())
            .env_remove("VECU_DATABASE_URL")
            .env_remove("VECU_KEY_FILE")
            .env_remove("VECU_ENCRYPTION_KEY");
        if let Some(key) = key {
            command.env("VECU_ENCRYPTION_KEY", key);
        }
        command
    }
}

/// Runs vecu in the sandbox with an encryption key in the environment or none.
fn vecu_in(sandbox: &Sandbox, key: Option<&str>, args: &[&str]) -> Output {
    sandbox.command(key, args).output().expect("vecu runs")
}

#[test]
fn a_wave_is_created_filled_opened_exported_and_closed_from_the_command_line() {
    let dir = Sandbox::new();
    let survey = workspace().join("surveys/example.json");
    let key = vecu_store::EncryptionKey::generate_base64();
    let created = vecu_in(
        &dir,
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
        &dir,
        Some(&key),
        &["wave", "import-frame", "--wave", &wave, "bad.csv"],
    );
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("line 2, column email"),
        "{}",
        stderr(&refused)
    );
    std::fs::write(dir.path().join("frame.csv"), "email,language,site,age_band,sex\na@example.org,fr,H1,18-49,F\nb@example.org,de,H2,70+,M\n").expect("csv");
    let imported = vecu_in(
        &dir,
        Some(&key),
        &["wave", "import-frame", "--wave", &wave, "frame.csv"],
    );
    assert!(
        stdout(&imported).contains("imported 2 patients"),
        "{}",
        stderr(&imported)
    );
    assert!(vecu_in(&dir, None, &["wave", "open", "--wave", &wave])
        .status
        .success());
    let status = stdout(&vecu_in(&dir, None, &["wave", "status", "--wave", &wave]));
    assert!(
        status.contains("open; 0 responses") && status.contains("pending 2"),
        "{status}"
    );

    let early = vecu_in(
        &dir,
        None,
        &[
            "export",
            "--wave",
            &wave,
            "--format",
            "csv",
            "--out",
            "early.csv",
        ],
    );
    assert_eq!(early.status.code(), Some(2));
    assert!(
        stderr(&early).contains("needs a wave that is closed"),
        "{}",
        stderr(&early)
    );
    let closed = vecu_in(&dir, None, &["wave", "close", "--wave", &wave]);
    assert!(
        stdout(&closed).contains("2 contacts erased"),
        "{}",
        stderr(&closed)
    );
    let exported = vecu_in(
        &dir,
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

    let unknown = vecu_in(&dir, None, &["wave", "status", "--wave", "nope"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("wave nope does not exist"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn serve_reports_bad_settings_files_with_their_line() {
    let dir = Sandbox::new();
    std::fs::write(
        dir.path().join("vecu.toml"),
        "bind = \"127.0.0.1:0\"\nsmtp = \"x\"\n",
    )
    .expect("file");
    let output = vecu_in(&dir, None, &["serve", "--config", "vecu.toml"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("vecu.toml") && err.contains("smtp") && err.contains("line 2"),
        "{err}"
    );
    let missing = vecu_in(&dir, None, &["serve", "--config", "nope.toml"]);
    assert!(
        stderr(&missing).contains("cannot read the settings file nope.toml"),
        "{}",
        stderr(&missing)
    );
    // Without VECU_ENCRYPTION_KEY, a key file, or a home for the default key file, the service
    // does not start.
    let postgres = dir
        .command(
            None,
            &[
                "--database",
                "postgres://postgres@127.0.0.1:5432/postgres",
                "serve",
            ],
        )
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("HOME")
        .output()
        .expect("vecu runs");
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
    // Every line the user sees is a sentence: no Rust debug structure, no log line.
    assert!(
        printed
            .lines()
            .all(|line| !line.contains(" { ") && !line.contains("INFO")),
        "{printed}"
    );
    assert!(
        !stderr(&output).contains("INFO"),
        "log lines unless asked: {}",
        stderr(&output)
    );
    let report = out.join("report.html");
    // The last lines say which files to open: the report, a hospital's, the public page.
    let public = out.join("results/fr.html");
    let last: Vec<&str> = printed.trim_end().lines().rev().take(4).collect();
    assert!(last[3].starts_with("Open in a browser"), "{printed}");
    for (line, file) in last.iter().rev().skip(1).zip([
        report.clone(),
        out.join("hospitals/H01.html"),
        public.clone(),
    ]) {
        assert!(line.ends_with(&file.display().to_string()), "{line}");
        assert!(file.exists(), "{}", file.display());
    }
    // The public page in four languages, each linking to the others, with the partners' words.
    for lang in ["fr", "de", "it", "en"] {
        let page =
            std::fs::read_to_string(out.join(format!("results/{lang}.html"))).expect("public page");
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{lang}");
        assert!(page.contains("Nous avons demandé à des patients"), "{lang}");
        assert!(page.contains("href=\"de.html\""), "{lang}");
    }
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
    // Patients' words: the coded themes and the three quotes both roles approved.
    assert!(html.contains(r#"<section id="patient-words">"#));
    assert!(html.contains("Avec les mots des patients"));
    assert_eq!(
        html.matches("<blockquote lang=\"").count(),
        3,
        "three approved quotes, each marked with its language"
    );
    let ledger = std::fs::read_to_string(out.join("contributions.csv")).expect("ledger");
    // Six lines recorded by hand, three from the co-design history (two proposals, a comment).
    assert_eq!(ledger.lines().count(), 10, "{ledger}");
    assert!(ledger.contains("Paolo Rossi,patient_partner,questionnaire_co_design,0,"));
    assert!(ledger.contains("Dr Léa Martin,researcher,questionnaire_co_design,0,"));
    assert!(ledger.contains("Marie Dubois,patient_partner,questionnaire_co_design,360,2026-03-12"));
    every_site_gets_its_report_and_a_key_bound_to_it(dir.path(), &out, &printed);
}

/// The demo's hospital reports (one per site), `vecu report site` and hospital keys.
fn every_site_gets_its_report_and_a_key_bound_to_it(dir: &Path, out: &Path, printed: &str) {
    assert!(printed.contains("8 hospital reports in"), "{printed}");
    let hospitals = out.join("hospitals");
    let mut files: Vec<String> = std::fs::read_dir(&hospitals)
        .expect("hospitals")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let sites: Vec<String> = (1..=8).map(|n| format!("H0{n}.html")).collect();
    assert_eq!(files, sites);
    let h01 = std::fs::read_to_string(hospitals.join("H01.html")).expect("H01");
    assert!(h01.contains("<html lang=\"fr\">") && h01.contains("Plage attendue"));
    // H07's language is Italian in the demo.
    let h07 = std::fs::read_to_string(hospitals.join("H07.html")).expect("H07");
    assert!(
        h07.contains("<html lang=\"it\">"),
        "H07 in its site's language"
    );
    assert!(!h01.contains("H02"), "another site named in H01's report");
    // Its patients' words: its own shares beside all sites', in its language.
    assert!(h01.contains(r#"<section id="patient-words">"#));
    assert!(h01.contains("Avec les mots des patients"));
    assert!(h07.contains("Con le parole dei pazienti"));

    let database = out.join("vecu-demo.db").display().to_string();
    let db = ["--database", database.as_str()];
    let waves = vecu(&[&db[..], &["wave", "status"]].concat());
    assert!(waves.status.success(), "{}", stderr(&waves));
    let listed = stdout(&waves);
    let wave = listed
        .lines()
        .find(|line| line.contains("démonstration"))
        .and_then(|line| line.split_whitespace().next())
        .expect("the demo's wave")
        .to_owned();

    // One site's report in German, from the command line.
    let file = dir.join("h03.html").display().to_string();
    let report = vecu(
        &[
            &db[..],
            &[
                "report", "site", "--wave", &wave, "--site", "H03", "--lang", "de", "--out", &file,
            ],
        ]
        .concat(),
    );
    assert!(report.status.success(), "{}", stderr(&report));
    assert!(
        stdout(&report).contains("hospital report of H03"),
        "{}",
        stdout(&report)
    );
    let html = std::fs::read_to_string(&file).expect("written");
    assert!(html.contains("<html lang=\"de\">") && html.contains("Erwarteter Bereich"));
    // H01's language set to English: its report comes in English without --lang.
    let set = vecu(
        &[
            &db[..],
            &["report", "site-language", "--site", "H01", "--lang", "en"],
        ]
        .concat(),
    );
    assert!(set.status.success(), "{}", stderr(&set));
    let english = vecu(
        &[
            &db[..],
            &[
                "report", "site", "--wave", &wave, "--site", "H01", "--out", &file,
            ],
        ]
        .concat(),
    );
    assert!(english.status.success(), "{}", stderr(&english));
    let html = std::fs::read_to_string(&file).expect("written");
    assert!(html.contains("<html lang=\"en\">"), "the site's language");
    // A site the survey does not have: exit 2, with the sites it has.
    let unknown = vecu(
        &[
            &db[..],
            &[
                "report", "site", "--wave", &wave, "--site", "H99", "--out", &file,
            ],
        ]
        .concat(),
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("H99 is not a site of this survey"),
        "{}",
        stderr(&unknown)
    );
    assert!(stderr(&unknown).contains("H01"), "{}", stderr(&unknown));

    // A hospital key names its sites; other roles take none.
    let key = vecu(
        &[
            &db[..],
            &[
                "admin",
                "create-key",
                "--role",
                "hospital",
                "--site",
                "H01,H02",
                "--name",
                "Qualité",
            ],
        ]
        .concat(),
    );
    assert!(key.status.success(), "{}", stderr(&key));
    assert!(stdout(&key).trim().starts_with("vecu_"));
    assert!(
        stderr(&key).contains("(sites H01, H02)"),
        "{}",
        stderr(&key)
    );
    let keys = vecu(&[&db[..], &["admin", "list-keys"]].concat());
    assert!(stdout(&keys).contains("hospital") && stdout(&keys).contains("(sites H01, H02)"));
    let unbound = vecu(&[&db[..], &["admin", "create-key", "--role", "hospital"]].concat());
    assert_eq!(unbound.status.code(), Some(2));
    assert!(
        stderr(&unbound).contains("--site H01"),
        "{}",
        stderr(&unbound)
    );
    let researcher = vecu(
        &[
            &db[..],
            &[
                "admin",
                "create-key",
                "--role",
                "researcher",
                "--site",
                "H01",
            ],
        ]
        .concat(),
    );
    assert_eq!(researcher.status.code(), Some(2));
    assert!(stderr(&researcher).contains("--site binds hospital keys only"));
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

#[test]
fn check_and_analyse_say_what_a_definition_without_a_unit_of_comparison_loses() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // The cancer survey as written before units of comparison were declared.
    let text =
        std::fs::read_to_string(workspace().join("surveys/scape-cancer.json")).expect("survey");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    definition["frame"][0]
        .as_object_mut()
        .and_then(|site| site.remove("comparison_unit"))
        .expect("the shipped survey marks its site");
    let old = dir.path().join("old.json");
    std::fs::write(&old, definition.to_string()).expect("written");
    let old = old.display().to_string();
    let notice = format!(
        "{old}: warning at /frame/0: no frame variable is marked as the unit of comparison"
    );
    let fix = "fix: add \"comparison_unit\": true to /frame/0 (site) if it names the hospitals";

    // A warning, not a failure: the definition still checks.
    let output = vecu(&["survey", "check", &old]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(": ok ("), "{}", stdout(&output));
    assert!(stdout(&output).contains("1 warning"), "{}", stdout(&output));
    let checked = stderr(&output);
    assert!(
        checked.contains(&notice) && checked.contains(fix),
        "{checked}"
    );

    // The analysis prints the same notice, saying what it skips, and skips it.
    let out = dir.path().join("results");
    let output = vecu(&[
        "analyse",
        "--survey",
        &old,
        "--responses",
        "crates/analysis/tests/fixtures/responses.csv",
        "--no-charts",
        "--out",
        &out.display().to_string(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let analysed = stderr(&output);
    assert!(analysed.contains(checked.trim_end()), "{analysed}");
    assert!(
        analysed.contains(
            "skips everything that compares sites: adjusted and standardised scores, funnel limits"
        ),
        "{analysed}"
    );
    let table = std::fs::read_to_string(out.join("results.csv")).expect("results.csv");
    assert!(!table.contains(",adjusted_") && !table.contains(",funnel_95_"));
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
        .permissions()
        .mode()
        & 0o777
}

/// The key files in the sandbox's key folder.
fn key_files(sandbox: &Sandbox) -> Vec<PathBuf> {
    match std::fs::read_dir(sandbox.keys()) {
        Ok(entries) => entries.map(|entry| entry.expect("entry").path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Every file under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).expect("folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn create_wave(sandbox: &Sandbox, args: &[&str]) -> String {
    let survey = workspace().join("surveys/example.json");
    let survey = survey.to_string_lossy();
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["wave", "create", "--survey", &survey]);
    let created = vecu_in(sandbox, None, &all);
    assert!(created.status.success(), "{}", stderr(&created));
    stdout(&created).trim().to_owned()
}

/// An open letter wave of the example survey with the letters of `frame` written (which makes
/// the default key when there is none).
fn open_letter_wave(sandbox: &Sandbox, frame: &str) -> String {
    let wave = create_wave(sandbox, &[]);
    std::fs::write(sandbox.path().join("frame.csv"), frame).expect("frame");
    let codes = [
        "wave",
        "codes",
        "--wave",
        &wave,
        "frame.csv",
        "--out",
        "letters.csv",
    ];
    let letters = vecu_in(sandbox, None, &codes);
    assert!(letters.status.success(), "{}", stderr(&letters));
    let opened = vecu_in(sandbox, None, &["wave", "open", "--wave", &wave]);
    assert!(opened.status.success(), "{}", stderr(&opened));
    wave
}

const FRAME: &str = "email,language,site,age_band,sex\na@example.org,fr,H1,18-49,F\n";

#[test]
fn the_default_key_is_made_outside_the_database_folder_readable_by_its_owner_only() {
    let dir = Sandbox::new();
    let wave = create_wave(&dir, &[]);
    assert!(key_files(&dir).is_empty(), "creating a wave needs no key");
    std::fs::write(dir.path().join("frame.csv"), FRAME).expect("csv");
    let imported = vecu_in(
        &dir,
        None,
        &["wave", "import-frame", "--wave", &wave, "frame.csv"],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    let keys = key_files(&dir);
    assert_eq!(keys.len(), 1, "{keys:?}");
    let key = &keys[0];
    assert!(!key.starts_with(dir.path()));
    assert!(
        files_under(dir.path())
            .iter()
            .all(|file| !file.to_string_lossy().ends_with(".key")),
        "no key in the database's folder: {:?}",
        files_under(dir.path())
    );
    assert_eq!(mode(key), 0o600);
    assert_eq!(mode(&dir.keys()), 0o700);
    assert_eq!(mode(&dir.keys().join("..")), 0o700);
    let notice = stderr(&imported);
    assert!(
        notice.contains(&key.display().to_string())
            && notice.contains("out of the database's backups"),
        "{notice}"
    );

    // The next command finds the same key and says nothing about it.
    let second = create_wave(&dir, &[]);
    let again = vecu_in(
        &dir,
        None,
        &["wave", "import-frame", "--wave", &second, "frame.csv"],
    );
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(!stderr(&again).contains("created the encryption key"));
    assert_eq!(key_files(&dir), keys);

    // Another database gets a key of its own.
    std::fs::create_dir(dir.path().join("other")).expect("folder");
    let other = create_wave(&dir, &["--database", "other/vecu.db"]);
    let imported = vecu_in(
        &dir,
        None,
        &[
            "--database",
            "other/vecu.db",
            "wave",
            "import-frame",
            "--wave",
            &other,
            "frame.csv",
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert_eq!(key_files(&dir).len(), 2);
}

/// A GET over plain HTTP/1.1: the whole answer, head and body.
fn http_get(port: u16, path: &str, key: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n"
    )
    .expect("request sent");
    let mut answer = String::new();
    stream.read_to_string(&mut answer).expect("answer");
    answer
}

#[test]
fn the_command_line_and_the_service_use_the_same_key() {
    use std::io::BufRead;
    let dir = Sandbox::new();
    // The letters seal the refs under the default key, made now.
    let wave = open_letter_wave(
        &dir,
        "ref,language,site,age_band,sex\nH1-001,fr,H1,70+,F\nH1-002,de,H2,70+,M\n",
    );
    assert_eq!(key_files(&dir).len(), 1);
    let created = vecu_in(&dir, None, &["admin", "create-key", "--role", "researcher"]);
    let api_key = stdout(&created).trim().to_owned();

    // The service, with no key given either, opens the refs: it found the same key.
    let mut serve = dir
        .command(None, &["serve", "--bind", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vecu serve starts");
    let lines = std::io::BufReader::new(serve.stderr.take().expect("stderr"));
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    let mut said = Vec::new();
    let port = loop {
        let Ok(line) = receiver.recv_timeout(std::time::Duration::from_secs(120)) else {
            let _ = serve.kill();
            panic!("vecu serve did not start: {}", said.join("\n"));
        };
        if let Some(rest) = line.split("http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            break digits.parse::<u16>().expect("a port");
        }
        said.push(line);
    };
    let reminders = format!("/api/v1/waves/{wave}/reminders.csv");
    let answer = http_get(port, &reminders, &api_key);

    // The administrator lists the keys (never a key) and revokes this one from the command
    // line: the running service refuses it at its next request.
    let listed = vecu_in(&dir, None, &["admin", "list-keys"]);
    let listing = stdout(&listed);
    assert!(!listing.contains(&api_key), "{listing}");
    let id = listing
        .lines()
        .find(|line| line.contains("researcher"))
        .and_then(|line| line.split_whitespace().next())
        .unwrap_or_else(|| panic!("the key is listed: {listing}"))
        .to_owned();
    let revoked = vecu_in(&dir, None, &["admin", "revoke-key", &id]);
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    let refused = http_get(port, &reminders, &api_key);
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(
        answer.contains("H1-001") && answer.contains("H1-002"),
        "{answer}"
    );
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    let listing = stdout(&vecu_in(&dir, None, &["admin", "list-keys"]));
    let line = listing
        .lines()
        .find(|line| line.starts_with(&id))
        .unwrap_or_else(|| panic!("still listed: {listing}"));
    assert!(!line.contains(" - "), "a revocation day: {line}");
    let again = vecu_in(&dir, None, &["admin", "revoke-key", &id]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("no key"), "{}", stderr(&again));
    assert!(
        !said
            .iter()
            .any(|line| line.contains("created the encryption key")),
        "{said:?}"
    );
    assert_eq!(key_files(&dir).len(), 1);
}

#[test]
fn a_key_beside_the_database_is_refused_with_the_way_out() {
    let dir = Sandbox::new();
    let wave = create_wave(&dir, &[]);
    let key = vecu_store::EncryptionKey::generate_base64();
    let beside = dir.path().join("vecu.db.key");
    std::fs::write(&beside, &key).expect("key");
    for (variable, args) in [
        (None, vec!["wave", "status"]),
        (Some(key.as_str()), vec!["wave", "status"]),
        (
            None,
            vec!["wave", "import-frame", "--wave", &wave, "frame.csv"],
        ),
        (None, vec!["serve", "--bind", "127.0.0.1:0"]),
    ] {
        let refused = vecu_in(&dir, variable, &args);
        assert_eq!(refused.status.code(), Some(2), "{args:?}");
        let message = stderr(&refused);
        assert!(
            message.contains("lies beside the database")
                && message.contains(&format!("mv {}", beside.display()))
                && message.contains(&dir.keys().display().to_string()),
            "{args:?}: {message}"
        );
    }
    // A key file named in the database's folder is refused as well.
    std::fs::rename(&beside, dir.path().join("secret.key")).expect("moved");
    let refused = vecu_in(&dir, None, &["--key-file", "secret.key", "wave", "status"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("is inside the folder of the database"),
        "{}",
        stderr(&refused)
    );
    // Moved out of the folder, it is used.
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let moved = elsewhere.path().join("vecu.key");
    std::fs::rename(dir.path().join("secret.key"), &moved).expect("moved");
    std::fs::write(dir.path().join("frame.csv"), FRAME).expect("csv");
    let imported = vecu_in(
        &dir,
        None,
        &[
            "--key-file",
            &moved.display().to_string(),
            "wave",
            "import-frame",
            "--wave",
            &wave,
            "frame.csv",
        ],
    );
    assert!(imported.status.success(), "{}", stderr(&imported));
    assert!(key_files(&dir).is_empty(), "the named key file serves");
}

#[test]
fn logs_to_a_pipe_are_plain_text() {
    let dir = Sandbox::new();
    // Standard error is a pipe here, as for a file, journald or a container's log collector.
    let output = dir
        .command(None, &["wave", "status"])
        .env("RUST_LOG", "info")
        .output()
        .expect("vecu runs");
    let logged = stderr(&output);
    assert!(
        logged.contains("INFO"),
        "a log line was asked for: {logged}"
    );
    assert!(!logged.contains('\u{1b}'), "escape codes in: {logged:?}");
    // For log collectors: one JSON object per line.
    let output = dir
        .command(
            None,
            &[
                "--log-format",
                "json",
                "--database",
                "other.db",
                "wave",
                "status",
            ],
        )
        .env("RUST_LOG", "info")
        .output()
        .expect("vecu runs");
    let lines: Vec<serde_json::Value> = stderr(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON object per line"))
        .collect();
    assert!(!lines.is_empty());
    assert!(lines.iter().all(|line| line["level"].is_string()));
}

#[test]
fn errors_say_their_cause_once() {
    let dir = Sandbox::new();
    // A folder named like a table: it exists but cannot be read as one (tests run as root, so a
    // file without read permission would still be read).
    std::fs::create_dir(dir.path().join("folder.csv")).expect("folder");
    let survey = workspace().join("surveys/scape-cancer.json");
    let survey = survey.to_string_lossy();
    let cases: [(&[&str], &str); 3] = [
        (
            &[
                "analyse",
                "--survey",
                &survey,
                "--responses",
                "/nonexistent.csv",
                "--out",
                "o",
            ],
            "No such file or directory",
        ),
        (
            &[
                "analyse",
                "--survey",
                &survey,
                "--responses",
                "folder.csv",
                "--out",
                "o",
            ],
            "(os error",
        ),
        (
            &[
                "--database",
                "postgres://nobody:secret@127.0.0.1:1/vecu",
                "wave",
                "status",
            ],
            "Connection refused",
        ),
    ];
    for (args, cause) in cases {
        let output = vecu_in(&dir, None, args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        assert_eq!(err.matches("error:").count(), 1, "{args:?}: {err}");
        assert_eq!(err.matches(cause).count(), 1, "{args:?}: {err}");
        assert!(!err.contains("secret"), "the password printed: {err}");
    }
}

#[test]
fn check_warns_that_a_definition_without_domain_labels_shows_ids_and_refuses_a_missing_label() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // The cancer survey as written before domains had labels: loads, with a warning.
    let text =
        std::fs::read_to_string(workspace().join("surveys/scape-cancer.json")).expect("survey");
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    definition
        .as_object_mut()
        .and_then(|survey| survey.remove("domains"))
        .expect("the shipped survey labels its domains");
    let old = dir.path().join("old.json");
    std::fs::write(&old, definition.to_string()).expect("written");
    let old = old.display().to_string();
    let output = vecu(&["survey", "check", &old]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("1 warning"), "{}", stdout(&output));
    assert!(
        stderr(&output).contains(&format!(
            "{old}: warning at (document): items use the domains coordination, communication"
        )),
        "{}",
        stderr(&output)
    );

    // A block that leaves a domain out is refused, pointing at the item and saying the fix.
    definition["domains"] = serde_json::json!([]);
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, definition.to_string()).expect("written");
    let output = vecu(&["survey", "check", &empty.display().to_string()]);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let refused = format!("{}{}", stdout(&output), stderr(&output));
    assert!(
        refused.contains("domain \"coordination\" has no entry in /domains")
            && refused.contains("add {\"id\": \"coordination\", \"label\": {\"fr\": \"...\""),
        "{refused}"
    );
}

#[test]
fn analyse_takes_earlier_waves_oldest_first_and_draws_their_trends() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wave = |seed: &str| {
        let path = dir.path().join(format!("wave{seed}.csv"));
        let shown = path.display().to_string();
        let output = vecu(&[
            "survey",
            "simulate",
            "surveys/example.json",
            "--n",
            "150",
            "--seed",
            seed,
            "--out",
            &shown,
        ]);
        assert!(output.status.success(), "{}", stderr(&output));
        shown
    };
    let (first, second, now) = (wave("1"), wave("2"), wave("3"));
    let out = dir.path().join("results");
    let shown_out = out.display().to_string();
    let analyse = [
        "analyse",
        "--survey",
        "surveys/example.json",
        "--responses",
        &now,
        "--previous",
        &first,
        "--previous",
        &second,
        "--out",
        &shown_out,
    ];
    let output = vecu(&analyse);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = std::fs::read_to_string(out.join("results.csv")).expect("results.csv");
    let header = table.lines().next().unwrap_or_default();
    assert!(header.ends_with(",wave"), "{header}");
    for statistic in [
        ",change_pct_positive,",
        ",change_first_pct_positive,",
        ",change_per_wave_pct_positive,",
        ",change_trend_p_pct_positive,",
        ",driver_correlation,",
    ] {
        assert!(table.contains(statistic), "no {statistic} rows");
    }
    // The series names each earlier wave by its file.
    let series: Vec<&str> = table
        .lines()
        .filter(|line| {
            line.starts_with("overall,") && line.contains(",overall,all,earlier_pct_positive,")
        })
        .collect();
    assert_eq!(series.len(), 2, "{series:?}");
    assert!(
        series[0].ends_with(",wave1") && series[1].ends_with(",wave2"),
        "{series:?}"
    );
    let charts = out.join("charts");
    for chart in [
        "trend_overall.svg",
        "trend_overall.png",
        "priorities_H1.svg",
    ] {
        assert!(charts.join(chart).exists(), "no {chart}");
    }

    // Versions of the definition: once for all or once for each earlier wave, nothing else.
    let three_versions = ["--previous-survey", "surveys/example.json"].repeat(3);
    let output = vecu(&[&analyse[..], &three_versions].concat());
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(
        stderr(&output).contains("--previous-survey is given 3 times for 2 --previous"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn analyse_draws_the_funnel_limits_asked_for_random_effects_by_default() {
    let dir = tempfile::tempdir().expect("temporary folder");
    // The funnel method of every shown funnel row of results.json, after `vecu analyse` with
    // `extra`.
    let methods = |extra: &[&str]| -> (Output, Vec<String>) {
        let out = dir.path().join(extra.join("-"));
        let out_text = out.display().to_string();
        let mut args = vec![
            "analyse",
            "--survey",
            "surveys/scape-cancer.json",
            "--responses",
            "crates/analysis/tests/fixtures/responses.csv",
            "--no-charts",
            "--out",
            out_text.as_str(),
        ];
        args.extend(extra);
        let output = vecu(&args);
        let text = std::fs::read_to_string(out.join("results.json")).unwrap_or_default();
        let rows: Vec<serde_json::Value> = serde_json::from_str(&text).unwrap_or_default();
        let found = rows
            .iter()
            .filter(|row| {
                row["suppressed"] == ""
                    && row["statistic"]
                        .as_str()
                        .is_some_and(|statistic| statistic.starts_with("funnel_95_"))
            })
            .map(|row| row["funnel_method"].as_str().unwrap_or("?").to_owned())
            .collect();
        (output, found)
    };
    for (extra, expected) in [
        (&[][..], "random_effects"),
        (&["--funnel", "plain"][..], "plain"),
        (&["--funnel", "multiplicative"][..], "multiplicative"),
    ] {
        let (output, found) = methods(extra);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(!found.is_empty(), "{extra:?}: funnel rows");
        assert!(
            found.iter().all(|method| method == expected),
            "{extra:?}: {found:?}"
        );
    }
    let (output, _) = methods(&["--funnel", "binomial"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("random-effects"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_wave_gets_its_reminder_schedule_from_the_command_line() {
    let dir = Sandbox::new();
    let wave = create_wave(&dir, &[]);
    let set = vecu_in(
        &dir,
        None,
        &[
            "wave",
            "schedule",
            "--wave",
            &wave,
            "--after-days",
            "14",
            "--contacts",
            "3",
        ],
    );
    assert!(set.status.success(), "{}", stderr(&set));
    assert!(
        stdout(&set).contains("14 days after each contact"),
        "{}",
        stdout(&set)
    );
    let within_the_week = vecu_in(
        &dir,
        None,
        &["wave", "schedule", "--wave", &wave, "--after-days", "3"],
    );
    assert_eq!(within_the_week.status.code(), Some(2));
    assert!(
        stderr(&within_the_week).contains("at least 7"),
        "{}",
        stderr(&within_the_week)
    );
    let off = vecu_in(&dir, None, &["wave", "schedule", "--wave", &wave, "--off"]);
    assert!(off.status.success(), "{}", stderr(&off));
    assert!(
        stdout(&off).contains("no reminder schedule"),
        "{}",
        stdout(&off)
    );
}

#[test]
fn the_database_is_backed_up_to_a_new_file_only() {
    let dir = Sandbox::new();
    let wave = create_wave(&dir, &[]);
    let backup = dir.path().join("backup.db");
    let backup = backup.to_string_lossy();
    let made = vecu_in(&dir, None, &["admin", "backup", "--out", &backup]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(
        stdout(&made).contains("keep the key apart"),
        "{}",
        stdout(&made)
    );
    assert_eq!(mode(Path::new(&*backup)), 0o600);
    // The copy is a database with the wave in it.
    let copy = vecu_in(
        &dir,
        None,
        &["--database", &backup, "wave", "status", "--wave", &wave],
    );
    assert!(copy.status.success(), "{}", stderr(&copy));
    let again = vecu_in(&dir, None, &["admin", "backup", "--out", &backup]);
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("never overwrites"),
        "{}",
        stderr(&again)
    );
}

/// `vecu admin rotate-key` seals the contacts again under a new key file it makes (0600, never
/// beside the database); afterwards the old key opens nothing and the new one everything.
#[test]
fn rotate_key_seals_the_vault_again_under_a_new_key_file() {
    let dir = Sandbox::new();
    let wave = open_letter_wave(
        &dir,
        "ref,language,site,age_band,sex\nH1-001,fr,H1,18-49,F\n",
    );
    let reminders = |key_file: Option<&Path>| {
        let mut args = vec![
            "wave",
            "reminders",
            "--wave",
            &wave,
            "--out",
            "reminders.csv",
        ];
        let path;
        if let Some(file) = key_file {
            path = file.to_string_lossy().into_owned();
            args.splice(0..0, ["--key-file", path.as_str()]);
        }
        vecu_in(&dir, None, &args)
    };

    let beside = vecu_in(
        &dir,
        None,
        &["admin", "rotate-key", "--new-key-file", "new.key"],
    );
    assert_eq!(beside.status.code(), Some(2));
    assert!(!dir.path().join("new.key").exists(), "{}", stderr(&beside));
    let new_key = dir.config.path().join("new.key");
    let new = new_key.to_string_lossy();
    let rotated = vecu_in(&dir, None, &["admin", "rotate-key", "--new-key-file", &new]);
    assert!(rotated.status.success(), "{}", stderr(&rotated));
    assert!(
        stdout(&rotated).contains("sealed 2 values again"),
        "the ref and the frame: {}",
        stdout(&rotated)
    );
    assert_eq!(mode(&new_key), 0o600);
    let again = vecu_in(&dir, None, &["admin", "rotate-key", "--new-key-file", &new]);
    assert!(
        stdout(&again).contains("sealed 0 values again"),
        "{}",
        stderr(&again)
    );

    let with_old = reminders(None);
    assert_eq!(with_old.status.code(), Some(2));
    assert!(
        stderr(&with_old).contains("cannot be decrypted"),
        "{}",
        stderr(&with_old)
    );
    let with_new = reminders(Some(&new_key));
    assert!(with_new.status.success(), "{}", stderr(&with_new));
    // During a rotation, a key that seals nothing yet opens with the previous one's help.
    let old_key = key_files(&dir).pop().expect("the old key");
    let helped = dir
        .command(
            None,
            &[
                "--key-file",
                &old_key.to_string_lossy(),
                "wave",
                "reminders",
                "--wave",
                &wave,
                "--out",
                "reminders.csv",
            ],
        )
        .env("VECU_PREVIOUS_KEY_FILE", &new_key)
        .output()
        .expect("vecu runs");
    assert!(helped.status.success(), "{}", stderr(&helped));
    let list = std::fs::read_to_string(dir.path().join("reminders.csv")).expect("list");
    assert!(list.contains("H1-001"), "{list}");
}
