//! The Kassa desktop till.
fn main() {}
