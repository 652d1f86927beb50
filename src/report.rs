//! Reports: each a definition that produces a plain `Table`, and renderers
//! that write a table as JSON or CSV into any `io::Write`.

use std::io::Write;

use rust_decimal::Decimal;

use crate::db::report::Period;
use crate::db::Db;
use crate::error::{Error, Result};
use crate::money::{Money, Qty};

/// What a column holds, for renderers and the JSON `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text or an id.
    Text,
    /// A moment (RFC 3339).
    Time,
    /// A day.
    Date,
    /// Money.
    Money,
    /// A quantity.
    Qty,
    /// A whole count.
    Count,
    /// A percentage, 2 places.
    Percent,
}

impl ColumnType {
    fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Time => "time",
            ColumnType::Date => "date",
            ColumnType::Money => "money",
            ColumnType::Qty => "qty",
            ColumnType::Count => "count",
            ColumnType::Percent => "percent",
        }
    }
}

/// A column of a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Machine name.
    pub name: &'static str,
    /// Title shown to people.
    pub title: &'static str,
    /// Kind of values.
    pub kind: ColumnType,
}

/// One value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// Money.
    Money(Money),
    /// Quantity (may be zero or negative in net figures).
    Qty(Decimal),
    /// Count.
    Count(i64),
    /// Percentage.
    Percent(Option<Decimal>),
}

impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

impl From<Qty> for Cell {
    fn from(q: Qty) -> Cell {
        Cell::Qty(q.as_decimal())
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Count(n)
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}

/// A computed report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Report name.
    pub report: &'static str,
    /// Title.
    pub title: &'static str,
    /// Columns.
    pub columns: Vec<Column>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<Cell>>,
}

/// A report of the catalogue.
pub struct ReportDef {
    /// Name, as `kassa report NAME` takes it.
    pub name: &'static str,
    /// Title.
    pub title: &'static str,
    /// Group in the catalogue.
    pub group: &'static str,
    columns: &'static [(&'static str, &'static str, ColumnType)],
    rows: fn(&Db, &Period) -> Result<Vec<Vec<Cell>>>,
}

impl ReportDef {
    /// Computes the report.
    pub fn run(&self, db: &Db, period: &Period) -> Result<Table> {
        if let Some(store) = &period.store {
            if db.store(store)?.is_none() {
                return Err(Error::NotFound {
                    what: "store",
                    id: store.clone(),
                });
            }
        }
        Ok(Table {
            report: self.name,
            title: self.title,
            columns: self
                .columns
                .iter()
                .map(|(name, title, kind)| Column {
                    name,
                    title,
                    kind: *kind,
                })
                .collect(),
            rows: (self.rows)(db, period)?,
        })
    }
}

use ColumnType::{Count as C, Money as M, Text as T, Time as Tm};

/// Every report that exists, in catalogue order.
pub static CATALOG: &[ReportDef] = &[
    ReportDef {
        name: "receipts_journal",
        title: "Журнал чеков",
        group: "sales",
        columns: &[
            ("id", "Чек", T),
            ("at", "Время", Tm),
            ("kind", "Тип", T),
            ("store", "Магазин", T),
            ("till", "Касса", T),
            ("cashier", "Кассир", T),
            ("total", "Сумма", M),
            ("cash", "Наличные", M),
            ("card", "Карта", M),
            ("other", "Прочее", M),
        ],
        rows: receipts_journal,
    },
    ReportDef {
        name: "shift_summary",
        title: "Z-отчёт по сменам",
        group: "shifts",
        columns: &[
            ("shift", "Смена", T),
            ("sales_count", "Продаж", C),
            ("sales", "Продажи", M),
            ("returns_count", "Возвратов", C),
            ("returns", "Возвраты", M),
            ("cash", "Наличные", M),
            ("card", "Карта", M),
            ("other", "Прочее", M),
            ("cash_in", "Внесения", M),
            ("cash_out", "Выплаты", M),
            ("closing_cash", "Наличные в кассе", M),
        ],
        rows: shift_summary,
    },
];

/// Finds a report by name.
pub fn find(name: &str) -> Result<&'static ReportDef> {
    CATALOG
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| Error::invalid(format!("unknown report `{name}`; `kassa report --list` lists them")))
}

fn receipts_journal(db: &Db, period: &Period) -> Result<Vec<Vec<Cell>>> {
    Ok(db
        .receipts_in(period)?
        .into_iter()
        .map(|r| {
            vec![
                r.id.into(),
                r.at.into(),
                r.kind.into(),
                r.store.into(),
                r.till.into(),
                r.cashier.into(),
                r.total.into(),
                r.cash.into(),
                r.card.into(),
                r.other.into(),
            ]
        })
        .collect())
}

fn shift_summary(db: &Db, period: &Period) -> Result<Vec<Vec<Cell>>> {
    Ok(db
        .shifts_in(period)?
        .into_iter()
        .map(|s| {
            let closing = s.cash_in + s.cash.net() - s.cash_out;
            vec![
                s.shift.clone().into(),
                s.sales_count.into(),
                s.sales.into(),
                s.returns_count.into(),
                s.returns.into(),
                s.cash.net().into(),
                s.card.net().into(),
                s.other.net().into(),
                s.cash_in.into(),
                s.cash_out.into(),
                closing.into(),
            ]
        })
        .collect())
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object.
    Json,
    /// UTF-8 with BOM, `;` separated, decimal comma.
    Csv,
}

fn plain(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(s) => Some(s.clone()),
        Cell::Money(m) => Some(m.to_string()),
        Cell::Qty(q) => Some(q.normalize().to_string()),
        Cell::Count(n) => Some(n.to_string()),
        Cell::Percent(p) => p.map(|p| {
            let mut p = p;
            p.rescale(2);
            p.to_string()
        }),
    }
}

/// Writes a table as the CLI's JSON object.
pub fn write_json(table: &Table, out: &mut dyn Write) -> Result<()> {
    let rows: Vec<Vec<serde_json::Value>> = table
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Cell::Count(n) => serde_json::Value::from(*n),
                    other => plain(other).map_or(serde_json::Value::Null, serde_json::Value::from),
                })
                .collect()
        })
        .collect();
    let doc = serde_json::json!({
        "report": table.report,
        "title": table.title,
        "columns": table.columns.iter().map(|c| serde_json::json!({
            "name": c.name, "title": c.title, "type": c.kind.name()
        })).collect::<Vec<_>>(),
        "rows": rows,
    });
    writeln!(out, "{doc}").map_err(io_error)
}

/// Writes a table as CSV for a Russian spreadsheet: BOM, `;`, decimal comma.
pub fn write_csv(table: &Table, out: &mut dyn Write) -> Result<()> {
    let quote = |s: &str| {
        if s.contains([';', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut text = String::from("\u{feff}");
    text += &table
        .columns
        .iter()
        .map(|c| quote(c.name))
        .collect::<Vec<_>>()
        .join(";");
    text += "\r\n";
    for row in &table.rows {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                let value = plain(cell).unwrap_or_default();
                match cell {
                    Cell::Money(_) | Cell::Qty(_) | Cell::Percent(_) => value.replace('.', ","),
                    _ => quote(&value),
                }
            })
            .collect();
        text += &cells.join(";");
        text += "\r\n";
    }
    out.write_all(text.as_bytes()).map_err(io_error)
}

fn io_error(e: std::io::Error) -> Error {
    Error::invalid(format!("cannot write the report: {e}"))
}
