//! Patients' comments coded with partners: only after close, scrubbed, in random order, under
//! ids that link to nothing; blind double coding; a flagged comment leaves every output.

use vecu_store::{Backend, ExportOptions, Mode, Role, StoreError};
use vecu_survey::CodingFrame;

use crate::helpers::{example, frame_csv, TestDb};
use crate::on_both_backends;

on_both_backends!(
    disagreements_are_settled_with_who_decided,
    a_quote_reaches_reports_only_with_both_approvals,
    comments_open_after_close_scrubbed_in_random_order_and_unlinked,
    coders_are_blind_until_both_roles_coded,
    a_flagged_comment_leaves_the_outputs_until_cleared
);

fn frame() -> CodingFrame {
    CodingFrame::parse(include_str!("../../../../surveys/coding-frame-cancer.json"))
        .expect("shipped frame")
}

/// A closed wave of the example survey where patient i wrote "Commentaire i" (the first also
/// a phone number), and its comments opened by a researcher.
fn coded_wave(store: &vecu_store::Store, n: usize) -> (String, vecu_store::ApiKey, usize) {
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "comments").expect("wave");
    store
        .import_frame(
            &wave,
            frame_csv(&survey, n, |i| {
                vec![format!("H{}", i % 2 + 1), "70+".into(), "F".into()]
            })
            .as_bytes(),
        )
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let (researcher, _) = store.create_api_key("Rita", Role::Researcher).expect("key");
    let issued = store.issue_tokens(&wave).expect("issued");
    for (i, token) in issued.iter().enumerate() {
        let comment = if i == 0 {
            "Commentaire 0, appelez-moi au 079 555 12 34".to_owned()
        } else {
            format!("Commentaire {i}")
        };
        let response = survey
            .validate(&serde_json::json!({ "surgery": "no", "overall": 8, "comments": comment }))
            .expect("valid");
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submitted");
    }
    // Open, the wave has no comments to code.
    assert!(matches!(
        store.open_comments(&researcher, &wave, &frame()),
        Err(StoreError::WaveState { .. })
    ));
    store.close_wave(&wave).expect("closed");
    let opened = store
        .open_comments(&researcher, &wave, &frame())
        .expect("opened");
    (wave, researcher, opened)
}

/// A partner's key and the wave's comment ids, in their order.
fn partner_and_comments(
    store: &vecu_store::Store,
    wave: &str,
) -> (vecu_store::ApiKey, Vec<String>) {
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let ids = store
        .comments_to_code(&partner, wave)
        .expect("comments")
        .into_iter()
        .map(|c| c.id)
        .collect();
    (partner, ids)
}

fn comments_open_after_close_scrubbed_in_random_order_and_unlinked(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, researcher, opened) = coded_wave(&store, 12);
    assert_eq!(opened, 12);
    let listed = store
        .comments_to_code(&researcher, &wave)
        .expect("comments");
    assert_eq!(listed.len(), 12);
    // Scrubbed.
    assert!(listed
        .iter()
        .any(|c| c.text == "Commentaire 0, appelez-moi au [phone]"));
    assert!(listed.iter().all(|c| !c.text.contains("079")));
    // Site and question only.
    assert!(listed
        .iter()
        .all(|c| c.item == "comments" && (c.site == "H1" || c.site == "H2")));
    // Random order: not the order the patients answered in (12! orders; this one has odds
    // of 1 in 479,001,600 of coming out sorted by chance).
    let numbers: Vec<usize> = listed
        .iter()
        .filter_map(|c| c.text.split([' ', ',']).nth(1)?.parse().ok())
        .collect();
    assert_eq!(numbers.len(), 12);
    assert_ne!(numbers, (0..12).collect::<Vec<_>>());
    // No comment id is a response id, nor an id of any export.
    let export = store
        .export(&wave, &ExportOptions::default())
        .expect("export");
    let response_ids: Vec<String> = store
        .raw_rows("responses")
        .expect("rows")
        .into_iter()
        .filter_map(|row| row.into_iter().next())
        .collect();
    for comment in &listed {
        assert!(!response_ids.contains(&comment.id));
        assert!(!export
            .rows
            .iter()
            .any(|row| format!("{:?}", row[0]).contains(&comment.id)));
    }
    // Once per wave.
    assert!(store.open_comments(&researcher, &wave, &frame()).is_err());
    // Partners may not open a workspace; hospitals and data entry see no comments.
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let (entry, _) = store.create_api_key("Desk", Role::DataEntry).expect("key");
    assert!(matches!(
        store.open_comments(&partner, &wave, &frame()),
        Err(StoreError::NotAllowed(_))
    ));
    assert!(matches!(
        store.comments_to_code(&entry, &wave),
        Err(StoreError::NotAllowed(_))
    ));
}

