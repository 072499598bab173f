//! Differences between two versions of a survey, item by item, for patient partners and
//! researchers who review a new version, and for deciding which answers still pool.
//!
//! Items, sections and matrix rows are the same when they have the same id: the id is the
//! answer's column in the wide table, so a question reworded in every language is still the same
//! item, and an item given a new id is one removed and one added. Every text is compared per
//! language; options are compared by code.

use std::collections::HashMap;
use std::fmt;

use crate::model::{AnswerOption, Code, Id, Item, ItemKind, Matrix, Options, ScoringRole, Survey};
use crate::text::{Lang, Text};

/// Every difference between an older and a newer version of a survey.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct SurveyDiff {
    /// The older version.
    pub old: Version,
    /// The newer version.
    pub new: Version,
    /// Survey-wide changes first, then each section of the new version with its items in
    /// questionnaire order, then what was removed, in the old version's order.
    pub changes: Vec<Change>,
}

/// Which version of which survey.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Version {
    /// Survey id.
    pub id: Id,
    /// Version as written in the definition.
    pub version: String,
    /// SHA-256 of the definition.
    pub hash: String,
}

/// One difference, and what it is a difference of.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct Change {
    /// The survey as a whole, a section or an item.
    pub subject: Subject,
    /// What changed.
    pub what: What,
}

/// What a change is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// The survey as a whole (its languages).
    Survey,
    /// A section (page), by id.
    Section(Id),
    /// An item, by id.
    Item(Id),
}

/// A place in the questionnaire: the section and the position in it, from 1.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Place {
    /// Section id.
    pub section: Id,
    /// Position among the section's items (or, for a section, among the sections), from 1.
    pub position: usize,
}

/// Which text of an item or section.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    /// The question (or display text, or a section's title).
    Text,
    /// The help text under a question.
    Help,
    /// A section's introduction.
    Intro,
    /// The label of the answer option with this code.
    Option(Code),
    /// The statement of this matrix row.
    Row(Id),
    /// The label of a rating's 0 end.
    LowLabel,
    /// The label of a rating's 10 end.
    HighLabel,
    /// The unit shown with a number.
    Unit,
}

/// What changed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum What {
    /// A language is declared in the new version only.
    LanguageAdded {
        /// The language.
        lang: Lang,
    },
    /// A language is declared in the old version only.
    LanguageRemoved {
        /// The language.
        lang: Lang,
    },
    /// New in this version, at this place.
    Added {
        /// Where it is.
        at: Place,
    },
    /// Gone from this version; it was at this place.
    Removed {
        /// Where it was.
        at: Place,
    },
    /// Moved: in another section, or out of its order among the items both versions have.
    Moved {
        /// Where it was.
        from: Place,
        /// Where it is.
        to: Place,
    },
    /// One text in one language differs (`None`: no such text in that version).
    Reworded {
        /// The language.
        lang: Lang,
        /// Which text.
        part: Part,
        /// The text before.
        old: Option<String>,
        /// The text now.
        new: Option<String>,
    },
    /// The kind of answer differs (single choice to scale, ...).
    KindChanged {
        /// Kind before.
        old: String,
        /// Kind now.
        new: String,
    },
    /// An answer option (code) is new.
    OptionAdded {
        /// Its code.
        code: Code,
        /// Its scoring role.
        role: ScoringRole,
        /// Its position among the options, from 1.
        position: usize,
    },
    /// An answer option (code) is gone.
    OptionRemoved {
        /// Its code.
        code: Code,
        /// Its scoring role before.
        role: ScoringRole,
    },
    /// An option keeps its code but counts differently in scores.
    RoleChanged {
        /// The option's code.
        code: Code,
        /// Role before.
        old: ScoringRole,
        /// Role now.
        new: ScoringRole,
    },
    /// The options both versions have are shown in another order.
    OptionsReordered {
        /// Codes in the old order.
        old: Vec<Code>,
        /// Codes in the new order.
        new: Vec<Code>,
    },
    /// A matrix row is new.
    RowAdded {
        /// Row id.
        row: Id,
        /// Its position among the rows, from 1.
        position: usize,
    },
    /// A matrix row is gone.
    RowRemoved {
        /// Row id.
        row: Id,
    },
    /// The rows both versions have are shown in another order.
    RowsReordered {
        /// Row ids in the old order.
        old: Vec<Id>,
        /// Row ids in the new order.
        new: Vec<Id>,
    },
    /// The skip logic differs (`None`: always shown), in words.
    LogicChanged {
        /// Condition before.
        old: Option<String>,
        /// Condition now.
        new: Option<String>,
    },
    /// The domain differs (`None`: in no domain).
    DomainChanged {
        /// Domain before.
        old: Option<Id>,
        /// Domain now.
        new: Option<Id>,
    },
    /// Another property differs: `required`, `overall_rating`, `case_mix`, an option's
    /// `value` or `exclusive`, a rating's thresholds, a number's or text's bounds.
    SettingChanged {
        /// The property, as written in definitions (`value of option 2` for an option's).
        setting: String,
        /// Value before.
        old: String,
        /// Value now.
        new: String,
    },
}

