//! Drawing an official form on A4: lines of text, labelled fields, ruled
//! tables with wrapped headings and graph numbers (repeated on every
//! page), and signature lines. Geometry is in f32 millimetres.
#![allow(clippy::float_arithmetic)]

use crate::report::render::{Align, Page, PdfWriter};

pub(crate) const MARGIN: f32 = 12.0;

/// A column of a form's table.
pub(crate) struct Col<'a> {
    /// Heading (wrapped to the width).
    pub(crate) title: &'a str,
    /// Graph number printed under the heading.
    pub(crate) graph: &'a str,
    /// Width in millimetres (scaled to the page).
    pub(crate) width: f32,
    /// Right-aligned (numbers).
    pub(crate) right: bool,
}

impl<'a> Col<'a> {
    /// A column of text, left-aligned.
    pub(crate) const fn text(title: &'a str, graph: &'a str, width: f32) -> Col<'a> {
        Col {
            title,
            graph,
            width,
            right: false,
        }
    }

    /// A column of figures, right-aligned.
    pub(crate) const fn figures(title: &'a str, graph: &'a str, width: f32) -> Col<'a> {
        Col {
            title,
            graph,
            width,
            right: true,
        }
    }
}

/// A form being drawn, page by page.
pub(crate) struct Form {
    pdf: PdfWriter,
    page: Page,
    landscape: bool,
    /// The next line's top, from the page's top.
    pub(crate) y: f32,
}

impl Form {
    pub(crate) fn new(title: &str, landscape: bool) -> crate::error::Result<Form> {
        let pdf = PdfWriter::new(title)?;
        let page = pdf.page(landscape);
        Ok(Form {
            pdf,
            page,
            landscape,
            y: MARGIN,
        })
    }

    pub(crate) fn width(&self) -> f32 {
        self.page.width - 2.0 * MARGIN
    }

    fn bottom(&self) -> f32 {
        self.page.height - MARGIN
    }

    /// Starts a new page when less than `room` millimetres are left.
    pub(crate) fn need(&mut self, room: f32) {
        if self.y + room > self.bottom() {
            self.new_page();
        }
    }

    pub(crate) fn new_page(&mut self) {
        let next = self.pdf.page(self.landscape);
        let done = std::mem::replace(&mut self.page, next);
        self.pdf.finish_page(done);
        self.y = MARGIN;
    }

    /// A line of text at `x` (from the left margin), then down by `size`.
    pub(crate) fn text_at(&mut self, x: f32, size: f32, bold: bool, text: &str) {
        self.need(size * 0.5);
        let y = self.y + size * 0.36;
        self.pdf.text(&mut self.page, MARGIN + x, y, size, bold, text);
    }

    /// A line of text, then down to the next line.
    pub(crate) fn line(&mut self, size: f32, bold: bool, text: &str) {
        for part in self.wrap(text, self.width(), size, bold) {
            self.text_at(0.0, size, bold, &part);
            self.y += size * 0.5;
        }
    }

    /// A centred line.
    pub(crate) fn centered(&mut self, size: f32, bold: bool, text: &str) {
        self.need(size * 0.5);
        let (x, w, y) = (MARGIN, self.width(), self.y + size * 0.36);
        self.pdf
            .text_in(&mut self.page, x, w, y, size, bold, Align::Center, text);
        self.y += size * 0.5;
    }

    /// Text right-aligned against the right margin, on the current line.
    pub(crate) fn right(&mut self, size: f32, bold: bool, text: &str) {
        let (x, w, y) = (MARGIN, self.width(), self.y + size * 0.36);
        self.pdf
            .text_in(&mut self.page, x, w, y, size, bold, Align::Right, text);
    }

