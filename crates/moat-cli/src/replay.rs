//! `moat replay`: a capture through the engine, actions out as JSON lines.
//!
//! Time comes from the capture, so an hour of traffic replays in milliseconds and gives the
//! same answer every time. A malformed line is reported on stderr with its number and
//! skipped; it never stops the replay. Unsupported event types are counted, not hidden.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufWriter, Read, Write};
use std::time::Instant;

use moat_core::id::GuildId;
use moat_core::{action::json, Action, Engine};
use moat_discord_wire::capture::parse_line;
use moat_discord_wire::CaptureError;

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

/// How far back in time an event may be dated and still be taken (handled at the time the
/// capture already reached); older ones are reported and skipped like bad lines.
pub const REORDER_MS: u64 = 5_000;

/// What a replay went through.
#[derive(Debug, Default)]
pub struct Report {
    pub lines: u64,
    pub events: u64,
    pub actions: u64,
    pub bad_lines: u64,
    pub unsupported: BTreeMap<String, u64>,
    pub read_error: Option<String>,
    /// Events dated before an earlier one: within [`REORDER_MS`] (taken) and beyond (skipped).
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
                "moat replay: warning: {} events went back in time: {} by at most {} s were taken at the time already reached, {} further back were skipped",
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
/// stops the replay.
pub fn replay(
    engine: &mut Engine,
    input: impl Read,
    out: &mut impl Write,
    drain: bool,
    keep: bool,
    strict: bool,
) -> Report {
    let started = Instant::now();
    let mut report = Report::default();
    let mut actions: Vec<Action> = Vec::new();
    let mut lines = crate::lines::Lines::new(input);
    let mut mastodon = crate::mastodon::MastodonReplay::default();
    let mut latest = 0u64;
    let mut known: BTreeSet<GuildId> = BTreeSet::new();
    while let Some(next) = lines.next_line() {
        let buf = match next {
            Ok(b) => b,
            Err(e) => {
                report.read_error = Some(format!("line {}: {e}", report.lines + 1));
                break;
            }
        };
        report.lines += 1;
        let n = report.lines;
        let Ok(line) = std::str::from_utf8(buf) else {
            report.bad_lines += 1;
            report.say("bad lines", format!("line {n}: not UTF-8 text"));
            if strict {
                report.stopped_strict = true;
                break;
            }
            continue;
        };
        let line = if n == 1 { line.trim_start_matches('\u{feff}') } else { line };
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(l) => {
                if l.ts + REORDER_MS < latest {
                    report.too_far_back += 1;
                    report.say(
                        "events dated too far back",
                        format!("line {n}: dated {} ms before an earlier event; skipped", latest - l.ts),
                    );
                    if strict {
                        report.stopped_strict = true;
                        break;
                    }
                    continue;
                }
                if l.ts < latest {
                    report.back_in_time += 1;
                }
                latest = latest.max(l.ts);
                report.events += 1;
                if let Some(event) = &l.event {
                    match event {
                        moat_core::Event::GuildKnown(g) => {
                            known.insert(g.guild);
                        }
                        e if !known.contains(&e.guild()) => {
                            report.no_guild_create.insert(e.guild());
                        }
                        _ => {}
                    }
                    engine.handle(latest, event, &mut actions);
                }
            }
            Err(CaptureError::Unsupported(event)) => {
                *report.unsupported.entry(event).or_default() += 1;
            }
            // The platform is sniffed per line: what is not Discord's may be Mastodon's.
            Err(_) if crate::mastodon::MastodonReplay::claims(line) => {
                match mastodon.line(engine, line, &mut actions) {
                    Ok(()) => report.events += 1,
                    Err(e) => {
                        report.bad_lines += 1;
                        report.say("bad lines", format!("line {n}: {e}"));
                        if strict {
                            report.stopped_strict = true;
                            break;
                        }
                    }
                }
            }
            Err(e) => {
                report.bad_lines += 1;
                report.say("bad lines", format!("line {n}: {}", within_line(&e.to_string())));
                if strict {
                    report.stopped_strict = true;
                    break;
                }
            }
        }
        write_actions(&mut actions, out, &mut report, keep, &mastodon);
    }
    if drain {
        engine.drain(&mut actions);
        write_actions(&mut actions, out, &mut report, keep, &mastodon);
    }
    for (t, n) in std::mem::take(&mut mastodon.unused) {
        *report.unsupported.entry(format!("mastodon {t}")).or_default() += n;
    }
    report.seconds = started.elapsed().as_secs_f64();
    report
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
