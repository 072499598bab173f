//! The survey as an HL7 FHIR R4 `Questionnaire`, so it can travel to health systems.
//!
//! Sections become groups, matrices groups of choice items (`item.row`), translations the
//! standard translation extension. Skip logic becomes `enableWhen` where FHIR can say it (one
//! comparison, or all/any of comparisons) and an SDC `enableWhenExpression` in FHIRPath otherwise.

use serde_json::{json, Map, Value};

use crate::condition::{Condition, Expected, ItemRef};
use crate::model::{Item, ItemKind, Options, Survey};
use crate::text::{Lang, Text};

const TRANSLATION: &str = "http://hl7.org/fhir/StructureDefinition/translation";
const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
const UNIT: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
const ITEM_CONTROL: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl";
const ENABLE_WHEN_EXPRESSION: &str =
    "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-enableWhenExpression";

/// The FHIR R4 Questionnaire resource of a survey.
pub fn questionnaire(survey: &Survey) -> Value {
    let writer = Writer {
        survey,
        lang: survey.default_language(),
    };
    let mut resource = Map::new();
    resource.insert("resourceType".into(), json!("Questionnaire"));
    resource.insert("id".into(), json!(survey.id.as_str().replace('_', "-")));
    resource.insert(
        "url".into(),
        json!(format!("urn:vecu:survey:{}", survey.id)),
    );
    resource.insert("version".into(), json!(survey.version));
    resource.insert("language".into(), json!(writer.lang.as_str()));
    writer.text_into(&mut resource, "title", &survey.title);
    resource.insert("status".into(), json!("draft"));
    if let Some(description) = &survey.description {
        writer.text_into(&mut resource, "description", description);
    }
    if let Some(publisher) = &survey.publisher {
        resource.insert("publisher".into(), json!(publisher.get(writer.lang)));
    }
    let sections = survey.sections.iter().map(|section| {
        let mut group = Map::new();
        group.insert("linkId".into(), json!(section.id.as_str()));
        writer.text_into(&mut group, "text", &section.title);
        group.insert("type".into(), json!("group"));
        if let Some(condition) = &section.show_if {
            writer.enable_when_into(&mut group, condition);
        }
        let mut children = Vec::new();
        if let Some(intro) = &section.intro {
            let mut display = Map::new();
            display.insert("linkId".into(), json!(format!("{}-intro", section.id)));
            writer.text_into(&mut display, "text", intro);
            display.insert("type".into(), json!("display"));
            children.push(Value::Object(display));
        }
        children.extend(section.items.iter().map(|item| writer.item(item)));
        group.insert("item".into(), Value::Array(children));
        Value::Object(group)
    });
    resource.insert("item".into(), Value::Array(sections.collect()));
    Value::Object(resource)
}

struct Writer<'a> {
    survey: &'a Survey,
    lang: &'a Lang,
}

