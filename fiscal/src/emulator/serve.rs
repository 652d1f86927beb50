//! The device side of the exchange: answer ENQ, ACK good frames and NAK
//! bad ones, send the answer and hold it until the host acknowledges it.

use std::io;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use super::device::Device;
use crate::port::{Port, Serial};
use crate::shtrih::frame::{self, Decoder, Token, ACK, ENQ, NAK};

/// Inter-byte timeout of a frame (the protocol's 50 ms).
const BYTE_TIMEOUT: Duration = Duration::from_millis(50);
/// How often an idle loop looks at the stop flag.
const IDLE_POLL: Duration = Duration::from_millis(100);

/// Serves one connection until the port fails or `stop` is set. The device
/// is shared so a new connection (a re-plugged cable) finds it as it was.
pub fn serve<P: Port>(port: &mut P, device: &Mutex<Device>, stop: &AtomicBool) -> io::Result<()> {
    let mut decoder = Decoder::new();
    while !stop.load(Ordering::Relaxed) {
        let wait = if decoder.in_frame() { BYTE_TIMEOUT } else { IDLE_POLL };
        let Some(byte) = port.recv(wait)? else {
            // A frame cut short: drop it, as the protocol's byte timeout says.
            decoder.reset();
            continue;
        };
        let Some(token) = decoder.push(byte) else {
            continue;
        };
        let mut device = device.lock().map_err(|_| io::Error::other("device state poisoned"))?;
        match token {
            Token::Control(ENQ) => match device.held.clone() {
                Some(answer) => {
                    port.send(&[ACK])?;
                    port.send(&answer)?;
                }
                None => port.send(&[NAK])?,
            },
            Token::Control(ACK) => device.held = None,
            // NAK to an answer: wait for ENQ, then send it again.
            Token::Control(_) | Token::Noise(_) => {}
            Token::BadFrame => port.send(&[NAK])?,
            Token::Frame(payload) => {
                port.send(&[ACK])?;
                let answer = device.handle(&payload);
                // Answers are built to fit a frame; an empty one cannot be.
                let Some(framed) = frame::encode(&answer) else {
                    continue;
                };
                device.held = Some(framed.clone());
                port.send(&framed)?;
            }
        }
    }
    Ok(())
}

/// Runs the register on a new pseudo-terminal and makes `link` a symbolic
/// link to its client end, until `stop` is set. Clients may open and close
/// the port as often as they like: while none holds it, the pseudo-terminal
/// reports errors, and the register waits.
/// The caller owns the device, and with it the lock on its state file: the
/// register stays taken for as long as it runs, as a register on a cable is.
pub fn run_on_pty(link: &Path, device: &Mutex<Device>, stop: &AtomicBool) -> io::Result<()> {
    let (master, slave) = serialport::TTYPort::pair().map_err(io::Error::from)?;
    let client_path =
        serialport::SerialPort::name(&slave).ok_or_else(|| io::Error::other("the pseudo-terminal has no name"))?;
    // The device must not hold the client end itself, or the port's
    // exclusive flag would outlive the client that set it.
    drop(slave);
    match std::fs::symlink_metadata(link) {
        Ok(meta) if meta.file_type().is_symlink() => std::fs::remove_file(link)?,
        Ok(_) => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                format!("{} exists and is not a link: will not replace it", link.display()),
            ))
        }
        Err(_) => {}
    }
    std::os::unix::fs::symlink(&client_path, link)?;
    let mut port = Serial::new(master);
    while !stop.load(Ordering::Relaxed) {
        match serve(&mut port, device, stop) {
            Ok(()) => break,
            // No client holds the port (EIO): wait and serve again.
            Err(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let _ = std::fs::remove_file(link);
    Ok(())
}

/// Starts a register in this process, serving an in-memory link on a
/// thread of its own; returns the host end. Its state lives in `state`
/// (created if missing), so every start finds the register as it was.
/// The serving thread owns the device and its lock; dropping the host end
/// ends the thread and lets the register go for the next program (waited
/// for up to [`super::LOCK_WAIT`] when another holds it).
pub fn spawn_in_memory(state: std::path::PathBuf) -> io::Result<crate::port::MemoryPort> {
    let device = Device::open(state, super::local_clock())?;
    let (host, mut port) = crate::port::memory_pair(crate::port::Fuse::intact());
    std::thread::Builder::new()
        .name("fiscal-emulator".into())
        .spawn(move || {
            let device = Mutex::new(device);
            let stop = AtomicBool::new(false);
            // Ends when the host end is dropped.
            let _ = serve(&mut port, &device, &stop);
        })?;
    Ok(host)
}
