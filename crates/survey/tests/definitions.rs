//! Broken definitions under `tests/definitions/broken/` (at the workspace root), each with the
//! problems it must produce in a `.expected` file: one `pointer<TAB>message fragment` per line.

use std::fs;
use std::path::{Path, PathBuf};

use vecu_survey::LoadError;

fn workspace_dir(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

fn check(definition: &Path) {
    let text = fs::read_to_string(definition).expect("readable test file");
    let expected_path = definition.with_extension("expected");
    let expected = fs::read_to_string(&expected_path)
        .unwrap_or_else(|_| panic!("{} has no .expected file", definition.display()));
    let error = vecu_survey::load_str(&text)
        .err()
        .unwrap_or_else(|| panic!("{} loaded although it is broken", definition.display()));
    let reported: Vec<(String, String)> = match &error {
        LoadError::Syntax { .. } => vec![(String::new(), error.to_string())],
        LoadError::Invalid(problems) => problems
            .iter()
            .map(|problem| {
                (
                    problem.pointer.clone(),
                    format!("{} {}", problem.message, problem.fix),
                )
            })
            .collect(),
    };
    for line in expected.lines().filter(|line| !line.trim().is_empty()) {
        let (pointer, fragment) = line.split_once('\t').expect("pointer<TAB>fragment");
        let found = reported.iter().any(|(at, text)| match &error {
            LoadError::Syntax { .. } => text.contains(pointer) && text.contains(fragment),
            LoadError::Invalid(_) => at == pointer && text.contains(fragment),
        });
        assert!(
            found,
            "{}: expected a problem at {pointer} mentioning \"{fragment}\", got:\n{error}",
            definition.display()
        );
    }
    for problem in error.problems() {
        assert!(
            !problem.fix.is_empty(),
            "{}: problem at {} says no fix",
            definition.display(),
            problem.pointer
        );
    }
}

#[test]
fn every_broken_definition_reports_its_problems_with_pointers() {
    let mut files: Vec<PathBuf> = fs::read_dir(workspace_dir("tests/definitions/broken"))
        .expect("broken definitions folder")
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 15,
        "expected the full set of broken definitions, found {}",
        files.len()
    );
    for file in &files {
        check(file);
    }
}

#[test]
fn the_base_of_the_broken_definitions_is_valid() {
    let text =
        fs::read_to_string(workspace_dir("tests/definitions/valid_base.json")).expect("base");
    vecu_survey::load_str(&text).expect("the unmutated base must load");
}

#[test]
fn all_problems_are_reported_at_once() {
    let text = fs::read_to_string(workspace_dir("tests/definitions/broken/many_problems.json"))
        .expect("file");
    let error = vecu_survey::load_str(&text).expect_err("broken");
    assert!(
        error.problems().len() >= 4,
        "only {} problems reported: {error}",
        error.problems().len()
    );
}

#[test]
fn every_shipped_survey_loads() {
    let mut count = 0;
    for entry in fs::read_dir(workspace_dir("surveys")).expect("surveys folder") {
        let path = entry.expect("entry").path();
        let name = path.to_string_lossy();
        let is_survey = path.extension().is_some_and(|ext| ext == "json")
            && !name.ends_with(".schema.json")
            && !name.ends_with(".translations.json")
            && !name.contains("coding-frame");
        if is_survey {
            let text = fs::read_to_string(&path).expect("readable");
            match vecu_survey::load_str(&text) {
                Ok(survey) => assert_eq!(
                    survey.warnings(),
                    [],
                    "{} loads with warnings",
                    path.display()
                ),
                Err(error) => panic!("{} does not load: {error}", path.display()),
            }
            count += 1;
        }
    }
    assert!(count >= 1);
}

#[test]
fn the_hash_ignores_formatting_but_not_content() {
    let text = fs::read_to_string(workspace_dir("surveys/example.json")).expect("example");
    let original = vecu_survey::load_str(&text).expect("valid");
    let value: serde_json::Value = serde_json::from_str(&text).expect("json");
    let compact = vecu_survey::load_str(&value.to_string()).expect("valid");
    assert_eq!(original.hash, compact.hash);
    let changed = text.replacen("\"version\": \"1.0\"", "\"version\": \"1.1\"", 1);
    assert_ne!(
        original.hash,
        vecu_survey::load_str(&changed).expect("valid").hash
    );
}

