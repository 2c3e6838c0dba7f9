//! Campaigns: the same message pushed through many channels or many accounts.
//!
//! Two shapes matter. A taken-over account posts its scam into channel after channel within
//! seconds; a slow raid has many new accounts post the same text or link over minutes, each
//! too slowly to raise pressure. Both are caught by remembering, for a while, who posted each
//! *substantive* message (one with a link or a ping, or long enough not to be small talk), by
//! its fingerprint ([`crate::text::fingerprint`]) and by each link it carries, so varying the
//! words around a link does not help.
//!
//! Small talk never counts: fifty newcomers saying "hi from the stream" is a community, not a
//! campaign.

use std::collections::VecDeque;

use crate::idmap::IdMap;

use crate::action::{human_duration, Detector, Millis};
use crate::config::CampaignSettings;
use crate::hash::{Fnv1a, OFFSET};
use crate::id::{ChannelId, MessageId, UserId};

use super::{Account, Doomed, Finding, Severity};

/// One post of a tracked message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Post {
    pub ts: Millis,
    pub user_id: UserId,
    pub channel_id: ChannelId,
    pub message_id: MessageId,
    /// When the poster's account was created.
    pub account_created: Millis,
    /// Posted by a young account.
    pub new: bool,
    /// Carries a link, a ping or `@everyone`: what a scam needs. Someone asking the same
    /// question in three channels is not a campaign; posting the same link is.
    pub loud: bool,
}

#[derive(Debug, Clone, Default)]
struct Entry {
    posts: Vec<Post>,
}

/// How long a confirmed campaign's signature is remembered: new accounts posting it later
/// are contained at once.
const CONFIRMED_FOR: Millis = 6 * 3_600_000;

/// Posts kept per fingerprint: enough to prove a campaign, bounded for memory.
const MAX_POSTS: usize = 64;
/// Fingerprints tracked per guild at most.
const MAX_KEYS: usize = 50_000;

/// A key touched at a time, for expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Touched {
    at: Millis,
    key: u64,
}

/// Per-guild campaign memory.
#[derive(Debug, Clone, Default)]
pub struct CampaignWatch {
    entries: IdMap<u64, Entry>,
    /// Keys in the order they were last touched, for expiry.
    order: VecDeque<Touched>,
    /// Signatures of confirmed many-account campaigns, with when to forget them.
    confirmed: IdMap<u64, Millis>,
}

impl Post {
    fn doomed(&self) -> Doomed {
        Doomed { channel: self.channel_id, message: self.message_id, author: self.user_id }
    }
}

/// Each `http(s)://` link of a message with its key: `(key, "host/path")`. The key hashes
/// host and path, lower case, without scheme or query, so "look at this https://x.ru/a" and
/// "wow https://X.ru/a?ref=2" share one.
pub fn link_urls(content: &str) -> impl Iterator<Item = (u64, &str)> + '_ {
    let mut rest = content;
    std::iter::from_fn(move || loop {
        let i = rest.find("://")?;
        let scheme_ok = rest[..i].ends_with("http") || rest[..i].ends_with("https");
        rest = &rest[i + 3..];
        if !scheme_ok {
            continue;
        }
        let end = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '?' | '#' | ')' | '>' | ']' | '"' | '\''))
            .unwrap_or(rest.len());
        let url = rest[..end].trim_end_matches(['/', '.', ',', '!']);
        if url.is_empty() {
            continue;
        }
        // A basis of its own ("link"), so a link's key never equals a text's fingerprint.
        let mut h = Fnv1a::with_basis(OFFSET ^ 0x6c69_6e6b);
        for b in url.bytes() {
            h.mix(u64::from(b.to_ascii_lowercase()));
        }
        return Some((h.finish(), url));
    })
}

impl CampaignWatch {
    fn expire(&mut self, s: &CampaignSettings, now: Millis) {
        let keep = u64::from(s.account_window_secs.max(s.channel_window_secs)) * 1000;
        while let Some(&Touched { at: t, key }) = self.order.front() {
            if now.saturating_sub(t) < keep && self.order.len() <= MAX_KEYS {
                break;
            }
            self.order.pop_front();
            if let Some(e) = self.entries.get(&key) {
                if e.posts.last().is_none_or(|p| p.ts <= t) {
                    self.entries.remove(&key);
                }
            }
        }
        if self.confirmed.len() > 64 {
            self.confirmed.retain(|_, until| *until > now);
        }
    }

