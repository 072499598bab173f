//! Best-effort scrubbing of free text before it leaves the store (DOMAIN.md section 4).

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// What the scrubber cannot do; printed with every export that includes free text.
pub const SCRUBBER_LIMITS: &str = "Free text is scrubbed on a best-effort basis: e-mail addresses, URLs, \
phone numbers, dates, other numbers of 9 digits or more, Swiss AHV numbers (756..., EAN-13 check digit), French NIR numbers (key 97 - n mod 97) \
and names after a title (Dr, Prof., Madame, Herr, Signora...) are replaced by [email], [url], [phone], [date], \
[ahv], [nir], [number] and [name]. Names without a title, nicknames, misspellings, rare diagnoses, places, \
jobs and events that identify someone indirectly are NOT detected. A person must read free text before \
anyone outside the data controller sees it.";

fn regex(pattern: &str) -> Regex {
    // The patterns are constants of this file, covered by its tests.
    #[allow(clippy::expect_used)]
    Regex::new(pattern).expect("scrubber patterns are valid")
}

static EMAIL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"));
static URL: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\b(?:https?://|www\.)[^\s<>]+"));
static AHV: LazyLock<Regex> = LazyLock::new(|| regex(r"\b756[.\s]?\d{4}[.\s]?\d{4}[.\s]?\d{2}\b"));
static NIR: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"\b[12]\s?\d{2}\s?(?:0[1-9]|1[0-2]|[2-9]\d)\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}\s?\d{2}\b")
});
static DATE: LazyLock<Regex> = LazyLock::new(|| {
    let months = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|\
        januar|jänner|februar|märz|april|juni|juli|august|oktober|dezember|\
        gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|dicembre|\
        january|february|march|may|june|july|october|december";
    regex(&format!(
        r"(?i)\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-]\d{{2,4}}|\d{{4}}-\d{{2}}-\d{{2}}|\d{{1,2}}(?:er|\.)?\s+(?:{months})(?:\s+\d{{4}})?|(?:{months})\s+\d{{1,2}},?\s+\d{{4}})\b"
    ))
});
static PHONE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?:\+|\b00)\d{2}[\s./-]?(?:\(0\)\s?)?\d{1,3}(?:[\s./-]?\d{2,4}){2,4}\b|\b0\d{1,2}(?:[\s./-]?\d{2,3}){3,4}\b",
    )
});
/// Any other long number (patient, insurance or case numbers): 9 digits or more, separators allowed.
static LONG_NUMBER: LazyLock<Regex> = LazyLock::new(|| regex(r"\b\d(?:[\s./-]?\d){8,}\b"));
static TITLED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"\b(?i:dr|dre|drs|prof|professeur|professeure|docteur|doctoresse|doktor|doktorin|dott|dottor|dottore|dottoressa|madame|monsieur|mme|mlle|frau|herr|signor|signora|signorina|sig|sig\.ra|mr|mrs|ms|miss|sister|schwester|soeur|sœur|infirmière|infirmier)\.?\s+[A-ZÀ-ÖØ-Þ][\p{L}'’-]+(?:\s+[A-ZÀ-ÖØ-Þ][\p{L}'’-]+)?",
    )
});

/// Scrubs one text; returns the scrubbed text and the number of replacements.
pub fn scrub(text: &str) -> (String, usize) {
    let mut count = 0;
    let mut current = text.to_owned();
    let mut replace = |pattern: &Regex, label: &str, keep: &dyn Fn(&str) -> bool| {
        current = pattern
            .replace_all(&current, |caps: &Captures| {
                let found = &caps[0];
                if keep(found) {
                    found.to_owned()
                } else {
                    count += 1;
                    format!("[{label}]")
                }
            })
            .into_owned();
    };
    replace(&EMAIL, "email", &|_| false);
    replace(&URL, "url", &|_| false);
    replace(&AHV, "ahv", &|found| !ahv_check(found));
    replace(&NIR, "nir", &|found| !nir_check(found));
    replace(&DATE, "date", &|_| false);
    replace(&PHONE, "phone", &|_| false);
    replace(&LONG_NUMBER, "number", &|_| false);
    replace(&TITLED_NAME, "name", &|_| false);
    (current, count)
}

fn digits(text: &str) -> Vec<u32> {
    text.chars().filter_map(|c| c.to_digit(10)).collect()
}

/// EAN-13 check digit of a Swiss AHV/AVS number (756.xxxx.xxxx.xc).
fn ahv_check(text: &str) -> bool {
    let digits = digits(text);
    if digits.len() != 13 {
        return false;
    }
    let sum: u32 = digits[..12]
        .iter()
        .enumerate()
        .map(|(idx, d)| if idx % 2 == 0 { *d } else { d * 3 })
        .sum();
    (10 - sum % 10) % 10 == digits[12]
}

/// Key of a French NIR: 97 - (first 13 digits mod 97); Corsica's 2A and 2B count as 19 and 18.
fn nir_check(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() != 15 {
        return false;
    }
    let (body, key) = compact.split_at(13);
    let body = body.replace("2A", "19").replace("2B", "18");
    match (body.parse::<u64>(), key.parse::<u64>()) {
        (Ok(number), Ok(key)) => 97 - number % 97 == key,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::scrub;

    fn check(input: &str, expected: &str) {
        assert_eq!(scrub(input).0, expected, "input: {input}");
    }

    #[test]
    fn identifiers_are_replaced() {
        check(
            "Écrivez-moi à anna.muster@example.ch svp",
            "Écrivez-moi à [email] svp",
        );
        check(
            "voir https://hopital.example/page?id=3 ou www.example.org",
            "voir [url] ou [url]",
        );
        check(
            "Rufen Sie 079 123 45 67 oder +41 21 314 11 11 an",
            "Rufen Sie [phone] oder [phone] an",
        );
        check(
            "opéré le 12.03.2024 puis le 3 mars 2024",
            "opéré le [date] puis le [date]",
        );
        check(
            "Le Dr Martin et la Dre Sophie Rochat",
            "Le [name] et la [name]",
        );
        check("grazie alla dottoressa Bianchi", "grazie alla [name]");
        check("Herr Müller war sehr nett", "[name] war sehr nett");
    }

    #[test]
    fn ahv_and_nir_numbers_need_a_valid_check_digit() {
        // 756.1234.5678.97 has a valid EAN-13 check digit (7).
        check("AVS 756.1234.5678.97", "AVS [ahv]");
        check("NIR 2 55 08 14 168 025 38", "NIR [nir]");
        // A wrong check digit is not an AHV number, but a long number all the same.
        check("756.1234.5678.90", "[number]");
        check("dossier 12345678901", "dossier [number]");
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        check(
            "Les infirmières étaient très gentilles, merci.",
            "Les infirmières étaient très gentilles, merci.",
        );
        check(
            "J'ai attendu 3 heures aux urgences.",
            "J'ai attendu 3 heures aux urgences.",
        );
        check(
            "Ich hatte 2 Operationen im Jahr 2023.",
            "Ich hatte 2 Operationen im Jahr 2023.",
        );
    }
}
