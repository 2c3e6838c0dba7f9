//! `moat bench`: how fast the engine decides, and how much it remembers.
//!
//! It generates a day of traffic for one busy guild (ordinary chat from thousands of
//! members, with floods, a raid and a scam wave mixed in), then measures:
//! - the engine alone: pre-parsed events through [`Engine::handle`];
//! - `replay`: the same capture from JSON text, parsing included;
//! - memory: engine state per active user at the busiest point, and at the end of the day
//!   (idle state must expire, so it stays flat).
//!
//! Figures are best-of-`--runs`, on one core (the engine is single-threaded).

use std::time::Instant;

use moat_core::time::{HOUR, MINUTE};
use moat_core::{Action, Config, Engine, Event};
use moat_discord_wire::capture::{parse_line, Line};
use moat_testkit::{scenarios, World};

use moat_store::cli::Args;

pub fn run(args: &[String]) -> i32 {
    let mut a = Args::new(args);
    let parsed = (|| -> Result<(u64, usize, u32), String> {
        Ok((
            a.parsed("--events")?.unwrap_or(200_000),
            a.parsed("--users")?.unwrap_or(5_000),
            a.parsed("--runs")?.unwrap_or(3),
        ))
    })();
    let (events, users, runs) = match parsed {
        Ok(v) => v,
        Err(e) => return usage(&e),
    };
    if let Err(e) =
        a.positionals().and_then(|p| if p.is_empty() { Ok(()) } else { Err(format!("unexpected {}", p[0])) })
    {
        return usage(&e);
    }
    eprintln!("moat bench: generating a day of traffic: ~{events} events from {users} members...");
    let capture = day_of_traffic(events, users);
    let lines: Vec<&str> = capture.lines().collect();
    let bytes = capture.len();
    let parsed: Vec<Line> = match lines.iter().map(|l| parse_line(l)).collect::<Result<_, _>>() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("moat bench: generated capture does not parse: {e}");
            return 1;
        }
    };
    let parsed: Vec<(u64, Event)> = parsed.into_iter().filter_map(|l| Some((l.ts, l.event?))).collect();
    println!("capture: {} events, {:.1} MiB of JSON", parsed.len(), bytes as f64 / (1 << 20) as f64);

    // The engine alone.
    let mut best_engine = f64::MAX;
    let mut actions = 0usize;
    for _ in 0..runs.max(1) {
        let mut engine = Engine::new(Config::default(), crate::judge::default_judge());
        let mut out: Vec<Action> = Vec::with_capacity(1024);
        let t = Instant::now();
        for (ts, ev) in &parsed {
            engine.handle(*ts, ev, &mut out);
            actions += out.len();
            out.clear();
        }
        best_engine = best_engine.min(t.elapsed().as_secs_f64());
    }
    println!(
        "engine:  {:>10.0} events/s  ({:.1} ns/event, {} actions per run)",
        parsed.len() as f64 / best_engine,
        best_engine * 1e9 / parsed.len() as f64,
        actions / runs.max(1) as usize
    );

    // Replay: parsing included, output to a sink.
    let mut best_replay = f64::MAX;
    for _ in 0..runs.max(1) {
        let mut engine = Engine::new(Config::default(), crate::judge::default_judge());
        let t = Instant::now();
        let report = crate::replay::replay(&mut engine, capture.as_bytes(), &mut std::io::sink(), true, false);
        best_replay = best_replay.min(t.elapsed().as_secs_f64());
        if report.bad_lines > 0 {
            eprintln!("moat bench: {} bad lines in the generated capture", report.bad_lines);
            return 1;
        }
    }
    println!(
        "replay:  {:>10.0} events/s  ({:.0} MiB/s of JSON)",
        parsed.len() as f64 / best_replay,
        bytes as f64 / (1 << 20) as f64 / best_replay
    );

    // Memory over the day.
    let mut engine = Engine::new(Config::default(), crate::judge::default_judge());
    let mut out = Vec::new();
    let (mut peak_users, mut peak_bytes, mut peak_state_bytes) = (0usize, 0usize, 0usize);
    let mut next_sample = 0;
    for (ts, ev) in &parsed {
        engine.handle(*ts, ev, &mut out);
        out.clear();
        if *ts >= next_sample {
            let st = engine.stats();
            if st.users > peak_users {
                peak_users = st.users;
                peak_bytes = st.approx_bytes;
                peak_state_bytes = st.user_bytes;
            }
            next_sample = ts + MINUTE;
        }
    }
    let end = engine.stats();
    engine.advance(engine.now() + HOUR, &mut out);
    let idle = engine.stats();
    println!(
        "memory:  peak {} active users: {} bytes of user state per user, {} bytes of all state per user",
        peak_users,
        peak_state_bytes / peak_users.max(1),
        peak_bytes / peak_users.max(1)
    );
    println!(
        "         end of day: {} users, {} KiB; an hour later with no traffic: {} users, {} KiB",
        end.users,
        end.approx_bytes / 1024,
        idle.users,
        idle.approx_bytes / 1024
    );
    0
}

/// A day of one busy guild: chat spread over 24 hours, plus the attacks of the scenarios.
pub fn day_of_traffic(events: u64, users: usize) -> String {
    let start = 1_767_225_600_000; // 2026-01-01 00:00 UTC
    let mut w = World::new(42, start, users);
    let day = 24 * HOUR;
    let per_min = (events * 60_000 / day).max(1);
    w.chat(start, day, per_min);
    let mut capture = w.capture();
    // Attacks, each in its own guild so their expectations stay independent.
    for (i, (_, gen)) in scenarios::ALL.iter().enumerate() {
        let sc = gen(1000 + i as u64);
        capture.push_str(&sc.capture);
    }
    sort_capture(&capture)
}

/// Sorts capture lines by `ts` (stable), as a capture is.
fn sort_capture(capture: &str) -> String {
    let mut lines: Vec<(u64, &str)> = capture
        .lines()
        .map(|l| {
            let ts = l.get(6..).and_then(|r| r.split(',').next()).and_then(|n| n.parse().ok()).unwrap_or(0);
            (ts, l)
        })
        .collect();
    lines.sort_by_key(|(ts, _)| *ts);
    let mut out = String::with_capacity(capture.len());
    for (_, l) in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn usage(e: &str) -> i32 {
    eprintln!("moat bench: {e}\nusage: moat bench [--events N] [--users N] [--runs N]");
    2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generated_day_is_sorted_and_parses() {
        let c = day_of_traffic(2_000, 50);
        let mut last = 0;
        for l in c.lines() {
            let ev = parse_line(l).expect("parses");
            assert!(ev.ts >= last);
            last = ev.ts;
        }
        assert!(c.lines().count() > 2_000);
    }
}
