//! Barcode recognition at the till: retail GTINs (EAN-13, EAN-8, UPC-A,
//! GTIN-14), in-store weighed-goods labels (весовой товар) and Честный ЗНАК
//! marking codes (GS1 Data Matrix and the short tobacco-pack code).
//!
//! Everything here works on untrusted scanner input, so nothing panics:
//! strings are only sliced with `str::get`, arithmetic is bounded or checked,
//! and non-ASCII text (a keyboard-wedge scanner typing in the Russian layout)
//! ends up as [`Scan::Other`] or an error, never a crash.
//!
//! # GS (group separator) handling in marking codes
//!
//! A GS1 Data Matrix separates variable-length fields with FNC1, which scanners
//! transmit as the ASCII control character GS (0x1D). Accepted forms:
//!
//! * the byte 0x1D itself;
//! * the caret notation `^]` (some keyboard-wedge scanners print control
//!   characters this way); `^` and `]` are outside the GS1 character set, so
//!   this can never collide with data;
//! * no separator at all (the GS was dropped): fields are recovered by their
//!   fixed lengths, see [`parse_marking`].
//!
//! Anything else (the literal text `\x1d`, `<GS>`, `~1`, …) is *not*
//! translated: `\` and `~` are rejected as invalid characters, and `<GS>` is
//! legal GS1 data, so guessing would silently corrupt serial numbers.
//!
//! A leading GS (FNC1 in first position) and trailing GS are stripped. These
//! AIM symbology identifiers are stripped from the front: `]d2`, `]Q3`, `]C1`
//! (GS1 Data Matrix / GS1 QR / GS1-128) and `]d1`, `]Q1` (plain Data Matrix / QR,
//! as on tobacco packs). In [`classify`], `]E0`–`]E9` in front of an all-digit
//! EAN/UPC code is stripped as well.

use std::error::Error;
use std::fmt;

/// ASCII group separator (0x1D): how scanners transmit GS1 FNC1, the end
/// marker of a variable-length field such as the serial number (AI 21).
pub const GS: char = '\u{1d}';

/// Caret notation for GS (`^]`) printed by some keyboard-wedge scanners;
/// treated exactly like [`GS`].
pub const CARET_GS: &str = "^]";

/// Longest serial number (AI 21) a Честный ЗНАК code may carry.
pub const MAX_SERIAL_LEN: usize = 20;

const KEY_ID_LEN: usize = 4;
const CRYPTO_TAIL_LEN: usize = 4;
const SIGNATURE_LENS: [usize; 2] = [44, 88];
const GTIN14_LEN: usize = 14;
const TOBACCO_PACK_LEN: usize = 29;
const TOBACCO_SERIAL_LEN: usize = 7;
const TOBACCO_PRICE_LEN: usize = 4;

/// AIM identifiers announcing a GS1 symbol (FNC1 in first position).
const AIM_GS1: [&str; 3] = ["]d2", "]Q3", "]C1"];
/// AIM identifiers of plain (non-GS1) Data Matrix / QR, used by tobacco packs.
const AIM_PLAIN: [&str; 2] = ["]d1", "]Q1"];

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

/// What a scanned string turned out to be; the till picks the sale flow
/// (plain item, weighed item, marked item, internal code) from this.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scan {
    /// Valid EAN-13 (13 digits, check digit verified), not a weighed-goods label.
    Ean13(String),
    /// Valid EAN-8 (8 digits, check digit verified).
    Ean8(String),
    /// Valid UPC-A (12 digits, check digit verified).
    UpcA(String),
    /// In-store weighed-goods label (весовой товар): product code plus weight.
    Weighted(WeightedCode),
    /// Честный ЗНАК marking code: must be sent to the fiscal register.
    Marking(MarkingCode),
    /// Anything else: a shop's internal code, or a valid GTIN-14 of an outer
    /// case (indicator digit 1–9) that is not sold by the piece.
    Other(String),
}

/// The GTIN family of a numeric code; named in error messages so the cashier
/// knows what the till thought it was reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Symbology {
    /// 8 digits.
    Ean8,
    /// 12 digits (North American).
    UpcA,
    /// 13 digits (retail standard in Russia).
    Ean13,
    /// 14 digits (outer cases, and the GTIN inside marking codes).
    Gtin14,
}

impl Symbology {
    /// Total number of digits including the check digit, to tell codes apart by length.
    #[must_use]
    pub fn digit_count(self) -> usize {
        match self {
            Symbology::Ean8 => 8,
            Symbology::UpcA => 12,
            Symbology::Ean13 => 13,
            Symbology::Gtin14 => 14,
        }
    }

    /// The symbology with this many digits, if any; used to validate by length.
    #[must_use]
    pub fn from_digit_count(count: usize) -> Option<Self> {
        match count {
            8 => Some(Symbology::Ean8),
            12 => Some(Symbology::UpcA),
            13 => Some(Symbology::Ean13),
            14 => Some(Symbology::Gtin14),
            _ => None,
        }
    }
}

impl fmt::Display for Symbology {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Symbology::Ean8 => "EAN-8",
            Symbology::UpcA => "UPC-A",
            Symbology::Ean13 => "EAN-13",
            Symbology::Gtin14 => "GTIN-14",
        })
    }
}

/// How the shop's scales print weighed-goods labels (весовой товар):
/// `PP` prefix, product code (PLU) of `code_len` digits, weight in grams of
/// `weight_len` digits, check digit. Scales differ, so this is configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightLayout {
    /// Two-digit prefixes (0–99) that mark a 13-digit code as weighed goods;
    /// GS1 reserves 20–29 for in-store use. Empty means "no weighed goods".
    pub prefixes: Vec<u8>,
    /// Digits of the product code after the prefix (at least 1).
    pub code_len: usize,
    /// Digits of the weight in grams after the product code (at least 1);
    /// `code_len + weight_len` must be 10.
    pub weight_len: usize,
}

impl Default for WeightLayout {
    /// The common Russian scale setting: prefixes 20–29, `PP CCCCC WWWWW K`.
    fn default() -> Self {
        WeightLayout {
            prefixes: (20..=29).collect(),
            code_len: 5,
            weight_len: 5,
        }
    }
}

impl WeightLayout {
    /// Digits between the prefix and the check digit of an EAN-13.
    pub const PAYLOAD_LEN: usize = 10;

    /// Builds a checked layout so a settings typo is reported at start-up,
    /// not at the till. Prefixes are sorted and de-duplicated.
    ///
    /// # Errors
    /// [`BarcodeError::InvalidLayout`] if a prefix is above 99, a length is 0,
    /// or the lengths do not add up to 10.
    pub fn new(
        prefixes: impl IntoIterator<Item = u8>,
        code_len: usize,
        weight_len: usize,
    ) -> Result<Self, BarcodeError> {
        let mut prefixes: Vec<u8> = prefixes.into_iter().collect();
        prefixes.sort_unstable();
        prefixes.dedup();
        let layout = WeightLayout {
            prefixes,
            code_len,
            weight_len,
        };
        layout.validate()?;
        Ok(layout)
    }

    /// Checks the invariants; the fields are public, so [`classify`] re-checks
    /// a layout before using it on a weighed-goods code.
    ///
    /// # Errors
    /// [`BarcodeError::InvalidLayout`], naming what is wrong.
    pub fn validate(&self) -> Result<(), BarcodeError> {
        if let Some(p) = self.prefixes.iter().find(|p| **p > 99) {
            return Err(BarcodeError::InvalidLayout {
                reason: format!("prefix {p} is not a two-digit number"),
            });
        }
        if self.code_len == 0 {
            return Err(BarcodeError::InvalidLayout {
                reason: "product code length must be at least 1 digit".to_string(),
            });
        }
        if self.weight_len == 0 {
            return Err(BarcodeError::InvalidLayout {
                reason: "weight length must be at least 1 digit".to_string(),
            });
        }
        if self.code_len.checked_add(self.weight_len) != Some(Self::PAYLOAD_LEN) {
            return Err(BarcodeError::InvalidLayout {
                reason: format!(
                    "product code ({}) and weight ({}) lengths must add up to {}",
                    self.code_len,
                    self.weight_len,
                    Self::PAYLOAD_LEN
                ),
            });
        }
        Ok(())
    }

    /// Whether a two-digit prefix marks weighed goods in this layout.
    #[must_use]
    pub fn is_weighted_prefix(&self, prefix: u8) -> bool {
        self.prefixes.contains(&prefix)
    }
}

/// A decoded weighed-goods label (весовой товар): look the product up by
/// `product_code` and charge for `grams`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightedCode {
    /// The two-digit prefix, e.g. 20 (some shops use prefixes per department).
    pub prefix: u8,
    /// Product code (PLU) digits exactly as printed, leading zeros kept, e.g. `"00123"`.
    pub product_code: String,
    /// Net weight in grams; never 0.
    pub grams: u32,
}

/// A Честный ЗНАК marking code, split into the parts the fiscal register and
/// the online check need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkingCode {
    /// GTIN of the product (AI 01), 14 digits, check digit verified.
    pub gtin: String,
    /// Serial number (AI 21), 1–20 characters from the GS1 character set
    /// (13 for shoes and clothes, 6–7 for some groups, 7 on tobacco packs).
    pub serial: String,
    /// Verification key id (AI 91), 4 characters; present together with `signature`.
    pub key_id: Option<String>,
    /// Crypto signature (AI 92), 44 or 88 characters.
    pub signature: Option<String>,
    /// Short crypto tail (AI 93), 4 characters: dairy, water, beer, tobacco, …
    pub crypto_tail: Option<String>,
    /// Canonical form for the fiscal register: AIM prefix and leading FNC1
    /// stripped, GS restored where it belongs —
    /// `01GTIN21SERIAL<GS>91KEY<GS>92SIG`, `01GTIN21SERIAL<GS>93TAIL`,
    /// `01GTIN21SERIAL` (no crypto part), or the 29 characters of a tobacco
    /// pack code as scanned (that code has no AIs).
    pub raw: String,
}

