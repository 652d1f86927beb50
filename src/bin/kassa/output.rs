//! What the command line writes: whole files or nothing, one-line errors,
//! progress on a terminal.

use std::io::{BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::{Failure, Outcome};

/// An error as one line of sane length: input echoed back (a 10 000-byte
/// scan, a pasted file) is cut.
pub(crate) fn one_line(message: &str) -> String {
    const LONGEST: usize = 300;
    let flat: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    match flat.char_indices().nth(LONGEST) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

/// A day as the contract writes it, `YYYY-MM-DD`.
pub(crate) fn parse_day(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("`{text}` is not a date YYYY-MM-DD");
    // chrono alone would take 2026-11-1; the contract says YYYY-MM-DD.
    if text.len() != 10 {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

/// A period runs forwards.
pub(crate) fn check_period(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Outcome {
    match (from, to) {
        (Some(from), Some(to)) if from > to => Err(Failure::Said(format!("--from {from} is after --to {to}"))),
        _ => Ok(()),
    }
}

/// `--out` must not name the database (or its WAL): that would destroy it.
pub(crate) fn refuse_overwriting(db: &Path, out: Option<&Path>) -> Outcome {
    let (Some(out), Ok(db)) = (out, db.canonicalize()) else {
        return Ok(());
    };
    let out_full = match (out.parent().filter(|p| !p.as_os_str().is_empty()), out.file_name()) {
        (Some(dir), Some(name)) => dir.canonicalize().map(|d| d.join(name)),
        (None, Some(name)) => std::env::current_dir().map(|d| d.join(name)),
        _ => return Ok(()),
    };
    let Ok(out_full) = out_full else { return Ok(()) };
    let db_text = db.as_os_str().to_string_lossy();
    let out_text = out_full.as_os_str().to_string_lossy();
    if out_text == db_text || out_text.starts_with(&format!("{db_text}-")) {
        return Err(Failure::Said(format!("--out {} is the database itself", out.display())));
    }
    Ok(())
}

/// Runs `write` into standard output, or into `out` through a temporary
/// file renamed into place only on success, so a failed run never leaves a
/// truncated file behind.
pub(crate) fn write_output<T>(out: Option<&Path>, write: impl FnOnce(&mut dyn Write) -> Outcome<T>) -> Outcome<T> {
    let cannot = |path: &Path, e: std::io::Error| Failure::Said(format!("cannot write {}: {e}", path.display()));
    let Some(path) = out else {
        let mut stdout = BufWriter::new(std::io::stdout().lock());
        let value = write(&mut stdout)?;
        stdout
            .flush()
            .map_err(|e| Failure::Said(format!("cannot write: {e}")))?;
        return Ok(value);
    };
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    // An export carries the books: readable by its owner only.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options
        .open(&partial)
        .map_err(|e| Failure::Said(format!("cannot create {}: {e}", partial.display())))?;
    let mut writer = BufWriter::new(file);
    let result = write(&mut writer).and_then(|value| {
        writer.flush().map_err(|e| cannot(path, e))?;
        drop(writer);
        std::fs::rename(&partial, path).map_err(|e| cannot(path, e))?;
        Ok(value)
    });
    if result.is_err() {
        // Best effort: the error to report is the one that stopped us.
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// A progress bar on a terminal, nothing in a pipe.
pub(crate) fn progress_bar(size: u64) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(size);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{bar:40} {bytes}/{total_bytes} {bytes_per_sec} eta {eta}")
    {
        bar.set_style(style);
    }
    bar
}
