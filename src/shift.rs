//! Shifts (смены): opening, cash in and out, X and Z totals.

use crate::catalog::journal_codes;
use crate::clock::At;
use crate::money::Money;

journal_codes! {
    /// Why cash left the drawer.
    CashOutReason {
        /// Инкассация: cash collected from the till.
        Collection = "collection",
        /// A shop expense paid from the drawer.
        Expense = "expense",
        /// Anything else.
        Other = "other"
    }
}

/// A shift opening: who opened which till when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftOpen {
    /// Journal id.
    pub id: String,
    /// Store.
    pub store: String,
    /// Till within the store.
    pub till: String,
    /// Cashier of the shift.
    pub cashier: String,
    /// When.
    pub at: At,
}

/// A till's shift as far as the rule of non-overlapping shifts needs it:
/// when it opened and closed (UTC milliseconds).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftSpan {
    /// Shift id.
    pub id: String,
    /// Opened at.
    pub opened: i64,
    /// Closed at (`None`: still open).
    pub closed: Option<i64>,
}

/// A till's shifts never overlap and at most one is open: may a shift of
/// `till` open at `at`? `open` is the till's earliest shift still open, if any;
/// `latest_before` the till's latest shift opened at or before `at`. An
/// import may bring in an earlier day while a later shift is open
/// (`earlier_days_allowed`); that the earlier one is closed by the end of
/// the import is checked then.
pub fn may_open(
    till: &str,
    at: At,
    open: Option<&ShiftSpan>,
    latest_before: Option<&ShiftSpan>,
    earlier_days_allowed: bool,
) -> crate::Result<()> {
    if let Some(open) = open.filter(|open| !earlier_days_allowed || open.opened <= at.epoch_millis()) {
        return Err(crate::Error::ShiftAlreadyOpen {
            till: till.to_owned(),
            shift: open.id.clone(),
        });
    }
    // Only the latest shift opened before can still have been running.
    if let Some(running) = latest_before.filter(|s| s.closed.is_some_and(|closed| closed > at.epoch_millis())) {
        return Err(crate::Error::invalid(format!(
            "till {till} was in shift {} at {at}",
            running.id
        )));
    }
    Ok(())
}

/// Cash put into the drawer (внесение) or taken out (выплата, инкассация).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashMove {
    /// Shift.
    pub shift: String,
    /// When.
    pub at: At,
    /// Amount, greater than zero.
    pub amount: Money,
    /// `None` for cash in; the reason for cash out.
    pub out_reason: Option<CashOutReason>,
}

/// Money of one payment method in a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MethodTotals {
    /// Taken for sales (cash net of change).
    pub sales: Money,
    /// Paid back for returns.
    pub returns: Money,
}

impl MethodTotals {
    /// Sales less returns.
    pub fn net(&self) -> Money {
        self.sales - self.returns
    }
}

/// The figures of a shift at a moment: an X report while it is open, the
/// Z report once it is closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftTotals {
    /// Shift id.
    pub shift: String,
    /// Store.
    pub store: String,
    /// Till.
    pub till: String,
    /// Cashier who opened it.
    pub cashier: String,
    /// Opened at.
    pub opened_at: At,
    /// Closed at, for a Z report.
    pub closed_at: Option<At>,
    /// Number of sale receipts.
    pub sales_count: i64,
    /// Σ totals of sale receipts.
    pub sales: Money,
    /// Number of return receipts.
    pub returns_count: i64,
    /// Σ totals of return receipts.
    pub returns: Money,
    /// Cash.
    pub cash: MethodTotals,
    /// Card.
    pub card: MethodTotals,
    /// Other methods.
    pub other: MethodTotals,
    /// Cash put in (float included).
    pub cash_in: Money,
    /// Cash taken out, collections included.
    pub cash_out: Money,
    /// Of `cash_out`, collections (инкассация).
    pub collections: Money,
}

impl ShiftTotals {
    /// Cash that should be in the drawer: cash in + net cash − cash out.
    pub fn cash_in_drawer(&self) -> Money {
        self.cash_in + self.cash.net() - self.cash_out
    }

    /// Sales less returns.
    pub fn net_revenue(&self) -> Money {
        self.sales - self.returns
    }
}

#[cfg(test)]
mod overlap_tests {
    use super::*;

    fn at(text: &str) -> At {
        At::parse(text).expect("time")
    }

    fn span(id: &str, opened: &str, closed: Option<&str>) -> ShiftSpan {
        ShiftSpan {
            id: id.into(),
            opened: at(opened).epoch_millis(),
            closed: closed.map(|c| at(c).epoch_millis()),
        }
    }

    #[test]
    fn shifts_of_a_till_never_overlap() {
        let nine = at("2026-11-02T09:00:00+03:00");
        let open = span("SH-1", "2026-11-02T08:00:00+03:00", None);
        let later_open = span("SH-2", "2026-11-03T08:00:00+03:00", None);
        let closed_after = span("SH-0", "2026-11-02T07:00:00+03:00", Some("2026-11-02T10:00:00+03:00"));
        let closed_before = span("SH-0", "2026-11-02T07:00:00+03:00", Some("2026-11-02T08:30:00+03:00"));
        assert!(may_open("T1", nine, None, None, false).is_ok());
        assert!(matches!(
            may_open("T1", nine, Some(&open), None, false),
            Err(crate::Error::ShiftAlreadyOpen { shift, .. }) if shift == "SH-1"
        ));
        // An import may bring in an earlier day while a later shift is open…
        assert!(may_open("T1", nine, Some(&later_open), None, true).is_ok());
        // …but not one that opens while that shift runs.
        assert!(may_open("T1", nine, Some(&open), None, true).is_err());
        let inside = may_open("T1", nine, None, Some(&closed_after), false);
        assert!(
            matches!(&inside, Err(crate::Error::Invalid(m)) if m == "till T1 was in shift SH-0 at 2026-11-02T09:00:00+03:00"),
            "{inside:?}"
        );
        assert!(may_open("T1", nine, None, Some(&closed_before), false).is_ok());
    }
}
