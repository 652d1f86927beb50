//! One module per screen: its state, `Message`, `update` and `view`.

pub mod status;
