//! The reports' rollups (migration 0006): what the Ledger adds to them
//! inside each booking's transaction, and their rebuild from the books.

use std::collections::HashMap;

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

#[cfg(test)]
use super::Db;
use crate::error::Result;
use crate::money::{Money, VatRate};
use crate::report::facts::MoveKind;

/// A receipt's place in `roll_receipts`.
type ReceiptKey = (String, i64, String, String, String, String, &'static str);
/// A line's place in `roll_products`.
type ProductKey = (String, String, String, &'static str, String);
/// A stock day's sums: quantities by what moved them, the average after
/// its last move, and that move's place in the books' order.
type StockDay = ([i64; 6], Decimal, i64);
/// A line's place in `roll_products_month`.
type MonthKey = (String, String, &'static str, String);

/// Sums waiting to be added to the rollups at commit.
#[derive(Default)]
pub(crate) struct Rolls {
    receipts: HashMap<ReceiptKey, [i64; 9]>,
    products: HashMap<ProductKey, [i64; 6]>,
    months: HashMap<MonthKey, [i64; 6]>,
    days: HashMap<(String, String, &'static str, String), [i64; 6]>,
    weeks: HashMap<(String, String), i64>,
    /// Per (store, sku, day): quantities by what moved them, and the
    /// average after the last move.
    stock: HashMap<(String, String, String), StockDay>,
}

/// A receipt as the rollups see it.
pub(crate) struct ReceiptRoll<'a> {
    pub(crate) day: String,
    pub(crate) hour: i64,
    pub(crate) store: &'a str,
    pub(crate) till: &'a str,
    pub(crate) shift: &'a str,
    pub(crate) cashier: &'a str,
    pub(crate) sale: bool,
    pub(crate) total: i64,
    /// Cash net of change, card, other.
    pub(crate) methods: [i64; 3],
}

/// A receipt line as the rollups see it.
pub(crate) struct LineRoll<'a> {
    pub(crate) sku: &'a str,
    pub(crate) vat: &'a str,
    pub(crate) qty_milli: i64,
    pub(crate) amount: i64,
    pub(crate) discount: i64,
    pub(crate) cogs: i64,
    pub(crate) weighed: bool,
}

fn kind(sale: bool) -> &'static str {
    if sale {
        "sale"
    } else {
        "return"
    }
}

/// VAT inside an amount in kopecks, per line, as the spec rounds it.
pub(crate) fn vat_of(vat: &str, amount: i64) -> i64 {
    VatRate::from_code(vat).map_or(0, |rate| rate.extract(Money::from_kopecks(amount)).kopecks())
}

impl Rolls {
    /// How many sums are waiting.
    pub(crate) fn keys(&self) -> usize {
        self.receipts.len()
            + self.products.len()
            + self.months.len()
            + self.days.len()
            + self.weeks.len()
            + self.stock.len()
    }

    pub(crate) fn add_receipt(&mut self, r: &ReceiptRoll<'_>, lines: &[LineRoll<'_>]) {
        let kind = kind(r.sale);
        let key = (
            r.day.clone(),
            r.hour,
            r.store.to_owned(),
            r.till.to_owned(),
            r.shift.to_owned(),
            r.cashier.to_owned(),
            kind,
        );
        let sums = self.receipts.entry(key).or_default();
        sums[0] += 1;
        sums[1] += r.total;
        sums[2] += r.methods[0];
        sums[3] += r.methods[1];
        sums[4] += r.methods[2];
        let month = r.day.get(..7).unwrap_or(&r.day).to_owned();
        let week = chrono::NaiveDate::parse_from_str(&r.day, "%Y-%m-%d")
            .map(|d| {
                (d - chrono::Duration::days(i64::from(chrono::Datelike::weekday(&d).num_days_from_monday())))
                    .to_string()
            })
            .unwrap_or_default();
        for l in lines {
            sums[5] += l.amount + l.discount;
            sums[6] += l.discount;
            sums[7] += if l.weighed { 1000 } else { l.qty_milli };
            sums[8] += i64::from(l.discount > 0);
            let values = [1, l.qty_milli, l.amount, l.discount, l.cogs, vat_of(l.vat, l.amount)];
            let product = self
                .products
                .entry((
                    r.day.clone(),
                    r.store.to_owned(),
                    l.sku.to_owned(),
                    kind,
                    l.vat.to_owned(),
                ))
                .or_default();
            let monthly = self
                .months
                .entry((month.clone(), l.sku.to_owned(), kind, l.vat.to_owned()))
                .or_default();
            for i in 0..6 {
                product[i] += values[i];
                monthly[i] += values[i];
            }
            let daily = self
                .days
                .entry((r.day.clone(), r.store.to_owned(), kind, l.vat.to_owned()))
                .or_default();
            for i in 0..6 {
                daily[i] += values[i];
            }
            *self.weeks.entry((week.clone(), l.sku.to_owned())).or_default() +=
                if r.sale { l.qty_milli } else { -l.qty_milli };
        }
    }

    /// A stock move, `booked` its place in the books' order (moves come in
    /// that order: the latest sets the day's average).
    pub(crate) fn add_stock(
        &mut self,
        at: (&str, &str, String),
        kind: MoveKind,
        qty_milli: i64,
        average: Decimal,
        booked: i64,
    ) {
        let (store, sku, day) = at;
        let entry = self
            .stock
            .entry((store.to_owned(), sku.to_owned(), day))
            .or_insert(([0; 6], average, booked));
        entry.0[stock_column(kind)] += qty_milli;
        entry.1 = average;
        entry.2 = booked;
    }

    /// Adds the sums to the rollups (inside the booking's transaction).
    pub(crate) fn flush(&mut self, conn: &Connection) -> Result<()> {
        let mut receipts = conn.prepare_cached(
            "INSERT INTO roll_receipts (day, hour, store, till, shift, cashier, kind, receipts, total, cash, card,
                                        other, gross, discount, items, discounted_lines)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
             ON CONFLICT DO UPDATE SET receipts = receipts + excluded.receipts, total = total + excluded.total,
               cash = cash + excluded.cash, card = card + excluded.card, other = other + excluded.other,
               gross = gross + excluded.gross, discount = discount + excluded.discount,
               items = items + excluded.items, discounted_lines = discounted_lines + excluded.discounted_lines",
        )?;
        for ((day, hour, store, till, shift, cashier, kind), s) in self.receipts.drain() {
            receipts.execute(params![
                day, hour, store, till, shift, cashier, kind, s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]
            ])?;
        }
        let sums = "lines = lines + excluded.lines, qty = qty + excluded.qty, amount = amount + excluded.amount,
               discount = discount + excluded.discount, cogs = cogs + excluded.cogs,
               vat_amount = vat_amount + excluded.vat_amount";
        let mut products = conn.prepare_cached(&format!(
            "INSERT INTO roll_products (day, store, sku, kind, vat, lines, qty, amount, discount, cogs, vat_amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT DO UPDATE SET {sums}"
        ))?;
        // Sorted by key: the B-tree takes them in order.
        let mut rows: Vec<_> = self.products.drain().collect();
        rows.sort_unstable();
        for ((day, store, sku, kind, vat), s) in rows {
            products.execute(params![day, store, sku, kind, vat, s[0], s[1], s[2], s[3], s[4], s[5]])?;
        }
        let mut months = conn.prepare_cached(&format!(
            "INSERT INTO roll_products_month (month, sku, kind, vat, lines, qty, amount, discount, cogs, vat_amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO UPDATE SET {sums}"
        ))?;
        for ((month, sku, kind, vat), s) in self.months.drain() {
            months.execute(params![month, sku, kind, vat, s[0], s[1], s[2], s[3], s[4], s[5]])?;
        }
        let mut days = conn.prepare_cached(&format!(
            "INSERT INTO roll_days (day, store, kind, vat, lines, qty, amount, discount, cogs, vat_amount)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT DO UPDATE SET {sums}"
        ))?;
        for ((day, store, kind, vat), s) in self.days.drain() {
            days.execute(params![day, store, kind, vat, s[0], s[1], s[2], s[3], s[4], s[5]])?;
        }
        let mut weeks = conn.prepare_cached(
            "INSERT INTO roll_products_week (week, sku, qty) VALUES (?1, ?2, ?3)
             ON CONFLICT DO UPDATE SET qty = qty + excluded.qty",
        )?;
        for ((week, sku), qty) in self.weeks.drain() {
            weeks.execute(params![week, sku, qty])?;
        }
        let mut stock = conn.prepare_cached(
            "INSERT INTO stock_days (store, sku, day, received, sold, returned, written_off, to_suppliers, counted, avg_end, booked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT DO UPDATE SET received = received + excluded.received, sold = sold + excluded.sold,
               returned = returned + excluded.returned, written_off = written_off + excluded.written_off,
               to_suppliers = to_suppliers + excluded.to_suppliers, counted = counted + excluded.counted,
               avg_end = excluded.avg_end, booked = excluded.booked",
        )?;
        let mut rows: Vec<_> = self.stock.drain().collect();
        rows.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        for ((store, sku, day), (q, average, booked)) in rows {
            stock.execute(params![
                store,
                sku,
                day,
                q[0],
                q[1],
                q[2],
                q[3],
                q[4],
                q[5],
                average.normalize().to_string(),
                booked
            ])?;
        }
        Ok(())
    }
}

