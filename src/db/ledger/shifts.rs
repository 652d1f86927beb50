//! Shifts and the cash in the drawer: opening, cash in and out, closing.

use rusqlite::{params, OptionalExtension};

use crate::clock::At;
use crate::db::read::{self, ShiftInfo};
use crate::error::{Error, Result};
use crate::journal::Record;
use crate::money::Money;
use crate::shift::{CashMove, ShiftOpen, ShiftSpan};

use super::*;

impl Ledger<'_> {
    /// The shift, which must be open at `at`.
    pub(super) fn open_shift_at(&self, shift: &str, at: At) -> Result<ShiftInfo> {
        let info = self.shift(shift)?.ok_or_else(|| Error::NotFound {
            what: "shift",
            id: shift.to_owned(),
        })?;
        check_open(shift, &info, at)?;
        Ok(info)
    }

    pub(super) fn apply_shift_open(&self, open: &ShiftOpen, record: &Record) -> Result<Applied> {
        let key = format!("shift_open:{}", open.id);
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "shift", &open.id)? {
            return Ok(applied);
        }
        self.check_period(open.at)?;
        let ctx = |e: Error| e.in_record(format!("shift_open {}", open.id));
        self.require_store(&open.store).map_err(|e| ctx(in_field("store", e)))?;
        self.require_employee(&open.cashier)
            .map_err(|e| ctx(in_field("cashier", e)))?;
        // The rule is the domain's (`shift::may_open`); the books give it
        // the till's open shift and its latest one opened before this.
        let span = |r: &rusqlite::Row<'_>| {
            Ok(ShiftSpan {
                id: r.get(0)?,
                opened: r.get(1)?,
                closed: r.get(2)?,
            })
        };
        let still_open = self
            .tx
            .prepare_cached(
                // The earliest: an import may leave an earlier day open for a while.
                "SELECT id, opened_utc, closed_utc FROM shifts WHERE store = ?1 AND till = ?2 AND closed_at IS NULL
                  ORDER BY opened_utc LIMIT 1",
            )?
            .query_row(params![open.store, open.till], span)
            .optional()?;
        let latest_before = self
            .tx
            .prepare_cached(
                "SELECT id, opened_utc, closed_utc FROM shifts WHERE store = ?1 AND till = ?2 AND opened_utc <= ?3
                  ORDER BY opened_utc DESC LIMIT 1",
            )?
            .query_row(params![open.store, open.till, open.at.epoch_millis()], span)
            .optional()?;
        crate::shift::may_open(
            &open.till,
            open.at,
            still_open.as_ref(),
            latest_before.as_ref(),
            self.importing(),
        )
        .map_err(ctx)?;
        self.tx
            .prepare_cached(
                "INSERT INTO shifts (id, store, till, cashier, opened_at, opened_utc) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![
                open.id,
                open.store,
                open.till,
                open.cashier,
                open.at.to_string(),
                open.at.epoch_millis()
            ])?;
        // A shift sets its till up (an imported journal brings its tills).
        self.tx
            .prepare_cached("INSERT OR IGNORE INTO tills (store, till) VALUES (?1, ?2)")?
            .execute(params![open.store, open.till])?;
        let day = open.at.local_day().to_string();
        self.append(
            "shift_open",
            &open.id,
            Some(&day),
            Some(&key),
            &line,
            &open.at.to_string(),
        )?;
        self.cache.borrow_mut().shifts.insert(
            open.id.clone(),
            ShiftInfo {
                store: open.store.clone(),
                till: open.till.clone(),
                cashier: open.cashier.clone(),
                opened_at: open.at,
                closed_at: None,
                drawer: 0,
                last_flow_utc: None,
            },
        );
        Ok(Applied::Written)
    }

    pub(super) fn apply_cash(&mut self, cash: &CashMove, record: &Record) -> Result<Applied> {
        let kind = record.type_name();
        let base = format!(
            "{kind}:{}:{}:{}:{}#",
            cash.shift,
            cash.at,
            cash.amount,
            cash.out_reason.map_or("", |r| r.code())
        );
        let occurrence = match self.occurrences.as_mut() {
            Some(seen) => {
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                *n as i64
            }
            None => {
                let upper = format!("{base}\u{10FFFF}");
                self.tx
                    .prepare_cached("SELECT COUNT(*) FROM events WHERE key > ?1 AND key < ?2")?
                    .query_row(params![base, upper], |r| r.get::<_, i64>(0))?
                    + 1
            }
        };
        let key = format!("{base}{occurrence}");
        if self.payload_by_key(&key)?.is_some() {
            return Ok(Applied::Unchanged);
        }
        self.check_period(cash.at)?;
        let ctx = |e: Error| e.in_record(kind);
        let info = self.open_shift_at(&cash.shift, cash.at).map_err(|e| match e {
            Error::NotFound { .. } => ctx(in_field("shift", e)),
            other => ctx(other),
        })?;
        if cash.out_reason.is_some() {
            self.ensure_cash(&cash.shift, cash.at, cash.amount, crate::error::Outflow::CashOut)
                .map_err(ctx)?;
        }
        self.tx
            .prepare_cached("INSERT INTO cash_moves (shift, at, at_utc, amount, reason) VALUES (?1, ?2, ?3, ?4, ?5)")?
            .execute(params![
                cash.shift,
                cash.at.to_string(),
                cash.at.epoch_millis(),
                cash.amount.kopecks(),
                cash.out_reason.map(|r| r.code())
            ])?;
        let flow = if cash.out_reason.is_some() {
            -cash.amount.kopecks()
        } else {
            cash.amount.kopecks()
        };
        self.drawer_flow(&cash.shift, cash.at, flow)?;
        let day = info.opened_at.local_day().to_string();
        self.append(
            kind,
            &cash.shift,
            Some(&day),
            Some(&key),
            &record.to_line(),
            &cash.at.to_string(),
        )?;
        Ok(Applied::Written)
    }

    pub(super) fn apply_shift_close(&self, shift: &str, at: At, record: &Record) -> Result<Applied> {
        let key = format!("shift_close:{shift}");
        let line = record.to_line();
        if let Some(applied) = self.already(&key, &line, "shift close", shift)? {
            return Ok(applied);
        }
        self.check_period(at)?;
        let ctx = |e: Error| e.in_record(format!("shift_close {shift}"));
        let info = self.open_shift_at(shift, at).map_err(ctx)?;
        let last: Option<i64> = self
            .tx
            .prepare_cached(
                "SELECT MAX(t) FROM (SELECT MAX(at_utc) AS t FROM receipts WHERE shift = ?1
                                     UNION ALL SELECT MAX(at_utc) FROM cash_moves WHERE shift = ?1)",
            )?
            .query_row(params![shift], |r| r.get(0))?;
        if last.is_some_and(|t| t > at.epoch_millis()) {
            return Err(ctx(Error::invalid("the shift has records after this closing time")));
        }
        let later: Option<String> = self
            .tx
            .prepare_cached(
                "SELECT id FROM shifts WHERE store = ?1 AND till = ?2 AND id != ?3
                   AND opened_utc >= ?4 AND opened_utc < ?5 LIMIT 1",
            )?
            .query_row(
                params![
                    info.store,
                    info.till,
                    shift,
                    info.opened_at.epoch_millis(),
                    at.epoch_millis()
                ],
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = later {
            return Err(ctx(Error::invalid(format!(
                "shift {other} of till {} opened before this closing time",
                info.till
            ))));
        }
        self.tx
            .prepare_cached("UPDATE shifts SET closed_at = ?2, closed_utc = ?3 WHERE id = ?1")?
            .execute(params![shift, at.to_string(), at.epoch_millis()])?;
        let day = info.opened_at.local_day().to_string();
        self.append("shift_close", shift, Some(&day), Some(&key), &line, &at.to_string())?;
        if let Some(cached) = self.cache.borrow_mut().shifts.get_mut(shift) {
            cached.closed_at = Some(at);
        }
        Ok(Applied::Written)
    }

    /// Cash may leave a drawer at `at` only if it held that much then and
    /// at every later moment of the shift. In time order (a till, a journal
    /// written as it happened) that is the running balance; a record dated
    /// before the latest flow reads the shift's flows.
    pub(super) fn ensure_cash(&self, shift: &str, at: At, amount: Money, what: crate::error::Outflow) -> Result<()> {
        let at_utc = at.epoch_millis();
        let info = self.shift(shift)?.ok_or_else(|| Error::NotFound {
            what: "shift",
            id: shift.to_owned(),
        })?;
        let available = if info.last_flow_utc.is_none_or(|last| at_utc >= last) {
            Money::from_kopecks(info.drawer)
        } else {
            read::cash_headroom(&self.tx, shift, at_utc)?
        };
        if amount > available {
            return Err(Error::DrawerShort {
                what,
                requested: amount,
                available,
            });
        }
        Ok(())
    }
}

