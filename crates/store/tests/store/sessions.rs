//! Sessions, failed look-ups and shared secrets in the database: what any instance reads, what
//! a copy of the database does not give away, and when each goes.

use std::net::IpAddr;

use vecu_store::{
    Asker, Backend, Mode, PatientSession, Role, Session, StaffSession, TeamSession, LOOKUP_WINDOW,
    SESSION_IDLE,
};

use crate::helpers::{example, open_wave, responses, TestDb};
use crate::on_both_backends;

on_both_backends!(
    sessions_are_found_by_their_cookie_id_alone_and_end_when_idle,
    a_patients_session_goes_with_the_submission_and_the_close,
    staff_sessions_end_with_their_key,
    failed_look_ups_count_per_asker_without_naming_them,
    every_instance_shares_the_csrf_secret,
);

fn patient(invitation: &str) -> Session {
    Session::Patient(PatientSession {
        invitation: invitation.to_owned(),
        lang: "fr".to_owned(),
        mode: Mode::WebLink,
    })
}

fn sessions_are_found_by_their_cookie_id_alone_and_end_when_idle(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 2);
    let issued = store.issue_tokens(&wave).expect("issued");
    let id = store
        .start_session(&patient(&issued[0].invitation))
        .expect("started");
    assert_eq!(id.len(), 32, "128 random bits");
    // Another process on the same database finds it.
    let other = db.store();
    let found = other.patient_session(&id).expect("read").expect("live");
    assert_eq!(
        (found.invitation.as_str(), found.lang.as_str(), found.mode),
        (issued[0].invitation.as_str(), "fr", Mode::WebLink)
    );
    other.set_session_lang(&id, "de").expect("changed");
    assert_eq!(
        store
            .patient_session(&id)
            .expect("read")
            .expect("live")
            .lang,
        "de"
    );
    // A patient's id opens no other kind of session, and no id is stored in clear.
    assert_eq!(store.team_session(&id).expect("read"), None);
    assert_eq!(store.staff_session(&id).expect("read"), None);
    let rows = store.raw_rows("sessions").expect("rows");
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].iter().any(|cell| cell.contains(&id)), "{rows:?}");
    // A request within the idle time keeps it alive; past it, the session is over.
    let idle = SESSION_IDLE.as_secs() as i64;
    store.age_sessions_and_lookups(idle - 60).expect("aged");
    assert!(store.patient_session(&id).expect("read").is_some());
    store.age_sessions_and_lookups(idle - 60).expect("aged");
    assert!(
        store.patient_session(&id).expect("read").is_some(),
        "the last request refreshed it"
    );
    store.age_sessions_and_lookups(idle + 1).expect("aged");
    assert_eq!(store.patient_session(&id).expect("read"), None);
    // The next session started sweeps the idle ones away.
    store
        .start_session(&patient(&issued[1].invitation))
        .expect("started");
    assert_eq!(store.raw_rows("sessions").expect("rows").len(), 1);
    store.end_session(&id).expect("ended");
}

fn a_patients_session_goes_with_the_submission_and_the_close(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 4);
    let issued = store.issue_tokens(&wave).expect("issued");
    let answering = store
        .start_session(&patient(&issued[0].invitation))
        .expect("started");
    let opting_out = store
        .start_session(&patient(&issued[1].invitation))
        .expect("started");
    let left_open = store
        .start_session(&patient(&issued[2].invitation))
        .expect("started");
    let (clerk, _) = store.create_api_key("Clerk", Role::DataEntry).expect("key");
    let keying = store
        .start_session(&Session::Staff(StaffSession {
            key: clerk.clone(),
            current: Some(issued[3].invitation.clone()),
            lang: None,
        }))
        .expect("started");
    store
        .submit(
            &issued[0].invitation,
            &responses(&survey, 1, 3)[0],
            Mode::WebLink,
        )
        .expect("submitted");
    assert_eq!(store.patient_session(&answering).expect("read"), None);
    store.opt_out(&issued[1].invitation).expect("opted out");
    assert_eq!(store.patient_session(&opting_out).expect("read"), None);
    assert!(store.patient_session(&left_open).expect("read").is_some());
    // Close erases the vault: the open patient session goes, the clerk's stays without the
    // questionnaire, and no row names an invitation any more.
    store.close_wave(&wave).expect("closed");
    assert_eq!(store.patient_session(&left_open).expect("read"), None);
    let staff = store.staff_session(&keying).expect("read").expect("live");
    assert_eq!((staff.key, staff.current), (clerk, None));
    let rows = store.raw_rows("sessions").expect("rows");
    assert_eq!(rows.len(), 1);
    for invitation in &issued {
        assert!(
            !rows[0].iter().any(|cell| cell == &invitation.invitation),
            "{rows:?}"
        );
    }
}

