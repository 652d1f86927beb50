//! The host side of the Shtrih-M exchange: probe with ENQ, send a frame,
//! wait for ACK, read the answer, acknowledge it; retry on NAK and noise.
//! A command is never sent twice unless the register said it did not get
//! it, so a retry cannot print a receipt twice.

use std::time::Duration;

use super::frame::{self, Decoder, Token, ACK, ENQ, NAK, STX};
use crate::error::TransportError;
use crate::port::Port;

/// Timeouts and retries of the exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Longest silence between two bytes of one frame.
    pub byte: Duration,
    /// How long to wait for the answer to ENQ or for the ACK of a frame.
    pub ack: Duration,
    /// How long a command may take before its answer starts (printing).
    pub answer: Duration,
    /// How many times to repeat a probe or a frame.
    pub retries: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            // The protocol texts say 50 ms and 100 ms; the official driver
            // uses 100.
            byte: Duration::from_millis(100),
            ack: Duration::from_millis(500),
            // Reports may print for a while.
            answer: Duration::from_secs(30),
            retries: 5,
        }
    }
}

/// A host link over a [`Port`].
pub struct Link<P> {
    port: P,
    timeouts: Timeouts,
    /// Bytes sent and received, for the speed figures.
    traffic: (u64, u64),
}

enum Probe {
    Idle,
    Holding,
}

impl<P: Port> Link<P> {
    /// A link over an open port.
    pub fn new(port: P, timeouts: Timeouts) -> Link<P> {
        Link {
            port,
            timeouts,
            traffic: (0, 0),
        }
    }

    /// Bytes sent and received so far.
    pub fn traffic(&self) -> (u64, u64) {
        self.traffic
    }

    /// The port back.
    pub fn into_port(self) -> P {
        self.port
    }

    fn send(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        self.traffic.0 += bytes.len() as u64;
        Ok(self.port.send(bytes)?)
    }

    fn recv(&mut self, timeout: Duration) -> Result<Option<u8>, TransportError> {
        let byte = self.port.recv(timeout)?;
        if byte.is_some() {
            self.traffic.1 += 1;
        }
        Ok(byte)
    }

    /// Sends one command payload and returns the answer payload.
    pub fn transact(&mut self, request: &[u8]) -> Result<Vec<u8>, TransportError> {
        let frame = frame::encode(request).ok_or(TransportError::Protocol(format!(
            "a command of {} bytes does not fit a frame",
            request.len()
        )))?;
        self.await_idle()?;
        let mut nak = 0;
        loop {
            self.send(&frame)?;
            match self.recv_control(self.timeouts.ack)? {
                Some(ACK) => break,
                Some(NAK) => {
                    // The register saw a broken frame: send it again.
                    nak += 1;
                    if nak > self.timeouts.retries {
                        return Err(TransportError::Garbled("the register keeps refusing the frame"));
                    }
                }
                _ => {
                    // ACK lost or never sent: ask whether the command arrived.
                    match self.probe()? {
                        Probe::Holding => return self.read_answer(true),
                        Probe::Idle => {
                            nak += 1;
                            if nak > self.timeouts.retries {
                                return Err(TransportError::Timeout("sending a command"));
                            }
                        }
                    }
                }
            }
        }
        self.read_answer(false)
    }

    /// Probes until the register is idle, reading and acknowledging any
    /// answer it still holds from an earlier exchange.
    fn await_idle(&mut self) -> Result<(), TransportError> {
        self.port.discard_input()?;
        for _ in 0..=self.timeouts.retries {
            match self.probe()? {
                Probe::Idle => return Ok(()),
                Probe::Holding => {
                    // A stale answer: take it and let it go.
                    let _ = self.read_frame(self.timeouts.ack);
                    self.send(&[ACK])?;
                }
            }
        }
        Err(TransportError::NoLink)
    }

    /// ENQ: NAK means idle, ACK means an answer follows.
    fn probe(&mut self) -> Result<Probe, TransportError> {
        for _ in 0..=self.timeouts.retries {
            self.send(&[ENQ])?;
            match self.recv_control(self.timeouts.ack)? {
                Some(NAK) => return Ok(Probe::Idle),
                Some(ACK) => return Ok(Probe::Holding),
                _ => {}
            }
        }
        Err(TransportError::NoLink)
    }

    /// The next ACK or NAK, skipping noise; `None` on timeout.
    fn recv_control(&mut self, timeout: Duration) -> Result<Option<u8>, TransportError> {
        loop {
            match self.recv(timeout)? {
                None => return Ok(None),
                Some(byte @ (ACK | NAK)) => return Ok(Some(byte)),
                Some(_) => {}
            }
        }
    }

    /// Reads the answer frame after the register acknowledged the command.
    /// `probed`: the ACK came from a probe, the answer follows at once.
    fn read_answer(&mut self, probed: bool) -> Result<Vec<u8>, TransportError> {
        let mut wait = if probed {
            self.timeouts.ack
        } else {
            self.timeouts.answer
        };
        let mut bad = 0;
        loop {
            match self.read_frame(wait)? {
                Some(payload) => {
                    self.send(&[ACK])?;
                    return Ok(payload);
                }
                None => {
                    bad += 1;
                    if bad > self.timeouts.retries {
                        return Err(TransportError::Garbled("the answer keeps arriving broken"));
                    }
                    // Broken or missing answer: NAK, then ask for it again.
                    self.send(&[NAK])?;
                    match self.probe()? {
                        Probe::Holding => wait = self.timeouts.ack,
                        // The register dropped its answer: the outcome is unknown.
                        Probe::Idle => return Err(TransportError::Timeout("reading an answer")),
                    }
                }
            }
        }
    }

    /// One frame: `Some(payload)` when whole and correct, `None` when broken
    /// or missing.
    fn read_frame(&mut self, first_byte: Duration) -> Result<Option<Vec<u8>>, TransportError> {
        let mut decoder = Decoder::new();
        let mut wait = first_byte;
        loop {
            let Some(byte) = self.recv(wait)? else {
                return Ok(None);
            };
            if !decoder.in_frame() && byte != STX {
                continue;
            }
            wait = self.timeouts.byte;
            match decoder.push(byte) {
                None => {}
                Some(Token::Frame(payload)) => return Ok(Some(payload)),
                Some(_) => return Ok(None),
            }
        }
    }
}
