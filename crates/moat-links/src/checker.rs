//! [`LinkChecker`]: the judge the engine and `moat check` use.
//!
//! The order of authority is fixed and documented because moderators need to predict it:
//!
//! 1. the channel's own allowlist, then its blocklist ([`ChannelSettings`]);
//! 2. the guild's own allowlist (a server knows its partners best), then its blocklist;
//! 3. blocklist entries that name one exact shortened link (`bit.ly/3abc`);
//! 4. shorteners: a reason and a point, plus their path's lure words (never allowlisted, never
//!    condemned whole by a list);
//! 5. the global allowlist (top sites, real brand domains, hand-checked services): wins over
//!    every global list and every heuristic;
//! 6. the global blocklists (bundled, extra files, feeds): `scam`, with every heuristic reason;
//! 7. IP loggers: at least `suspicious`;
//! 8. the heuristics (with the "reported suspicious" list as a floor).
//!
//! When the message's [`MessageFacts`] say where a link leads (an expansion), the target is
//! judged the same way and the worse of the two verdicts counts. In a `relaxed` channel a
//! `suspicious` message is `clean`. `no_blocklist` switches off 3 and 6 (and the suspicious
//! list) so the heuristics can be measured alone; allowlists stay on.

use std::collections::{HashMap, HashSet};
use std::sync::RwLock;

use moat_core::links::{LinkFinding, LinkJudge, LinkReport, LinkVerdict};

use crate::extract::{candidates, Candidate};
use crate::facts::{ChannelSettings, MessageFacts};
use crate::heuristics::{self, Context, SCAM, SUSPICIOUS};
use crate::lists::DomainSet;
use crate::normalize::{may_contain_link, normalize};
use crate::services::{IP_LOGGER_SET, SHORTENERS};
use crate::url::{parse, Link};

/// The bundled data files.
pub mod data {
    pub const SCAM_DOMAINS: &str = include_str!("../data/scam-domains.txt");
    pub const SUSPICIOUS_DOMAINS: &str = include_str!("../data/suspicious-domains.txt");
    pub const SCAM_PHRASES: &str = include_str!("../data/scam-phrases.txt");
    pub const SCAM_PATHS: &str = include_str!("../data/scam-paths.txt");
    pub const TOP_SITES: &str = include_str!("../data/top-sites.txt");
}

/// Switches for a checker.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Ignore every global blocklist (bundled, files, feeds); keep allowlists and heuristics.
    pub no_blocklist: bool,
    /// Leave the 500 top sites and the hand-checked extra sites out of the allowlist (only the
    /// brands' own domains stay). For the evaluation only: it measures the heuristics' false
    /// positives on popular domains without the allowlist hiding them.
    pub no_top_sites: bool,
}

/// A guild's own additions.
#[derive(Debug, Default, Clone)]
pub struct GuildLists {
    pub allow: DomainSet,
    pub block: DomainSet,
}

impl GuildLists {
    pub fn new<A: AsRef<str>, B: AsRef<str>>(
        allow: impl IntoIterator<Item = A>,
        block: impl IntoIterator<Item = B>,
    ) -> Self {
        let mut g = GuildLists::default();
        allow.into_iter().for_each(|d| g.allow.insert(d.as_ref()));
        block.into_iter().for_each(|d| g.block.insert(d.as_ref()));
        g
    }
}

/// Link intelligence: lists, allowlist, heuristics. Cheap to share (`&self` everywhere).
pub struct LinkChecker {
    options: Options,
    scam: DomainSet,
    suspicious: DomainSet,
    extra: DomainSet,
    /// Feed lists by name, replaced whole when a feed refreshes.
    feeds: RwLock<HashMap<String, DomainSet>>,
    allow: DomainSet,
    shorteners: HashSet<&'static str>,
    guilds: HashMap<u64, GuildLists>,
    channels: HashMap<u64, ChannelSettings>,
    scam_paths: Vec<String>,
    phrases: Vec<String>,
    model: Option<crate::model::Model>,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| l.trim().to_lowercase()).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
}

impl LinkChecker {
    /// A builder for configured checkers (extra files, allow/block additions, guilds).
    pub fn builder() -> crate::builder::LinkCheckerBuilder {
        crate::builder::LinkCheckerBuilder::new()
    }

    /// The bundled lists and default options.
    pub fn bundled() -> Self {
        Self::with_options(Options::default())
    }