#[test]
fn a_definition_without_a_unit_of_comparison_loads_with_a_warning_saying_how_to_fix_it() {
    let text =
        fs::read_to_string(workspace_dir("tests/definitions/valid_base.json")).expect("base");
    let survey = vecu_survey::load_str(&text).expect("a definition without one still loads");
    assert!(survey.comparison_unit().is_none());
    let warnings = survey.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        warnings[0].to_string(),
        "at /frame/0: no frame variable is marked as the unit of comparison, so the analysis \
         skips everything that compares sites: adjusted and standardised scores, funnel limits \
         and outlier flags, changes per site, site and funnel charts, response rates per site \
         in charts and reports; fix: add \"comparison_unit\": true to /frame/0 (site) if it \
         names the hospitals to compare"
    );

    // Declared under another name: found by the mark, not by the name.
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value["frame"][0]["id"] = "hospital".into();
    value["frame"][0]["comparison_unit"] = true.into();
    let survey = vecu_survey::load_value(&value).expect("valid");
    assert_eq!(
        survey.comparison_unit().map(|unit| unit.id.as_str()),
        Some("hospital")
    );
    assert_eq!(survey.warnings(), []);

    // Without a variable called site the warning points at the frame as a whole.
    value["frame"][0]["comparison_unit"] = false.into();
    let warnings = vecu_survey::load_value(&value).expect("valid").warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].pointer, "/frame");
    assert!(
        warnings[0].fix.contains(
            "add \"comparison_unit\": true to the frame variable that names the hospitals"
        ),
        "{}",
        warnings[0]
    );
}

#[test]
fn domains_are_named_in_every_language_of_the_survey() {
    let text = fs::read_to_string(workspace_dir("surveys/scape-cancer.json")).expect("survey");
    let survey = vecu_survey::load_str(&text).expect("valid");
    let used: Vec<&str> = survey.domains_used().iter().map(|id| id.as_str()).collect();
    let declared: Vec<&str> = survey.domains.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(used.len(), 8, "{used:?}");
    for id in &used {
        assert!(declared.contains(id), "{id} has no label");
    }
    let fr = vecu_survey::Lang::parse("fr").expect("fr");
    let de = vecu_survey::Lang::parse("de").expect("de");
    assert_eq!(
        survey.domain_label("decision_making", &fr),
        "Décisions sur le traitement"
    );
    assert_eq!(
        survey.domain_label("decision_making", &de),
        "Entscheidungen über die Behandlung"
    );
    let domain = survey.domain("hospital_care").expect("declared");
    assert!(domain
        .description
        .as_ref()
        .is_some_and(|text| text.get(&fr).contains("dignité")));
    let outline = vecu_survey::outline(&survey, &fr);
    assert!(
        outline.contains("decision_making (Décisions sur le traitement)"),
        "{outline}"
    );
}

#[test]
fn a_definition_without_a_domains_block_loads_with_a_warning_and_shows_the_ids() {
    // Waves stored before domains had labels must keep loading: the ids are shown as before.
    let text = fs::read_to_string(workspace_dir("surveys/scape-cancer.json")).expect("survey");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("json");
    value
        .as_object_mut()
        .expect("object")
        .remove("domains")
        .expect("the shipped survey has a domains block");
    let survey = vecu_survey::load_value(&value).expect("still loads");
    assert!(survey.domains.is_empty());
    let fr = vecu_survey::Lang::parse("fr").expect("fr");
    assert_eq!(
        survey.domain_label("decision_making", &fr),
        "decision making"
    );
    let warnings = survey.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].pointer, "");
    assert!(
        warnings[0].message.starts_with(
            "items use the domains coordination, communication, information, decision_making"
        ),
        "{}",
        warnings[0]
    );
    assert!(
        warnings[0].fix.contains(
            "\"domains\": [{\"id\": \"coordination\", \"label\": {\"fr\": \"...\", \
             \"de\": \"...\", \"it\": \"...\", \"en\": \"...\"}}, ...]"
        ),
        "{}",
        warnings[0]
    );

    // An empty block is a block: every domain used is then refused, not warned about.
    value["domains"] = serde_json::json!([]);
    let error = vecu_survey::load_value(&value).expect_err("refused");
    assert_eq!(
        error
            .problems()
            .iter()
            .filter(|p| p.pointer.ends_with("/domain"))
            .count(),
        41,
        "{error}"
    );
}