    /// «Label: value» with the value underlined across the rest of the line.
    pub(crate) fn field(&mut self, label: &str, value: &str) {
        let size = 7.5;
        self.need(6.0);
        let label_width = self.pdf.width(label, size, false) + 2.0;
        let y = self.y + size * 0.36;
        self.pdf.text(&mut self.page, MARGIN, y, size, false, label);
        let value_x = MARGIN + label_width;
        let room = self.width() - label_width;
        self.pdf
            .text_in(&mut self.page, value_x, room, y, size, true, Align::Left, value);
        let end = MARGIN + self.width();
        self.pdf.line(&mut self.page, (value_x, y + 1.0), (end, y + 1.0), 0.3);
        self.y += 4.4;
    }

    pub(crate) fn gap(&mut self, mm: f32) {
        self.y += mm;
    }

    /// Splits text into lines no wider than `width`; a word wider than
    /// the line is broken with a hyphen.
    pub(crate) fn wrap(&self, text: &str, width: f32, size: f32, bold: bool) -> Vec<String> {
        let room = width - 2.5;
        let fits = |t: &str| self.pdf.width(t, size, bold) <= room;
        let mut lines = Vec::new();
        for paragraph in text.split('\n') {
            let mut current = String::new();
            for word in paragraph.split(' ') {
                let candidate = if current.is_empty() {
                    word.to_owned()
                } else {
                    format!("{current} {word}")
                };
                if fits(&candidate) {
                    current = candidate;
                    continue;
                }
                if !current.is_empty() {
                    lines.push(std::mem::take(&mut current));
                }
                // The word alone: broken into pieces that fit.
                let mut piece = String::new();
                for c in word.chars() {
                    let longer = format!("{piece}{c}-");
                    if !piece.is_empty() && !fits(&longer) {
                        lines.push(format!("{piece}-"));
                        piece.clear();
                    }
                    piece.push(c);
                }
                current = piece;
            }
            lines.push(current);
        }
        lines
    }

    /// A ruled table: headings and graph numbers (again on each new page),
    /// the rows, then `totals` rows in bold. Widths scale to the page.
    pub(crate) fn table(&mut self, cols: &[Col<'_>], rows: &[Vec<String>], totals: &[Vec<String>]) {
        let scale = self.width() / cols.iter().map(|c| c.width).sum::<f32>();
        let widths: Vec<f32> = cols.iter().map(|c| c.width * scale).collect();
        let head_size = 6.0;
        let size = 7.0;
        let header_lines: Vec<Vec<String>> = cols
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.wrap(c.title, *w, head_size, false))
            .collect();
        let header_height = header_lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * 2.6 + 2.0;
        let draw_header = |form: &mut Form| {
            form.need(header_height + 10.0);
            let top = form.y;
            let mut x = MARGIN;
            for ((lines, w), col) in header_lines.iter().zip(&widths).zip(cols) {
                for (i, text) in lines.iter().enumerate() {
                    let y = top + 2.6 * (i as f32 + 1.0);
                    form.pdf
                        .text_in(&mut form.page, x, *w, y, head_size, false, Align::Center, text);
                }
                let y = top + header_height + 3.0;
                form.pdf
                    .text_in(&mut form.page, x, *w, y, head_size, false, Align::Center, col.graph);
                x += w;
            }
            form.rule_row(top, header_height, &widths);
            form.rule_row(top + header_height, 4.0, &widths);
            form.y = top + header_height + 4.0;
        };
        draw_header(self);
        let all: Vec<(&Vec<String>, bool)> = rows
            .iter()
            .map(|r| (r, false))
            .chain(totals.iter().map(|r| (r, true)))
            .collect();
        for (row, bold) in all {
            let cells: Vec<Vec<String>> = row
                .iter()
                .zip(&widths)
                .map(|(text, w)| self.wrap(text, *w, size, bold))
                .collect();
            let height = cells.iter().map(Vec::len).max().unwrap_or(1) as f32 * 3.2 + 1.6;
            if self.y + height > self.bottom() {
                self.new_page();
                draw_header(self);
            }
            let top = self.y;
            let mut x = MARGIN;
            for ((lines, w), col) in cells.iter().zip(&widths).zip(cols) {
                let align = if col.right { Align::Right } else { Align::Left };
                for (i, text) in lines.iter().enumerate() {
                    let y = top + 3.2 * (i as f32 + 1.0);
                    self.pdf.text_in(&mut self.page, x, *w, y, size, bold, align, text);
                }
                x += w;
            }
            self.rule_row(top, height, &widths);
            self.y = top + height;
        }
        self.y += 3.0;
    }

