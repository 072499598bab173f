//! Loading a definition: JSON syntax, then the JSON Schema, then the checks the schema cannot
//! express. Every problem is collected with its JSON pointer before anything is refused.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::condition::{is_numeric, Condition, Expected, ItemRef};
use crate::error::{pointer_token, DefinitionError, LoadError};
use crate::model::{
    domain_entry, AnswerOption, Code, Domain, FrameValue, FrameVariable, Id, Item, ItemKind,
    ItemPosition, Matrix, MatrixRow, MonthYearSpec, NumberSpec, Options, Rating, ScoringRole,
    Section, Survey, TextSpec,
};
use crate::raw::{RawDomain, RawItem, RawOption, RawSurvey, RawText};
use crate::schema;
use crate::text::{Lang, Text};

/// Column name reserved for the response id in the wide table.
pub const RESPONSE_ID: &str = "response_id";

/// Loads a survey definition from JSON text.
pub fn load_str(text: &str) -> Result<Survey, LoadError> {
    let document: Value = serde_json::from_str(text).map_err(|error| LoadError::Syntax {
        line: error.line(),
        column: error.column(),
        message: error.to_string(),
    })?;
    load_value(&document)
}

/// Loads a survey definition from a parsed JSON document.
pub fn load_value(document: &Value) -> Result<Survey, LoadError> {
    let problems = schema::check(document);
    if !problems.is_empty() {
        return Err(LoadError::Invalid(problems));
    }
    let raw: RawSurvey = serde_json::from_value(document.clone()).map_err(|error| {
        LoadError::Invalid(vec![DefinitionError::new(
            "",
            error.to_string(),
            "correct the document so that it follows surveys/survey.schema.json",
        )])
    })?;
    let mut checker = Checker::new(&raw);
    let survey = checker.survey(raw, canonical_hash(document));
    match survey {
        Some(survey) if checker.problems.is_empty() => Ok(survey),
        _ => Err(LoadError::Invalid(distinct(checker.problems))),
    }
}

/// A shared scale with a problem is reported once, not once per item using it.
fn distinct(problems: Vec<DefinitionError>) -> Vec<DefinitionError> {
    let mut seen = HashSet::new();
    problems
        .into_iter()
        .filter(|problem| seen.insert((problem.pointer.clone(), problem.message.clone())))
        .collect()
}