impl MarkingCode {
    /// Whether this is the short 29-character tobacco-pack code (пачка), which
    /// has no AIs and carries an encoded maximum retail price (МРЦ).
    #[must_use]
    pub fn is_tobacco_pack(&self) -> bool {
        self.key_id.is_none()
            && self.signature.is_none()
            && self.crypto_tail.is_some()
            && self.raw.len() == TOBACCO_PACK_LEN
            && !self.raw.contains(GS)
    }

    /// The 4-character encoded maximum retail price (МРЦ) of a tobacco pack,
    /// as printed (not decoded); `None` for other codes.
    #[must_use]
    pub fn tobacco_price_code(&self) -> Option<&str> {
        if !self.is_tobacco_pack() {
            return None;
        }
        let start = GTIN14_LEN + TOBACCO_SERIAL_LEN;
        self.raw.get(start..start + TOBACCO_PRICE_LEN)
    }

    /// What makes the unit itself, whatever crypto tail or noise the
    /// scanner added: `01` GTIN `21` serial. A pack is sold once by this.
    #[must_use]
    pub fn identity(&self) -> String {
        format!("01{}21{}", self.gtin, self.serial)
    }

    /// Whether a crypto part (AI 91/92 or AI 93) is present; codes without one
    /// cannot be verified online.
    #[must_use]
    pub fn has_crypto(&self) -> bool {
        self.signature.is_some() || self.crypto_tail.is_some()
    }
}

/// Why a scan was rejected. Every message names the problem in words a
/// cashier can act on (rescan, re-weigh, switch keyboard layout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BarcodeError {
    /// Nothing but whitespace was scanned.
    Empty,
    /// A code that must be numeric contains something else.
    NotDigits {
        /// The offending code.
        code: String,
    },
    /// A numeric code whose length matches no GTIN (8, 12, 13 or 14).
    InvalidLength {
        /// The offending code.
        code: String,
        /// Its length in digits.
        len: usize,
    },
    /// The check digit does not match: usually a misread or a typo.
    CheckDigit {
        /// What the code was read as.
        symbology: Symbology,
        /// The code as read.
        code: String,
        /// The check digit the other digits require.
        expected: u8,
    },
    /// A weighed-goods label with weight 0 g: the item was not weighed.
    ZeroWeight {
        /// The label's 13 digits.
        code: String,
    },
    /// The weighed-goods layout setting is inconsistent.
    InvalidLayout {
        /// What is wrong with it.
        reason: String,
    },
    /// A marking code contains non-ASCII characters, typically because a
    /// keyboard-wedge scanner typed it in the Russian layout.
    NonAscii,
    /// A marking code contains a character outside the GS1 set.
    InvalidCharacter {
        /// The character.
        ch: char,
        /// 1-based position, counted after the scanner prefix is removed.
        position: usize,
    },
    /// A marking code too short to hold even AI 01 and a GTIN.
    MarkingTooShort {
        /// Length after normalisation.
        len: usize,
    },
    /// A marking code that does not start with AI 01 and 14 digits (and is
    /// not a 29-character tobacco-pack code).
    MissingGtin,
    /// A marking code without AI 21 or with an empty serial number.
    MissingSerial,
    /// The serial number would exceed 20 characters: the crypto part is
    /// damaged or could not be recognised.
    SerialTooLong {
        /// The length the serial would have.
        len: usize,
    },
    /// AI 91 (verification key id) is not 4 characters.
    InvalidKeyId {
        /// Length found.
        len: usize,
    },
    /// AI 92 (crypto signature) is neither 44 nor 88 characters.
    InvalidSignature {
        /// Length found.
        len: usize,
    },
    /// AI 93 (crypto tail) is not 4 characters.
    InvalidCryptoTail {
        /// Length found.
        len: usize,
    },
    /// Only one of AI 91 and AI 92 is present.
    IncompleteCrypto,
    /// A field other than AI 91, 92, 93 after the serial number (for
    /// example AI 8005 of a tobacco carton, which is not supported).
    UnknownAi {
        /// The first characters of the field.
        found: String,
    },
    /// The same AI occurs twice.
    DuplicateAi {
        /// The AI, e.g. "93".
        ai: String,
    },
}

impl fmt::Display for BarcodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BarcodeError::Empty => f.write_str("Nothing was scanned: the barcode is empty"),
            BarcodeError::NotDigits { code } => {
                write!(f, "Code {}: must contain digits only", code.escape_debug())
            }
            BarcodeError::InvalidLength { code, len } => write!(
                f,
                "Code {}: {len} digits is not a valid barcode length (expected 8, 12, 13 or 14)",
                code.escape_debug()
            ),
            BarcodeError::CheckDigit {
                symbology,
                code,
                expected,
            } => write!(
                f,
                "{symbology} {}: check digit should be {expected}",
                code.escape_debug()
            ),
            BarcodeError::ZeroWeight { code } => write!(
                f,
                "Weighed item {}: weight is zero; weigh the item again and print a new label",
                code.escape_debug()
            ),
            BarcodeError::InvalidLayout { reason } => {
                write!(f, "Weighed-goods barcode settings are wrong: {reason}")
            }
            BarcodeError::NonAscii => f.write_str(
                "Marking code contains non-Latin characters; switch the keyboard layout to English and scan again",
            ),
            BarcodeError::InvalidCharacter { ch, position } => write!(
                f,
                "Marking code: character '{}' at position {position} is not allowed",
                ch.escape_debug()
            ),
            BarcodeError::MarkingTooShort { len } => write!(
                f,
                "Marking code is too short ({len} characters); scan it again"
            ),
            BarcodeError::MissingGtin => f.write_str(
                "Marking code does not start with a product GTIN (AI 01 and 14 digits)",
            ),
            BarcodeError::MissingSerial => {
                f.write_str("Marking code has no serial number (AI 21)")
            }
            BarcodeError::SerialTooLong { len } => write!(
                f,
                "Marking code: serial number (AI 21) would be {len} characters, at most {MAX_SERIAL_LEN} allowed; the crypto part is damaged or unrecognised"
            ),
            BarcodeError::InvalidKeyId { len } => write!(
                f,
                "Marking code: verification key (AI 91) must be 4 characters, found {len}"
            ),
            BarcodeError::InvalidSignature { len } => write!(
                f,
                "Marking code: crypto signature (AI 92) must be 44 or 88 characters, found {len}"
            ),
            BarcodeError::InvalidCryptoTail { len } => write!(
                f,
                "Marking code: crypto tail (AI 93) must be 4 characters, found {len}"
            ),
            BarcodeError::IncompleteCrypto => f.write_str(
                "Marking code: verification key (AI 91) and crypto signature (AI 92) must both be present",
            ),
            BarcodeError::UnknownAi { found } => write!(
                f,
                "Marking code: unsupported field \"{}\" after the serial number (only AI 91, 92 and 93 are accepted)",
                found.escape_debug()
            ),
            BarcodeError::DuplicateAi { ai } => {
                write!(f, "Marking code: field AI {} appears twice", ai.escape_debug())
            }
        }
    }
}

impl Error for BarcodeError {}

// ---------------------------------------------------------------------------
// Check digits
// ---------------------------------------------------------------------------

