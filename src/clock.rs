//! Time: moments as the journal writes them, and the clock a till reads.

use std::fmt;

use chrono::{DateTime, FixedOffset, Local, NaiveDate, SecondsFormat};

use crate::error::{Error, Result};

/// A moment with the store's UTC offset, as in `2026-11-02T09:15:00+03:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct At(DateTime<FixedOffset>);

impl At {
    /// Parses RFC 3339 with an explicit offset.
    pub fn parse(input: &str) -> Result<At> {
        DateTime::parse_from_rfc3339(input)
            .map(At)
            .map_err(|_| Error::invalid(format!("`{input}` is not an RFC 3339 time with an offset")))
    }

    /// Wraps a chrono time.
    pub fn new(time: DateTime<FixedOffset>) -> At {
        At(time)
    }

    /// The chrono time.
    pub fn time(self) -> DateTime<FixedOffset> {
        self.0
    }

    /// Milliseconds since the Unix epoch, for ordering across offsets.
    pub fn epoch_millis(self) -> i64 {
        self.0.timestamp_millis()
    }

    /// The local calendar day in the moment's own offset.
    pub fn local_day(self) -> NaiveDate {
        self.0.date_naive()
    }
}

impl fmt::Display for At {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, false))
    }
}

impl PartialOrd for At {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for At {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0.cmp(&other.0)
    }
}

/// Where a till gets "now" from; tests and the demo use a fixed or stepping
/// clock.
pub trait Clock: Send {
    /// The current local moment.
    fn now(&self) -> At;
}

/// The machine's clock in its local offset.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> At {
        At(Local::now().fixed_offset())
    }
}

/// A clock that stands still until moved: for tests and scripted runs.
#[derive(Debug, Clone)]
pub struct ManualClock(std::sync::Arc<std::sync::Mutex<DateTime<FixedOffset>>>);

impl ManualClock {
    /// Starts at `at`.
    pub fn starting_at(at: At) -> ManualClock {
        ManualClock(std::sync::Arc::new(std::sync::Mutex::new(at.0)))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut now) = self.0.lock() {
            *now += by;
        }
    }

    /// Sets the clock.
    pub fn set(&self, at: At) {
        if let Ok(mut now) = self.0.lock() {
            *now = at.0;
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> At {
        At(self
            .0
            .lock()
            .map(|now| *now)
            .unwrap_or_else(|poisoned| *poisoned.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_keep_their_offset() {
        let at = At::parse("2026-11-02T09:15:00+03:00").expect("valid");
        assert_eq!(at.to_string(), "2026-11-02T09:15:00+03:00");
        assert_eq!(at.local_day().to_string(), "2026-11-02");
        assert!(At::parse("2026-11-02T09:15:00").is_err());
        assert!(At::parse("2026-11-02").is_err());
        let late = At::parse("2026-11-01T23:30:00-01:00").expect("valid");
        assert_eq!(late.local_day().to_string(), "2026-11-01");
        assert!(late < at, "00:30Z on the 2nd is before 06:15Z");
    }
}