fn staff_sessions_end_with_their_key(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (partner, _) = store
        .create_api_key("Claire", Role::PatientPartner)
        .expect("key");
    let id = store
        .start_session(&Session::Team(TeamSession {
            key: partner.clone(),
            lang: "it".to_owned(),
        }))
        .expect("started");
    let found = store.team_session(&id).expect("read").expect("live");
    assert_eq!((found.key, found.lang.as_str()), (partner.clone(), "it"));
    assert!(store.revoke_api_key(&partner.id).expect("revoked"));
    assert_eq!(store.team_session(&id).expect("read"), None);
    assert!(
        store.raw_rows("sessions").expect("rows").is_empty(),
        "the revoked key's session is gone"
    );
}

fn failed_look_ups_count_per_asker_without_naming_them(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let other_instance = db.store();
    let client: IpAddr = [198, 51, 100, 7].into();
    let neighbour: IpAddr = [198, 51, 100, 8].into();
    for failure in 0..3 {
        assert!(
            store
                .lookup_allowed(Asker::Address(client), 3)
                .expect("asked"),
            "failure {failure}"
        );
        // Instances take turns: they count together.
        let counting = if failure % 2 == 0 {
            &store
        } else {
            &other_instance
        };
        counting
            .lookup_failed(Asker::Address(client))
            .expect("counted");
    }
    assert!(!store
        .lookup_allowed(Asker::Address(client), 3)
        .expect("asked"));
    assert!(store
        .lookup_allowed(Asker::Address(neighbour), 3)
        .expect("asked"));
    assert!(
        store.lookup_allowed(Asker::Key("key-a"), 3).expect("asked"),
        "a key is counted apart from addresses"
    );
    // The same IPv4 client seen through an IPv6 socket is the same asker.
    let mapped: IpAddr = "::ffff:198.51.100.7".parse().expect("address");
    assert!(!store
        .lookup_allowed(Asker::Address(mapped), 3)
        .expect("asked"));
    // The database holds neither the address nor anything that gives it without the key.
    for table in ["lookup_failures", "service_secrets"] {
        let rows = store.raw_rows(table).expect("rows");
        assert!(
            !rows
                .iter()
                .flatten()
                .any(|cell| cell.contains("198.51.100")),
            "{table}: {rows:?}"
        );
    }
    assert_eq!(store.raw_rows("lookup_failures").expect("rows").len(), 3);
    // Out of the window, the client may try again, and the old failures go with the next.
    store
        .age_sessions_and_lookups(LOOKUP_WINDOW.as_secs() as i64)
        .expect("aged");
    assert!(store
        .lookup_allowed(Asker::Address(client), 3)
        .expect("asked"));
    store
        .lookup_failed(Asker::Address(neighbour))
        .expect("counted");
    assert_eq!(store.raw_rows("lookup_failures").expect("rows").len(), 1);
}

fn every_instance_shares_the_csrf_secret(backend: Backend) {
    let db = TestDb::new(backend);
    let first = db.store().csrf_secret().expect("secret");
    assert_eq!(db.store().csrf_secret().expect("secret"), first);
    assert_ne!(
        TestDb::new(backend).store().csrf_secret().expect("secret"),
        first,
        "each deployment has its own"
    );
    assert!(db
        .store()
        .migrations_current(std::time::Duration::from_secs(2))
        .expect("answers"));
}
