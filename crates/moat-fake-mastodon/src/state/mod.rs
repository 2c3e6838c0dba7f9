//! What the fake server holds: accounts (local and remote, with the admin fields), statuses,
//! IP and e-mail domain blocks, and a log of what was done to them, so moat's admin calls on
//! accounts from a capture work as on a real server.
//!
//! The world follows Mastodon's consequences that a guard relies on: a suspended, disabled,
//! pending or rejected account's later posts never happen; a silenced account's posts still
//! fire webhooks but leave the public timeline and the stream; a sign-up from a network behind
//! `sign_up_requires_approval` arrives pending; one from a blocked network or mail domain never
//! arrives at all. Applying capture lines is [`crate::events`]' job; this module only stores.

mod account;
mod blocks;
mod status;

use std::collections::{BTreeMap, HashSet};

pub use account::Account;
pub use blocks::{normalize_domain, EmailDomainBlock, IpBlock, Severity};
pub use status::Status;

use crate::cidr::Cidr;
use crate::ids::{cmp_ids, IdKey, Snowflakes};

/// One moderation call that changed something (`silence`, `suspend`, `approve`, `reject`,
/// `unsilence`, …), in the order it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub kind: String,
    pub account_id: String,
    /// The `text` moat sent with it (its reason), if any.
    pub text: Option<String>,
    pub report_id: Option<String>,
    pub at_ms: u64,
    pub token_id: u64,
}

/// What a new sign-up meets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signup {
    Open,
    /// An IP block with `sign_up_requires_approval` covers its address.
    NeedsApproval,
    /// Refused, with the reason (a blocked mail domain or network).
    Refused(String),
}

/// What happened to sign-ups and posts because of the fake's state.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub actions: Vec<Action>,
    /// Sign-ups that arrived pending because of an IP block.
    pub held_signups: Vec<String>,
    /// Sign-ups that never happened, with why.
    pub refused_signups: Vec<(String, String)>,
    /// Status ids from a capture that were not delivered (their author could not post).
    pub suppressed_posts: Vec<String>,
}

/// Which statuses `GET /api/v1/timelines/public` asks for.
#[derive(Debug, Clone, Default)]
pub struct TimelineQuery {
    pub local: bool,
    pub remote: bool,
    pub only_media: bool,
    pub max_id: Option<String>,
    pub since_id: Option<String>,
    pub min_id: Option<String>,
    pub limit: usize,
}

/// The server's state.
#[derive(Debug)]
pub struct World {
    domain: String,
    accounts: BTreeMap<IdKey, Account>,
    statuses: BTreeMap<IdKey, Status>,
    ip_blocks: Vec<IpBlock>,
    email_blocks: Vec<EmailDomainBlock>,
    next_block: u64,
    pub(crate) ids: Snowflakes,
    /// Accounts rejected, refused or deleted: whatever a capture says of them later is dropped.
    gone: HashSet<String>,
    /// Versions of statuses already sent as webhooks / on the stream (deliveries are once).
    pub(crate) webhooked: HashSet<String>,
    pub(crate) streamed: HashSet<String>,
    posted: Vec<String>,
    pub log: Log,
}

/// Takes one page of items ordered newest first, as Mastodon's `paginate_by_id` does:
/// `max_id` and `since_id` bound it, `min_id` asks for the oldest ones right after it.
pub(crate) fn page<T>(
    desc: Vec<(String, T)>,
    max_id: Option<&str>,
    since_id: Option<&str>,
    min_id: Option<&str>,
    limit: usize,
) -> Vec<(String, T)> {
    use std::cmp::Ordering::{Greater, Less};
    let kept: Vec<(String, T)> = desc
        .into_iter()
        .filter(|(id, _)| max_id.is_none_or(|m| cmp_ids(id, m) == Less))
        .filter(|(id, _)| since_id.is_none_or(|m| cmp_ids(id, m) == Greater))
        .filter(|(id, _)| min_id.is_none_or(|m| cmp_ids(id, m) == Greater))
        .collect();
    if min_id.is_some() {
        let skip = kept.len().saturating_sub(limit);
        kept.into_iter().skip(skip).collect()
    } else {
        kept.into_iter().take(limit).collect()
    }
}

impl World {
    pub fn new(domain: &str) -> World {
        World {
            domain: domain.to_string(),
            accounts: BTreeMap::new(),
            statuses: BTreeMap::new(),
            ip_blocks: Vec::new(),
            email_blocks: Vec::new(),
            next_block: 1,
            ids: Snowflakes::tagged(0xF000),
            gone: HashSet::new(),
            webhooked: HashSet::new(),
            streamed: HashSet::new(),
            posted: Vec::new(),
            log: Log::default(),
        }
    }

