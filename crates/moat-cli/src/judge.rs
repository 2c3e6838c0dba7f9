//! The link judge the commands use: `moat-links`' checker with its bundled lists.

use moat_core::LinkJudge;

/// The judge for `replay`, `bench` and `demo`: bundled blocklists, allowlist and heuristics.
pub fn default_judge() -> Box<dyn LinkJudge> {
    Box::new(moat_links::LinkChecker::bundled())
}
