//! The interface between the engine and link intelligence.
//!
//! The engine does not know how a link is judged: it hands every message's text to a
//! [`LinkJudge`] and acts on the [`LinkReport`] it gets back. A `scam` verdict deletes the
//! message and contains its author; a `suspicious` one only alerts moderators. The real judge
//! (lookalike domains, masked links, lure text, feeds) lives in the `moat-links` crate; this
//! module holds the trait, the report types, and [`BlocklistJudge`], a plain exact-domain
//! blocklist that is enough for tests and for running the engine on its own.
//!
//! A judge must be pure from the engine's point of view: the same text gives the same report
//! for as long as its lists do not change, so that replays stay deterministic.

use std::collections::HashSet;

/// How bad the links of a message are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum LinkVerdict {
    /// Nothing to act on.
    #[default]
    Clean,
    /// Worth a moderator's look; nothing is deleted and nobody is punished.
    Suspicious,
    /// Delete the message and contain its author.
    Scam,
}

impl LinkVerdict {
    /// The lower-case name used in JSON output: `clean`, `suspicious` or `scam`.
    pub fn as_str(self) -> &'static str {
        match self {
            LinkVerdict::Clean => "clean",
            LinkVerdict::Suspicious => "suspicious",
            LinkVerdict::Scam => "scam",
        }
    }
}

/// What a judge found about one link of a message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkFinding {
    /// The link as the judge understood it (normalised, e.g. `https://steamcommunlty.com/gift`).
    pub url: String,
    /// The registrable domain the link really leads to (e.g. `steamcommunlty.com`).
    pub domain: String,
    pub verdict: LinkVerdict,
    /// Human-readable reasons, e.g. `lookalike of steamcommunity.com (distance 1)`.
    pub reasons: Vec<String>,
}

/// A judge's verdict on a whole message.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LinkReport {
    /// The worst verdict over the message (links and text together).
    pub verdict: LinkVerdict,
    /// A score behind the verdict; higher is worse. Its scale is the judge's own.
    pub score: f32,
    pub links: Vec<LinkFinding>,
    /// Reasons about the message as a whole (lure phrases, `@everyone` with a link, ...).
    pub reasons: Vec<String>,
}

impl LinkReport {
    /// A report for a message with nothing to say about it.
    pub fn clean() -> Self {
        Self::default()
    }

    /// All reasons, message-level first, then per link, joined for an action's `reason`.
    pub fn summary(&self) -> String {
        let mut parts: Vec<String> = self.reasons.clone();
        for link in &self.links {
            if link.verdict != LinkVerdict::Clean {
                parts.push(format!("{}: {}", link.domain, link.reasons.join(", ")));
            }
        }
        parts.join("; ")
    }
}

/// Gives a verdict on the links of a message.
///
/// `guild_id` lets a judge apply per-guild allow and block lists. Most chat carries no link, so
/// implementations should make the no-link path nearly free.
pub trait LinkJudge: Send + Sync {
    fn judge(&self, guild_id: u64, content: &str) -> LinkReport;

    /// Whether a link (`host/path`, scheme removed) leads to a site the judge trusts
    /// (popular, well-known, or on the guild's allowlist). Many people posting such a link
    /// is not a campaign. The default trusts nothing.
    fn trusted_link(&self, _guild_id: u64, _url: &str) -> bool {
        false
    }
}

/// A judge that never finds anything: for engines that should ignore links.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoLinks;

impl LinkJudge for NoLinks {
    fn judge(&self, _guild_id: u64, _content: &str) -> LinkReport {
        LinkReport::clean()
    }
}

/// The simplest useful judge: a set of exact registrable domains, matched on the host of each
/// `http(s)://` link and on each of its parent domains. No heuristics, no evasion handling:
/// `moat-links` does the real work.
#[derive(Debug, Default, Clone)]
pub struct BlocklistJudge {
    blocked: HashSet<String>,
    trusted: HashSet<String>,
}

impl BlocklistJudge {
    pub fn new<I, S>(domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let blocked = domains
            .into_iter()
            .map(|d| d.as_ref().trim().trim_end_matches('.').to_ascii_lowercase())
            .filter(|d| !d.is_empty() && !d.starts_with('#'))
            .collect();
        Self { blocked, trusted: HashSet::new() }
    }

