//! The fiscal register emulator: the device side of the Shtrih-M protocol
//! with a virtual fiscal storage, a printed tape, and its state in a file,
//! so that restarting it is like power-cycling a real register. The state
//! ([`State`], its file and its lock) is in `state`, the command dispatch
//! ([`Device`]) in `device`. One program at a time holds a state file, as
//! one holds a real port.

mod device;
mod serve;
mod state;
mod tape;

pub use device::{local_clock, Device, DeviceClock, LINE_WIDTH};
pub use serve::{run_on_pty, serve, spawn_in_memory};
pub use state::{money_register, Item, OpenCorrection, OpenReceipt, State, StoredDocument, LOCK_WAIT};
pub use tape::Tape;
