//! The evaluation's floors (method: `moat_links::eval`; figures: the crate README and
//! `cargo run --release -p moat-links --example eval`).
//!
//! Recall is held on the later part of the dated list, false positives on the popular list
//! (when the shared data has it), the top-500 sites, the hard negatives and generated domains,
//! all with the popular-site allowlist off.

use moat_core::links::{LinkJudge, LinkVerdict};
use moat_links::checker::data;
use moat_links::eval::dated::DatedSplit;
use moat_links::eval::{self, ordinary_domains, tally, Tally};
use moat_links::{LinkChecker, Options};

fn bare() -> LinkChecker {
    LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: true })
}

/// Reads a shared data file; `None` (with a SKIPPED line) when it is missing outside CI.
fn shared(path: std::path::PathBuf, needed_in_ci: bool) -> Option<String> {
    match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if needed_in_ci && std::env::var("CI").as_deref() == Ok("true") => {
            panic!("{} is needed under CI=true: {e}", path.display())
        }
        Err(e) => {
            println!("SKIPPED: {} not readable ({e}); set MOAT_SHARED_DATA to the shared data folder", path.display());
            None
        }
    }
}

fn assert_false_positives(name: &str, t: Tally, max_scam: f64, max_suspicious: f64) {
    assert!(t.scam_pct() <= max_scam, "{name}: {:.2}% scam: {t:?}", t.scam_pct());
    assert!(t.suspicious_pct() <= max_suspicious, "{name}: {:.2}% suspicious: {t:?}", t.suspicious_pct());
}

#[test]
fn later_listed_domains_are_caught_with_the_lists_off() {
    let Some(tsv) = shared(eval::dated_list_path(), true) else { return };
    let heur = LinkChecker::with_options(Options { no_blocklist: true, ..Options::default() });
    let split = DatedSplit::parse(&tsv);
    assert!(split.test.len() > 3000, "{} later domains", split.test.len());
    let (t, _) = tally(&heur, split.test.iter().map(String::as_str).filter(|d| !heur.is_allowed(d)), false);
    assert!(t.flagged_pct() >= 60.0, "later domains flagged: {:.1}% ({t:?})", t.flagged_pct());
    assert!(t.scam_pct() >= 35.0, "later domains called scam: {:.1}% ({t:?})", t.scam_pct());
}

#[test]
fn popular_sites_stay_clean_without_the_allowlist() {
    let c = bare();
    let top: Vec<&str> = data::TOP_SITES.lines().filter(|l| !l.starts_with('#') && !l.is_empty()).collect();
    assert_false_positives("top-500", tally(&c, top.iter().copied(), true).0, 0.1, 1.0);
    let ordinary = ordinary_domains(5_000);
    assert_false_positives("generated", tally(&c, ordinary.iter().map(String::as_str), true).0, 0.1, 1.0);
    let Some(text) = shared(eval::popular_list_path(), false) else { return };
    let popular = eval::parse_popular(&text);
    let report = popular.iter().filter(|d| !eval::tuning_half(d)).map(String::as_str);
    assert_false_positives("popular (reported half)", tally(&c, report, true).0, 0.1, 1.0);
}

#[test]
fn hard_negatives_are_never_scam() {
    let (own, third) = eval::hard_negatives();
    let (t, flagged) = tally(&bare(), own.iter().chain(third.iter()).copied(), true);
    let scams: Vec<&String> = flagged.iter().filter(|l| l.contains("\tscam\t")).collect();
    assert!(scams.is_empty(), "hard negatives called scam: {scams:?}");
    assert_false_positives("hard negatives", t, 0.0, 2.0);
}

#[test]
fn every_bundled_entry_is_scam_unless_allowlisted() {
    let c = LinkChecker::bundled();
    let mut wrong = Vec::new();
    for d in data::SCAM_DOMAINS.lines().filter(|d| !d.is_empty() && !d.contains('*')) {
        let r = c.judge(0, &format!("https://{d}/"));
        if r.verdict != LinkVerdict::Scam && !r.links.iter().all(|l| c.is_allowed(&l.domain)) {
            wrong.push(d);
        }
    }
    assert!(wrong.is_empty(), "{} entries not scam: {:?}", wrong.len(), &wrong[..wrong.len().min(20)]);
}
