//! How fast a capture's lines are read, against what serde_json needs just to check them:
//! `cargo run --release -p moat-discord-wire --example parse_speed -- CAPTURE.jsonl`
//! (write one with `moat bench --write CAPTURE.jsonl`).

use std::time::Instant;

use moat_discord_wire::capture::parse_line;
use serde::de::IgnoredAny;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: parse_speed CAPTURE.jsonl");
        std::process::exit(2);
    };
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot read {path}: {e}");
            std::process::exit(2);
        }
    };
    let lines: Vec<&str> = text.lines().collect();
    let rate = |what: &str, f: &dyn Fn(&str) -> bool| {
        let mut best = f64::MAX;
        let mut ok = 0;
        for _ in 0..5 {
            let t = Instant::now();
            ok = lines.iter().filter(|l| f(l)).count();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!("{what:<28} {:>9.0} lines/s  ({ok} of {} read)", lines.len() as f64 / best, lines.len());
    };
    rate("serde_json, checking only", &|l| serde_json::from_str::<IgnoredAny>(l).is_ok());
    rate("parse_line (engine events)", &|l| parse_line(l).is_ok());
    rate("from_utf8 of the bytes", &|l| std::str::from_utf8(l.as_bytes()).is_ok());
}