impl What {
    /// Whether answers given to the two versions can no longer be pooled or compared as one
    /// series: the item is gone, takes another kind of answer, or its codes, their roles or the
    /// thresholds that turn answers into scores differ. Rewordings, moves, logic and domains do
    /// not change what a code means in data, so they are listed but do not break the series.
    pub fn breaks_comparison(&self) -> bool {
        match self {
            What::Removed { .. }
            | What::Added { .. }
            | What::KindChanged { .. }
            | What::OptionAdded { .. }
            | What::OptionRemoved { .. }
            | What::RoleChanged { .. }
            | What::RowAdded { .. }
            | What::RowRemoved { .. } => true,
            What::SettingChanged { setting, .. } => {
                setting.starts_with("value of option")
                    || matches!(setting.as_str(), "positive_min" | "negative_max")
            }
            _ => false,
        }
    }
}

impl SurveyDiff {
    /// Whether answers to this item, in either version, still pool with the other version's:
    /// no change of it breaks the comparison (see [`What::breaks_comparison`]); an item added
    /// or removed does not pool.
    pub fn comparable(&self, item: &Id) -> bool {
        !self.changes.iter().any(|change| {
            change.subject == Subject::Item(item.clone()) && change.what.breaks_comparison()
        })
    }
}

/// The differences from `old` to `new`.
pub fn diff(old: &Survey, new: &Survey) -> SurveyDiff {
    let mut changes = Vec::new();
    for lang in &new.languages {
        if !old.languages.contains(lang) {
            changes.push(survey_change(What::LanguageAdded { lang: lang.clone() }));
        }
    }
    for lang in &old.languages {
        if !new.languages.contains(lang) {
            changes.push(survey_change(What::LanguageRemoved { lang: lang.clone() }));
        }
    }
    let old_places = places(old);
    let new_places = places(new);
    let moved = moved_items(old, new, &old_places, &new_places);
    let old_sections: HashMap<&Id, usize> = old
        .sections
        .iter()
        .enumerate()
        .map(|(idx, section)| (&section.id, idx))
        .collect();
    let new_section_ids: Vec<&Id> = new.sections.iter().map(|section| &section.id).collect();
    for (section_idx, section) in new.sections.iter().enumerate() {
        let subject = Subject::Section(section.id.clone());
        let mut whats = Vec::new();
        match old_sections.get(&section.id) {
            None => whats.push(What::Added {
                at: Place {
                    section: section.id.clone(),
                    position: section_idx + 1,
                },
            }),
            Some(&old_idx) => {
                let before = &old.sections[old_idx];
                texts(
                    &mut whats,
                    Part::Text,
                    Some(&before.title),
                    Some(&section.title),
                );
                texts(
                    &mut whats,
                    Part::Intro,
                    before.intro.as_ref(),
                    section.intro.as_ref(),
                );
                logic(&mut whats, &before.show_if, &section.show_if);
            }
        }
        push_all(&mut changes, &subject, whats);
        for item in &section.items {
            let mut whats = Vec::new();
            match old.item(item.id.as_str()) {
                None => whats.push(What::Added {
                    at: new_places[&item.id].clone(),
                }),
                Some(before) => {
                    if moved.contains(&item.id) {
                        whats.push(What::Moved {
                            from: old_places[&item.id].clone(),
                            to: new_places[&item.id].clone(),
                        });
                    }
                    item_changes(&mut whats, before, item);
                }
            }
            push_all(&mut changes, &Subject::Item(item.id.clone()), whats);
        }
    }
    for section in &old.sections {
        if !new_section_ids.contains(&&section.id) {
            changes.push(Change {
                subject: Subject::Section(section.id.clone()),
                what: What::Removed {
                    at: Place {
                        section: section.id.clone(),
                        position: old_sections[&section.id] + 1,
                    },
                },
            });
        }
        for item in &section.items {
            if new.item(item.id.as_str()).is_none() {
                changes.push(Change {
                    subject: Subject::Item(item.id.clone()),
                    what: What::Removed {
                        at: old_places[&item.id].clone(),
                    },
                });
            }
        }
    }
    SurveyDiff {
        old: version(old),
        new: version(new),
        changes,
    }
}

