//! Raids: many accounts arriving together to attack a guild.
//!
//! The classic rule ("n joins in m seconds") punishes a streamer's audience arriving at once
//! and misses a raid that trickles in. moat scores joins instead:
//!
//! - each joiner gets a *suspicion* in 0..1 from what a raid account looks like: a young
//!   account (its creation time, which the adapter gives with each join), a default avatar,
//!   and a name shaped like other recent joiners' (`giftboy67127`, `giftboy31555`, ...);
//! - a window of joins is a raid when it is both unusual for this guild (above
//!   `rate_factor` times its own learned join rate, and at least `*_min_joins`) and
//!   suspicious (mean suspicion at least `raid_mean_suspicion`). Two windows run at once: a
//!   short one for bursts and a long one for slow raids;
//! - what newcomers do counts too: `hostile_newcomers` newcomers mass-pinging, posting
//!   `@everyone` or running a campaign confirm a raid without any join spike;
//! - a spike of established-looking accounts (a stream influx) only alerts moderators.
//!
//! A raid moves the guild from normal to raid (with a lockdown when configured). While it
//! lasts, every suspicious joiner is a raid member and is contained on arrival, posting or
//! not. Looks alone never contain an *established* account (a month old or more): real
//! viewers arriving with a raid often have no avatar and a name of a common shape
//! (`daniel_1234`), and bought accounts are caught by what they do instead
//! ([`super::burst`]). Such a joiner who looks like the raid is kept as *doubtful* and put
//! to the moderators when the raid ends. It ends by itself after `quiet_secs` without a new member, or `max_secs` in all.

use std::collections::VecDeque;

use crate::idmap::{IdMap, IdSet};

use crate::action::{human_duration, Millis};
use crate::config::RaidSettings;
use crate::event::MemberJoined;
use crate::hash::Fnv1a;
use crate::id::UserId;
use crate::time::{age_at, DAY, HOUR, MINUTE};

/// A join still inside the long window.
#[derive(Debug, Clone, PartialEq)]
struct Join {
    ts: Millis,
    user_id: UserId,
    /// Suspicion from the account alone (age, avatar).
    base: f32,
    shape: u64,
    account_age: Millis,
    default_avatar: bool,
    /// Already counted as a raid member.
    member: bool,
}

/// What a join said about the account, for the burst watch ([`super::burst`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JoinFacts {
    pub ts: Millis,
    pub user_id: UserId,
    /// When the account was created (unix ms).
    pub created: Millis,
    pub default_avatar: bool,
    /// The username's [`name_shape`].
    pub shape: u64,
}

/// The guild's raid phase.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Phase {
    #[default]
    Normal,
    Raid(Raid),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Raid {
    pub since: Millis,
    pub last_member: Millis,
    pub members: Vec<UserId>,
    /// Joiners during the raid who did not look like raiders and were left alone.
    pub spared: Vec<UserId>,
    /// Established joiners who looked like raid accounts (by name and avatar): left alone,
    /// listed for a moderator's decision when the raid ends.
    pub doubtful: Vec<UserId>,
    pub trigger: String,
}

/// What a join or a hostile newcomer means for the guild.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Nothing,
    /// A raid has begun: contain these members (and lock down if configured).
    Declared {
        members: Vec<UserId>,
        reason: String,
        facts: Vec<(String, String)>,
        /// Joiners of the raid's burst the watch could not decide on: listed in the alert
        /// for a moderator's decision.
        undecided: Vec<UserId>,
    },
    /// One more raid member arrived (or showed themselves) during a raid.
    Member {
        user_id: UserId,
        reason: String,
    },
    /// Several more members of the current raid showed themselves at once.
    Joined {
        members: Vec<UserId>,
        reason: String,
    },
    /// Joins are unusually fast but do not look like a raid: tell moderators.
    Spike {
        reason: String,
    },
}

/// A raid that has ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Ended {
    pub raid: Raid,
    pub reason: String,
}

