//! One module per screen: its view (the state and the keys are in
//! [`crate::app`]). `status` is the owner's read-only view of the shifts.

pub mod form;
pub mod help;
pub mod login;
pub mod payment;
pub mod refund;
pub mod sale;
pub mod shift_close;
pub mod shift_open;
pub mod status;
