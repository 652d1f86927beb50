//! A4 PDF through printpdf: DejaVu Sans embedded (Cyrillic, searchable),
//! the table paginated with its header repeated, the totals row, and a
//! chart drawn as vectors on a page of its own. Geometry is in f32
//! millimetres, as PDF's is; no money is ever a float here.
#![allow(clippy::float_arithmetic)]

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rect, Rgb, TextItem,
};
use rust_decimal::prelude::ToPrimitive;

use super::super::{Cell, Chart, ColumnType, Table};
use super::shown;
use crate::error::{Error, Result};

const A4_SHORT: f32 = 210.0;
const A4_LONG: f32 = 297.0;
const MARGIN: f32 = 12.0;

/// Text alignment in a box.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Right,
    Center,
}

/// A document being drawn: the fonts and the finished pages.
pub(crate) struct PdfWriter {
    doc: PdfDocument,
    regular: (FontId, ParsedFont),
    bold: (FontId, ParsedFont),
    pages: Vec<PdfPage>,
}

/// One page being drawn; y grows downwards from the top edge, as people read.
pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    ops: Vec<Op>,
}

impl PdfWriter {
    pub(crate) fn new(title: &str) -> Result<PdfWriter> {
        let mut doc = PdfDocument::new(title);
        let mut warnings = Vec::new();
        let mut load = |bytes: &[u8]| {
            ParsedFont::from_bytes(bytes, 0, &mut warnings)
                .ok_or_else(|| Error::invalid("the bundled font cannot be read"))
        };
        let regular = load(crate::fonts::REGULAR)?;
        let bold = load(crate::fonts::BOLD)?;
        let regular = (doc.add_font(&regular), regular);
        let bold = (doc.add_font(&bold), bold);
        Ok(PdfWriter {
            doc,
            regular,
            bold,
            pages: Vec::new(),
        })
    }

    pub(crate) fn page(&self, landscape: bool) -> Page {
        let (width, height) = if landscape {
            (A4_LONG, A4_SHORT)
        } else {
            (A4_SHORT, A4_LONG)
        };
        Page {
            width,
            height,
            ops: Vec::new(),
        }
    }

    /// Pages finished so far.
    pub(crate) fn pages(&self) -> usize {
        self.pages.len()
    }

    pub(crate) fn finish_page(&mut self, page: Page) {
        self.pages.push(PdfPage::new(Mm(page.width), Mm(page.height), page.ops));
    }