fn version(survey: &Survey) -> Version {
    Version {
        id: survey.id.clone(),
        version: survey.version.clone(),
        hash: survey.hash.clone(),
    }
}

fn survey_change(what: What) -> Change {
    Change {
        subject: Subject::Survey,
        what,
    }
}

fn push_all(changes: &mut Vec<Change>, subject: &Subject, whats: Vec<What>) {
    changes.extend(whats.into_iter().map(|what| Change {
        subject: subject.clone(),
        what,
    }));
}

/// Where each item sits: its section and position in it.
fn places(survey: &Survey) -> HashMap<Id, Place> {
    survey
        .sections
        .iter()
        .flat_map(|section| {
            section.items.iter().enumerate().map(|(idx, item)| {
                let place = Place {
                    section: section.id.clone(),
                    position: idx + 1,
                };
                (item.id.clone(), place)
            })
        })
        .collect()
}

/// Items both versions have that changed section, or left their order among the items both
/// versions have: those outside a longest run kept in order. Items added or removed around an
/// item shift its position but do not move it.
fn moved_items(
    old: &Survey,
    new: &Survey,
    old_places: &HashMap<Id, Place>,
    new_places: &HashMap<Id, Place>,
) -> Vec<Id> {
    let ids =
        |survey: &Survey| -> Vec<Id> { survey.items().map(|(_, item)| item.id.clone()).collect() };
    let (before, now) = common_orders(&ids(old), &ids(new));
    let in_order = longest_common_subsequence(&before, &now);
    now.into_iter()
        .filter(|id| {
            !in_order.contains(id)
                || old_places.get(id).map(|place| &place.section)
                    != new_places.get(id).map(|place| &place.section)
        })
        .collect()
}

/// The keys both lists have, each list's in its own order: a reordering when they differ.
fn common_orders<K: Clone + PartialEq>(old: &[K], new: &[K]) -> (Vec<K>, Vec<K>) {
    let keep = |list: &[K], other: &[K]| -> Vec<K> {
        list.iter()
            .filter(|key| other.contains(key))
            .cloned()
            .collect()
    };
    (keep(old, new), keep(new, old))
}

