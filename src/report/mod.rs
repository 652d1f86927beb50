//! Reports: each a short definition ([`ReportDef`]: name, title, group,
//! typed columns, the parameters it takes, and a function of the books'
//! facts), run into a [`Table`] whose cells are checked against the
//! columns, and renderers for JSON, CSV, XLSX and PDF.
//! The definitions read through [`facts::Source`], never SQL.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::report::Period;
use crate::error::{Error, Result};
use crate::money::Money;

mod catalog;
pub mod facts;
mod figures;
pub(crate) mod render;

pub use catalog::CATALOG;
pub use render::{write, Format};

/// What a column holds, for renderers and the JSON `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text.
    Text,
    /// A journal id (store, till, sku, receipt…).
    Id,
    /// A moment as recorded (RFC 3339).
    Time,
    /// A local day.
    Date,
    /// Money.
    Money,
    /// A quantity.
    Qty,
    /// A whole count.
    Count,
    /// A percentage, 2 places (`null` when undefined).
    Percent,
    /// A ratio or a measure with its own places (hours, turnover).
    Number,
}

impl ColumnType {
    /// The JSON `type`.
    pub fn name(self) -> &'static str {
        match self {
            ColumnType::Text => "text",
            ColumnType::Id => "id",
            ColumnType::Time => "time",
            ColumnType::Date => "date",
            ColumnType::Money => "money",
            ColumnType::Qty => "qty",
            ColumnType::Count => "count",
            ColumnType::Percent => "percent",
            ColumnType::Number => "number",
        }
    }

    /// Whether `cell` may stand in a column of this type.
    fn admits(self, cell: &Cell) -> bool {
        matches!(
            (self, cell),
            (ColumnType::Text | ColumnType::Id, Cell::Text(_))
                | (ColumnType::Time, Cell::Time(_))
                | (ColumnType::Date, Cell::Date(_))
                | (ColumnType::Money, Cell::Money(_))
                | (ColumnType::Qty, Cell::Qty(_))
                | (ColumnType::Count, Cell::Count(_))
                | (ColumnType::Percent, Cell::Percent(_))
                | (ColumnType::Number, Cell::Number(_))
                | (_, Cell::Empty)
        )
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
    /// Text or an id.
    Text(String),
    /// A moment as recorded.
    Time(String),
    /// A day.
    Date(NaiveDate),
    /// Money.
    Money(Money),
    /// Quantity (may be zero or negative in net figures).
    Qty(Decimal),
    /// Count.
    Count(i64),
    /// Percentage, 2 places; `None` when the divisor is 0.
    Percent(Option<Decimal>),
    /// A number with its places; `None` when undefined.
    Number(Option<Decimal>),
    /// Nothing (a shift not closed yet).
    Empty,
}

impl From<Money> for Cell {
    fn from(m: Money) -> Cell {
        Cell::Money(m)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Cell {
        Cell::Count(n)
    }
}

impl From<usize> for Cell {
    fn from(n: usize) -> Cell {
        Cell::Count(i64::try_from(n).unwrap_or(i64::MAX))
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

impl From<&String> for Cell {
    fn from(s: &String) -> Cell {
        Cell::Text(s.clone())
    }
}

impl From<NaiveDate> for Cell {
    fn from(d: NaiveDate) -> Cell {
        Cell::Date(d)
    }
}

/// How a report is drawn as a chart in a PDF.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chart {
    /// Bars of the column named, by the first column.
    Bars(&'static str),
    /// A line of the column named, by the first column.
    Line(&'static str),
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
    /// The totals row, where the report has one.
    pub totals: Option<Vec<Cell>>,
    /// The chart, where the report is a series.
    pub chart: Option<Chart>,
    /// What it was run for.
    pub period: Period,
}

/// What a report is asked for: the period and store, and a threshold
/// where the report takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    /// The days and the store.
    pub period: Period,
    /// `low_margin_products`: the margin below which a product is listed.
    pub threshold: Option<Decimal>,
}

impl From<Period> for Params {
    fn from(period: Period) -> Params {
        Params {
            period,
            threshold: None,
        }
    }
}

/// Rows a definition computes from the facts.
type Rows = fn(&dyn facts::Source, &Params) -> Result<Vec<Vec<Cell>>>;

/// A report of the catalogue.
pub struct ReportDef {
    /// Name, as `kassa report NAME` takes it.
    pub name: &'static str,
    /// Title.
    pub title: &'static str,
    /// Group in the catalogue.
    pub group: &'static str,
    columns: &'static [(&'static str, &'static str, ColumnType)],
    rows: Rows,
    /// Columns summed in a totals row (none: no totals row).
    totals: &'static [&'static str],
    chart: Option<Chart>,
    /// Whether it takes `--threshold`.
    pub takes_threshold: bool,
}

impl ReportDef {
    /// Computes the report, checking every cell against its column.
    pub fn run(&self, source: &dyn facts::Source, params: &Params) -> Result<Table> {
        if let Some(store) = &params.period.store {
            if !source.stores()?.iter().any(|(id, _)| id == store) {
                return Err(Error::NotFound {
                    what: "store",
                    id: store.clone(),
                });
            }
        }
        if params.threshold.is_some() && !self.takes_threshold {
            return Err(Error::invalid(format!("report {} takes no threshold", self.name)));
        }
        let columns: Vec<Column> = self
            .columns
            .iter()
            .map(|(name, title, kind)| Column {
                name,
                title,
                kind: *kind,
            })
            .collect();
        let rows = (self.rows)(source, params)?;
        for (n, row) in rows.iter().enumerate() {
            if row.len() != columns.len() {
                return Err(Error::invalid(format!(
                    "report {}: row {n} has {} cells for {} columns",
                    self.name,
                    row.len(),
                    columns.len()
                )));
            }
            if let Some((column, cell)) = columns.iter().zip(row).find(|(c, cell)| !c.kind.admits(cell)) {
                return Err(Error::invalid(format!(
                    "report {}: row {n}, column {}: {cell:?} is not {}",
                    self.name,
                    column.name,
                    column.kind.name()
                )));
            }
        }
        let totals = (!self.totals.is_empty()).then(|| figures::totals_row(&columns, &rows, self.totals));
        Ok(Table {
            report: self.name,
            title: self.title,
            columns,
            rows,
            totals,
            chart: self.chart,
            period: params.period.clone(),
        })
    }
}

/// Finds a report by name.
pub fn find(name: &str) -> Result<&'static ReportDef> {
    CATALOG
        .iter()
        .find(|r| r.name == name)
        .ok_or_else(|| Error::invalid(format!("unknown report `{name}`; `kassa report --list` lists them")))
}
