//! The printed tape: what a real register would print, as text lines, kept
//! in memory and appended to a file when there is one.

use std::io::Write;
use std::path::PathBuf;

use super::device::LINE_WIDTH;
use super::state::StoredDocument;

/// The tape.
#[derive(Debug, Default)]
pub struct Tape {
    lines: Vec<String>,
    file: Option<PathBuf>,
}

impl Tape {
    /// A tape that is also appended to `path`.
    pub fn to_file(path: PathBuf) -> Tape {
        Tape {
            lines: Vec::new(),
            file: Some(path),
        }
    }

    /// Lines printed since the emulator started.
    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    fn print(&mut self, new: Vec<String>) {
        if let Some(path) = &self.file {
            // The tape is a log: failing to write it must not stop sales.
            if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
                for line in &new {
                    let _ = writeln!(file, "{line}");
                }
            }
        }
        self.lines.extend(new);
    }

    /// One line of text, cut at the tape width.
    pub fn line(&mut self, text: &str) {
        self.print(vec![text.chars().take(LINE_WIDTH).collect()]);
    }

    /// A service note (not printed by a real register; marked as such).
    pub fn note(&mut self, text: &str) {
        self.print(vec![format!("# {text}")]);
    }

    /// A document: its lines.
    pub fn document(&mut self, lines: &[String]) {
        self.print(
            lines
                .iter()
                .map(|line| line.chars().take(LINE_WIDTH).collect())
                .collect(),
        );
    }

    /// The fiscal requisites under a fiscal document, and the cut.
    pub fn fiscal_footer(&mut self, fn_number: &str, doc: &StoredDocument) {
        let mut lines = vec![
            format!("{}", doc.at.format("%d.%m.%Y %H:%M")),
            format!("ФН {fn_number}"),
            format!("ФД {}  ФП {:010}", doc.number, doc.fiscal_sign),
        ];
        if crate::shtrih::command::document_type::has_total(doc.doc_type) {
            lines.push(format!(
                "QR t={}&s={}.{:02}&fn={fn_number}&i={}&fp={}&n={}",
                doc.at.format("%Y%m%dT%H%M"),
                doc.value / 100,
                doc.value % 100,
                doc.number,
                doc.fiscal_sign,
                doc.sign
            ));
            lines.push("САЙТ ФНС: www.nalog.gov.ru".into());
        }
        // Not cut at the tape width: the QR payload is printed as a code.
        self.print(lines);
        self.cut();
    }

    /// The knife.
    pub fn cut(&mut self) {
        self.print(vec!["-".repeat(LINE_WIDTH)]);
    }
}
