//! PINs an import brings in plain are hashed on threads of their own while
//! the import writes on: argon2 takes ~15 ms a PIN, so a chain's 200 staff
//! held the writer for 3 s. The employee row gets a placeholder and its
//! history line keeps its place (its seq is reserved; the history is
//! append-only, so the line is written once, whole); before the commit, in
//! the same transaction, the hashes replace the placeholders and the lines
//! are written at their reserved places.

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};

use rusqlite::params;

use super::{digest, Ledger};
use crate::error::{Error, Result};

/// PINs sent to the hashing threads, and the history lines waiting for them.
#[derive(Default)]
pub(super) struct PinHashes {
    jobs: Option<Sender<(usize, String)>>,
    results: Option<Receiver<(usize, Result<String>)>>,
    /// Per ticket: the placeholder and the employee.
    pending: Vec<(String, String)>,
    /// History lines that carry a placeholder, at their reserved seq.
    lines: Vec<WaitingLine>,
}

/// An employee's history line written once its PIN's hash is known.
pub(super) struct WaitingLine {
    pub(super) seq: i64,
    pub(super) entity: String,
    /// `employee:ID#VERSION`: the key without the line's digest.
    pub(super) version_key: String,
    pub(super) payload: String,
    pub(super) at: String,
}

impl PinHashes {
    /// Queues `pin` of `employee`; returns the placeholder to store meanwhile.
    pub(super) fn submit(&mut self, employee: &str, pin: &str) -> String {
        if self.jobs.is_none() {
            let (jobs, queue) = mpsc::channel::<(usize, String)>();
            let (done, results) = mpsc::channel();
            let queue = Arc::new(Mutex::new(queue));
            // One core stays the writer's.
            let threads = std::thread::available_parallelism().map_or(1, |n| n.get().saturating_sub(1).max(1));
            for _ in 0..threads {
                let queue = Arc::clone(&queue);
                let done = done.clone();
                std::thread::spawn(move || loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok((ticket, pin)) = job else { return };
                    if done.send((ticket, crate::staff::hash_pin(&pin))).is_err() {
                        return;
                    }
                });
            }
            self.jobs = Some(jobs);
            self.results = Some(results);
        }
        let ticket = self.pending.len();
        // Not a PHC string: it could never verify a PIN.
        let placeholder = format!("pending-pin-hash-{ticket}");
        self.pending.push((placeholder.clone(), employee.to_owned()));
        if let Some(jobs) = &self.jobs {
            // A hashing thread that died shows as a missing hash at the end.
            let _ = jobs.send((ticket, pin.to_owned()));
        }
        placeholder
    }

    /// Whether `hash` stands for a PIN still being hashed.
    pub(super) fn is_placeholder(&self, hash: Option<&str>) -> bool {
        hash.is_some_and(|h| self.pending.iter().any(|(p, _)| p == h))
    }

    pub(super) fn wait_for(&mut self, line: WaitingLine) {
        self.lines.push(line);
    }
}

impl Ledger<'_> {
    /// Waits for the queued PINs, puts each hash in place of its
    /// placeholder in the employee row, and writes the waiting history
    /// lines with the hashes at their reserved places.
    pub(super) fn settle_pins(&mut self) -> Result<()> {
        let mut pins = std::mem::take(&mut self.pins);
        if pins.pending.is_empty() {
            return Ok(());
        }
        drop(pins.jobs.take());
        let mut hashes: Vec<Option<String>> = vec![None; pins.pending.len()];
        if let Some(results) = pins.results.take() {
            for (ticket, hash) in results.iter().take(pins.pending.len()) {
                if let Some(slot) = hashes.get_mut(ticket) {
                    *slot = Some(hash?);
                }
            }
        }
        let mut settled = Vec::with_capacity(hashes.len());
        for ((placeholder, employee), hash) in pins.pending.iter().zip(hashes) {
            let hash =
                hash.ok_or_else(|| Error::invalid(format!("employee {employee}: the PIN could not be hashed")))?;
            self.tx
                .prepare_cached("UPDATE employees SET pin_hash = ?2 WHERE id = ?1 AND pin_hash = ?3")?
                .execute(params![employee, hash, placeholder])?;
            settled.push((placeholder, hash));
        }
        for line in pins.lines {
            let mut payload = line.payload;
            for (placeholder, hash) in &settled {
                // The placeholder is a JSON string of its own, quotes included.
                payload = payload.replace(&format!("\"{placeholder}\""), &format!("\"{hash}\""));
            }
            let key = format!("{}:{}", line.version_key, digest(&payload));
            self.insert_event(
                Some(line.seq),
                "employee",
                &line.entity,
                None,
                Some(&key),
                &payload,
                &line.at,
            )?;
        }
        Ok(())
    }
}
