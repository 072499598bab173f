//! Skip-logic visibility and response validation; the web form uses the same functions per page.

use std::collections::HashSet;

use serde_json::Value;

use crate::answer::{Answer, Answers};
use crate::error::{pointer_token, ResponseError, ResponseErrorKind, ResponseErrors};
use crate::model::{Id, Item, ItemKind, Survey};

/// Which sections and items are shown for a set of answers.
#[derive(Debug, Clone)]
pub struct Visibility {
    hidden_sections: HashSet<usize>,
    hidden_items: HashSet<Id>,
    shown: Answers,
}

impl Visibility {
    /// Whether the section at this index is shown.
    pub fn section_shown(&self, section_idx: usize) -> bool {
        !self.hidden_sections.contains(&section_idx)
    }

    /// Whether the item is shown (its section and its own condition hold).
    pub fn item_shown(&self, item: &Id) -> bool {
        !self.hidden_items.contains(item)
    }

    /// The answers to shown items only: what remains once hidden answers are dropped.
    pub fn shown_answers(&self) -> &Answers {
        &self.shown
    }

    /// Consumes the visibility, keeping the answers to shown items.
    pub fn into_shown_answers(self) -> Answers {
        self.shown
    }
}

/// A response that passed every check of its survey; the store accepts only these.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidatedResponse {
    answers: Answers,
    survey_hash: String,
}

impl ValidatedResponse {
    /// The answers, all to shown items.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Hash of the survey version it was validated against.
    pub fn survey_hash(&self) -> &str {
        &self.survey_hash
    }

    /// The answers as a JSON object.
    pub fn to_json(&self) -> Value {
        self.answers.to_json()
    }
}

impl Survey {
    /// Computes what is shown, walking the questionnaire in order: a condition only sees answers to
    /// items that are themselves shown, so answers left behind on a hidden branch have no effect.
    pub fn visibility(&self, answers: &Answers) -> Visibility {
        let mut visibility = Visibility {
            hidden_sections: HashSet::new(),
            hidden_items: HashSet::new(),
            shown: Answers::new(),
        };
        for (section_idx, section) in self.sections.iter().enumerate() {
            let section_shown = section
                .show_if
                .as_ref()
                .is_none_or(|condition| condition.holds(self, &visibility.shown));
            if !section_shown {
                visibility.hidden_sections.insert(section_idx);
            }
            for item in &section.items {
                let shown = section_shown
                    && item
                        .show_if
                        .as_ref()
                        .is_none_or(|condition| condition.holds(self, &visibility.shown));
                if !shown {
                    visibility.hidden_items.insert(item.id.clone());
                } else if let Some(answer) = answers.get(&item.id) {
                    visibility.shown.insert(item.id.clone(), answer.clone());
                }
            }
        }
        visibility
    }

    /// Validates a whole response given as JSON `{item id: answer}`.
    pub fn validate(&self, response: &Value) -> Result<ValidatedResponse, ResponseErrors> {
        let Some(object) = response.as_object() else {
            return Err(ResponseErrors(vec![ResponseError {
                pointer: String::new(),
                kind: ResponseErrorKind::WrongType,
                message: "a response is a JSON object {item id: answer}".to_owned(),
            }]));
        };
        let (answers, mut errors) = Answers::parse(self, object);
        match self.validate_answers(answers) {
            Ok(validated) if errors.is_empty() => Ok(validated),
            Ok(_) => Err(ResponseErrors(errors)),
            Err(ResponseErrors(more)) => {
                errors.extend(more);
                Err(ResponseErrors(errors))
            }
        }
    }

    /// Validates typed answers: none to hidden items, none missing where required and shown.
    pub fn validate_answers(&self, answers: Answers) -> Result<ValidatedResponse, ResponseErrors> {
        self.validate_with(answers, true)
    }

    /// Validates the answers keyed from a paper questionnaire: none to hidden items (the paper
    /// rules remove those first), but a required question may be left blank, since on paper
    /// nothing can stop a patient from skipping it.
    pub fn validate_paper_answers(
        &self,
        answers: Answers,
    ) -> Result<ValidatedResponse, ResponseErrors> {
        self.validate_with(answers, false)
    }

    fn validate_with(
        &self,
        answers: Answers,
        required: bool,
    ) -> Result<ValidatedResponse, ResponseErrors> {
        let visibility = self.visibility(&answers);
        let mut errors: Vec<ResponseError> = answers
            .iter()
            .filter(|(id, _)| !visibility.item_shown(id))
            .map(|(id, _)| ResponseError {
                pointer: format!("/{}", pointer_token(id.as_str())),
                kind: ResponseErrorKind::AnsweredWhileHidden,
                message: format!("item {id} is skipped by the answers given earlier, so it must not be answered; remove its answer"),
            })
            .collect();
        if required {
            errors.extend(self.missing_required(&visibility, None));
        }
        if errors.is_empty() {
            Ok(ValidatedResponse {
                answers,
                survey_hash: self.hash.clone(),
            })
        } else {
            Err(ResponseErrors(errors))
        }
    }

    /// Required items that are shown but not (fully) answered, in one section or in all.
    pub fn missing_required(
        &self,
        visibility: &Visibility,
        section_idx: Option<usize>,
    ) -> Vec<ResponseError> {
        self.sections
            .iter()
            .enumerate()
            .filter(|(idx, _)| section_idx.is_none_or(|wanted| wanted == *idx))
            .flat_map(|(_, section)| section.items.iter())
            .filter(|item| item.required && visibility.item_shown(&item.id))
            .filter_map(|item| unanswered(item, visibility.shown_answers().get(&item.id)))
            .collect()
    }
}

/// The error for a required item without a complete answer; a required matrix needs every row.
fn unanswered(item: &Item, answer: Option<&Answer>) -> Option<ResponseError> {
    let pointer = format!("/{}", pointer_token(item.id.as_str()));
    let complete = match (&item.kind, answer) {
        (_, None) => false,
        (ItemKind::Matrix(matrix), Some(Answer::Matrix(rows))) => {
            let missing: Vec<&str> = matrix
                .rows
                .iter()
                .filter(|row| !rows.contains_key(&row.id))
                .map(|row| row.id.as_str())
                .collect();
            if !missing.is_empty() {
                return Some(ResponseError {
                    pointer,
                    kind: ResponseErrorKind::RequiredMissing,
                    message: format!(
                        "matrix {} must be answered on every row; missing: {}",
                        item.id,
                        missing.join(", ")
                    ),
                });
            }
            true
        }
        (ItemKind::MultipleChoice(_), Some(Answer::Choices(codes))) => !codes.is_empty(),
        (_, Some(_)) => true,
    };
    (!complete).then(|| ResponseError {
        pointer,
        kind: ResponseErrorKind::RequiredMissing,
        message: format!("item {} is required and must be answered", item.id),
    })
}
