//! Access codes for letters: 60 random bits in Crockford's base32 (no I, L, O, U), and a check
//! character computed with Damm's algorithm over GF(32), which catches every single wrong
//! character and every swap of two neighbours, the check character included.
//!
//! Printed as `7KQ2-M9XD-4RWT-H`; typed any way the patient likes: case, spaces, dashes and the
//! confusable letters (I and L for 1, O for 0) do not matter.

use std::fmt;

use rand::RngCore;

/// Crockford's base32 alphabet: digits and letters without I, L, O and U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random characters (5 bits each: 60 bits).
const RANDOM_CHARS: usize = 12;
/// Characters of a code, check character included.
pub const CODE_CHARS: usize = RANDOM_CHARS + 1;

/// A well-formed access code (its check character holds). Holding one proves nothing about the
/// database: look it up with [`crate::Store::lookup_code`].
#[derive(Clone, PartialEq, Eq)]
pub struct AccessCode(String);

/// Why typed text is not an access code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Too few or too many characters.
    #[error("an access code has {CODE_CHARS} characters; this has {0}")]
    Length(usize),
    /// A character outside the alphabet.
    #[error("\"{0}\" cannot appear in an access code")]
    Character(char),
    /// The check character does not match: a typing error.
    #[error("the access code has a typing error")]
    Check,
}

impl AccessCode {
    /// A new random code.
    pub fn generate() -> AccessCode {
        let mut bytes = [0u8; RANDOM_CHARS];
        rand::rng().fill_bytes(&mut bytes);
        let values: Vec<u8> = bytes.iter().map(|byte| byte & 0x1f).collect();
        AccessCode::from_values(&values)
    }

    fn from_values(values: &[u8]) -> AccessCode {
        AccessCode(with_check(values))
    }

    /// Reads a code as typed: case, spaces, dashes and I/L/O for 1/1/0 are forgiven; the check
    /// character must hold.
    pub fn parse(typed: &str) -> Result<AccessCode, CodeError> {
        typed_values(typed, CODE_CHARS).map(|values| AccessCode(canonical(&values)))
    }

    /// The canonical form: 13 characters, upper case, no dashes.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Printed form, in groups of four: `7KQ2-M9XD-4RWT-H`.
impl fmt::Display for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let groups: Vec<&str> = self
            .0
            .as_bytes()
            .chunks(4)
            .filter_map(|chunk| std::str::from_utf8(chunk).ok())
            .collect();
        f.write_str(&groups.join("-"))
    }
}

/// Codes never print in logs by accident.
impl fmt::Debug for AccessCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessCode(***)")
    }
}

/// The short code of a wave's public results page (`/results/K7QM-3XRD`): 7 random characters
/// of the same alphabet and a check character, forgiving to type like an access code. It is
/// printed on every letter, so it is no secret: it only keeps wave ids out of printed addresses
/// and makes them short enough to type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsCode(String);

/// Random characters of a results code.
const RESULTS_RANDOM_CHARS: usize = 7;

impl ResultsCode {
    /// A new random code.
    pub fn generate() -> ResultsCode {
        let mut bytes = [0u8; RESULTS_RANDOM_CHARS];
        rand::rng().fill_bytes(&mut bytes);
        let values: Vec<u8> = bytes.iter().map(|byte| byte & 0x1f).collect();
        ResultsCode(with_check(&values))
    }

    /// Reads a code as typed (case, dashes, spaces, I/L/O forgiven); `None` when it cannot be
    /// one, a typing error included.
    pub fn parse(typed: &str) -> Option<ResultsCode> {
        typed_values(typed, RESULTS_RANDOM_CHARS + 1)
            .ok()
            .map(|values| ResultsCode(canonical(&values)))
    }

    /// The canonical form: 8 characters, upper case, no dash.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The page's address under the service's public URL, as printed on letters:
    /// `https://scape.example/results/K7QM-3XRD`.
    pub fn address(&self, public_url: &str) -> String {
        format!("{}/results/{self}", public_url.trim_end_matches('/'))
    }
}

/// Printed form, in two groups of four: `K7QM-3XRD`.
impl fmt::Display for ResultsCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (first, second) = self.0.split_at(self.0.len().min(4));
        write!(f, "{first}-{second}")
    }
}

/// The values of a code typed with `chars` characters (separators, case and confusable letters
/// forgiven), once its check character holds.
fn typed_values(typed: &str, chars: usize) -> Result<Vec<u8>, CodeError> {
    let mut values = Vec::with_capacity(chars);
    for c in typed.chars() {
        if c.is_whitespace() || matches!(c, '-' | '‐' | '–' | '—' | '.' | '_') {
            continue;
        }
        values.push(value_of(c).ok_or(CodeError::Character(c))?);
    }
    if values.len() != chars {
        return Err(CodeError::Length(values.len()));
    }
    if damm(&values) != 0 {
        return Err(CodeError::Check);
    }
    Ok(values)
}

