//! Money, quantities, percentages and VAT: exact decimal arithmetic only.
//!
//! Every amount is a `rust_decimal::Decimal` behind a type that can only hold
//! a valid value: `Money` has at most two fraction digits (kopecks), `Qty` at
//! most three and is always positive. Parsing is strict (no exponent, no sign
//! where none is allowed, no more digits than the type holds) so that a typo
//! in a journal or a till entry is an error, never a silent rounding.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

/// Why a textual amount was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    /// Not of the form `123.45`.
    #[error("`{0}` is not a decimal number")]
    NotDecimal(String),
    /// Money written without a decimal point.
    #[error("`{0}` is not money: write it with a decimal point, like {0}.00")]
    NoDecimalPoint(String),
    /// More fraction digits than the value may have.
    #[error("`{input}` has more than {max} fraction digits")]
    TooPrecise {
        /// What was given.
        input: String,
        /// How many digits are allowed.
        max: u32,
    },
    /// A negative value where only non-negative ones make sense.
    #[error("`{0}` must not be negative")]
    Negative(String),
    /// Zero or negative where a positive value is required.
    #[error("`{0}` must be greater than zero")]
    NotPositive(String),
    /// Outside the range a value may take.
    #[error("`{0}` is out of range")]
    OutOfRange(String),
}

/// Parses `[-]digits[.digits]` exactly, refusing anything Decimal would
/// otherwise accept loosely (exponents, `+`, blanks, `_`). Integer digits are
/// bounded so that no product or sum of valid values can overflow.
fn parse_plain_decimal(input: &str, max_scale: u32, max_int_digits: usize) -> Result<Decimal, AmountError> {
    let body = input.strip_prefix('-').unwrap_or(input);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits_ok = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits_ok(int) || frac.is_some_and(|f| !digits_ok(f)) {
        return Err(AmountError::NotDecimal(input.to_owned()));
    }
    if int.trim_start_matches('0').len() > max_int_digits {
        return Err(AmountError::OutOfRange(input.to_owned()));
    }
    if frac.map_or(0, str::len) > max_scale as usize {
        return Err(AmountError::TooPrecise {
            input: input.to_owned(),
            max: max_scale,
        });
    }
    Decimal::from_str_exact(input).map_err(|_| AmountError::NotDecimal(input.to_owned()))
}

/// Integer digits of money: up to 99,999,999,999.99 roubles, so that sums
/// of hundreds of thousands of such amounts still fit the books' integers.
const MONEY_DIGITS: usize = 11;
/// Integer digits of a quantity: up to 999,999,999.999 units.
const QTY_DIGITS: usize = 9;

/// Rounds to `scale` fraction digits, halves away from zero (the accountant's
/// "half up").
pub(crate) fn round_half_up(value: Decimal, scale: u32) -> Decimal {
    let mut rounded = value.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(scale);
    rounded
}

/// An amount of roubles with kopecks: exactly two fraction digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(Decimal);

impl Money {
    /// Zero roubles.
    pub const ZERO: Money = Money(Decimal::from_parts(0, 0, 0, false, 2));

    /// The largest amount the books hold: 99,999,999,999.99.
    pub const MAX: Money = Money(Decimal::from_parts(0x4E72_9FFF, 0x0000_0918, 0, false, 2));

    /// Parses `"1234.50"`, `"0.99"`, `"-5.00"`: a decimal point and at most
    /// two fraction digits, as the journal writes money. Negative values are
    /// allowed here; callers refuse them where a field may not be negative.
    pub fn parse(input: &str) -> Result<Money, AmountError> {
        let value = parse_plain_decimal(input, 2, MONEY_DIGITS)?;
        if !input.contains('.') {
            return Err(AmountError::NoDecimalPoint(input.to_owned()));
        }
        Ok(Money::from_decimal_exact(value))
    }

    /// Parses a money amount that must not be negative.
    pub fn parse_non_negative(input: &str) -> Result<Money, AmountError> {
        let money = Money::parse(input)?;
        if money.is_negative() {
            return Err(AmountError::Negative(input.to_owned()));
        }
        Ok(money)
    }

    /// Parses a money amount that must be greater than zero.
    pub fn parse_positive(input: &str) -> Result<Money, AmountError> {
        let money = Money::parse(input)?;
        if !money.is_positive() {
            return Err(AmountError::NotPositive(input.to_owned()));
        }
        Ok(money)
    }

    fn from_decimal_exact(mut value: Decimal) -> Money {
        value.rescale(2);
        Money(value)
    }

    /// Rounds any decimal to kopecks, half up.
    pub fn round(value: Decimal) -> Money {
        Money(round_half_up(value, 2))
    }

    /// Whole kopecks, as stored.
    pub fn from_kopecks(kopecks: i64) -> Money {
        Money(Decimal::new(kopecks, 2))
    }

    /// The amount in kopecks.
    pub fn kopecks(self) -> i64 {
        // Two fraction digits and the bounded integer digits always fit.
        let mantissa = self.0.mantissa();
        i64::try_from(mantissa).unwrap_or(if mantissa < 0 { i64::MIN } else { i64::MAX })
    }

