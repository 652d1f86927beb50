//! The keyboard as the till reads it: key presses taken from iced's events
//! (digits on the numeric keypad and the Russian layout give the same
//! keys), the till's own text fields, and the scanner that types like a
//! keyboard (a wedge), told apart from a person by its speed.

use std::time::{Duration, Instant};

use iced::keyboard::{self, key, Key};

/// One key press, as the till's key handling reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct Press {
    /// What was pressed.
    pub key: Pressed,
    /// Shift held.
    pub shift: bool,
    /// Ctrl held.
    pub ctrl: bool,
    /// When (scanner bursts are told apart by their speed).
    pub at: Instant,
}

/// The key itself.
#[derive(Debug, Clone, PartialEq)]
pub enum Pressed {
    /// A named key: Enter, Esc, F1…F12, arrows, Tab, Delete, Backspace.
    Named(key::Named),
    /// A key that types: its text, and the Latin letter or digit of the
    /// physical key (a scanner on a Russian layout types Cyrillic).
    Char {
        /// What the layout typed.
        text: String,
        /// The key's Latin character, whatever the layout.
        latin: Option<char>,
    },
}

impl Press {
    /// A named key pressed now.
    pub fn named(named: key::Named) -> Press {
        Press {
            key: Pressed::Named(named),
            shift: false,
            ctrl: false,
            at: Instant::now(),
        }
    }

    /// A typed character pressed now (its Latin key the same).
    pub fn char(c: char) -> Press {
        Press {
            key: Pressed::Char {
                text: c.to_string(),
                latin: c.is_ascii().then_some(c),
            },
            shift: false,
            ctrl: false,
            at: Instant::now(),
        }
    }

    /// The same press, at another moment.
    pub fn at(mut self, at: Instant) -> Press {
        self.at = at;
        self
    }

    /// The same press, with Shift.
    pub fn with_shift(mut self) -> Press {
        self.shift = true;
        self
    }

    /// The same press, with Ctrl.
    pub fn with_ctrl(mut self) -> Press {
        self.ctrl = true;
        self
    }

    /// A press from iced's keyboard event; other events give nothing.
    pub fn from_event(event: &keyboard::Event, at: Instant) -> Option<Press> {
        let keyboard::Event::KeyPressed {
            key,
            physical_key,
            modifiers,
            text,
            location,
            ..
        } = event
        else {
            return None;
        };
        // With NumLock on, the keypad's logical key is still its arrow
        // (winit); what it types is the digit: that counts.
        let keypad_text = text
            .as_ref()
            .filter(|t| *location == keyboard::Location::Numpad && t.chars().all(|c| !c.is_control()));
        if let Some(typed) = keypad_text.filter(|t| !t.is_empty()) {
            return Some(Press {
                key: Pressed::Char {
                    text: typed.to_string(),
                    latin: typed.chars().next().filter(char::is_ascii),
                },
                shift: modifiers.shift(),
                ctrl: modifiers.control(),
                at,
            });
        }
        let pressed = match key {
            Key::Named(key::Named::Space) => Pressed::Char {
                text: " ".to_owned(),
                latin: Some(' '),
            },
            Key::Named(named) => Pressed::Named(*named),
            Key::Character(c) => Pressed::Char {
                text: text.as_ref().map_or_else(|| c.to_string(), ToString::to_string),
                latin: latin_of(physical_key),
            },
            Key::Unidentified => return None,
        };
        Some(Press {
            key: pressed,
            shift: modifiers.shift(),
            ctrl: modifiers.control(),
            at,
        })
    }

    /// Whether this is the named key `named`.
    pub fn is(&self, named: key::Named) -> bool {
        self.key == Pressed::Named(named)
    }

    /// The typed text, if the key types (and Ctrl is not held).
    pub fn text(&self) -> Option<&str> {
        match &self.key {
            Pressed::Char { text, .. } if !self.ctrl => Some(text),
            _ => None,
        }
    }
}

/// The Latin letter on the key that types `c` on the Russian layout
/// (ЙЦУКЕН → QWERTY): `У` → `E`, `ы` → `s`.
pub fn latin_on_russian_key(c: char) -> Option<char> {
    const RU: &str = "йцукенгшщзфывапролдячсмить";
    const EN: &str = "qwertyuiopasdfghjklzxcvbnm";
    let lower = c.to_lowercase().next()?;
    let latin = EN.chars().nth(RU.chars().position(|r| r == lower)?)?;
    Some(if c.is_uppercase() {
        latin.to_ascii_uppercase()
    } else {
        latin
    })
}

