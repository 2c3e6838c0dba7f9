//! `moat replay`: a capture through the engine, actions out as JSON lines.
//!
//! Time comes from the capture, so an hour of traffic replays in milliseconds and gives the
//! same answer every time. A malformed line is reported on stderr with its number and
//! skipped; it never stops the replay. Unsupported event types are counted, not hidden.

use std::collections::BTreeMap;
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use moat_core::{action::json, Action, Engine};
use moat_discord_wire::capture::parse_line;
use moat_discord_wire::CaptureError;

use crate::flags::ReplayArgs;

pub fn run(a: ReplayArgs) -> i32 {
    let ReplayArgs { capture: path, config, database, no_drain, stats } = a;
    let path = path.as_str();
    let (config, judge) = match crate::config::load(config.as_deref()).and_then(|l| Ok((l.engine(), l.judge()?))) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("moat replay: {e}");
            return 2;
        }
    };
    if let Some(db) = &database {
        if let Err(e) = moat_store::check_store(db) {
            eprintln!(
                "moat replay: the store {}: {e}",
                moat_store::backend::display(&moat_store::backend::normalize(db))
            );
            return 1;
        }
    }
    let input: Box<dyn Read> = if path == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("moat replay: cannot open {path}: {e}");
                return 2;
            }
        }
    };
    let mut engine = Engine::new(config, judge);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut report = replay(&mut engine, input, &mut out, !no_drain, database.is_some());
    if let Err(e) = out.flush() {
        eprintln!("moat replay: cannot write output: {e}");
        return 1;
    }
    report.print(path);
    if let Some(db) = database {
        match moat_store::record_replay(&db, &report.kept) {
            Ok(r) => eprintln!(
                "moat replay: recorded {} actions ({} already there), {} evidence messages, {} timers into {db}",
                r.actions, r.duplicates, r.evidence, r.timers
            ),
            Err(e) => {
                eprintln!("moat replay: could not record into {db}: {e}");
                return 1;
            }
        }
        report.kept.clear();
    }
    if stats {
        let st = engine.stats();
        eprintln!(
            "engine state: {} guilds, {} users, {} recent messages, ~{} KiB",
            st.guilds,
            st.users,
            st.recent_messages,
            st.approx_bytes / 1024
        );
    }
    if report.read_error.is_some() {
        1
    } else {
        0
    }
}

/// What a replay went through.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: u64,
    pub events: u64,
    pub actions: u64,
    pub bad_lines: u64,
    pub unsupported: BTreeMap<String, u64>,
    pub read_error: Option<String>,
    pub seconds: f64,
    /// The actions decided, when asked to keep them (for recording).
    pub kept: Vec<Action>,
}

impl Report {
    fn print(&self, path: &str) {
        let rate = self.events as f64 / self.seconds.max(1e-9);
        eprintln!(
            "moat replay: {path}: {} events, {} actions, {} bad lines skipped, {:.0} events/s",
            self.events, self.actions, self.bad_lines, rate
        );
        for (t, n) in &self.unsupported {
            eprintln!("moat replay: {n} {t} event(s) not used by the engine");
        }
        if let Some(e) = &self.read_error {
            eprintln!("moat replay: stopped reading: {e}");
        }
    }
}

/// Replays `input` through `engine`, writing actions to `out` as JSON lines.
/// With `keep`, the actions are also kept in the report.
pub fn replay(engine: &mut Engine, input: impl Read, out: &mut impl Write, drain: bool, keep: bool) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut actions: Vec<Action> = Vec::new();
    let mut lines = crate::lines::Lines::new(input);
    while let Some(next) = lines.next_line() {
        let buf = match next {
            Ok(b) => b,
            Err(e) => {
                report.read_error = Some(format!("line {}: {e}", report.lines + 1));
                break;
            }
        };
        report.lines += 1;
        let Ok(line) = std::str::from_utf8(buf) else {
            report.bad_lines += 1;
            eprintln!("moat replay: line {}: not UTF-8 text", report.lines);
            continue;
        };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(l) => {
                report.events += 1;
                if let Some(event) = &l.event {
                    engine.handle(l.ts, event, &mut actions);
                }
            }
            Err(CaptureError::Unsupported(event)) => {
                *report.unsupported.entry(event).or_default() += 1;
            }
            Err(e) => {
                report.bad_lines += 1;
                eprintln!("moat replay: line {}: {e}", report.lines);
            }
        }
        write_actions(&mut actions, out, &mut report, keep);
    }
    if drain {
        engine.drain(&mut actions);
        write_actions(&mut actions, out, &mut report, keep);
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

fn write_actions(actions: &mut Vec<Action>, out: &mut impl Write, report: &mut Report, keep: bool) {
    for a in actions.drain(..) {
        report.actions += 1;
        let _ = writeln!(out, "{}", json::to_value(&a));
        if keep {
            report.kept.push(a);
        }
    }
}
