//! `moat replay`: a capture through the engine, actions out as JSON lines.
//!
//! Time comes from the capture, so an hour of traffic replays in milliseconds and gives the
//! same answer every time. A malformed line is reported on stderr with its number and
//! skipped; it never stops the replay. Unsupported event types are counted, not hidden.
//! Events a few seconds out of order are put back in order ([`crate::reorder`]).

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use moat_core::id::GuildId;
use moat_core::{action::json, Action, Engine};
use moat_discord_wire::capture::parse_line;
use moat_discord_wire::CaptureError;

use crate::reorder::{sniff_ts, Reorder, REORDER_MS};

use crate::flags::ReplayArgs;

pub fn run(a: ReplayArgs) -> i32 {
    let ReplayArgs { capture: path, config, database, no_drain, stats, strict } = a;
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
    // Cross-guild fingerprints keep the engine's fixed, documented key
    // (`moat_core::detect::crossguild::FIXED_SECRET`): a replay is deterministic and its
    // fingerprints never leave the process.
    let mut engine = Engine::new(config, judge);
    // Without a guild's roles moat cannot tell moderators from members (issue 10): it only alerts.
    engine.alert_only_without_roles(true);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut report = replay(&mut engine, input, &mut out, !no_drain, database.is_some(), strict);
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
    if report.stopped_strict {
        eprintln!("moat replay: --strict: stopped at the first bad line");
        return 1;
    }
    if report.nothing_read() {
        eprintln!("moat replay: nothing in {path} could be read as a capture");
        return 1;
    }
    if report.read_error.is_some() {
        1
    } else {
        0
    }
}

/// How many messages of one kind are printed before the rest are only counted.
const SHOWN_PER_KIND: u64 = 5;

/// What a replay went through.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: u64,
    pub events: u64,
    pub actions: u64,
    pub bad_lines: u64,
    pub unsupported: BTreeMap<String, u64>,
    pub read_error: Option<String>,
    /// Events dated before an earlier one: within [`REORDER_MS`] (put back in order) and
    /// beyond (skipped).
    pub back_in_time: u64,
    pub too_far_back: u64,
    /// Guilds whose events came without their GUILD_CREATE (their roles are unknown).
    pub no_guild_create: BTreeSet<GuildId>,
    /// Messages about bad lines per kind, for the cap.
    said: BTreeMap<&'static str, u64>,
    /// With `--strict`: the first bad line stops the replay.
    pub stopped_strict: bool,
    pub seconds: f64,
    /// The actions decided, when asked to keep them (for recording).
    pub kept: Vec<Action>,
}

impl Report {
    /// Reports a problem of `kind` on stderr, the first few of each kind only.
    fn say(&mut self, kind: &'static str, message: String) {
        let n = self.said.entry(kind).or_default();
        *n += 1;
        if *n <= SHOWN_PER_KIND {
            eprintln!("moat replay: {message}");
        }
    }

    /// Whether nothing at all could be read (every line bad): the replay failed.
    pub fn nothing_read(&self) -> bool {
        self.events == 0 && (self.bad_lines > 0 || self.too_far_back > 0)
    }

    fn print(&self, path: &str) {
        for (kind, n) in &self.said {
            if *n > SHOWN_PER_KIND {
                eprintln!("moat replay: ... and {} more {kind} not shown ({n} in all)", n - SHOWN_PER_KIND);
            }
        }
        let rate = self.events as f64 / self.seconds.max(1e-9);
        eprintln!(
            "moat replay: {path}: {} events, {} actions, {} bad lines skipped, {:.0} events/s",
            self.events, self.actions, self.bad_lines, rate
        );
        if self.back_in_time + self.too_far_back > 0 {
            eprintln!(
                "moat replay: warning: {} events went back in time: {} by at most {} s were put back in order, {} further back were skipped",
                self.back_in_time + self.too_far_back,
                self.back_in_time,
                REORDER_MS / 1000,
                self.too_far_back
            );
        }
        if !self.no_guild_create.is_empty() {
            let ids: Vec<String> = self.no_guild_create.iter().map(GuildId::to_string).collect();
            eprintln!(
                "moat replay: warning: no GUILD_CREATE for guild(s) {}: their roles are unknown, so moderators cannot be told from members",
                ids.join(", ")
            );
        }
        for (t, n) in &self.unsupported {
            eprintln!("moat replay: {n} {t} event(s) not used by the engine");
        }
        if let Some(e) = &self.read_error {
            eprintln!("moat replay: stopped reading: {e}");
        }
    }
}

/// A parse error's position within the capture's line: serde counts lines inside the JSON
/// text, which is always line 1 of a capture line, so only the column is worth saying.
fn within_line(e: &str) -> String {
    e.replace(" at line 1 column ", " at column ")
}