/// The Latin letter or digit of a physical key (US layout positions).
fn latin_of(physical: &key::Physical) -> Option<char> {
    use key::Code;
    let key::Physical::Code(code) = physical else {
        return None;
    };
    let letters = [
        (Code::KeyA, 'a'),
        (Code::KeyB, 'b'),
        (Code::KeyC, 'c'),
        (Code::KeyD, 'd'),
        (Code::KeyE, 'e'),
        (Code::KeyF, 'f'),
        (Code::KeyG, 'g'),
        (Code::KeyH, 'h'),
        (Code::KeyI, 'i'),
        (Code::KeyJ, 'j'),
        (Code::KeyK, 'k'),
        (Code::KeyL, 'l'),
        (Code::KeyM, 'm'),
        (Code::KeyN, 'n'),
        (Code::KeyO, 'o'),
        (Code::KeyP, 'p'),
        (Code::KeyQ, 'q'),
        (Code::KeyR, 'r'),
        (Code::KeyS, 's'),
        (Code::KeyT, 't'),
        (Code::KeyU, 'u'),
        (Code::KeyV, 'v'),
        (Code::KeyW, 'w'),
        (Code::KeyX, 'x'),
        (Code::KeyY, 'y'),
        (Code::KeyZ, 'z'),
        (Code::Digit0, '0'),
        (Code::Digit1, '1'),
        (Code::Digit2, '2'),
        (Code::Digit3, '3'),
        (Code::Digit4, '4'),
        (Code::Digit5, '5'),
        (Code::Digit6, '6'),
        (Code::Digit7, '7'),
        (Code::Digit8, '8'),
        (Code::Digit9, '9'),
        (Code::Minus, '-'),
        (Code::Numpad0, '0'),
        (Code::Numpad1, '1'),
        (Code::Numpad2, '2'),
        (Code::Numpad3, '3'),
        (Code::Numpad4, '4'),
        (Code::Numpad5, '5'),
        (Code::Numpad6, '6'),
        (Code::Numpad7, '7'),
        (Code::Numpad8, '8'),
        (Code::Numpad9, '9'),
    ];
    letters.iter().find(|(c, _)| c == code).map(|(_, l)| *l)
}

/// What a field takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Anything (a search, a reason).
    Text,
    /// A code typed on whatever layout: Latin letters by their keys, upper
    /// case (an employee code, a receipt number).
    Code,
    /// A number: digits, one separator, `%` and `*`.
    Number,
    /// A PIN: digits, shown as dots.
    Secret,
}

/// One of the till's text fields. `selected`: the whole text is selected,
/// so typing replaces it (the payment's amount, the collection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// What it holds.
    pub text: String,
    /// Typing replaces the whole text.
    pub selected: bool,
    /// What it takes.
    pub kind: FieldKind,
}

impl Field {
    /// An empty field.
    pub fn new(kind: FieldKind) -> Field {
        Field {
            text: String::new(),
            selected: false,
            kind,
        }
    }

    /// A field holding `text`, selected.
    pub fn selected(kind: FieldKind, text: impl Into<String>) -> Field {
        Field {
            text: text.into(),
            selected: true,
            kind,
        }
    }

    /// Types a key press into the field; `true` if it took it.
    pub fn type_press(&mut self, press: &Press) -> bool {
        let Pressed::Char { text, latin } = &press.key else {
            return match press.key {
                Pressed::Named(key::Named::Backspace) => {
                    if self.selected {
                        self.text.clear();
                    } else {
                        self.text.pop();
                    }
                    self.selected = false;
                    true
                }
                _ => false,
            };
        };
        if press.ctrl {
            return false;
        }
        let typed: String = match self.kind {
            FieldKind::Text => text.clone(),
            FieldKind::Code => {
                let c = text.chars().next().unwrap_or(' ');
                let c = if c.is_ascii() {
                    c
                } else {
                    latin_on_russian_key(c).or(*latin).unwrap_or(c)
                };
                c.to_ascii_uppercase().to_string()
            }
            FieldKind::Number | FieldKind::Secret => {
                let allowed = |c: char| match self.kind {
                    FieldKind::Secret => c.is_ascii_digit(),
                    _ => c.is_ascii_digit() || matches!(c, ',' | '.' | '%' | '*' | '-' | ' ') || c.is_alphabetic(),
                };
                // Letters go in (and are refused by the check, with a
                // message), so a mistyped amount is not silently changed.
                text.chars().filter(|c| allowed(*c)).collect()
            }
        };
        if typed.is_empty() {
            return false;
        }
        if self.selected {
            self.text.clear();
            self.selected = false;
        }
        self.text.push_str(&typed);
        true
    }