    /// The decimal value.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Below zero.
    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Above zero.
    pub fn is_positive(self) -> bool {
        self.0.is_sign_positive() && !self.0.is_zero()
    }

    /// Exactly zero.
    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// Sum of many amounts.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Money {
        items.into_iter().fold(Money::ZERO, |acc, m| acc + m)
    }

    /// `self` as a percentage of `whole`, rounded half up to two places;
    /// `None` when `whole` is zero.
    pub fn percent_of(self, whole: Money) -> Option<Decimal> {
        if whole.is_zero() {
            return None;
        }
        Some(round_half_up(self.0 * Decimal::ONE_HUNDRED / whole.0, 2))
    }
}

impl std::ops::Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money::from_decimal_exact(self.0 + rhs.0)
    }
}

impl std::ops::Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money::from_decimal_exact(self.0 - rhs.0)
    }
}

impl std::ops::AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl std::ops::SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl std::ops::Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money::from_decimal_exact(-self.0)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Decimal prints "-0.00" for a negative zero; money has no sign at zero.
        if self.0.is_zero() {
            return f.write_str("0.00");
        }
        write!(f, "{}", self.0)
    }
}

impl FromStr for Money {
    type Err = AmountError;
    fn from_str(s: &str) -> Result<Money, AmountError> {
        Money::parse(s)
    }
}

/// A quantity of goods: pieces, kilograms, litres or metres, with at most
/// three fraction digits (grams, millilitres), always greater than zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Qty(Decimal);

impl Qty {
    /// One unit.
    pub const ONE: Qty = Qty(Decimal::ONE);

    /// Parses `"1"`, `"0.350"`: positive, at most three fraction digits.
    pub fn parse(input: &str) -> Result<Qty, AmountError> {
        let value = parse_plain_decimal(input, 3, QTY_DIGITS)?;
        if value <= Decimal::ZERO {
            return Err(AmountError::NotPositive(input.to_owned()));
        }
        Ok(Qty(value.normalize()))
    }

    /// From thousandths, as stored. `None` unless positive.
    pub fn from_milli(milli: i64) -> Option<Qty> {
        (milli > 0).then(|| Qty(Decimal::new(milli, 3).normalize()))
    }

    /// Thousandths of a unit.
    pub fn milli(self) -> i64 {
        let mut scaled = self.0;
        scaled.rescale(3);
        i64::try_from(scaled.mantissa()).unwrap_or(i64::MAX)
    }

    /// A whole number of units.
    pub fn is_whole(self) -> bool {
        self.0.fract().is_zero()
    }

    /// The decimal value.
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// Gross amount of a line: round_half_up(qty × price, 2).
    pub fn times(self, price: Money) -> Money {
        Money::round(self.0 * price.0)
    }
}

impl fmt::Display for Qty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A percentage from 0 to 100, such as a discount limit or a seller's
/// commission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Percent(Decimal);

impl Percent {
    /// Nothing.
    pub const ZERO: Percent = Percent(Decimal::ZERO);
    /// Everything.
    pub const HUNDRED: Percent = Percent(Decimal::ONE_HUNDRED);

    /// Parses `"10"`, `"2.5"`: from 0 to 100, at most four fraction digits.
    pub fn parse(input: &str) -> Result<Percent, AmountError> {
        let value = parse_plain_decimal(input, 4, 3)?;
        if value.is_sign_negative() && !value.is_zero() {
            return Err(AmountError::Negative(input.to_owned()));
        }
        if value > Decimal::ONE_HUNDRED {
            return Err(AmountError::OutOfRange(input.to_owned()));
        }
        Ok(Percent(value.normalize()))
    }

    /// The decimal value (10 for 10 %).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// This share of an amount, rounded half up to kopecks.
    pub fn of(self, amount: Money) -> Money {
        Money::round(amount.0 * self.0 / Decimal::ONE_HUNDRED)
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// VAT rate of a product (ставка НДС), as the journal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VatRate {
    /// 22 %, the standard rate from 1 January 2026.
    Vat22,
    /// 20 %, the standard rate before 2026.
    Vat20,
    /// 10 %: food, children's goods, books, medicines.
    Vat10,
    /// 7 % (simplified tax system).
    Vat7,
    /// 5 % (simplified tax system).
    Vat5,
    /// 0 %.
    Vat0,
    /// Not subject to VAT (без НДС).
    None,
}

impl VatRate {
    /// All rates, in journal order.
    pub const ALL: [VatRate; 7] = [
        VatRate::Vat22,
        VatRate::Vat20,
        VatRate::Vat10,
        VatRate::Vat7,
        VatRate::Vat5,
        VatRate::Vat0,
        VatRate::None,
    ];

    /// The journal code (`vat22` …).
    pub fn code(self) -> &'static str {
        match self {
            VatRate::Vat22 => "vat22",
            VatRate::Vat20 => "vat20",
            VatRate::Vat10 => "vat10",
            VatRate::Vat7 => "vat7",
            VatRate::Vat5 => "vat5",
            VatRate::Vat0 => "vat0",
            VatRate::None => "none",
        }
    }