fn coders_are_blind_until_both_roles_coded(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, researcher, _) = coded_wave(&store, 4);
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let first = store.comments_to_code(&partner, &wave).expect("comments")[0]
        .id
        .clone();
    store
        .code_comment(
            &partner,
            &first,
            &["waiting".to_owned(), "information".to_owned()],
            "negative",
        )
        .expect("coded");
    // The researcher has not coded it: the partner's code is hidden from them.
    let seen = store
        .comments_to_code(&researcher, &wave)
        .expect("comments");
    let comment = seen.iter().find(|c| c.id == first).expect("listed");
    assert!(comment.mine.is_none() && comment.others.is_empty());
    // Nor does the partner see anyone else's.
    let theirs = store.comments_to_code(&partner, &wave).expect("comments");
    let comment = theirs.iter().find(|c| c.id == first).expect("listed");
    assert_eq!(
        comment.mine.as_ref().map(|code| code.themes.clone()),
        Some(vec!["information".to_owned(), "waiting".to_owned()])
    );
    assert!(comment.others.is_empty());
    assert!(store.double_coded(&wave).expect("pairs").is_empty());

    store
        .code_comment(&researcher, &first, &["waiting".to_owned()], "mixed")
        .expect("coded");
    for (key, other) in [(&researcher, "Paul"), (&partner, "Rita")] {
        let seen = store.comments_to_code(key, &wave).expect("comments");
        let comment = seen.iter().find(|c| c.id == first).expect("listed");
        assert_eq!(comment.others.len(), 1);
        assert_eq!(comment.others[0].coder, other);
    }
    let pairs = store
        .acting_as(&researcher)
        .double_coded(&wave)
        .expect("pairs");
    assert_eq!(pairs.len(), 1);
    assert_eq!(pairs[0].researcher.tone, "mixed");
    assert_eq!(pairs[0].partner.themes, ["information", "waiting"]);

    // A theme outside the frame or an unknown tone is refused; a theme added to the frame
    // (a new version in its history) is then accepted.
    assert!(store
        .code_comment(&partner, &first, &["parking".to_owned()], "negative")
        .is_err());
    assert!(store
        .code_comment(&partner, &first, &["waiting".to_owned()], "furious")
        .is_err());
    let parking = vecu_survey::Theme {
        id: "parking".to_owned(),
        label: [
            ("fr", "Parking"),
            ("de", "Parkplatz"),
            ("it", "Parcheggio"),
            ("en", "Parking"),
        ]
        .into_iter()
        .map(|(lang, label)| (lang.to_owned(), label.to_owned()))
        .collect(),
        description: Default::default(),
        examples: vec![],
    };
    assert_eq!(
        store
            .edit_theme(&partner, &wave, &parking, false)
            .expect("added"),
        1
    );
    store
        .code_comment(&partner, &first, &["parking".to_owned()], "negative")
        .expect("coded");
    let order: Vec<String> = store
        .acting_as(&partner)
        .coding_frame(&wave)
        .expect("frame")
        .into_iter()
        .map(|theme| theme.id)
        .collect();
    let shipped: Vec<String> = frame().themes.into_iter().map(|theme| theme.id).collect();
    assert_eq!(
        order[..shipped.len()],
        shipped[..],
        "the shipped order, the new theme last"
    );
    assert_eq!(order.last().map(String::as_str), Some("parking"));
    let history = store
        .acting_as(&partner)
        .theme_history(&wave)
        .expect("history");
    assert!(history
        .iter()
        .any(|v| v.theme.id == "parking" && v.changed_by == "Paul"));
    assert_eq!(
        store
            .edit_theme(&researcher, &wave, &parking, true)
            .expect("retired"),
        2
    );
    assert!(!store
        .acting_as(&partner)
        .coding_frame(&wave)
        .expect("frame")
        .iter()
        .any(|theme| theme.id == "parking"));
}

fn a_flagged_comment_leaves_the_outputs_until_cleared(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, researcher, _) = coded_wave(&store, 3);
    let (partner, ids) = partner_and_comments(&store, &wave);
    for id in &ids {
        for key in [&researcher, &partner] {
            store
                .code_comment(key, id, &["information".to_owned()], "positive")
                .expect("coded");
        }
    }
    let pairs = |store: &vecu_store::Store| {
        store
            .acting_as(&researcher)
            .double_coded(&wave)
            .expect("pairs")
            .len()
    };
    assert_eq!(pairs(&store), 3);
    store
        .flag_comment(&partner, &ids[0], "names the nurse on night shift")
        .expect("flagged");
    assert_eq!(pairs(&store), 2, "out of every output while pending");
    assert!(matches!(
        store.review_flag(&partner, &ids[0], true),
        Err(StoreError::NotAllowed(_))
    ));
    store
        .review_flag(&researcher, &ids[0], true)
        .expect("cleared");
    assert_eq!(pairs(&store), 3);
    store
        .flag_comment(&partner, &ids[1], "rare diagnosis")
        .expect("flagged");
    store
        .review_flag(&researcher, &ids[1], false)
        .expect("withdrawn");
    assert_eq!(pairs(&store), 2);
    assert_eq!(
        store
            .comments_to_code(&partner, &wave)
            .expect("comments")
            .len(),
        2
    );
}