/// A longest common subsequence of two sequences of distinct keys.
fn longest_common_subsequence<K: Clone + PartialEq>(a: &[K], b: &[K]) -> Vec<K> {
    let (n, m) = (a.len(), b.len());
    // lengths[i][j]: LCS length of a[i..] and b[j..].
    let mut lengths = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lengths[i][j] = if a[i] == b[j] {
                lengths[i + 1][j + 1] + 1
            } else {
                lengths[i + 1][j].max(lengths[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut common) = (0, 0, Vec::new());
    while i < n && j < m {
        if a[i] == b[j] {
            common.push(b[j].clone());
            i += 1;
            j += 1;
        } else if lengths[i + 1][j] >= lengths[i][j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    common
}

fn item_changes(whats: &mut Vec<What>, old: &Item, new: &Item) {
    if old.kind.name() != new.kind.name() {
        whats.push(What::KindChanged {
            old: old.kind.name().to_owned(),
            new: new.kind.name().to_owned(),
        });
    }
    texts(whats, Part::Text, Some(&old.text), Some(&new.text));
    texts(whats, Part::Help, old.help.as_ref(), new.help.as_ref());
    if let (Some(before), Some(now)) = (old.kind.options(), new.kind.options()) {
        options(whats, before, now);
    }
    if let (ItemKind::Matrix(before), ItemKind::Matrix(now)) = (&old.kind, &new.kind) {
        rows(whats, before, now);
    }
    specs(whats, &old.kind, &new.kind);
    logic(whats, &old.show_if, &new.show_if);
    if old.domain != new.domain {
        whats.push(What::DomainChanged {
            old: old.domain.clone(),
            new: new.domain.clone(),
        });
    }
    setting(whats, "required", old.required, new.required);
    setting(
        whats,
        "overall_rating",
        old.overall_rating,
        new.overall_rating,
    );
    setting(whats, "case_mix", old.case_mix, new.case_mix);
}

/// Every language in which a text differs, is new or is gone.
fn texts(whats: &mut Vec<What>, part: Part, old: Option<&Text>, new: Option<&Text>) {
    let lookup = |text: Option<&Text>| -> Vec<(Lang, String)> {
        text.map(|text| {
            text.translations()
                .map(|(lang, text)| (lang.clone(), text.to_owned()))
                .collect()
        })
        .unwrap_or_default()
    };
    let (old, new) = (lookup(old), lookup(new));
    let find = |list: &[(Lang, String)], lang: &Lang| {
        list.iter()
            .find(|(l, _)| l == lang)
            .map(|(_, text)| text.clone())
    };
    let mut langs: Vec<&Lang> = old.iter().chain(&new).map(|(lang, _)| lang).collect();
    langs.sort();
    langs.dedup();
    for lang in langs {
        let (before, now) = (find(&old, lang), find(&new, lang));
        if before != now {
            whats.push(What::Reworded {
                lang: lang.clone(),
                part: part.clone(),
                old: before,
                new: now,
            });
        }
    }
}

fn options(whats: &mut Vec<What>, old: &Options, new: &Options) {
    for (idx, option) in new.options.iter().enumerate() {
        match old.find(option.code.as_str()) {
            None => whats.push(What::OptionAdded {
                code: option.code.clone(),
                role: option.role,
                position: idx + 1,
            }),
            Some(before) => option_changes(whats, before, option),
        }
    }
    for option in &old.options {
        if new.find(option.code.as_str()).is_none() {
            whats.push(What::OptionRemoved {
                code: option.code.clone(),
                role: option.role,
            });
        }
    }
    let codes = |options: &Options| -> Vec<Code> {
        options
            .options
            .iter()
            .map(|option| option.code.clone())
            .collect()
    };
    let (before, now) = common_orders(&codes(old), &codes(new));
    if before != now {
        whats.push(What::OptionsReordered {
            old: before,
            new: now,
        });
    }
}

fn option_changes(whats: &mut Vec<What>, old: &AnswerOption, new: &AnswerOption) {
    let code = &new.code;
    texts(
        whats,
        Part::Option(code.clone()),
        Some(&old.label),
        Some(&new.label),
    );
    if old.role != new.role {
        whats.push(What::RoleChanged {
            code: code.clone(),
            old: old.role,
            new: new.role,
        });
    }
    let shown = |value: Option<f64>| value.map_or("none".to_owned(), |value| value.to_string());
    setting(
        whats,
        &format!("value of option {code}"),
        shown(old.value),
        shown(new.value),
    );
    setting(
        whats,
        &format!("exclusive of option {code}"),
        old.exclusive,
        new.exclusive,
    );
}

fn rows(whats: &mut Vec<What>, old: &Matrix, new: &Matrix) {
    for (idx, row) in new.rows.iter().enumerate() {
        match old.row(row.id.as_str()) {
            None => whats.push(What::RowAdded {
                row: row.id.clone(),
                position: idx + 1,
            }),
            Some(before) => texts(
                whats,
                Part::Row(row.id.clone()),
                Some(&before.text),
                Some(&row.text),
            ),
        }
    }
    for row in &old.rows {
        if new.row(row.id.as_str()).is_none() {
            whats.push(What::RowRemoved {
                row: row.id.clone(),
            });
        }
    }
    let ids =
        |matrix: &Matrix| -> Vec<Id> { matrix.rows.iter().map(|row| row.id.clone()).collect() };
    let (before, now) = common_orders(&ids(old), &ids(new));
    if before != now {
        whats.push(What::RowsReordered {
            old: before,
            new: now,
        });
    }
}

/// Bounds, thresholds and end labels of items that keep their kind.
fn specs(whats: &mut Vec<What>, old: &ItemKind, new: &ItemKind) {
    match (old, new) {
        (ItemKind::Rating(before), ItemKind::Rating(now)) => {
            texts(
                whats,
                Part::LowLabel,
                Some(&before.low_label),
                Some(&now.low_label),
            );
            texts(
                whats,
                Part::HighLabel,
                Some(&before.high_label),
                Some(&now.high_label),
            );
            setting(whats, "positive_min", before.positive_min, now.positive_min);
            setting(whats, "negative_max", before.negative_max, now.negative_max);
        }
        (ItemKind::Number(before), ItemKind::Number(now)) => {
            texts(whats, Part::Unit, before.unit.as_ref(), now.unit.as_ref());
            setting(whats, "min", before.min, now.min);
            setting(whats, "max", before.max, now.max);
            setting(whats, "integer", before.integer, now.integer);
        }
        (ItemKind::Text(before), ItemKind::Text(now)) => {
            setting(whats, "max_length", before.max_length, now.max_length);
            setting(whats, "identifying", before.identifying, now.identifying);
        }
        (ItemKind::MonthYear(before), ItemKind::MonthYear(now)) => {
            setting(whats, "min_year", before.min_year, now.min_year);
            setting(whats, "max_year", before.max_year, now.max_year);
        }
        _ => {}
    }
}

fn logic(whats: &mut Vec<What>, old: &Option<crate::Condition>, new: &Option<crate::Condition>) {
    if old != new {
        whats.push(What::LogicChanged {
            old: old.as_ref().map(ToString::to_string),
            new: new.as_ref().map(ToString::to_string),
        });
    }
}

fn setting<T: PartialEq + ToString>(whats: &mut Vec<What>, name: &str, old: T, new: T) {
    if old != new {
        whats.push(What::SettingChanged {
            setting: name.to_owned(),
            old: old.to_string(),
            new: new.to_string(),
        });
    }
}

impl fmt::Display for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::Survey => f.write_str("survey"),
            Subject::Section(id) => write!(f, "section {id}"),
            Subject::Item(id) => write!(f, "item {id}"),
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} #{}", self.section, self.position)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Text => f.write_str("text"),
            Part::Help => f.write_str("help"),
            Part::Intro => f.write_str("introduction"),
            Part::Option(code) => write!(f, "label of option {code}"),
            Part::Row(row) => write!(f, "row {row}"),
            Part::LowLabel => f.write_str("label of 0"),
            Part::HighLabel => f.write_str("label of 10"),
            Part::Unit => f.write_str("unit"),
        }
    }
}

