//! Escalation: repeat offenders climb a ladder of punishments through strikes that decay.
//!
//! Every containment adds a strike. The rung applied is the number of strikes still held
//! (one forgiven every `strike_decay_hours`), or the detector's minimum rung if higher, so
//! a first flood earns ten minutes, a second one the same day an hour, and a scam goes
//! straight to a day. The ladder itself is configuration (`escalation.ladder`).

use crate::action::{Action, ActionKind, Millis};
use crate::config::{Containment, EscalationSettings, StepKind};
use crate::time::HOUR;
use crate::user::UserState;

/// The punishment decided for one offence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Punishment {
    pub kind: ActionKind,
    pub duration_ms: Option<u64>,
    /// 1-based rung of the ladder.
    pub rung: usize,
    pub strikes: u32,
}

/// Adds a strike to `user` and picks the rung.
pub fn punish(s: &EscalationSettings, user: &mut UserState, min_step: u32, now: Millis) -> Punishment {
    let decay = u64::from(s.strike_decay_hours) * HOUR;
    let strikes = user.strikes_at(now, decay) + 1.0;
    user.strikes = strikes;
    user.strikes_at = now;
    let held = strikes.ceil() as usize;
    let rung = held.max(min_step as usize).clamp(1, s.ladder.len());
    let step = s.ladder[rung - 1];
    let (kind, duration_ms) = step_action(s, step.kind, step.duration_ms);
    user.contained_until = match duration_ms {
        Some(d) => now + d,
        // Kicked or banned: whatever they still post until Discord acts is deleted.
        None => now + HOUR,
    };
    Punishment { kind, duration_ms, rung, strikes: held as u32 }
}

/// The action a rung (or a raid's `action`) takes, with how long for a containment.
pub fn step_action(s: &EscalationSettings, kind: StepKind, contain_ms: u64) -> (ActionKind, Option<u64>) {
    match kind {
        StepKind::Contain => (contain_kind(s), Some(contain_ms)),
        StepKind::Kick => (ActionKind::Kick, None),
        StepKind::Ban => (ActionKind::Ban, None),
    }
}

/// Timeout or silence, as the guild contains.
pub fn contain_kind(s: &EscalationSettings) -> ActionKind {
    match s.containment {
        Containment::Timeout => ActionKind::Timeout,
        Containment::Silence => ActionKind::Silence,
    }
}

/// Adds the punishment's kind and duration to an action skeleton.
pub fn apply(p: &Punishment, mut action: Action) -> Action {
    action.kind = p.kind;
    action.duration_ms = p.duration_ms;
    action
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Step;

    #[test]
    fn offenders_climb_and_strikes_decay() {
        let s = EscalationSettings::default();
        let mut u = UserState::default();
        let first = punish(&s, &mut u, 1, 0);
        assert_eq!((first.kind, first.duration_ms, first.rung), (ActionKind::Timeout, Some(600_000), 1));
        let second = punish(&s, &mut u, 1, HOUR);
        assert_eq!((second.duration_ms, second.rung), (Some(3_600_000), 2));
        // Two days later both strikes are forgiven.
        let later = punish(&s, &mut u, 1, 50 * HOUR);
        assert_eq!(later.rung, 1);
        for i in 0..10 {
            punish(&s, &mut u, 1, 50 * HOUR + i);
        }
        assert_eq!(punish(&s, &mut u, 1, 51 * HOUR).kind, ActionKind::Ban, "the top rung holds");
    }

    #[test]
    fn minimum_rung_and_silence() {
        let s = EscalationSettings {
            containment: Containment::Silence,
            silence_role_id: Some(crate::id::RoleId(5)),
            ladder: vec![Step::contain(1000), Step::contain(2000), Step::parse("kick").unwrap()],
            ..Default::default()
        };
        let mut u = UserState::default();
        let p = punish(&s, &mut u, 2, 0);
        assert_eq!((p.kind, p.duration_ms), (ActionKind::Silence, Some(2000)));
        assert!(u.is_contained(1999) && !u.is_contained(2000));
        assert_eq!(punish(&s, &mut u, 9, 0).kind, ActionKind::Kick, "a rung past the ladder is its top");
    }
}