fn a_quote_reaches_reports_only_with_both_approvals(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, researcher, _) = coded_wave(&store, 3);
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let comments = store.comments_to_code(&partner, &wave).expect("comments");
    let phone = comments
        .iter()
        .find(|c| c.text.contains("[phone]"))
        .expect("the scrubbed comment");
    // Words not in the comment are no quote.
    assert!(matches!(
        store.propose_quote(&partner, &phone.id, ("Tout était parfait", "fr")),
        Err(StoreError::Incomplete(_))
    ));
    let quote = store
        .propose_quote(&partner, &phone.id, ("Commentaire 0", "fr"))
        .expect("proposed");
    let report_view = |store: &vecu_store::Store| {
        store
            .acting_as(&researcher)
            .quotes(&wave, true)
            .expect("quotes")
            .len()
    };
    assert_eq!(report_view(&store), 0, "no approval yet");
    store
        .approve_quote(&partner, &quote)
        .expect("partner approves");
    assert_eq!(report_view(&store), 0, "a partner alone is not enough");
    store
        .approve_quote(&researcher, &quote)
        .expect("researcher approves");
    assert_eq!(report_view(&store), 1);
    let shown = &store
        .acting_as(&partner)
        .quotes(&wave, true)
        .expect("quotes")[0];
    assert_eq!(
        (shown.partner.as_deref(), shown.researcher.as_deref()),
        (Some("Paul"), Some("Rita"))
    );
    // Flagged, the quote leaves the reports; withdrawn, it leaves the bank too.
    store
        .flag_comment(&researcher, &phone.id, "the shift is identifying")
        .expect("flagged");
    assert_eq!(report_view(&store), 0);
    assert_eq!(
        store
            .acting_as(&partner)
            .quotes(&wave, false)
            .expect("bank")
            .len(),
        1
    );
    assert!(store
        .propose_quote(&partner, &phone.id, ("Commentaire", "fr"))
        .is_err());
    store
        .review_flag(&researcher, &phone.id, false)
        .expect("withdrawn");
    assert!(store
        .acting_as(&partner)
        .quotes(&wave, false)
        .expect("bank")
        .is_empty());
    // Hospitals read no quote bank.
    let (hospital, _) = store
        .create_hospital_key("Quality", &["H1".to_owned()])
        .expect("key");
    assert!(matches!(
        store.acting_as(&hospital).quotes(&wave, true),
        Err(StoreError::NotAllowed(_))
    ));
}

fn disagreements_are_settled_with_who_decided(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (wave, researcher, _) = coded_wave(&store, 3);
    let (partner, ids) = partner_and_comments(&store, &wave);
    let code = |key, id: &String, themes: &[&str], tone| {
        let themes: Vec<String> = themes.iter().map(|t| (*t).to_owned()).collect();
        store.code_comment(key, id, &themes, tone).expect("coded");
    };
    // Alike on the first, different on the second, the third coded once.
    code(&researcher, &ids[0], &["waiting"], "negative");
    code(&partner, &ids[0], &["waiting"], "negative");
    code(&researcher, &ids[1], &["waiting"], "negative");
    code(&partner, &ids[1], &["waiting", "communication"], "negative");
    code(&partner, &ids[2], &["information"], "positive");
    let reader = store.acting_as(&researcher);
    let open = reader.disagreements(&wave).expect("disagreements");
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].comment, ids[1]);
    let finals = reader.final_codes(&wave).expect("final");
    assert_eq!(finals.len(), 1, "only the comment both coded alike");
    assert_eq!(finals[0].comment, ids[0]);

    assert!(matches!(
        store.settle_comment(
            &partner,
            &ids[1],
            (&["waiting".to_owned()], "negative"),
            " "
        ),
        Err(StoreError::Incomplete(_))
    ));
    store
        .settle_comment(
            &partner,
            &ids[1],
            (
                &["communication".to_owned(), "waiting".to_owned()],
                "negative",
            ),
            "The waiting was about not being told why.",
        )
        .expect("settled");
    assert!(reader.disagreements(&wave).expect("none left").is_empty());
    let finals = reader.final_codes(&wave).expect("final");
    let settled = finals
        .iter()
        .find(|f| f.comment == ids[1])
        .expect("settled");
    assert_eq!(settled.themes, ["communication", "waiting"]);
    assert_eq!(settled.settled_by.as_deref(), Some("Paul"));
}
