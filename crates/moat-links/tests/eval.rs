//! The evaluation's targets, asserted (figures and method: `src/eval.rs`, README).

use moat_links::checker::data;
use moat_links::eval::{held_out, ordinary_domains, tally, Tally};
use moat_links::{LinkChecker, Options};

#[test]
fn held_out_recall_and_false_positive_targets() {
    let heur = LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: false });
    let bare = LinkChecker::with_options(Options { no_blocklist: true, no_top_sites: true });
    let held: Vec<&str> =
        data::SCAM_DOMAINS.lines().filter(|d| !d.is_empty() && held_out(d) && !heur.is_allowed(d)).collect();
    let (h, _) = tally(&heur, held.iter().copied(), false);
    let recall = Tally::pct(h.flagged(), h.total);
    assert!(recall >= 60.0, "held-out recall {recall:.1}%");

    let top: Vec<&str> = data::TOP_SITES.lines().filter(|l| !l.starts_with('#')).collect();
    let ordinary = ordinary_domains(5_000);
    for (name, t) in [
        ("top sites", tally(&bare, top.iter().copied(), true).0),
        ("ordinary", tally(&bare, ordinary.iter().map(String::as_str), true).0),
    ] {
        assert!(Tally::pct(t.scam, t.total) <= 0.1, "{name}: {t:?}");
        assert!(Tally::pct(t.suspicious, t.total) <= 1.0, "{name}: {t:?}");
    }
}

#[test]
fn every_bundled_entry_is_scam_unless_allowlisted() {
    use moat_core::links::{LinkJudge, LinkVerdict};
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
