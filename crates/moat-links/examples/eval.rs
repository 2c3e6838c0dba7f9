//! Measures the link judge the honest way (method: `moat_links::eval`): recall on scam domains
//! listed after everything was fitted, with every blocklist off; false positives on popular
//! sites, hand-built hard negatives and generated ordinary domains with the popular-site
//! allowlist off; list coverage; evasions.
//!
//! cargo run --release -p moat-links --example eval [-- --show N] [-- --domains FILE]
//!
//! `--show N` prints up to N flagged negatives and missed *training* domains (never the later
//! ones, and never the reported half of the popular list). `--domains FILE` judges each line of
//! FILE as `https://LINE/` with the lists off and prints the tally. `--explain DOMAIN…` prints
//! the verdict and reasons for each domain (lists and popular-site allowlist off).

use std::time::Instant;

use moat_core::links::{LinkJudge, LinkVerdict};
use moat_links::checker::data;
use moat_links::eval::dated::{DatedSplit, TEST_FROM, TRAIN_UNTIL};
use moat_links::eval::{self, ordinary_domains, tally, Tally, EVASIONS, ORDINARY};
use moat_links::{LinkChecker, Options};

fn line(name: &str, t: Tally) {
    println!("| {name} | {} | {:.2}% | {:.2}% | {:.2}% |", t.total, t.scam_pct(), t.suspicious_pct(), t.flagged_pct());
}

fn arg<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).map(String::as_str)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let show: usize = arg(&args, "--show").and_then(|n| n.parse().ok()).unwrap_or(0);
    let t0 = Instant::now();
    let full = LinkChecker::bundled();
    println!("LinkChecker::bundled() built in {:?}", t0.elapsed());
    // Recall: blocklists off, allowlists on (what a running moat has without its lists).
    let heur = LinkChecker::with_options(Options { no_blocklist: true, ..Options::default() });
    // False positives: blocklists and the popular-site allowlist off; brands' own domains stay.
    let bare = LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: true });
    if let Some(i) = args.iter().position(|a| a == "--explain") {
        for d in &args[i + 1..] {
            let r = bare.judge(0, &format!("https://{d}/"));
            println!("{d}: {} ({}) {}", r.verdict.as_str(), r.score, r.summary());
        }
        return;
    }
    if let Some(file) = arg(&args, "--domains") {
        let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {file}: {e}"));
        let (t, _) = tally(&heur, text.lines().map(str::trim).filter(|l| !l.is_empty()), true);
        line("given domains (lists off)", t);
        return;
    }
    let mut shown: Vec<(&str, Vec<String>)> = Vec::new();
    println!("| set | n | scam | suspicious | flagged |\n|---|---:|---:|---:|---:|");

    match std::fs::read_to_string(eval::dated_list_path()) {
        Ok(tsv) => {
            let split = DatedSplit::parse(&tsv);
            let keep = |v: &Vec<String>| -> Vec<String> { v.iter().filter(|d| !heur.is_allowed(d)).cloned().collect() };
            let (test, gap, train) = (keep(&split.test), keep(&split.gap), keep(&split.train));
            let t = Instant::now();
            let (tt, _) = tally(&heur, test.iter().map(String::as_str), false);
            let dt = t.elapsed();
            line(&format!("**scam domains first listed from {TEST_FROM} on, lists off**"), tt);
            line(
                "scam domains first listed 2023-01..02 (gap), lists off",
                tally(&heur, gap.iter().map(String::as_str), false).0,
            );
            let (tr, misses) = tally(&heur, train.iter().map(String::as_str), false);
            line(&format!("scam domains first listed up to {TRAIN_UNTIL} (fitted on), lists off"), tr);
            shown.push(("training domains missed", misses));
            println!("(later domains judged at {:.0} links/s)", tt.total as f64 / dt.as_secs_f64());
        }
        Err(e) => println!("dated list {} not readable ({e}): recall not measured", eval::dated_list_path().display()),
    }
    match std::fs::read_to_string(eval::popular_list_path()) {
        Ok(text) => {
            let popular = eval::parse_popular(&text);
            let (tune, report): (Vec<&String>, Vec<&String>) = popular.iter().partition(|d| eval::tuning_half(d));
            line(
                "**popular sites (Majestic top 15k, reported half), allowlist off**",
                tally(&bare, report.iter().map(|d| d.as_str()), true).0,
            );
            let (t, flagged) = tally(&bare, tune.iter().map(|d| d.as_str()), true);
            line("popular sites (tuning half), allowlist off", t);
            shown.push(("popular (tuning half) flagged", flagged));
        }
        Err(e) => println!("popular list {} not readable ({e}): skipped", eval::popular_list_path().display()),
    }
    let top: Vec<&str> = data::TOP_SITES.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    let (t, flagged) = tally(&bare, top.iter().copied(), true);
    line("top-500 sites (npm top-sites), allowlist off", t);
    shown.push(("top-500 flagged", flagged));
    let (own, third) = eval::hard_negatives();
    let (t, _) = tally(&bare, own.iter().chain(third.iter()).copied(), true);
    line("**hard negatives (real sites with brand/lure words), allowlist off**", t);
    // Only the tuning half's false positives are shown, so the other half stays unseen.
    let tune = own.iter().chain(third.iter()).copied().filter(|d| eval::tuning_half(d));
    shown.push(("hard negatives (tuning half) flagged", tally(&bare, tune, true).1));
    line("  of which third-party fan sites, tools, wikis, trading", tally(&bare, third.iter().copied(), true).0);
    line("  of which the brands' own secondary domains", tally(&bare, own.iter().copied(), true).0);
    let ordinary = ordinary_domains(20_000);
    let (t, flagged) = tally(&bare, ordinary.iter().map(String::as_str), true);
    line("generated ordinary domains, allowlist off", t);
    shown.push(("generated flagged", flagged));

    bundled_coverage(&full);
    let caught = EVASIONS.iter().filter(|(m, want)| heur.judge(0, m).verdict >= *want).count();
    println!("evasion messages caught with the lists off: {caught}/{}", EVASIONS.len());
    for (m, want) in EVASIONS {
        let r = heur.judge(0, m);
        if r.verdict < *want {
            println!("  MISSED {m:?}: {} {}", r.verdict.as_str(), r.summary());
        }
    }
    let clean = ORDINARY.iter().filter(|m| full.judge(0, m).verdict == LinkVerdict::Clean).count();
    println!("ordinary messages clean: {clean}/{}", ORDINARY.len());
    if show > 0 {
        for (name, list) in shown {
            println!("--- {name} ({}):", list.len());
            list.iter().take(show).for_each(|l| println!("  {l}"));
        }
    }
}

/// Every bundled entry is a scam with the lists on, unless the allowlist names it.
fn bundled_coverage(full: &LinkChecker) {
    let all: Vec<&str> = data::SCAM_DOMAINS.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let (mut allowed, mut not_scam) = (0, Vec::new());
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
        "bundled list, lists on: {} entries, {allowed} named by the allowlist, {} not scam {:?}",
        all.len(),
        not_scam.len(),
        &not_scam[..not_scam.len().min(10)]
    );
}
