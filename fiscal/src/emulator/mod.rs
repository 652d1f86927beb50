//! The fiscal register emulator: the device side of the Shtrih-M protocol
//! with a virtual fiscal storage, a printed tape, and its state in a file,
//! so that restarting it is like power-cycling a real register.

mod device;
mod serve;
mod tape;

pub use device::{
    local_clock, money_register, Device, DeviceClock, Item, OpenReceipt, State, StoredDocument, LINE_WIDTH,
};
pub use serve::{run_on_pty, serve, spawn_in_memory};
pub use tape::Tape;