fn digit(b: u8) -> Option<u32> {
    if b.is_ascii_digit() {
        Some(u32::from(b - b'0'))
    } else {
        None
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// GS1 check digit for `data` (all digits except the check digit), any
/// length: weights 3,1,3,… counted from the right, so the digit next to the
/// check digit weighs 3; result (10 − Σ mod 10) mod 10. `None` unless `data`
/// is non-empty ASCII digits. Shared by all GTIN lengths.
#[must_use]
pub fn gs1_check_digit(data: &str) -> Option<u8> {
    if data.is_empty() {
        return None;
    }
    let mut sum: u32 = 0;
    for (i, b) in data.bytes().rev().enumerate() {
        let weight = if i % 2 == 0 { 3 } else { 1 };
        sum = (sum + digit(b)? * weight) % 10;
    }
    u8::try_from((10 - sum) % 10).ok()
}

fn check_digit_of_len(data: &str, len: usize) -> Option<u8> {
    if data.len() == len {
        gs1_check_digit(data)
    } else {
        None
    }
}

/// EAN-13 check digit from the first 12 digits (weights 1,3,1,3,… from the
/// left); `None` unless exactly 12 ASCII digits.
#[must_use]
pub fn ean13_check_digit(first12: &str) -> Option<u8> {
    check_digit_of_len(first12, 12)
}

/// EAN-8 check digit from the first 7 digits (weights 3,1,3,… from the left);
/// `None` unless exactly 7 ASCII digits.
#[must_use]
pub fn ean8_check_digit(first7: &str) -> Option<u8> {
    check_digit_of_len(first7, 7)
}

/// UPC-A check digit from the first 11 digits (weights 3,1,3,… from the
/// left); `None` unless exactly 11 ASCII digits.
#[must_use]
pub fn upca_check_digit(first11: &str) -> Option<u8> {
    check_digit_of_len(first11, 11)
}

/// GTIN-14 check digit from the first 13 digits (weights 3,1,3,… from the
/// left); `None` unless exactly 13 ASCII digits.
#[must_use]
pub fn gtin14_check_digit(first13: &str) -> Option<u8> {
    check_digit_of_len(first13, 13)
}

/// Verifies a GTIN of any retail length — EAN-8, UPC-A, EAN-13 or GTIN-14,
/// chosen by length — so manual entry and price lists can be checked too.
/// `code` must be digits only (no whitespace).
///
/// # Errors
/// [`BarcodeError::Empty`], [`BarcodeError::NotDigits`],
/// [`BarcodeError::InvalidLength`] or [`BarcodeError::CheckDigit`].
pub fn validate_gtin(code: &str) -> Result<(), BarcodeError> {
    if code.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if !all_digits(code) {
        return Err(BarcodeError::NotDigits { code: code.to_string() });
    }
    let symbology = Symbology::from_digit_count(code.len()).ok_or_else(|| BarcodeError::InvalidLength {
        code: code.to_string(),
        len: code.len(),
    })?;
    verify_check_digit(code, symbology)
}

/// `code` must already be known to be all digits.
fn verify_check_digit(code: &str, symbology: Symbology) -> Result<(), BarcodeError> {
    let not_digits = || BarcodeError::NotDigits { code: code.to_string() };
    let split = code.len().checked_sub(1).ok_or(BarcodeError::Empty)?;
    let data = code.get(..split).ok_or_else(not_digits)?;
    let actual = code
        .as_bytes()
        .get(split)
        .copied()
        .and_then(digit)
        .ok_or_else(not_digits)?;
    let expected = gs1_check_digit(data).ok_or_else(not_digits)?;
    if actual == u32::from(expected) {
        Ok(())
    } else {
        Err(BarcodeError::CheckDigit {
            symbology,
            code: code.to_string(),
            expected,
        })
    }
}

// ---------------------------------------------------------------------------
// classify
// ---------------------------------------------------------------------------

fn trim_scanner(raw: &str) -> &str {
    // GS is not Unicode whitespace, but be explicit: it is data here.
    raw.trim_matches(|c: char| c != GS && (c.is_whitespace() || c == '\0'))
}

fn looks_gs1(s: &str) -> bool {
    s.starts_with("01") && s.get(2..16).is_some_and(all_digits) && s.get(16..18) == Some("21")
}

fn looks_like_marking(code: &str) -> bool {
    AIM_GS1.iter().chain(AIM_PLAIN.iter()).any(|aim| code.starts_with(aim))
        || code.starts_with(GS)
        || code.starts_with(CARET_GS)
        || looks_gs1(code)
        || (code.chars().count() == TOBACCO_PACK_LEN && code.get(..GTIN14_LEN).is_some_and(all_digits))
}

/// Strips an AIM identifier `]E0`..`]E9` (EAN/UPC) if the rest is all digits.
fn strip_ean_aim(code: &str) -> &str {
    if let Some(rest) = code.strip_prefix("]E") {
        if let Some(digits) = rest.get(1..) {
            if rest.as_bytes().first().is_some_and(u8::is_ascii_digit) && all_digits(digits) {
                return digits;
            }
        }
    }
    code
}

/// Decides what a scan is. Surrounding whitespace/CR/LF is stripped, then:
///
/// * AIM prefix (`]d2`, `]Q3`, `]C1`, `]d1`, `]Q1`), leading GS or `^]`,
///   `01` + 14 digits + `21`, or 29 characters starting with 14 digits →
///   [`parse_marking`] (its errors are returned);
/// * all digits: 8 → EAN-8, 12 → UPC-A, 13 → weighed goods if the first two
///   digits are a prefix of `layout`, otherwise EAN-13; 14 → GTIN-14 checked,
///   then with indicator `0` treated as the 13-digit code after it, otherwise
///   [`Scan::Other`]. A wrong check digit on these lengths is an error;
/// * anything else non-empty (including Cyrillic text) → [`Scan::Other`],
///   a shop's internal code; empty → [`BarcodeError::Empty`].
///
/// # Errors
/// Empty input, a wrong check digit on an 8/12/13/14-digit code, a bad
/// weighed-goods label (zero weight, inconsistent `layout`), or any
/// [`parse_marking`] error for input that looks like a marking code.
pub fn classify(raw: &str, layout: &WeightLayout) -> Result<Scan, BarcodeError> {
    let code = trim_scanner(raw);
    if code.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if looks_like_marking(code) {
        return parse_marking(code).map(Scan::Marking);
    }
    let digits = strip_ean_aim(code);
    if all_digits(digits) {
        match digits.len() {
            8 => {
                verify_check_digit(digits, Symbology::Ean8)?;
                return Ok(Scan::Ean8(digits.to_string()));
            }
            12 => {
                verify_check_digit(digits, Symbology::UpcA)?;
                return Ok(Scan::UpcA(digits.to_string()));
            }
            13 => return classify_ean13(digits, layout),
            14 => {
                verify_check_digit(digits, Symbology::Gtin14)?;
                if let Some(ean13) = digits.strip_prefix('0') {
                    return classify_ean13(ean13, layout);
                }
                return Ok(Scan::Other(digits.to_string()));
            }
            _ => {}
        }
    }
    Ok(Scan::Other(code.to_string()))
}

fn parse_u32(digits: &str) -> Option<u32> {
    if digits.is_empty() {
        return None;
    }
    digits
        .bytes()
        .try_fold(0u32, |acc, b| acc.checked_mul(10)?.checked_add(digit(b)?))
}

/// `code` is 13 ASCII digits.
fn classify_ean13(code: &str, layout: &WeightLayout) -> Result<Scan, BarcodeError> {
    verify_check_digit(code, Symbology::Ean13)?;
    let prefix = code.get(..2).and_then(parse_u32).and_then(|p| u8::try_from(p).ok());
    let prefix = match prefix {
        Some(p) if layout.is_weighted_prefix(p) => p,
        _ => return Ok(Scan::Ean13(code.to_string())),
    };
    layout.validate()?;
    let layout_error = || BarcodeError::InvalidLayout {
        reason: "product code and weight do not fit in 13 digits".to_string(),
    };
    let code_end = layout.code_len.checked_add(2).ok_or_else(layout_error)?;
    let product_code = code.get(2..code_end).ok_or_else(layout_error)?;
    let weight = code.get(code_end..12).ok_or_else(layout_error)?;
    let grams = parse_u32(weight).ok_or_else(layout_error)?;
    if grams == 0 {
        return Err(BarcodeError::ZeroWeight { code: code.to_string() });
    }
    Ok(Scan::Weighted(WeightedCode {
        prefix,
        product_code: product_code.to_string(),
        grams,
    }))
}

// ---------------------------------------------------------------------------
// Marking codes
// ---------------------------------------------------------------------------

/// GS1 AI encodable character set 82 (ISO 646 subset), used by serials and
/// crypto fields.
fn is_gs1_char(ch: char) -> bool {
    matches!(ch,
        '!' | '"' | '%'..='/' | '0'..='9' | ':'..='?' | 'A'..='Z' | '_' | 'a'..='z')
}

struct Normalised {
    text: String,
    /// An AIM GS1 identifier or a leading FNC1 was present.
    gs1: bool,
}

fn normalise_marking(raw: &str) -> Result<Normalised, BarcodeError> {
    let trimmed = trim_scanner(raw);
    if trimmed.is_empty() {
        return Err(BarcodeError::Empty);
    }
    if !trimmed.is_ascii() {
        return Err(BarcodeError::NonAscii);
    }
    let mut gs1 = false;
    let mut body = trimmed;
    if let Some(rest) = AIM_GS1.iter().find_map(|aim| trimmed.strip_prefix(aim)) {
        body = rest;
        gs1 = true;
    } else if let Some(rest) = AIM_PLAIN.iter().find_map(|aim| trimmed.strip_prefix(aim)) {
        body = rest;
    }
    let replaced = body.replace(CARET_GS, "\u{1d}");
    if replaced.starts_with(GS) {
        gs1 = true;
    }
    let text = replaced.trim_matches(GS);
    for (i, ch) in text.chars().enumerate() {
        if ch != GS && !is_gs1_char(ch) {
            return Err(BarcodeError::InvalidCharacter { ch, position: i + 1 });
        }
    }
    if text.is_empty() {
        return Err(BarcodeError::Empty);
    }
    Ok(Normalised {
        text: text.to_string(),
        gs1,
    })
}

/// Parses a Честный ЗНАК marking code from whatever the scanner sent.
///
/// Accepted: GS1 form `01` GTIN `21` serial, then optionally `91` key (4) and
/// `92` signature (44 or 88), and/or `93` crypto tail (4); AIM prefix and
/// leading/trailing GS stripped; GS given as 0x1D or `^]` (see the module
/// docs). When no GS follows the serial, its end is found from the back: a
/// well-formed `91`+4+`92`+88 or `91`+4+`92`+44 ending exactly at the end,
/// else `93`+4 at the end, else the whole rest is the serial (no crypto
/// part). So a GS-less serial that itself ends in `93`+4 characters is read
/// as a shorter serial with a crypto tail — real codes almost always carry a
/// crypto part, so this is the likelier reading. Also accepted: the
/// 29-character tobacco-pack code (GTIN 14 + serial 7 + МРЦ 4 + crypto 4).
///
/// Not supported: tobacco carton (блок) codes with AI 8005 (reported as
/// [`BarcodeError::UnknownAi`]) and other AIs (expiry, batch, weight, …).
/// The code must be ASCII.
///
/// # Errors
/// One [`BarcodeError`] naming the first problem found: non-ASCII text,
/// a character outside the GS1 set, missing or bad GTIN (including its check
/// digit), missing or over-long serial, malformed AI 91/92/93, or an
/// unsupported AI.
pub fn parse_marking(raw: &str) -> Result<MarkingCode, BarcodeError> {
    let norm = normalise_marking(raw)?;
    let s = norm.text.as_str();
    let tobacco_shape = !norm.gs1 && s.len() == TOBACCO_PACK_LEN && !s.contains(GS);
    if looks_gs1(s) {
        match parse_gs1(s) {
            Ok(m) => Ok(m),
            Err(e) if tobacco_shape => parse_tobacco(s).map_err(|_| e),
            Err(e) => Err(e),
        }
    } else if tobacco_shape {
        parse_tobacco(s)
    } else {
        parse_gs1(s)
    }
}

#[derive(Default)]
struct CryptoFields {
    key_id: Option<String>,
    signature: Option<String>,
    crypto_tail: Option<String>,
}

/// `s`: normalised (ASCII, GS1 characters and GS only, no outer GS).
fn parse_gs1(s: &str) -> Result<MarkingCode, BarcodeError> {
    if s.len() >= 2 && !s.starts_with("01") {
        return Err(BarcodeError::MissingGtin);
    }
    if s.len() < 2 + GTIN14_LEN {
        return Err(BarcodeError::MarkingTooShort { len: s.len() });
    }
    let gtin = s
        .get(2..2 + GTIN14_LEN)
        .filter(|g| all_digits(g))
        .ok_or(BarcodeError::MissingGtin)?;
    verify_check_digit(gtin, Symbology::Gtin14)?;
    let body = s
        .get(2 + GTIN14_LEN..)
        .and_then(|rest| rest.strip_prefix("21"))
        .ok_or(BarcodeError::MissingSerial)?;
    let (serial, tail) = match body.find(GS) {
        Some(g) => (body.get(..g).unwrap_or(""), Some(body.get(g + 1..).unwrap_or(""))),
        None => (body, None),
    };
    let (serial, crypto) = if let Some(tail) = tail {
        check_serial(serial)?;
        (serial, parse_tail(tail)?)
    } else {
        let (serial, crypto) = split_without_gs(body)?;
        check_serial(serial)?;
        (serial, crypto)
    };
    Ok(build_gs1(gtin, serial, crypto))
}

fn check_serial(serial: &str) -> Result<(), BarcodeError> {
    if serial.is_empty() {
        return Err(BarcodeError::MissingSerial);
    }
    if serial.len() > MAX_SERIAL_LEN {
        return Err(BarcodeError::SerialTooLong { len: serial.len() });
    }
    Ok(())
}

fn known_ai_at(s: &str, at: usize) -> bool {
    matches!(s.get(at..at + 2), Some("91" | "92" | "93"))
}

/// A fixed-length value: exactly `n` characters up to the next GS, or the
/// first `n` when the GS before the next known AI was dropped.
fn take_fixed(value: &str, n: usize) -> Option<&str> {
    if value.len() == n || (value.len() > n && known_ai_at(value, n)) {
        value.get(..n)
    } else {
        None
    }
}

/// Parses the AIs after the serial's GS; GS between them is optional.
fn parse_tail(t: &str) -> Result<CryptoFields, BarcodeError> {
    let mut c = CryptoFields::default();
    let mut pos = 0usize;
    while let Some(rest) = t.get(pos..).filter(|r| !r.is_empty()) {
        if rest.starts_with(GS) {
            pos += 1;
            continue;
        }
        let field = rest.get(..rest.find(GS).unwrap_or(rest.len())).unwrap_or(rest);
        let value = field.get(2..).unwrap_or("");
        let duplicate = |ai: &str| BarcodeError::DuplicateAi { ai: ai.to_string() };
        match field.get(..2) {
            Some("91") => {
                let key = take_fixed(value, KEY_ID_LEN).ok_or(BarcodeError::InvalidKeyId { len: value.len() })?;
                if c.key_id.is_some() {
                    return Err(duplicate("91"));
                }
                c.key_id = Some(key.to_string());
                pos += 2 + KEY_ID_LEN;
            }
            Some("93") => {
                let tail =
                    take_fixed(value, CRYPTO_TAIL_LEN).ok_or(BarcodeError::InvalidCryptoTail { len: value.len() })?;
                if c.crypto_tail.is_some() {
                    return Err(duplicate("93"));
                }
                c.crypto_tail = Some(tail.to_string());
                pos += 2 + CRYPTO_TAIL_LEN;
            }
            Some("92") => {
                let n = value.len();
                let tail_follows = n
                    .checked_sub(2 + CRYPTO_TAIL_LEN)
                    .filter(|l| SIGNATURE_LENS.contains(l) && value.get(*l..l + 2) == Some("93"));
                let sig_len = if SIGNATURE_LENS.contains(&n) {
                    n
                } else if let Some(l) = tail_follows {
                    l
                } else {
                    return Err(BarcodeError::InvalidSignature { len: n });
                };
                let sig = value.get(..sig_len).ok_or(BarcodeError::InvalidSignature { len: n })?;
                if c.signature.is_some() {
                    return Err(duplicate("92"));
                }
                c.signature = Some(sig.to_string());
                pos += 2 + sig_len;
            }
            _ => {
                return Err(BarcodeError::UnknownAi {
                    found: field.chars().take(4).collect(),
                })
            }
        }
    }
    if c.key_id.is_some() != c.signature.is_some() {
        return Err(BarcodeError::IncompleteCrypto);
    }
    Ok(c)
}

/// Finds the serial's end when the GS after it was dropped (see
/// [`parse_marking`]). The caller checks the serial's length.
fn split_without_gs(body: &str) -> Result<(&str, CryptoFields), BarcodeError> {
    let n = body.len();
    let serial_fits = |len: &usize| (1..=MAX_SERIAL_LEN).contains(len);
    for sig_len in [88usize, 44] {
        let Some(serial_len) = n.checked_sub(2 + KEY_ID_LEN + 2 + sig_len).filter(serial_fits) else {
            continue;
        };
        let key_at = serial_len + 2;
        let sig_at = key_at + KEY_ID_LEN + 2;
        if body.get(serial_len..key_at) != Some("91") || body.get(key_at + KEY_ID_LEN..sig_at) != Some("92") {
            continue;
        }
        if let (Some(serial), Some(key), Some(sig)) = (
            body.get(..serial_len),
            body.get(key_at..key_at + KEY_ID_LEN),
            body.get(sig_at..),
        ) {
            let crypto = CryptoFields {
                key_id: Some(key.to_string()),
                signature: Some(sig.to_string()),
                crypto_tail: None,
            };
            return Ok((serial, crypto));
        }
    }
    if let Some(serial_len) = n.checked_sub(2 + CRYPTO_TAIL_LEN).filter(serial_fits) {
        if body.get(serial_len..serial_len + 2) == Some("93") {
            if let (Some(serial), Some(tail)) = (body.get(..serial_len), body.get(serial_len + 2..)) {
                if looks_like_carton_serial(serial) {
                    return Err(BarcodeError::UnknownAi {
                        found: "8005".to_string(),
                    });
                }
                let crypto = CryptoFields {
                    crypto_tail: Some(tail.to_string()),
                    ..CryptoFields::default()
                };
                return Ok((serial, crypto));
            }
        }
    }
    Ok((body, CryptoFields::default()))
}

/// A tobacco carton's serial (7) + AI 8005 + price (6) run together when GS
/// was dropped; rejected rather than mistaken for a 17-character serial.
fn looks_like_carton_serial(serial: &str) -> bool {
    serial.len() == TOBACCO_SERIAL_LEN + 10
        && serial.get(TOBACCO_SERIAL_LEN..TOBACCO_SERIAL_LEN + 4) == Some("8005")
        && serial.get(TOBACCO_SERIAL_LEN + 4..).is_some_and(all_digits)
}

fn build_gs1(gtin: &str, serial: &str, crypto: CryptoFields) -> MarkingCode {
    let mut raw = format!("01{gtin}21{serial}");
    if let (Some(key), Some(sig)) = (&crypto.key_id, &crypto.signature) {
        raw.push(GS);
        raw.push_str("91");
        raw.push_str(key);
        raw.push(GS);
        raw.push_str("92");
        raw.push_str(sig);
    }
    if let Some(tail) = &crypto.crypto_tail {
        raw.push(GS);
        raw.push_str("93");
        raw.push_str(tail);
    }
    MarkingCode {
        gtin: gtin.to_string(),
        serial: serial.to_string(),
        key_id: crypto.key_id,
        signature: crypto.signature,
        crypto_tail: crypto.crypto_tail,
        raw,
    }
}

/// 29 characters: GTIN 14 + serial 7 + МРЦ 4 + crypto 4, no AIs.
fn parse_tobacco(s: &str) -> Result<MarkingCode, BarcodeError> {
    if s.len() != TOBACCO_PACK_LEN {
        return Err(BarcodeError::MarkingTooShort { len: s.len() });
    }
    let gtin = s
        .get(..GTIN14_LEN)
        .filter(|g| all_digits(g))
        .ok_or(BarcodeError::MissingGtin)?;
    verify_check_digit(gtin, Symbology::Gtin14)?;
    let serial = s
        .get(GTIN14_LEN..GTIN14_LEN + TOBACCO_SERIAL_LEN)
        .ok_or(BarcodeError::MissingSerial)?;
    let tail = s
        .get(TOBACCO_PACK_LEN - CRYPTO_TAIL_LEN..)
        .ok_or(BarcodeError::InvalidCryptoTail { len: 0 })?;
    Ok(MarkingCode {
        gtin: gtin.to_string(),
        serial: serial.to_string(),
        key_id: None,
        signature: None,
        crypto_tail: Some(tail.to_string()),
        raw: s.to_string(),
    })
}

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    const GSS: &str = "\u{1d}";

    // GTIN-14 used in marking codes: 0 460123456789 3.
    // Data 0460123456789, weights 3,1,3,... from the left:
    // 0*3+4*1+6*3+0*1+1*3+2*1+3*3+4*1+5*3+6*1+7*3+8*1+9*3
    // = 0+4+18+0+3+2+9+4+15+6+21+8+27 = 117 -> (10-7)%10 = 3.
    const GTIN: &str = "04601234567893";
    // 0469022800801 6: 0+4+18+9+0+2+6+8+0+0+24+0+3 = 74 -> 6.
    const GTIN_DAIRY: &str = "04690228008016";
    // 0460620308462 3: 0+4+18+0+18+2+0+3+0+8+12+6+6 = 77 -> 3.
    const GTIN_TOBACCO: &str = "04606203084623";
    // Shoe serial, 13 characters with GS1 punctuation.
    const SERIAL13: &str = "sf;Ab7%q<'G1x";
    const SIG44: &str = "MEUCIQDr7eXcYPHxb6y7Qh0jKk1xZ2oR5h8Nf3Vw+Q9a";
    const SIG44B: &str = "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/=-_:;?";

    fn sig88() -> String {
        format!("{SIG44}{SIG44B}")
    }

    fn layout() -> WeightLayout {
        WeightLayout::default()
    }

    fn custom_layout() -> WeightLayout {
        match WeightLayout::new([21u8], 6, 4) {
            Ok(l) => l,
            Err(e) => panic!("custom layout rejected: {e}"),
        }
    }

    fn marking(raw: &str) -> MarkingCode {
        match parse_marking(raw) {
            Ok(m) => m,
            Err(e) => panic!("{raw:?} rejected: {e}"),
        }
    }

    fn full_9192() -> String {
        format!("01{GTIN}21{SERIAL13}{GSS}91EE07{GSS}92{SIG44}")
    }

    // ---- check digits -------------------------------------------------

    #[test]
    fn test_constants_have_expected_lengths() {
        assert_eq!(SIG44.len(), 44);
        assert_eq!(SIG44B.len(), 44);
        assert!(SIG44B.chars().all(is_gs1_char));
        assert!(SIG44.chars().all(is_gs1_char));
        assert_eq!(SERIAL13.len(), 13);
        assert_eq!(sig88().len(), 88);
    }

    #[test]
    fn ean13_check_digit_hand_computed() {
        // 4006381333931: 4*1+0*3+0*1+6*3+3*1+8*3+1*1+3*3+3*1+3*3+9*1+3*3
        // = 4+0+0+18+3+24+1+9+3+9+9+9 = 89 -> (10-9)%10 = 1.
        assert_eq!(ean13_check_digit("400638133393"), Some(1));
        // 460000000001?: 4*1+6*3+1*3 = 25 -> 5, so 4600000000015.
        assert_eq!(ean13_check_digit("460000000001"), Some(5));
        // 460123456789?: 4+18+0+3+2+9+4+15+6+21+8+27 = 117 -> 3.
        assert_eq!(ean13_check_digit("460123456789"), Some(3));
        // 590123412345?: 5+27+0+3+2+9+4+3+2+9+4+15 = 83 -> 7.
        assert_eq!(ean13_check_digit("590123412345"), Some(7));
        // Sum divisible by 10 gives 0, not 10: 000000000000 -> 0.
        assert_eq!(ean13_check_digit("000000000000"), Some(0));
    }

    #[test]
    fn ean8_upca_gtin14_check_digits_hand_computed() {
        // 9638507?: 9*3+6+3*3+8+5*3+0+7*3 = 27+6+9+8+15+0+21 = 86 -> 4.
        assert_eq!(ean8_check_digit("9638507"), Some(4));
        // 4600933?: 12+6+0+0+27+3+9 = 57 -> 3.
        assert_eq!(ean8_check_digit("4600933"), Some(3));
        // 03600029145?: 0+3+18+0+0+0+6+9+3+4+15 = 58 -> 2.
        assert_eq!(upca_check_digit("03600029145"), Some(2));
        // 01234567890?: 0+1+6+3+12+5+18+7+24+9+0 = 85 -> 5.
        assert_eq!(upca_check_digit("01234567890"), Some(5));
        // 1001234560001?: 3+0+0+1+6+3+12+5+18+0+0+0+3 = 51 -> 9.
        assert_eq!(gtin14_check_digit("1001234560001"), Some(9));
        assert_eq!(gtin14_check_digit("0460123456789"), Some(3));
    }

    #[test]
    fn weights_follow_general_gs1_rule() {
        // Left-padding with zeros must not change the check digit: this holds
        // only if every length weighs the digit next to the check digit by 3.
        let upca = "03600029145";
        let ean8 = "9638507";
        assert_eq!(upca_check_digit(upca), ean13_check_digit(&format!("0{upca}")));
        assert_eq!(upca_check_digit(upca), gtin14_check_digit(&format!("00{upca}")));
        assert_eq!(ean8_check_digit(ean8), ean13_check_digit(&format!("00000{ean8}")));
        assert_eq!(ean8_check_digit(ean8), gs1_check_digit(&format!("0000000000{ean8}")));
        assert_eq!(ean13_check_digit("400638133393"), gtin14_check_digit("0400638133393"));
        // Direct weight check: a single 1 next to the check digit weighs 3.
        assert_eq!(ean13_check_digit("000000000001"), Some(7));
        assert_eq!(ean8_check_digit("0000001"), Some(7));
        assert_eq!(upca_check_digit("00000000001"), Some(7));
        assert_eq!(gtin14_check_digit("0000000000001"), Some(7));
        // A 1 in the leftmost position: EAN-13 weight 1, EAN-8/UPC-A/GTIN-14 weight 3.
        assert_eq!(ean13_check_digit("100000000000"), Some(9));
        assert_eq!(ean8_check_digit("1000000"), Some(7));
        assert_eq!(upca_check_digit("10000000000"), Some(7));
        assert_eq!(gtin14_check_digit("1000000000000"), Some(7));
    }

    #[test]
    fn check_digit_functions_reject_bad_input() {
        assert_eq!(ean13_check_digit("40063813339"), None);
        assert_eq!(ean13_check_digit("4006381333931"), None);
        assert_eq!(ean13_check_digit("40063813339X"), None);
        assert_eq!(ean13_check_digit("４００６３８１３３３９３"), None);
        assert_eq!(ean8_check_digit(""), None);
        assert_eq!(upca_check_digit("0360002914"), None);
        assert_eq!(gs1_check_digit(""), None);
        assert_eq!(gs1_check_digit("12a"), None);
        assert_eq!(gs1_check_digit("1"), Some(7));
    }

    #[test]
    fn validate_gtin_all_lengths() {
        assert_eq!(validate_gtin("96385074"), Ok(()));
        assert_eq!(validate_gtin("036000291452"), Ok(()));
        assert_eq!(validate_gtin("4006381333931"), Ok(()));
        assert_eq!(validate_gtin("10012345600019"), Ok(()));
        assert_eq!(validate_gtin(GTIN), Ok(()));
        assert_eq!(
            validate_gtin("96385075"),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Ean8,
                code: "96385075".into(),
                expected: 4
            })
        );
        assert_eq!(
            validate_gtin("036000291453"),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::UpcA,
                code: "036000291453".into(),
                expected: 2
            })
        );
        assert_eq!(
            validate_gtin("10012345600010"),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Gtin14,
                code: "10012345600010".into(),
                expected: 9
            })
        );
        assert_eq!(
            validate_gtin("12345"),
            Err(BarcodeError::InvalidLength {
                code: "12345".into(),
                len: 5
            })
        );
        assert_eq!(
            validate_gtin("40063813339a1"),
            Err(BarcodeError::NotDigits {
                code: "40063813339a1".into()
            })
        );
        assert_eq!(validate_gtin(""), Err(BarcodeError::Empty));
    }

    #[test]
    fn check_digit_error_message() {
        let err = validate_gtin("4600000000019");
        assert_eq!(
            err,
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Ean13,
                code: "4600000000019".into(),
                expected: 5
            })
        );
        let msg = match err {
            Err(e) => e.to_string(),
            Ok(()) => String::new(),
        };
        assert_eq!(msg, "EAN-13 4600000000019: check digit should be 5");
    }

    // ---- classify: retail codes ----------------------------------------

    #[test]
    fn classify_each_length() {
        let l = layout();
        assert_eq!(classify("96385074", &l), Ok(Scan::Ean8("96385074".into())));
        assert_eq!(classify("46009333", &l), Ok(Scan::Ean8("46009333".into())));
        assert_eq!(classify("036000291452", &l), Ok(Scan::UpcA("036000291452".into())));
        assert_eq!(classify("012345678905", &l), Ok(Scan::UpcA("012345678905".into())));
        assert_eq!(classify("4006381333931", &l), Ok(Scan::Ean13("4006381333931".into())));
        assert_eq!(classify("4601234567893", &l), Ok(Scan::Ean13("4601234567893".into())));
        assert_eq!(classify("5901234123457", &l), Ok(Scan::Ean13("5901234123457".into())));
    }

    #[test]
    fn classify_trims_scanner_whitespace() {
        let l = layout();
        assert_eq!(
            classify("  4006381333931\r\n", &l),
            Ok(Scan::Ean13("4006381333931".into()))
        );
        assert_eq!(classify("\t96385074\n", &l), Ok(Scan::Ean8("96385074".into())));
        assert_eq!(classify(" \r\n\t", &l), Err(BarcodeError::Empty));
        assert_eq!(classify("", &l), Err(BarcodeError::Empty));
    }

    #[test]
    fn classify_wrong_check_digits_each_length() {
        let l = layout();
        assert_eq!(
            classify("96385070", &l),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Ean8,
                code: "96385070".into(),
                expected: 4
            })
        );
        assert_eq!(
            classify("036000291450", &l),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::UpcA,
                code: "036000291450".into(),
                expected: 2
            })
        );
        assert_eq!(
            classify("4600000000019", &l),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Ean13,
                code: "4600000000019".into(),
                expected: 5
            })
        );
        assert_eq!(
            classify("04600000000019", &l),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Gtin14,
                code: "04600000000019".into(),
                expected: 5
            })
        );
    }

    #[test]
    fn classify_gtin14() {
        let l = layout();
        // Indicator 0: the EAN-13 inside.
        assert_eq!(classify("04006381333931", &l), Ok(Scan::Ean13("4006381333931".into())));
        assert_eq!(classify("00012345600012", &l), Ok(Scan::Ean13("0012345600012".into())));
        // Outer case (indicator 1): valid but not a retail item.
        assert_eq!(classify("10012345600019", &l), Ok(Scan::Other("10012345600019".into())));
        // Zero-padded weighed label is still weighed.
        assert_eq!(
            classify("02000123012346", &l),
            Ok(Scan::Weighted(WeightedCode {
                prefix: 20,
                product_code: "00123".into(),
                grams: 1234
            }))
        );
    }

    #[test]
    fn classify_ean_with_aim_prefix() {
        let l = layout();
        assert_eq!(
            classify("]E04006381333931", &l),
            Ok(Scan::Ean13("4006381333931".into()))
        );
        assert_eq!(classify("]E496385074", &l), Ok(Scan::Ean8("96385074".into())));
        assert_eq!(classify("]E0ABC", &l), Ok(Scan::Other("]E0ABC".into())));
    }

    #[test]
    fn classify_other_codes() {
        let l = layout();
        assert_eq!(classify("12345", &l), Ok(Scan::Other("12345".into())));
        assert_eq!(classify("123456789", &l), Ok(Scan::Other("123456789".into())));
        assert_eq!(classify("ABC-123", &l), Ok(Scan::Other("ABC-123".into())));
        assert_eq!(classify(" SKU 42 ", &l), Ok(Scan::Other("SKU 42".into())));
        assert_eq!(classify("Молоко", &l), Ok(Scan::Other("Молоко".into())));
        assert_eq!(classify("Привет мир", &l), Ok(Scan::Other("Привет мир".into())));
        // Full-width digits are not ASCII digits.
        assert_eq!(
            classify("４００６３８１３", &l),
            Ok(Scan::Other("４００６３８１３".into()))
        );
    }

    // ---- weighed goods -------------------------------------------------

    #[test]
    fn weighted_default_layout() {
        // 20 00123 01234 K: 2*1+0+0+0+1*1+2*3+3*1+0+1*1+2*3+3*1+4*3
        // = 2+1+6+3+1+6+3+12 = 34 -> 6.
        assert_eq!(ean13_check_digit("200012301234"), Some(6));
        assert_eq!(
            classify("2000123012346", &layout()),
            Ok(Scan::Weighted(WeightedCode {
                prefix: 20,
                product_code: "00123".into(),
                grams: 1234
            }))
        );
        // 29 12345 99999 K: 2+27+1+6+3+12+5+27+9+27+9+27 = 155 -> 5.
        assert_eq!(ean13_check_digit("291234599999"), Some(5));
        assert_eq!(
            classify("2912345999995", &layout()),
            Ok(Scan::Weighted(WeightedCode {
                prefix: 29,
                product_code: "12345".into(),
                grams: 99_999
            }))
        );
    }

    #[test]
    fn weighted_wrong_check_digit() {
        assert_eq!(
            classify("2000123012347", &layout()),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Ean13,
                code: "2000123012347".into(),
                expected: 6
            })
        );
    }

    #[test]
    fn weighted_zero_weight() {
        // 22 00042 00000 K: 2+6+0+0+0+12+2 = 22 -> 8.
        assert_eq!(ean13_check_digit("220004200000"), Some(8));
        let err = classify("2200042000008", &layout());
        assert_eq!(
            err,
            Err(BarcodeError::ZeroWeight {
                code: "2200042000008".into()
            })
        );
        let msg = match err {
            Err(e) => e.to_string(),
            Ok(_) => String::new(),
        };
        assert!(msg.contains("weight is zero"), "{msg}");
    }

    #[test]
    fn weighted_custom_layout() {
        let l = custom_layout();
        assert_eq!(l.prefixes, vec![21]);
        // 21 123456 0750 K: 2+3+1+6+3+12+5+18+0+21+5+0 = 76 -> 4.
        assert_eq!(ean13_check_digit("211234560750"), Some(4));
        assert_eq!(
            classify("2112345607504", &l),
            Ok(Scan::Weighted(WeightedCode {
                prefix: 21,
                product_code: "123456".into(),
                grams: 750
            }))
        );
        // Prefix 20 is not weighed goods in this layout.
        assert_eq!(classify("2000123012346", &l), Ok(Scan::Ean13("2000123012346".into())));
        // The same 21… label under the default layout splits 5/5.
        assert_eq!(
            classify("2112345607504", &layout()),
            Ok(Scan::Weighted(WeightedCode {
                prefix: 21,
                product_code: "12345".into(),
                grams: 60_750
            }))
        );
    }

    #[test]
    fn layout_validation() {
        assert_eq!(layout().validate(), Ok(()));
        assert_eq!(layout().prefixes, (20u8..=29).collect::<Vec<_>>());
        assert!(matches!(
            WeightLayout::new([20u8], 5, 4),
            Err(BarcodeError::InvalidLayout { .. })
        ));
        assert!(matches!(
            WeightLayout::new([100u8], 5, 5),
            Err(BarcodeError::InvalidLayout { .. })
        ));
        assert!(matches!(
            WeightLayout::new([21u8], 0, 10),
            Err(BarcodeError::InvalidLayout { .. })
        ));
        assert!(matches!(
            WeightLayout::new(vec![21u8], 10, 0),
            Err(BarcodeError::InvalidLayout { .. })
        ));
        assert_eq!(
            WeightLayout::new([25u8, 21, 25], 4, 6).map(|l| l.prefixes),
            Ok(vec![21, 25])
        );
        // Empty prefix set: no weighed goods at all.
        let none = WeightLayout::new(Vec::new(), 5, 5);
        assert_eq!(
            none.and_then(|l| classify("2000123012346", &l)),
            Ok(Scan::Ean13("2000123012346".into()))
        );
        // A hand-built broken layout is reported, not a panic.
        let broken = WeightLayout {
            prefixes: vec![20],
            code_len: usize::MAX,
            weight_len: 5,
        };
        assert!(matches!(
            classify("2000123012346", &broken),
            Err(BarcodeError::InvalidLayout { .. })
        ));
        // …but only matters for codes with its prefix.
        assert_eq!(
            classify("4006381333931", &broken),
            Ok(Scan::Ean13("4006381333931".into()))
        );
    }

    // ---- marking codes ---------------------------------------------------

    #[test]
    fn marking_full_91_92_44() {
        let raw = full_9192();
        let m = marking(&raw);
        assert_eq!(m.gtin, GTIN);
        assert_eq!(m.serial, SERIAL13);
        assert_eq!(m.key_id.as_deref(), Some("EE07"));
        assert_eq!(m.signature.as_deref(), Some(SIG44));
        assert_eq!(m.crypto_tail, None);
        assert_eq!(m.raw, raw);
        assert!(m.has_crypto());
        assert!(!m.is_tobacco_pack());
        assert_eq!(m.tobacco_price_code(), None);
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m)));
    }

    #[test]
    fn marking_full_91_92_88() {
        let sig = sig88();
        let raw = format!("01{GTIN}21{SERIAL13}{GSS}91AB12{GSS}92{sig}");
        let m = marking(&raw);
        assert_eq!(m.signature.as_deref(), Some(sig.as_str()));
        assert_eq!(m.key_id.as_deref(), Some("AB12"));
        assert_eq!(m.raw, raw);
        // GS dropped everywhere.
        let dropped = format!("01{GTIN}21{SERIAL13}91AB1292{sig}");
        assert_eq!(marking(&dropped), m);
    }

    #[test]
    fn marking_with_93() {
        let raw = format!("01{GTIN_DAIRY}215hD'k9{GSS}93dGVz");
        let m = marking(&raw);
        assert_eq!(m.gtin, GTIN_DAIRY);
        assert_eq!(m.serial, "5hD'k9");
        assert_eq!(m.crypto_tail.as_deref(), Some("dGVz"));
        assert_eq!(m.key_id, None);
        assert_eq!(m.signature, None);
        assert_eq!(m.raw, raw);
        assert!(!m.is_tobacco_pack());
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m)));
    }

    #[test]
    fn marking_gs_dropped_91_92() {
        let dropped = format!("01{GTIN}21{SERIAL13}91EE0792{SIG44}");
        let m = marking(&dropped);
        assert_eq!(m.serial, SERIAL13);
        assert_eq!(m.key_id.as_deref(), Some("EE07"));
        assert_eq!(m.signature.as_deref(), Some(SIG44));
        assert_eq!(m.raw, full_9192());
        assert_eq!(classify(&dropped, &layout()), Ok(Scan::Marking(m)));
    }

    #[test]
    fn marking_gs_dropped_serial_containing_ai_lookalikes() {
        // The serial itself contains "91", "92" and "93"; the split is made
        // from the end, by the fixed lengths of the crypto part.
        let serial = "91ab92cd93efg";
        let dropped = format!("01{GTIN}21{serial}91EE0792{SIG44}");
        let m = marking(&dropped);
        assert_eq!(m.serial, serial);
        assert_eq!(m.key_id.as_deref(), Some("EE07"));
        assert_eq!(m.signature.as_deref(), Some(SIG44));
        assert_eq!(m.raw, format!("01{GTIN}21{serial}{GSS}91EE07{GSS}92{SIG44}"));
    }

    #[test]
    fn marking_gs_dropped_93() {
        let dropped = format!("01{GTIN_DAIRY}215hD'k993dGVz");
        let m = marking(&dropped);
        assert_eq!(m.serial, "5hD'k9");
        assert_eq!(m.crypto_tail.as_deref(), Some("dGVz"));
        assert_eq!(m.raw, format!("01{GTIN_DAIRY}215hD'k9{GSS}93dGVz"));
    }

    #[test]
    fn marking_partially_dropped_gs() {
        // GS after the serial kept, GS between 91 and 92 dropped.
        let raw = format!("01{GTIN}21{SERIAL13}{GSS}91EE0792{SIG44}");
        assert_eq!(marking(&raw).raw, full_9192());
        // 92 followed by 93 without GS.
        let raw = format!("01{GTIN}21{SERIAL13}{GSS}91EE07{GSS}92{SIG44}93ab!c");
        let m = marking(&raw);
        assert_eq!(m.signature.as_deref(), Some(SIG44));
        assert_eq!(m.crypto_tail.as_deref(), Some("ab!c"));
        assert_eq!(
            m.raw,
            format!("01{GTIN}21{SERIAL13}{GSS}91EE07{GSS}92{SIG44}{GSS}93ab!c")
        );
    }

    #[test]
    fn marking_without_crypto_and_ambiguity() {
        let m = marking(&format!("01{GTIN}21ABCDEFG"));
        assert_eq!(m.serial, "ABCDEFG");
        assert!(!m.has_crypto());
        assert_eq!(m.raw, format!("01{GTIN}21ABCDEFG"));
        // Ambiguous without GS: a well-formed 93 tail at the end wins.
        let m = marking(&format!("01{GTIN}21abc93wxyz"));
        assert_eq!(m.serial, "abc");
        assert_eq!(m.crypto_tail.as_deref(), Some("wxyz"));
        // 20-character serial, no crypto.
        let serial20 = "ABCDEFGHIJKLMNOPQRST";
        assert_eq!(marking(&format!("01{GTIN}21{serial20}")).serial, serial20);
    }

    #[test]
    fn marking_aim_prefix() {
        let raw = format!("]d2{}", full_9192());
        let m = marking(&raw);
        assert_eq!(m.raw, full_9192());
        assert_eq!(m.serial, SERIAL13);
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m)));
        // AIM prefix and dropped GS together.
        let raw = format!("]d201{GTIN_DAIRY}215hD'k993dGVz\r\n");
        assert_eq!(marking(&raw).crypto_tail.as_deref(), Some("dGVz"));
        // GS1 QR.
        let raw = format!("]Q3{}", full_9192());
        assert_eq!(marking(&raw).raw, full_9192());
    }

    #[test]
    fn marking_leading_gs() {
        let raw = format!("{GSS}{}{GSS}", full_9192());
        let m = marking(&raw);
        assert_eq!(m.raw, full_9192());
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m)));
        let raw = format!("]d2{GSS}01{GTIN_DAIRY}215hD'k9{GSS}93dGVz");
        assert_eq!(marking(&raw).serial, "5hD'k9");
    }

    #[test]
    fn marking_caret_notation() {
        let raw = format!("^]01{GTIN}21{SERIAL13}^]91EE07^]92{SIG44}");
        let m = marking(&raw);
        assert_eq!(m.raw, full_9192());
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m)));
        let raw = format!("01{GTIN_DAIRY}215hD'k9^]93dGVz");
        assert_eq!(marking(&raw).crypto_tail.as_deref(), Some("dGVz"));
    }

    #[test]
    fn marking_other_gs_spellings_not_translated() {
        // `\x1d` as text: backslash is not a GS1 character.
        let raw = format!("01{GTIN_DAIRY}215hD'k9\\x1d93dGVz");
        assert_eq!(
            parse_marking(&raw),
            Err(BarcodeError::InvalidCharacter { ch: '\\', position: 25 })
        );
        // `<GS>` is legal data and stays part of the serial.
        let raw = format!("01{GTIN}21ab<GS>cd");
        assert_eq!(marking(&raw).serial, "ab<GS>cd");
    }

    #[test]
    fn marking_tobacco_pack() {
        let raw = format!("{GTIN_TOBACCO}Aj8Z>KiAGd6p2Fz");
        assert_eq!(raw.len(), 29);
        let m = marking(&raw);
        assert_eq!(m.gtin, GTIN_TOBACCO);
        assert_eq!(m.serial, "Aj8Z>Ki");
        assert_eq!(m.crypto_tail.as_deref(), Some("p2Fz"));
        assert_eq!(m.key_id, None);
        assert_eq!(m.signature, None);
        assert_eq!(m.raw, raw);
        assert!(m.is_tobacco_pack());
        assert_eq!(m.tobacco_price_code(), Some("AGd6"));
        assert_eq!(classify(&raw, &layout()), Ok(Scan::Marking(m.clone())));
        // With the plain-DataMatrix AIM prefix and a CR.
        assert_eq!(marking(&format!("]d1{raw}\r")), m);
        // Wrong GTIN check digit.
        let bad = "04606203084624Aj8Z>KiAGd6p2Fz";
        assert_eq!(
            classify(bad, &layout()),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Gtin14,
                code: "04606203084624".into(),
                expected: 3
            })
        );
    }

    #[test]
    fn marking_gtin_check_digit_wrong() {
        let raw = format!("0104601234567894{}", &full_9192()[16..]);
        assert_eq!(
            parse_marking(&raw),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Gtin14,
                code: "04601234567894".into(),
                expected: 3
            })
        );
        assert_eq!(
            classify(&raw, &layout()),
            Err(BarcodeError::CheckDigit {
                symbology: Symbology::Gtin14,
                code: "04601234567894".into(),
                expected: 3
            })
        );
    }

    #[test]
    fn marking_too_short_and_missing_parts() {
        assert_eq!(
            parse_marking("0104601234"),
            Err(BarcodeError::MarkingTooShort { len: 10 })
        );
        assert_eq!(parse_marking("0"), Err(BarcodeError::MarkingTooShort { len: 1 }));
        assert_eq!(parse_marking(&format!("01{GTIN}")), Err(BarcodeError::MissingSerial));
        assert_eq!(parse_marking(&format!("01{GTIN}21")), Err(BarcodeError::MissingSerial));
        assert_eq!(
            parse_marking(&format!("01{GTIN}10ABC")),
            Err(BarcodeError::MissingSerial)
        );
        assert_eq!(
            parse_marking(&format!("01{GTIN}21{GSS}93dGVz")),
            Err(BarcodeError::MissingSerial)
        );
        assert_eq!(
            classify(&format!("]d201{GTIN}21"), &layout()),
            Err(BarcodeError::MissingSerial)
        );
        assert_eq!(parse_marking("0204601234567893"), Err(BarcodeError::MissingGtin));
        assert_eq!(parse_marking("01046012345678AB21xyz"), Err(BarcodeError::MissingGtin));
        assert_eq!(parse_marking("  "), Err(BarcodeError::Empty));
        assert_eq!(parse_marking(GSS), Err(BarcodeError::Empty));
        assert_eq!(parse_marking("]d2"), Err(BarcodeError::Empty));
    }

    #[test]
    fn marking_non_ascii() {
        // Scanner typing in the Russian layout.
        let raw = format!("01{GTIN}21АБВгд{GSS}93dGVz");
        assert_eq!(parse_marking(&raw), Err(BarcodeError::NonAscii));
        assert_eq!(classify(&raw, &layout()), Err(BarcodeError::NonAscii));
        let tobacco = format!("{GTIN_TOBACCO}Фы8Я>КиAGd6p2Fz");
        assert_eq!(tobacco.chars().count(), 29);
        assert_eq!(classify(&tobacco, &layout()), Err(BarcodeError::NonAscii));
        assert_eq!(parse_marking("Молоко"), Err(BarcodeError::NonAscii));
    }

    #[test]
    fn marking_crypto_field_errors() {
        let base = format!("01{GTIN}21{SERIAL13}{GSS}");
        assert_eq!(
            parse_marking(&format!("{base}91EE0{GSS}92{SIG44}")),
            Err(BarcodeError::InvalidKeyId { len: 3 })
        );
        assert_eq!(
            parse_marking(&format!("{base}91EE07X{GSS}92{SIG44}")),
            Err(BarcodeError::InvalidKeyId { len: 5 })
        );
        assert_eq!(
            parse_marking(&format!("{base}91EE07{GSS}92{}", &SIG44[1..])),
            Err(BarcodeError::InvalidSignature { len: 43 })
        );
        assert_eq!(
            parse_marking(&format!("{base}93abc")),
            Err(BarcodeError::InvalidCryptoTail { len: 3 })
        );
        assert_eq!(
            parse_marking(&format!("{base}91EE07")),
            Err(BarcodeError::IncompleteCrypto)
        );
        assert_eq!(
            parse_marking(&format!("{base}92{SIG44}")),
            Err(BarcodeError::IncompleteCrypto)
        );
        assert_eq!(
            parse_marking(&format!("{base}93abcd{GSS}93efgh")),
            Err(BarcodeError::DuplicateAi { ai: "93".into() })
        );
        assert_eq!(
            parse_marking(&format!("{base}10LOT42")),
            Err(BarcodeError::UnknownAi { found: "10LO".into() })
        );
    }

    #[test]
    fn marking_serial_too_long() {
        let serial21 = "ABCDEFGHIJKLMNOPQRSTU";
        assert_eq!(
            parse_marking(&format!("01{GTIN}21{serial21}")),
            Err(BarcodeError::SerialTooLong { len: 21 })
        );
        assert_eq!(
            parse_marking(&format!("01{GTIN}21{serial21}{GSS}93abcd")),
            Err(BarcodeError::SerialTooLong { len: 21 })
        );
        // Signature one character short and GS dropped: nothing fits.
        let raw = format!("01{GTIN}21{SERIAL13}91EE0792{}", &SIG44[1..]);
        assert_eq!(
            parse_marking(&raw),
            Err(BarcodeError::SerialTooLong { len: 13 + 6 + 2 + 43 })
        );
    }

    #[test]
    fn marking_invalid_character() {
        assert_eq!(
            parse_marking(&format!("01{GTIN}21AB CD")),
            Err(BarcodeError::InvalidCharacter { ch: ' ', position: 21 })
        );
        assert_eq!(
            parse_marking(&format!("01{GTIN}21AB#CD")),
            Err(BarcodeError::InvalidCharacter { ch: '#', position: 21 })
        );
    }

    #[test]
    fn marking_tobacco_carton_rejected() {
        // Carton: serial 7, AI 8005 price 6 digits, AI 93.
        let with_gs = format!("01{GTIN_TOBACCO}21Aj8Z>Ki{GSS}8005012345{GSS}93p2Fz");
        assert_eq!(
            parse_marking(&with_gs),
            Err(BarcodeError::UnknownAi { found: "8005".into() })
        );
        let dropped = format!("01{GTIN_TOBACCO}21Aj8Z>Ki800501234593p2Fz");
        assert_eq!(
            parse_marking(&dropped),
            Err(BarcodeError::UnknownAi { found: "8005".into() })
        );
    }

    #[test]
    fn gs_is_not_trimmed_as_whitespace() {
        assert!(!GS.is_whitespace());
        assert_eq!(trim_scanner("\u{1d} x \u{1d}"), "\u{1d} x \u{1d}");
        assert_eq!(trim_scanner(" \r\n\0x\0\r\n "), "x");
    }

    #[test]
    fn every_error_has_a_message() {
        let errors = vec![
            BarcodeError::Empty,
            BarcodeError::NotDigits {
                code: "1\u{1d}2".into(),
            },
            BarcodeError::InvalidLength {
                code: "123".into(),
                len: 3,
            },
            BarcodeError::CheckDigit {
                symbology: Symbology::UpcA,
                code: "036000291453".into(),
                expected: 2,
            },
            BarcodeError::ZeroWeight {
                code: "2200042000008".into(),
            },
            BarcodeError::InvalidLayout { reason: "x".into() },
            BarcodeError::NonAscii,
            BarcodeError::InvalidCharacter {
                ch: '\u{1e}',
                position: 3,
            },
            BarcodeError::MarkingTooShort { len: 3 },
            BarcodeError::MissingGtin,
            BarcodeError::MissingSerial,
            BarcodeError::SerialTooLong { len: 30 },
            BarcodeError::InvalidKeyId { len: 3 },
            BarcodeError::InvalidSignature { len: 43 },
            BarcodeError::InvalidCryptoTail { len: 3 },
            BarcodeError::IncompleteCrypto,
            BarcodeError::UnknownAi { found: "8005".into() },
            BarcodeError::DuplicateAi { ai: "93".into() },
        ];
        for e in errors {
            let boxed: Box<dyn Error> = Box::new(e.clone());
            let msg = boxed.to_string();
            assert!(msg.len() > 10, "{e:?}");
            assert!(!msg.contains('\u{1d}') && !msg.contains('\u{1e}'), "{msg}");
        }
        assert_eq!(
            BarcodeError::CheckDigit {
                symbology: Symbology::UpcA,
                code: "036000291453".into(),
                expected: 2
            }
            .to_string(),
            "UPC-A 036000291453: check digit should be 2"
        );
        assert_eq!(
            BarcodeError::InvalidSignature { len: 43 }.to_string(),
            "Marking code: crypto signature (AI 92) must be 44 or 88 characters, found 43"
        );
    }

    // ---- robustness ------------------------------------------------------

    /// Checks every successful result against its invariants.
    fn assert_consistent(input: &str, result: &Result<Scan, BarcodeError>) {
        match result {
            Ok(Scan::Ean13(c)) => {
                assert_eq!(c.len(), 13, "{input:?}");
                assert_eq!(validate_gtin(c), Ok(()), "{input:?}");
            }
            Ok(Scan::Ean8(c)) => {
                assert_eq!(c.len(), 8, "{input:?}");
                assert_eq!(validate_gtin(c), Ok(()), "{input:?}");
            }
            Ok(Scan::UpcA(c)) => {
                assert_eq!(c.len(), 12, "{input:?}");
                assert_eq!(validate_gtin(c), Ok(()), "{input:?}");
            }
            Ok(Scan::Weighted(w)) => {
                assert!(w.grams > 0, "{input:?}");
                assert!(w.prefix <= 99, "{input:?}");
                assert!(all_digits(&w.product_code), "{input:?}");
            }
            Ok(Scan::Marking(m)) => assert_marking_consistent(input, m),
            Ok(Scan::Other(s)) => {
                assert!(!s.is_empty(), "{input:?}");
                assert_eq!(s.as_str(), trim_scanner(s), "{input:?}");
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }

    fn assert_marking_consistent(input: &str, m: &MarkingCode) {
        assert_eq!(m.gtin.len(), 14, "{input:?}");
        assert_eq!(validate_gtin(&m.gtin), Ok(()), "{input:?}");
        assert!((1..=MAX_SERIAL_LEN).contains(&m.serial.len()), "{input:?}");
        assert!(m.serial.chars().all(is_gs1_char), "{input:?}");
        assert_eq!(m.key_id.is_some(), m.signature.is_some(), "{input:?}");
        if let Some(k) = &m.key_id {
            assert_eq!(k.len(), 4, "{input:?}");
        }
        if let Some(s) = &m.signature {
            assert!(s.len() == 44 || s.len() == 88, "{input:?}");
        }
        if let Some(t) = &m.crypto_tail {
            assert_eq!(t.len(), 4, "{input:?}");
        }
        assert!(m.raw.is_ascii(), "{input:?}");
        // The canonical form parses back to the same code.
        assert_eq!(parse_marking(&m.raw).as_ref(), Ok(m), "{input:?}");
    }

    fn samples() -> Vec<String> {
        vec![
            "96385074".into(),
            "036000291452".into(),
            "4006381333931".into(),
            "04006381333931".into(),
            "10012345600019".into(),
            "2000123012346".into(),
            "2112345607504".into(),
            "2200042000008".into(),
            full_9192(),
            format!("]d2{GSS}01{GTIN}21{SERIAL13}91AB1292{}", sig88()),
            format!("01{GTIN}21{SERIAL13}91EE0792{SIG44}"),
            format!("01{GTIN_DAIRY}215hD'k9{GSS}93dGVz"),
            format!("01{GTIN_DAIRY}215hD'k993dGVz"),
            format!("^]01{GTIN}21{SERIAL13}^]91EE07^]92{SIG44}"),
            format!("{GTIN_TOBACCO}Aj8Z>KiAGd6p2Fz"),
            format!("01{GTIN}21АБВгд{GSS}93dGVz"),
            "Молоко 1л".into(),
        ]
    }

    fn layouts() -> Vec<WeightLayout> {
        vec![
            layout(),
            custom_layout(),
            WeightLayout {
                prefixes: vec![20, 21, 200],
                code_len: usize::MAX,
                weight_len: 2,
            },
            WeightLayout {
                prefixes: vec![20, 21, 22],
                code_len: 9,
                weight_len: 1,
            },
            WeightLayout {
                prefixes: vec![20, 22],
                code_len: 3,
                weight_len: 3,
            },
        ]
    }

    fn exercise(input: &str, layouts: &[WeightLayout]) {
        for l in layouts {
            let r = classify(input, l);
            assert_consistent(input, &r);
        }
        if let Ok(m) = parse_marking(input) {
            assert_marking_consistent(input, &m);
        }
        let _ = validate_gtin(input);
        let _ = gs1_check_digit(input);
        let _ = ean13_check_digit(input);
    }

    #[test]
    fn truncations_never_panic() {
        let layouts = layouts();
        let mut checked = 0usize;
        for s in samples() {
            let boundaries: Vec<usize> = s
                .char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(s.len()))
                .collect();
            for &i in &boundaries {
                for part in [s.get(..i), s.get(i..)].into_iter().flatten() {
                    exercise(part, &layouts);
                    checked += 1;
                }
            }
        }
        assert!(checked > 500, "{checked}");
    }

    #[test]
    fn truncated_marking_codes_give_specific_results() {
        let full = full_9192();
        // Cutting inside the signature leaves an unrecognisable tail.
        let cut = &full[..full.len() - 1];
        assert_eq!(parse_marking(cut), Err(BarcodeError::InvalidSignature { len: 43 }));
        // Cutting right after the serial leaves a valid code without crypto.
        let serial_end = 2 + 14 + 2 + SERIAL13.len();
        assert!(!marking(&full[..serial_end]).has_crypto());
    }

    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 33
        }
        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next()).unwrap_or(0) % n.max(1)
        }
    }

    #[test]
    fn random_inputs_never_panic() {
        let layouts = layouts();
        let alphabet: Vec<char> = "0123456789012345678901239192930121AZaz!%'<>?_^]d2Q3C1E0 \r\n\t\u{1d}\u{0}#\\~Жяÿ€😀"
            .chars()
            .collect();
        let mut rng = Lcg(0x5EED_1234_ABCD_0001);
        let mut ok_markings = 0usize;
        for _ in 0..20_000 {
            let len = rng.below(130);
            let s: String = (0..len)
                .map(|_| alphabet.get(rng.below(alphabet.len())).copied().unwrap_or('0'))
                .collect();
            if parse_marking(&s).is_ok() {
                ok_markings += 1;
            }
            exercise(&s, &layouts);
        }
        for _ in 0..5_000 {
            let len = rng.below(120);
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() & 0xFF) as u8).collect();
            let s = String::from_utf8_lossy(&bytes);
            exercise(&s, &layouts);
        }
        // Mutations of valid codes: replace, insert or delete one character.
        let samples = samples();
        for _ in 0..20_000 {
            let base: Vec<char> = samples
                .get(rng.below(samples.len()))
                .map(|s| s.chars().collect())
                .unwrap_or_default();
            let mut chars = base;
            let at = rng.below(chars.len() + 1);
            let ch = alphabet.get(rng.below(alphabet.len())).copied().unwrap_or('0');
            match rng.below(3) {
                0 if at < chars.len() => {
                    if let Some(c) = chars.get_mut(at) {
                        *c = ch;
                    }
                }
                1 => chars.insert(at, ch),
                _ if at < chars.len() => {
                    chars.remove(at);
                }
                _ => {}
            }
            let s: String = chars.into_iter().collect();
            if parse_marking(&s).is_ok() {
                ok_markings += 1;
            }
            exercise(&s, &layouts);
        }
        // The mutation pass must actually reach the success paths.
        assert!(ok_markings > 1_000, "{ok_markings}");
    }
}
