//! Domain lists: the bundled blocklists, extra list files and feeds, per-guild additions.
//!
//! A list entry is a domain (`evil.ru`, matching it and its subdomains) or, rarely, a domain
//! with a path (`bit.ly/3abc`, matching links under that path only; public lists carry a few
//! shortened links). Lookups walk from the host up to the link's owner, never above it: an
//! entry for `repl.co` must not condemn every `*.repl.co` site, each of which has its own owner.
//!
//! The bundled list (23k entries) is embedded as text and indexed by slicing it, with no copy
//! of the strings, so building a checker at start-up costs well under a millisecond per list
//! (see the crate README for the measurement).

use std::collections::HashSet;

/// A set of domains (and domain/path entries).
#[derive(Debug, Default, Clone)]
pub struct DomainSet {
    /// Sorted entries borrowed from embedded text.
    fixed: Vec<&'static str>,
    /// Entries added at run time (files, feeds, guild settings).
    added: HashSet<String>,
    /// Host-with-path entries (`bit.ly/3abc`), split as (host, path prefix).
    paths: Vec<(String, String)>,
    /// Wildcard entries (`royaljapan02.*`): `*` stands for any run of characters but `.`.
    globs: Vec<String>,
}

/// Cleans one list line: comments, blank lines, schemes, `www.`, trailing dots and slashes.
pub fn clean_entry(line: &str) -> Option<String> {
    let line = line.split('#').next().unwrap_or("").trim();
    if line.is_empty() {
        return None;
    }
    let line = line.to_lowercase();
    let line = line.split("://").last().unwrap_or(&line);
    let line = line.strip_prefix("www.").unwrap_or(line);
    let line = line.trim_end_matches('/').trim_end_matches('.');
    (!line.is_empty() && !line.contains(char::is_whitespace)).then(|| crate::idn::host_to_ascii_path(line))
}

impl DomainSet {
    pub fn new() -> Self {
        Self::default()
    }

    /// Indexes embedded text (one entry a line) without copying plain entries.
    pub fn from_static(text: &'static str) -> Self {
        let mut set = DomainSet::default();
        let mut sorted = true;
        for line in text.lines() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let plain = t.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
            if plain {
                if set.fixed.last().is_some_and(|l| *l >= t) {
                    sorted = false;
                }
                set.fixed.push(t);
            } else {
                set.insert(t);
            }
        }
        if !sorted {
            set.fixed.sort_unstable();
            set.fixed.dedup();
        }
        set
    }

    /// Adds one entry (cleaned with [`clean_entry`]).
    pub fn insert(&mut self, line: &str) {
        let Some(entry) = clean_entry(line) else { return };
        if entry.contains('*') && !entry.contains('/') {
            self.globs.push(entry);
            return;
        }
        match entry.split_once('/') {
            Some((host, path)) => self.paths.push((host.to_string(), format!("/{path}"))),
            None => {
                self.added.insert(entry);
            }
        }
    }

    pub fn extend_from_text(&mut self, text: &str) {
        for line in text.lines() {
            self.insert(line);
        }
    }

    pub fn len(&self) -> usize {
        self.fixed.len() + self.added.len() + self.paths.len() + self.globs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether this exact domain is an entry.
    pub fn contains(&self, domain: &str) -> bool {
        (!self.fixed.is_empty() && self.fixed.binary_search(&domain).is_ok())
            || (!self.added.is_empty() && self.added.contains(domain))
    }

    /// The entry that matches `host` or one of its parents, no higher than `owner`.
    pub fn match_host<'a>(&self, host: &'a str, owner: &str) -> Option<&'a str> {
        let mut rest = host;
        loop {
            if self.contains(rest) || self.globs.iter().any(|g| glob_match(g.as_bytes(), rest.as_bytes())) {
                return Some(rest);
            }
            if rest.len() <= owner.len() {
                return None;
            }
            match rest.find('.') {
                Some(i) => rest = &rest[i + 1..],
                None => return None,
            }
        }
    }

    /// The host-with-path entry that covers this link, if any.
    pub fn match_path(&self, host: &str, path: &str) -> Option<String> {
        let host = host.strip_prefix("www.").unwrap_or(host);
        self.paths
            .iter()
            .find(|(h, p)| h == host && path.to_lowercase().starts_with(p.as_str()))
            .map(|(h, p)| format!("{h}{p}"))
    }

    /// All entries (for tests and the evaluation).
    pub fn entries(&self) -> impl Iterator<Item = String> + '_ {
        self.fixed
            .iter()
            .map(|s| s.to_string())
            .chain(self.added.iter().cloned())
            .chain(self.paths.iter().map(|(h, p)| format!("{h}{p}")))
            .chain(self.globs.iter().cloned())
    }
}

/// `*` matches any run of bytes other than `.`; everything else literally. Iterative with
/// one backtrack point per star, so linear-ish on the short strings of hosts.
fn glob_match(pat: &[u8], s: &[u8]) -> bool {
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pat.len() && pat[p] == b'*' {
            star = Some((p, i));
            p += 1;
        } else if p < pat.len() && pat[p] == s[i] {
            p += 1;
            i += 1;
        } else if let Some((sp, si)) = star.filter(|&(_, si)| s[si] != b'.') {
            p = sp + 1;
            i = si + 1;
            star = Some((sp, si + 1));
        } else {
            return false;
        }
    }
    pat[p..].iter().all(|&b| b == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_host_and_parents_up_to_the_owner() {
        let set = DomainSet::from_static("evil.ru\nrepl.co\nbit.ly/3abc\n# c\n");
        assert_eq!(set.match_host("a.b.evil.ru", "evil.ru"), Some("evil.ru"));
        assert_eq!(set.match_host("scam.repl.co", "scam.repl.co"), None);
        assert_eq!(set.match_host("notevil.ru", "notevil.ru"), None);
        assert_eq!(set.match_path("bit.ly", "/3abc"), Some("bit.ly/3abc".into()));
        assert_eq!(set.match_path("bit.ly", "/other"), None);
        assert_eq!(set.len(), 3);
    }

    #[test]
    fn wildcard_entries() {
        let mut set = DomainSet::new();
        set.insert("royaljapan02.*");
        set.insert("clk.rtpdn*.com");
        assert!(set.match_host("royaljapan02.com", "royaljapan02.com").is_some());
        assert!(set.match_host("clk.rtpdn77.com", "rtpdn77.com").is_some());
        assert!(set.match_host("clk.rtpdn7.x.com", "x.com").is_none());
        assert!(set.match_host("royaljapan03.com", "royaljapan03.com").is_none());
        assert!(glob_match(b"a*b", b"axxb") && !glob_match(b"a*b", b"ax.b") && glob_match(b"*", b"abc"));
    }

    #[test]
    fn clean_entry_accepts_urls_and_comments() {
        assert_eq!(clean_entry("https://www.Evil.RU/ # note").as_deref(), Some("evil.ru"));
        assert_eq!(clean_entry("  # only a comment"), None);
        assert!(clean_entry("dіscord.com").unwrap().starts_with("xn--"));
    }
}
