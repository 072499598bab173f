//! The patient pages' own texts in fr, de, it and en (`messages.json`); survey texts come from
//! the definition.

use std::collections::HashMap;
use std::sync::LazyLock;

use vecu_survey::{Lang, Survey};

type Catalogue = HashMap<String, HashMap<String, String>>;

static MESSAGES: LazyLock<Catalogue> = LazyLock::new(|| {
    // The file is part of the binary and checked by the tests below; an unreadable one shows
    // message ids instead of texts rather than stopping the service.
    serde_json::from_str(include_str!("messages.json")).unwrap_or_default()
});

/// Languages the interface speaks.
pub const INTERFACE_LANGUAGES: [&str; 4] = ["fr", "de", "it", "en"];

/// Texts in one language.
#[derive(Debug, Clone)]
pub struct Texts {
    lang: Lang,
}

impl Texts {
    /// The patient's language: asked for (`?lang=`), else the invitation's, else the survey's
    /// first; always one the survey is written in.
    pub fn choose(survey: &Survey, asked: Option<&str>, invitation: Option<&str>) -> Texts {
        let lang = [asked, invitation]
            .into_iter()
            .flatten()
            .find_map(|code| survey.language(code))
            .unwrap_or_else(|| survey.default_language())
            .clone();
        Texts { lang }
    }

    /// Interface texts in one of the interface languages, before any survey is known.
    pub fn interface(code: &str) -> Option<Texts> {
        INTERFACE_LANGUAGES
            .contains(&code)
            .then(|| Lang::parse(code))
            .flatten()
            .map(|lang| Texts { lang })
    }

    /// The language.
    pub fn lang(&self) -> &Lang {
        &self.lang
    }

    /// A message; English when the language lacks it, the id itself when the message is unknown.
    pub fn get(&self, id: &str) -> String {
        MESSAGES
            .get(id)
            .and_then(|translations| {
                translations
                    .get(self.lang.as_str())
                    .or_else(|| translations.get("en"))
            })
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// A message with `{name}` placeholders filled.
    pub fn fill(&self, id: &str, values: &[(&str, &str)]) -> String {
        values.iter().fold(self.get(id), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
    }

    /// The name of a month (1-12).
    pub fn month(&self, month: u8) -> String {
        self.get(&format!("month_{month}"))
    }
}

/// Each language's own name, for the language switch.
pub fn language_name(code: &str) -> &'static str {
    match code {
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "en" => "English",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_exists_in_every_language_with_the_same_placeholders() {
        assert!(
            MESSAGES.len() >= 60,
            "messages.json did not load: {} messages",
            MESSAGES.len()
        );
        for (id, translations) in MESSAGES.iter() {
            let placeholders = |text: &str| {
                let mut found: Vec<String> = text
                    .split('{')
                    .skip(1)
                    .filter_map(|part| part.split_once('}'))
                    .map(|(name, _)| name.to_owned())
                    .collect();
                found.sort();
                found
            };
            let english = translations
                .get("en")
                .unwrap_or_else(|| panic!("{id} has no English"));
            for lang in INTERFACE_LANGUAGES {
                let text = translations
                    .get(lang)
                    .unwrap_or_else(|| panic!("{id} has no {lang}"));
                assert!(!text.trim().is_empty(), "{id} is empty in {lang}");
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{id} in {lang} has other placeholders"
                );
            }
        }
        for month in 1..=12 {
            assert!(MESSAGES.contains_key(&format!("month_{month}")));
        }
    }
}
