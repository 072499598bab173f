//! Co-design proposals: partners and researchers propose, researchers decide; an accepted
//! proposal stores a new version that passes the check, a declined one stores nothing, and the
//! history credits everyone who took part in the ledger of the waves that field the result.

use std::collections::BTreeMap;

use vecu_store::{Backend, Decision, ProposalState, Role, StoreError};
use vecu_survey::ItemChange;

use crate::helpers::{example, open_wave, TestDb};
use crate::on_both_backends;

on_both_backends!(
    an_accepted_proposal_makes_a_new_version_and_credits_its_authors,
    a_declined_or_broken_proposal_stores_no_version,
    only_researchers_decide_and_only_co_authors_take_part
);

fn reword(lang: &str, text: &str) -> ItemChange {
    ItemChange::Reword {
        text: BTreeMap::from([(lang.to_owned(), text.to_owned())]),
    }
}

fn an_accepted_proposal_makes_a_new_version_and_credits_its_authors(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let (researcher, _) = store.create_api_key("Rita", Role::Researcher).expect("key");
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let proposal = store
        .propose(
            &partner,
            &hash,
            "overall",
            &reword("fr", "Dans l'ensemble, comment notez-vous vos soins ?"),
            "« Évaluer » fait peur ; « noter » est plus simple.",
        )
        .expect("proposed");
    store
        .comment_proposal(&researcher, &proposal, "D'accord, plus court.")
        .expect("commented");
    let before = store.surveys().expect("versions").len();
    let new_hash = store
        .decide_proposal(&researcher, &proposal, Decision::Accept, "Plus clair.")
        .expect("accepted")
        .expect("a new version");
    let versions = store.surveys().expect("versions");
    assert_eq!(versions.len(), before + 1);
    let new = store.survey(&new_hash).expect("loads: passes the check");
    assert_eq!(new.version, "1.1");
    let fr = vecu_survey::Lang::parse("fr").expect("tag");
    assert_eq!(
        new.item("overall").expect("item").text.get(&fr),
        "Dans l'ensemble, comment notez-vous vos soins ?"
    );
    // The version it was made on is unchanged.
    assert_eq!(store.survey(&hash).expect("old").hash, survey.hash);

    let history = store
        .acting_as(&partner)
        .proposals(&new_hash)
        .expect("history");
    assert_eq!(history.len(), 1, "proposals on every version of the survey");
    let decided = &history[0];
    assert_eq!(decided.state, ProposalState::Accepted);
    assert_eq!(decided.author, "Paul");
    assert_eq!(decided.decided_by.as_deref(), Some("Rita"));
    assert_eq!(decided.decision_reason.as_deref(), Some("Plus clair."));
    assert_eq!(decided.new_survey.as_deref(), Some(new_hash.as_str()));
    assert_eq!(decided.comments.len(), 1);
    // Decided once.
    assert!(matches!(
        store.decide_proposal(&researcher, &proposal, Decision::Decline, "no"),
        Err(StoreError::ProposalDecided(_))
    ));
    assert!(matches!(
        store.comment_proposal(&partner, &proposal, "late"),
        Err(StoreError::ProposalDecided(_))
    ));

    // A wave fielding the new version credits the proposer and the commenter.
    let wave = open_wave(&store, &new, &store_definition(&store, &new_hash), 3);
    let ledger = store
        .acting_as(&researcher)
        .contributions(&wave)
        .expect("ledger");
    let people: Vec<(&str, &str)> = ledger
        .iter()
        .map(|line| (line.person.as_str(), line.activity.as_str()))
        .collect();
    assert!(
        people.contains(&("Paul", "questionnaire_co_design")),
        "{people:?}"
    );
    assert!(
        people.contains(&("Rita", "questionnaire_co_design")),
        "{people:?}"
    );
}

fn store_definition(store: &vecu_store::Store, hash: &str) -> String {
    // The definition as stored: the new version exists only in the store.
    store.survey_definition(hash).expect("definition")
}

fn a_declined_or_broken_proposal_stores_no_version(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let (researcher, _) = store.create_api_key("Rita", Role::Researcher).expect("key");
    let proposal = store
        .propose(
            &researcher,
            &hash,
            "overall",
            &reword("de", "Wie bewerten Sie insgesamt Ihre Behandlung?"),
            "Kürzer",
        )
        .expect("proposed");
    let before = store.surveys().expect("versions");
    let none = store
        .decide_proposal(&researcher, &proposal, Decision::Decline, "Already clear")
        .expect("declined");
    assert_eq!(none, None);
    assert_eq!(store.surveys().expect("versions"), before);

    // A change the check refuses is refused when proposed, with the check's reason.
    let target = survey
        .sections
        .iter()
        .flat_map(|section| &section.items)
        .find_map(|item| item.show_if.as_ref())
        .map(|condition| condition.references()[0].item.to_string())
        .expect("the example has skip logic");
    let broken = store.propose(&researcher, &hash, &target, &ItemChange::Remove, "too long");
    match broken {
        Err(StoreError::Proposal(error)) => {
            assert!(error.to_string().contains("survey check"), "{error}")
        }
        other => panic!("expected the check's refusal, got {other:?}"),
    }
    // A change to what the question already says.
    let fr = vecu_survey::Lang::parse("fr").expect("tag");
    let same = survey
        .item("overall")
        .expect("item")
        .text
        .get(&fr)
        .to_owned();
    assert!(matches!(
        store.propose(&researcher, &hash, "overall", &reword("fr", &same), "why"),
        Err(StoreError::Incomplete(_))
    ));
    // Unknown item, missing reason, a language the survey lacks.
    assert!(matches!(
        store.propose(&researcher, &hash, "nope", &reword("fr", "x"), "why"),
        Err(StoreError::Proposal(_))
    ));
    assert!(matches!(
        store.propose(&researcher, &hash, "overall", &reword("fr", "x"), "  "),
        Err(StoreError::Incomplete(_))
    ));
    assert!(matches!(
        store.propose(&researcher, &hash, "overall", &reword("es", "x"), "why"),
        Err(StoreError::Proposal(_))
    ));
    assert_eq!(store.surveys().expect("versions"), before);
    assert_eq!(
        store
            .acting_as(&researcher)
            .proposals(&hash)
            .expect("read")
            .len(),
        1
    );
}

fn only_researchers_decide_and_only_co_authors_take_part(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let (partner, _) = store
        .create_api_key("Paul", Role::PatientPartner)
        .expect("key");
    let (entry, _) = store.create_api_key("Desk", Role::DataEntry).expect("key");
    let (hospital, _) = store
        .create_hospital_key("Quality", &["H1".to_owned()])
        .expect("key");
    let proposal = store
        .propose(
            &partner,
            &hash,
            "overall",
            &reword("it", "Nel complesso?"),
            "più breve",
        )
        .expect("proposed");
    refused(store.decide_proposal(&partner, &proposal, Decision::Accept, "mine"));
    for outsider in [&entry, &hospital] {
        refused(store.propose(outsider, &hash, "overall", &reword("it", "x"), "y"));
        refused(store.comment_proposal(outsider, &proposal, "x"));
        refused(store.acting_as(outsider).proposals(&hash));
    }
    assert_eq!(
        store
            .acting_as(&partner)
            .proposal(&proposal)
            .expect("read")
            .state,
        ProposalState::Open
    );
}

fn refused<T: std::fmt::Debug>(result: Result<T, StoreError>) {
    assert!(
        matches!(result, Err(StoreError::NotAllowed(_))),
        "{result:?}"
    );
}
