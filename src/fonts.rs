//! The bundled fonts (DejaVu Sans: Cyrillic and the rouble sign), for the
//! till's screens and the PDF reports and documents alike.

/// DejaVu Sans.
pub const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
/// DejaVu Sans Bold.
pub const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