    /// Records a substantive post under each of its keys and reports the largest campaign
    /// it completes, if any. `keys` pairs each key with a label for the reason (`"text"`,
    /// `"link"`).
    pub fn observe(
        &mut self,
        s: &CampaignSettings,
        now: Millis,
        post: Post,
        keys: &[(u64, &'static str)],
    ) -> Option<Finding> {
        if !s.enabled || keys.is_empty() {
            return None;
        }
        self.expire(s, now);
        let mut best: Option<Finding> = None;
        for &(key, label) in keys {
            let entry = self.entries.entry(key).or_default();
            if entry.posts.len() >= MAX_POSTS {
                entry.posts.remove(0);
            }
            entry.posts.push(post);
            self.order.push_back(Touched { at: now, key });
            let confirmed = self.confirmed.get(&key).is_some_and(|&until| until > now);
            let found = cross_channel(s, now, entry, post, label)
                .or_else(|| many_accounts(s, now, entry, post, label, confirmed));
            if found.as_ref().is_some_and(|f| f.users.len() > 1 || confirmed) {
                self.confirmed.insert(key, now + CONFIRMED_FOR);
            }
            if let Some(f) = found {
                if best.as_ref().is_none_or(|b| f.users.len() > b.users.len()) {
                    best = Some(f);
                }
            }
        }
        best
    }

    /// Forgets what is older than the windows (called by the engine's sweep, so a guild
    /// that goes quiet does not keep its last campaigns' posts).
    pub fn sweep(&mut self, s: &CampaignSettings, now: Millis) {
        self.expire(s, now);
        self.confirmed.retain(|_, until| *until > now);
    }

    pub fn heap_bytes(&self) -> usize {
        self.entries.capacity() * (8 + std::mem::size_of::<Entry>())
            + self.entries.values().map(|e| e.posts.capacity() * std::mem::size_of::<Post>()).sum::<usize>()
            + self.order.capacity() * 16
    }
}

/// One account, the same message, many channels, quickly.
fn cross_channel(s: &CampaignSettings, now: Millis, entry: &Entry, post: Post, label: &str) -> Option<Finding> {
    let from = now.saturating_sub(u64::from(s.channel_window_secs) * 1000);
    if !post.loud {
        return None;
    }
    let mine = || entry.posts.iter().filter(|p| p.user_id == post.user_id && p.ts >= from && p.loud);
    // Distinct channels, counted without allocating: most messages stop here.
    let mut seen = [ChannelId(0); 8];
    let mut channels = 0usize;
    for p in mine() {
        if !seen[..channels.min(8)].contains(&p.channel_id) {
            if channels < 8 {
                seen[channels] = p.channel_id;
            }
            channels += 1;
        }
    }
    if (channels as u32) < s.min_channels {
        return None;
    }
    let mine: Vec<&Post> = mine().collect();
    let secs = now.saturating_sub(mine[0].ts);
    let reason = format!("campaign: the same {label} in {channels} channels within {}", human_duration(secs.max(1000)));
    Some(Finding {
        detector: Detector::Campaign,
        severity: Severity::Contain { min_step: 1 },
        users: vec![post.user_id],
        delete: mine.iter().map(|p| p.doomed()).collect(),
        reason,
        facts: vec![("channels".into(), channels.to_string())],
        accounts: Vec::new(),
    })
}

/// Many new accounts (young accounts, not merely new members: a streamer's audience is new
/// here but not new to Discord), the same message, over minutes.
fn many_accounts(
    s: &CampaignSettings,
    now: Millis,
    entry: &Entry,
    post: Post,
    label: &str,
    confirmed: bool,
) -> Option<Finding> {
    if !post.new {
        return None;
    }
    let from = now.saturating_sub(u64::from(s.account_window_secs) * 1000);
    let recent: Vec<Post> = entry.posts.iter().filter(|p| p.new && p.ts >= from).copied().collect();
    let mut users: Vec<UserId> = Vec::new();
    let mut accounts: Vec<Account> = Vec::new();
    for p in &recent {
        if !users.contains(&p.user_id) {
            users.push(p.user_id);
            accounts.push(Account { user: p.user_id, created: p.account_created });
        }
    }
    if !confirmed && (users.len() as u32) < s.min_accounts {
        return None;
    }
    let reason = if confirmed {
        users = vec![post.user_id];
        format!("campaign: joined a campaign of new accounts posting the same {label}")
    } else {
        format!(
            "campaign: {} new accounts posted the same {label} within {}",
            users.len(),
            human_duration(now.saturating_sub(recent[0].ts).max(1000))
        )
    };
    let delete = recent.iter().filter(|p| users.contains(&p.user_id)).map(Post::doomed).collect();
    accounts.retain(|a| users.contains(&a.user));
    Some(Finding {
        detector: Detector::Campaign,
        severity: Severity::Contain { min_step: 1 },
        users,
        delete,
        reason,
        facts: vec![("label".into(), label.to_string())],
        accounts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(ts: Millis, user: u64, channel: u64, msg: u64, new: bool) -> Post {
        Post {
            ts,
            user_id: UserId(user),
            channel_id: ChannelId(channel),
            message_id: MessageId(msg),
            account_created: 0,
            new,
            loud: true,
        }
    }

    fn doomed(v: &[(u64, u64, u64)]) -> Vec<Doomed> {
        v.iter().map(|&(c, m, a)| Doomed { channel: ChannelId(c), message: MessageId(m), author: UserId(a) }).collect()
    }

    fn users(v: &[u64]) -> Vec<UserId> {
        v.iter().copied().map(UserId).collect()
    }

    #[test]
    fn one_account_in_three_channels_is_a_campaign() {
        let s = CampaignSettings::default();
        let mut w = CampaignWatch::default();
        let k = [(7, "text")];
        assert!(w.observe(&s, 1_000, post(1_000, 1, 10, 100, false), &k).is_none());
        assert!(w.observe(&s, 2_000, post(2_000, 1, 10, 101, false), &k).is_none(), "same channel twice");
        assert!(w.observe(&s, 3_000, post(3_000, 1, 11, 102, false), &k).is_none());
        let f = w.observe(&s, 4_000, post(4_000, 1, 12, 103, false), &k).expect("third channel");
        assert_eq!(f.users, users(&[1]));
        assert_eq!(f.delete.len(), 4);
        assert_eq!(f.reason, "campaign: the same text in 3 channels within 3 s");
    }

    #[test]
    fn the_same_plain_question_in_three_channels_is_not() {
        let s = CampaignSettings::default();
        let mut w = CampaignWatch::default();
        for (i, ch) in [10, 11, 12, 13].into_iter().enumerate() {
            let p = Post { loud: false, ..post(1_000 + i as u64, 1, ch, i as u64, false) };
            assert!(w.observe(&s, p.ts, p, &[(7, "text")]).is_none());
        }
    }

    #[test]
    fn channels_spread_over_a_long_time_are_not() {
        let s = CampaignSettings::default();
        let mut w = CampaignWatch::default();
        let k = [(7, "link")];
        for (i, ch) in [10, 11, 12, 13].into_iter().enumerate() {
            let t = 1_000 + i as u64 * 120_000;
            assert!(w.observe(&s, t, post(t, 1, ch, i as u64, false), &k).is_none());
        }
    }

    #[test]
    fn new_accounts_posting_the_same_thing_are_a_campaign_and_latecomers_join_it() {
        let s = CampaignSettings::default();
        let mut w = CampaignWatch::default();
        let k = [(9, "link")];
        assert!(w.observe(&s, 0, post(0, 1, 10, 100, true), &k).is_none());
        assert!(w.observe(&s, 60_000, post(60_000, 2, 10, 101, true), &k).is_none());
        assert!(w.observe(&s, 61_000, post(61_000, 50, 10, 150, false), &k).is_none(), "an old member is not counted");
        let f = w.observe(&s, 120_000, post(120_000, 3, 11, 102, true), &k).expect("three new accounts");
        assert_eq!(f.users, users(&[1, 2, 3]));
        assert_eq!(f.delete, doomed(&[(10, 100, 1), (10, 101, 2), (11, 102, 3)]));
        assert_eq!(f.accounts.len(), 3, "each poster's account, for the evidence");
        let late = w.observe(&s, 300_000, post(300_000, 4, 12, 103, true), &k).expect("joins the campaign");
        assert_eq!(late.users, users(&[4]));
        let much_later = 300_000 + 2 * 3_600_000;
        let again = w.observe(&s, much_later, post(much_later, 5, 12, 104, true), &k).expect("remembered for hours");
        assert_eq!(again.users, users(&[5]));
        assert!(w.observe(&s, 301_000, post(301_000, 51, 12, 151, false), &k).is_none());
    }

    #[test]
    fn memory_expires() {
        let s = CampaignSettings::default();
        let mut w = CampaignWatch::default();
        for i in 0..1000u64 {
            w.observe(&s, i * 1000, post(i * 1000, i, 1, i, false), &[(i, "text")]);
        }
        let window = u64::from(s.account_window_secs);
        assert!(w.entries.len() as u64 <= window + 1, "{}", w.entries.len());
    }

    #[test]
    fn link_keys_ignore_case_query_and_trailing_punctuation() {
        let link_keys = |s| link_urls(s).map(|(k, _)| k).collect::<Vec<u64>>().into_iter();
        let a: Vec<u64> = link_keys("look https://X.ru/gift?ref=1 now").collect();
        let b: Vec<u64> = link_keys("(http://x.ru/gift/).").collect();
        let c: Vec<u64> = link_keys("[steam](https://x.ru/gift)").collect();
        assert_eq!(a.len(), 1);
        assert_eq!(a, b, "the scheme does not matter");
        assert_eq!(a, c);
        assert_eq!(link_keys("no links here, ftp://x").count(), 0);
    }
}