/// A newcomer who attacked, while no raid is declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Hostile {
    at: Millis,
    user: UserId,
}

/// Per-guild raid watch.
#[derive(Debug, Clone, Default)]
pub struct RaidWatch {
    joins: VecDeque<Join>,
    shapes: IdMap<u64, u32>,
    hostile: VecDeque<Hostile>,
    baseline_per_hour: Option<f32>,
    hour_start: Millis,
    hour_joins: u32,
    quiet_spike_until: Millis,
    /// The current join burst (joins above the guild's rate), `(first join, last such join)`,
    /// whatever the joiners look like: what the burst watch judges by behaviour.
    burst: Option<(Millis, Millis)>,
    pub phase: Phase,
}

/// A join burst stays open this long after its last join above the rate.
const BURST_LINGER: Millis = 15 * MINUTE;

/// Joins kept at most, whatever the window: bounds memory in a mega-raid.
const MAX_JOINS: usize = 20_000;
/// How long a spike alert silences the next one.
const SPIKE_ALERT_GAP: Millis = 30 * MINUTE;
/// When newcomers' attacks reveal a raid, joiners of this far back that look like raid
/// accounts (at least [`ACCOMPLICE_SUSPICION`]) are taken as its silent members.
const ACCOMPLICE_HORIZON: Millis = HOUR;
const ACCOMPLICE_SUSPICION: f32 = 0.5;
/// A name shape shared by this many joiners in the window marks them all.
const SHAPE_CROWD: u32 = 3;
/// An account at least this old is established: its looks (name, avatar) never make it a
/// raid member, only what it does.
pub const ESTABLISHED: Millis = 30 * DAY;

/// Suspicion of an account from its age and avatar alone.
pub fn account_suspicion(account_age: Millis, default_avatar: bool) -> f32 {
    let age = if account_age < DAY {
        0.55
    } else if account_age < 7 * DAY {
        0.4
    } else if account_age < 30 * DAY {
        0.25
    } else if account_age < 180 * DAY {
        0.1
    } else {
        0.0
    };
    age + if default_avatar { 0.2 } else { 0.0 }
}

/// A joiner's suspicion: the account's, plus a share for a name crowd.
fn suspicion_of(base: f32, crowd: bool) -> f32 {
    (base + if crowd { 0.2 } else { 0.0 }).min(1.0)
}

/// A username reduced to its shape: lower case, each run of digits one `#`.
/// `GiftBoy67127` and `giftboy31555` share a shape; `jamie` and `jamie.dev` do not.
pub fn name_shape(name: &str) -> u64 {
    let mut hash = Fnv1a::new();
    let mut in_digits = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        let b = if c.is_ascii_digit() {
            if in_digits {
                continue;
            }
            in_digits = true;
            u32::from('#')
        } else {
            in_digits = false;
            u32::from(c)
        };
        hash.mix(u64::from(b));
    }
    hash.finish()
}

impl Join {
    fn established(&self) -> bool {
        self.account_age >= ESTABLISHED
    }
}

impl RaidWatch {
    fn suspicion(&self, j: &Join) -> f32 {
        suspicion_of(j.base, self.shapes.get(&j.shape).copied().unwrap_or(0) >= SHAPE_CROWD)
    }

    /// Whether looks alone make this joiner a raid member: suspicious enough and not
    /// established.
    fn looks_like_raider(&self, j: &Join, bar: f32) -> bool {
        !j.established() && self.suspicion(j) >= bar
    }

    fn describe(&self, j: &Join) -> String {
        let mut parts = vec![format!("account {} old", human_duration(j.account_age))];
        if j.default_avatar {
            parts.push("default avatar".into());
        }
        let crowd = self.shapes.get(&j.shape).copied().unwrap_or(0);
        if crowd >= SHAPE_CROWD {
            parts.push(format!("name shaped like {} other joiners", crowd - 1));
        }
        parts.join(", ")
    }

