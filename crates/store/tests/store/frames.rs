//! Surveys, waves, migrations and sample-frame imports.

use vecu_store::{Backend, StoreError};

use crate::helpers::{cycling, example, frame_csv, TestDb};
use crate::on_both_backends;

on_both_backends!(
    migrations_revert_and_reapply,
    survey_versions_are_immutable,
    a_valid_frame_is_imported_whole,
    a_bad_frame_is_refused_whole_with_every_problem,
    waves_move_from_draft_to_open,
    double_entry_is_a_property_of_the_wave
);

fn migrations_revert_and_reapply(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    store.add_survey(&survey, &text).expect("stored");
    store
        .redo_migrations()
        .expect("down.sql and up.sql both run");
    assert!(
        store.waves().expect("tables exist again").is_empty(),
        "revert dropped the data"
    );
    store.add_survey(&survey, &text).expect("stored again");
}

fn survey_versions_are_immutable(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    assert_eq!(store.add_survey(&survey, &text).expect("idempotent"), hash);
    assert_eq!(store.survey(&hash).expect("loads back").hash, hash);
    let changed_text = text.replacen("Exemple : votre expérience des soins", "Exemple modifié", 1);
    let changed = vecu_survey::load_str(&changed_text).expect("valid");
    assert!(matches!(
        store.add_survey(&changed, &changed_text),
        Err(StoreError::VersionConflict { .. })
    ));
}

fn a_valid_frame_is_imported_whole(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = store
        .create_wave(&store.add_survey(&survey, &text).expect("stored"), "spring")
        .expect("wave");
    let summary = store
        .import_frame(&wave, frame_csv(&survey, 30, cycling(&survey)).as_bytes())
        .expect("imported");
    assert_eq!(summary.rows, 30);
    assert_eq!(summary.by_site.values().sum::<usize>(), 30);
    let status = store.wave_status_now(&wave).expect("status");
    assert_eq!(status.overall.by_status.get("pending"), Some(&30));
    assert_eq!(status.sites.len(), 3);
    assert_eq!(status.overall.response_rate, None, "nobody contacted yet");
    // The same patients again are refused: each patient is listed once per wave.
    let again = store.import_frame(&wave, frame_csv(&survey, 2, cycling(&survey)).as_bytes());
    assert!(matches!(again, Err(StoreError::Frame(problems)) if problems.len() == 2));
}

fn a_bad_frame_is_refused_whole_with_every_problem(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = store
        .create_wave(&store.add_survey(&survey, &text).expect("stored"), "spring")
        .expect("wave");
    let csv = "email,language,site,age_band,sex\n\
               ok@example.org,fr,H1,18-49,F\n\
               not-an-address,fr,H1,18-49,F\n\
               b@example.org,es,H9,18-49,F\n\
               ok@example.org,de,H2,50-69,M\n";
    let Err(StoreError::Frame(problems)) = store.import_frame(&wave, csv.as_bytes()) else {
        panic!("bad frame accepted")
    };
    let described: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(described.len(), 4, "{described:#?}");
    assert!(
        described[0].starts_with("line 3, column email"),
        "{described:#?}"
    );
    assert!(described.iter().any(
        |p| p.starts_with("line 4, column language") && p.contains("use one of fr, de, it, en")
    ));
    assert!(described
        .iter()
        .any(|p| p.starts_with("line 4, column site") && p.contains("H1, H2, H3")));
    assert!(described
        .iter()
        .any(|p| p.starts_with("line 5, column email") && p.contains("already")));
    assert_eq!(
        store
            .wave_status_now(&wave)
            .expect("status")
            .overall
            .by_status
            .len(),
        0,
        "nothing imported"
    );

    let with_names = "email,language,site,age_band,sex,name\na@example.org,fr,H1,18-49,F,Anna\n";
    let Err(StoreError::Frame(problems)) = store.import_frame(&wave, with_names.as_bytes()) else {
        panic!("names accepted")
    };
    assert!(
        problems[0].to_string().contains("column name")
            && problems[0].to_string().contains("identifying"),
        "{problems:?}"
    );
    let missing = "email,language,site\na@example.org,fr,H1\n";
    let Err(StoreError::Frame(problems)) = store.import_frame(&wave, missing.as_bytes()) else {
        panic!("missing columns accepted")
    };
    assert_eq!(
        problems.len(),
        2,
        "age_band and sex are missing: {problems:?}"
    );
    assert!(matches!(
        store.import_frame(&wave, "email,language,site,age_band,sex\n".as_bytes()),
        Err(StoreError::Frame(_))
    ));
}