impl Writer<'_> {
    /// Writes `key` in the default language and `_key` with the other translations.
    fn text_into(&self, object: &mut Map<String, Value>, key: &str, text: &Text) {
        object.insert(key.into(), json!(text.get(self.lang)));
        let translations: Vec<Value> = text
            .translations()
            .filter(|(lang, _)| *lang != self.lang)
            .map(|(lang, content)| {
                json!({ "url": TRANSLATION, "extension": [
                    { "url": "lang", "valueCode": lang.as_str() },
                    { "url": "content", "valueString": content },
                ]})
            })
            .collect();
        if !translations.is_empty() {
            object.insert(format!("_{key}"), json!({ "extension": translations }));
        }
    }

    fn item(&self, item: &Item) -> Value {
        let mut object = Map::new();
        object.insert("linkId".into(), json!(item.id.as_str()));
        self.text_into(&mut object, "text", &item.text);
        let mut extensions = Vec::new();
        match &item.kind {
            ItemKind::SingleChoice(options) | ItemKind::Scale(options) => {
                object.insert("type".into(), json!("choice"));
                object.insert("answerOption".into(), self.answer_options(item, options));
            }
            ItemKind::MultipleChoice(options) => {
                object.insert("type".into(), json!("choice"));
                object.insert("repeats".into(), json!(true));
                object.insert("answerOption".into(), self.answer_options(item, options));
            }
            ItemKind::Rating(_) => {
                object.insert("type".into(), json!("integer"));
                extensions.push(json!({ "url": MIN_VALUE, "valueInteger": 0 }));
                extensions.push(json!({ "url": MAX_VALUE, "valueInteger": 10 }));
            }
            ItemKind::Number(spec) => {
                let (kind, min, max) = if spec.integer {
                    (
                        "integer",
                        json!({ "url": MIN_VALUE, "valueInteger": spec.min as i64 }),
                        json!({ "url": MAX_VALUE, "valueInteger": spec.max as i64 }),
                    )
                } else {
                    (
                        "decimal",
                        json!({ "url": MIN_VALUE, "valueDecimal": spec.min }),
                        json!({ "url": MAX_VALUE, "valueDecimal": spec.max }),
                    )
                };
                object.insert("type".into(), json!(kind));
                extensions.extend([min, max]);
                if let Some(unit) = &spec.unit {
                    extensions.push(
                        json!({ "url": UNIT, "valueCoding": { "display": unit.get(self.lang) } }),
                    );
                }
            }
            ItemKind::Text(spec) => {
                object.insert(
                    "type".into(),
                    json!(if spec.long { "text" } else { "string" }),
                );
                object.insert("maxLength".into(), json!(spec.max_length));
            }
            ItemKind::MonthYear(_) => {
                object.insert("type".into(), json!("date"));
            }
            ItemKind::Matrix(matrix) => {
                object.insert("type".into(), json!("group"));
                extensions.push(json!({ "url": ITEM_CONTROL, "valueCodeableConcept": { "coding": [
                    { "system": "http://hl7.org/fhir/questionnaire-item-control", "code": "gtable" }
                ]}}));
                let rows = matrix.rows.iter().map(|row| {
                    let mut child = Map::new();
                    child.insert("linkId".into(), json!(format!("{}.{}", item.id, row.id)));
                    self.text_into(&mut child, "text", &row.text);
                    child.insert("type".into(), json!("choice"));
                    if item.required {
                        child.insert("required".into(), json!(true));
                    }
                    child.insert(
                        "answerOption".into(),
                        self.answer_options(item, &matrix.options),
                    );
                    Value::Object(child)
                });
                object.insert("item".into(), Value::Array(rows.collect()));
            }
            ItemKind::Display => {
                object.insert("type".into(), json!("display"));
            }
        }
        if item.required && !matches!(item.kind, ItemKind::Matrix(_) | ItemKind::Display) {
            object.insert("required".into(), json!(true));
        }
        if !extensions.is_empty() {
            object.insert("extension".into(), Value::Array(extensions));
        }
        if let Some(condition) = &item.show_if {
            self.enable_when_into(&mut object, condition);
        }
        if let Some(help) = &item.help {
            // FHIR's convention for help text: a display child with the "help" item control.
            let mut display = Map::new();
            display.insert("linkId".into(), json!(format!("{}-help", item.id)));
            self.text_into(&mut display, "text", help);
            display.insert("type".into(), json!("display"));
            display.insert(
                "extension".into(),
                json!([{ "url": ITEM_CONTROL, "valueCodeableConcept": { "coding": [
                    { "system": "http://hl7.org/fhir/questionnaire-item-control", "code": "help" }
                ]}}]),
            );
            match object.get_mut("item").and_then(Value::as_array_mut) {
                Some(children) => children.push(Value::Object(display)),
                None => {
                    object.insert("item".into(), json!([display]));
                }
            }
        }
        Value::Object(object)
    }

    fn answer_options(&self, item: &Item, options: &Options) -> Value {
        let system = self.system(&item.id.to_string());
        options
            .options
            .iter()
            .map(|option| {
                let mut coding = Map::new();
                coding.insert("system".into(), json!(system));
                coding.insert("code".into(), json!(option.code.as_str()));
                self.text_into(&mut coding, "display", &option.label);
                json!({ "valueCoding": coding })
            })
            .collect()
    }

    fn system(&self, item: &str) -> String {
        format!("urn:vecu:survey:{}:{item}", self.survey.id)
    }

    /// `enableWhen` with `enableBehavior` where FHIR can say it, else an SDC FHIRPath expression.
    fn enable_when_into(&self, object: &mut Map<String, Value>, condition: &Condition) {
        let normal = self.numeric_choices_as_codes(condition);
        let plain = match &normal {
            Condition::All(parts) => self.comparisons(parts, false).map(|list| (list, "all")),
            Condition::Any(parts) => self.comparisons(parts, true).map(|list| (list, "any")),
            single => self
                .comparisons(std::slice::from_ref(single), true)
                .map(|list| (list, "any")),
        };
        match plain {
            Some((list, behaviour)) => {
                if list.len() > 1 {
                    object.insert("enableBehavior".into(), json!(behaviour));
                }
                object.insert("enableWhen".into(), Value::Array(list));
            }
            None => {
                let expression = json!({ "url": ENABLE_WHEN_EXPRESSION, "valueExpression": {
                    "language": "text/fhirpath", "expression": self.fhirpath(&normal)
                }});
                match object.get_mut("extension").and_then(Value::as_array_mut) {
                    Some(extensions) => extensions.push(expression),
                    None => {
                        object.insert("extension".into(), json!([expression]));
                    }
                }
            }
        }
    }

    /// FHIR cannot compare codings by value: `q > 2` on a scale becomes `q one of {codes > 2}`.
    fn numeric_choices_as_codes(&self, condition: &Condition) -> Condition {
        let rewrite = |target: &ItemRef, keep: &dyn Fn(f64) -> bool| -> Option<Condition> {
            let options = self.survey.item(target.item.as_str())?.kind.options()?;
            let codes = options
                .options
                .iter()
                .filter(|o| o.value.is_some_and(keep))
                .map(|o| o.code.clone())
                .collect();
            Some(Condition::OneOf(target.clone(), codes))
        };
        match condition {
            Condition::All(parts) => Condition::All(
                parts
                    .iter()
                    .map(|p| self.numeric_choices_as_codes(p))
                    .collect(),
            ),
            Condition::Any(parts) => Condition::Any(
                parts
                    .iter()
                    .map(|p| self.numeric_choices_as_codes(p))
                    .collect(),
            ),
            Condition::Not(inner) => Condition::Not(Box::new(self.numeric_choices_as_codes(inner))),
            Condition::GreaterThan(target, bound) => {
                rewrite(target, &|value| value > *bound).unwrap_or_else(|| condition.clone())
            }
            Condition::LessThan(target, bound) => {
                rewrite(target, &|value| value < *bound).unwrap_or_else(|| condition.clone())
            }
            other => other.clone(),
        }
    }

    /// Plain enableWhen entries for a list of comparisons, if each one is plain.
    /// `one_of` expands to several entries and so only fits where the behaviour is "any".
    fn comparisons(&self, parts: &[Condition], any: bool) -> Option<Vec<Value>> {
        let mut list = Vec::new();
        for part in parts {
            match part {
                Condition::OneOf(target, codes) if any || codes.len() == 1 => {
                    list.extend(
                        codes.iter().map(|code| {
                            self.entry(target, "=", self.coding(target, code.as_str()))
                        }),
                    );
                }
                Condition::Not(inner) => match inner.as_ref() {
                    Condition::Answered(target) => {
                        list.push(self.entry(target, "exists", ("answerBoolean", json!(false))))
                    }
                    Condition::Equals(target, expected) => {
                        list.push(self.entry(target, "!=", self.expected(target, expected)))
                    }
                    _ => return None,
                },
                Condition::Answered(target) => {
                    list.push(self.entry(target, "exists", ("answerBoolean", json!(true))))
                }
                Condition::Equals(target, expected) => {
                    list.push(self.entry(target, "=", self.expected(target, expected)))
                }
                Condition::GreaterThan(target, bound) => {
                    list.push(self.entry(target, ">", self.number(target, *bound)))
                }
                Condition::LessThan(target, bound) => {
                    list.push(self.entry(target, "<", self.number(target, *bound)))
                }
                _ => return None,
            }
        }
        Some(list)
    }

    fn entry(
        &self,
        target: &ItemRef,
        operator: &str,
        (key, answer): (&'static str, Value),
    ) -> Value {
        json!({ "question": target.to_string(), "operator": operator, key: answer })
    }

    fn coding(&self, target: &ItemRef, code: &str) -> (&'static str, Value) {
        (
            "answerCoding",
            json!({ "system": self.system(&target.item.to_string()), "code": code }),
        )
    }

    fn expected(&self, target: &ItemRef, expected: &Expected) -> (&'static str, Value) {
        match expected {
            Expected::Code(code) => self.coding(target, code.as_str()),
            Expected::Number(number) => self.number(target, *number),
        }
    }

    /// Integer questions compare with `answerInteger`, others with `answerDecimal`.
    fn number(&self, target: &ItemRef, number: f64) -> (&'static str, Value) {
        let integer_question = self.survey.item(target.item.as_str()).is_some_and(|item| {
            matches!(&item.kind, ItemKind::Rating(_))
                || matches!(&item.kind, ItemKind::Number(spec) if spec.integer)
        });
        if integer_question && number.fract() == 0.0 {
            ("answerInteger", json!(number as i64))
        } else {
            ("answerDecimal", json!(number))
        }
    }

    fn fhirpath(&self, condition: &Condition) -> String {
        let answers = |target: &ItemRef| {
            format!("%resource.repeat(item).where(linkId='{target}').answer.value")
        };
        let join = |parts: &[Condition], op: &str| {
            parts
                .iter()
                .map(|part| format!("({})", self.fhirpath(part)))
                .collect::<Vec<_>>()
                .join(op)
        };
        match condition {
            Condition::All(parts) => join(parts, " and "),
            Condition::Any(parts) => join(parts, " or "),
            Condition::Not(inner) => format!("({}).not()", self.fhirpath(inner)),
            Condition::Answered(target) => format!("{}.exists()", answers(target)),
            Condition::Equals(target, Expected::Code(code)) => {
                format!("{}.code contains '{code}'", answers(target))
            }
            Condition::Equals(target, Expected::Number(number)) => {
                format!("{} contains {number}", answers(target))
            }
            Condition::OneOf(target, codes) => {
                let list: Vec<String> = codes.iter().map(|code| format!("'{code}'")).collect();
                format!(
                    "{}.code.intersect({}).exists()",
                    answers(target),
                    list.join(" | ")
                )
            }
            Condition::GreaterThan(target, bound) => format!("{} > {bound}", answers(target)),
            Condition::LessThan(target, bound) => format!("{} < {bound}", answers(target)),
        }
    }
}
