//! Languages and translated texts.

use std::collections::BTreeMap;
use std::fmt;

/// An ISO 639-1 language code (`fr`, `de`, `it`, `en`, ...).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Lang(String);

impl Lang {
    /// Parses a two-letter lower-case language code.
    pub fn parse(code: &str) -> Option<Lang> {
        let valid = code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase());
        valid.then(|| Lang(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A text given in every language of its survey (the loader guarantees completeness).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Text(BTreeMap<Lang, String>);

impl Text {
    /// A text from its translations (the loader checks completeness for survey texts).
    pub fn new(translations: BTreeMap<Lang, String>) -> Self {
        Text(translations)
    }

    /// The text in `lang`, or in the first language available when the survey lacks `lang`.
    pub fn get(&self, lang: &Lang) -> &str {
        self.0
            .get(lang)
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// Every translation, by language.
    pub fn translations(&self) -> impl Iterator<Item = (&Lang, &str)> {
        self.0.iter().map(|(lang, text)| (lang, text.as_str()))
    }
}
