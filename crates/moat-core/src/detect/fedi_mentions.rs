//! Mentions of strangers: accounts a post reaches that never reached its author.
//!
//! A fediverse spam wave's posts each mention about ten people picked from the federated
//! timeline, people who never mentioned or replied to the spammer. Real people mention those
//! they talk with: a thread's participants (carried along by every reply), friends who wrote
//! to them. So what counts is not mentions but *strangers*: mentioned accounts that are
//! neither in the thread a post replies to nor ever reached out to its author. They are
//! counted per post and across an account's posts within a window (a script spreading its
//! mentions thin over many posts reaches as many strangers).

use crate::action::Millis;
use crate::id::UserId;

/// Accounts that reached out to a user (mentioned or replied to them), most recent last,
/// at most [`Contacts::MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contacts(Vec<UserId>);

impl Contacts {
    /// Contacts kept per account: enough for anyone's active conversations.
    pub const MAX: usize = 64;

    pub fn add(&mut self, who: UserId) {
        if let Some(i) = self.0.iter().position(|&u| u == who) {
            self.0.remove(i);
        } else if self.0.len() >= Self::MAX {
            self.0.remove(0);
        }
        self.0.push(who);
    }

    pub fn contains(&self, who: UserId) -> bool {
        self.0.contains(&who)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The mentioned accounts that are strangers to `author`: not the author, not in `thread`
/// (the replied-to status's author and mentions), not among the author's contacts.
pub fn strangers(author: UserId, mentions: &[UserId], thread: &[UserId], contacts: &Contacts) -> Vec<UserId> {
    let mut out: Vec<UserId> = Vec::new();
    for &m in mentions {
        if m != author && !thread.contains(&m) && !contacts.contains(m) && !out.contains(&m) {
            out.push(m);
        }
    }
    out
}

/// The strangers one account mentioned recently, each once with when it was last mentioned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StrangerWindow(Vec<(Millis, UserId)>);

impl StrangerWindow {
    /// Distinct strangers kept at most (past any threshold worth having).
    const MAX: usize = 256;

    /// Records this post's strangers and returns how many distinct ones fall within
    /// `window` of `now`.
    pub fn add(&mut self, now: Millis, window: Millis, strangers: &[UserId]) -> usize {
        self.0.retain(|&(t, u)| now.saturating_sub(t) < window && !strangers.contains(&u));
        for &u in strangers {
            if self.0.len() >= Self::MAX {
                self.0.remove(0);
            }
            self.0.push((now, u));
        }
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(v: &[u64]) -> Vec<UserId> {
        v.iter().map(|&i| UserId(i)).collect()
    }

    #[test]
    fn thread_participants_contacts_and_the_author_are_no_strangers() {
        let mut c = Contacts::default();
        c.add(UserId(5));
        let s = strangers(UserId(1), &ids(&[1, 2, 3, 4, 5, 6, 6]), &ids(&[2, 3]), &c);
        assert_eq!(s, ids(&[4, 6]));
    }

    #[test]
    fn contacts_are_bounded_and_keep_the_recent() {
        let mut c = Contacts::default();
        for i in 0..(Contacts::MAX as u64 + 10) {
            c.add(UserId(i));
        }
        assert!(!c.contains(UserId(0)));
        assert!(c.contains(UserId(Contacts::MAX as u64 + 9)));
        c.add(UserId(10));
        c.add(UserId(1000));
        assert!(c.contains(UserId(10)), "re-adding refreshes");
    }

    #[test]
    fn the_window_counts_distinct_strangers_and_forgets_old_ones() {
        let mut w = StrangerWindow::default();
        assert_eq!(w.add(0, 100, &ids(&[1, 2, 3])), 3);
        assert_eq!(w.add(50, 100, &ids(&[3, 4])), 4);
        assert_eq!(w.add(120, 100, &ids(&[5])), 3, "1 and 2 fell out of the window");
    }
}
