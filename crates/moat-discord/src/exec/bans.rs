//! Raid bans in real time: contain at once where it matters, gather the rest.
//!
//! Discord's `bulk-ban` takes 200 members a call, so a raid could cost two calls; but a real
//! raid arrives over a minute, not in one burst, and holding bans for a fraction of a second
//! (as moat once did) turned 150 raiders spread over 45 s into 45 bulk bans and 13 single
//! ones. So:
//!
//! - the first bans of a raid (the accounts that made the engine call it a raid) go at once,
//!   in one call;
//! - a raider whose ban is being gathered and who posts is banned at once, alone: posting
//!   is what a raid is for;
//! - everyone else joins the guild's gathering batch, sent when it reaches 200, when it has
//!   been gathering for `gather` on the bot's clock (so a test clock or a sped-up demo sees
//!   the same batches as real time), when no raider has joined it for `quiet` of wall time
//!   (the raid has paused), or when the raid ends.
//!
//! A batch's audit-log reason summarises the batch (how many, over how long, why) rather
//! than repeating its first member's reason. A 300-account raid over a minute costs one call
//! for the first raiders, one a `gather` (10 s by default) after that, and one ban for each
//! raider that posts. Bans that are not part of a raid (the ladder's last rung) go at once.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use moat_core::id::{GuildId, IncidentId, UserId};
use moat_core::{Action, Detector};

/// Discord's limit of members per `bulk-ban`.
pub const BULK_MAX: usize = 200;

/// One ban call to make.
#[derive(Debug, Clone, PartialEq)]
pub struct BanCall {
    pub guild: GuildId,
    pub users: Vec<UserId>,
    /// The audit-log reason (not yet cut to 512 characters).
    pub reason: String,
}

/// A guild's gathering batch.
#[derive(Debug)]
struct Gather {
    users: Vec<UserId>,
    /// When the first member joined it, on the bot's clock.
    since_ms: u64,
    /// When the last member joined it, on the bot's clock and on the wall.
    last_ms: u64,
    last_add: Instant,
    reason: String,
}

/// The bans waiting to be sent, and the raids whose first bans went out.
#[derive(Debug)]
pub struct Bans {
    gather: Duration,
    quiet: Duration,
    pending: BTreeMap<GuildId, Gather>,
    started: HashSet<(GuildId, Option<IncidentId>)>,
}

impl Bans {
    pub fn new(gather: Duration, quiet: Duration) -> Bans {
        Bans { gather, quiet, pending: BTreeMap::new(), started: HashSet::new() }
    }

    /// How many guilds have a batch gathering.
    pub fn held(&self) -> usize {
        self.pending.len()
    }

    /// A ban the engine decided, at `now_ms` on the bot's clock; calls to make now go to `out`.
    pub fn add(&mut self, a: &Action, now_ms: u64, out: &mut Vec<BanCall>) {
        let raid = a.detector == Detector::Raid;
        if !raid || self.started.insert((a.guild_id, a.incident)) {
            // Not a raid, or a raid's first raiders: at once, in one call.
            if !a.user_ids.is_empty() {
                out.push(BanCall { guild: a.guild_id, users: a.user_ids.clone(), reason: a.reason.clone() });
            }
            return;
        }
        let g = self.pending.entry(a.guild_id).or_insert_with(|| Gather {
            users: Vec::new(),
            since_ms: now_ms,
            last_ms: now_ms,
            last_add: Instant::now(),
            reason: a.reason.clone(),
        });
        for &u in &a.user_ids {
            if !g.users.contains(&u) {
                g.users.push(u);
            }
        }
        g.last_ms = now_ms;
        g.last_add = Instant::now();
        if g.users.len() >= BULK_MAX {
            out.extend(self.take(a.guild_id));
        }
    }

    /// `user` of `guild` posted: if their ban is gathering, it goes now, alone.
    pub fn posted(&mut self, guild: GuildId, user: UserId, why: &str) -> Option<BanCall> {
        let g = self.pending.get_mut(&guild)?;
        let at = g.users.iter().position(|&u| u == user)?;
        g.users.remove(at);
        let reason = format!("{}; posted while waiting to be banned ({why})", g.reason);
        if g.users.is_empty() {
            self.pending.remove(&guild);
        }
        Some(BanCall { guild, users: vec![user], reason })
    }

