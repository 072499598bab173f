//! The JSON Schema of survey definitions (`surveys/survey.schema.json`), compiled once.

use std::sync::LazyLock;

use serde_json::Value;

use crate::error::DefinitionError;

/// The schema text, as shipped in `surveys/survey.schema.json`.
pub const SCHEMA: &str = include_str!("../../../surveys/survey.schema.json");

static VALIDATOR: LazyLock<Result<jsonschema::Validator, String>> = LazyLock::new(|| {
    let schema: Value = serde_json::from_str(SCHEMA).map_err(|error| error.to_string())?;
    jsonschema::draft202012::new(&schema).map_err(|error| error.to_string())
});

/// Every place where the document breaks the schema.
pub(crate) fn check(document: &Value) -> Vec<DefinitionError> {
    let validator = match &*VALIDATOR {
        Ok(validator) => validator,
        Err(error) => {
            return vec![DefinitionError::new(
                "",
                format!("the built-in survey schema does not compile: {error}"),
                "report this as a bug in vecu",
            )];
        }
    };
    validator
        .iter_errors(document)
        .map(|error| {
            let schema_path = error.schema_path().to_string();
            let pointer = error.instance_path().to_string();
            let fix = fix_for(&schema_path, &pointer);
            DefinitionError::new(pointer, message_for(&schema_path, error.to_string()), fix)
        })
        .collect()
}

/// jsonschema's message, except where it would dump the whole offending object.
fn message_for(schema_path: &str, message: String) -> String {
    match schema_path.rsplit('/').next().unwrap_or_default() {
        "oneOf" => "the item must have exactly one of \"options\" and \"scale\"".to_owned(),
        "not" => "a display item cannot be required and has no domain".to_owned(),
        _ if message.chars().count() > 240 => {
            format!("{}...", message.chars().take(240).collect::<String>())
        }
        _ => message,
    }
}

/// A hint keyed on the schema keyword that failed.
fn fix_for(schema_path: &str, pointer: &str) -> String {
    let keyword = schema_path.rsplit('/').next().unwrap_or_default();
    let field = pointer.rsplit('/').next().unwrap_or_default();
    let pattern_hint = match field {
        "code" => {
            "answer codes use letters, digits, '_', '+' or '-' (at most 32), such as 1, yes or 75+"
        }
        "version" => "write the version as numbers such as 1.0 or 1.2.0",
        _ if pointer.starts_with("/languages") => {
            "languages are two-letter lower-case codes such as fr, de, it, en; an easy-read \
             variant adds '-' and 4 to 8 lower-case letters or digits, such as fr-falc"
        }
        _ => "ids use lower-case letters, digits and '_', start with a letter and have no dots",
    };
    let hint = match keyword {
        "required" => "add the missing property",
        "additionalProperties" | "unevaluatedProperties" => {
            "remove the property or correct its spelling (the schema lists the allowed names)"
        }
        "enum" | "const" => "use one of the allowed values",
        "pattern" => pattern_hint,
        "type" => "give a value of the expected type",
        "minItems" => "add at least the minimum number of entries",
        "minLength" => "write a non-empty text",
        "uniqueItems" => "remove the repeated entry",
        "oneOf" => "give either \"options\" or \"scale\", not both and not neither",
        "not" => "display items take no \"required\" and no \"domain\"; remove them",
        "minProperties" | "maxProperties" => "a condition has exactly one key (all, any, not, answered, equals, one_of, greater_than, less_than); a text has at least one language",
        "propertyNames" => "use a declared language code (fr, de, it, en, or a variant such as fr-falc) or a valid id as the key",
        "minimum" | "maximum" => "use a value within the allowed range",
        _ => "see surveys/survey.schema.json for this rule",
    };
    format!("{hint} (schema rule {schema_path})")
}