    /// The bundled lists with these options.
    pub fn with_options(options: Options) -> Self {
        let mut allow = DomainSet::new();
        if !options.no_top_sites {
            allow = DomainSet::from_static(data::TOP_SITES);
            crate::allow::extra_allowed().for_each(|d| allow.insert(d));
        }
        crate::brands::official_domains().for_each(|d| allow.insert(d));
        LinkChecker {
            options,
            scam: DomainSet::from_static(data::SCAM_DOMAINS),
            suspicious: DomainSet::from_static(data::SUSPICIOUS_DOMAINS),
            extra: DomainSet::new(),
            feeds: RwLock::new(HashMap::new()),
            allow,
            shorteners: SHORTENERS.iter().copied().collect(),
            guilds: HashMap::new(),
            channels: HashMap::new(),
            scam_paths: lines(data::SCAM_PATHS).into_iter().map(|p| p.trim_start_matches('/').to_string()).collect(),
            phrases: lines(data::SCAM_PHRASES),
            model: crate::model::Model::bundled(),
        }
    }

    /// A checker without the bundled blocklists (allowlist, heuristics and data kept), plus
    /// the given scam list: used by the evaluation to hold part of the bundled list out.
    pub fn with_scam_list(options: Options, scam: DomainSet) -> Self {
        let mut c = Self::with_options(options);
        c.scam = scam;
        c
    }

    pub fn options(&self) -> Options {
        self.options
    }

    /// Adds blocklist entries (one a line, `#` comments).
    pub fn add_blocklist_text(&mut self, text: &str) {
        self.extra.extend_from_text(text);
    }

    /// Adds allowlist entries (one a line).
    pub fn add_allowlist_text(&mut self, text: &str) {
        self.allow.extend_from_text(text);
    }

    /// Reads a list file into the blocklist.
    pub fn load_blocklist_file(&mut self, path: &std::path::Path) -> std::io::Result<usize> {
        let text = std::fs::read_to_string(path)?;
        let before = self.extra.len();
        self.add_blocklist_text(&text);
        Ok(self.extra.len() - before)
    }

    /// Sets (replaces) one guild's additions.
    pub fn set_guild(&mut self, guild_id: u64, lists: GuildLists) {
        self.guilds.insert(guild_id, lists);
    }

    /// Replaces all guilds' additions.
    pub fn set_guilds(&mut self, guilds: HashMap<u64, GuildLists>) {
        self.guilds = guilds;
    }

    /// Sets (replaces) one channel's overrides. Channel ids are unique across servers.
    pub fn set_channel(&mut self, channel_id: u64, settings: ChannelSettings) {
        self.channels.insert(channel_id, settings);
    }

    /// Installs (or replaces) a feed's list; callable while the checker is shared.
    pub fn set_feed(&self, name: &str, list: DomainSet) {
        let mut feeds = self.feeds.write().unwrap_or_else(|e| e.into_inner());
        feeds.insert(name.to_string(), list);
    }

    /// Whether an owner domain (or host) is on the global allowlist. Shorteners count as
    /// allowed here: no list entry naming a whole shortener is ever applied.
    pub fn is_allowed(&self, domain: &str) -> bool {
        self.allow.contains(domain) || self.shorteners.contains(domain)
    }

    /// The global blocklist entry a link falls under, if any.
    fn blocked(&self, link: &Link) -> Option<String> {
        if let Some(e) =
            self.scam.match_host(&link.host, &link.owner).or_else(|| self.extra.match_host(&link.host, &link.owner))
        {
            return Some(e.to_string());
        }
        let feeds = self.feeds.read().unwrap_or_else(|e| e.into_inner());
        feeds.values().find_map(|f| f.match_host(&link.host, &link.owner)).map(str::to_string)
    }

    fn path_blocked(&self, link: &Link) -> Option<String> {
        self.scam.match_path(&link.host, &link.path).or_else(|| self.extra.match_path(&link.host, &link.path))
    }

    /// Judges one parsed link, and its target when an expansion says where it leads; returns the
    /// finding, its score, and whether an allowlist vouched for it (such links never lift the
    /// message's score).
    pub fn judge_link(&self, guild_id: u64, facts: &MessageFacts<'_>, link: &Link) -> (LinkFinding, u32, bool) {
        let (mut f, mut points, mut trusted) = self.judge_one(guild_id, facts.channel_id, link);
        let Some(target) = expansion_of(facts, link) else { return (f, points, trusted) };
        if target.host == link.host && target.path == link.path {
            return (f, points, trusted);
        }
        let (t, t_points, t_trusted) = self.judge_one(guild_id, facts.channel_id, &target);
        f.reasons.push(format!("leads to {}", t.url));
        f.reasons.extend(t.reasons.into_iter().map(|r| format!("{}: {r}", t.domain)));
        f.verdict = f.verdict.max(t.verdict);
        points = points.max(t_points);
        trusted &= t_trusted;
        (f, points, trusted)
    }

