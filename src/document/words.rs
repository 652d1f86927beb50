//! Amounts in Russian words, as the forms ask for them: «Одна тысяча
//! двести тридцать четыре рубля 56 копеек» — rubles in words with a
//! capital first, kopecks always two digits.

use crate::money::Money;

const UNITS_MASCULINE: [&str; 10] = [
    "",
    "один",
    "два",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const UNITS_FEMININE: [&str; 10] = [
    "",
    "одна",
    "две",
    "три",
    "четыре",
    "пять",
    "шесть",
    "семь",
    "восемь",
    "девять",
];
const TEENS: [&str; 10] = [
    "десять",
    "одиннадцать",
    "двенадцать",
    "тринадцать",
    "четырнадцать",
    "пятнадцать",
    "шестнадцать",
    "семнадцать",
    "восемнадцать",
    "девятнадцать",
];
const TENS: [&str; 10] = [
    "",
    "",
    "двадцать",
    "тридцать",
    "сорок",
    "пятьдесят",
    "шестьдесят",
    "семьдесят",
    "восемьдесят",
    "девяносто",
];
const HUNDREDS: [&str; 10] = [
    "",
    "сто",
    "двести",
    "триста",
    "четыреста",
    "пятьсот",
    "шестьсот",
    "семьсот",
    "восемьсот",
    "девятьсот",
];

/// The form of a noun after a number: 1 рубль, 2–4 рубля, 5–20 рублей;
/// the last two digits 11–14 always take the third.
pub fn plural(n: u64, forms: [&str; 3]) -> &str {
    match (n % 100, n % 10) {
        (11..=14, _) => forms[2],
        (_, 1) => forms[0],
        (_, 2..=4) => forms[1],
        _ => forms[2],
    }
}

/// A number below 1000 in words.
fn triad(n: u64, feminine: bool) -> Vec<&'static str> {
    let mut words = Vec::new();
    let (h, rest) = ((n / 100) as usize, n % 100);
    if h > 0 {
        words.push(HUNDREDS[h]);
    }
    if (10..20).contains(&rest) {
        words.push(TEENS[(rest - 10) as usize]);
    } else {
        let (t, u) = ((rest / 10) as usize, (rest % 10) as usize);
        if t > 0 {
            words.push(TENS[t]);
        }
        if u > 0 {
            words.push(if feminine {
                UNITS_FEMININE[u]
            } else {
                UNITS_MASCULINE[u]
            });
        }
    }
    words
}

/// A whole number in words; `feminine` for what is counted (копейка,
/// тысяча are feminine; рубль, миллион masculine).
pub fn number(n: u64, feminine: bool) -> String {
    if n == 0 {
        return "ноль".to_owned();
    }
    // (divisor, forms, feminine)
    let scales: [(u64, [&str; 3], bool); 4] = [
        (1_000_000_000_000, ["триллион", "триллиона", "триллионов"], false),
        (1_000_000_000, ["миллиард", "миллиарда", "миллиардов"], false),
        (1_000_000, ["миллион", "миллиона", "миллионов"], false),
        (1_000, ["тысяча", "тысячи", "тысяч"], true),
    ];
    let mut words: Vec<&str> = Vec::new();
    let mut rest = n;
    for (divisor, forms, scale_feminine) in scales {
        let count = rest / divisor;
        rest %= divisor;
        // Zero triads are skipped.
        if count > 0 {
            words.extend(triad(count % 1000, scale_feminine));
            words.push(plural(count % 1000, forms));
        }
    }
    words.extend(triad(rest, feminine));
    words.join(" ")
}

/// «Сто двадцать три рубля 05 копеек».
pub fn amount(money: Money) -> String {
    let kopecks = money.kopecks().unsigned_abs();
    let (rubles, kop) = (kopecks / 100, kopecks % 100);
    let text = format!(
        "{} {} {kop:02} {}",
        number(rubles, false),
        plural(rubles, ["рубль", "рубля", "рублей"]),
        plural(kop, ["копейка", "копейки", "копеек"])
    );
    let mut chars = text.chars();
    let capital: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    let sign = if money.is_negative() { "Минус " } else { "" };
    if sign.is_empty() {
        capital + chars.as_str()
    } else {
        format!("{sign}{}", text)
    }
}

/// A count in words for «прописью» lines: «Три», «Двадцать одна» (feminine
/// for things like записи, единицы).
pub fn count(n: u64, feminine: bool) -> String {
    let text = number(n, feminine);
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>())
        .unwrap_or_default()
        + chars.as_str()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn amounts_read_as_an_accountant_writes_them() {
        let cases = [
            ("0.00", "Ноль рублей 00 копеек"),
            ("1.00", "Один рубль 00 копеек"),
            ("2.01", "Два рубля 01 копейка"),
            ("5.02", "Пять рублей 02 копейки"),
            ("11.11", "Одиннадцать рублей 11 копеек"),
            ("21.21", "Двадцать один рубль 21 копейка"),
            ("22.22", "Двадцать два рубля 22 копейки"),
            ("112.14", "Сто двенадцать рублей 14 копеек"),
            ("1000.00", "Одна тысяча рублей 00 копеек"),
            ("2000.05", "Две тысячи рублей 05 копеек"),
            ("5000.00", "Пять тысяч рублей 00 копеек"),
            ("11000.00", "Одиннадцать тысяч рублей 00 копеек"),
            ("21000.00", "Двадцать одна тысяча рублей 00 копеек"),
            ("1000000.00", "Один миллион рублей 00 копеек"),
            ("2000000.00", "Два миллиона рублей 00 копеек"),
            ("1001001.01", "Один миллион одна тысяча один рубль 01 копейка"),
            ("1234.56", "Одна тысяча двести тридцать четыре рубля 56 копеек"),
            (
                "1234567.89",
                "Один миллион двести тридцать четыре тысячи пятьсот шестьдесят семь рублей 89 копеек",
            ),
            ("100.00", "Сто рублей 00 копеек"),
            ("712.00", "Семьсот двенадцать рублей 00 копеек"),
            ("3965.00", "Три тысячи девятьсот шестьдесят пять рублей 00 копеек"),
        ];
        for (value, words) in cases {
            assert_eq!(amount(m(value)), words, "{value}");
        }
    }

    #[test]
    fn forms_follow_the_last_digits() {
        let forms = ["тысяча", "тысячи", "тысяч"];
        let got: Vec<&str> = [1, 2, 4, 5, 11, 12, 14, 15, 21, 22, 25, 101, 111, 1000]
            .iter()
            .map(|n| plural(*n, forms))
            .collect();
        assert_eq!(
            got,
            [
                "тысяча",
                "тысячи",
                "тысячи",
                "тысяч",
                "тысяч",
                "тысяч",
                "тысяч",
                "тысяч",
                "тысяча",
                "тысячи",
                "тысяч",
                "тысяча",
                "тысяч",
                "тысяч"
            ]
        );
        assert_eq!(count(3, true), "Три");
        assert_eq!(count(21, true), "Двадцать одна");
        assert_eq!(count(2, false), "Два");
    }
}
