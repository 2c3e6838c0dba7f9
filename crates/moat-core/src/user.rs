//! Per-member state: pressure, mention window, strikes and containment, in under 100 bytes.
//!
//! One of these exists for each member who spoke (or was acted on) recently. The engine's
//! sweep drops it once it holds nothing: pressure decayed to zero, no recent mentions, no
//! strikes left, no containment running. Memory then tracks active users, not all users ever
//! seen, and stays flat over a day of traffic.

use crate::action::Millis;
use crate::id::IncidentId;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct UserState {
    /// Sweetie-style pressure, decayed up to `last_msg`.
    pub pressure: f32,
    /// Strikes, decayed up to `strikes_at`.
    pub strikes: f32,
    /// Time of the last message (or edit) that added pressure.
    pub last_msg: Millis,
    /// Fingerprint of that message, for repeats.
    pub last_fp: u64,
    /// Start of the current burst: messages since pressure was last zero.
    pub burst_start: Millis,
    pub burst_msgs: u16,
    pub burst_repeats: u16,
    /// Weighted mentions since `mention_start`.
    pub mention_count: u16,
    pub mention_start: Millis,
    pub strikes_at: Millis,
    /// Contained (timed out, silenced, kicked or banned) until then.
    pub contained_until: Millis,
    /// Last time anything happened to this user.
    pub last_seen: Millis,
    /// When their account was created, as their last message or join said (0: unknown).
    pub account_created: Millis,
    /// The incident that contained them, for what they post while contained.
    pub incident: Option<IncidentId>,
}

impl UserState {
    pub fn is_contained(&self, now: Millis) -> bool {
        self.contained_until > now
    }

    /// Strikes left at `now`, forgiving one every `decay_ms`.
    pub fn strikes_at(&self, now: Millis, decay_ms: u64) -> f32 {
        let forgiven = now.saturating_sub(self.strikes_at) as f32 / decay_ms.max(1) as f32;
        (self.strikes - forgiven).max(0.0)
    }

    /// Whether the state still matters at `now`, or can be dropped.
    pub fn is_idle(&self, now: Millis, idle_ms: u64, strike_decay_ms: u64) -> bool {
        !self.is_contained(now)
            && now.saturating_sub(self.last_seen) >= idle_ms
            && self.strikes_at(now, strike_decay_ms) == 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stays_small() {
        assert!(std::mem::size_of::<UserState>() <= 104, "{}", std::mem::size_of::<UserState>());
    }

    #[test]
    fn strikes_decay_and_state_goes_idle() {
        let s = UserState { strikes: 2.0, strikes_at: 0, last_seen: 0, ..Default::default() };
        assert_eq!(s.strikes_at(0, 100), 2.0);
        assert_eq!(s.strikes_at(150, 100), 0.5);
        assert!(!s.is_idle(150, 10, 100));
        assert!(s.is_idle(200, 10, 100));
        let contained = UserState { contained_until: 500, ..Default::default() };
        assert!(!contained.is_idle(400, 10, 100));
        assert!(contained.is_idle(500, 10, 100));
    }
}