    /// Takes the last `n` characters off (a scanner's burst typed here).
    pub fn drop_last(&mut self, n: usize) {
        for _ in 0..n {
            self.text.pop();
        }
    }

    /// Empties the field.
    pub fn clear(&mut self) {
        self.text.clear();
        self.selected = false;
    }

    /// What the screen shows.
    pub fn shown(&self) -> String {
        match self.kind {
            FieldKind::Secret => "•".repeat(self.text.chars().count()),
            _ => self.text.clone(),
        }
    }
}

/// The scanner that types like a keyboard: its characters come faster
/// than any person types, then Enter. Such a burst is a scan, never text
/// for the form that has the focus.
#[derive(Debug, Clone, Default)]
pub struct Wedge {
    burst: String,
    last: Option<Instant>,
}

/// The longest gap between a scanner's keys (they come 1–10 ms apart; the
/// fastest typists leave 60 ms and more).
pub const WEDGE_GAP: Duration = Duration::from_millis(30);
/// The shortest code a scanner sends (EAN-8).
pub const WEDGE_MIN: usize = 8;

/// What a key press is, as far as the wedge can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Burst {
    /// A key like any other.
    Key,
    /// Enter ended a scanner's burst: the code, and how many characters
    /// of it went into the focused field.
    Scan {
        /// The code (Latin by the keys, whatever the layout).
        code: String,
        /// Characters typed into the field meanwhile.
        typed: usize,
    },
}

