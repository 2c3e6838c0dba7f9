//! The `[links]` section of the config file, typed here because this crate uses it.
//!
//! ```toml
//! [links]
//! blocklist_files = ["/etc/moat/extra-scams.txt"]   # one domain a line
//! allowlist_files = ["/etc/moat/our-sites.txt"]
//! block = ["known-bad.example"]
//! allow = ["our-community.example"]
//! no_blocklist = false                               # heuristics and allowlists only
//! ```
//!
//! The section becomes a [`LinkCheckerBuilder`], the one place configuration turns into a
//! checker.

use std::path::PathBuf;

use serde::Deserialize;

use crate::builder::LinkCheckerBuilder;

/// `[links]`
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinksSection {
    /// Extra blocklist files, one domain a line.
    pub blocklist_files: Vec<PathBuf>,
    /// Extra allowlist files, one domain a line.
    pub allowlist_files: Vec<PathBuf>,
    /// Extra blocklisted domains.
    pub block: Vec<String>,
    /// Extra allowed domains.
    pub allow: Vec<String>,
    /// Ignore every blocklist (bundled and extra): heuristics and allowlists only.
    pub no_blocklist: bool,
}

impl LinksSection {
    /// The builder this section describes (on top of the bundled lists).
    pub fn builder(&self) -> LinkCheckerBuilder {
        let mut b = LinkCheckerBuilder::new().no_blocklist(self.no_blocklist);
        for f in &self.blocklist_files {
            b = b.blocklist_file(f);
        }
        for f in &self.allowlist_files {
            b = b.allowlist_file(f);
        }
        b.block(self.block.iter().cloned()).allow(self.allow.iter().cloned())
    }
}
