//! Languages and translated texts.

use std::collections::BTreeMap;
use std::fmt;

/// An ISO 639-1 language code (`fr`, `de`, `it`, `en`, ...), optionally with a variant subtag
/// for another register of the same language, such as the easy-read `fr-falc` (« Facile à lire
/// et à comprendre »): its own texts for the same items and codes, so answers pool with `fr`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Lang(String);

impl Lang {
    /// Parses a two-letter lower-case language code, optionally followed by `-` and a variant
    /// of 4 to 8 lower-case letters or digits (`fr-falc`).
    pub fn parse(code: &str) -> Option<Lang> {
        let (base, variant) = match code.split_once('-') {
            Some((base, variant)) => (base, Some(variant)),
            None => (code, None),
        };
        let base_ok = base.len() == 2 && base.bytes().all(|b| b.is_ascii_lowercase());
        let variant_ok = variant.is_none_or(|variant| {
            (4..=8).contains(&variant.len())
                && variant
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        (base_ok && variant_ok).then(|| Lang(code.to_owned()))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The language without its variant: `fr` for `fr-falc` and for `fr`.
    pub fn base(&self) -> &str {
        self.0.split_once('-').map_or(&self.0, |(base, _)| base)
    }

    /// The variant subtag, such as `falc` for `fr-falc`.
    pub fn variant(&self) -> Option<&str> {
        self.0.split_once('-').map(|(_, variant)| variant)
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

#[cfg(test)]
mod tests {
    use super::Lang;

    #[test]
    fn a_language_may_carry_a_variant_such_as_easy_read() {
        let falc = Lang::parse("fr-falc").expect("an easy-read variant");
        assert_eq!((falc.base(), falc.variant()), ("fr", Some("falc")));
        let fr = Lang::parse("fr").expect("a language");
        assert_eq!((fr.base(), fr.variant()), ("fr", None));
        for wrong in [
            "FR",
            "fra",
            "fr_falc",
            "fr-",
            "fr-abc",
            "fr-Falc",
            "fr-easyreads",
            "fr-falc-x",
        ] {
            assert!(Lang::parse(wrong).is_none(), "{wrong} was accepted");
        }
    }
}
