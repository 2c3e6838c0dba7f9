//! The ledger: every call the executor owes Discord, until Discord has answered it.
//!
//! A stop (SIGTERM, Ctrl-C) must lose nothing the engine decided: the engine will not decide
//! the same timeout again. The executor turns actions into calls on many lanes, in batches,
//! some gathered for seconds (raid bans); rather than follow each future, it notes each
//! *unit* a call will settle (one message to delete, one member to time out, silence, kick
//! or ban, one guild to lock or unlock) when the action arrives, and crosses it out when
//! the call for it has been answered, well or not (a refused call is not retried on the
//! next start either), or when the permission gate left it out. What is still open after
//! the shutdown grace is what was never sent: [`Ledger::unsent`] gives it back as actions,
//! one a unit, for the store (`moat_store::pending`).

use std::collections::HashMap;
use std::sync::Mutex;

use moat_core::id::{ChannelId, GuildId, MessageId, UserId};
use moat_core::{Action, ActionKind};

use crate::shared::lock;

/// One thing a call settles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    Delete(ChannelId, MessageId),
    Member(ActionKind, GuildId, UserId),
    Guild(ActionKind, GuildId),
}

/// The open units, each with the action (narrowed to that unit) that opened it.
#[derive(Default)]
pub struct Ledger(Mutex<HashMap<Unit, Action>>);

/// The units of an action, each with the action narrowed to it.
fn units(a: &Action) -> Vec<(Unit, Action)> {
    let narrow = |users: Vec<UserId>| {
        let mut n = a.clone();
        n.user_ids = users;
        n.evidence = Default::default();
        n.ask = None;
        n
    };
    match a.kind {
        ActionKind::DeleteMessage => match (a.channel_id, a.message_id) {
            (Some(c), Some(m)) => vec![(Unit::Delete(c, m), narrow(a.user_ids.clone()))],
            _ => Vec::new(),
        },
        ActionKind::Timeout | ActionKind::Silence | ActionKind::Kick | ActionKind::Ban => {
            a.user_ids.iter().map(|&u| (Unit::Member(a.kind, a.guild_id, u), narrow(vec![u]))).collect()
        }
        ActionKind::Lockdown | ActionKind::Unlock => vec![(Unit::Guild(a.kind, a.guild_id), narrow(Vec::new()))],
        ActionKind::Alert | ActionKind::Flag => Vec::new(),
    }
}

impl Ledger {
    /// Notes the calls `a` will need.
    pub fn open(&self, a: &Action) {
        let mut l = lock(&self.0);
        for (u, n) in units(a) {
            l.insert(u, n);
        }
    }

    /// Crosses one unit out: its call was answered (or will never be sent).
    pub fn close(&self, u: Unit) {
        lock(&self.0).remove(&u);
    }

    /// Crosses out every unit of `a` (the permission gate left it out).
    pub fn close_all(&self, a: &Action) {
        let mut l = lock(&self.0);
        for (u, _) in units(a) {
            l.remove(&u);
        }
    }

    /// How many units are open.
    pub fn open_count(&self) -> usize {
        lock(&self.0).len()
    }

    /// The open units as actions, in the order they were decided.
    pub fn unsent(&self) -> Vec<Action> {
        let mut v: Vec<Action> = lock(&self.0).values().cloned().collect();
        v.sort_by_key(|a| (a.ts, a.guild_id, a.kind.as_str(), a.user_ids.first().copied(), a.message_id));
        v
    }
}

/// What a kept action means at the next start, at `now`: sent (with what is left of its
/// length) or dropped (and why).
pub fn still_due(mut a: Action, now: u64) -> Result<Action, String> {
    /// Actions without a length are still wanted this long after they were decided.
    const STALE_MS: u64 = 24 * 3600 * 1000;
    match a.duration_ms {
        Some(d) if matches!(a.kind, ActionKind::Timeout | ActionKind::Silence | ActionKind::Lockdown) => {
            let end = a.ts.saturating_add(d);
            if end <= now {
                return Err(format!("its {} had already passed", moat_core::action::human_duration(d)));
            }
            a.duration_ms = Some(end - now);
        }
        _ if now.saturating_sub(a.ts) > STALE_MS => return Err("it was decided more than a day ago".into()),
        _ => {}
    }
    a.reason = format!("{} (decided before moat restarted)", a.reason);
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::Detector;

    #[test]
    fn a_unit_stays_open_until_its_call_is_answered() {
        let l = Ledger::default();
        let t = Action::new(5, GuildId(1), ActionKind::Timeout, Detector::Raid, "raid".into())
            .users([UserId(7), UserId(8)])
            .duration(60_000);
        l.open(&t);
        l.open(&Action::new(6, GuildId(1), ActionKind::Alert, Detector::Raid, "raid".into()));
        assert_eq!(l.open_count(), 2, "one unit a member; an alert is no call");
        l.close(Unit::Member(ActionKind::Timeout, GuildId(1), UserId(7)));
        let left = l.unsent();
        assert_eq!(left.len(), 1);
        assert_eq!(left[0].user_ids, vec![UserId(8)]);
        l.close_all(&t);
        assert_eq!(l.open_count(), 0);
    }

    #[test]
    fn what_is_still_due_keeps_what_is_left_of_its_length() {
        let t = Action::new(1_000, GuildId(1), ActionKind::Timeout, Detector::Raid, "raid".into())
            .user(UserId(7))
            .duration(60_000);
        assert_eq!(still_due(t.clone(), 31_000).expect("due").duration_ms, Some(30_000));
        assert!(still_due(t, 61_000).unwrap_err().contains("60 s"));
        let ban = Action::new(1_000, GuildId(1), ActionKind::Ban, Detector::Raid, "raid".into()).user(UserId(7));
        assert!(still_due(ban.clone(), 3_600_000).is_ok());
        assert!(still_due(ban, 2 * 24 * 3_600_000).is_err());
    }
}
