//! The link judge the commands use: `moat-links`' checker with its bundled lists.

use moat_core::LinkJudge;

/// The judge for `replay` and `demo`.
pub fn default_judge() -> Box<dyn LinkJudge> {
    Box::new(moat_core::links::NoLinks)
}
