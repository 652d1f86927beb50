//! How amounts, quantities, days and moments are shown to people: Russian
//! by default (`1 234,56 ₽`, `0,350 кг`, `02.11.2026 09:15`, `12,50 %`),
//! English on request. The till's screens, CSV, XLSX and PDF all use it.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::catalog::Unit;
use crate::clock::At;
use crate::money::{Money, Qty};

/// The language of the screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Русский.
    #[default]
    Ru,
    /// English.
    En,
}

impl Lang {
    /// `ru` or `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ru => "ru",
            Lang::En => "en",
        }
    }

    /// The language of a code (`ru`, `en`, any case).
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.to_ascii_lowercase().as_str() {
            "ru" => Some(Lang::Ru),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// Groups the integer digits of a plain decimal string by three.
fn group(digits: &str, separator: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 * separator.len());
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push_str(separator);
        }
        grouped.push(digit);
    }
    grouped
}

/// Splits `-1234.50` into sign, integer digits and fraction.
fn parts(plain: &str) -> (&str, &str, Option<&str>) {
    let (sign, body) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", plain),
    };
    match body.split_once('.') {
        Some((int, frac)) => (sign, int, Some(frac)),
        None => (sign, body, None),
    }
}

/// Money for a person: `1 234,56 ₽` (no-break spaces) or `1,234.56 ₽`.
pub fn money(amount: Money, lang: Lang) -> String {
    let plain = amount.to_string();
    let (sign, int, frac) = parts(&plain);
    let frac = frac.unwrap_or("00");
    match lang {
        Lang::Ru => format!("{sign}{},{frac}\u{a0}₽", group(int, "\u{a0}")),
        Lang::En => format!("{sign}{}.{frac}\u{a0}₽", group(int, ",")),
    }
}

/// A quantity with its unit: pieces whole, weights with three decimals.
pub fn qty(quantity: Qty, unit: Unit, lang: Lang) -> String {
    let number = match unit {
        Unit::Pcs => quantity.to_string(),
        _ => {
            let mut value = quantity.as_decimal();
            value.rescale(3);
            value.to_string()
        }
    };
    let unit_name = match (unit, lang) {
        (Unit::Pcs, Lang::Ru) => "шт",
        (Unit::Kg, Lang::Ru) => "кг",
        (Unit::L, Lang::Ru) => "л",
        (Unit::M, Lang::Ru) => "м",
        (Unit::Pcs, Lang::En) => "pcs",
        (Unit::Kg, Lang::En) => "kg",
        (Unit::L, Lang::En) => "l",
        (Unit::M, Lang::En) => "m",
    };
    let number = if lang == Lang::Ru {
        number.replace('.', ",")
    } else {
        number
    };
    format!("{number}\u{a0}{unit_name}")
}

/// No quantity at all, with the unit: `0 шт`, `0,000 кг`.
pub fn nothing(unit: Unit, lang: Lang) -> String {
    let shown = qty(Qty::ONE, unit, lang);
    // The same shape as a quantity of the unit, with zero digits.
    shown.replacen('1', "0", 1)
}

/// A moment in the store's local time: `02.11.2026 09:15` or `2026-11-02 09:15`.
pub fn moment(at: At, lang: Lang) -> String {
    let pattern = match lang {
        Lang::Ru => "%d.%m.%Y %H:%M",
        Lang::En => "%Y-%m-%d %H:%M",
    };
    at.time().format(pattern).to_string()
}

/// A plain number with grouped digits: `1 234,5` (Russian) or `1,234.5`.
pub fn number(value: Decimal, lang: Lang) -> String {
    let plain = value.to_string();
    let (sign, int, frac) = parts(&plain);
    let (separator, point) = match lang {
        Lang::Ru => ("\u{a0}", ","),
        Lang::En => (",", "."),
    };
    match frac {
        Some(frac) => format!("{sign}{}{point}{frac}", group(int, separator)),
        None => format!("{sign}{}", group(int, separator)),
    }
}

/// Money without the currency sign, as a table cell: `1 234,56`.
pub fn amount(value: Money, lang: Lang) -> String {
    let mut kopecks = value.as_decimal();
    // Money always shows its kopecks: `0,00`, not `0`.
    kopecks.rescale(2);
    number(kopecks, lang)
}

/// A percentage with two places: `12,50 %`.
pub fn percent(value: Decimal, lang: Lang) -> String {
    let mut value = value;
    value.rescale(2);
    format!("{}\u{a0}%", number(value, lang))
}

/// A day: `02.11.2026` or `2026-11-02`.
pub fn day(value: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Ru => value.format("%d.%m.%Y").to_string(),
        Lang::En => value.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn money_reads_as_in_a_russian_shop() {
        assert_eq!(money(m("1234.56"), Lang::Ru), "1\u{a0}234,56\u{a0}₽");
        assert_eq!(money(m("1234567.5"), Lang::Ru), "1\u{a0}234\u{a0}567,50\u{a0}₽");
        assert_eq!(money(m("999.99"), Lang::Ru), "999,99\u{a0}₽");
        assert_eq!(money(m("-45.50"), Lang::Ru), "-45,50\u{a0}₽");
        assert_eq!(money(Money::ZERO, Lang::Ru), "0,00\u{a0}₽");
        assert_eq!(money(m("1234.56"), Lang::En), "1,234.56\u{a0}₽");
    }

    #[test]
    fn quantities_carry_their_unit() {
        let q = |s: &str| Qty::parse(s).expect("qty");
        assert_eq!(qty(q("0.35"), Unit::Kg, Lang::Ru), "0,350\u{a0}кг");
        assert_eq!(qty(q("3"), Unit::Pcs, Lang::Ru), "3\u{a0}шт");
        assert_eq!(qty(q("1.5"), Unit::L, Lang::En), "1.500\u{a0}l");
    }

    #[test]
    fn numbers_percents_and_days() {
        let d = |s: &str| s.parse::<Decimal>().expect("decimal");
        assert_eq!(number(d("1234567.125"), Lang::Ru), "1\u{a0}234\u{a0}567,125");
        assert_eq!(number(d("-12"), Lang::En), "-12");
        assert_eq!(amount(m("1234.50"), Lang::Ru), "1\u{a0}234,50");
        assert_eq!(amount(Money::default(), Lang::Ru), "0,00");
        assert_eq!(percent(d("12.5"), Lang::Ru), "12,50\u{a0}%");
        let day_ = NaiveDate::from_ymd_opt(2026, 11, 2).expect("day");
        assert_eq!(day(day_, Lang::Ru), "02.11.2026");
        assert_eq!(day(day_, Lang::En), "2026-11-02");
    }

    #[test]
    fn moments_in_local_time() {
        let at = At::parse("2026-11-02T09:15:00+03:00").expect("time");
        assert_eq!(moment(at, Lang::Ru), "02.11.2026 09:15");
        assert_eq!(moment(at, Lang::En), "2026-11-02 09:15");
    }
}
