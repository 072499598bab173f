//! Unlinkability: nothing in the response store ties a response to its invitation.

use vecu_store::{Backend, Mode};

use crate::helpers::{example, frame_csv, responses, TestDb};
use crate::on_both_backends;

on_both_backends!(
    responses_are_unlinkable_from_invitations,
    the_audit_log_never_ties_an_invitation_to_a_response
);

/// Spearman's rank correlation of two sequences of distinct ranks.
pub(crate) fn spearman(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len() as f64;
    let d2: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| (*x as f64 - *y as f64).powi(2))
        .sum();
    1.0 - 6.0 * d2 / (n * (n * n - 1.0))
}

pub(crate) fn ranks<T: Ord + Clone>(values: &[T]) -> Vec<usize> {
    let mut sorted: Vec<T> = values.to_vec();
    sorted.sort();
    values
        .iter()
        .map(|value| sorted.binary_search(value).unwrap_or_default())
        .collect()
}

/// Submits N responses in a known order, then reads the response store as a database
/// administrator would. With N = 150 an absolute rank correlation above 0.3 has a chance of
/// about 1 in 10^4 under independence (its standard deviation is 1/sqrt(N-1) = 0.08).
fn responses_are_unlinkable_from_invitations(backend: Backend) {
    const N: usize = 150;
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let hash = store.add_survey(&survey, &text).expect("stored");
    let wave = store.create_wave(&hash, "unlinkability").expect("wave");
    // One frame for everyone, so that frame values cannot carry anything either.
    let same_frame = |_| vec!["H1".to_owned(), "50-69".to_owned(), "F".to_owned()];
    store
        .import_frame(&wave, frame_csv(&survey, N, same_frame).as_bytes())
        .expect("imported");
    store.open_wave(&wave).expect("open");
    let issued = store.issue_tokens(&wave).expect("issued");
    let answers = responses(&survey, N, 99);
    let mut order_of_id = std::collections::HashMap::new();
    for (position, (token, response)) in issued.iter().zip(&answers).enumerate() {
        let vecu_store::SubmitOutcome::Submitted(id) = store
            .submit(&token.invitation, response, Mode::WebLink)
            .expect("submit")
        else {
            panic!("first submission")
        };
        order_of_id.insert(id, position);
    }
    if backend == Backend::Sqlite {
        check_unlinkable(&store, &order_of_id, &issued);
    }
    // PostgreSQL keeps its heap in insertion order until the store mixes it (every 32
    // submissions, at close and at export); this is the state after a mix.
    store.mix_responses(&wave).expect("mixed");
    check_unlinkable(&store, &order_of_id, &issued);
}

fn check_unlinkable(
    store: &vecu_store::Store,
    order_of_id: &std::collections::HashMap<String, usize>,
    issued: &[vecu_store::IssuedToken],
) {
    let rows = store
        .raw_rows("responses")
        .expect("SELECT * FROM responses");
    assert_eq!(rows.len(), order_of_id.len());
    let id_column = rows[0]
        .iter()
        .position(|cell| order_of_id.contains_key(cell))
        .expect("an id column");
    let submission_order: Vec<usize> = rows
        .iter()
        .map(|row| order_of_id[&row[id_column]])
        .collect();
    let returned_order: Vec<usize> = (0..rows.len()).collect();
    let by_row_order = spearman(&ranks(&submission_order), &returned_order);
    assert!(
        by_row_order.abs() < 0.3,
        "row order follows submission order (rho = {by_row_order:.3})"
    );
    let ids: Vec<String> = rows.iter().map(|row| row[id_column].clone()).collect();
    let by_id = spearman(&ranks(&ids), &ranks(&submission_order));
    assert!(
        by_id.abs() < 0.3,
        "ids follow submission order (rho = {by_id:.3})"
    );
    let tail: Vec<usize> = submission_order[submission_order.len() - 10..].to_vec();
    assert!(
        tail.iter()
            .filter(|&&position| position >= order_of_id.len() - 10)
            .count()
            < 5,
        "the last rows returned are the latest submitted: {tail:?}"
    );

    let weeks: std::collections::HashSet<&String> = rows
        .iter()
        .flat_map(|row| {
            row.iter().filter(|cell| {
                cell.len() == 8 && cell.as_bytes()[4] == b'-' && cell.as_bytes()[5] == b'W'
            })
        })
        .collect();
    assert_eq!(
        weeks.len(),
        1,
        "one ISO week for all, nothing finer: {weeks:?}"
    );
    let world: Vec<String> = ["responses", "waves", "surveys", "wave_counts", "audit_log"]
        .iter()
        .flat_map(|table| store.raw_rows(table).expect("rows"))
        .flatten()
        .collect();
    for token in issued {
        let hash_hex: String = sha_hex(&token.token);
        for secret in [
            token.token.as_str(),
            token.invitation.as_str(),
            token.email.as_str(),
            hash_hex.as_str(),
        ] {
            assert!(
                !world
                    .iter()
                    .any(|cell| cell.to_lowercase().contains(&secret.to_lowercase())),
                "the response store holds {secret}"
            );
        }
    }
    let timestamps = world
        .iter()
        .filter(|cell| cell.contains('T') && cell.ends_with('Z') && cell.len() == 20)
        .count();
    let audit_rows = store.raw_rows("audit_log").expect("audit").len();
    assert_eq!(
        timestamps, audit_rows,
        "exact times only in the audit log of administrative actions"
    );
}

/// Hex SHA-256, computed the way the store hashes tokens.
fn sha_hex(token: &str) -> String {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(token.as_bytes());
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn the_audit_log_never_ties_an_invitation_to_a_response(backend: Backend) {
    let db = TestDb::new(backend);
    let store = db.store();
    let (survey, text) = example();
    let wave = crate::helpers::open_wave(&store, &survey, &text, 5);
    let issued = store.issue_tokens(&wave).expect("issued");
    for (token, response) in issued.iter().zip(responses(&survey, 5, 4)) {
        store
            .submit(&token.invitation, &response, Mode::WebLink)
            .expect("submit");
    }
    store.close_wave(&wave).expect("closed");
    let actions: Vec<String> = store
        .audit_log()
        .expect("log")
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(
        actions,
        [
            "survey_added",
            "wave_created",
            "frame_imported",
            "wave_opened",
            "tokens_issued",
            "wave_closed"
        ]
    );
    assert!(store
        .audit_log()
        .expect("log")
        .iter()
        .all(|entry| entry.actor == "test"));
}
