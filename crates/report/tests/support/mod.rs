//! What several report tests start from.

use std::path::Path;

use vecu_analysis::{analyse, read_responses, Analysis, Options};
use vecu_survey::Survey;

/// The shipped cancer survey and its analysis, with `options`, of the 600 responses (8 hospitals)
/// of the analysis fixture.
pub fn fixture_analysis(options: &Options) -> (Survey, Analysis) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("surveys/scape-cancer.json")).expect("survey");
    let survey = vecu_survey::load_str(&text).expect("valid");
    let data = read_responses(
        &survey,
        &root.join("crates/analysis/tests/fixtures/responses.csv"),
    )
    .expect("responses");
    let analysis = analyse(&survey, &data, options, None, &mut |_, _| {}).expect("analysis");
    (survey, analysis)
}
