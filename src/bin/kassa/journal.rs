//! `init`, `import`, `export`: the books and the journal.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use chrono::NaiveDate;
use kassa::clock::SystemClock;
use kassa::{Books, Credentials};

use crate::output::{check_period, progress_bar, refuse_overwriting, write_output};
use crate::{Failure, Outcome};

/// Creates (or migrates) the books; `--demo` fills the demo store.
pub(crate) fn init(path: &Path, who: Option<Credentials<'_>>, demo: bool) -> Outcome {
    let mut books = Books::open(path)?;
    if demo {
        let summary = books.load_demo(&SystemClock, who)?;
        eprintln!(
            "demo store loaded into {} ({} records, {} new)",
            path.display(),
            summary.records,
            summary.written
        );
    } else {
        eprintln!(
            "database ready: {} (schema {})",
            path.display(),
            kassa::db::SCHEMA_VERSION
        );
    }
    Ok(())
}

/// Loads a journal (`-`: standard input), all or nothing, in `who`'s name.
pub(crate) fn import(path: &Path, who: Option<Credentials<'_>>, file: &Path) -> Outcome {
    let (input, size): (Box<dyn std::io::Read + Send>, u64) = if file.as_os_str() == "-" {
        (Box::new(std::io::stdin()), 0)
    } else {
        let handle = File::open(file).map_err(|e| Failure::Said(format!("cannot open {}: {e}", file.display())))?;
        let size = handle.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(handle), size)
    };
    let mut books = Books::open(path)?;
    let bar = progress_bar(size);
    let started = std::time::Instant::now();
    let result = books.import(&SystemClock, who, BufReader::with_capacity(1 << 20, input), |bytes| {
        bar.set_position(bytes)
    });
    bar.finish_and_clear();
    let summary = result?;
    eprintln!(
        "imported {} records from {} ({} new, {} already there) in {:.1?}",
        summary.records,
        file.display(),
        summary.written,
        summary.unchanged,
        started.elapsed()
    );
    Ok(())
}

/// Writes the journal (one period of it) to standard output or `out`.
pub(crate) fn export(path: &Path, from: Option<NaiveDate>, to: Option<NaiveDate>, out: Option<&Path>) -> Outcome {
    check_period(from, to)?;
    let books = Books::open_existing(path)?;
    refuse_overwriting(path, out)?;
    let count = write_output(out, |writer| Ok(books.export(from, to, writer)?))?;
    eprintln!("exported {count} records");
    Ok(())
}

/// `kassa backup FILE`: a consistent, checked copy of the live books.
pub(crate) fn backup(path: &Path, file: &Path) -> Outcome {
    let books = Books::open_existing(path)?;
    let info = books.backup(file)?;
    eprintln!(
        "backed up to {}: {} receipts, {} bytes, schema {}, integrity ok",
        file.display(),
        info.receipts,
        info.bytes,
        info.schema
    );
    Ok(())
}

/// `kassa restore FILE`: a checked backup in place of the books.
pub(crate) fn restore(path: &Path, who: Option<Credentials<'_>>, file: &Path) -> Outcome {
    let mut books = Books::open(path)?;
    let info = books.restore(&SystemClock, who, file)?;
    eprintln!(
        "restored {} from {}: {} receipts, schema {}",
        path.display(),
        file.display(),
        info.receipts,
        info.schema
    );
    Ok(())
}

/// Rebuilds the reports' rollups.
pub(crate) fn rebuild_rollups(path: &Path, who: Option<Credentials<'_>>) -> Outcome {
    let mut books = Books::open_existing(path)?;
    books.rebuild_rollups(&SystemClock, who)?;
    eprintln!("rebuilt the reports' rollups of {}", path.display());
    Ok(())
}
