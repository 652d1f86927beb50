//! Renderers: a [`Table`] as the CLI's JSON, a Russian spreadsheet's CSV,
//! an XLSX workbook with typed cells, or an A4 PDF with its chart.

use std::io::Write;

use super::{Cell, Table};
use crate::error::{Error, Result};
use crate::locale::{self, Lang};

mod pdf;
mod xlsx;

pub(crate) use pdf::{Align, Page, PdfWriter};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object (shared/spec/cli.md).
    Json,
    /// UTF-8 with BOM, `;` separated, decimal comma.
    Csv,
    /// An Excel workbook.
    Xlsx,
    /// An A4 PDF.
    Pdf,
}

/// Writes `table` in `format`.
pub fn write(table: &Table, format: Format, out: &mut dyn Write) -> Result<()> {
    match format {
        Format::Json => json(table, out),
        Format::Csv => csv(table, out),
        Format::Xlsx => out.write_all(&xlsx::workbook(table)?).map_err(io_error),
        Format::Pdf => out.write_all(&pdf::report(table)?).map_err(io_error),
    }
}

pub(crate) fn io_error(e: std::io::Error) -> Error {
    Error::invalid(format!("cannot write the report: {e}"))
}

/// The plain text of a cell as the journal writes values (`1234.50`,
/// `0.350`, `12.50`); `None` for nothing.
fn plain(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(s) | Cell::Time(s) => Some(s.clone()),
        Cell::Date(d) => Some(d.format("%Y-%m-%d").to_string()),
        Cell::Money(m) => Some(m.to_string()),
        Cell::Qty(q) => Some(q.normalize().to_string()),
        Cell::Count(n) => Some(n.to_string()),
        Cell::Percent(p) => p.map(|p| {
            let mut p = p;
            p.rescale(2);
            p.to_string()
        }),
        Cell::Number(n) => n.map(|n| n.to_string()),
        Cell::Empty => None,
    }
}

/// A cell as people read it (`1 234,50`, `02.11.2026`), for the PDF.
pub(crate) fn shown(cell: &Cell) -> String {
    let lang = Lang::Ru;
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Time(s) => crate::clock::At::parse(s).map_or_else(|_| s.clone(), |at| locale::moment(at, lang)),
        Cell::Date(d) => locale::day(*d, lang),
        Cell::Money(m) => locale::amount(*m, lang),
        Cell::Qty(q) => locale::number(q.normalize(), lang),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(p) => p.map(|p| locale::percent(p, lang)).unwrap_or_default(),
        Cell::Number(n) => n.map(|n| locale::number(n, lang)).unwrap_or_default(),
        Cell::Empty => String::new(),
    }
}

/// The CLI's JSON object, written row by row (a chain's receipts journal
/// holds millions of rows: never one value in memory). The same bytes as
/// serialising the whole object: keys in the contract's order, no spaces.
fn json(table: &Table, out: &mut dyn Write) -> Result<()> {
    let head = serde_json::json!({
        "report": table.report,
        "title": table.title,
        "columns": table.columns.iter().map(|c| serde_json::json!({
            "name": c.name, "title": c.title, "type": c.kind.name()
        })).collect::<Vec<_>>(),
    })
    .to_string();
    // The head without its closing brace, then the rows.
    let open = head.strip_suffix('}').unwrap_or(&head);
    write!(out, "{open},\"rows\":[").map_err(io_error)?;
    for (n, row) in table.rows.iter().enumerate() {
        let cells: Vec<serde_json::Value> = row
            .iter()
            .map(|cell| match cell {
                Cell::Count(n) => serde_json::Value::from(*n),
                other => plain(other).map_or(serde_json::Value::Null, serde_json::Value::from),
            })
            .collect();
        let separator = if n == 0 { "" } else { "," };
        write!(out, "{separator}{}", serde_json::Value::from(cells)).map_err(io_error)?;
    }
    writeln!(out, "]}}").map_err(io_error)
}

/// A cell for a Russian spreadsheet: decimal comma without grouping (so it
/// reads as a number), days and moments as `DD.MM.YYYY [HH:MM:SS]`.
fn spreadsheet_text(cell: &Cell) -> String {
    match cell {
        Cell::Money(_) | Cell::Qty(_) | Cell::Percent(_) | Cell::Number(_) => {
            plain(cell).unwrap_or_default().replace('.', ",")
        }
        Cell::Date(d) => d.format("%d.%m.%Y").to_string(),
        Cell::Time(s) => crate::clock::At::parse(s)
            .map_or_else(|_| s.clone(), |at| at.time().format("%d.%m.%Y %H:%M:%S").to_string()),
        other => plain(other).unwrap_or_default(),
    }
}

fn csv(table: &Table, out: &mut dyn Write) -> Result<()> {
    out.write_all("\u{feff}".as_bytes()).map_err(io_error)?;
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    let failed = |e: ::csv::Error| Error::invalid(format!("cannot write the report: {e}"));
    writer
        .write_record(table.columns.iter().map(|c| c.name))
        .map_err(failed)?;
    for row in &table.rows {
        writer.write_record(row.iter().map(spreadsheet_text)).map_err(failed)?;
    }
    writer.flush().map_err(io_error)
}
