//! The Kassa desktop till (iced), keyboard first: the application state and
//! its key map in `app`, the core on its own thread in `core`, the keyboard
//! and the wedge scanner in `input`, the words in `text`, one module per
//! screen under `screen`, the shared look in `view`, and the locale rules
//! for money, quantities and moments in `format`.

pub mod app;
pub mod core;
pub mod format;
pub mod input;
pub mod screen;
pub mod text;
pub mod view;