    /// Also trust these domains (and their subdomains) in [`LinkJudge::trusted_link`].
    pub fn trusting<I, S>(mut self, domains: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.trusted.extend(domains.into_iter().map(|d| d.as_ref().trim().to_ascii_lowercase()));
        self
    }
}

/// The first of `host` and its parent domains that `set` holds.
fn suffix_in<'a>(set: &HashSet<String>, host: &'a str) -> Option<&'a str> {
    let mut rest = host;
    loop {
        if set.contains(rest) {
            return Some(rest);
        }
        match rest.find('.') {
            Some(i) => rest = &rest[i + 1..],
            None => return None,
        }
    }
}

impl LinkJudge for BlocklistJudge {
    fn trusted_link(&self, _guild_id: u64, url: &str) -> bool {
        let host = url.split(['/', '?', '#', ':']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or("").to_ascii_lowercase();
        suffix_in(&self.trusted, host.trim_start_matches("www.")).is_some()
    }

    fn judge(&self, _guild_id: u64, content: &str) -> LinkReport {
        let mut report = LinkReport::clean();
        let mut rest = content;
        while let Some(start) = rest.find("http") {
            let tail = &rest[start..];
            let after_scheme = tail.strip_prefix("https://").or_else(|| tail.strip_prefix("http://"));
            rest = &tail[4..];
            let Some(after) = after_scheme else { continue };
            let end = after
                .find(|c: char| c.is_whitespace() || matches!(c, '/' | '?' | '#' | ')' | '>' | ':'))
                .unwrap_or(after.len());
            let host = after[..end].to_ascii_lowercase();
            let host = host.rsplit('@').next().unwrap_or("").trim_end_matches('.');
            if let Some(domain) = suffix_in(&self.blocked, host) {
                report.verdict = LinkVerdict::Scam;
                report.score = report.score.max(1.0);
                report.links.push(LinkFinding {
                    url: tail[..tail.len() - after.len() + end].to_string(),
                    domain: domain.to_string(),
                    verdict: LinkVerdict::Scam,
                    reasons: vec![format!("{domain} is on the blocklist")],
                });
            }
        }
        report
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocklist_matches_host_and_parents_only() {
        let judge = BlocklistJudge::new(["steamcommunlty.com", "# comment", ""]);
        let hit = judge.judge(1, "free gift https://steamcommunlty.com/gift/50 now");
        assert_eq!(hit.verdict, LinkVerdict::Scam);
        assert_eq!(hit.links[0].domain, "steamcommunlty.com");
        assert_eq!(hit.links[0].url, "https://steamcommunlty.com");

        let sub = judge.judge(1, "<https://a.b.STEAMCOMMUNLTY.com.>");
        assert_eq!(sub.verdict, LinkVerdict::Scam);

        let clean = judge.judge(1, "https://steamcommunity.com/gift and http://notsteamcommunlty.com");
        assert_eq!(clean.verdict, LinkVerdict::Clean);
        assert!(clean.links.is_empty());

        let userinfo = judge.judge(1, "http://steamcommunity.com@steamcommunlty.com/x");
        assert_eq!(userinfo.verdict, LinkVerdict::Scam);
    }

    #[test]
    fn trusted_links_are_the_trusted_domains_and_their_subdomains() {
        let judge = BlocklistJudge::new(["x.ru"]).trusting(["twitch.tv"]);
        assert!(judge.trusted_link(1, "www.twitch.tv/videos/1"));
        assert!(judge.trusted_link(1, "clips.twitch.tv"));
        assert!(!judge.trusted_link(1, "twitch.tv.evil.ru/x"));
        assert!(!judge.trusted_link(1, "nottwitch.tv/x"));
        assert!(!NoLinks.trusted_link(1, "twitch.tv"));
    }

    #[test]
    fn summary_lists_message_and_link_reasons() {
        let report = LinkReport {
            verdict: LinkVerdict::Scam,
            score: 3.0,
            links: vec![LinkFinding {
                url: "https://x.ru/".into(),
                domain: "x.ru".into(),
                verdict: LinkVerdict::Scam,
                reasons: vec!["a".into(), "b".into()],
            }],
            reasons: vec!["lure phrase".into()],
        };
        assert_eq!(report.summary(), "lure phrase; x.ru: a, b");
    }
}
