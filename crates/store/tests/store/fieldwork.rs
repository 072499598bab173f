//! Tokens, statuses, drafts, reminders and closing.

use serde_json::json;
use vecu_store::{Backend, StoreError, TokenState};

use crate::helpers::{example, open_wave, responses, survey_text, TestDb};
use crate::on_both_backends;

on_both_backends!(
    tokens_are_issued_once_and_looked_up_by_hash,
    statuses_follow_the_patient,
    drafts_save_and_resume,
    reminders_skip_those_who_answered_or_left,
    closing_erases_contacts_and_keeps_counts,
    sites_are_counted_by_the_unit_of_comparison,
    earlier_waves_are_the_closed_ones_of_the_same_survey
);

/// A wave's earlier waves, for changes and trends: closed, of the same survey in any version,
/// oldest first; never itself, an open one, or another survey's.
fn earlier_waves_are_the_closed_ones_of_the_same_survey(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let first = open_wave(&store, &survey, &text, 3);
    store.close_wave(&first).expect("closed");
    // A later version of the same survey.
    let mut definition: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    definition["version"] = "2.0".into();
    let text_2 = definition.to_string();
    let version_2 = vecu_survey::load_str(&text_2).expect("valid");
    let second = open_wave(&store, &version_2, &text_2, 3);
    store.close_wave(&second).expect("closed");
    let still_open = open_wave(&store, &survey, &text, 3);
    let (cancer, cancer_text) = crate::helpers::cancer();
    let other_survey = open_wave(&store, &cancer, &cancer_text, 3);
    store.close_wave(&other_survey).expect("closed");
    let current = open_wave(&store, &version_2, &text_2, 3);
    let ids = |wave: &str| -> Vec<String> {
        store
            .earlier_waves(wave)
            .expect("earlier waves")
            .into_iter()
            .map(|info| info.id.to_string())
            .collect()
    };
    let mut expected = vec![first.to_string(), second.to_string()];
    expected.sort();
    let mut found = ids(&current);
    found.sort();
    assert_eq!(found, expected);
    assert!(!found.contains(&still_open.to_string()));
    assert_eq!(ids(&other_survey), Vec::<String>::new());
}

fn tokens_are_issued_once_and_looked_up_by_hash(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 12);
    let issued = store.issue_tokens(&wave).expect("issued");
    assert_eq!(issued.len(), 12);
    assert!(
        store.issue_tokens(&wave).expect("second call").is_empty(),
        "tokens are issued once"
    );
    let mut distinct: Vec<&str> = issued.iter().map(|t| t.token.as_str()).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 12);
    assert_eq!(issued[0].email, "patient0@example.org");
    for token in &issued {
        match store.lookup_token(&token.token).expect("lookup") {
            TokenState::Usable(invitation) => {
                assert_eq!(invitation.id, token.invitation);
                assert_eq!(invitation.language, token.language);
            }
            other => panic!("fresh token not usable: {other:?}"),
        }
    }
    assert_eq!(
        store.lookup_token("not a token").expect("lookup"),
        TokenState::Unknown
    );
    assert_eq!(
        store
            .lookup_token("AAAAAAAAAAAAAAAAAAAAAA")
            .expect("lookup"),
        TokenState::Unknown
    );
    let vault: Vec<String> = ["invitations", "contacts"]
        .iter()
        .flat_map(|t| store.raw_rows(t).expect("rows"))
        .flatten()
        .collect();
    for token in &issued {
        assert!(
            !vault.iter().any(|cell| cell.contains(&token.token)),
            "a token is stored in clear"
        );
        assert!(
            !vault.iter().any(|cell| cell.contains(&token.email)),
            "an e-mail address is stored in clear"
        );
    }
}