    /// From the journal code.
    pub fn from_code(code: &str) -> Option<VatRate> {
        VatRate::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The rate in percent; `None` (без НДС) is 0.
    pub fn percent(self) -> Decimal {
        Decimal::from(match self {
            VatRate::Vat22 => 22,
            VatRate::Vat20 => 20,
            VatRate::Vat10 => 10,
            VatRate::Vat7 => 7,
            VatRate::Vat5 => 5,
            VatRate::Vat0 | VatRate::None => 0,
        })
    }

    /// VAT inside a VAT-inclusive amount: round_half_up(A × r ÷ (100 + r), 2).
    pub fn extract(self, amount: Money) -> Money {
        let rate = self.percent();
        if rate.is_zero() {
            return Money::ZERO;
        }
        Money::round(amount.0 * rate / (Decimal::ONE_HUNDRED + rate))
    }
}

impl fmt::Display for VatRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(s: &str) -> Money {
        Money::parse(s).expect("valid money in test")
    }

    #[test]
    fn money_parses_strictly() {
        assert_eq!(money("1234.5").to_string(), "1234.50");
        assert_eq!(money("12.5").to_string(), "12.50");
        assert_eq!(Money::parse("12"), Err(AmountError::NoDecimalPoint("12".into())));
        assert_eq!(money("-5.00").kopecks(), -500);
        for bad in [
            "1.234",
            "1e3",
            "+5",
            " 5",
            "",
            ".5",
            "5.",
            "1_000",
            "abc",
            "--1",
            "10000000000000.00",
        ] {
            assert!(Money::parse(bad).is_err(), "{bad} must be refused");
        }
        assert_eq!(money("99999999999.99"), Money::MAX);
        assert_eq!(Money::MAX.kopecks(), 9_999_999_999_999);
        // The largest quantity times the largest price still fits.
        let most = Qty::parse("999999999.999")
            .expect("valid")
            .times(money("99999999999.99"));
        assert!(most.is_positive());
        assert!(Qty::parse("1000000000").is_err());
        assert_eq!(
            Money::parse_non_negative("-0.01"),
            Err(AmountError::Negative("-0.01".into()))
        );
        assert!(Money::parse_positive("0.00").is_err());
    }

    #[test]
    fn kopeck_rounding_is_half_up() {
        // 0.333 kg × 99.99 = 33.29667 → 33.30; 1.5 × 0.05 = 0.075 → 0.08
        assert_eq!(
            Qty::parse("0.333").expect("valid").times(money("99.99")),
            money("33.30")
        );
        assert_eq!(Qty::parse("1.5").expect("valid").times(money("0.05")), money("0.08"));
        assert_eq!(Qty::parse("0.5").expect("valid").times(money("0.01")), money("0.01"));
        assert_eq!(Money::round(Decimal::new(-5, 3)).to_string(), "-0.01");
    }

    #[test]
    fn quantities_are_positive_with_three_digits() {
        assert_eq!(Qty::parse("0.350").expect("valid").milli(), 350);
        assert_eq!(Qty::parse("2").expect("valid").to_string(), "2");
        assert!(Qty::parse("0").is_err());
        assert!(Qty::parse("-1").is_err());
        assert!(Qty::parse("0.0001").is_err());
        assert!(Qty::parse("2").expect("valid").is_whole());
        assert!(!Qty::parse("2.5").expect("valid").is_whole());
        assert_eq!(Qty::from_milli(1500).expect("valid").to_string(), "1.5");
    }

    #[test]
    fn vat_is_extracted_from_inclusive_amounts() {
        // 122.00 at 22 % holds 22.00; 120.00 at 20 % holds 20.00;
        // 100.00 at 10 % holds 9.0909 → 9.09; 105.00 at 5 % holds 5.00.
        assert_eq!(VatRate::Vat22.extract(money("122.00")), money("22.00"));
        assert_eq!(VatRate::Vat20.extract(money("120.00")), money("20.00"));
        assert_eq!(VatRate::Vat10.extract(money("100.00")), money("9.09"));
        assert_eq!(VatRate::Vat5.extract(money("105.00")), money("5.00"));
        assert_eq!(VatRate::Vat7.extract(money("10.00")), money("0.65"));
        assert_eq!(VatRate::Vat0.extract(money("100.00")), Money::ZERO);
        assert_eq!(VatRate::None.extract(money("100.00")), Money::ZERO);
        for rate in VatRate::ALL {
            assert_eq!(VatRate::from_code(rate.code()), Some(rate));
        }
    }

    #[test]
    fn percentages() {
        assert_eq!(Percent::parse("2.5").expect("valid").of(money("99.99")), money("2.50"));
        assert!(Percent::parse("100.01").is_err());
        assert!(Percent::parse("-1").is_err());
        assert_eq!(money("1.00").percent_of(money("3.00")), Some(Decimal::new(3333, 2)));
        assert_eq!(money("1.00").percent_of(Money::ZERO), None);
    }
}

/// Parsers for unit tests' literals.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Money, Qty};

    /// Money from a literal.
    pub(crate) fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    /// A quantity from a literal.
    pub(crate) fn q(s: &str) -> Qty {
        Qty::parse(s).expect("qty")
    }
}
