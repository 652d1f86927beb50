//! Transport: bytes to and from a device with a read timeout. Implemented
//! for serial ports (`serialport`, real pseudo-terminals included), for any
//! `Read + Write` stream, and for an in-memory pair used by tests, which
//! can also cut the link at a chosen byte.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A byte link with timeouts.
pub trait Port: Send {
    /// Writes all bytes.
    fn send(&mut self, bytes: &[u8]) -> io::Result<()>;
    /// One byte, or `None` when nothing arrives within `timeout`.
    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>>;
    /// Drops whatever is waiting to be read.
    fn discard_input(&mut self) -> io::Result<()> {
        while self.recv(Duration::ZERO)?.is_some() {}
        Ok(())
    }
}

impl<P: Port + ?Sized> Port for Box<P> {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        (**self).send(bytes)
    }
    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        (**self).recv(timeout)
    }
}

/// A serial port (or pseudo-terminal) as a [`Port`]; reads are buffered.
pub struct Serial<S> {
    port: S,
    buffer: VecDeque<u8>,
    timeout: Option<Duration>,
}

impl<S: serialport::SerialPort> Serial<S> {
    /// Wraps an open port.
    pub fn new(port: S) -> Serial<S> {
        Serial {
            port,
            buffer: VecDeque::new(),
            timeout: None,
        }
    }

    /// The port itself.
    pub fn get_ref(&self) -> &S {
        &self.port
    }
}

/// Opens a serial port by path at a baud rate (8N1, no flow control).
pub fn open_serial(path: &str, baud: u32) -> io::Result<Serial<serialport::TTYPort>> {
    let port = serialport::new(path, baud)
        .data_bits(serialport::DataBits::Eight)
        .parity(serialport::Parity::None)
        .stop_bits(serialport::StopBits::One)
        .flow_control(serialport::FlowControl::None)
        .timeout(Duration::from_millis(50))
        .open_native()
        .map_err(io::Error::from)?;
    Ok(Serial::new(port))
}

/// A new pseudo-terminal: the device end (as a port) and the path of the
/// client end, which any serial client can open.
pub fn pty_pair() -> io::Result<(Serial<serialport::TTYPort>, String)> {
    let (master, slave) = serialport::TTYPort::pair().map_err(io::Error::from)?;
    let path =
        serialport::SerialPort::name(&slave).ok_or_else(|| io::Error::other("the pseudo-terminal has no name"))?;
    Ok((Serial::new(master), path))
}

impl<S: serialport::SerialPort> Port for Serial<S> {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.port.write_all(bytes)?;
        self.port.flush()
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        if let Some(byte) = self.buffer.pop_front() {
            return Ok(Some(byte));
        }
        if self.timeout != Some(timeout) {
            self.port.set_timeout(timeout).map_err(io::Error::from)?;
            self.timeout = Some(timeout);
        }
        let mut chunk = [0u8; 256];
        match self.port.read(&mut chunk) {
            Ok(0) => Ok(None),
            Ok(n) => {
                self.buffer.extend(&chunk[..n]);
                Ok(self.buffer.pop_front())
            }
            Err(error) if matches!(error.kind(), io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// Any `Read + Write` stream as a [`Port`]: it reads on a thread of its own
/// so that timeouts work whatever the stream is.
pub struct Stream<W> {
    writer: W,
    bytes: Receiver<io::Result<u8>>,
}

impl<W: Write + Send> Stream<W> {
    /// `reader` and `writer` are the two halves of one stream (for a file
    /// descriptor, `try_clone` gives both).
    pub fn new<R: Read + Send + 'static>(mut reader: R, writer: W) -> Stream<W> {
        let (tx, bytes) = mpsc::channel();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 256];
            loop {
                match reader.read(&mut chunk) {
                    Ok(0) => return,
                    Ok(n) => {
                        for byte in &chunk[..n] {
                            if tx.send(Ok(*byte)).is_err() {
                                return;
                            }
                        }
                    }
                    Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                    Err(error) => {
                        let _ = tx.send(Err(error));
                        return;
                    }
                }
            }
        });
        Stream { writer, bytes }
    }
}