    /// This server's domain (local accounts' `acct` has none; their URLs use it).
    pub fn domain(&self) -> &str {
        &self.domain
    }

    pub fn account(&self, id: &str) -> Option<&Account> {
        self.accounts.get(&IdKey(id.to_string()))
    }

    pub fn account_mut(&mut self, id: &str) -> Option<&mut Account> {
        self.accounts.get_mut(&IdKey(id.to_string()))
    }

    /// Every account, newest (highest id) first.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.accounts.values().rev()
    }

    /// The account with this `acct` (`user` or `user@domain`), case-insensitively.
    pub fn account_by_acct(&self, acct: &str) -> Option<&Account> {
        let acct = acct.trim_start_matches('@');
        let (user, domain) = match acct.split_once('@') {
            Some((u, d)) if !d.eq_ignore_ascii_case(&self.domain) => (u, Some(d)),
            Some((u, _)) => (u, None),
            None => (acct, None),
        };
        self.accounts.values().find(|a| {
            a.username.eq_ignore_ascii_case(user)
                && match (&a.domain, domain) {
                    (None, None) => true,
                    (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
                    _ => false,
                }
        })
    }

    /// Adds an account unless one with its id exists or it is gone; says whether it did.
    pub fn add_account(&mut self, a: Account) -> bool {
        let key = IdKey(a.id.clone());
        if self.gone.contains(&a.id) || self.accounts.contains_key(&key) {
            return false;
        }
        self.accounts.insert(key, a);
        true
    }

    /// Deletes an account (a rejected sign-up): it is gone, and so are its later lines.
    pub fn remove_account(&mut self, id: &str) -> Option<Account> {
        self.gone.insert(id.to_string());
        self.accounts.remove(&IdKey(id.to_string()))
    }

    /// Marks an id whose sign-up was refused: it never existed, and its posts never happen.
    pub fn mark_gone(&mut self, id: &str) {
        self.gone.insert(id.to_string());
    }

    pub fn is_gone(&self, id: &str) -> bool {
        self.gone.contains(id)
    }

    /// What a sign-up with this e-mail and address meets now.
    pub fn signup_verdict(&mut self, email: Option<&str>, ip: Option<&str>, now_ms: u64) -> Signup {
        if let Some(b) = email.and_then(|e| self.email_blocks.iter().find(|b| b.covers(e))) {
            return Signup::Refused(format!("e-mail domain {} is blocked", b.domain));
        }
        let worst = ip.and_then(|ip| {
            self.ip_blocks(now_ms).into_iter().filter(|b| b.cidr.contains_str(ip)).map(|b| b.severity).max()
        });
        match worst {
            Some(Severity::SignUpRequiresApproval) => Signup::NeedsApproval,
            Some(s) => Signup::Refused(format!("IP block ({})", s.as_str())),
            None => Signup::Open,
        }
    }

    /// The IP blocks in force, newest first (expired ones are dropped here).
    pub fn ip_blocks(&mut self, now_ms: u64) -> Vec<&IpBlock> {
        self.ip_blocks.retain(|b| !b.expired(now_ms));
        self.ip_blocks.iter().rev().collect()
    }

    fn next_block_id(&mut self) -> String {
        let id = self.next_block;
        self.next_block += 1;
        id.to_string()
    }

    /// Adds an IP block; `Err` with Mastodon's validation message when it has one already.
    pub fn add_ip_block(
        &mut self,
        cidr: Cidr,
        severity: Severity,
        comment: &str,
        expires_in_s: Option<u64>,
        now_ms: u64,
    ) -> Result<IpBlock, String> {
        if self.ip_blocks(now_ms).iter().any(|b| b.cidr == cidr) {
            return Err("Validation failed: Ip has already been taken".into());
        }
        let block = IpBlock {
            id: self.next_block_id(),
            cidr,
            severity,
            comment: comment.to_string(),
            created_at_ms: now_ms,
            expires_at_ms: expires_in_s.map(|s| now_ms.saturating_add(s.saturating_mul(1000))),
        };
        self.ip_blocks.push(block.clone());
        Ok(block)
    }

    pub fn remove_ip_block(&mut self, id: &str, now_ms: u64) -> Option<IpBlock> {
        self.ip_blocks(now_ms);
        let i = self.ip_blocks.iter().position(|b| b.id == id)?;
        Some(self.ip_blocks.remove(i))
    }

    /// The e-mail domain blocks, newest first.
    pub fn email_blocks(&self) -> Vec<&EmailDomainBlock> {
        self.email_blocks.iter().rev().collect()
    }

    /// Adds an e-mail domain block (`domain` already normalised).
    pub fn add_email_block(&mut self, domain: &str, now_ms: u64) -> Result<EmailDomainBlock, String> {
        if self.email_blocks.iter().any(|b| b.domain == domain) {
            return Err("Validation failed: Domain has already been taken".into());
        }
        let b = EmailDomainBlock { id: self.next_block_id(), domain: domain.to_string(), created_at_ms: now_ms };
        self.email_blocks.push(b.clone());
        Ok(b)
    }

    pub fn remove_email_block(&mut self, id: &str) -> Option<EmailDomainBlock> {
        let i = self.email_blocks.iter().position(|b| b.id == id)?;
        Some(self.email_blocks.remove(i))
    }

    pub fn status(&self, id: &str) -> Option<&Status> {
        self.statuses.get(&IdKey(id.to_string()))
    }

    /// Every status, oldest first (deleted ones included, marked).
    pub fn statuses(&self) -> impl Iterator<Item = &Status> {
        self.statuses.values()
    }

    /// Stores a status, replacing an older version of it.
    pub fn put_status(&mut self, s: Status) {
        self.statuses.insert(IdKey(s.id.clone()), s);
    }

    /// Marks a status deleted; returns it.
    pub fn delete_status(&mut self, id: &str) -> Option<&Status> {
        let s = self.statuses.get_mut(&IdKey(id.to_string()))?;
        s.deleted = true;
        Some(s)
    }

    /// Whether the public timeline and stream show this status now.
    pub fn is_public(&self, s: &Status) -> bool {
        s.visibility == "public"
            && !s.deleted
            && self.account(&s.account_id).is_some_and(|a| !a.suspended && !a.silenced)
            && !self.is_gone(&s.account_id)
    }

    /// `GET /api/v1/timelines/public`: newest first.
    pub fn public_timeline(&self, q: &TimelineQuery) -> Vec<&Status> {
        let desc: Vec<(String, &Status)> = self
            .statuses
            .values()
            .rev()
            .filter(|s| self.is_public(s))
            .filter(|s| (!q.local || s.local) && (!q.remote || !s.local))
            .filter(|s| !q.only_media || s.has_media)
            .map(|s| (s.id.clone(), s))
            .collect();
        page(desc, q.max_id.as_deref(), q.since_id.as_deref(), q.min_id.as_deref(), q.limit)
            .into_iter()
            .map(|(_, s)| s)
            .collect()
    }

    /// Notes a status posted through the API.
    pub fn note_posted(&mut self, id: &str) {
        self.posted.push(id.to_string());
    }

    /// The statuses posted through the API, in order.
    pub fn posted(&self) -> Vec<&Status> {
        self.posted.iter().filter_map(|id| self.status(id)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[(String, ())]) -> Vec<&str> {
        v.iter().map(|(i, _)| i.as_str()).collect()
    }

    #[test]
    fn pages_like_mastodon() {
        let desc = || (1..=10).rev().map(|i| (i.to_string(), ())).collect::<Vec<_>>();
        assert_eq!(ids(&page(desc(), None, None, None, 3)), vec!["10", "9", "8"]);
        assert_eq!(ids(&page(desc(), Some("8"), None, None, 3)), vec!["7", "6", "5"]);
        assert_eq!(ids(&page(desc(), None, Some("8"), None, 5)), vec!["10", "9"]);
        assert_eq!(ids(&page(desc(), None, None, Some("2"), 3)), vec!["5", "4", "3"], "min_id: just after it");
    }

    #[test]
    fn ip_blocks_expire_on_the_clock_and_hold_signups() {
        let mut w = World::new("here.example");
        let cidr = Cidr::parse("192.0.2.0/24").expect("valid");
        w.add_ip_block(cidr, Severity::SignUpRequiresApproval, "wave", Some(60), 1_000).expect("new");
        assert!(w.add_ip_block(cidr, Severity::NoAccess, "", None, 2_000).is_err(), "one block a network");
        assert_eq!(w.signup_verdict(None, Some("192.0.2.9"), 30_000), Signup::NeedsApproval);
        assert_eq!(w.signup_verdict(None, Some("192.0.3.9"), 30_000), Signup::Open);
        assert_eq!(w.signup_verdict(None, Some("192.0.2.9"), 61_001), Signup::Open, "expired");
        assert!(w.ip_blocks(61_001).is_empty());
        w.add_email_block("spam.example", 0).expect("new");
        assert!(matches!(w.signup_verdict(Some("a@spam.example"), None, 0), Signup::Refused(_)));
    }
}