/// The canonical text of random values followed by their check character.
fn with_check(values: &[u8]) -> String {
    let mut all = values.to_vec();
    all.push(check_value(values));
    canonical(&all)
}

/// The canonical text of values: upper case, no separator.
fn canonical(values: &[u8]) -> String {
    values
        .iter()
        .map(|&value| char::from(ALPHABET[usize::from(value)]))
        .collect()
}

/// The 5-bit value of a typed character, with Crockford's forgiving decoding.
fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&symbol| char::from(symbol) == c)
        .and_then(|position| u8::try_from(position).ok())
}

/// Multiplication by x (2) in GF(32) with the primitive polynomial x^5 + x^2 + 1.
fn times_two(value: u8) -> u8 {
    let shifted = value << 1;
    if shifted & 0x20 != 0 {
        (shifted ^ 0x25) & 0x1f
    } else {
        shifted
    }
}

/// Damm's algorithm over the quasigroup `a * b = 2a + b` of GF(32), totally anti-symmetric
/// because 2 is neither 0 nor 1: the interim after all values. A code is valid when the interim
/// over its data and check character is 0.
fn damm(values: &[u8]) -> u8 {
    values
        .iter()
        .fold(0, |interim, &value| times_two(interim) ^ value)
}

/// The check value of data: `c` with `2 * interim + c = 0`, that is `2 * interim` (GF(32) has
/// characteristic 2).
fn check_value(data: &[u8]) -> u8 {
    times_two(damm(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_through_forgiving_entry() {
        let code = AccessCode::generate();
        let printed = code.to_string();
        assert_eq!(printed.len(), CODE_CHARS + 3, "{printed}");
        assert_eq!(AccessCode::parse(&printed), Ok(code.clone()));
        let sloppy = printed
            .to_lowercase()
            .replace('-', " ")
            .replace('1', "l")
            .replace('0', "O");
        assert_eq!(AccessCode::parse(&format!("  {sloppy} ")), Ok(code));
        assert_eq!(AccessCode::parse("ABC"), Err(CodeError::Length(3)));
        assert_eq!(
            AccessCode::parse("ABCD-EFGH-JKMN-U"),
            Err(CodeError::Character('U'))
        );
    }

    #[test]
    fn results_codes_round_trip_and_refuse_typing_errors() {
        let code = ResultsCode::generate();
        let printed = code.to_string();
        assert_eq!(printed.len(), 9, "{printed}");
        assert_eq!(
            ResultsCode::parse(&printed.to_lowercase()),
            Some(code.clone())
        );
        assert_eq!(ResultsCode::parse(code.as_str()), Some(code.clone()));
        let mut chars: Vec<char> = code.as_str().chars().collect();
        chars[2] = if chars[2] == 'A' { 'B' } else { 'A' };
        assert_eq!(ResultsCode::parse(&chars.iter().collect::<String>()), None);
        assert_eq!(ResultsCode::parse("ABC"), None);
    }

    #[test]
    fn the_check_catches_every_substitution_and_adjacent_swap_in_10000_codes() {
        let (mut substitutions, mut swaps) = (0u64, 0u64);
        for _ in 0..10_000 {
            let code = AccessCode::generate();
            let chars: Vec<char> = code.as_str().chars().collect();
            assert!(AccessCode::parse(code.as_str()).is_ok());
            for position in 0..chars.len() {
                for &symbol in ALPHABET.iter() {
                    let symbol = char::from(symbol);
                    if symbol == chars[position] {
                        continue;
                    }
                    let mut wrong = chars.clone();
                    wrong[position] = symbol;
                    let wrong: String = wrong.into_iter().collect();
                    assert_eq!(AccessCode::parse(&wrong), Err(CodeError::Check), "{wrong}");
                    substitutions += 1;
                }
                if position + 1 < chars.len() && chars[position] != chars[position + 1] {
                    let mut swapped = chars.clone();
                    swapped.swap(position, position + 1);
                    let swapped: String = swapped.into_iter().collect();
                    assert_eq!(
                        AccessCode::parse(&swapped),
                        Err(CodeError::Check),
                        "{swapped}"
                    );
                    swaps += 1;
                }
            }
        }
        assert_eq!(substitutions, 10_000 * 13 * 31);
        assert!(swaps > 10_000 * 11, "{swaps} swaps tried");
    }

    #[test]
    fn codes_carry_60_random_bits_and_never_print_in_debug() {
        let codes: std::collections::HashSet<String> = (0..1000)
            .map(|_| AccessCode::generate().as_str().to_owned())
            .collect();
        assert_eq!(codes.len(), 1000);
        assert_eq!(format!("{:?}", AccessCode::generate()), "AccessCode(***)");
    }
}
