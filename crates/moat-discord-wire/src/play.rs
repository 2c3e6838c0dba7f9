//! Playing a recorded capture through an engine: the one loop that `moat run --record`'s
//! day replay and the dashboard's "try it on the last day" share, so both decide exactly as
//! the live bot did on that traffic.
//!
//! A recording is written in the order the live bot handled its events, so each event is
//! judged at the latest time reached, as the live engine judged it; unlike `moat replay` of a
//! capture from elsewhere, a line dated before an earlier one is not skipped (live took it).
//! Lines holding nothing to judge are passed over; a line that is not UTF-8 or not a capture
//! line is counted, never fatal.

use moat_core::{Action, Engine};

use crate::capture::parse_line;
use crate::CaptureError;

/// What [`play`] read.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Played {
    /// Lines read as events (including those with nothing for the engine to judge).
    pub events: u64,
    /// Lines that could not be read.
    pub bad_lines: u64,
}

/// Plays `capture` through `engine`, appending its actions to `out`, and drains the
/// engine's timers at the end.
pub fn play(capture: &[u8], engine: &mut Engine, out: &mut Vec<Action>) -> Played {
    let mut played = Played::default();
    let mut latest = 0u64;
    for raw in capture.split(|&b| b == b'\n') {
        let Ok(line) = std::str::from_utf8(raw) else {
            played.bad_lines += 1;
            continue;
        };
        let line = line.trim_start_matches('\u{feff}').trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(l) => {
                latest = latest.max(l.ts);
                played.events += 1;
                if let Some(e) = &l.event {
                    engine.handle(latest, e, out);
                }
            }
            Err(CaptureError::Unsupported(_)) => {}
            Err(_) => played.bad_lines += 1,
        }
    }
    engine.drain(out);
    played
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::links::NoLinks;
    use moat_core::Config;

    #[test]
    fn bad_lines_are_counted_and_late_ones_taken_as_live_took_them() {
        let capture = [
            r#"{"ts":1767272400000,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"1","role_id":"5"}}"#,
            "not json",
            r#"{"ts":1767272390000,"t":"GUILD_ROLE_DELETE","d":{"guild_id":"1","role_id":"6"}}"#,
            r#"{"ts":1767272401000,"t":"TYPING_START","d":{}}"#,
            "",
        ]
        .join("\n");
        let mut bytes = capture.into_bytes();
        bytes.extend_from_slice(b"\n\xff\xfe\n");
        let mut engine = Engine::new(Config::default(), Box::new(NoLinks));
        let mut out = Vec::new();
        let played = play(&bytes, &mut engine, &mut out);
        assert_eq!(played, Played { events: 2, bad_lines: 2 });
    }
}