    /// Judges one link on its own.
    fn judge_one(&self, guild_id: u64, channel_id: Option<u64>, link: &Link) -> (LinkFinding, u32, bool) {
        let mut f = LinkFinding {
            url: link.url.clone(),
            domain: link.owner.clone(),
            verdict: LinkVerdict::Clean,
            reasons: Vec::new(),
        };
        let lists = !self.options.no_blocklist;
        if let Some(c) = channel_id.and_then(|id| self.channels.get(&id)) {
            if c.allow.match_host(&link.host, &link.owner).is_some() {
                f.reasons.push("allowed in this channel".into());
                return (f, 0, true);
            }
            if let Some(e) = c.block.match_host(&link.host, &link.owner) {
                f.verdict = LinkVerdict::Scam;
                f.reasons.push(format!("blocked in this channel ({e})"));
                return (f, 10, false);
            }
        }
        if let Some(g) = self.guilds.get(&guild_id) {
            if g.allow.match_host(&link.host, &link.owner).is_some() {
                f.reasons.push("allowed by this server".into());
                return (f, 0, true);
            }
            if let Some(e) = g
                .block
                .match_host(&link.host, &link.owner)
                .map(str::to_string)
                .or_else(|| g.block.match_path(&link.host, &link.path))
            {
                f.verdict = LinkVerdict::Scam;
                f.reasons.push(format!("blocked by this server ({e})"));
                return (f, 10, false);
            }
        }
        if lists {
            if let Some(e) = self.path_blocked(link) {
                f.verdict = LinkVerdict::Scam;
                f.reasons.push(format!("this exact link is on a scam list ({e})"));
                f.reasons.extend(self.heuristics(link).reasons);
                return (f, 10, false);
            }
        }
        if self.shorteners.contains(link.owner.as_str()) || self.shorteners.contains(link.host.as_str()) {
            let mut s = heuristics::Score::default();
            s.add(1, "URL shortener: the real target is hidden".into());
            self.with_context(|ctx| heuristics::path::path_signals(link, ctx, &mut s));
            f.verdict = verdict_for(s.points);
            f.reasons = s.reasons;
            return (f, s.points, false);
        }
        if self.allow.contains(&link.owner) || (link.host != link.owner && self.allow.contains(&link.host)) {
            return (f, 0, true);
        }
        if lists {
            if let Some(e) = self.blocked(link) {
                f.verdict = LinkVerdict::Scam;
                f.reasons.push(format!("on the scam blocklist ({e})"));
                // The other reasons too, so moderators learn the pattern.
                f.reasons.extend(self.heuristics(link).reasons);
                return (f, 10, false);
            }
        }
        if IP_LOGGER_SET.contains(&link.owner) {
            let mut s = self.heuristics(link);
            s.points += 4;
            s.reasons.insert(0, "IP logger: opening it tells whoever made the link your IP address".into());
            f.verdict = verdict_for(s.points);
            f.reasons = s.reasons;
            return (f, s.points, false);
        }
        let mut s = self.heuristics(link);
        if lists {
            if let Some(e) = self.suspicious.match_host(&link.host, &link.owner) {
                s.points = s.points.max(SUSPICIOUS);
                s.reasons.insert(0, format!("reported as suspicious ({e})"));
            }
        }
        if heuristics::path::looks_shortened(link) {
            s.add(1, "looks like a URL shortener (short domain, short random path): the real target is hidden".into());
        }
        f.verdict = verdict_for(s.points);
        f.reasons = s.reasons;
        (f, s.points, false)
    }