    /// The raid of `guild` is over: its batch goes now.
    pub fn raid_over(&mut self, guild: GuildId) -> Option<BanCall> {
        self.started.retain(|(g, _)| *g != guild);
        self.take(guild)
    }

    /// Batches that are due at `now_ms` (every one when `all`).
    pub fn due(&mut self, now_ms: u64, all: bool) -> Vec<BanCall> {
        let gather = self.gather.as_millis() as u64;
        let due: Vec<GuildId> = self
            .pending
            .iter()
            .filter(|(_, g)| all || now_ms.saturating_sub(g.since_ms) >= gather || g.last_add.elapsed() >= self.quiet)
            .map(|(g, _)| *g)
            .collect();
        due.into_iter().filter_map(|g| self.take(g)).collect()
    }

    fn take(&mut self, guild: GuildId) -> Option<BanCall> {
        let g = self.pending.remove(&guild)?;
        let n = g.users.len();
        let over = moat_core::action::human_duration(g.last_ms.saturating_sub(g.since_ms).max(1000));
        let reason =
            format!("raid: {n} accounts that joined during the raid over {over}, banned together; {}", g.reason);
        Some(BanCall { guild, users: g.users, reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::ActionKind;

    fn ban(g: u64, users: std::ops::Range<u64>, inc: u64) -> Action {
        Action::new(0, GuildId(g), ActionKind::Ban, Detector::Raid, "raid: many joins".into())
            .users(users.map(UserId))
            .incident(IncidentId(inc))
    }

    #[test]
    fn first_raiders_at_once_the_rest_gathered_then_sent_together() {
        let mut b = Bans::new(Duration::from_secs(10), Duration::from_secs(3600));
        let mut out = Vec::new();
        b.add(&ban(1, 0..6, 7), 1_000, &mut out);
        assert_eq!(out.len(), 1, "the first raiders go at once");
        assert_eq!(out[0].users.len(), 6);
        out.clear();
        for i in 0..40 {
            b.add(&ban(1, 100 + i..101 + i, 7), 1_000 + i * 200, &mut out);
        }
        assert!(out.is_empty(), "the rest gather");
        assert!(b.due(9_000, false).is_empty(), "not yet 10 s");
        let sent = b.due(11_000, false);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].users.len(), 40);
        assert!(sent[0].reason.starts_with("raid: 40 accounts"), "{}", sent[0].reason);
        assert_eq!(b.held(), 0);
    }

    #[test]
    fn a_gathered_raider_who_posts_is_banned_at_once_and_alone() {
        let mut b = Bans::new(Duration::from_secs(10), Duration::from_secs(3600));
        let mut out = Vec::new();
        b.add(&ban(1, 0..3, 7), 0, &mut out);
        b.add(&ban(1, 10..13, 7), 100, &mut out);
        let now = b.posted(GuildId(1), UserId(11), "spam").expect("gathering");
        assert_eq!(now.users, vec![UserId(11)]);
        assert_eq!(b.posted(GuildId(1), UserId(11), "spam"), None, "only once");
        assert_eq!(b.posted(GuildId(1), UserId(999), "spam"), None, "not a raider");
        let rest = b.raid_over(GuildId(1)).expect("the rest");
        assert_eq!(rest.users, vec![UserId(10), UserId(12)]);
    }

    #[test]
    fn a_full_batch_goes_at_200_and_other_bans_go_at_once() {
        let mut b = Bans::new(Duration::from_secs(10), Duration::from_secs(3600));
        let mut out = Vec::new();
        b.add(&ban(1, 0..1, 7), 0, &mut out);
        out.clear();
        b.add(&ban(1, 1000..1200, 7), 10, &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].users.len(), 200);
        let ladder = Action::new(0, GuildId(2), ActionKind::Ban, Detector::Pressure, "flood".into()).user(UserId(5));
        out.clear();
        b.add(&ladder, 0, &mut out);
        b.add(&ladder, 0, &mut out);
        assert_eq!(out.len(), 2, "a ban outside a raid is never held");
    }
}