impl Ledger<'_> {
    /// Cash in a shift's drawer now (its running balance).
    pub(crate) fn cash_in_drawer(&self, shift: &str) -> Result<Money> {
        let info = self.shift(shift)?.ok_or_else(|| Error::NotFound {
            what: "shift",
            id: shift.to_owned(),
        })?;
        Ok(Money::from_kopecks(info.drawer))
    }

    /// Moves the drawer's running balance by `flow` kopecks at `at`.
    pub(super) fn drawer_flow(&self, shift: &str, at: At, flow: i64) -> Result<()> {
        let at_utc = at.epoch_millis();
        self.tx
            .prepare_cached(
                "UPDATE shifts SET drawer = drawer + ?2, last_flow_utc = MAX(COALESCE(last_flow_utc, ?3), ?3)
                  WHERE id = ?1",
            )?
            .execute(params![shift, flow, at_utc])?;
        if let Some(cached) = self.cache.borrow_mut().shifts.get_mut(shift) {
            cached.drawer += flow;
            cached.last_flow_utc = Some(cached.last_flow_utc.map_or(at_utc, |last| last.max(at_utc)));
        }
        Ok(())
    }
}

/// A record dated `at` belongs to the shift only while it is open.
pub(super) fn check_open(shift: &str, info: &ShiftInfo, at: At) -> Result<()> {
    if let Some(closed) = info.closed_at {
        return Err(Error::invalid(format!("shift {shift} was closed at {closed}")));
    }
    if at < info.opened_at {
        return Err(Error::ShiftNotOpen {
            shift: shift.to_owned(),
            at: at.to_string(),
        });
    }
    Ok(())
}
