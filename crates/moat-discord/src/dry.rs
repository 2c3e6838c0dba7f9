//! Dry run: decide exactly as usual, do nothing but alert.
//!
//! A careful community adopts a guard by watching it first. With `moat run --dry-run` (every
//! guild) or a guild's `live.dry_run = true`, the engine runs unchanged; the engine task then
//! turns each action that would call Discord (delete, timeout, silence, kick, ban, lockdown,
//! unlock) into an `alert` saying "would have …" before anything else sees it. So the store
//! records alerts (no timers to lift, nothing to undo), the executor makes no moderation
//! call, and the incident's one alert message reads "What moat would have done". The alert
//! channel is told once when a guild enters or leaves dry run ([`notice`]).

use moat_core::action::human_duration;
use moat_core::{Action, ActionKind, Config};

use moat_core::id::GuildId;

/// The evidence fact naming what a dry-run alert stands for (`timeout`, `ban`...).
pub const WOULD_HAVE: &str = "would_have";

/// Whether `guild` is in dry run.
pub fn is_dry(all: bool, config: &Config, guild: GuildId) -> bool {
    all || config.for_guild(guild).live.dry_run
}

/// The action as a dry run shows it: an alert saying what would have been done, or the
/// action itself when it calls nothing (alerts, flags).
pub fn would_have(mut a: Action) -> Action {
    let len = a.duration_ms.map(|d| format!(" for {}", human_duration(d))).unwrap_or_default();
    let who = match a.user_ids.as_slice() {
        [] => String::new(),
        [u] => format!(" <@{u}>"),
        many => format!(" {} members", many.len()),
    };
    let what = match a.kind {
        ActionKind::DeleteMessage => {
            format!("deleted a message{}", a.channel_id.map(|c| format!(" in <#{c}>")).unwrap_or_default())
        }
        ActionKind::Timeout => format!("timed out{who}{len}"),
        ActionKind::Silence => format!("silenced{who}{len}"),
        ActionKind::Kick => format!("kicked{who}"),
        ActionKind::Ban => format!("banned{who}"),
        ActionKind::Lockdown => format!("locked the server down{len}"),
        ActionKind::Unlock => "lifted the lockdown".to_string(),
        ActionKind::Alert | ActionKind::Flag => return a,
    };
    a.evidence.facts.push((WOULD_HAVE.to_string(), a.kind.as_str().to_string()));
    a.reason = format!("dry run: would have {what}: {}", a.reason);
    a.kind = ActionKind::Alert;
    a.ask = None;
    a
}

/// What a dry-run alert stands for, if it is one.
pub fn stands_for(a: &Action) -> Option<ActionKind> {
    if a.kind != ActionKind::Alert {
        return None;
    }
    a.evidence.facts.iter().find(|(k, _)| k == WOULD_HAVE).and_then(|(_, v)| ActionKind::parse(v))
}

/// What the alert channel is told when a guild enters (`true`) or leaves dry run.
pub fn notice(dry: bool) -> String {
    if dry {
        "**moat is in dry run in this server:** it decides as usual but deletes, times out, bans \
         and locks down nothing; each alert says what it would have done. Turn it off with \
         `/moat setting live dry_run false` (or without `--dry-run`)."
            .into()
    } else {
        "**moat has left dry run in this server:** from now on it acts on what it decides.".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::id::UserId;
    use moat_core::Detector;

    #[test]
    fn a_timeout_becomes_an_alert_saying_what_it_would_have_done() {
        let t = Action::new(1, GuildId(1), ActionKind::Timeout, Detector::Raid, "joined during a raid".into())
            .user(UserId(7))
            .duration(6 * 3_600_000);
        let a = would_have(t);
        assert_eq!(a.kind, ActionKind::Alert);
        assert_eq!(a.reason, "dry run: would have timed out <@7> for 6 h: joined during a raid");
        assert_eq!(stands_for(&a), Some(ActionKind::Timeout));
        let f = Action::new(1, GuildId(1), ActionKind::Flag, Detector::Scam, "suspicious".into());
        assert_eq!(would_have(f.clone()), f, "a flag calls nothing");
        assert_eq!(stands_for(&f), None);
    }
}