/// SHA-256 over the document with object keys sorted, so formatting and key order do not matter.
fn canonical_hash(document: &Value) -> String {
    fn canonical(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let sorted: BTreeMap<&String, Value> = map
                    .iter()
                    .map(|(key, value)| (key, canonical(value)))
                    .collect();
                Value::Object(
                    sorted
                        .into_iter()
                        .map(|(key, value)| (key.clone(), value))
                        .collect(),
                )
            }
            Value::Array(values) => Value::Array(values.iter().map(canonical).collect()),
            other => other.clone(),
        }
    }
    let bytes = canonical(document).to_string();
    Sha256::digest(bytes.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What is known of an item while checking later conditions.
struct Seen {
    order: usize,
    kind: ItemKind,
}

struct Checker {
    languages: Vec<Lang>,
    problems: Vec<DefinitionError>,
    /// Items already checked, by id: conditions may refer only to these.
    seen: HashMap<Id, Seen>,
    /// The item marked as the overall rating so far, and where.
    overall_rating: Option<(Id, String)>,
}

impl Checker {
    fn new(raw: &RawSurvey) -> Self {
        let languages = raw
            .languages
            .iter()
            .filter_map(|code| Lang::parse(code))
            .collect();
        Checker {
            languages,
            problems: Vec::new(),
            seen: HashMap::new(),
            overall_rating: None,
        }
    }

    fn problem(
        &mut self,
        pointer: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.problems
            .push(DefinitionError::new(pointer, message, fix));
    }

    fn survey(&mut self, raw: RawSurvey, hash: String) -> Option<Survey> {
        let id = self.id(&raw.id, "/id")?;
        let title = self.text(&raw.title, "/title");
        let description = raw
            .description
            .as_ref()
            .map(|text| self.text(text, "/description"));
        let publisher = raw
            .publisher
            .as_ref()
            .map(|text| self.text(text, "/publisher"));
        let scales = self.scales(&raw.scales);
        let frame = self.frame(&raw.frame);
        let domains = raw.domains.as_deref().map(|raw| self.domains(raw));
        let mut used_domains = HashSet::new();
        let mut sections = Vec::new();
        let mut section_ids = HashSet::new();
        let mut index = HashMap::new();
        for (section_idx, raw_section) in raw.sections.iter().enumerate() {
            let pointer = format!("/sections/{section_idx}");
            let Some(section_id) = self.id(&raw_section.id, &format!("{pointer}/id")) else {
                continue;
            };
            if !section_ids.insert(section_id.clone()) {
                self.problem(
                    format!("{pointer}/id"),
                    format!("section id \"{section_id}\" is used twice"),
                    "give every section its own id",
                );
            }
            let show_if = raw_section.show_if.as_ref().and_then(|json| {
                self.condition(json, &format!("{pointer}/show_if"), self.seen.len())
            });
            let mut items = Vec::new();
            for (item_idx, raw_item) in raw_section.items.iter().enumerate() {
                let item_pointer = format!("{pointer}/items/{item_idx}");
                if let Some(item) = self.item(raw_item, &item_pointer, &scales) {
                    if let (Some(domain), Some(declared)) = (&item.domain, &domains) {
                        used_domains.insert(domain.clone());
                        self.declared_domain(domain, declared, &item_pointer);
                    }
                    if frame.iter().any(|variable| variable.id == item.id)
                        || item.id.as_str() == RESPONSE_ID
                    {
                        self.problem(
                            format!("{item_pointer}/id"),
                            format!(
                                "item id \"{}\" is also a frame variable or a reserved column name",
                                item.id
                            ),
                            "rename the item",
                        );
                    }
                    let order = self.seen.len();
                    if self.seen.contains_key(&item.id) {
                        self.problem(
                            format!("{item_pointer}/id"),
                            format!("item id \"{}\" is used twice", item.id),
                            "give every item its own id (ids name the columns of the data)",
                        );
                        continue;
                    }
                    self.seen.insert(
                        item.id.clone(),
                        Seen {
                            order,
                            kind: item.kind.clone(),
                        },
                    );
                    index.insert(
                        item.id.clone(),
                        ItemPosition {
                            section: sections.len(),
                            item: items.len(),
                            order,
                        },
                    );
                    items.push(item);
                }
            }
            sections.push(Section {
                id: section_id,
                title: self.text(&raw_section.title, &format!("{pointer}/title")),
                intro: raw_section
                    .intro
                    .as_ref()
                    .map(|text| self.text(text, &format!("{pointer}/intro"))),
                show_if,
                items,
            });
        }
        if let Some(declared) = &domains {
            for (idx, domain) in declared.iter().enumerate() {
                if !used_domains.contains(&domain.id) {
                    self.problem(
                        format!("/domains/{idx}/id"),
                        format!("domain \"{}\" is declared but no item uses it", domain.id),
                        format!(
                            "remove it from /domains, or set \"domain\": \"{}\" on the items it \
                             groups (a misspelt id on the items is reported there too)",
                            domain.id
                        ),
                    );
                }
            }
        }
        self.variants_have_their_language(&raw.languages);
        if self.languages.is_empty() {
            self.problem("/languages", "no valid language is declared", "list at least one two-letter language code, such as [\"fr\", \"de\", \"it\", \"en\"]");
        }
        Some(Survey {
            id,
            version: raw.version,
            languages: self.languages.clone(),
            title,
            description,
            publisher,
            frame,
            domains: domains.unwrap_or_default(),
            sections,
            hash,
            index,
        })
    }

    /// A variant such as the easy-read `fr-falc` pools its answers with its language, so that
    /// language is declared too: patients who read the standard version choose it.
    fn variants_have_their_language(&mut self, declared: &[String]) {
        for (idx, lang) in self.languages.clone().iter().enumerate() {
            if lang.variant().is_some() && !self.languages.iter().any(|l| l.as_str() == lang.base())
            {
                let base = lang.base();
                self.problem(
                    format!(
                        "/languages/{}",
                        declared
                            .iter()
                            .position(|code| code == lang.as_str())
                            .unwrap_or(idx)
                    ),
                    format!("\"{lang}\" is a variant of \"{base}\", which is not declared"),
                    format!(
                        "add \"{base}\" to /languages before \"{lang}\" (with its texts), or \
                         correct the tag if \"{lang}\" was meant as a language of its own"
                    ),
                );
            }
        }
    }

    fn id(&mut self, id: &str, pointer: &str) -> Option<Id> {
        let parsed = Id::parse(id);
        if parsed.is_none() {
            self.problem(
                pointer,
                format!("\"{id}\" is not a valid id"),
                "use lower-case letters, digits and '_', starting with a letter",
            );
        }
        parsed
    }

    /// A text must exist in every declared language and in no other.
    fn text(&mut self, raw: &RawText, pointer: &str) -> Text {
        let mut translations = BTreeMap::new();
        for lang in self.languages.clone() {
            match raw.get(lang.as_str()).map(|text| text.trim()) {
                Some(text) if !text.is_empty() => {
                    translations.insert(lang, text.to_owned());
                }
                _ => self.problem(
                    format!("{pointer}/{lang}"),
                    format!("the text has no {lang} translation"),
                    format!("add \"{lang}\": \"...\" to this text"),
                ),
            }
        }
        for code in raw.keys() {
            if !self.languages.iter().any(|lang| lang.as_str() == code) {
                self.problem(
                    format!("{pointer}/{}", pointer_token(code)),
                    format!("language \"{code}\" is not declared in /languages"),
                    format!("add \"{code}\" to /languages or remove this translation"),
                );
            }
        }
        Text::new(translations)
    }

    /// The `domains` block: ids once each, a label (and a description, if any) in every
    /// language.
    fn domains(&mut self, raw: &[RawDomain]) -> Vec<Domain> {
        let mut domains: Vec<Domain> = Vec::new();
        for (idx, domain) in raw.iter().enumerate() {
            let pointer = format!("/domains/{idx}");
            let Some(id) = self.id(&domain.id, &format!("{pointer}/id")) else {
                continue;
            };
            if domains.iter().any(|earlier| earlier.id == id) {
                self.problem(
                    format!("{pointer}/id"),
                    format!("domain \"{id}\" is declared twice"),
                    "keep one entry per domain in /domains",
                );
                continue;
            }
            domains.push(Domain {
                id,
                label: self.text(&domain.label, &format!("{pointer}/label")),
                description: domain
                    .description
                    .as_ref()
                    .map(|text| self.text(text, &format!("{pointer}/description"))),
            });
        }
        domains
    }

    /// An item's domain must have an entry in the `domains` block, so that readers get its name.
    fn declared_domain(&mut self, domain: &Id, declared: &[Domain], item_pointer: &str) {
        if declared.iter().any(|entry| &entry.id == domain) {
            return;
        }
        let known: Vec<&str> = declared.iter().map(|entry| entry.id.as_str()).collect();
        let also = if known.is_empty() {
            String::new()
        } else {
            format!(", or use a declared domain: {}", known.join(", "))
        };
        self.problem(
            format!("{item_pointer}/domain"),
            format!("domain \"{domain}\" has no entry in /domains, so it has no label for readers"),
            format!(
                "add {} to /domains{also}",
                domain_entry(domain.as_str(), &self.languages)
            ),
        );
    }

    fn scales(&mut self, raw: &BTreeMap<String, Vec<RawOption>>) -> HashMap<String, Options> {
        raw.iter()
            .map(|(name, options)| {
                let pointer = format!("/scales/{}", pointer_token(name));
                let options = self.options(options, &pointer, Id::parse(name));
                (name.clone(), options)
            })
            .collect()
    }

    fn options(&mut self, raw: &[RawOption], pointer: &str, scale: Option<Id>) -> Options {
        let mut options: Vec<AnswerOption> = Vec::new();
        for (idx, option) in raw.iter().enumerate() {
            let option_pointer = format!("{pointer}/{idx}");
            let Some(code) = Code::parse(&option.code) else {
                self.problem(
                    format!("{option_pointer}/code"),
                    format!("\"{}\" is not a valid answer code", option.code),
                    "use letters, digits, '_', '+' or '-' (at most 32)",
                );
                continue;
            };
            if options.iter().any(|earlier| earlier.code == code) {
                self.problem(
                    format!("{option_pointer}/code"),
                    format!("answer code \"{code}\" is used twice in this list"),
                    "give every option its own code",
                );
            }
            let role = match option.role.as_str() {
                "positive" => ScoringRole::Positive,
                "negative" => ScoringRole::Negative,
                "neutral" => ScoringRole::Neutral,
                _ => ScoringRole::NotApplicable,
            };
            options.push(AnswerOption {
                code,
                label: self.text(&option.label, &format!("{option_pointer}/label")),
                role,
                value: option.value,
                exclusive: option.exclusive,
            });
        }
        Options { options, scale }
    }

    /// The options of a choice, scale or matrix item: inline or from a named scale.
    fn item_options(
        &mut self,
        raw: &RawItem,
        pointer: &str,
        scales: &HashMap<String, Options>,
    ) -> Option<Options> {
        match (&raw.options, &raw.scale) {
            (Some(options), _) => Some(self.options(options, &format!("{pointer}/options"), None)),
            (None, Some(name)) => {
                let found = scales.get(name).cloned();
                if found.is_none() {
                    let known: Vec<&str> = scales.keys().map(String::as_str).collect();
                    self.problem(
                        format!("{pointer}/scale"),
                        format!("scale \"{name}\" is not defined in /scales"),
                        format!(
                            "define it under /scales or use one of: {}",
                            known.join(", ")
                        ),
                    );
                }
                found
            }
            (None, None) => None,
        }
    }

    fn item(
        &mut self,
        raw: &RawItem,
        pointer: &str,
        scales: &HashMap<String, Options>,
    ) -> Option<Item> {
        let id = self.id(&raw.id, &format!("{pointer}/id"))?;
        let kind = self.kind(raw, pointer, scales)?;
        if raw.overall_rating {
            self.overall_rating(&id, pointer);
        }
        if raw.case_mix && raw.domain.is_some() {
            self.problem(
                format!("{pointer}/case_mix"),
                format!("\"{id}\" is both scored in a domain and a case-mix adjuster"),
                "a characteristic of the patient (health, education) is adjusted for, not \
                 scored: remove \"domain\" or \"case_mix\"",
            );
        }
        let show_if = raw
            .show_if
            .as_ref()
            .and_then(|json| self.condition(json, &format!("{pointer}/show_if"), self.seen.len()));
        Some(Item {
            id,
            text: self.text(&raw.text, &format!("{pointer}/text")),
            help: raw
                .help
                .as_ref()
                .map(|text| self.text(text, &format!("{pointer}/help"))),
            domain: raw.domain.as_deref().and_then(Id::parse),
            required: raw.required,
            show_if,
            kind,
            overall_rating: raw.overall_rating,
            case_mix: raw.case_mix,
        })
    }

    /// One overall rating at most: key drivers are correlations with it (the schema allows the
    /// mark on ratings only).
    fn overall_rating(&mut self, id: &Id, pointer: &str) {
        match &self.overall_rating {
            Some((first, at)) => {
                let message = format!(
                    "\"{id}\" and \"{first}\" ({at}) are both marked as the overall rating"
                );
                self.problem(
                    format!("{pointer}/overall_rating"),
                    message,
                    "keep \"overall_rating\": true on the one rating of the care as a whole",
                );
            }
            None => self.overall_rating = Some((id.clone(), pointer.to_owned())),
        }
    }

    fn kind(
        &mut self,
        raw: &RawItem,
        pointer: &str,
        scales: &HashMap<String, Options>,
    ) -> Option<ItemKind> {
        let kind = match raw.kind.as_str() {
            "single_choice" => ItemKind::SingleChoice(self.item_options(raw, pointer, scales)?),
            "multiple_choice" => ItemKind::MultipleChoice(self.item_options(raw, pointer, scales)?),
            "scale" => ItemKind::Scale(self.item_options(raw, pointer, scales)?),
            "matrix" => {
                let options = self.item_options(raw, pointer, scales)?;
                let mut rows: Vec<MatrixRow> = Vec::new();
                for (idx, row) in raw.rows.iter().flatten().enumerate() {
                    let row_pointer = format!("{pointer}/rows/{idx}");
                    let Some(id) = self.id(&row.id, &format!("{row_pointer}/id")) else {
                        continue;
                    };
                    if rows.iter().any(|earlier| earlier.id == id) {
                        self.problem(
                            format!("{row_pointer}/id"),
                            format!("row id \"{id}\" is used twice in this matrix"),
                            "give every row its own id",
                        );
                    }
                    rows.push(MatrixRow {
                        id,
                        text: self.text(&row.text, &format!("{row_pointer}/text")),
                    });
                }
                ItemKind::Matrix(Matrix { rows, options })
            }
            "rating" => {
                let rating = Rating {
                    low_label: self.text(raw.low_label.as_ref()?, &format!("{pointer}/low_label")),
                    high_label: self
                        .text(raw.high_label.as_ref()?, &format!("{pointer}/high_label")),
                    positive_min: raw.positive_min.unwrap_or(9),
                    negative_max: raw.negative_max.unwrap_or(6),
                };
                if rating.negative_max >= rating.positive_min {
                    self.problem(
                        pointer.to_owned(),
                        format!(
                            "negative_max ({}) must be below positive_min ({})",
                            rating.negative_max, rating.positive_min
                        ),
                        "lower negative_max or raise positive_min (defaults 6 and 9)",
                    );
                }
                ItemKind::Rating(rating)
            }
            "number" => {
                let (min, max) = (raw.min?, raw.max?);
                if min > max {
                    self.problem(
                        format!("{pointer}/min"),
                        format!("min ({min}) is greater than max ({max})"),
                        "swap min and max",
                    );
                }
                let unit = raw
                    .unit
                    .as_ref()
                    .map(|text| self.text(text, &format!("{pointer}/unit")));
                ItemKind::Number(NumberSpec {
                    min,
                    max,
                    integer: raw.integer,
                    unit,
                })
            }
            "short_text" | "long_text" => ItemKind::Text(TextSpec {
                long: raw.kind == "long_text",
                max_length: raw.max_length?,
                identifying: raw.identifying.unwrap_or(true),
            }),
            "month_year" => {
                let (min_year, max_year) = (raw.min_year?, raw.max_year?);
                if min_year > max_year {
                    self.problem(
                        format!("{pointer}/min_year"),
                        format!("min_year ({min_year}) is after max_year ({max_year})"),
                        "swap min_year and max_year",
                    );
                }
                ItemKind::MonthYear(MonthYearSpec { min_year, max_year })
            }
            _ => ItemKind::Display,
        };
        self.check_options(&kind, pointer);
        Some(kind)
    }

    /// Exclusive options only in multiple choice; ordered scales score consistently.
    fn check_options(&mut self, kind: &ItemKind, pointer: &str) {
        let Some(options) = kind.options() else {
            return;
        };
        if !matches!(kind, ItemKind::MultipleChoice(_)) {
            if let Some(idx) = options.options.iter().position(|option| option.exclusive) {
                self.problem(
                    format!("{pointer}/options/{idx}/exclusive"),
                    "only multiple-choice options can be exclusive",
                    "remove \"exclusive\" (a single answer excludes the others anyway)",
                );
            }
        }
        if matches!(kind, ItemKind::Scale(_) | ItemKind::Matrix(_)) {
            if let Some(message) = scale_inconsistency(options) {
                let at = match &options.scale {
                    Some(name) => format!("/scales/{name}"),
                    None => format!("{pointer}/options"),
                };
                self.problem(at, message, "order the options from one end of the scale to the other, with the positive answers together at one end, values (if any) on every applicable option and running in one direction");
            }
        }
    }

    fn frame(&mut self, raw: &[crate::raw::RawFrameVariable]) -> Vec<FrameVariable> {
        let mut frame: Vec<FrameVariable> = Vec::new();
        for (idx, variable) in raw.iter().enumerate() {
            let pointer = format!("/frame/{idx}");
            let Some(id) = self.id(&variable.id, &format!("{pointer}/id")) else {
                continue;
            };
            if frame.iter().any(|earlier| earlier.id == id) || id.as_str() == RESPONSE_ID {
                self.problem(
                    format!("{pointer}/id"),
                    format!("frame variable id \"{id}\" is used twice or reserved"),
                    "give every frame variable its own id",
                );
            }
            let mut values: Vec<FrameValue> = Vec::new();
            for (value_idx, value) in variable.values.iter().enumerate() {
                let value_pointer = format!("{pointer}/values/{value_idx}");
                let Some(code) = Code::parse(&value.code) else {
                    continue;
                };
                if values.iter().any(|earlier| earlier.code == code) {
                    self.problem(
                        format!("{value_pointer}/code"),
                        format!("value \"{code}\" is listed twice"),
                        "list every value once",
                    );
                }
                values.push(FrameValue {
                    code,
                    label: self.text(&value.label, &format!("{value_pointer}/label")),
                });
            }
            if variable.comparison_unit {
                self.comparison_unit(&frame, &id, variable.case_mix, &pointer);
            }
            frame.push(FrameVariable {
                id,
                label: self.text(&variable.label, &format!("{pointer}/label")),
                quasi_identifier: variable.quasi_identifier,
                case_mix: variable.case_mix,
                comparison_unit: variable.comparison_unit,
                values,
            });
        }
        frame
    }

    /// A unit of comparison must be the only one, and cannot adjust its own comparison.
    fn comparison_unit(&mut self, earlier: &[FrameVariable], id: &Id, case_mix: bool, at: &str) {
        if let Some(first) = earlier.iter().find(|variable| variable.comparison_unit) {
            self.problem(
                format!("{at}/comparison_unit"),
                format!(
                    "\"{id}\" and \"{}\" are both marked as the unit of comparison",
                    first.id
                ),
                "keep \"comparison_unit\": true on the one variable that names the hospitals to compare",
            );
        }
        if case_mix {
            self.problem(
                format!("{at}/case_mix"),
                format!("\"{id}\" is the unit of comparison and cannot also be a case-mix variable"),
                "remove \"case_mix\": true: scores are adjusted for case mix so that the units can be compared",
            );
        }
    }

    /// Parses a condition; `before` is the order of the item it guards (references must be earlier).
    fn condition(&mut self, json: &Value, pointer: &str, before: usize) -> Option<Condition> {
        let (key, body) = json.as_object()?.iter().next()?;
        let at = format!("{pointer}/{key}");
        let condition = match key.as_str() {
            "all" | "any" => {
                let parts: Vec<Condition> = body
                    .as_array()?
                    .iter()
                    .enumerate()
                    .filter_map(|(idx, part)| self.condition(part, &format!("{at}/{idx}"), before))
                    .collect();
                if key == "all" {
                    Condition::All(parts)
                } else {
                    Condition::Any(parts)
                }
            }
            "not" => Condition::Not(Box::new(self.condition(body, &at, before)?)),
            "answered" => {
                Condition::Answered(self.reference(body.as_str()?, &at, before, Want::Anything)?)
            }
            "equals" => {
                let value = &body["value"];
                let want = if value.is_number() {
                    Want::Number
                } else {
                    Want::Code
                };
                let target =
                    self.reference(body["item"].as_str()?, &format!("{at}/item"), before, want)?;
                let expected = match value {
                    Value::String(code) => {
                        Expected::Code(self.code_of(&target, code, &format!("{at}/value"))?)
                    }
                    other => Expected::Number(other.as_f64()?),
                };
                Condition::Equals(target, expected)
            }
            "one_of" => {
                let target = self.reference(
                    body["item"].as_str()?,
                    &format!("{at}/item"),
                    before,
                    Want::Code,
                )?;
                let codes = body["values"]
                    .as_array()?
                    .iter()
                    .enumerate()
                    .filter_map(|(idx, code)| {
                        self.code_of(&target, code.as_str()?, &format!("{at}/values/{idx}"))
                    })
                    .collect();
                Condition::OneOf(target, codes)
            }
            "greater_than" | "less_than" => {
                let target = self.reference(
                    body["item"].as_str()?,
                    &format!("{at}/item"),
                    before,
                    Want::Number,
                )?;
                let bound = body["value"].as_f64()?;
                if key == "greater_than" {
                    Condition::GreaterThan(target, bound)
                } else {
                    Condition::LessThan(target, bound)
                }
            }
            _ => return None,
        };
        Some(condition)
    }

    /// Resolves a reference to an earlier item that can be compared the way the condition wants.
    fn reference(
        &mut self,
        text: &str,
        pointer: &str,
        before: usize,
        want: Want,
    ) -> Option<ItemRef> {
        let target = ItemRef::parse(text)?;
        let Some(seen) = self.seen.get(&target.item) else {
            self.problem(
                pointer,
                format!(
                    "the condition refers to \"{}\", which is not an earlier item",
                    target.item
                ),
                "refer only to items that come before this one in the questionnaire",
            );
            return None;
        };
        if seen.order >= before {
            self.problem(
                pointer,
                format!(
                    "the condition refers to \"{}\", which does not come earlier",
                    target.item
                ),
                "move the condition to a later item or refer to an earlier one",
            );
            return None;
        }
        let kind = seen.kind.clone();
        let problem = match (&kind, &target.row) {
            (ItemKind::Display, _) => Some((
                "it is display text and has no answer",
                "refer to a question",
            )),
            (ItemKind::Matrix(matrix), Some(row)) if matrix.row(row.as_str()).is_none() => Some((
                "the matrix has no such row",
                "use one of the matrix's row ids",
            )),
            (ItemKind::Matrix(_), None) => Some((
                "a matrix condition must name a row",
                "write the reference as matrix_id.row_id",
            )),
            (_, Some(_)) if !matches!(kind, ItemKind::Matrix(_)) => {
                Some(("only a matrix has rows", "drop the \".row\" part"))
            }
            _ => match want {
                Want::Anything => None,
                Want::Code if kind.options().is_none() => Some((
                    "it has no answer codes to compare with",
                    "compare numbers with greater_than/less_than/equals a number, or use answered",
                )),
                Want::Number if !is_numeric(&kind) => Some((
                    "its answers are not numbers and its options have no values",
                    "compare codes with equals/one_of, or give the options numeric values",
                )),
                _ => None,
            },
        };
        if let Some((what, fix)) = problem {
            self.problem(
                pointer,
                format!("the condition cannot use \"{text}\": {what}"),
                fix,
            );
            return None;
        }
        Some(target)
    }

    fn code_of(&mut self, target: &ItemRef, code: &str, pointer: &str) -> Option<Code> {
        let options = self.seen.get(&target.item)?.kind.options()?.clone();
        let found = options.find(code).map(|option| option.code.clone());
        if found.is_none() {
            let allowed: Vec<&str> = options
                .options
                .iter()
                .map(|option| option.code.as_str())
                .collect();
            self.problem(
                pointer,
                format!("\"{code}\" is not an answer code of {target}"),
                format!("use one of: {}", allowed.join(", ")),
            );
        }
        found
    }
}

#[derive(Clone, Copy)]
enum Want {
    Anything,
    Code,
    Number,
}

/// Why an ordered scale is not scored consistently, if it is not.
fn scale_inconsistency(options: &Options) -> Option<String> {
    let applicable: Vec<&AnswerOption> = options
        .options
        .iter()
        .filter(|option| option.role != ScoringRole::NotApplicable)
        .collect();
    if applicable.len() < 2 {
        return Some("an ordered scale needs at least two applicable options".to_owned());
    }
    if !applicable
        .iter()
        .any(|option| option.role == ScoringRole::Positive)
    {
        return Some("no option of this scale is positive, so it cannot be scored".to_owned());
    }
    let positive: Vec<bool> = applicable
        .iter()
        .map(|option| option.role == ScoringRole::Positive)
        .collect();
    let changes = positive
        .windows(2)
        .filter(|pair| pair[0] != pair[1])
        .count();
    if changes > 1 {
        return Some("the positive options are not together at one end of the scale".to_owned());
    }
    let values: Vec<f64> = applicable
        .iter()
        .filter_map(|option| option.value)
        .collect();
    if !values.is_empty() {
        if values.len() != applicable.len() {
            return Some("some applicable options have a value and others do not".to_owned());
        }
        let rising = values.windows(2).all(|pair| pair[0] < pair[1]);
        let falling = values.windows(2).all(|pair| pair[0] > pair[1]);
        if !rising && !falling {
            return Some("option values do not run in one direction".to_owned());
        }
    }
    None
}
