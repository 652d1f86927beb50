//! Serial barcode scanners: bytes in, one scan per suffix out. What a scan
//! means (EAN-13, a weighed item, a marking code) is the core's business.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use crate::port::Port;

/// What ends a scan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suffix {
    /// Carriage return.
    Cr,
    /// Line feed.
    Lf,
    /// CR then LF.
    CrLf,
}

/// Settings of a serial scanner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannerSettings {
    /// Port path, e.g. `/dev/ttyACM0`.
    pub port: String,
    /// Baud rate (scanners usually use 9600).
    pub baud: u32,
    /// The suffix the scanner sends after each code.
    pub suffix: Suffix,
    /// A prefix to strip from each scan (e.g. the AIM id `]d2` or a
    /// scanner's own prefix).
    pub strip_prefix: String,
}

impl Default for ScannerSettings {
    fn default() -> Self {
        ScannerSettings {
            port: String::new(),
            baud: 9600,
            suffix: Suffix::Cr,
            strip_prefix: String::new(),
        }
    }
}

/// Splits a byte stream into scans. Bytes of a scan are kept as they came,
/// GS (0x1D) included, for marking codes.
#[derive(Debug, Clone)]
pub struct ScanSplitter {
    suffix: Suffix,
    prefix: String,
    buffer: Vec<u8>,
}

/// Longest scan kept; longer runs without a suffix are line noise.
const MAX_SCAN: usize = 512;

impl ScanSplitter {
    /// A splitter for a suffix and a prefix to strip.
    pub fn new(suffix: Suffix, strip_prefix: &str) -> ScanSplitter {
        ScanSplitter {
            suffix,
            prefix: strip_prefix.to_owned(),
            buffer: Vec::new(),
        }
    }

    /// Takes one byte; returns a scan when its suffix completes it. Empty
    /// scans (a lone suffix) give nothing.
    pub fn push(&mut self, byte: u8) -> Option<String> {
        let end = match self.suffix {
            Suffix::Cr => byte == b'\r',
            Suffix::Lf => byte == b'\n',
            Suffix::CrLf => byte == b'\n' && self.buffer.last() == Some(&b'\r'),
        };
        if !end {
            // A stray LF after CR (or CR before LF) is not part of a code.
            let stray = matches!((self.suffix, byte), (Suffix::Cr, b'\n') | (Suffix::Lf, b'\r'));
            if !stray {
                if self.buffer.len() >= MAX_SCAN {
                    self.buffer.clear();
                }
                self.buffer.push(byte);
            }
            return None;
        }
        let mut bytes = std::mem::take(&mut self.buffer);
        if self.suffix == Suffix::CrLf {
            bytes.pop();
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let text = text.strip_prefix(self.prefix.as_str()).unwrap_or(&text).to_owned();
        if text.is_empty() {
            None
        } else {
            Some(text)
        }
    }
}

/// Reads scans from a port and sends each to `scans` until `stop` is set,
/// the receiver is gone or the port fails.
pub fn read_scans<P: Port>(
    port: &mut P,
    settings: &ScannerSettings,
    scans: &Sender<String>,
    stop: &AtomicBool,
) -> io::Result<()> {
    let mut splitter = ScanSplitter::new(settings.suffix, &settings.strip_prefix);
    while !stop.load(Ordering::Relaxed) {
        if let Some(byte) = port.recv(Duration::from_millis(100))? {
            if let Some(scan) = splitter.push(byte) {
                if scans.send(scan).is_err() {
                    return Ok(());
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::port::{memory_pair, Fuse};

    fn split(suffix: Suffix, prefix: &str, bytes: &[u8]) -> Vec<String> {
        let mut splitter = ScanSplitter::new(suffix, prefix);
        bytes.iter().filter_map(|byte| splitter.push(*byte)).collect()
    }

    #[test]
    fn scans_split_on_each_suffix_with_prefix_stripped() {
        assert_eq!(
            split(Suffix::Cr, "", b"4600000000019\r\n2012345012345\r"),
            vec!["4600000000019", "2012345012345"]
        );
        assert_eq!(split(Suffix::Lf, "", b"123\n\n456\n"), vec!["123", "456"]);
        assert_eq!(
            split(Suffix::CrLf, "]d2", b"]d2010460\x1d91ab\r\nX\r\n"),
            vec!["010460\u{1d}91ab", "X"]
        );
        assert_eq!(split(Suffix::CrLf, "", b"abc\r"), Vec::<String>::new());
    }

    #[test]
    fn a_port_delivers_scans_as_events() {
        let (mut scanner, mut till) = memory_pair(Fuse::intact());
        scanner.send(b"4601234567893\r").ok();
        drop(scanner);
        let (tx, rx) = std::sync::mpsc::channel();
        let stop = AtomicBool::new(false);
        let settings = ScannerSettings::default();
        // The port fails once the scanner end is gone, after the scan.
        assert!(read_scans(&mut till, &settings, &tx, &stop).is_err());
        assert_eq!(rx.try_recv().ok().as_deref(), Some("4601234567893"));
    }
}