    /// The box of one table row.
    fn rule_row(&mut self, top: f32, height: f32, widths: &[f32]) {
        let right = MARGIN + widths.iter().sum::<f32>();
        self.pdf.line(&mut self.page, (MARGIN, top), (right, top), 0.4);
        self.pdf
            .line(&mut self.page, (MARGIN, top + height), (right, top + height), 0.4);
        let mut x = MARGIN;
        self.pdf.line(&mut self.page, (x, top), (x, top + height), 0.4);
        for w in widths {
            x += w;
            self.pdf.line(&mut self.page, (x, top), (x, top + height), 0.4);
        }
    }

    /// «Role ______ (подпись) ______ name (расшифровка подписи)», starting at `x`.
    fn signature_at(&mut self, x: f32, width: f32, role: &str, name: &str) {
        self.need(10.0);
        let size = 7.5;
        let y = self.y + 3.0;
        let role_w = self.pdf.width(role, size, false) + 2.0;
        self.pdf.text(&mut self.page, MARGIN + x, y, size, false, role);
        let rest = (width - role_w).max(30.0);
        let sign_x = MARGIN + x + role_w;
        let sign_w = rest * 0.4;
        let name_x = sign_x + sign_w + 3.0;
        let name_w = rest - sign_w - 3.0;
        self.pdf
            .line(&mut self.page, (sign_x, y + 1.0), (sign_x + sign_w, y + 1.0), 0.3);
        self.pdf
            .line(&mut self.page, (name_x, y + 1.0), (name_x + name_w, y + 1.0), 0.3);
        self.pdf
            .text_in(&mut self.page, name_x, name_w, y, size, false, Align::Center, name);
        self.pdf.text_in(
            &mut self.page,
            sign_x,
            sign_w,
            y + 3.5,
            5.5,
            false,
            Align::Center,
            "(подпись)",
        );
        self.pdf.text_in(
            &mut self.page,
            name_x,
            name_w,
            y + 3.5,
            5.5,
            false,
            Align::Center,
            "(расшифровка подписи)",
        );
    }

    /// Two signatures side by side (the shipper's and the receiver's), then down.
    pub(crate) fn signatures(&mut self, left: (&str, &str), right: (&str, &str)) {
        let half = self.width() / 2.0;
        self.signature_at(0.0, half - 4.0, left.0, left.1);
        self.signature_at(half, half, right.0, right.1);
        self.y += 11.0;
    }

    /// A signature line across the page, then down.
    pub(crate) fn signature(&mut self, role: &str, name: &str) {
        let w = self.width();
        self.signature_at(0.0, w, role, name);
        self.y += 10.0;
    }

    /// A dashed cut line across the page.
    pub(crate) fn cut_line(&mut self, label: &str) {
        let w = self.width();
        let mut x = MARGIN;
        while x < MARGIN + w {
            self.pdf
                .line(&mut self.page, (x, self.y), ((x + 2.0).min(MARGIN + w), self.y), 0.3);
            x += 4.0;
        }
        self.y += 3.0;
        self.centered(6.0, false, label);
    }

    /// The page being drawn, counted from 1.
    pub(crate) fn page_number(&self) -> usize {
        self.pdf.pages() + 1
    }

    pub(crate) fn finish(mut self) -> Vec<u8> {
        let last = self.pdf.page(self.landscape);
        let done = std::mem::replace(&mut self.page, last);
        self.pdf.finish_page(done);
        self.pdf.save()
    }
}