impl<W: Write + Send> Port for Stream<W> {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)?;
        self.writer.flush()
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        match self.bytes.recv_timeout(timeout) {
            Ok(result) => result.map(Some),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(io::ErrorKind::UnexpectedEof.into()),
        }
    }
}

/// A counter shared by both ends of a [`memory_pair`]: once `limit` bytes
/// have crossed the link (both directions together), it is cut.
#[derive(Debug, Clone, Default)]
pub struct Fuse {
    state: Arc<Mutex<(u64, Option<u64>)>>,
}

impl Fuse {
    /// A link that is never cut.
    pub fn intact() -> Fuse {
        Fuse::default()
    }

    /// A link cut after `limit` bytes.
    pub fn cut_after(limit: u64) -> Fuse {
        Fuse {
            state: Arc::new(Mutex::new((0, Some(limit)))),
        }
    }

    /// Cuts the link once `limit` bytes have crossed in all (`None`: never).
    pub fn set_limit(&self, limit: Option<u64>) {
        if let Ok(mut state) = self.state.lock() {
            state.1 = limit;
        }
    }

    /// Bytes that crossed so far.
    pub fn crossed(&self) -> u64 {
        self.state.lock().map(|state| state.0).unwrap_or(0)
    }

    /// Lets `n` bytes through; how many may pass before the cut.
    fn pass(&self, n: usize) -> usize {
        let Ok(mut state) = self.state.lock() else {
            return 0;
        };
        let allowed = match state.1 {
            Some(limit) => (limit.saturating_sub(state.0)).min(n as u64) as usize,
            None => n,
        };
        state.0 += allowed as u64;
        allowed
    }

    fn is_cut(&self) -> bool {
        self.state
            .lock()
            .map(|state| state.1.is_some_and(|limit| state.0 >= limit))
            .unwrap_or(true)
    }
}

/// One end of an in-memory link.
pub struct MemoryPort {
    tx: Sender<u8>,
    rx: Receiver<u8>,
    fuse: Fuse,
}

/// Two connected in-memory ports (host end, device end) sharing a fuse.
pub fn memory_pair(fuse: Fuse) -> (MemoryPort, MemoryPort) {
    let (a_tx, b_rx) = mpsc::channel();
    let (b_tx, a_rx) = mpsc::channel();
    (
        MemoryPort {
            tx: a_tx,
            rx: a_rx,
            fuse: fuse.clone(),
        },
        MemoryPort {
            tx: b_tx,
            rx: b_rx,
            fuse,
        },
    )
}

fn cut() -> io::Error {
    io::Error::new(io::ErrorKind::BrokenPipe, "link cut")
}

impl Port for MemoryPort {
    fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        let allowed = self.fuse.pass(bytes.len());
        for byte in &bytes[..allowed] {
            self.tx.send(*byte).map_err(|_| cut())?;
        }
        if allowed < bytes.len() {
            return Err(cut());
        }
        Ok(())
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Option<u8>> {
        match self.rx.recv_timeout(timeout) {
            Ok(byte) => Ok(Some(byte)),
            Err(RecvTimeoutError::Timeout) if self.fuse.is_cut() => Err(cut()),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(cut()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fuse_cuts_the_link_at_the_given_byte() {
        let fuse = Fuse::cut_after(3);
        let (mut host, mut device) = memory_pair(fuse.clone());
        assert!(host.send(&[1, 2]).is_ok());
        assert!(device.send(&[3, 4]).is_err());
        assert_eq!(host.recv(Duration::ZERO).ok().flatten(), Some(3));
        assert!(host.recv(Duration::from_millis(1)).is_err());
        assert_eq!(device.recv(Duration::ZERO).ok().flatten(), Some(1));
        assert_eq!(fuse.crossed(), 3);
    }
}
