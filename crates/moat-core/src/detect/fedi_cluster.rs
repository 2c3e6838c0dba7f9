//! Campaigns across new accounts: the same image, link, text or sign-up network, used by
//! several new accounts whose posts each reach strangers.
//!
//! A wave's script varies its text but posts one of a few images, links the same invite,
//! and registers from a few networks. Any one shared feature among a few *new* accounts that
//! *all* mention strangers (or link somewhere) is the wave's signature; a real crowd of
//! newcomers shares features too (the news link that brought them, `#introductions`), but
//! its posts do not reach strangers, and most of its uses of a key are quiet. So quiet posts
//! of new accounts are recorded too, and a key is a campaign's only when the accounts that
//! used it loudly outnumber those that used it quietly many times over. Keys are hashes the engine computes (see
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
    /// The post reached strangers.
    pub loud: bool,
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
    /// The posts whose accounts to contain: all of them when the campaign is found, the new
    /// one's after.
    pub uses: Vec<Use>,
    /// Distinct loud accounts that used the key in the window.
    pub accounts: usize,
}

/// The keys new accounts' loud posts used recently.
#[derive(Debug, Clone, Default)]
pub struct ClusterWatch {
    keys: IdMap<u64, Track>,
}

impl ClusterWatch {
    /// Uses kept per key at most: enough to name a wave's accounts in order.
    const MAX_USES: usize = 512;

    /// Loud accounts a campaign needs per quiet one among a key's users.
    const LOUD_PER_QUIET: usize = 4;

    /// Records a post under each of its keys (each with the distinct loud accounts it needs);
    /// returns, for a loud post, the campaign of the first key that now holds that many
    /// within `window`, and [`Self::LOUD_PER_QUIET`] times as many loud accounts as quiet ones.
    pub fn observe(
        &mut self,
        now: Millis,
        window: Millis,
        post: Use,
        keys: &[(KeyKind, u64, usize)],
    ) -> Option<Campaign> {
        let mut found = None;
        for &(kind, key, min_accounts) in keys {
            let t = self.keys.entry(key).or_default();
            t.kind = Some(kind);
            if !t.found {
                t.uses.retain(|u| now.saturating_sub(u.ts) < window);
            }
            if t.uses.len() < Self::MAX_USES && !t.uses.iter().any(|u| u.status == post.status) {
                t.uses.push(post);
            }
            if !post.loud {
                continue;
            }
            let distinct = |loud: bool| {
                let mut a: Vec<UserId> = t.uses.iter().filter(|u| u.loud == loud).map(|u| u.user).collect();
                a.sort_unstable();
                a.dedup();
                a.len()
            };
            let (loud, quiet) = (distinct(true), distinct(false));
            if found.is_some() {
                continue;
            }
            if t.found {
                // A campaign found earlier: this post's account joins it (the rest are
                // contained already), counted among all it has.
                let accounts = loud;
                found = Some(Campaign { kind, key, uses: vec![post], accounts });
            } else if loud >= min_accounts && loud >= Self::LOUD_PER_QUIET * quiet {
                t.found = true;
                let uses = t.uses.iter().filter(|u| u.loud).copied().collect();
                found = Some(Campaign { kind, key, uses, accounts: loud });
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
        Use { ts, user: UserId(user), status: MessageId(status), loud: true }
    }

    #[test]
    fn a_key_a_quiet_crowd_shares_is_no_campaign() {
        let mut w = ClusterWatch::default();
        let keys = [(KeyKind::Link, 3, 3)];
        for i in 0..10 {
            assert!(w.observe(i, 100, Use { loud: false, ..post(i, 100 + i, 100 + i) }, &keys).is_none());
        }
        for i in 0..5 {
            assert!(w.observe(20 + i, 100, post(20 + i, i, i), &keys).is_none(), "5 loud among 10 quiet");
        }
    }

    #[test]
    fn three_accounts_sharing_an_image_make_a_campaign() {
        let mut w = ClusterWatch::default();
        let keys = [(KeyKind::Image, 42, 3)];
        assert!(w.observe(0, 100, post(0, 1, 1), &keys).is_none());
        assert!(w.observe(1, 100, post(1, 1, 2), &keys).is_none(), "one account twice is no campaign");
        assert!(w.observe(2, 100, post(2, 2, 3), &keys).is_none());
        let c = w.observe(3, 100, post(3, 3, 4), &keys).expect("third account");
        assert_eq!(c.kind, KeyKind::Image);
        assert_eq!(c.uses.len(), 4);
        let later = w.observe(500, 100, post(500, 9, 5), &keys).expect("a found campaign takes newcomers");
        assert_eq!(later.uses, vec![post(500, 9, 5)]);
    }

    #[test]
    fn uses_outside_the_window_do_not_count() {
        let mut w = ClusterWatch::default();
        let keys = [(KeyKind::Link, 7, 3)];
        w.observe(0, 100, post(0, 1, 1), &keys);
        w.observe(50, 100, post(50, 2, 2), &keys);
        assert!(w.observe(150, 100, post(150, 3, 3), &keys).is_none());
        w.sweep(300, 100);
        assert!(w.is_empty());
    }
}