impl Wedge {
    /// Takes a key press: a scan when Enter ends a fast burst.
    pub fn feed(&mut self, press: &Press) -> Burst {
        let fast = self
            .last
            .is_some_and(|last| press.at.saturating_duration_since(last) <= WEDGE_GAP);
        match &press.key {
            Pressed::Char { text, latin } if !press.ctrl => {
                let c = text.chars().next().unwrap_or(' ');
                let c = if c.is_ascii() {
                    c
                } else {
                    latin.or_else(|| latin_on_russian_key(c)).unwrap_or(c)
                };
                if !fast {
                    self.burst.clear();
                }
                if c.is_ascii_graphic() {
                    self.burst.push(c);
                } else {
                    // Spaces and other layouts' letters: text, not a code.
                    self.burst.clear();
                    self.burst.push('\u{0}');
                }
                self.last = Some(press.at);
                Burst::Key
            }
            Pressed::Named(key::Named::Enter) => {
                let burst = std::mem::take(&mut self.burst);
                self.last = None;
                let code_like = burst.len() >= WEDGE_MIN && !burst.contains('\u{0}');
                if fast && code_like {
                    let typed = burst.chars().count();
                    Burst::Scan { code: burst, typed }
                } else {
                    Burst::Key
                }
            }
            _ => {
                self.burst.clear();
                self.last = None;
                Burst::Key
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(wedge: &mut Wedge, text: &str, start: Instant, gap_ms: u64) -> (Instant, Vec<Burst>) {
        let mut at = start;
        let mut out = Vec::new();
        for c in text.chars() {
            at += Duration::from_millis(gap_ms);
            out.push(wedge.feed(&Press::char(c).at(at)));
        }
        (at, out)
    }

    #[test]
    fn a_fast_burst_ending_in_enter_is_a_scan() {
        let mut wedge = Wedge::default();
        let start = Instant::now();
        let (at, keys) = typed(&mut wedge, "4607001234567", start, 4);
        assert!(keys.iter().all(|k| *k == Burst::Key));
        let enter = Press::named(key::Named::Enter).at(at + Duration::from_millis(4));
        assert_eq!(
            wedge.feed(&enter),
            Burst::Scan {
                code: "4607001234567".to_owned(),
                typed: 13
            }
        );
    }

    #[test]
    fn a_person_typing_is_never_a_scan() {
        let mut wedge = Wedge::default();
        let start = Instant::now();
        let (at, _) = typed(&mut wedge, "4607001234567", start, 120);
        let enter = Press::named(key::Named::Enter).at(at + Duration::from_millis(150));
        assert_eq!(wedge.feed(&enter), Burst::Key);
        // Short fast input (an amount) and text with spaces are typing too.
        let (at, _) = typed(&mut wedge, "500", at + Duration::from_secs(1), 5);
        assert_eq!(wedge.feed(&Press::named(key::Named::Enter).at(at)), Burst::Key);
        let (at, _) = typed(&mut wedge, "за аренду 2", at + Duration::from_secs(1), 5);
        assert_eq!(wedge.feed(&Press::named(key::Named::Enter).at(at)), Burst::Key);
    }

    #[test]
    fn a_russian_layout_scan_reads_by_the_keys() {
        let mut wedge = Wedge::default();
        let start = Instant::now();
        // The scanner presses S, 1, -, T… on a Russian layout: Ы1-Е…
        let keys = [
            ('Ы', 's'),
            ('1', '1'),
            ('-', '-'),
            ('Е', 't'),
            ('1', '1'),
            ('-', '-'),
            ('0', '0'),
            ('1', '1'),
        ];
        let mut at = start;
        for (text, latin) in keys {
            at += Duration::from_millis(3);
            let press = Press {
                key: Pressed::Char {
                    text: text.to_string(),
                    latin: Some(latin),
                },
                shift: false,
                ctrl: false,
                at,
            };
            wedge.feed(&press);
        }
        let enter = Press::named(key::Named::Enter).at(at + Duration::from_millis(3));
        assert_eq!(
            wedge.feed(&enter),
            Burst::Scan {
                code: "s1-t1-01".to_owned(),
                typed: 8
            }
        );
    }

    #[test]
    fn keypad_digits_count_as_the_top_rows() {
        use iced::keyboard::{Location, Modifiers};
        // What winit gives for KP_2 with NumLock on (seen under Xvfb).
        let event = keyboard::Event::KeyPressed {
            key: Key::Named(key::Named::ArrowDown),
            modified_key: Key::Character("2".into()),
            physical_key: key::Physical::Code(key::Code::Numpad2),
            location: Location::Numpad,
            modifiers: Modifiers::empty(),
            text: Some("2".into()),
            repeat: false,
        };
        let press = Press::from_event(&event, Instant::now()).expect("a press");
        assert_eq!(press.text(), Some("2"));
        // NumLock off: the arrow it is.
        let arrow = keyboard::Event::KeyPressed {
            key: Key::Named(key::Named::ArrowDown),
            modified_key: Key::Named(key::Named::ArrowDown),
            physical_key: key::Physical::Code(key::Code::Numpad2),
            location: Location::Numpad,
            modifiers: Modifiers::empty(),
            text: None,
            repeat: false,
        };
        assert!(Press::from_event(&arrow, Instant::now())
            .expect("a press")
            .is(key::Named::ArrowDown));
        // The keypad's Enter stays Enter.
        let enter = keyboard::Event::KeyPressed {
            key: Key::Named(key::Named::Enter),
            modified_key: Key::Named(key::Named::Enter),
            physical_key: key::Physical::Code(key::Code::NumpadEnter),
            location: Location::Numpad,
            modifiers: Modifiers::empty(),
            text: Some("\r".into()),
            repeat: false,
        };
        assert!(Press::from_event(&enter, Instant::now())
            .expect("a press")
            .is(key::Named::Enter));
    }

    #[test]
    fn fields_take_what_they_are_for() {
        let mut code = Field::new(FieldKind::Code);
        code.type_press(&Press {
            key: Pressed::Char {
                text: "у".into(),
                latin: Some('e'),
            },
            shift: false,
            ctrl: false,
            at: Instant::now(),
        });
        code.type_press(&Press::char('1'));
        assert_eq!(code.text, "E1");
        // Cyrillic typed with no key behind it (a remapped keycode): by the layout.
        let mut code = Field::new(FieldKind::Code);
        for c in "Ы1-Е1".chars() {
            code.type_press(&Press {
                key: Pressed::Char {
                    text: c.to_string(),
                    latin: None,
                },
                shift: false,
                ctrl: false,
                at: Instant::now(),
            });
        }
        assert_eq!(code.text, "S1-T1");
        let mut pin = Field::new(FieldKind::Secret);
        for c in "12a3".chars() {
            pin.type_press(&Press::char(c));
        }
        assert_eq!(pin.text, "123");
        assert_eq!(pin.shown(), "•••");
        let mut amount = Field::selected(FieldKind::Number, "150,00");
        amount.type_press(&Press::char('2'));
        assert_eq!(amount.text, "2", "typing replaces a selected amount");
        amount.type_press(&Press::named(key::Named::Backspace));
        assert_eq!(amount.text, "");
    }
}