fn statuses_follow_the_patient(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 4);
    let issued = store.issue_tokens(&wave).expect("issued");
    store.record_opened(&issued[0].invitation).expect("opened");
    assert_eq!(
        store
            .invitation(&issued[0].invitation)
            .expect("found")
            .status,
        "opened"
    );
    store.opt_out(&issued[1].invitation).expect("opted out");
    assert_eq!(
        store.lookup_token(&issued[1].token).expect("lookup"),
        TokenState::OptedOut
    );
    let response = &responses(&survey, 1, 3)[0];
    assert!(
        matches!(
            store.submit(&issued[1].invitation, response, vecu_store::Mode::WebLink),
            Err(StoreError::InvitationState { .. })
        ),
        "opting out is final"
    );
    store
        .record_undeliverable(&issued[2].invitation)
        .expect("bounced");
    let status = store.wave_status_now(&wave).expect("status");
    assert_eq!(status.overall.by_status.get("undeliverable"), Some(&1));
    assert_eq!(status.overall.by_status.get("opted_out"), Some(&1));
    assert!(matches!(
        store.record_opened("no-such-invitation"),
        Err(StoreError::InvitationNotFound(_))
    ));
}

fn drafts_save_and_resume(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 2);
    let issued = store.issue_tokens(&wave).expect("issued");
    let id = &issued[0].invitation;
    assert_eq!(store.draft(id).expect("no draft"), None);
    store
        .save_draft(id, 0, &json!({ "surgery": "yes" }))
        .expect("saved");
    store
        .save_draft(id, 1, &json!({ "surgery": "no", "overall": 7 }))
        .expect("replaced");
    let vault = store.raw_rows("drafts").expect("rows");
    assert!(
        !vault.iter().flatten().any(|cell| cell.contains("surgery")),
        "drafts are sealed like contacts"
    );
    assert_eq!(
        store.draft(id).expect("draft"),
        Some((1, json!({ "surgery": "no", "overall": 7 })))
    );
    let response = survey
        .validate(&json!({ "surgery": "no", "overall": 7 }))
        .expect("valid");
    store
        .submit(id, &response, vecu_store::Mode::WebLink)
        .expect("submitted");
    assert_eq!(
        store.draft(id).expect("gone"),
        None,
        "submission drops the draft"
    );
    assert!(matches!(
        store.save_draft(id, 1, &json!({})),
        Err(StoreError::InvitationState { .. })
    ));
}

fn reminders_skip_those_who_answered_or_left(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 7);
    let issued = store.issue_tokens(&wave).expect("issued");
    // A mail-out interrupted after five messages: the sixth and seventh are still to mail.
    for token in &issued[..5] {
        store
            .record_mailing(&token.invitation, vecu_store::Mailing::Invitation)
            .expect("mailed");
    }
    let mut unmailed: Vec<String> = store
        .invitations_to_mail(&wave)
        .expect("to mail")
        .into_iter()
        .map(|t| t.invitation)
        .collect();
    unmailed.sort();
    let mut expected_unmailed = vec![issued[5].invitation.clone(), issued[6].invitation.clone()];
    expected_unmailed.sort();
    assert_eq!(
        unmailed, expected_unmailed,
        "an interrupted mail-out resumes with exactly the unmailed ones"
    );
    let response = &responses(&survey, 1, 5)[0];
    store
        .submit(&issued[0].invitation, response, vecu_store::Mode::WebLink)
        .expect("submitted");
    store.opt_out(&issued[1].invitation).expect("opted out");
    store
        .record_undeliverable(&issued[2].invitation)
        .expect("bounced");
    store.record_opened(&issued[3].invitation).expect("opened");
    assert!(
        store.reminders_due(&wave, 14, 3).expect("due").is_empty(),
        "invited today: nobody is due after 14 days"
    );
    assert!(
        matches!(
            store.reminders_due(&wave, 0, 3),
            Err(vecu_store::StoreError::BelowFloor { floor: 7, .. })
        ),
        "a reminder run at will would count who answered in between"
    );
    store.backdate_contacts(&wave, 14).expect("two weeks later");
    let due = store.reminders_due(&wave, 14, 3).expect("due");
    let mut due_ids: Vec<&str> = due.iter().map(|d| d.invitation.as_str()).collect();
    due_ids.sort();
    // Never the submitted, opted out, undeliverable, or not yet mailed.
    let mut expected: Vec<&str> = issued[3..5].iter().map(|t| t.invitation.as_str()).collect();
    expected.sort();
    assert_eq!(due_ids, expected);
    let reminder = due
        .iter()
        .find(|d| d.invitation == issued[4].invitation)
        .expect("due");
    assert_eq!(
        reminder.token, issued[4].token,
        "the reminder carries the same personal link"
    );
    store
        .record_mailing(&issued[4].invitation, vecu_store::Mailing::Reminder)
        .expect("recorded");
    store.backdate_contacts(&wave, 14).expect("two weeks later");
    assert_eq!(
        store.reminders_due(&wave, 14, 2).expect("due").len(),
        1,
        "two mailings are the maximum asked for"
    );
}

