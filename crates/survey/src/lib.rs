//! Survey definitions for vecu: the JSON format, its loading into typed values, skip logic,
//! response validation, the wide response table, FHIR export and simulated responses.
//!
//! This crate does no I/O beyond what its caller hands it: the CLI reads files, the store and
//! the web service hold surveys in memory and call these functions.
//!
//! ```
//! let text = include_str!("../../../surveys/example.json");
//! let survey = vecu_survey::load_str(text).expect("the example survey is valid");
//! let response = serde_json::json!({ "overall": 9 });
//! assert!(survey.validate(&response).is_err(), "required items are missing");
//! ```
#![deny(missing_docs)]

mod answer;
mod coding;
mod condition;
mod csv_cell;
#[cfg(feature = "ddi")]
mod ddi;
mod diff;
mod error;
mod fhir;
mod fhir_response;
#[cfg(feature = "import")]
mod import;
#[cfg(feature = "labelled")]
mod labelled;
mod load;
mod model;
mod outline;
mod propose;
mod raw;
mod response;
mod schema;
mod simulate;
#[cfg(feature = "table-io")]
mod table_io;
mod text;
mod translations;
mod wide;

pub use answer::{Answer, Answers};
pub use coding::{
    CodingFrame, CodingFrameError, Theme, CANCER_CODING_FRAME, FRAME_LANGUAGES, TONES,
};
pub use condition::{Condition, Expected, ItemRef};
pub use csv_cell::{neutralise_csv_cell, restore_csv_cell};
#[cfg(feature = "ddi")]
pub use ddi::{ddi_codebook, DdiFile};
pub use diff::{diff, Change, Part, Place, Subject, SurveyDiff, Version, What};
pub use error::{DefinitionError, LoadError, ResponseError, ResponseErrorKind, ResponseErrors};
pub use fhir::questionnaire as fhir_questionnaire;
pub use fhir_response::questionnaire_responses as fhir_questionnaire_responses;
#[cfg(feature = "import")]
pub use import::{limesurvey_structure, redcap_dictionary, ImportError, Imported, Unmapped};
#[cfg(feature = "labelled")]
pub use labelled::{
    labelled_variables, r_script, spss_sav, stata_dta, LabelledError, LabelledValue,
    LabelledVariable, Storage,
};
pub use load::{load_str, load_value, RESPONSE_ID};
pub use model::{
    AnswerOption, Code, Domain, FrameValue, FrameVariable, Id, Item, ItemKind, Matrix, MatrixRow,
    MonthYearSpec, NumberSpec, Options, Rating, ScoringRole, Section, Survey, TextSpec,
};
pub use outline::outline;
pub use propose::{apply_change, next_version, preview_change, ItemChange, ProposalError};
pub use response::{ValidatedResponse, Visibility};
pub use schema::SCHEMA;
pub use simulate::{simulate, SimulatedResponse, Simulator};
#[cfg(feature = "table-io")]
pub use table_io::{
    neutralise_csv_columns, read_table, restore_csv_columns, to_dataframe, write_table,
    write_table_in_chunks, TableError, TableFormat,
};
pub use text::{Lang, Text};
pub use translations::{
    fingerprint, read_log, record_translations, translated_texts, translation_status, CheckMethod,
    TextStatus, TranslationError, TranslationLog, TranslationRecord, TranslationStatus,
    TranslationWork,
};
pub use wide::{Cell, Codebook, CodebookValue, Column, ColumnSource, ColumnType};
