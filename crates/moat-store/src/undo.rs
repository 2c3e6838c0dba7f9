//! How to undo an incident, worked out from its timeline.
//!
//! The store does not talk to Discord; it tells the caller what reverses each kind of
//! action (unban, lift the timeout, remove the silence role, end the lockdown) and what
//! cannot be reversed (a kick, a deleted message, whose content stays in the evidence).

use std::collections::BTreeSet;

use moat_core::id::UserId;
use moat_core::ActionKind;
use serde_json::{json, Value};

use crate::incidents::TimelineEntry;

/// What reverses one kind of action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UndoAction {
    Unban,
    LiftTimeout,
    EndSilence,
    EndLockdown,
    /// What cannot be undone (a kick, a deleted message).
    None,
}

impl UndoAction {
    /// `unban`, `lift_timeout`, `end_silence`, `end_lockdown`, or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            UndoAction::Unban => "unban",
            UndoAction::LiftTimeout => "lift_timeout",
            UndoAction::EndSilence => "end_silence",
            UndoAction::EndLockdown => "end_lockdown",
            UndoAction::None => "none",
        }
    }
}

/// One step of an undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoStep {
    pub action: UndoAction,
    pub user_ids: Vec<UserId>,
    pub note: String,
}

/// Every step, in the order to perform them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UndoPlan {
    pub steps: Vec<UndoStep>,
}

impl UndoPlan {
    /// One line a moderator reads before confirming.
    pub fn describe(&self) -> String {
        if self.steps.is_empty() {
            return "nothing to undo".into();
        }
        self.steps.iter().map(|s| s.note.clone()).collect::<Vec<_>>().join("; ")
    }

    pub fn to_json(&self) -> Value {
        json!({
            "description": self.describe(),
            "steps": self.steps.iter().map(|s| json!({
                "action": s.action.as_str(),
                "user_ids": s.user_ids.iter().map(UserId::to_string).collect::<Vec<_>>(),
                "note": s.note,
            })).collect::<Vec<_>>(),
        })
    }
}

/// The users an action's stored JSON form names.
fn users_of(action: &Value) -> Vec<UserId> {
    let mut out = Vec::new();
    if let Some(u) = action.get("user_id").and_then(Value::as_str).and_then(|s| s.parse().ok()) {
        out.push(u);
    }
    if let Some(us) = action.get("user_ids").and_then(Value::as_array) {
        out.extend(us.iter().filter_map(|u| u.as_str().and_then(|s| s.parse::<UserId>().ok())));
    }
    out
}

fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// Works out the undo of a timeline.
pub fn plan(timeline: &[TimelineEntry]) -> UndoPlan {
    let mut sets: [BTreeSet<UserId>; 4] = Default::default(); // ban, timeout, silence, kick
    let mut locked = false;
    let mut deleted = 0usize;
    for e in timeline {
        let users = users_of(&e.action);
        match e.kind {
            ActionKind::Ban => sets[0].extend(users),
            ActionKind::Timeout => sets[1].extend(users),
            ActionKind::Silence => sets[2].extend(users),
            ActionKind::Kick => sets[3].extend(users),
            ActionKind::Lockdown => locked = true,
            ActionKind::Unlock => locked = false,
            ActionKind::DeleteMessage => deleted += 1,
            ActionKind::Alert | ActionKind::Flag => {}
        }
    }
    let mut steps = Vec::new();
    if locked {
        steps.push(UndoStep { action: UndoAction::EndLockdown, user_ids: Vec::new(), note: "end the lockdown".into() });
    }
    let named = [
        (UndoAction::Unban, "unban"),
        (UndoAction::LiftTimeout, "lift the timeout of"),
        (UndoAction::EndSilence, "remove the silence role from"),
    ];
    for (i, &(action, verb)) in named.iter().enumerate() {
        if !sets[i].is_empty() {
            steps.push(UndoStep {
                action,
                user_ids: sets[i].iter().copied().collect(),
                note: format!("{verb} {}", count(sets[i].len(), "member")),
            });
        }
    }
    if !sets[3].is_empty() {
        steps.push(UndoStep {
            action: UndoAction::None,
            user_ids: sets[3].iter().copied().collect(),
            note: format!(
                "{} cannot be brought back automatically (send them an invite)",
                count(sets[3].len(), "kicked member")
            ),
        });
    }
    if deleted > 0 {
        steps.push(UndoStep {
            action: UndoAction::None,
            user_ids: Vec::new(),
            note: format!(
                "{} cannot be restored (what was kept of them is in the evidence export)",
                count(deleted, "deleted message")
            ),
        });
    }
    UndoPlan { steps }
}
