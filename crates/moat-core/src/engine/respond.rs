//! From findings to actions: who is exempt, which rung of the ladder, which messages go, and
//! the evidence that goes with each action.
//!
//! Deletions come first in the output so that an adapter can stop spam spreading while the
//! slower calls (timeouts, bans) wait for their rate limits.

use crate::action::{human_duration, incident_id, Action, ActionKind, Detector, Evidence, Millis};
use crate::config::StepKind;
use crate::detect::{
    raid::{Outcome, Phase},
    Doomed, Finding, Severity,
};
use crate::escalation;
use crate::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use crate::idmap::IdSet;
use crate::time::{age_at, HOUR};

use super::{Engine, GuildState};

/// Evidence messages kept per action at most.
const EVIDENCE_MESSAGES: usize = 10;
/// User ids named in an alert's text at most (all are in `user_ids`).
const ALERT_NAMES: usize = 25;

/// What the findings are about.
pub(super) struct Context {
    pub gid: GuildId,
    pub now: Millis,
    /// The author of the message judged (or the member acted on).
    pub author: UserId,
    /// When the author's account was created (0: unknown).
    pub account_created: Millis,
    /// The message judged, as `(channel_id, message_id)`.
    pub message: Option<(ChannelId, MessageId)>,
    /// The author is a moderator, the owner or configured exempt.
    pub exempt: bool,
}

/// Which finding speaks first when several fire on one message.
fn priority(f: &Finding) -> (u8, u8) {
    let severity = match f.severity {
        Severity::Contain { .. } => 0,
        Severity::Hold => 1,
        Severity::Flag => 2,
    };
    let detector = match f.detector {
        Detector::Scam => 0,
        Detector::Campaign => 1,
        Detector::Raid => 2,
        Detector::Mentions => 3,
        Detector::Pressure => 4,
        _ => 5,
    };
    (severity, detector)
}

fn evidence_of(g: &GuildState, messages: impl IntoIterator<Item = MessageId>, facts: &[(String, String)]) -> Evidence {
    let mut ev = Evidence { messages: Vec::new(), facts: facts.to_vec() };
    for id in messages {
        if ev.messages.len() >= EVIDENCE_MESSAGES {
            break;
        }
        // The ring already keeps text cut to `evidence::CONTENT_MAX`.
        if let Some(m) = g.recent.evidence(id) {
            ev.messages.push(m);
        }
    }
    ev
}

/// A deletion, with the deleted message as its evidence when the engine still has it: what
/// is deleted is gone from Discord, so this is the only copy a moderator or an abuse team
/// will ever see.
pub(super) fn delete_action(
    g: &GuildState,
    now: Millis,
    gid: GuildId,
    detector: Detector,
    reason: &str,
    d: Doomed,
) -> Action {
    let a = Action::new(now, gid, ActionKind::DeleteMessage, detector, reason.to_string())
        .user(d.author)
        .message(d.channel, d.message);
    a.evidence(evidence_of(g, [d.message], &[]))
}

/// The account's age (when known) and the strikes it holds.
/// What a recent message's deletion names.
fn doomed_of(r: &crate::recent::RecentMessage) -> Doomed {
    Doomed { channel: r.channel_id, message: r.id, author: r.author_id }
}

/// A raid's incident: the guild's, from the raid's start (no first user).
fn raid_incident(gid: GuildId, since: Millis) -> IncidentId {
    incident_id(gid, Detector::Raid, since, UserId(0))
}

fn age_facts(g: &GuildState, user: UserId, ctx: &Context, facts: &mut Vec<(String, String)>) {
    let created = if user == ctx.author { ctx.account_created } else { 0 };
    let created = if created != 0 { created } else { g.users.get(&user).map_or(0, |u| u.account_created) };
    if created != 0 {
        facts.push(("account_age".into(), human_duration(age_at(created, ctx.now))));
    }
    if let Some(u) = g.users.get(&user) {
        if u.strikes > 0.0 {
            facts.push(("strikes".into(), format!("{}", u.strikes.ceil() as u32)));
        }
    }
}