    /// Width of `text` in millimetres at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32, bold: bool) -> f32 {
        let font = if bold { &self.bold.1 } else { &self.regular.1 };
        let units: u32 = text
            .chars()
            .filter_map(|c| font.lookup_glyph_index(c as u32))
            .map(|g| u32::from(font.get_glyph_width(g).unwrap_or(0)))
            .sum();
        units as f32 / f32::from(font.units_per_em.max(1)) * size * 25.4 / 72.0
    }

    /// Writes `text` with its baseline at `y` mm from the top.
    pub(crate) fn text(&self, page: &mut Page, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        let font = if bold { &self.bold.0 } else { &self.regular.0 };
        page.ops.extend([
            Op::SetFillColor { col: black() },
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::External(font.clone()),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(page.height - y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Writes `text` in a box from `x` of `width`, cut with «…» to fit.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text_in(
        &self,
        page: &mut Page,
        x: f32,
        width: f32,
        y: f32,
        size: f32,
        bold: bool,
        align: Align,
        text: &str,
    ) {
        let room = width - 2.0;
        let mut fitted = text.to_owned();
        while !fitted.is_empty() && self.width(&fitted, size, bold) > room {
            fitted.pop();
            while fitted.ends_with(' ') {
                fitted.pop();
            }
            if fitted.is_empty() {
                break;
            }
            let mut shorter: String = fitted.chars().take(fitted.chars().count().saturating_sub(1)).collect();
            shorter.push('…');
            if self.width(&shorter, size, bold) <= room {
                fitted = shorter;
                break;
            }
        }
        let w = self.width(&fitted, size, bold);
        let left = match align {
            Align::Left => x + 1.0,
            Align::Right => x + width - 1.0 - w,
            Align::Center => x + (width - w) / 2.0,
        };
        self.text(page, left, y, size, bold, &fitted);
    }

    /// A straight line between two points (mm from the top-left).
    pub(crate) fn line(&self, page: &mut Page, from: (f32, f32), to: (f32, f32), width: f32) {
        page.ops.extend([
            Op::SetOutlineColor { col: black() },
            Op::SetOutlineThickness { pt: Pt(width) },
            Op::DrawLine {
                line: Line {
                    points: vec![point(page, from), point(page, to)],
                    is_closed: false,
                },
            },
        ]);
    }

    pub(crate) fn save(mut self) -> Vec<u8> {
        let mut warnings = Vec::new();
        self.doc.pages = std::mem::take(&mut self.pages);
        self.doc.save(&PdfSaveOptions::default(), &mut warnings)
    }
}

fn black() -> Color {
    Color::Rgb(Rgb::new(0.0, 0.0, 0.0, None))
}

fn point(page: &Page, (x, y): (f32, f32)) -> LinePoint {
    LinePoint {
        p: Point::new(Mm(x), Mm(page.height - y)),
        bezier: false,
    }
}

fn numeric(kind: ColumnType) -> bool {
    matches!(
        kind,
        ColumnType::Money | ColumnType::Qty | ColumnType::Count | ColumnType::Percent | ColumnType::Number
    )
}

const SIZE: f32 = 8.0;
const ROW: f32 = 5.0;

/// The report as a PDF.
pub(super) fn report(table: &Table) -> Result<Vec<u8>> {
    let mut pdf = PdfWriter::new(table.title)?;
    let landscape = table.columns.len() > 6;
    let probe = pdf.page(landscape);
    let usable = probe.width - 2.0 * MARGIN;
    // Each column as wide as its widest cell (up to 40 rows looked at), scaled to the page.
    let widths: Vec<f32> = {
        let natural: Vec<f32> = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let widest = table
                    .rows
                    .iter()
                    .take(40)
                    .chain(table.totals.iter())
                    .map(|r| r.get(i).map_or(0.0, |cell| pdf.width(&shown(cell), SIZE, false)))
                    .fold(pdf.width(c.title, SIZE, true).min(35.0), f32::max);
                widest + 3.0
            })
            .collect();
        let sum: f32 = natural.iter().sum();
        natural.iter().map(|w| w * usable / sum).collect()
    };
    let period = format!(
        "Период: {} — {}{}",
        crate::locale::day(table.period.from, crate::locale::Lang::Ru),
        crate::locale::day(table.period.to, crate::locale::Lang::Ru),
        table
            .period
            .store
            .as_ref()
            .map(|s| format!(", магазин {s}"))
            .unwrap_or_default()
    );
    let header = |pdf: &PdfWriter, page: &mut Page, y: f32| {
        let mut x = MARGIN;
        for (c, w) in table.columns.iter().zip(&widths) {
            pdf.text_in(
                page,
                x,
                *w,
                y,
                SIZE,
                true,
                if numeric(c.kind) { Align::Right } else { Align::Left },
                c.title,
            );
            x += w;
        }
        pdf.line(page, (MARGIN, y + 1.5), (MARGIN + usable, y + 1.5), 0.6);
    };
    let row_at = |pdf: &PdfWriter, page: &mut Page, y: f32, cells: &[Cell], bold: bool| {
        let mut x = MARGIN;
        for ((c, w), cell) in table.columns.iter().zip(&widths).zip(cells) {
            let align = if numeric(c.kind) { Align::Right } else { Align::Left };
            pdf.text_in(page, x, *w, y, SIZE, bold, align, &shown(cell));
            x += w;
        }
    };
    let mut page = pdf.page(landscape);
    pdf.text(&mut page, MARGIN, MARGIN + 6.0, 14.0, true, table.title);
    pdf.text(&mut page, MARGIN, MARGIN + 12.0, 9.0, false, &period);
    let mut y = MARGIN + 20.0;
    header(&pdf, &mut page, y);
    y += ROW;
    let bottom = page.height - MARGIN - 8.0;
    let mut number = 1;
    let footer = |pdf: &PdfWriter, page: &mut Page, number: usize| {
        let text = format!("{} — стр. {number}", table.title);
        let (w, h) = (page.width, page.height);
        pdf.text_in(
            page,
            MARGIN,
            w - 2.0 * MARGIN,
            h - MARGIN + 2.0,
            7.0,
            false,
            Align::Right,
            &text,
        );
    };
    for cells in &table.rows {
        if y > bottom {
            footer(&pdf, &mut page, number);
            pdf.finish_page(page);
            number += 1;
            page = pdf.page(landscape);
            y = MARGIN + 6.0;
            header(&pdf, &mut page, y);
            y += ROW;
        }
        row_at(&pdf, &mut page, y, cells, false);
        y += ROW;
    }
    if table.rows.is_empty() {
        pdf.text(&mut page, MARGIN, y, SIZE, false, "Нет данных за период");
        y += ROW;
    }
    if let Some(totals) = &table.totals {
        pdf.line(
            &mut page,
            (MARGIN, y - ROW + 1.5),
            (MARGIN + usable, y - ROW + 1.5),
            0.4,
        );
        row_at(&pdf, &mut page, y, totals, true);
    }
    footer(&pdf, &mut page, number);
    pdf.finish_page(page);
    if let Some(chart) = table.chart {
        chart_page(&mut pdf, table, chart);
    }
    Ok(pdf.save())
}

/// The series as bars or a line, on a landscape page.
fn chart_page(pdf: &mut PdfWriter, table: &Table, chart: Chart) {
    let (Chart::Bars(name) | Chart::Line(name)) = chart;
    let Some(value_col) = table.columns.iter().position(|c| c.name == name) else {
        return;
    };
    let points: Vec<(String, f32)> = table
        .rows
        .iter()
        .map(|r| {
            let label = r.first().map(shown).unwrap_or_default();
            let value = match r.get(value_col) {
                Some(Cell::Money(m)) => m.as_decimal().to_f32(),
                Some(Cell::Count(n)) => Some(*n as f32),
                Some(Cell::Qty(q)) => q.to_f32(),
                _ => None,
            };
            (label, value.unwrap_or(0.0))
        })
        .collect();
    let mut page = pdf.page(true);
    let title = format!("{} — {}", table.title, table.columns[value_col].title);
    pdf.text(&mut page, MARGIN, MARGIN + 6.0, 14.0, true, &title);
    if points.is_empty() {
        pdf.text(&mut page, MARGIN, MARGIN + 16.0, 9.0, false, "Нет данных за период");
        pdf.finish_page(page);
        return;
    }
    let (left, right, top, bottom) = (
        MARGIN + 28.0,
        page.width - MARGIN,
        MARGIN + 16.0,
        page.height - MARGIN - 18.0,
    );
    let max = points.iter().map(|p| p.1).fold(0.0f32, f32::max);
    let min = points.iter().map(|p| p.1).fold(0.0f32, f32::min);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let y_of = |v: f32| bottom - (v - min) / span * (bottom - top);
    // Axes and five gridlines with their values.
    for k in 0..=4 {
        let v = min + span * k as f32 / 4.0;
        let y = y_of(v);
        pdf.line(&mut page, (left, y), (right, y), if k == 0 { 0.8 } else { 0.2 });
        let label = crate::locale::number(
            rust_decimal::Decimal::from_f32_retain(v)
                .unwrap_or_default()
                .round_dp(0),
            crate::locale::Lang::Ru,
        );
        pdf.text_in(
            &mut page,
            MARGIN,
            left - MARGIN - 1.0,
            y + 1.2,
            7.0,
            false,
            Align::Right,
            &label,
        );
    }
    pdf.line(&mut page, (left, top), (left, bottom), 0.8);
    let step = (right - left) / points.len() as f32;
    let every = (points.len() / 31).max(1);
    let zero = y_of(0.0);
    let mut line_points = Vec::new();
    for (i, (label, value)) in points.iter().enumerate() {
        let x = left + step * i as f32;
        let y = y_of(*value);
        match chart {
            Chart::Bars(_) => {
                let (y0, h) = if y < zero { (y, zero - y) } else { (zero, y - zero) };
                page.ops.extend([
                    Op::SetFillColor {
                        col: Color::Rgb(Rgb::new(0.22, 0.45, 0.75, None)),
                    },
                    Op::DrawRectangle {
                        rectangle: Rect {
                            x: Mm(x + step * 0.15).into(),
                            y: Mm(page.height - y0 - h).into(),
                            width: Mm(step * 0.7).into(),
                            height: Mm(h).into(),
                            mode: Some(PaintMode::Fill),
                            winding_order: None,
                        },
                    },
                ]);
            }
            Chart::Line(_) => line_points.push(point(&page, (x + step / 2.0, y))),
        }
        if i % every == 0 {
            pdf.text_in(
                &mut page,
                x,
                step * every as f32,
                bottom + 5.0,
                6.5,
                false,
                Align::Center,
                label,
            );
        }
    }
    if !line_points.is_empty() {
        page.ops.extend([
            Op::SetOutlineColor {
                col: Color::Rgb(Rgb::new(0.8, 0.2, 0.15, None)),
            },
            Op::SetOutlineThickness { pt: Pt(1.5) },
            Op::DrawLine {
                line: Line {
                    points: line_points,
                    is_closed: false,
                },
            },
        ]);
    }
    pdf.finish_page(page);
}
