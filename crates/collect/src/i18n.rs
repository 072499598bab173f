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

    /// A message; in a variant such as the easy-read `fr-falc`, its language's (the survey
    /// gives the variant's own questions); English when the language lacks it, the id itself
    /// when the message is unknown.
    pub fn get(&self, id: &str) -> String {
        MESSAGES
            .get(id)
            .and_then(|translations| {
                translations
                    .get(self.lang.as_str())
                    .or_else(|| translations.get(self.lang.base()))
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

/// The interface language a browser prefers most (`Accept-Language`, RFC 9110: by weight, then
/// in order; `de-CH` counts as `de`), if it names one of them.
pub fn accepted_language(header: &str) -> Option<&'static str> {
    let mut best: Option<(&'static str, f32)> = None;
    for range in header.split(',') {
        let mut parts = range.split(';');
        let tag = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
        let weight = parts
            .find_map(|param| param.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let base = tag.split('-').next().unwrap_or_default();
        let Some(lang) = INTERFACE_LANGUAGES.into_iter().find(|lang| *lang == base) else {
            continue;
        };
        if weight > 0.0 && best.is_none_or(|(_, kept)| weight > kept) {
            best = Some((lang, weight));
        }
    }
    best.map(|(lang, _)| lang)
}

/// Each language's own name, for the language switch; a variant such as the easy-read
/// `fr-falc` in its own words, so that those who need it recognise it.
pub fn language_name(code: &str) -> String {
    let (base, variant) = match code.split_once('-') {
        Some((base, variant)) => (base, Some(variant)),
        None => (code, None),
    };
    let name = match base {
        "fr" => "Français",
        "de" => "Deutsch",
        "it" => "Italiano",
        "en" => "English",
        _ => base,
    };
    match (base, variant) {
        (_, None) => name.to_owned(),
        ("fr", Some("falc")) => "Français facile à lire (FALC)".to_owned(),
        ("de", Some("leicht")) => "Deutsch in Leichter Sprache".to_owned(),
        ("it", Some("facile")) => "Italiano facile da leggere".to_owned(),
        ("en", Some("easy")) => "English easy read".to_owned(),
        (_, Some(variant)) => format!("{name} ({variant})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browsers_preferred_interface_language_wins_by_weight_then_order() {
        for (header, expected) in [
            ("de-CH,de;q=0.9,en;q=0.8", Some("de")),
            ("en-GB;q=0.5, it;q=0.7", Some("it")),
            ("es, fr;q=0.1", Some("fr")),
            ("fr;q=0, en;q=0.2", Some("en")),
            ("es, pt", None),
            ("", None),
            ("it, fr", Some("it")),
        ] {
            assert_eq!(accepted_language(header), expected, "{header}");
        }
    }

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

    #[test]
    fn an_easy_read_variant_is_named_in_its_own_words_and_speaks_its_language() {
        assert_eq!(language_name("fr-falc"), "Français facile à lire (FALC)");
        assert_eq!(language_name("de"), "Deutsch");
        assert_eq!(language_name("de-simple"), "Deutsch (simple)");
        let falc = Texts {
            lang: Lang::parse("fr-falc").expect("tag"),
        };
        let fr = Texts {
            lang: Lang::parse("fr").expect("tag"),
        };
        assert_eq!(falc.get("month_3"), fr.get("month_3"));
        assert_ne!(falc.get("month_3"), "month_3");
    }
}