/// The `stock_days` column of a move: in, sold, back from buyers, written
/// off, back to suppliers, counted; each positive but the count's delta.
fn stock_column(kind: MoveKind) -> usize {
    match kind {
        MoveKind::Supply => 0,
        MoveKind::Sale => 1,
        MoveKind::Return => 2,
        MoveKind::WriteOff => 3,
        MoveKind::SupplierReturn => 4,
        MoveKind::Count => 5,
    }
}

/// Fills `receipt_lines.cogs` for lines booked before it existed.
pub(crate) fn fill_line_cogs(conn: &Connection) -> Result<()> {
    let lines: Vec<(String, i64, i64, String)> = conn
        .prepare("SELECT receipt, line_no, qty, unit_cost FROM receipt_lines")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update = conn.prepare("UPDATE receipt_lines SET cogs = ?3 WHERE receipt = ?1 AND line_no = ?2")?;
    for (receipt, line_no, qty, unit_cost) in lines {
        let cost = unit_cost.parse::<Decimal>().unwrap_or_default();
        update.execute(params![
            receipt,
            line_no,
            Money::round(Decimal::new(qty, 3) * cost).kopecks()
        ])?;
    }
    Ok(())
}

/// The rate of a VAT code in SQL, for the per-line VAT of a rebuild.
const RATE: &str = "CASE v WHEN 'vat22' THEN 22 WHEN 'vat20' THEN 20 WHEN 'vat10' THEN 10
                    WHEN 'vat7' THEN 7 WHEN 'vat5' THEN 5 ELSE 0 END";