    fn with_context<R>(&self, f: impl FnOnce(&Context<'_>) -> R) -> R {
        let allowed = |d: &str| self.allow.contains(d);
        f(&Context { allowed: &allowed, scam_paths: &self.scam_paths, model: self.model.as_ref() })
    }

    /// The heuristic score of a link, whatever the lists say.
    fn heuristics(&self, link: &Link) -> heuristics::Score {
        self.with_context(|ctx| heuristics::score(link, ctx))
    }

    /// Judges a message; the same as [`LinkJudge::judge`].
    pub fn check(&self, guild_id: u64, content: &str) -> LinkReport {
        self.check_with(guild_id, content, &MessageFacts::default())
    }

    /// Judges a message with what is known about it besides its text: its channel (per-channel
    /// settings) and where its links lead (expansions recorded by the live bot).
    pub fn check_with(&self, guild_id: u64, content: &str, facts: &MessageFacts<'_>) -> LinkReport {
        if !may_contain_link(content) {
            return LinkReport::clean();
        }
        let (text, disguises) = normalize(content);
        let found = candidates(&text);
        if found.is_empty() {
            return LinkReport::clean();
        }
        let mut report = LinkReport::clean();
        let mut worst_unknown: Option<u32> = None;
        let mut worst = LinkVerdict::Clean;
        for c in &found {
            let Some(link) = parse(c) else { continue };
            // The same link twice (text and embed, or pasted again) is one finding.
            if report.links.iter().any(|f| f.url == link.url) {
                continue;
            }
            let (finding, points, trusted) = self.judge_link(guild_id, facts, &link);
            if !trusted {
                worst_unknown = Some(worst_unknown.unwrap_or(0).max(points));
            }
            worst = worst.max(finding.verdict);
            report.links.push(finding);
        }
        let Some(link_points) = worst_unknown else {
            return report;
        };
        let m = crate::message::signals(content, &text, disguises, &self.phrases);
        let total = link_points + m.points;
        report.reasons = m.reasons;
        report.score = total as f32;
        report.verdict = worst.max(verdict_for(total));
        if report.verdict == LinkVerdict::Suspicious
            && facts.channel_id.and_then(|id| self.channels.get(&id)).is_some_and(|c| c.relaxed)
        {
            report.verdict = LinkVerdict::Clean;
            report.reasons.push("suspicious links are allowed in this channel".into());
            report
                .links
                .iter_mut()
                .filter(|l| l.verdict == LinkVerdict::Suspicious)
                .for_each(|l| l.verdict = LinkVerdict::Clean);
        }
        report
    }
}

/// The target of a link, if the facts hold an expansion for it.
fn expansion_of(facts: &MessageFacts<'_>, link: &Link) -> Option<Link> {
    let parse_any = |u: &str| crate::extract::classify(u.trim()).and_then(|c| parse(&c));
    let e = facts.expansions.iter().find(|e| parse_any(&e.url).is_some_and(|l| l.url == link.url))?;
    parse_any(&e.final_url)
}

/// The verdict of a score.
pub fn verdict_for(points: u32) -> LinkVerdict {
    if points >= SCAM {
        LinkVerdict::Scam
    } else if points >= SUSPICIOUS {
        LinkVerdict::Suspicious
    } else {
        LinkVerdict::Clean
    }
}

/// An invite to another community (`discord.gg/abc`, `t.me/x`): the site is real, but what
/// the link advertises is whatever its poster chose, which is what spam waves post.
fn is_invite(link: &Link) -> bool {
    let path = link.path.trim_start_matches('/').to_ascii_lowercase();
    matches!(link.owner.as_str(), "discord.gg" | "discord.me" | "discord.io" | "t.me" | "telegram.me" | "invite.gg")
        || (matches!(link.owner.as_str(), "discord.com" | "discordapp.com") && path.starts_with("invite"))
        || link.host == "chat.whatsapp.com"
}

impl LinkJudge for LinkChecker {
    fn judge(&self, guild_id: u64, content: &str) -> LinkReport {
        self.check(guild_id, content)
    }

    /// Popular and official sites, and the guild's own allowlist, are trusted: many people
    /// posting the same YouTube link is no campaign. Shorteners and free hosting are never
    /// trusted, whatever list names them: anyone can put anything behind them.
    fn trusted_link(&self, guild_id: u64, url: &str) -> bool {
        let candidate = Candidate { text: format!("https://{url}"), shown: None, has_scheme: true };
        let Some(link) = crate::url::parse(&candidate) else { return false };
        if link.hosting || link.ip.is_some() || self.shorteners.contains(link.owner.as_str()) || is_invite(&link) {
            return false;
        }
        self.allow.contains(&link.owner) || self.guilds.get(&guild_id).is_some_and(|g| g.allow.contains(&link.owner))
    }
}