fn closing_erases_contacts_and_keeps_counts(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 9);
    let issued = store.issue_tokens(&wave).expect("issued");
    for (token, response) in issued.iter().take(4).zip(responses(&survey, 4, 8)) {
        store
            .submit(&token.invitation, &response, vecu_store::Mode::WebLink)
            .expect("submitted");
    }
    store
        .save_draft(&issued[5].invitation, 0, &json!({ "surgery": "yes" }))
        .expect("draft");
    store
        .record_undeliverable(&issued[6].invitation)
        .expect("bounced");
    let before = store.wave_status_now(&wave).expect("status");
    let summary = store.close_wave(&wave).expect("closed");
    assert_eq!(summary.contacts_erased, 9);
    for table in ["contacts", "invitations", "contact_events", "drafts"] {
        assert!(
            store.raw_rows(table).expect("rows").is_empty(),
            "{table} still holds rows"
        );
    }
    let after = store.wave_status_now(&wave).expect("status after close");
    assert_eq!(
        after.overall.by_status, before.overall.by_status,
        "aggregate counts survive the erase"
    );
    assert_eq!(after.overall.response_rate, before.overall.response_rate);
    assert_eq!(
        after.overall.response_rate,
        Some(4.0 / 8.0),
        "4 submitted of 9 invited, 1 undeliverable"
    );
    assert_eq!(after.responses, 4);
    assert_eq!(
        store.lookup_token(&issued[7].token).expect("lookup"),
        TokenState::Unknown
    );
    assert!(matches!(
        store.close_wave(&wave),
        Err(StoreError::WaveState { .. })
    ));
}

/// Sites are the values of the frame variable marked as the unit of comparison, whatever its
/// id; a definition that marks none counts by a variable called `site`, as before the mark.
fn sites_are_counted_by_the_unit_of_comparison(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let base: serde_json::Value = serde_json::from_str(&survey_text("example.json")).expect("JSON");
    let cases = [
        ("1.1", "hospital", true, ["H1", "H2", "H3"].as_slice()),
        ("1.2", "site", false, ["H1", "H2", "H3"].as_slice()),
        ("1.3", "hospital", false, ["all"].as_slice()),
    ];
    for (version, id, marked, sites) in cases {
        let mut definition = base.clone();
        definition["version"] = version.into();
        definition["frame"][0]["id"] = id.into();
        definition["frame"][0]["comparison_unit"] = marked.into();
        let text = definition.to_string();
        let survey = vecu_survey::load_str(&text).expect("valid");
        let wave = open_wave(&store, &survey, &text, 9);
        let issued = store.issue_tokens(&wave).expect("issued");
        // Patients cycle through the sites, three each; four answer. Each site's count is the
        // same whether its patients are still contacts or already responses.
        for (token, response) in issued.iter().take(4).zip(responses(&survey, 4, 5)) {
            store
                .submit(&token.invitation, &response, vecu_store::Mode::WebLink)
                .expect("submitted");
        }
        let open = store.wave_status_now(&wave).expect("status");
        store.close_wave(&wave).expect("closed");
        let closed = store.wave_status_now(&wave).expect("status after close");
        for status in [open, closed] {
            let counted: Vec<(&str, i64)> = status
                .sites
                .iter()
                .map(|site| (site.site.as_str(), site.by_status.values().sum()))
                .collect();
            let expected: Vec<(&str, i64)> = sites
                .iter()
                .map(|site| (*site, 9 / sites.len() as i64))
                .collect();
            assert_eq!(status.overall.by_status.get("submitted"), Some(&4));
            assert_eq!(counted, expected, "{id}, marked: {marked}");
        }
    }
}