    fn baseline(&self, s: &RaidSettings) -> f32 {
        self.baseline_per_hour.unwrap_or(s.baseline_joins_per_hour)
    }

    /// Forgets joins older than the accomplice horizon and rolls the hourly baseline.
    fn expire(&mut self, s: &RaidSettings, now: Millis) {
        let horizon = now.saturating_sub((u64::from(s.slow_window_secs) * 1000).max(ACCOMPLICE_HORIZON));
        while let Some(j) = self.joins.front() {
            if j.ts >= horizon && self.joins.len() <= MAX_JOINS {
                break;
            }
            let j = self.joins.pop_front().expect("front exists");
            if let Some(n) = self.shapes.get_mut(&j.shape) {
                *n -= 1;
                if *n == 0 {
                    self.shapes.remove(&j.shape);
                }
            }
        }
        let hostile_horizon = now.saturating_sub(u64::from(s.slow_window_secs) * 1000);
        while self.hostile.front().is_some_and(|h| h.at < hostile_horizon) {
            self.hostile.pop_front();
        }
        if self.hour_start == 0 {
            self.hour_start = now;
        }
        let mut hours = 0;
        while now >= self.hour_start + HOUR && hours < 48 {
            let b = self.baseline(s);
            self.baseline_per_hour = Some(0.7 * b + 0.3 * self.hour_joins as f32);
            self.hour_joins = 0;
            self.hour_start += HOUR;
            hours += 1;
        }
        if hours == 48 {
            self.hour_start = now;
        }
    }

    /// Looks at the window ending `now`: joins, mean suspicion, and whether that is a spike.
    fn window(&self, s: &RaidSettings, secs: u32, min_joins: u32, now: Millis) -> Option<(usize, f32, f32)> {
        let from = now.saturating_sub(u64::from(secs) * 1000);
        let (mut n, mut sum) = (0usize, 0.0f32);
        for j in self.joins.iter().rev().take_while(|j| j.ts >= from) {
            n += 1;
            sum += self.suspicion(j);
        }
        let expected = self.baseline(s) * secs as f32 / 3600.0;
        let needed = (min_joins as f32).max(s.rate_factor * expected);
        (n as f32 >= needed).then(|| (n, sum / n as f32, expected))
    }

