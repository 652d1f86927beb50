//! A seeded generator of a realistic chain journal (shared/spec/journal.md):
//! 20 stores with 2 tills each, 200 employees with PINs, 10,000 products,
//! shifts of ~200 receipts with ~3 % returns, cash in and out, collections,
//! weekly supplies and write-offs. The same seed gives the same bytes.

use std::fmt::Write as _;
use std::io::Write;

/// The shape of the chain.
pub(crate) struct Chain {
    pub(crate) stores: usize,
    pub(crate) tills: usize,
    pub(crate) employees: usize,
    pub(crate) products: usize,
    pub(crate) receipts_per_shift: usize,
}

impl Default for Chain {
    fn default() -> Chain {
        Chain {
            stores: 20,
            tills: 2,
            employees: 200,
            products: 10_000,
            receipts_per_shift: 200,
        }
    }
}

/// xorshift64*: fast, seeded, no crate needed for benchmark data.
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub(crate) fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// 0..n
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// true with `percent` % chance.
    pub(crate) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

pub(crate) const CATEGORIES: [&str; 12] = [
    "Хлеб",
    "Молочные продукты",
    "Фрукты",
    "Овощи",
    "Бакалея",
    "Напитки",
    "Кондитерские",
    "Мясо",
    "Рыба",
    "Хозтовары",
    "Замороженные",
    "Детские товары",
];

struct Item {
    price: i64,
    cost: i64,
    weighed: bool,
}

fn money(kopecks: i64) -> String {
    format!("{}.{:02}", kopecks / 100, kopecks % 100)
}

fn qty(thousandths: i64) -> String {
    if thousandths % 1000 == 0 {
        (thousandths / 1000).to_string()
    } else {
        format!("{}.{:03}", thousandths / 1000, thousandths % 1000)
    }
}

