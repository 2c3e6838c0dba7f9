//! `moat bench`: how fast the engine decides, and how much it remembers.
//!
//! It generates a day of traffic for one busy guild in Discord's full payload shapes
//! (`moat_testkit::traffic`: ordinary chat from thousands of members, messages of about
//! 930 bytes with embeds, mentions, attachments, replies and edits, with every attack
//! scenario mixed in), then measures:
//! - the engine alone: pre-parsed events through [`Engine::handle`];
//! - `replay`: the same capture from JSON text, parsing included;
//! - memory: engine state per active user at the busiest point, and at the end of the day
//!   (idle state must expire, so it stays flat).
//!
//! Figures are best-of-`--runs`, on one core (the engine is single-threaded). `--write
//! PATH` also writes the capture, to time `moat replay` on it as a whole process.

use std::time::Instant;

use moat_core::time::{HOUR, MINUTE};
use moat_core::{Action, Config, Engine, Event};
use moat_discord_wire::capture::{parse_line, Line};
use moat_testkit::traffic::day_of_traffic;

use crate::flags::BenchArgs;

pub fn run(a: BenchArgs) -> i32 {
    let BenchArgs { events, users, runs, write } = a;
    eprintln!("moat bench: generating a day of traffic: ~{events} events from {users} members...");
    let capture = day_of_traffic(events, users);
    if let Some(path) = &write {
        if let Err(e) = std::fs::write(path, &capture) {
            eprintln!("moat bench: cannot write {}: {e}", path.display());
            return 1;
        }
        eprintln!("moat bench: wrote the capture to {}", path.display());
    }
    let lines: Vec<&str> = capture.lines().collect();
    let bytes = capture.len();
    let parsed: Vec<Line> = match lines.iter().map(|l| parse_line(l)).collect::<Result<_, _>>() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("moat bench: generated capture does not parse: {e}");
            return 1;
        }
    };
    // Owned, in the order they arrive: the engine alone, not the cache misses of reaching
    // back into 100 MiB of JSON text for each message.
    let parsed: Vec<(u64, Event)> = parsed.into_iter().filter_map(|l| Some((l.ts, l.event?.into_owned()))).collect();
    let messages: Vec<&&str> = lines.iter().filter(|l| l.contains("\"t\":\"MESSAGE_")).collect();
    let mean = messages.iter().map(|l| l.len()).sum::<usize>() / messages.len().max(1);
    println!(
        "capture: {} events, {:.1} MiB of JSON, messages average {mean} bytes",
        lines.len(),
        bytes as f64 / (1 << 20) as f64
    );

    // The engine alone.
    let mut best_engine = f64::MAX;
    let mut actions = 0usize;
    for _ in 0..runs {
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
        actions / runs as usize
    );

    // Replay: parsing included, output to a sink.
    let mut best_replay = f64::MAX;
    for _ in 0..runs {
        let mut engine = Engine::new(Config::default(), crate::judge::default_judge());
        let t = Instant::now();
        let report = crate::replay::replay(&mut engine, capture.as_bytes(), &mut std::io::sink(), true, false, false);
        best_replay = best_replay.min(t.elapsed().as_secs_f64());
        if report.bad_lines > 0 {
            eprintln!("moat bench: {} bad lines in the generated capture", report.bad_lines);
            return 1;
        }
    }
    println!(
        "replay:  {:>10.0} events/s  ({:.0} MiB/s of JSON)",
        lines.len() as f64 / best_replay,
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