    /// A member joined.
    pub fn on_join(&mut self, s: &RaidSettings, now: Millis, join: &MemberJoined) -> Outcome {
        if !s.enabled || join.bot {
            return Outcome::Nothing;
        }
        self.expire(s, now);
        let account_age = age_at(join.account_created, now);
        let j = Join {
            ts: now,
            user_id: join.user,
            base: account_suspicion(account_age, join.default_avatar),
            shape: name_shape(&join.username),
            account_age,
            default_avatar: join.default_avatar,
            member: false,
        };
        *self.shapes.entry(j.shape).or_insert(0) += 1;
        self.joins.push_back(j);
        if self.in_raid() {
            let last = self.joins.back().expect("just pushed");
            let is_member = self.looks_like_raider(last, s.member_suspicion);
            let doubtful = !is_member && last.established() && self.suspicion(last) >= s.member_suspicion;
            let reason = is_member.then(|| format!("joined during a raid: {}", self.describe(last)));
            // A name shape that just became a crowd marks the earlier joiners who carry it.
            let shape = last.shape;
            let crowd_now = self.shapes.get(&shape).copied() == Some(SHAPE_CROWD);
            let marked: Vec<UserId> = if crowd_now {
                let bar = s.member_suspicion.max(ACCOMPLICE_SUSPICION);
                let earlier = self.joins.iter().rev().skip(1);
                earlier
                    .filter(|j| j.shape == shape && !j.member && self.looks_like_raider(j, bar))
                    .map(|j| j.user_id)
                    .collect()
            } else {
                Vec::new()
            };
            let Phase::Raid(raid) = &mut self.phase else { unreachable!() };
            if !marked.is_empty() {
                let mut members = marked;
                if reason.is_some() {
                    members.insert(0, join.user);
                }
                members.retain(|u| !raid.members.contains(u));
                raid.members.extend(&members);
                raid.last_member = now;
                for j in self.joins.iter_mut() {
                    j.member |= members.contains(&j.user_id);
                }
                let reason = "joined around a raid with a name shaped like its members'".to_string();
                return Outcome::Joined { members, reason };
            }
            let Some(reason) = reason else {
                if doubtful {
                    raid.doubtful.push(join.user);
                }
                raid.spared.push(join.user);
                return Outcome::Nothing;
            };
            raid.members.push(join.user);
            raid.last_member = now;
            self.joins.back_mut().expect("just pushed").member = true;
            return Outcome::Member { user_id: join.user, reason };
        }
        self.hour_joins += 1;
        for (secs, min) in [(s.fast_window_secs, s.fast_min_joins), (s.slow_window_secs, s.slow_min_joins)] {
            let Some((n, mean, expected)) = self.window(s, secs, min, now) else { continue };
            if secs == s.fast_window_secs {
                self.note_burst(secs, now);
            }
            if mean >= s.raid_mean_suspicion {
                let reason = format!(
                    "raid: {n} joins in {} (usually about {:.1}), mean suspicion {:.2}",
                    human_duration(u64::from(secs) * 1000),
                    expected,
                    mean
                );
                let facts = vec![
                    ("joins".to_string(), n.to_string()),
                    ("window_secs".to_string(), secs.to_string()),
                    ("mean_suspicion".to_string(), format!("{mean:.2}")),
                ];
                return self.declare(now, secs, s.member_suspicion, s.member_suspicion, &[], reason, facts);
            }
            if now >= self.quiet_spike_until {
                self.quiet_spike_until = now + SPIKE_ALERT_GAP;
                return Outcome::Spike {
                    reason: format!(
                        "join spike: {n} joins in {} (usually about {:.1}), but the accounts look established \
                         (mean suspicion {:.2}); watching what newcomers do",
                        human_duration(u64::from(secs) * 1000),
                        expected,
                        mean
                    ),
                };
            }
        }
        Outcome::Nothing
    }

    #[allow(clippy::too_many_arguments)]
    fn declare(
        &mut self,
        now: Millis,
        window_secs: u32,
        min_suspicion: f32,
        member_suspicion: f32,
        also: &[UserId],
        reason: String,
        facts: Vec<(String, String)>,
    ) -> Outcome {
        let from = now.saturating_sub(u64::from(window_secs) * 1000);
        let mut members: Vec<UserId> = Vec::new();
        let mut seen: IdSet<UserId> = IdSet::default();
        for &u in also {
            if seen.insert(u) {
                members.push(u);
            }
        }
        // A name shaped like a known attacker's is guilt by association: such joiners need
        // only the ordinary member suspicion.
        let attacker_shapes: IdSet<u64> =
            self.joins.iter().filter(|j| seen.contains(&j.user_id)).map(|j| j.shape).collect();
        let mut doubtful = Vec::new();
        for j in self.joins.iter().filter(|j| j.ts >= from && !j.member) {
            let bar = if attacker_shapes.contains(&j.shape) { member_suspicion } else { min_suspicion };
            if self.looks_like_raider(j, bar) {
                if seen.insert(j.user_id) {
                    members.push(j.user_id);
                }
            } else if j.established() && self.suspicion(j) >= bar && !seen.contains(&j.user_id) {
                doubtful.push(j.user_id);
            }
        }
        for j in self.joins.iter_mut() {
            j.member |= seen.contains(&j.user_id);
        }
        self.phase = Phase::Raid(Raid {
            since: now,
            last_member: now,
            members: members.clone(),
            spared: Vec::new(),
            doubtful,
            trigger: reason.clone(),
        });
        Outcome::Declared { members, reason, facts, undecided: Vec::new() }
    }

