//! Hospital keys: bound to their sites, refused everything else by the store itself.

use vecu_store::{Backend, ExportOptions, NewReport, Role, StoreError};

use crate::helpers::{example, open_wave, TestDb};
use crate::on_both_backends;

on_both_backends!(
    a_hospital_key_is_bound_to_its_sites,
    a_hospital_key_reads_its_own_sites_results_only,
    a_hospital_key_gets_no_microdata_no_contacts_no_drafts,
    the_ledger_and_co_design_comments_are_the_co_authors_until_published
);

/// Who took part, for how long, and what partners said of each question belong to the
/// co-authors; a hospital or data-entry key reads the ledger only once a report of the wave is
/// published (the report credits it), and the co-design comments never.
fn the_ledger_and_co_design_comments_are_the_co_authors_until_published(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 3);
    let hash = store.wave(&wave).expect("wave").survey_hash;
    let (researcher, _) = store.create_api_key("Rita", Role::Researcher).expect("key");
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let (hospital, _) = store
        .create_hospital_key("Quality", &["H1".to_owned()])
        .expect("key");
    let (entry, _) = store.create_api_key("Desk", Role::DataEntry).expect("key");
    let line = vecu_store::Contribution {
        id: String::new(),
        wave: wave.clone(),
        person: "Paul".to_owned(),
        role: "patient_partner".to_owned(),
        activity: vecu_store::ACTIVITIES[0].to_owned(),
        minutes: 90,
        on_date: "2027-03-01".to_owned(),
        recorded_by: String::new(),
    };
    store
        .record_contribution(&partner, &line)
        .expect("recorded");
    store
        .comment_item(&partner, &hash, "overall", "Say 'care' plainly")
        .expect("commented");
    for key in [&researcher, &partner] {
        let co_author = store.acting_as(key);
        assert_eq!(co_author.contributions(&wave).expect("ledger").len(), 1);
        assert_eq!(co_author.item_comments(&hash).expect("comments").len(), 1);
    }
    for key in [&hospital, &entry] {
        let outsider = store.acting_as(key);
        refused(outsider.contributions(&wave));
        refused(outsider.item_comments(&hash));
    }
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::NotAllowed(_))),
        "{result:?}"
    );
}

fn a_hospital_key_is_bound_to_its_sites(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let sites = vec!["H02".to_owned(), " H01 ".to_owned(), "H02".to_owned()];
    let (holder, key) = store
        .create_hospital_key("Quality, Hôpital 1", &sites)
        .expect("created");
    assert_eq!(holder.role, Role::Hospital);
    assert_eq!(holder.sites, ["H01", "H02"], "trimmed, sorted, once each");
    let found = store.authenticate(&key).expect("read").expect("valid");
    assert_eq!(found, holder);
    assert_eq!(
        store.key_holder(&holder.id).expect("read"),
        Some(holder.clone())
    );
    // Without sites, or as a plain role, no hospital key.
    refused(store.create_hospital_key("nobody", &[]));
    refused(store.create_hospital_key("blank", &["  ".to_owned()]));
    refused(store.create_api_key("unbound", Role::Hospital));
    // Revoked: gone at once.
    assert!(store.revoke_api_key(&holder.id).expect("revoked"));
    assert_eq!(store.authenticate(&key).expect("read"), None);
}

fn a_hospital_key_reads_its_own_sites_results_only(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 12);
    let sites: Vec<String> = store
        .wave_status(&wave)
        .expect("status")
        .sites
        .iter()
        .map(|site| site.site.clone())
        .collect();
    assert!(sites.len() >= 2, "{sites:?}");
    let released: Vec<(String, String)> = sites
        .iter()
        .map(|site| (site.clone(), format!("{{\"site\":\"{site}\"}}")))
        .collect();
    let (hospital, _) = store
        .create_hospital_key("Quality", &sites[..1])
        .expect("created");
    let as_hospital = store.acting_as(&hospital);
    // Only researchers release.
    refused(as_hospital.release_site_results(&wave, &released));
    store
        .release_site_results(&wave, &released)
        .expect("released");
    assert_eq!(
        as_hospital.site_results(&wave, &sites[0]).expect("own"),
        released[0].1
    );
    assert_eq!(
        as_hospital.released_sites(&wave).expect("listed"),
        [sites[0].clone()]
    );
    // Another site: refused, released or not, as an unknown one.
    refused(as_hospital.site_results(&wave, &sites[1]));
    refused(as_hospital.site_results(&wave, "H99"));
    assert!(matches!(
        store.site_results(&wave, "H99"),
        Err(StoreError::SiteResultsNotFound { .. })
    ));
    // Counts: the whole wave and its own site, no other site.
    let status = as_hospital.wave_status(&wave).expect("status");
    let seen: Vec<&str> = status.sites.iter().map(|site| site.site.as_str()).collect();
    assert_eq!(seen, [sites[0].as_str()]);
    assert!(status.paper.is_empty());
    // Researchers and partners see every released site.
    let (partner, _) = store
        .create_api_key("Anna", Role::PatientPartner)
        .expect("partner");
    assert_eq!(
        store
            .acting_as(&partner)
            .released_sites(&wave)
            .expect("listed"),
        sites
    );
}

fn a_hospital_key_gets_no_microdata_no_contacts_no_drafts(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 12);
    let (hospital, _) = store
        .create_hospital_key("Quality", &["H01".to_owned()])
        .expect("created");
    let as_hospital = store.acting_as(&hospital);
    refused(as_hospital.issue_tokens(&wave));
    refused(as_hospital.reminders_due(&wave, 14, 3));
    store.close_wave(&wave).expect("closed");
    refused(as_hospital.export(&wave, &ExportOptions::default()));
    refused(as_hospital.export_for_analysis(&wave));
    // A report in draft is not found; co-authoring is refused.
    let (researcher, _) = store
        .create_api_key("Rita", Role::Researcher)
        .expect("researcher");
    let findings = vec!["response_rates".to_owned()];
    let report = store
        .create_report(
            &researcher,
            &NewReport {
                wave: &wave,
                title: "Report",
                lang: "fr",
                findings_json: "[]",
                finding_ids: &findings,
                methods_json: "{}",
                required_researchers: 1,
                required_partners: 1,
            },
        )
        .expect("report");
    assert!(matches!(
        as_hospital.report(&report),
        Err(StoreError::ReportNotFound(_))
    ));
    assert!(as_hospital
        .reports_of_wave(&wave)
        .expect("listed")
        .is_empty());
    assert_eq!(
        store.reports_of_wave(&wave).expect("listed"),
        vec![report.clone()]
    );
    refused(as_hospital.add_block(
        &hospital,
        &report,
        "response_rates",
        "interpretation",
        "text",
    ));
}
