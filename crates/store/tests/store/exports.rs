//! Exports: the wide table, k-anonymity and free text.

use vecu_store::{AnonymityPolicy, Backend, ExportOptions, Mode, Role, StoreError};
use vecu_survey::{Cell, TableFormat};

use crate::helpers::{cancer, cycling, example, frame_csv, responses, TestDb};
use crate::on_both_backends;

on_both_backends!(
    exports_refuse_rare_combinations_unless_told,
    exports_leave_out_free_text_unless_asked_and_then_scrub_it,
    exports_write_table_codebook_and_report
);

/// A wave of the example survey where sites are common but one age band is rare.
fn wave_with_rare_combinations(
    store: &vecu_store::Store,
    n: usize,
) -> (String, vecu_survey::Survey) {
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "export").expect("wave");
    let frame = |idx: usize| {
        let site = ["H1", "H2"][idx % 2];
        let age = if idx == 0 { "18-49" } else { "70+" };
        vec![site.to_owned(), age.to_owned(), "F".to_owned()]
    };
    store
        .import_frame(&wave, frame_csv(&survey, n, frame).as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    for (token, response) in issued.iter().zip(responses(&survey, n, 21)) {
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    store.close_wave(&wave).expect("closed");
    (wave, survey)
}

fn exports_refuse_rare_combinations_unless_told(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, _) = wave_with_rare_combinations(&store, 24);
    let Err(StoreError::KAnonymity(refusal)) = store.export(&wave, &ExportOptions::default())
    else {
        panic!("rare combination exported")
    };
    assert_eq!(
        (
            refusal.violating_records,
            refusal.violating_combinations,
            refusal.k
        ),
        (1, 1, 5)
    );
    assert!(refusal.to_string().contains("--generalise"), "{refusal}");

    let generalised = store
        .export(
            &wave,
            &ExportOptions {
                policy: AnonymityPolicy::Generalise,
                ..ExportOptions::default()
            },
        )
        .expect("generalised");
    assert_eq!(generalised.report.records_out, 24);
    assert_eq!(
        generalised.report.recodings.len(),
        1,
        "{:?}",
        generalised.report.recodings
    );
    assert_eq!(
        generalised.report.recodings[0].variable, "age_band",
        "the site is generalised last"
    );
    let age = generalised
        .codebook
        .columns
        .iter()
        .position(|c| c.name == "age_band")
        .expect("age column");
    assert!(generalised
        .rows
        .iter()
        .all(|row| row[age] != Cell::Text("18-49".to_owned())));
    assert!(generalised.codebook.columns[age]
        .values
        .iter()
        .any(|v| v.code.as_str() == "other"));

    let suppressed = store
        .export(
            &wave,
            &ExportOptions {
                policy: AnonymityPolicy::Suppress,
                ..ExportOptions::default()
            },
        )
        .expect("suppressed");
    assert_eq!(
        (
            suppressed.report.records_out,
            suppressed.report.suppressed_records
        ),
        (23, 1)
    );
    // k has a floor: 5 for researchers; an admin may go down to 2, and the audit log says so.
    let with_k = |k| ExportOptions {
        k,
        ..ExportOptions::default()
    };
    assert!(matches!(
        store.export(&wave, &with_k(1)),
        Err(StoreError::BelowFloor { floor: 5, .. })
    ));
    let (researcher, _) = store
        .create_api_key("Researcher", Role::Researcher)
        .expect("key");
    let error = store
        .acting_as(&researcher)
        .export(&wave, &with_k(3))
        .expect_err("a researcher cannot go below 5");
    assert!(error.to_string().contains("at least 5"), "{error}");
    let lenient = store
        .export(
            &wave,
            &ExportOptions {
                policy: AnonymityPolicy::Generalise,
                ..with_k(2)
            },
        )
        .expect("an admin may");
    assert_eq!(lenient.report.records_out, 24);
    assert!(store
        .audit_log()
        .expect("audit")
        .iter()
        .any(|entry| entry.action == "export_below_k_floor"));
}

fn exports_leave_out_free_text_unless_asked_and_then_scrub_it(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "text").expect("wave");
    store
        .import_frame(
            &wave,
            frame_csv(&survey, 6, |_| vec!["H1".into(), "70+".into(), "M".into()]).as_bytes(),
        )
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    let comment = "Merci au Dr Favre, appelez-moi au 079 555 12 34 ou anna@example.ch";
    let response = survey
        .validate(&serde_json::json!({ "surgery": "no", "overall": 9, "comments": comment }))
        .expect("valid");
    for token in &issued {
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    store.close_wave(&wave).expect("closed");
    let plain = store
        .export(&wave, &ExportOptions::default())
        .expect("export");
    assert!(plain.codebook.columns.iter().all(|c| c.name != "comments"));
    assert_eq!(plain.report.free_text_columns_removed, ["comments"]);
    assert!(plain
        .rows
        .iter()
        .all(|row| row.len() == plain.codebook.columns.len()));

    let with_text = store
        .export(
            &wave,
            &ExportOptions {
                free_text: true,
                ..ExportOptions::default()
            },
        )
        .expect("export");
    let column = with_text
        .codebook
        .columns
        .iter()
        .position(|c| c.name == "comments")
        .expect("comments kept");
    assert_eq!(
        with_text.rows[0][column],
        Cell::Text("Merci au [name], appelez-moi au [phone] ou [email]".to_owned())
    );
    assert_eq!(with_text.report.scrubbed_replacements, 18);
    assert!(with_text
        .report
        .scrubber_limits
        .as_deref()
        .is_some_and(|limits| limits.contains("NOT detected")));
}

fn exports_write_table_codebook_and_report(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = cancer();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "files").expect("wave");
    store
        .import_frame(&wave, frame_csv(&survey, 60, cycling(&survey)).as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    for (token, response) in issued.iter().zip(responses(&survey, 60, 2)) {
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    store.close_wave(&wave).expect("closed");
    let export = store
        .export(
            &wave,
            &ExportOptions {
                k: 2,
                policy: AnonymityPolicy::Generalise,
                ..ExportOptions::default()
            },
        )
        .expect("export");
    let dir = tempfile::tempdir().expect("dir");
    for (name, format) in [
        ("wave.csv", TableFormat::Csv),
        ("wave.parquet", TableFormat::Parquet),
    ] {
        let path = dir.path().join(name);
        export.write(&path, format).expect("written");
        let table = vecu_survey::read_table(&path).expect("read back");
        assert_eq!(table.height(), export.report.records_out);
        let names: Vec<String> = table
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        let expected: Vec<String> = export
            .codebook
            .columns
            .iter()
            .map(|c| c.name.clone())
            .collect();
        assert_eq!(names, expected);
    }
    let codebook: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("wave.codebook.json")).expect("codebook"),
    )
    .expect("json");
    assert_eq!(codebook["survey"], "scape_cancer");
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("wave.report.json")).expect("report"),
    )
    .expect("json");
    assert_eq!(report["k"], 2);
    assert_eq!(
        report["free_text_columns_removed"].as_array().map(Vec::len),
        Some(3)
    );
}
