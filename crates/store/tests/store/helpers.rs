//! A fresh database per test, on SQLite (a temporary file) or PostgreSQL (a new database on the
//! local server, dropped afterwards), and fixtures shared by the suite.

use std::fmt::Write;

use vecu_store::{Store, WaveId};
use vecu_survey::Survey;

pub use vecu_store::testing::TestDb;

pub fn survey_text(name: &str) -> String {
    let path = format!("{}/../../surveys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"))
}

pub fn example() -> (Survey, String) {
    let text = survey_text("example.json");
    (vecu_survey::load_str(&text).expect("example"), text)
}

pub fn cancer() -> (Survey, String) {
    let text = survey_text("scape-cancer.json");
    (vecu_survey::load_str(&text).expect("cancer survey"), text)
}

/// A sample frame of `n` patients; `frame(i)` gives each row's frame values in survey order.
pub fn frame_csv(survey: &Survey, n: usize, frame: impl Fn(usize) -> Vec<String>) -> String {
    let mut csv = String::from("email,language");
    for variable in &survey.frame {
        let _ = write!(csv, ",{}", variable.id);
    }
    csv.push('\n');
    for idx in 0..n {
        let language = survey.languages[idx % survey.languages.len()].as_str();
        let _ = writeln!(
            csv,
            "patient{idx}@example.org,{language},{}",
            frame(idx).join(",")
        );
    }
    csv
}

/// Frame values cycling through each variable's codes.
pub fn cycling(survey: &Survey) -> impl Fn(usize) -> Vec<String> + '_ {
    move |idx| {
        survey
            .frame
            .iter()
            .map(|variable| {
                variable.values[idx % variable.values.len()]
                    .code
                    .to_string()
            })
            .collect()
    }
}

/// An open wave of `survey` with `n` imported patients.
pub fn open_wave(store: &Store, survey: &Survey, text: &str, n: usize) -> WaveId {
    let hash = store.add_survey(survey, text).expect("survey stored");
    let wave = store.create_wave(&hash, "test wave").expect("wave");
    store
        .import_frame(&wave, frame_csv(survey, n, cycling(survey)).as_bytes())
        .expect("frame imported");
    store.open_wave(&wave).expect("opened");
    wave
}

/// Valid simulated responses of a survey.
pub fn responses(survey: &Survey, n: usize, seed: u64) -> Vec<vecu_survey::ValidatedResponse> {
    vecu_survey::simulate(survey, n, seed)
        .into_iter()
        .map(|response| {
            survey
                .validate_answers(response.answers)
                .expect("simulated responses are valid")
        })
        .collect()
}

/// Generates one `#[test]` per backend for a function taking the backend.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[test]
                fn sqlite() {
                    super::$name(vecu_store::Backend::Sqlite)
                }
                #[test]
                fn postgres() {
                    super::$name(vecu_store::Backend::Postgres)
                }
            }
        )*
    };
}