/// Rebuilds every rollup from the books.
pub(crate) fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute_batch(&format!(
        "DELETE FROM roll_receipts; DELETE FROM roll_products; DELETE FROM roll_products_month; DELETE FROM stock_days;
         DELETE FROM roll_days; DELETE FROM roll_products_week;
         INSERT INTO roll_receipts
         SELECT substr(r.at, 1, 10), CAST(substr(r.at, 12, 2) AS INTEGER), s.store, s.till, r.shift, r.cashier, r.kind,
                COUNT(*), SUM(r.total), SUM(COALESCE(p.cash, 0) - r.change), SUM(COALESCE(p.card, 0)),
                SUM(COALESCE(p.other, 0)), SUM(COALESCE(l.gross, 0)), SUM(COALESCE(l.discount, 0)),
                SUM(COALESCE(l.items, 0)), SUM(COALESCE(l.discounted, 0))
           FROM receipts r JOIN shifts s ON s.id = r.shift
           LEFT JOIN (SELECT receipt, SUM(CASE method WHEN 'cash' THEN amount ELSE 0 END) AS cash,
                             SUM(CASE method WHEN 'card' THEN amount ELSE 0 END) AS card,
                             SUM(CASE method WHEN 'other' THEN amount ELSE 0 END) AS other
                        FROM payments GROUP BY receipt) p ON p.receipt = r.id
           LEFT JOIN (SELECT x.receipt, SUM(x.amount + x.discount) AS gross, SUM(x.discount) AS discount,
                             SUM(CASE WHEN pr.unit = 'pcs' THEN x.qty ELSE 1000 END) AS items,
                             SUM(x.discount > 0) AS discounted
                        FROM receipt_lines x JOIN products pr ON pr.sku = x.sku GROUP BY x.receipt) l ON l.receipt = r.id
          GROUP BY 1, 2, 3, 4, 5, 6, 7;
         INSERT INTO roll_products
         SELECT day, store, sku, kind, v, COUNT(*), SUM(qty), SUM(amount), SUM(discount), SUM(cogs),
                SUM(CASE WHEN {RATE} = 0 THEN 0 ELSE (2 * amount * {RATE} + 100 + {RATE}) / (2 * (100 + {RATE})) END)
           FROM (SELECT substr(r.at, 1, 10) AS day, s.store, l.sku, r.kind, COALESCE(l.vat, p.vat) AS v,
                        l.qty, l.amount, l.discount, l.cogs
                   FROM receipt_lines l JOIN receipts r ON r.id = l.receipt JOIN shifts s ON s.id = r.shift
                   JOIN products p ON p.sku = l.sku)
          GROUP BY 1, 2, 3, 4, 5;
         INSERT INTO roll_products_month
         SELECT substr(day, 1, 7), sku, kind, vat, SUM(lines), SUM(qty), SUM(amount), SUM(discount), SUM(cogs),
                SUM(vat_amount)
           FROM roll_products GROUP BY 1, 2, 3, 4;
         INSERT INTO roll_days
         SELECT day, store, kind, vat, SUM(lines), SUM(qty), SUM(amount), SUM(discount), SUM(cogs), SUM(vat_amount)
           FROM roll_products GROUP BY 1, 2, 3, 4;
         INSERT INTO roll_products_week
         SELECT date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days'), sku,
                SUM(CASE kind WHEN 'sale' THEN qty ELSE -qty END)
           FROM roll_products GROUP BY 1, 2;"
    ))?;
    // Stock by day: the moves replayed in the books' order, each product's
    // average starting at the cost its first move was booked at (the
    // catalogue's cost then, whatever the card says now).
    let mut held: HashMap<(String, String), (i64, Decimal)> = HashMap::new();
    let mut rolls = Rolls::default();
    for m in super::report::stock_moves_through(conn, None, None)? {
        let (qty, average) = held
            .entry((m.store.clone(), m.sku.clone()))
            .or_insert_with(|| (0, m.first_cost));
        let milli = (m.qty * Decimal::from(1000)).trunc().try_into().unwrap_or(0i64);
        if let (Some(cost), true) = (m.in_cost, milli > 0) {
            *average = if *qty <= 0 {
                cost
            } else {
                super::ledger::moving_average(Decimal::new(*qty, 3), *average, Decimal::new(milli, 3), cost)
                    .unwrap_or(*average)
            };
        }
        *qty += milli;
        let shown = if m.kind == MoveKind::Count { milli } else { milli.abs() };
        rolls.add_stock((&m.store, &m.sku, m.day.to_string()), m.kind, shown, *average, m.booked);
    }
    rolls.flush(conn)
}

