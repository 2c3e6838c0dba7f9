//! Measures the heuristics: recall on held-out bundled scam domains with every blocklist off,
//! false positives on popular and generated ordinary domains, list coverage, evasions.
//!
//! cargo run --release -p moat-links --example eval [-- --show-misses N] [-- --domains FILE]
//!
//! `--domains FILE` judges each line of FILE as `https://LINE/` (lists off) and prints the
//! tally, for measuring on any other set.

use std::time::Instant;

use moat_core::links::{LinkJudge, LinkVerdict};
use moat_links::checker::data;
use moat_links::eval::{held_out, ordinary_domains, tally, Tally, EVASIONS, HARD_NEGATIVES, ORDINARY};
use moat_links::{LinkChecker, Options};

fn line(name: &str, t: Tally) {
    println!(
        "{name:<44} {:>6}  scam {:>6} ({:>6.2}%)  suspicious {:>6} ({:>6.2}%)  flagged {:>6.2}%",
        t.total,
        t.scam,
        Tally::pct(t.scam, t.total),
        t.suspicious,
        Tally::pct(t.suspicious, t.total),
        Tally::pct(t.flagged(), t.total)
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show = args
        .iter()
        .position(|a| a == "--show-misses")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0usize);

    let t0 = Instant::now();
    let full = LinkChecker::bundled();
    println!("LinkChecker::bundled() built in {:?}", t0.elapsed());

    let heur = LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: false });
    if let Some(i) = args.iter().position(|a| a == "--domains") {
        let text = std::fs::read_to_string(&args[i + 1]).expect("read --domains file");
        let domains: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        let (t, _) = tally(&heur, domains.iter().copied(), true);
        line("given domains (lists off)", t);
        return;
    }
    let bare = LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: true });

    let all: Vec<&str> = data::SCAM_DOMAINS.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let (held, train): (Vec<&str>, Vec<&str>) = all.iter().partition(|d| held_out(d));
    let not_allowed = |d: &&&str| !full.is_allowed(d.split('/').next().unwrap_or(d));

    let t = Instant::now();
    let (h, _) = tally(&heur, held.iter().filter(not_allowed).copied(), false);
    let dt = t.elapsed();
    line("held-out scam domains (lists off)", h);
    let (tr, train_misses) = tally(&heur, train.iter().filter(not_allowed).copied(), false);
    line("training scam domains (lists off)", tr);
    let susp: Vec<&str> = data::SUSPICIOUS_DOMAINS.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    line("reported-suspicious domains (lists off)", tally(&heur, susp.iter().copied(), false).0);

    let top: Vec<&str> = data::TOP_SITES.lines().filter(|l| !l.starts_with('#')).collect();
    let (tt, top_flagged) = tally(&bare, top.iter().copied(), true);
    line("top-500 sites, top-sites allowlist removed", tt);
    let (ht, hard_flagged) = tally(&bare, HARD_NEGATIVES.iter().copied(), true);
    line("hard negatives (real sites with brand/lure words)", ht);
    let ordinary = ordinary_domains(20_000);
    let (ot, ord_flagged) = tally(&bare, ordinary.iter().map(String::as_str), true);
    line("generated ordinary domains", ot);

    // Every bundled entry is a scam with the lists on, unless the allowlist names it.
    let mut not_scam = Vec::new();
    let mut allowed = 0;
    let wildcards = all.iter().filter(|d| d.contains('*')).count();
    for d in all.iter().filter(|d| !d.contains('*')) {
        let r = full.judge(0, &format!("https://{d}/"));
        if r.verdict != LinkVerdict::Scam {
            if r.links.iter().all(|l| full.is_allowed(&l.domain)) {
                allowed += 1;
            } else {
                not_scam.push(d.to_string());
            }
        }
    }
    println!(
        "bundled list with lists on: {} entries, {} allowlisted, {} wildcard patterns (matched on real hosts), {} not scam {:?}",
        all.len(),
        allowed,
        wildcards,
        not_scam.len(),
        &not_scam[..not_scam.len().min(10)]
    );

    let caught = EVASIONS.iter().filter(|(m, want)| full.judge(0, m).verdict >= *want).count();
    let caught_off = EVASIONS.iter().filter(|(m, want)| heur.judge(0, m).verdict >= *want).count();
    println!("evasion messages caught: {caught}/{} (lists off: {caught_off})", EVASIONS.len());
    for (m, want) in EVASIONS {
        let r = heur.judge(0, m);
        if r.verdict < *want {
            println!("  MISSED {m:?}: {} {}", r.verdict.as_str(), r.summary());
        }
    }
    let clean = ORDINARY.iter().filter(|m| full.judge(0, m).verdict == LinkVerdict::Clean).count();
    println!("ordinary messages clean: {clean}/{}", ORDINARY.len());
    println!("held-out judging speed: {:.0} links/s", h.total as f64 / dt.as_secs_f64());

    for (name, list) in [
        ("top sites flagged", &top_flagged),
        ("hard negatives flagged", &hard_flagged),
        ("ordinary flagged", &ord_flagged),
        ("training missed (held-out misses are not shown, so nobody tunes on them)", &train_misses),
    ] {
        if show > 0 {
            println!("--- {name} ({}):", list.len());
            for l in list.iter().take(show) {
                println!("  {l}");
            }
        }
    }
}
