//! The evaluation: how well the heuristics do on scam domains listed after everything they were
//! fitted on, and how often they wrongly flag real sites.
//!
//! **Recall** is measured on a temporal split of the dated list ([`dated`]): fitted on domains
//! first listed up to 2022-12, reported on those first listed from 2023-03 on, with every
//! blocklist off, on `https://DOMAIN/` lines (what `moat check --lines --no-blocklist` sees).
//! The evaluation never prints the later domains it misses, so nobody tunes on them.
//!
//! **False positives** are measured with the popular-site allowlist removed
//! ([`crate::Options::no_top_sites`]; the brands' own official domains stay), on
//! (a) a public popularity list (the Majestic Million's top 15,000, read from
//! `shared/data/popular-majestic-15k.csv` when it is there; only the half that [`tuning_half`]
//! does not pick is reported, the other half is what the learned score may train on),
//! (b) hand-built hard negatives (`data/eval/hard-negatives.txt`: real sites with brand and lure
//! words, the brands' own secondary domains kept apart from third-party fan sites and tools), and
//! (c) generated ordinary domains ([`generated`]).
//!
//! `cargo run --release -p moat-links --example eval` prints every figure; `tests/eval.rs`
//! holds the floors.

pub mod dated;
pub mod generated;
pub mod messages;

use std::path::PathBuf;

use moat_core::links::{LinkJudge, LinkVerdict};

pub use generated::ordinary_domains;
pub use messages::{EVASIONS, ORDINARY};

/// FNV-1a, 64 bits: a stable hash for splits.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Whether a popular domain is in the half that fitting may use (the other half is reported).
pub fn tuning_half(domain: &str) -> bool {
    fnv1a(domain).is_multiple_of(2)
}

/// Verdict counts over a set of domains.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub struct Tally {
    pub total: usize,
    pub scam: usize,
    pub suspicious: usize,
}

impl Tally {
    pub fn flagged(&self) -> usize {
        self.scam + self.suspicious
    }
    pub fn pct(n: usize, total: usize) -> f64 {
        if total == 0 {
            0.0
        } else {
            100.0 * n as f64 / total as f64
        }
    }
    pub fn scam_pct(&self) -> f64 {
        Self::pct(self.scam, self.total)
    }
    pub fn suspicious_pct(&self) -> f64 {
        Self::pct(self.suspicious, self.total)
    }
    pub fn flagged_pct(&self) -> f64 {
        Self::pct(self.flagged(), self.total)
    }
}

/// Judges each domain as the message `https://DOMAIN/`; returns the tally and the flagged or
/// missed domains (`want_flagged` says which to keep).
pub fn tally<'a>(
    judge: &dyn LinkJudge,
    domains: impl IntoIterator<Item = &'a str>,
    want_flagged: bool,
) -> (Tally, Vec<String>) {
    let mut t = Tally::default();
    let mut kept = Vec::new();
    for d in domains {
        let r = judge.judge(0, &format!("https://{d}/"));
        t.total += 1;
        match r.verdict {
            LinkVerdict::Scam => t.scam += 1,
            LinkVerdict::Suspicious => t.suspicious += 1,
            LinkVerdict::Clean => {}
        }
        if (r.verdict != LinkVerdict::Clean) == want_flagged {
            kept.push(format!("{d}\t{}\t{}", r.verdict.as_str(), r.summary()));
        }
    }
    (t, kept)
}

/// The hand-built hard negatives, as (brands' own domains, third-party sites).
pub fn hard_negatives() -> (Vec<&'static str>, Vec<&'static str>) {
    const TEXT: &str = include_str!("../../data/eval/hard-negatives.txt");
    let (mut own, mut third) = (Vec::new(), Vec::new());
    let mut in_own = true;
    for line in TEXT.lines().map(str::trim) {
        match line {
            "" => {}
            "[own]" => in_own = true,
            "[third-party]" => in_own = false,
            l if l.starts_with('#') => {}
            l if in_own => own.push(l),
            l => third.push(l),
        }
    }
    (own, third)
}

/// Where the shared data lives: `MOAT_SHARED_DATA`, else `shared/data` beside the repository.
pub fn shared_data_dir() -> PathBuf {
    match std::env::var_os("MOAT_SHARED_DATA") {
        Some(dir) => PathBuf::from(dir),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"),
    }
}

/// The dated scam list's path.
pub fn dated_list_path() -> PathBuf {
    shared_data_dir().join("scam-domains-dated.tsv")
}

/// The popularity list's path: `MOAT_POPULAR`, else `popular-majestic-15k.csv` in the shared data.
pub fn popular_list_path() -> PathBuf {
    match std::env::var_os("MOAT_POPULAR") {
        Some(p) => PathBuf::from(p),
        None => shared_data_dir().join("popular-majestic-15k.csv"),
    }
}

/// Domains of a popularity list: one a line, or Majestic Million CSV (the third column), header
/// and duplicates dropped, `www.` stripped.
pub fn parse_popular(text: &str) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let field = if line.contains(',') { line.split(',').nth(2).unwrap_or("") } else { line };
        let d = field.trim().trim_end_matches('.').to_lowercase();
        let d = d.strip_prefix("www.").unwrap_or(&d).to_string();
        if d.is_empty() || d.starts_with('.') || !d.contains('.') || d.contains(char::is_whitespace) {
            continue;
        }
        if seen.insert(d.clone()) {
            out.push(d);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn popular_lists_parse_in_both_forms() {
        let csv = "GlobalRank,TldRank,Domain,TLD\n1,1,google.com,com\n2,2,www.Example.org,org\n3,3,.com,com\n";
        assert_eq!(parse_popular(csv), ["google.com", "example.org"]);
        assert_eq!(parse_popular("a.com\n\na.com\nb.net\n"), ["a.com", "b.net"]);
    }

    #[test]
    fn hard_negatives_have_both_sections() {
        let (own, third) = hard_negatives();
        assert!(own.len() > 100 && third.len() > 300, "{} {}", own.len(), third.len());
        assert!(own.contains(&"binance.us") && third.contains(&"steamdb.info"));
    }
}