/// Replays `input` through `engine`, writing actions to `out` as JSON lines.
/// With `keep`, the actions are also kept in the report; with `strict`, the first bad line
/// stops the replay. Discord events are put back in time order ([`crate::reorder`]).
pub fn replay(
    engine: &mut Engine,
    input: impl Read,
    out: &mut impl Write,
    drain: bool,
    keep: bool,
    strict: bool,
) -> Report {
    let started = Instant::now();
    let mut st = State {
        engine,
        report: Report::default(),
        actions: Vec::new(),
        mastodon: crate::mastodon::MastodonReplay::default(),
        clock: 0,
        known: BTreeSet::new(),
        strict,
    };
    let mut held = Reorder::default();
    let mut lines = crate::lines::Lines::new(input);
    while let Some(next) = lines.next_line() {
        let buf = match next {
            Ok(b) => b,
            Err(e) => {
                st.report.read_error = Some(format!("line {}: {e}", st.report.lines + 1));
                break;
            }
        };
        st.report.lines += 1;
        let n = st.report.lines;
        let Ok(line) = std::str::from_utf8(buf) else {
            if st.bad(format!("line {n}: not UTF-8 text")) {
                break;
            }
            continue;
        };
        let line = if n == 1 { line.trim_start_matches('\u{feff}') } else { line };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        // The time, sniffed; a line of another shape is parsed now to learn it, and one
        // that is not a Discord event at all is taken as it comes.
        let ts = match sniff_ts(line) {
            Some(ts) => ts,
            None => match parse_line(line) {
                Ok(l) => l.ts,
                Err(e) => {
                    st.unordered(n, line, e, out, keep);
                    if st.report.stopped_strict {
                        break;
                    }
                    continue;
                }
            },
        };
        if ts + REORDER_MS < held.newest {
            // Too far back to reorder; a line that is not an event moat reads is what it is.
            match parse_line(line) {
                Ok(_) => {
                    st.report.too_far_back += 1;
                    st.report.say(
                        "events dated too far back",
                        format!("line {n}: dated {} ms before an earlier event; skipped", held.newest - ts),
                    );
                    if strict {
                        st.report.stopped_strict = true;
                    }
                }
                Err(e) => st.unordered(n, line, e, out, keep),
            }
            if st.report.stopped_strict {
                break;
            }
            continue;
        }
        if ts < held.newest {
            st.report.back_in_time += 1;
        }
        held.hold(ts, n, line.as_bytes());
        if st.release(&mut held, false, out, keep) {
            break;
        }
    }
    if !st.report.stopped_strict {
        st.release(&mut held, true, out, keep);
    }
    if drain {
        st.engine.drain(&mut st.actions);
        write_actions(&mut st.actions, out, &mut st.report, keep, &st.mastodon);
    }
    let mut report = st.report;
    for (t, n) in std::mem::take(&mut st.mastodon.unused) {
        *report.unsupported.entry(format!("mastodon {t}")).or_default() += n;
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
}

/// What a replay carries from line to line.
struct State<'e> {
    engine: &'e mut Engine,
    report: Report,
    actions: Vec<Action>,
    mastodon: crate::mastodon::MastodonReplay,
    /// The time of the latest event handed to the engine.
    clock: u64,
    known: BTreeSet<GuildId>,
    strict: bool,
}

impl State<'_> {
    /// Counts and reports a bad line; whether the replay stops for it (`--strict`).
    fn bad(&mut self, message: String) -> bool {
        self.report.bad_lines += 1;
        self.report.say("bad lines", message);
        if self.strict {
            self.report.stopped_strict = true;
        }
        self.strict
    }

    /// Hands the held lines that are due (or, with `all`, every one) to the engine, in
    /// time order; whether the replay stops (`--strict` and a bad line).
    fn release(&mut self, held: &mut Reorder, all: bool, out: &mut impl Write, keep: bool) -> bool {
        while let Some(h) = held.next(all) {
            match std::str::from_utf8(&h.bytes) {
                Ok(line) => match parse_line(line) {
                    Ok(l) => {
                        self.report.events += 1;
                        self.clock = self.clock.max(l.ts);
                        if let Some(event) = &l.event {
                            match event {
                                moat_core::Event::GuildKnown(g) => {
                                    self.known.insert(g.guild);
                                }
                                e if !self.known.contains(&e.guild()) => {
                                    self.report.no_guild_create.insert(e.guild());
                                }
                                _ => {}
                            }
                            self.engine.handle(self.clock, event, &mut self.actions);
                        }
                        write_actions(&mut self.actions, out, &mut self.report, keep, &self.mastodon);
                    }
                    Err(e) => self.unordered(h.line_no, line, e, out, keep),
                },
                Err(_) => {
                    self.bad(format!("line {}: not UTF-8 text", h.line_no));
                }
            }
            held.recycle(h.bytes);
            if self.report.stopped_strict {
                return true;
            }
        }
        false
    }

    /// A line that is not a Discord event moat reads: an unsupported type is counted, a
    /// Mastodon line goes to its own branch, anything else is bad.
    fn unordered(&mut self, n: u64, line: &str, e: CaptureError, out: &mut impl Write, keep: bool) {
        match e {
            CaptureError::Unsupported(event) => {
                *self.report.unsupported.entry(event).or_default() += 1;
            }
            // The platform is sniffed per line: what is not Discord's may be Mastodon's.
            _ if crate::mastodon::MastodonReplay::claims(line) => {
                match self.mastodon.line(self.engine, line, &mut self.actions) {
                    Ok(()) => self.report.events += 1,
                    Err(e) => {
                        self.bad(format!("line {n}: {e}"));
                    }
                }
                write_actions(&mut self.actions, out, &mut self.report, keep, &self.mastodon);
            }
            e => {
                self.bad(format!("line {n}: {}", within_line(&e.to_string())));
            }
        }
    }
}

fn write_actions(
    actions: &mut Vec<Action>,
    out: &mut impl Write,
    report: &mut Report,
    keep: bool,
    mastodon: &crate::mastodon::MastodonReplay,
) {
    for a in actions.drain(..) {
        report.actions += 1;
        if mastodon.owns(&a) {
            for l in mastodon.lines(&a) {
                let _ = writeln!(out, "{l}");
            }
        } else {
            let _ = writeln!(out, "{}", json::to_value(&a));
        }
        if keep {
            report.kept.push(a);
        }
    }
}
