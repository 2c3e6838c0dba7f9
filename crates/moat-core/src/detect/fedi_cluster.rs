//! Campaigns across new accounts: the same image, link, text or sign-up network, used by
//! several new accounts whose posts each reach strangers.
//!
//! A wave's script varies its text but posts one of a few images, links the same invite,
//! and registers from a few networks. Any one shared feature among a few *new* accounts that
//! *all* mention strangers (or link somewhere) is the wave's signature; a real crowd of
//! newcomers shares features too (the news link that brought them, `#introductions`), but
//! its posts do not reach strangers. Keys are hashes the engine computes (see
//! `engine::fedi`); each remembers the distinct accounts that used it within a window.

use crate::action::Millis;
use crate::id::{MessageId, UserId};
use crate::idmap::IdMap;

/// What a shared key is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyKind {
    Image,
    Link,
    Text,
    Network,
    EmailDomain,
}

impl KeyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Image => "image",
            KeyKind::Link => "link",
            KeyKind::Text => "text",
            KeyKind::Network => "sign-up network",
            KeyKind::EmailDomain => "e-mail domain",
        }
    }
}

/// One post seen under a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    pub ts: Millis,
    pub user: UserId,
    pub status: MessageId,
}

#[derive(Debug, Clone, Default)]
struct Track {
    kind: Option<KeyKind>,
    uses: Vec<Use>,
    /// The campaign was found: later users of the key join it at once.
    found: bool,
}

/// A campaign found (or grown): the key and every account that used it in the window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Campaign {
    pub kind: KeyKind,
    pub key: u64,
    pub uses: Vec<Use>,
}

/// The keys new accounts' loud posts used recently.
#[derive(Debug, Clone, Default)]
pub struct ClusterWatch {
    keys: IdMap<u64, Track>,
}

impl ClusterWatch {
    /// Uses kept per key at most: enough to name a wave's accounts in order.
    const MAX_USES: usize = 512;

    /// Records a loud post under each of its keys; returns the campaign of the first key
    /// that now holds `min_accounts` distinct accounts within `window`.
    pub fn observe(
        &mut self,
        now: Millis,
        window: Millis,
        min_accounts: usize,
        post: Use,
        keys: &[(KeyKind, u64)],
    ) -> Option<Campaign> {
        let mut found = None;
        for &(kind, key) in keys {
            let t = self.keys.entry(key).or_default();
            t.kind = Some(kind);
            if !t.found {
                t.uses.retain(|u| now.saturating_sub(u.ts) < window);
            }
            if t.uses.len() < Self::MAX_USES && !t.uses.iter().any(|u| u.status == post.status) {
                t.uses.push(post);
            }
            let mut accounts: Vec<UserId> = t.uses.iter().map(|u| u.user).collect();
            accounts.sort_unstable();
            accounts.dedup();
            if found.is_none() && (t.found || accounts.len() >= min_accounts) {
                t.found = true;
                found = Some(Campaign { kind, key, uses: t.uses.clone() });
            }
        }
        found
    }

    /// Forgets keys idle for `window` (found campaigns too: a wave that comes back is found
    /// again).
    pub fn sweep(&mut self, now: Millis, window: Millis) {
        self.keys.retain(|_, t| t.uses.last().is_some_and(|u| now.saturating_sub(u.ts) < window));
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(ts: Millis, user: u64, status: u64) -> Use {
        Use { ts, user: UserId(user), status: MessageId(status) }
    }

    #[test]
    fn three_accounts_sharing_an_image_make_a_campaign() {
        let mut w = ClusterWatch::default();
        let keys = [(KeyKind::Image, 42)];
        assert!(w.observe(0, 100, 3, post(0, 1, 1), &keys).is_none());
        assert!(w.observe(1, 100, 3, post(1, 1, 2), &keys).is_none(), "one account twice is no campaign");
        assert!(w.observe(2, 100, 3, post(2, 2, 3), &keys).is_none());
        let c = w.observe(3, 100, 3, post(3, 3, 4), &keys).expect("third account");
        assert_eq!(c.kind, KeyKind::Image);
        assert_eq!(c.uses.len(), 4);
        let later = w.observe(500, 100, 3, post(500, 9, 5), &keys).expect("a found campaign takes newcomers");
        assert_eq!(later.uses.last().map(|u| u.user), Some(UserId(9)));
    }

    #[test]
    fn uses_outside_the_window_do_not_count() {
        let mut w = ClusterWatch::default();
        let keys = [(KeyKind::Link, 7)];
        w.observe(0, 100, 3, post(0, 1, 1), &keys);
        w.observe(50, 100, 3, post(50, 2, 2), &keys);
        assert!(w.observe(150, 100, 3, post(150, 3, 3), &keys).is_none());
        w.sweep(300, 100);
        assert!(w.is_empty());
    }
}