fn waves_move_from_draft_to_open(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = store
        .create_wave(&store.add_survey(&survey, &text).expect("stored"), "spring")
        .expect("wave");
    assert!(
        matches!(store.issue_tokens(&wave), Err(StoreError::WaveState { .. })),
        "no tokens while draft"
    );
    store.open_wave(&wave).expect("opens");
    assert!(matches!(
        store.open_wave(&wave),
        Err(StoreError::WaveState { .. })
    ));
    assert!(matches!(
        store.create_wave("no-such-hash", "x"),
        Err(StoreError::SurveyNotFound(_))
    ));
    assert!(matches!(
        store.wave("nope"),
        Err(StoreError::WaveNotFound(_))
    ));
    assert_eq!(store.waves().expect("list")[0].status, "open");
}

fn double_entry_is_a_property_of_the_wave(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let single = store.create_wave(&hash, "single").expect("wave");
    let double = store.create_wave(&hash, "double").expect("wave");
    assert!(
        !store.wave(&double).expect("wave").double_entry,
        "off by default"
    );
    store.set_double_entry(&double, true).expect("set in draft");
    let frame = "ref,language,site,age_band,sex\nR-1,fr,H1,70+,F\n";
    let letters = |wave: &str| {
        store
            .import_letter_frame(wave, frame.as_bytes())
            .expect("letters")
            .1
    };
    let (single_letters, double_letters) = (letters(&single), letters(&double));
    store.open_wave(&single).expect("opens");
    store.open_wave(&double).expect("opens");
    let double_entry_of =
        |letter: &vecu_store::Letter| match store.lookup_code(&letter.code).expect("lookup") {
            vecu_store::TokenState::Usable(invitation) => invitation.double_entry,
            other => panic!("the code is usable: {other:?}"),
        };
    assert!(
        double_entry_of(&double_letters[0]),
        "the invitation says so"
    );
    assert!(!double_entry_of(&single_letters[0]));
    let listed: Vec<(String, bool)> = store
        .waves()
        .expect("list")
        .into_iter()
        .map(|wave| (wave.name, wave.double_entry))
        .collect();
    assert!(listed.contains(&("double".to_owned(), true)));
    assert!(listed.contains(&("single".to_owned(), false)));
    // Changed while open, refused once closed.
    store
        .set_double_entry(&double, false)
        .expect("set while open");
    assert!(!double_entry_of(&double_letters[0]));
    store.close_wave(&single).expect("closes");
    let refused = store.set_double_entry(&single, true);
    assert!(
        matches!(&refused, Err(StoreError::WaveState { status, .. }) if status == "closed"),
        "{refused:?}"
    );
    assert!(matches!(
        store.set_double_entry("nope", true),
        Err(StoreError::WaveNotFound(_))
    ));
}

on_both_backends!(api_keys_are_stored_hashed_and_can_be_revoked);

fn api_keys_are_stored_hashed_and_can_be_revoked(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (holder, key) = store
        .create_api_key("Anna (patient partner)", vecu_store::Role::PatientPartner)
        .expect("created");
    assert!(key.starts_with("vecu_") && key.len() == 48, "{key}");
    assert_eq!(
        store.authenticate(&key).expect("lookup"),
        Some(holder.clone())
    );
    assert_eq!(store.authenticate("vecu_wrong").expect("lookup"), None);
    assert!(
        !store
            .raw_rows("api_keys")
            .expect("rows")
            .iter()
            .flatten()
            .any(|cell| cell.contains(&key[5..])),
        "the key is stored in clear"
    );
    assert!(store.revoke_api_key(&holder.id).expect("revoked"));
    assert_eq!(store.authenticate(&key).expect("lookup"), None);
    assert!(!store.revoke_api_key(&holder.id).expect("already revoked"));
}
