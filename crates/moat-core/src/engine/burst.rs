//! The engine's side of behaviour bursts ([`crate::detect::burst`]): keeping the burst
//! watch in step with the raid watch's joins, judging burst members' posts, and putting the
//! undecided silent members to the moderators.

use crate::action::{Action, ActionKind, Ask, AskVerb, Detector, Millis};
use crate::config::Settings;
use crate::detect::burst::{post_keys, BurstOutcome};
use crate::detect::raid::Outcome;
use crate::id::{GuildId, UserId};

use super::GuildState;

/// Joiners named in an alert's question at most (all are in the ask's `user_ids`).
const ASK_NAMES: usize = 25;

/// After a join: the burst watch takes in the open burst's new joins. A joiner of a
/// confirmed raid's burst who matches its members with confidence is one of them.
pub(super) fn on_join(s: &Settings, g: &mut GuildState, now: Millis) -> Outcome {
    if !s.burst.enabled {
        return Outcome::Nothing;
    }
    let Some((since, _)) = g.raid.burst_span(now) else {
        if !g.raid.in_raid() {
            g.burst.close();
        }
        return Outcome::Nothing;
    };
    let from = if g.burst.is_open() { g.burst.synced().max(since) } else { since };
    let latest = g.burst.sync(since, g.raid.joins_since(from));
    match latest {
        Some((user, m)) if s.burst.contain_silent && m.confident() && g.raid.in_raid() => {
            g.raid.took_part(now, user, format!("joined during a raid matching its members: {}", m.describe()))
        }
        _ => Outcome::Nothing,
    }
}

/// A post by a member of the open burst (not an edit, not exempt).
pub(super) fn on_post(
    s: &Settings,
    g: &mut GuildState,
    now: Millis,
    author: UserId,
    content: &str,
    link_keys: &[u64],
    everyone: bool,
) -> Outcome {
    if !s.burst.enabled || !g.burst.is_open() || g.burst.member_since(author).is_none() {
        return Outcome::Nothing;
    }
    let mut keys = Vec::new();
    post_keys(content, link_keys, everyone, &s.burst, &mut keys);
    match g.burst.on_post(&s.burst, now, author, &keys) {
        BurstOutcome::Nothing => Outcome::Nothing,
        BurstOutcome::TookPart { user_id, reason, also } if also.is_empty() => g.raid.took_part(now, user_id, reason),
        BurstOutcome::TookPart { user_id, reason, mut also } => {
            also.insert(0, user_id);
            g.raid.took_part_many(now, also, format!("{reason}, or matched those who did"))
        }
        BurstOutcome::Confirmed { since, mut members, silent, mut undecided, reason, facts } => {
            if s.burst.contain_silent {
                members.extend(silent);
            } else {
                undecided.extend(silent);
                undecided.sort();
            }
            g.raid.declare_behaviour(&s.raid, now, since, &members, undecided, reason, facts)
        }
    }
}

/// The question a raid alert puts to moderators about joiners moat could not decide on:
/// the alert's text says so, and a flag that names them carries the question (a button).
pub(super) fn ask_about(reason: &mut String, undecided: Vec<UserId>, now: Millis, gid: GuildId) -> Option<Action> {
    if undecided.is_empty() {
        return None;
    }
    let named: Vec<String> = undecided.iter().take(ASK_NAMES).map(UserId::to_string).collect();
    let more = undecided.len().saturating_sub(ASK_NAMES);
    let list = format!("{}{}", named.join(", "), if more > 0 { format!(" and {more} more") } else { String::new() });
    reason.push_str(&format!(
        " {} more joiners of the burst look like the raid but did not take part and are left for you to decide: {list}.",
        undecided.len()
    ));
    let text = format!(
        "raid: {} joiners of the burst look like its members (a name shaped like theirs, an account created \
         with theirs, or an established account with no avatar and a raider's name) but did not take part; \
         contain them as raid members? {list}",
        undecided.len()
    );
    let mut flag = Action::new(now, gid, ActionKind::Flag, Detector::Raid, text).users(undecided.iter().copied());
    flag.ask = Some(Ask {
        label: format!("Contain {} more", undecided.len()),
        verb: AskVerb::ContainRaidMembers,
        user_ids: undecided,
    });
    Some(flag)
}
