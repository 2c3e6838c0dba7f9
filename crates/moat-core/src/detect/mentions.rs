//! Mention spam: many people pinged in one message, or across a short window.
//!
//! A ping costs its target attention, so mentions are counted by reach: a user counts once,
//! a role `role_weight` times, `@everyone`/`@here` `everyone_weight` times (whether or not
//! Discord let it ping: the attempt is the signal). Moderators are exempt upstream, so an
//! event host pinging twelve helpers is never touched.

use crate::action::{Detector, Millis};
use crate::config::MentionSettings;
use crate::event::Message;
use crate::id::UserId;
use crate::text::TextStats;
use crate::user::UserState;

use super::Finding;

/// Weighted mentions in one message.
pub fn weight(s: &MentionSettings, msg: &Message, stats: &TextStats) -> u32 {
    let everyone = msg.mention_everyone || stats.everyone;
    msg.user_mentions + msg.role_mentions * s.role_weight + if everyone { s.everyone_weight } else { 0 }
}

/// Counts the message's mentions into the user's window and says whether either limit is hit.
pub fn check(s: &MentionSettings, user: &mut UserState, weight: u32, now: Millis) -> Option<Finding> {
    if weight == 0 {
        return None;
    }
    if now.saturating_sub(user.mention_start) > u64::from(s.window_secs) * 1000 {
        user.mention_start = now;
        user.mention_count = 0;
    }
    user.mention_count = user.mention_count.saturating_add(weight.min(u32::from(u16::MAX)) as u16);
    let window = u32::from(user.mention_count);
    let reason = if weight >= s.per_message {
        format!("{weight} mentions in one message (limit {})", s.per_message)
    } else if window >= s.per_window {
        format!("{window} mentions in {} s (limit {})", s.window_secs, s.per_window)
    } else {
        return None;
    };
    user.mention_count = 0;
    Some(
        Finding::contain(Detector::Mentions, UserId(0), reason)
            .fact("mentions", weight)
            .fact("window_mentions", window),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighs_roles_and_everyone() {
        let s = MentionSettings::default();
        let m = Message { user_mentions: 2, role_mentions: 1, content: "@here".into(), ..Default::default() };
        assert_eq!(weight(&s, &m, &TextStats::measure(&m.content)), 2 + s.role_weight + s.everyone_weight);
    }

    #[test]
    fn one_big_ping_is_caught() {
        let s = MentionSettings::default();
        let mut u = UserState::default();
        let f = check(&s, &mut u, 25, 1000).expect("25 pings");
        assert_eq!(f.reason, "25 mentions in one message (limit 12)");
        assert!(check(&s, &mut UserState::default(), 11, 1000).is_none());
    }

    #[test]
    fn many_small_pings_in_a_window_are_caught_and_slow_ones_are_not() {
        let s = MentionSettings::default();
        let mut u = UserState::default();
        let hits: Vec<bool> = (0..4).map(|i| check(&s, &mut u, 6, 1000 + i * 5_000).is_some()).collect();
        assert_eq!(hits, [false, false, false, true]);
        let mut slow = UserState::default();
        assert!((0..10).all(|i| check(&s, &mut slow, 6, 1000 + i * 61_000).is_none()));
    }
}