impl fmt::Display for What {
    /// One line, but for rewordings and logic, whose old and new forms follow on their own lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let or_none = |text: &Option<String>| text.clone().unwrap_or_else(|| "(none)".to_owned());
        let codes = |codes: &[Code]| {
            codes
                .iter()
                .map(Code::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let ids = |ids: &[Id]| ids.iter().map(Id::as_str).collect::<Vec<_>>().join(", ");
        match self {
            What::LanguageAdded { lang } => write!(f, "language {lang} added"),
            What::LanguageRemoved { lang } => write!(f, "language {lang} removed"),
            What::Added { at } => write!(f, "added at {at}"),
            What::Removed { at } => write!(f, "removed (was at {at})"),
            What::Moved { from, to } => write!(f, "moved from {from} to {to}"),
            What::Reworded {
                lang,
                part,
                old,
                new,
            } => write!(
                f,
                "{part} reworded in {lang}\n    - {}\n    + {}",
                or_none(old),
                or_none(new)
            ),
            What::KindChanged { old, new } => write!(f, "kind changed from {old} to {new}"),
            What::OptionAdded {
                code,
                role,
                position,
            } => write!(f, "option {code} added at {position} ({})", role.as_str()),
            What::OptionRemoved { code, role } => {
                write!(f, "option {code} removed (was {})", role.as_str())
            }
            What::RoleChanged { code, old, new } => write!(
                f,
                "option {code} now counts as {} (was {})",
                new.as_str(),
                old.as_str()
            ),
            What::OptionsReordered { old, new } => {
                write!(f, "options reordered from {} to {}", codes(old), codes(new))
            }
            What::RowAdded { row, position } => write!(f, "row {row} added at {position}"),
            What::RowRemoved { row } => write!(f, "row {row} removed"),
            What::RowsReordered { old, new } => {
                write!(f, "rows reordered from {} to {}", ids(old), ids(new))
            }
            What::LogicChanged { old, new } => write!(
                f,
                "shown-if changed\n    - {}\n    + {}",
                old.as_deref().unwrap_or("always shown"),
                new.as_deref().unwrap_or("always shown")
            ),
            What::DomainChanged { old, new } => {
                let name = |id: &Option<Id>| {
                    id.as_ref()
                        .map_or("no domain".to_owned(), |id| id.to_string())
                };
                write!(f, "domain changed from {} to {}", name(old), name(new))
            }
            What::SettingChanged { setting, old, new } => {
                write!(f, "{setting} changed from {old} to {new}")
            }
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.subject, self.what)
    }
}

impl fmt::Display for SurveyDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} version {} -> {} version {}: {}",
            self.old.id,
            self.old.version,
            self.new.id,
            self.new.version,
            match self.changes.len() {
                0 => "no differences".to_owned(),
                1 => "1 change".to_owned(),
                n => format!("{n} changes"),
            }
        )?;
        for change in &self.changes {
            let mark = if change.what.breaks_comparison() {
                "  (answers no longer pool)"
            } else {
                ""
            };
            writeln!(f, "{change}{mark}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{common_orders, longest_common_subsequence};

    #[test]
    fn one_item_taken_out_of_order_is_the_only_one_outside_the_longest_run() {
        let old = ["a", "b", "c", "d", "e"];
        let new = ["a", "b", "d", "e", "c"];
        assert_eq!(longest_common_subsequence(&old, &new), ["a", "b", "d", "e"]);
        // Removals and additions around the others move nothing.
        let (before, now) = common_orders(&["x", "a", "b", "c"], &["a", "y", "b", "c"]);
        assert_eq!(
            (before.as_slice(), now.as_slice()),
            (&["a", "b", "c"][..], &["a", "b", "c"][..])
        );
    }
}