    /// Marks the joins of the window ending `now` as a burst (extending the open one).
    fn note_burst(&mut self, secs: u32, now: Millis) {
        let from = now.saturating_sub(u64::from(secs) * 1000);
        let first = self.joins.iter().rev().take_while(|j| j.ts >= from).last().map_or(now, |j| j.ts);
        self.burst = match self.burst {
            Some((since, last)) if now.saturating_sub(last) <= BURST_LINGER => Some((since.min(first), now)),
            _ => Some((first, now)),
        };
    }

    /// The open join burst, `(first join, last join above the rate)`, if there is one.
    pub fn burst_span(&self, now: Millis) -> Option<(Millis, Millis)> {
        self.burst.filter(|&(_, last)| now.saturating_sub(last) <= BURST_LINGER)
    }

    /// The joins still remembered from `since` on, oldest first.
    pub fn joins_since(&self, since: Millis) -> impl Iterator<Item = JoinFacts> + '_ {
        self.joins.iter().filter(move |j| j.ts >= since).map(|j| JoinFacts {
            ts: j.ts,
            user_id: j.user_id,
            created: j.ts.saturating_sub(j.account_age),
            default_avatar: j.default_avatar,
            shape: j.shape,
        })
    }

    /// A burst's members acted together (see [`super::burst`]): a raid, with `members`
    /// contained, the burst's joiners that look like raid accounts with them, and
    /// `undecided` listed for moderators. During a raid, `members` simply join it.
    #[allow(clippy::too_many_arguments)]
    pub fn declare_behaviour(
        &mut self,
        s: &RaidSettings,
        now: Millis,
        since: Millis,
        members: &[UserId],
        undecided: Vec<UserId>,
        reason: String,
        facts: Vec<(String, String)>,
    ) -> Outcome {
        if self.in_raid() {
            // The burst's joiners that look like raid accounts now (their name crowd has
            // grown since the raid began) go with those who acted.
            let bar = s.member_suspicion.max(ACCOMPLICE_SUSPICION);
            let mut new: Vec<UserId> = members.to_vec();
            for j in self.joins.iter().filter(|j| j.ts >= since && !j.member) {
                if self.looks_like_raider(j, bar) {
                    new.push(j.user_id);
                }
            }
            let Phase::Raid(raid) = &mut self.phase else { unreachable!() };
            new.retain(|u| !raid.members.contains(u));
            new.dedup();
            raid.members.extend(&new);
            // The burst's undecided joiners are put to the moderators when the raid ends.
            raid.doubtful.extend(undecided.into_iter().filter(|u| !new.contains(u)));
            raid.last_member = now;
            for j in self.joins.iter_mut() {
                j.member |= new.contains(&j.user_id);
            }
            return Outcome::Joined { members: new, reason };
        }
        let secs = (now.saturating_sub(since) / 1000 + 1) as u32;
        let bar = s.member_suspicion.max(ACCOMPLICE_SUSPICION);
        match self.declare(now, secs, bar, s.member_suspicion, members, reason, facts) {
            Outcome::Declared { members, reason, facts, .. } => Outcome::Declared {
                undecided: undecided.into_iter().filter(|u| !members.contains(u)).collect(),
                members,
                reason,
                facts,
            },
            other => other,
        }
    }

    /// Burst members took part in (or matched) a confirmed raid's action.
    pub fn took_part_many(&mut self, now: Millis, mut users: Vec<UserId>, reason: String) -> Outcome {
        if let Phase::Raid(raid) = &mut self.phase {
            users.retain(|u| !raid.members.contains(u));
            raid.members.extend(&users);
            raid.last_member = now;
        }
        Outcome::Joined { members: users, reason }
    }

    /// A burst member took part in a confirmed raid's action.
    pub fn took_part(&mut self, now: Millis, user_id: UserId, reason: String) -> Outcome {
        if let Phase::Raid(raid) = &mut self.phase {
            if raid.members.contains(&user_id) {
                return Outcome::Nothing;
            }
            raid.members.push(user_id);
            raid.last_member = now;
        }
        Outcome::Member { user_id, reason }
    }

    /// A newcomer did something only raiders do (mass pings, `@everyone`, a campaign).
    pub fn on_hostile_newcomer(&mut self, s: &RaidSettings, now: Millis, user_id: UserId, what: &str) -> Outcome {
        if !s.enabled {
            return Outcome::Nothing;
        }
        self.expire(s, now);
        if let Phase::Raid(raid) = &mut self.phase {
            if raid.members.contains(&user_id) {
                return Outcome::Nothing;
            }
            raid.members.push(user_id);
            raid.last_member = now;
            return Outcome::Member { user_id, reason: format!("newcomer {what} during a raid") };
        }
        if !self.hostile.iter().any(|h| h.user == user_id) {
            self.hostile.push_back(Hostile { at: now, user: user_id });
        }
        if (self.hostile.len() as u32) < s.hostile_newcomers {
            return Outcome::Nothing;
        }
        let users: Vec<UserId> = self.hostile.iter().map(|h| h.user).collect();
        let reason = format!(
            "raid: {} newcomers attacking within {} (latest {what})",
            users.len(),
            human_duration(u64::from(s.slow_window_secs) * 1000)
        );
        let facts = vec![("hostile_newcomers".to_string(), users.len().to_string())];
        self.hostile.clear();
        // Silent accomplices: recent joiners who look like raid accounts.
        let horizon_secs = (ACCOMPLICE_HORIZON / 1000) as u32;
        self.declare(
            now,
            horizon_secs,
            s.member_suspicion.max(ACCOMPLICE_SUSPICION),
            s.member_suspicion,
            &users,
            reason,
            facts,
        )
    }

    /// Ends the raid when it has gone quiet or lasted its maximum.
    pub fn tick(&mut self, s: &RaidSettings, now: Millis) -> Option<Ended> {
        let Phase::Raid(raid) = &self.phase else { return None };
        let quiet = now.saturating_sub(raid.last_member) >= u64::from(s.quiet_secs) * 1000;
        let over = now.saturating_sub(raid.since) >= u64::from(s.max_secs) * 1000;
        if !quiet && !over {
            return None;
        }
        let reason = if over {
            format!("raid over: it reached the maximum of {}", human_duration(u64::from(s.max_secs) * 1000))
        } else {
            format!("raid over: no new raid member for {}", human_duration(u64::from(s.quiet_secs) * 1000))
        };
        let Phase::Raid(raid) = std::mem::take(&mut self.phase) else { unreachable!() };
        Some(Ended { raid, reason })
    }

    /// Ends the raid at once (a moderator's call).
    pub fn end_now(&mut self, by: &str) -> Option<Ended> {
        let Phase::Raid(_) = &self.phase else { return None };
        let Phase::Raid(raid) = std::mem::take(&mut self.phase) else { unreachable!() };
        Some(Ended { raid, reason: format!("raid over: ended by {by}") })
    }

    /// Forgets joins and hostile newcomers older than the windows.
    pub fn sweep(&mut self, s: &RaidSettings, now: Millis) {
        self.expire(s, now);
    }

    /// When the raid (if any) will end if nothing else happens.
    pub fn deadline(&self, s: &RaidSettings) -> Option<Millis> {
        match &self.phase {
            Phase::Raid(r) => {
                Some((r.last_member + u64::from(s.quiet_secs) * 1000).min(r.since + u64::from(s.max_secs) * 1000))
            }
            Phase::Normal => None,
        }
    }

    pub fn in_raid(&self) -> bool {
        matches!(self.phase, Phase::Raid(_))
    }

    /// Approximate heap bytes held.
    pub fn heap_bytes(&self) -> usize {
        self.joins.capacity() * std::mem::size_of::<Join>() + self.shapes.capacity() * 16 + self.hostile.capacity() * 16
    }
}

#[cfg(test)]
mod tests;
