//! A simulated Mastodon server that writes captures in Mastodon's own shapes: sign-ups as
//! `account.created` webhook bodies, local posts as `status.created` bodies, remote posts as
//! streaming `update` messages (the entities come from moat-fake-mastodon's, so the capture
//! reads exactly like what the fake serves and delivers). Lines come out sorted by time.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_json::{json, Value};

use moat_core::Millis;
use moat_fake_mastodon::entities::{self, AccountSeed, AdminSeed, StatusSeed};
use moat_fake_mastodon::time::iso_ms;

use crate::world::{Expect, Rng};

/// The server the world simulates.
pub const DOMAIN: &str = "small.example";

/// An account to create.
#[derive(Debug, Clone, Default)]
pub struct Who<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    /// `None`: local.
    pub domain: Option<&'a str>,
    pub avatar: bool,
    pub note: &'a str,
    pub bot: bool,
    pub followers: u64,
    pub statuses: u64,
}

/// A post to write.
#[derive(Debug, Clone, Default)]
pub struct Say {
    pub text: String,
    pub mentions: Vec<u64>,
    /// One image: blurhash, alt text, size.
    pub image: Option<(String, Option<String>, (u32, u32))>,
    /// `(status id, its author)`.
    pub reply_to: Option<(u64, u64)>,
}

/// The server, its accounts, the capture so far and the expectations.
pub struct FediWorld {
    pub rng: Rng,
    accounts: HashMap<u64, Value>,
    lines: Vec<(Millis, u64, String)>,
    seq: u64,
    pub bad: BTreeMap<u64, Expect>,
    pub bad_start: BTreeMap<u64, Millis>,
    pub good: BTreeSet<u64>,
}

impl FediWorld {
    pub fn new(seed: u64) -> Self {
        FediWorld {
            rng: Rng::new(seed),
            accounts: HashMap::new(),
            lines: Vec::new(),
            seq: 0,
            bad: BTreeMap::new(),
            bad_start: BTreeMap::new(),
            good: BTreeSet::new(),
        }
    }

    /// A Mastodon id (a snowflake: milliseconds, then 16 bits of sequence).
    fn id(&mut self, at: Millis) -> u64 {
        self.seq += 1;
        (at << 16) | (self.seq & 0xffff)
    }

    fn push(&mut self, at: Millis, line: String) {
        let n = self.lines.len() as u64;
        self.lines.push((at, n, line));
    }

    /// An account that exists before the capture starts (no line).
    pub fn account(&mut self, created: Millis, who: &Who<'_>) -> u64 {
        let id = self.id(created);
        let sid = id.to_string();
        let avatar = who.avatar.then(|| format!("https://files.{}/avatars/{id}.png", who.domain.unwrap_or(DOMAIN)));
        let seed = AccountSeed {
            id: &sid,
            username: who.username,
            domain: who.domain,
            display_name: who.display_name,
            created_at_ms: created,
            note: who.note,
            avatar: avatar.as_deref(),
            bot: who.bot,
            statuses_count: who.statuses,
            followers_count: who.followers,
        };
        self.accounts.insert(id, entities::public_account(&seed, DOMAIN));
        id
    }

    /// A local sign-up at `at` (an `account.created` line).
    pub fn signup(&mut self, at: Millis, who: &Who<'_>, email: &str, ip: &str, pending: bool) -> u64 {
        let id = self.account(at, &Who { domain: None, ..who.clone() });
        let public = self.accounts[&id].clone();
        let admin = AdminSeed {
            email,
            ip,
            created_at_ms: at,
            confirmed: true,
            approved: !pending,
            locale: "en",
            invite_request: None,
        };
        let object = entities::admin_account(&public, &admin, moat_fake_mastodon::Role::User.json());
        self.push(at, json!({"event": "account.created", "created_at": iso_ms(at), "object": object}).to_string());
        id
    }

    /// A post at `at`; returns its id.
    pub fn post(&mut self, at: Millis, author: u64, say: &Say) -> u64 {
        let id = self.id(at);
        let sid = id.to_string();
        let account = self.accounts[&author].clone();
        let mut ids: Vec<u64> = Vec::new();
        for m in &say.mentions {
            if !ids.contains(m) && *m != author {
                ids.push(*m);
            }
        }
        let mentions: Vec<Value> = ids.iter().filter_map(|m| self.accounts.get(m)).map(entities::mention_of).collect();
        let mut text = say.text.clone();
        for m in &mentions {
            if let Some(acct) = m["acct"].as_str() {
                text.push_str(&format!(" @{acct}"));
            }
        }
        let media = match &say.image {
            Some((hash, desc, size)) => {
                vec![entities::image_attachment(&format!("{id}1"), DOMAIN, hash, desc.as_deref(), *size)]
            }
            None => Vec::new(),
        };
        let reply = say.reply_to.map(|(s, a)| (s.to_string(), a.to_string()));
        let seed = StatusSeed {
            id: &sid,
            created_at_ms: at,
            account,
            text: &text,
            visibility: "public",
            mentions,
            in_reply_to: reply.as_ref().map(|(s, a)| (s.as_str(), a.as_str())),
            language: Some("en"),
            media,
            ..Default::default()
        };
        let status = entities::status(&seed);
        let remote = status["account"]["acct"].as_str().is_some_and(|a| a.contains('@'));
        let line = if remote {
            json!({"stream": ["public"], "event": "update", "payload": status.to_string()})
        } else {
            json!({"event": "status.created", "created_at": iso_ms(at), "object": status})
        };
        self.push(at, line.to_string());
        id
    }

    /// Marks an account as one a guard must contain, hostile from `start`.
    pub fn expect_bad(&mut self, id: u64, start: Millis) {
        self.bad.insert(id, Expect::Contain);
        let s = self.bad_start.entry(id).or_insert(start);
        *s = (*s).min(start);
    }

    /// The capture, sorted by time (lines of one millisecond in the order written).
    pub fn capture(&self) -> String {
        let mut lines: Vec<&(Millis, u64, String)> = self.lines.iter().collect();
        lines.sort_by_key(|(t, n, _)| (*t, *n));
        let mut out = String::new();
        for (_, _, l) in lines {
            out.push_str(l);
            out.push('\n');
        }
        out
    }
}