fn ean13(i: usize) -> String {
    let first12 = format!("46{i:010}");
    let sum: u32 = first12
        .bytes()
        .enumerate()
        .map(|(k, b)| u32::from(b - b'0') * if k % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

struct Sale {
    id: String,
    line: String,
    refund: i64,
    cash: bool,
}

/// Writes whole days of trade until at least `lines` lines are written;
/// returns the number written.
pub(crate) fn write_journal(chain: &Chain, lines: usize, seed: u64, out: &mut impl Write) -> std::io::Result<usize> {
    let mut rng = Rng::new(seed);
    let mut n = 0usize;
    let mut buf = String::with_capacity(1 << 16);
    macro_rules! line {
        ($($arg:tt)*) => {{
            let _ = writeln!(buf, $($arg)*);
            n += 1;
            if buf.len() > 60_000 {
                out.write_all(buf.as_bytes())?;
                buf.clear();
            }
        }};
    }
    for s in 1..=chain.stores {
        line!(
            r#"{{"type":"store","id":"S{s:02}","name":"Магазин №{s}","address":"Москва, ул. Торговая, {s}","inn":"77{:08}","tax_system":"osn"}}"#,
            s * 7919
        );
    }
    let per_store = chain.employees / chain.stores;
    for e in 1..=chain.employees {
        let role = if e % per_store == 1 { "manager" } else { "cashier" };
        line!(
            r#"{{"type":"employee","id":"E{e:03}","name":"Сотрудник {e}","role":"{role}","commission_pct":"1.5","pin":"{}"}}"#,
            1000 + e
        );
    }
    let mut items = Vec::with_capacity(chain.products);
    for p in 0..chain.products {
        let weighed = rng.chance(5);
        let price = 1000 + rng.below(199_000) as i64;
        let cost = price * (55 + rng.below(25) as i64) / 100;
        let vat = if rng.chance(30) { "vat10" } else { "vat22" };
        let category = CATEGORIES[p % CATEGORIES.len()];
        if weighed {
            line!(
                r#"{{"type":"product","sku":"P{p:05}","name":"Весовой товар {p}","price":"{}","cost":"{}","vat":"{vat}","unit":"kg","category":"{category}"}}"#,
                money(price),
                money(cost)
            );
        } else {
            line!(
                r#"{{"type":"product","sku":"P{p:05}","name":"Товар {p}","price":"{}","cost":"{}","vat":"{vat}","category":"{category}","barcodes":["{}"]}}"#,
                money(price),
                money(cost),
                ean13(p)
            );
        }
        items.push(Item { price, cost, weighed });
    }
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 5).expect("a date");
    let mut day = 0i64;
    let mut receipt_no = 0u64;
    'days: loop {
        let date = (start + chrono::Duration::days(day)).format("%Y-%m-%d").to_string();
        for s in 1..=chain.stores {
            if n >= lines {
                break 'days;
            }
            if day % 7 == 0 {
                let mut l = String::new();
                for k in 0..100 {
                    let p = rng.below(chain.products as u64) as usize;
                    let q = if items[p].weighed {
                        5000 + rng.below(20_000) as i64
                    } else {
                        10 + rng.below(40) as i64
                    };
                    let q = if items[p].weighed { qty(q) } else { q.to_string() };
                    if k > 0 {
                        l.push(',');
                    }
                    let _ = write!(
                        l,
                        r#"{{"sku":"P{p:05}","qty":"{q}","cost":"{}"}}"#,
                        money(items[p].cost)
                    );
                }
                line!(
                    r#"{{"type":"supply","id":"W-{s}-{day}","store":"S{s:02}","at":"{date}T07:00:00+03:00","supplier":"Поставщик {}","lines":[{l}]}}"#,
                    1 + rng.below(5)
                );
            }
            if day % 14 == 3 {
                let mut l = String::new();
                for k in 0..5 {
                    let p = rng.below(chain.products as u64) as usize;
                    if k > 0 {
                        l.push(',');
                    }
                    let q = if items[p].weighed { "0.500" } else { "1" };
                    let _ = write!(l, r#"{{"sku":"P{p:05}","qty":"{q}"}}"#);
                }
                line!(
                    r#"{{"type":"write_off","id":"WO-{s}-{day}","store":"S{s:02}","at":"{date}T07:30:00+03:00","reason":"порча","lines":[{l}]}}"#
                );
            }
            for t in 1..=chain.tills {
                let shift = format!("SH-{s}-{t}-{day}");
                let cashier = (s - 1) * per_store + 1 + ((t + day as usize) % per_store);
                line!(
                    r#"{{"type":"shift_open","id":"{shift}","store":"S{s:02}","till":"T{t}","cashier":"E{cashier:03}","at":"{date}T08:00:00+03:00"}}"#
                );
                line!(r#"{{"type":"cash_in","shift":"{shift}","at":"{date}T08:01:00+03:00","amount":"5000.00"}}"#);
                let mut drawer: i64 = 500_000;
                let mut sales: Vec<Sale> = Vec::new();
                for r in 0..chain.receipts_per_shift {
                    let secs = 8 * 3600 + 300 + r * 200;
                    let at = format!("{date}T{:02}:{:02}:{:02}+03:00", secs / 3600, secs / 60 % 60, secs % 60);
                    receipt_no += 1;
                    if r > 10 && !sales.is_empty() && rng.chance(3) {
                        let sale = sales.swap_remove(rng.below(sales.len() as u64) as usize);
                        let method = if sale.cash && drawer >= sale.refund {
                            "cash"
                        } else {
                            "card"
                        };
                        if method == "cash" {
                            drawer -= sale.refund;
                        }
                        line!(
                            r#"{{"type":"receipt","id":"R{receipt_no}","shift":"{shift}","at":"{at}","kind":"return","return_of":"{}","lines":[{}],"payments":[{{"method":"{method}","amount":"{}"}}]}}"#,
                            sale.id,
                            sale.line,
                            money(sale.refund)
                        );
                        continue;
                    }
                    if r == chain.receipts_per_shift / 2 && drawer > 100_000 {
                        drawer -= 50_000;
                        line!(
                            r#"{{"type":"cash_out","shift":"{shift}","at":"{at}","amount":"500.00","reason":"expense"}}"#
                        );
                    }
                    let count = 1 + rng.below(5);
                    let mut l = String::new();
                    let mut total = 0;
                    let mut first = (String::new(), 0);
                    let mut used = Vec::new();
                    for k in 0..count {
                        let p = rng.below(chain.products as u64) as usize;
                        if used.contains(&p) {
                            continue;
                        }
                        used.push(p);
                        let item = &items[p];
                        let (q, gross) = if item.weighed {
                            let g = 200 + rng.below(1800) as i64;
                            (qty(g), (g * item.price + 500) / 1000)
                        } else {
                            let q = 1 + rng.below(3) as i64;
                            (q.to_string(), q * item.price)
                        };
                        let discount = if rng.chance(10) { gross * 5 / 100 } else { 0 };
                        let text = if discount > 0 {
                            format!(
                                r#"{{"sku":"P{p:05}","qty":"{q}","price":"{}","discount":"{}"}}"#,
                                money(item.price),
                                money(discount)
                            )
                        } else {
                            format!(r#"{{"sku":"P{p:05}","qty":"{q}","price":"{}"}}"#, money(item.price))
                        };
                        if k == 0 {
                            first = (text.clone(), gross - discount);
                        }
                        if !l.is_empty() {
                            l.push(',');
                        }
                        l.push_str(&text);
                        total += gross - discount;
                    }
                    let cash = rng.chance(45);
                    let payment = if cash {
                        let given = (total + 9_999) / 10_000 * 10_000;
                        drawer += total;
                        format!(r#"{{"method":"cash","amount":"{}"}}"#, money(given))
                    } else {
                        format!(r#"{{"method":"card","amount":"{}"}}"#, money(total))
                    };
                    line!(
                        r#"{{"type":"receipt","id":"R{receipt_no}","shift":"{shift}","at":"{at}","kind":"sale","lines":[{l}],"payments":[{payment}]}}"#
                    );
                    sales.push(Sale {
                        id: format!("R{receipt_no}"),
                        line: first.0,
                        refund: first.1,
                        cash,
                    });
                }
                if drawer > 500_000 {
                    line!(
                        r#"{{"type":"cash_out","shift":"{shift}","at":"{date}T20:50:00+03:00","amount":"{}","reason":"collection"}}"#,
                        money(drawer - 500_000)
                    );
                }
                line!(r#"{{"type":"shift_close","shift":"{shift}","at":"{date}T21:00:00+03:00"}}"#);
            }
        }
        day += 1;
    }
    out.write_all(buf.as_bytes())?;
    Ok(n)
}
