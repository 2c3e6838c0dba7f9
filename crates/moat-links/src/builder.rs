//! [`LinkCheckerBuilder`]: one place to turn configuration into a checker.
//!
//! A running moat builds its checker from a config file (extra list files, global and
//! per-guild allow/block additions, options). Doing that through one builder keeps the order
//! of authority in one module ([`crate::checker`]) and gives the caller one error for a list
//! file it cannot read. Feeds are started separately ([`crate::feeds::Refresher`]) because they
//! need the checker shared (`Arc`) and a thread.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::checker::{GuildLists, LinkChecker, Options};

/// Collects what a [`LinkChecker`] should know beyond the bundled lists.
#[derive(Debug, Default, Clone)]
pub struct LinkCheckerBuilder {
    options: Options,
    blocklist_files: Vec<PathBuf>,
    allowlist_files: Vec<PathBuf>,
    block: Vec<String>,
    allow: Vec<String>,
    guilds: HashMap<u64, GuildLists>,
}

impl LinkCheckerBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn options(mut self, options: Options) -> Self {
        self.options = options;
        self
    }

    /// Ignore every global blocklist (heuristics and allowlists only).
    pub fn no_blocklist(mut self, yes: bool) -> Self {
        self.options.no_blocklist = yes;
        self
    }

    /// A file of extra blocklist entries, one a line.
    pub fn blocklist_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.blocklist_files.push(path.into());
        self
    }

    /// A file of extra allowlist entries, one a line.
    pub fn allowlist_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.allowlist_files.push(path.into());
        self
    }

    /// Extra global blocklist entries.
    pub fn block<S: Into<String>>(mut self, domains: impl IntoIterator<Item = S>) -> Self {
        self.block.extend(domains.into_iter().map(Into::into));
        self
    }

    /// Extra global allowlist entries.
    pub fn allow<S: Into<String>>(mut self, domains: impl IntoIterator<Item = S>) -> Self {
        self.allow.extend(domains.into_iter().map(Into::into));
        self
    }

    /// One guild's own additions (replaces earlier ones for that guild).
    pub fn guild(mut self, guild_id: u64, lists: GuildLists) -> Self {
        self.guilds.insert(guild_id, lists);
        self
    }

    /// Builds the checker; fails on the first list file that cannot be read.
    pub fn build(self) -> std::io::Result<LinkChecker> {
        let mut c = LinkChecker::with_options(self.options);
        for path in &self.blocklist_files {
            c.load_blocklist_file(path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        }
        for path in &self.allowlist_files {
            let text = std::fs::read_to_string(path)
                .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
            c.add_allowlist_text(&text);
        }
        c.add_blocklist_text(&self.block.join("\n"));
        c.add_allowlist_text(&self.allow.join("\n"));
        c.set_guilds(self.guilds);
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::links::{LinkJudge, LinkVerdict};

    #[test]
    fn builder_applies_everything() {
        let dir = std::env::temp_dir().join(format!("moat-links-builder-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("block.txt");
        std::fs::write(&file, "from-file-scam.com\n").unwrap();
        let c = LinkChecker::builder()
            .blocklist_file(&file)
            .block(["inline-scam.net"])
            .allow(["steam-gift-nitro.ru"])
            .guild(5, GuildLists::new(Vec::<String>::new(), ["guild-only.org"]))
            .build()
            .unwrap();
        assert_eq!(c.judge(1, "https://from-file-scam.com/").verdict, LinkVerdict::Scam);
        assert_eq!(c.judge(1, "https://inline-scam.net/").verdict, LinkVerdict::Scam);
        assert_eq!(c.judge(1, "https://steam-gift-nitro.ru/").verdict, LinkVerdict::Clean);
        assert_eq!(c.judge(5, "https://guild-only.org/").verdict, LinkVerdict::Scam);
        assert_eq!(c.judge(6, "https://guild-only.org/").verdict, LinkVerdict::Clean);
        let missing = LinkChecker::builder().blocklist_file(dir.join("nope.txt")).build();
        assert!(missing.is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