/// A message held for review: deleted with its evidence, and the moderators asked (an
/// exempt author's is only flagged).
fn hold(g: &GuildState, ctx: &Context, f: &Finding, exempt: bool) -> Option<[Action; 2]> {
    let (channel, message) = ctx.message?;
    let mut facts = f.facts.clone();
    age_facts(g, ctx.author, ctx, &mut facts);
    let ev = evidence_of(g, [message], &facts);
    let kind = if exempt { ActionKind::Flag } else { ActionKind::DeleteMessage };
    let what = if exempt { "flagged" } else { "held for review (deleted, kept as evidence)" };
    let delete = Action::new(ctx.now, ctx.gid, kind, f.detector, f.reason.clone())
        .user(ctx.author)
        .message(channel, message)
        .evidence(ev.clone());
    let ask = Action::new(
        ctx.now,
        ctx.gid,
        ActionKind::Alert,
        f.detector,
        format!("{}: {what}; repost it if it is fine, or act on the author", f.reason),
    )
    .user(ctx.author)
    .message(channel, message)
    .evidence(ev);
    Some([delete, ask])
}

impl Engine {
    /// Turns one message's (or member's) findings into actions.
    pub(super) fn respond(&mut self, ctx: &Context, mut findings: Vec<Finding>, out: &mut Vec<Action>) {
        if findings.is_empty() {
            return;
        }
        findings.sort_by_key(priority);
        let first = out.len();
        let incident = incident_id(ctx.gid, findings[0].detector, ctx.now, ctx.author);
        let s = self.config.for_guild(ctx.gid);
        let g = self.guilds.entry(ctx.gid).or_default();
        let (gid, now) = (ctx.gid, ctx.now);

        // Several contain findings about the author make one punishment with every reason.
        let mut also: Vec<String> = Vec::new();
        for f in findings.iter().skip(1) {
            if matches!(f.severity, Severity::Contain { .. }) && f.users == [ctx.author] {
                also.push(f.reason.clone());
            }
        }

        let mut deleted: IdSet<MessageId> = IdSet::default();
        let mut punished: IdSet<UserId> = IdSet::default();
        for (i, f) in findings.iter().enumerate() {
            for a in &f.accounts {
                let st = g.users.entry(a.user).or_default();
                if st.account_created == 0 {
                    st.account_created = a.created;
                }
            }
            let exempt = |u: UserId| {
                (u == ctx.author && ctx.exempt) || g.info.is_moderator(u, &[]) || s.exempt.users.contains(&u)
            };
            if f.severity == Severity::Flag {
                for &u in f.users.iter().filter(|&&u| !g.users.get(&u).is_some_and(|st| st.is_contained(now))) {
                    let mut facts = f.facts.clone();
                    age_facts(g, u, ctx, &mut facts);
                    let mut a = Action::new(now, gid, ActionKind::Flag, f.detector, f.reason.clone()).user(u);
                    if let Some((c, m)) = ctx.message {
                        a = a.message(c, m);
                    }
                    out.push(a.evidence(evidence_of(g, ctx.message.map(|(_, m)| m), &facts)));
                }
                continue;
            }
            if f.severity == Severity::Hold {
                if let Some(a) = hold(g, ctx, f, exempt(ctx.author)) {
                    out.extend(a);
                }
                continue;
            }
            let Severity::Contain { min_step } = f.severity else { unreachable!() };

            // What goes: the finding's messages, the message judged, and for floods the
            // author's last few seconds.
            let mut doomed: Vec<Doomed> = f.delete.clone();
            if f.users.contains(&ctx.author) {
                if let Some((channel, message)) = ctx.message {
                    doomed.push(Doomed { channel, message, author: ctx.author });
                }
                if matches!(f.detector, Detector::Pressure | Detector::Mentions) {
                    let since = now.saturating_sub(u64::from(s.pressure.delete_recent_secs) * 1000);
                    doomed.extend(g.recent.by_author(ctx.author, since).into_iter().map(doomed_of));
                }
            }
            doomed.retain(|d| !exempt(d.author) && deleted.insert(d.message));
            doomed.sort_by_key(|d| d.message);
            for &d in &doomed {
                out.push(delete_action(g, now, gid, f.detector, &f.reason, d));
            }

            for &u in &f.users {
                if exempt(u) {
                    if f.detector == Detector::Scam {
                        let mut a = Action::new(
                            now,
                            gid,
                            ActionKind::Alert,
                            f.detector,
                            format!(
                            "a moderator's account posted what looks like a scam; moat does not act on moderators, \
                             so check whether the account was taken over ({})",
                            f.reason
                        ),
                        )
                        .user(u);
                        if let Some((c, m)) = ctx.message {
                            a = a.message(c, m);
                        }
                        out.push(a.evidence(evidence_of(g, ctx.message.map(|(_, m)| m), &f.facts)));
                    }
                    continue;
                }
                let state = g.users.entry(u).or_default();
                state.last_seen = now;
                if state.is_contained(now) || !punished.insert(u) {
                    continue;
                }
                let p = escalation::punish(&s.escalation, state, min_step, now);
                state.incident = Some(incident);
                let mut reason = f.reason.clone();
                if i == 0 && u == ctx.author && !also.is_empty() {
                    reason = format!("{reason}; also {}", also.join("; "));
                }
                if p.rung > 1 {
                    reason = format!("{reason} [strike {}, rung {} of the ladder]", p.strikes, p.rung);
                }
                let mut facts = f.facts.clone();
                age_facts(g, u, ctx, &mut facts);
                let messages = doomed.iter().filter(|d| d.author == u).map(|d| d.message);
                let ev = evidence_of(g, messages, &facts);
                let mut a = escalation::apply(&p, Action::new(now, gid, p.kind, f.detector, reason).user(u));
                if u == ctx.author {
                    if let Some((c, m)) = ctx.message {
                        a = a.message(c, m);
                    }
                }
                out.push(a.evidence(ev));
            }
        }
        for a in &mut out[first..] {
            a.incident = Some(incident);
        }
    }

