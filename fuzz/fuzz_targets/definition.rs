//! Any bytes as a survey definition: loading returns a value or an error, never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(survey) = vecu_survey::load_str(text) {
            // A definition that loads must also export and simulate without panicking.
            let _ = vecu_survey::fhir_questionnaire(&survey);
            let _ = vecu_survey::simulate(&survey, 2, 1);
        }
    }
});
