//! `kassa-fiscal`: fiscal registers (ККТ), their emulator and serial barcode
//! scanners. The Shtrih-M protocol driver, built in layers (pure frames and
//! commands, a codec with no I/O, a transport over any `Read + Write`, a
//! typed `FiscalRegister` trait the till core uses) and the emulator that
//! serves the same protocol come with the fiscal register issue. The core
//! depends on this crate, never the other way round.
