//! XLSX through rust_xlsxwriter: numbers as numbers with formats, days as
//! dates, the header frozen, widths fitted, a totals row in bold.

use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::super::{Cell, Table};
use crate::error::{Error, Result};

fn failed(e: XlsxError) -> Error {
    Error::invalid(format!("cannot write the workbook: {e}"))
}

/// The workbook's bytes.
pub(super) fn workbook(table: &Table) -> Result<Vec<u8>> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    // A sheet name is at most 31 characters.
    let name: String = table.report.chars().take(31).collect();
    sheet.set_name(&name).map_err(failed)?;
    let bold = Format::new().set_bold();
    for (c, column) in table.columns.iter().enumerate() {
        sheet
            .write_string_with_format(0, col(c), column.title, &bold)
            .map_err(failed)?;
    }
    let mut row = 1u32;
    for cells in &table.rows {
        write_row(sheet, row, cells, None)?;
        row += 1;
    }
    if let Some(totals) = &table.totals {
        write_row(sheet, row, totals, Some(&bold))?;
    }
    sheet.set_freeze_panes(1, 0).map_err(failed)?;
    sheet.autofit();
    // autofit reads numbers unformatted: money needs room for its grouping.
    for (c, column) in table.columns.iter().enumerate() {
        if matches!(
            column.kind,
            super::super::ColumnType::Money | super::super::ColumnType::Time
        ) {
            sheet.set_column_width(col(c), 16).map_err(failed)?;
        }
    }
    book.save_to_buffer().map_err(failed)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

fn write_row(sheet: &mut Worksheet, row: u32, cells: &[Cell], bold: Option<&Format>) -> Result<()> {
    let style = |format: Format| match bold {
        Some(_) => format.set_bold(),
        None => format,
    };
    for (c, cell) in cells.iter().enumerate() {
        let c = col(c);
        // The format's doubles, at the writer's edge only.
        let mut number = |value: rust_decimal::Decimal, format: &str| {
            sheet
                .write_number_with_format(
                    row,
                    c,
                    value.to_f64().unwrap_or_default(),
                    &style(Format::new().set_num_format(format)),
                )
                .map(|_| ())
        };
        let written = match cell {
            Cell::Money(m) => number(m.as_decimal(), "#,##0.00"),
            Cell::Qty(q) => number(*q, "#,##0.###"),
            Cell::Count(n) => number(rust_decimal::Decimal::from(*n), "0"),
            Cell::Percent(Some(p)) => number(*p, "0.00"),
            Cell::Number(Some(n)) => number(*n, "#,##0.00#"),
            _ => Ok(()),
        };
        written.map_err(failed)?;
        match cell {
            Cell::Text(s) => sheet
                .write_string_with_format(row, c, s, &style(Format::new()))
                .map(|_| ()),
            Cell::Date(d) => sheet
                .write_datetime_with_format(row, c, *d, &style(Format::new().set_num_format("dd.mm.yyyy")))
                .map(|_| ()),
            Cell::Time(s) => match crate::clock::At::parse(s) {
                Ok(at) => sheet
                    .write_datetime_with_format(
                        row,
                        c,
                        at.time().naive_local(),
                        &style(Format::new().set_num_format("dd.mm.yyyy hh:mm:ss")),
                    )
                    .map(|_| ()),
                Err(_) => sheet.write_string(row, c, s).map(|_| ()),
            },
            _ => Ok(()),
        }
        .map_err(failed)?;
    }
    Ok(())
}
