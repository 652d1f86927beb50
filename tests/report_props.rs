//! For random journals the reports agree with each other: the summary's
//! net revenue is the sum of its days, its stores and its cashiers, and
//! the movement's closing stock is the balance.

use proptest::prelude::*;
use rust_decimal::Decimal;
use serde_json::Value;

use crate::reports::{november, rows};

const CATALOGUE: &str = r#"{"type":"store","id":"S1","name":"Один"}
{"type":"store","id":"S2","name":"Два"}
{"type":"employee","id":"E1","name":"Анна","role":"cashier","commission_pct":"1"}
{"type":"employee","id":"E2","name":"Борис","role":"cashier"}
{"type":"product","sku":"A","name":"Хлеб","price":"45.50","cost":"30.00","vat":"vat10"}
{"type":"product","sku":"B","name":"Сыр","price":"899.90","cost":"500.00","vat":"vat10","unit":"kg"}
{"type":"product","sku":"C","name":"Кофе","price":"399.99","cost":"250.00","vat":"vat22"}
{"type":"product","sku":"D","name":"Доставка","price":"150.00","vat":"none","kind":"service"}"#;

/// One step: (what, store, product, amount).
type Step = (u8, usize, usize, u32);

fn journal(steps: &[Step]) -> String {
    let skus = ["A", "B", "C", "D"];
    let prices = [4550i64, 89990, 39999, 15000];
    let mut lines: Vec<String> = CATALOGUE.lines().map(str::to_owned).collect();
    let mut sales: Vec<(String, String, &str, String, i64)> = Vec::new();
    for (s, store) in ["S1", "S2"].iter().enumerate() {
        lines.push(format!(
            r#"{{"type":"shift_open","id":"SH{s}","store":"{store}","till":"T1","cashier":"E{}","at":"2026-11-02T08:00:00+03:00"}}"#,
            s + 1
        ));
    }
    for (n, &(what, store, product, amount)) in steps.iter().enumerate() {
        let store = store % 2;
        let (sku, price) = (skus[product % 4], prices[product % 4]);
        // Each step a minute later, over two days.
        let minute = 9 * 60 + n as u32 * 37;
        let at = format!(
            "2026-11-0{}T{:02}:{:02}:00+03:00",
            2 + minute / (24 * 60),
            minute / 60 % 24,
            minute % 60
        );
        match what % 4 {
            0 if sku != "D" => lines.push(format!(
                r#"{{"type":"supply","id":"W{n}","store":"S{}","at":"{at}","supplier":"П","lines":[{{"sku":"{sku}","qty":"{amount}","cost":"{}.{:02}"}}]}}"#,
                store + 1,
                price / 300,
                price % 100
            )),
            3 if !sales.is_empty() => {
                let (id, shift, method, line, refund) = sales.remove(n % sales.len());
                lines.push(format!(
                    r#"{{"type":"receipt","id":"RR{n}","shift":"{shift}","at":"{at}","kind":"return","return_of":"{id}","lines":[{line}],"payments":[{{"method":"{method}","amount":"{}.{:02}"}}]}}"#,
                    refund / 100,
                    refund % 100
                ));
            }
            _ => {
                let (qty, gross) = if sku == "B" {
                    let grams = i64::from(amount) * 137;
                    (format!("{}.{:03}", grams / 1000, grams % 1000), (grams * price + 500) / 1000)
                } else {
                    (amount.to_string(), i64::from(amount) * price)
                };
                let discount = gross * i64::from(amount % 3) / 20;
                let line = format!(
                    r#"{{"sku":"{sku}","qty":"{qty}","price":"{}.{:02}","discount":"{}.{:02}"}}"#,
                    price / 100,
                    price % 100,
                    discount / 100,
                    discount % 100
                );
                let total = gross - discount;
                let method = if what % 2 == 0 { "cash" } else { "card" };
                lines.push(format!(
                    r#"{{"type":"receipt","id":"R{n}","shift":"SH{store}","at":"{at}","kind":"sale","lines":[{line}],"payments":[{{"method":"{method}","amount":"{}.{:02}"}}]}}"#,
                    total / 100,
                    total % 100
                ));
                sales.push((format!("R{n}"), format!("SH{store}"), method, line, total));
            }
        }
    }
    lines.join("\n")
}

fn money(v: &Value) -> Decimal {
    v.as_str().expect("a string").parse().expect("decimal")
}

fn column_sum(rows: &Value, column: usize) -> Decimal {
    rows.as_array().expect("rows").iter().map(|r| money(&r[column])).sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn the_summary_is_the_sum_of_its_parts(steps in proptest::collection::vec((0u8..4, 0usize..2, 0usize..4, 1u32..6), 1..30)) {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut db = kassa::db::Db::open(&dir.path().join("p.db")).expect("open");
        let text = journal(&steps);
        kassa::journal::import(&mut db, text.as_bytes(), |_| {}).expect("a valid journal");
        let all = november(None);
        let summary = rows(&db, "sales_summary", &all);
        let net = money(&summary[0][6]);
        prop_assert_eq!(column_sum(&rows(&db, "sales_by_day", &all), 4), net);
        prop_assert_eq!(column_sum(&rows(&db, "sales_by_store", &all), 3), net);
        prop_assert_eq!(column_sum(&rows(&db, "sales_by_cashier", &all), 5), net);
        prop_assert_eq!(column_sum(&rows(&db, "sales_by_product", &all), 3), net);
        // The movement's closing is the balance, product by product.
        let balance: std::collections::BTreeMap<String, Decimal> = rows(&db, "stock_balance", &all)
            .as_array().expect("rows").iter()
            .map(|r| (r[0].as_str().expect("sku").to_owned(), money(&r[2]))).collect();
        let movement: std::collections::BTreeMap<String, Decimal> = rows(&db, "stock_movement", &all)
            .as_array().expect("rows").iter()
            .map(|r| (r[0].as_str().expect("sku").to_owned(), money(&r[8])))
            .filter(|(_, q)| !q.is_zero()).collect();
        prop_assert_eq!(balance, movement);
    }
}