    /// Acts on what the raid watch said.
    pub(super) fn raid_outcome(&mut self, gid: GuildId, now: Millis, outcome: Outcome, out: &mut Vec<Action>) {
        if outcome == Outcome::Nothing {
            return;
        }
        let first = out.len();
        self.raid_actions(gid, now, outcome, out);
        let since = match self.guilds.get(&gid).map(|g| &g.raid.phase) {
            Some(Phase::Raid(r)) => r.since,
            _ => now,
        };
        let incident = raid_incident(gid, since);
        for a in &mut out[first..] {
            a.incident = Some(incident);
        }
        if let Some(g) = self.guilds.get_mut(&gid) {
            for a in &out[first..] {
                if a.kind.is_punitive() {
                    for u in &a.user_ids {
                        if let Some(st) = g.users.get_mut(u) {
                            st.incident = Some(incident);
                        }
                    }
                }
            }
        }
    }

    fn raid_actions(&mut self, gid: GuildId, now: Millis, outcome: Outcome, out: &mut Vec<Action>) {
        match outcome {
            Outcome::Nothing => {}
            Outcome::Spike { reason } => {
                out.push(Action::new(now, gid, ActionKind::Alert, Detector::Raid, reason));
            }
            Outcome::Declared { members, reason, facts, undecided } => {
                if !self.raiding.contains(&gid) {
                    self.raiding.push(gid);
                }
                let s = self.config.for_guild(gid).raid.clone();
                let ev = Evidence { messages: Vec::new(), facts };
                if s.lockdown {
                    out.push(
                        Action::new(now, gid, ActionKind::Lockdown, Detector::Raid, reason.clone())
                            .duration(u64::from(s.quiet_secs) * 1000)
                            .evidence(ev.clone()),
                    );
                }
                let contained = self.contain_raiders(gid, now, &members, &reason, out);
                let named: Vec<String> = contained.iter().take(ALERT_NAMES).map(UserId::to_string).collect();
                let more = contained.len().saturating_sub(ALERT_NAMES);
                let what = match s.action {
                    StepKind::Contain => {
                        format!("contained for {}", human_duration(u64::from(s.contain_secs) * 1000))
                    }
                    StepKind::Kick => "kicked".into(),
                    StepKind::Ban => "banned".into(),
                };
                let text = format!(
                    "{reason}. {} raid members {what}{}: {}{}. Undo: end the raid and lift their timeouts, \
                     or ban them all once confirmed.",
                    contained.len(),
                    if s.lockdown { ", guild locked down" } else { "" },
                    named.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() },
                );
                let mut alert = Action::new(now, gid, ActionKind::Alert, Detector::Raid, text).users(contained);
                let ask = super::burst::ask_about(&mut alert.reason, undecided, now, gid);
                out.push(alert.evidence(ev));
                out.extend(ask);
            }
            Outcome::Joined { members, reason } => {
                self.contain_raiders(gid, now, &members, &reason, out);
            }
            Outcome::Member { user_id, reason } => {
                self.contain_raiders(gid, now, &[user_id], &reason, out);
            }
        }
    }

    /// Contains raid members with the guild's raid action; returns those acted on.
    fn contain_raiders(
        &mut self,
        gid: GuildId,
        now: Millis,
        members: &[UserId],
        reason: &str,
        out: &mut Vec<Action>,
    ) -> Vec<UserId> {
        let s = self.config.for_guild(gid);
        let g = self.guilds.entry(gid).or_default();
        let (kind, duration) =
            escalation::step_action(&s.escalation, s.raid.action, u64::from(s.raid.contain_secs) * 1000);
        let mut acted = Vec::new();
        let mut doomed = Vec::new();
        for &u in members {
            if g.info.is_moderator(u, &[]) || s.exempt.users.contains(&u) {
                continue;
            }
            let st = g.users.entry(u).or_default();
            st.last_seen = now;
            let already = st.is_contained(now);
            st.contained_until = now + duration.unwrap_or(HOUR);
            doomed.extend(g.recent.by_author(u, 0).into_iter().map(doomed_of));
            if !already {
                acted.push(u);
            }
        }
        for d in doomed {
            out.push(delete_action(g, now, gid, Detector::Raid, reason, d));
        }
        if !acted.is_empty() {
            let mut a = Action::new(now, gid, kind, Detector::Raid, reason.to_string()).users(acted.iter().copied());
            a.duration_ms = duration;
            out.push(a);
        }
        acted
    }

    /// Ends a guild's raid if it is due; returns whether the guild is no longer in a raid.
    pub(super) fn end_raid_if_due(&mut self, gid: GuildId, now: Millis, out: &mut Vec<Action>) -> bool {
        let s = self.config.for_guild(gid);
        let Some(g) = self.guilds.get_mut(&gid) else { return true };
        let Some(ended) = g.raid.tick(&s.raid, now) else { return !g.raid.in_raid() };
        self.raid_ended(gid, now, ended, out);
        true
    }

    /// The unlock and the summary alert of a raid that has ended.
    pub(super) fn raid_ended(
        &mut self,
        gid: GuildId,
        now: Millis,
        ended: crate::detect::raid::Ended,
        out: &mut Vec<Action>,
    ) {
        let s = self.config.for_guild(gid);
        let lasted = human_duration(now.saturating_sub(ended.raid.since));
        let text = format!(
            "{}. It lasted {lasted}: {} raid members contained, {} joiners who looked genuine left alone.",
            ended.reason,
            ended.raid.members.len(),
            ended.raid.spared.len()
        );
        let incident = raid_incident(gid, ended.raid.since);
        if s.raid.lockdown {
            out.push(
                Action::new(now, gid, ActionKind::Unlock, Detector::Raid, ended.reason.clone()).incident(incident),
            );
        }
        // Joiners after the raid's confirmation who matched its members in one sign only.
        let mut late = self.guilds.get_mut(&gid).map(|g| g.burst.take_undecided()).unwrap_or_default();
        // And established joiners who looked like raid accounts, whom looks alone never contain.
        for u in ended.raid.doubtful {
            if !ended.raid.members.contains(&u) && !late.contains(&u) {
                late.push(u);
            }
        }
        let mut alert = Action::new(now, gid, ActionKind::Alert, Detector::Raid, text).users(ended.raid.members);
        let ask = super::burst::ask_about(&mut alert.reason, late, now, gid).map(|a| a.incident(incident));
        out.push(alert.incident(incident));
        out.extend(ask);
    }
}