/// Every rollup row, sorted, as text: for tests comparing the rollups kept
/// with the rollups rebuilt.
pub(crate) fn dump(conn: &Connection) -> Result<String> {
    let mut text = String::new();
    for table in [
        "roll_receipts",
        "roll_products",
        "roll_products_month",
        "roll_days",
        "roll_products_week",
        "stock_days",
    ] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2, 3"))?;
        let columns = stmt.column_count();
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            text.push_str(table);
            for i in 0..columns {
                let value: rusqlite::types::Value = row.get(i)?;
                text.push_str(&format!("|{value:?}"));
            }
            text.push('\n');
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt(
        day: &str,
        sale: bool,
        lines: &[(&'static str, i64, i64)],
    ) -> (ReceiptRoll<'static>, Vec<LineRoll<'static>>) {
        let total = lines.iter().map(|l| l.2).sum();
        (
            ReceiptRoll {
                day: day.to_owned(),
                hour: 10,
                store: "S1",
                till: "T1",
                shift: "SH1",
                cashier: "E1",
                sale,
                total,
                methods: [total, 0, 0],
            },
            lines
                .iter()
                .map(|(sku, qty, amount)| LineRoll {
                    sku,
                    vat: "vat10",
                    qty_milli: *qty,
                    amount: *amount,
                    discount: 0,
                    cogs: amount / 2,
                    weighed: false,
                })
                .collect(),
        )
    }

    #[test]
    fn sums_flushed_in_parts_equal_sums_flushed_at_once() {
        let all = [
            receipt("2026-11-02", true, &[("A", 2000, 10000), ("B", 1000, 4550)]),
            receipt("2026-11-02", false, &[("A", 1000, 5000)]),
            receipt("2026-11-03", true, &[("A", 3000, 15000)]),
        ];
        let moves = [
            ("A", "2026-11-02", 1, "30"),
            ("A", "2026-11-02", 2, "31"),
            ("A", "2026-11-03", 3, "32"),
        ];
        let at_once = Db::open_in_memory().expect("db");
        let in_parts = Db::open_in_memory().expect("db");
        let mut one = Rolls::default();
        for (r, lines) in &all {
            one.add_receipt(r, lines);
        }
        for (sku, day, booked, avg) in moves {
            one.add_stock(
                ("S1", sku, day.to_owned()),
                MoveKind::Sale,
                1000,
                avg.parse().expect("avg"),
                booked,
            );
        }
        one.flush(at_once.conn()).expect("flush");
        for (n, (r, lines)) in all.iter().enumerate() {
            let mut part = Rolls::default();
            part.add_receipt(r, lines);
            let (sku, day, booked, avg) = moves[n];
            part.add_stock(
                ("S1", sku, day.to_owned()),
                MoveKind::Sale,
                1000,
                avg.parse().expect("avg"),
                booked,
            );
            part.flush(in_parts.conn()).expect("flush");
        }
        let dumped = dump(at_once.conn()).expect("dump");
        assert!(
            dumped.contains("roll_products|Text(\"2026-11-02\")|Text(\"S1\")|Text(\"A\")|Text(\"sale\")"),
            "{dumped}"
        );
        assert_eq!(dump(in_parts.conn()).expect("dump"), dumped);
    }
}
