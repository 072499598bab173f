//! Submission: exactly once, under concurrency too.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use vecu_store::{Backend, Mode, StoreError, SubmitOutcome, TokenState};

use crate::helpers::{cancer, example, open_wave, responses, TestDb};
use crate::on_both_backends;

on_both_backends!(
    submitting_twice_stores_one_response,
    responses_must_match_the_wave_survey,
    concurrent_resubmissions_store_exactly_one_response_each
);

fn submitting_twice_stores_one_response(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = open_wave(&store, &survey, &text, 3);
    let issued = store.issue_tokens(&wave).expect("issued");
    let response = &responses(&survey, 1, 1)[0];
    let first = store
        .submit(&issued[0].invitation, response, Mode::WebLink)
        .expect("first");
    assert!(matches!(first, SubmitOutcome::Submitted(ref id) if id.len() == 32));
    assert_eq!(
        store
            .submit(&issued[0].invitation, response, Mode::WebLink)
            .expect("second"),
        SubmitOutcome::AlreadySubmitted
    );
    assert_eq!(store.wave_status_now(&wave).expect("status").responses, 1);
    assert_eq!(
        store.lookup_token(&issued[0].token).expect("lookup"),
        TokenState::Submitted
    );
    let stored = store.raw_rows("responses").expect("rows");
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].iter().any(|cell| cell == "web_link"),
        "the mode is kept: {:?}",
        stored[0]
    );
}

fn responses_must_match_the_wave_survey(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let (other, _) = cancer();
    let wave = open_wave(&store, &survey, &text, 1);
    let issued = store.issue_tokens(&wave).expect("issued");
    let foreign = &responses(&other, 1, 1)[0];
    assert!(matches!(
        store.submit(&issued[0].invitation, foreign, Mode::WebLink),
        Err(StoreError::SurveyMismatch { .. })
    ));
    assert_eq!(
        store
            .invitation(&issued[0].invitation)
            .expect("found")
            .status,
        "invited",
        "the failed submission rolled back"
    );
    assert!(matches!(
        store.submit("no-such-invitation", foreign, Mode::WebLink),
        Err(StoreError::InvitationNotFound(_))
    ));
}

fn concurrent_resubmissions_store_exactly_one_response_each(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = cancer();
    let wave = open_wave(&store, &survey, &text, 40);
    let issued = Arc::new(store.issue_tokens(&wave).expect("issued"));
    let answers = Arc::new(responses(&survey, 40, 11));
    let submitted = Arc::new(AtomicUsize::new(0));
    let already = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..8)
        .map(|thread| {
            let (store, issued, answers, submitted, already) = (
                store.clone(),
                issued.clone(),
                answers.clone(),
                submitted.clone(),
                already.clone(),
            );
            std::thread::spawn(move || {
                for round in 0..issued.len() * 2 {
                    // Every thread walks the invitations in its own order, each one twice.
                    let idx = (round * (2 * thread + 1) + thread * 7) % issued.len();
                    match store.submit(&issued[idx].invitation, &answers[idx], Mode::WebLink) {
                        Ok(SubmitOutcome::Submitted(_)) => submitted.fetch_add(1, Ordering::SeqCst),
                        Ok(SubmitOutcome::AlreadySubmitted) => {
                            already.fetch_add(1, Ordering::SeqCst)
                        }
                        Err(error) => panic!("submission failed under concurrency: {error}"),
                    };
                }
            })
        })
        .collect();
    for thread in threads {
        thread.join().expect("thread finished without panic");
    }
    assert_eq!(
        submitted.load(Ordering::SeqCst),
        40,
        "one acknowledged submission per invitation"
    );
    assert_eq!(already.load(Ordering::SeqCst), 8 * 80 - 40);
    let status = store.wave_status_now(&wave).expect("status");
    assert_eq!(status.responses, 40);
    assert_eq!(status.overall.by_status.get("submitted"), Some(&40));
    assert_eq!(store.raw_rows("responses").expect("rows").len(), 40);
}
