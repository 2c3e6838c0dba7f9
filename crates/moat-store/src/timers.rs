//! Timers: the ends of punishments and lockdowns, kept so they happen after a restart.
//!
//! A timer fires at most once. [`Store::claim_due_timers`] marks due timers fired with one
//! `UPDATE ... WHERE fired_at IS NULL ... RETURNING`, so whichever process (or restarted
//! process) claims a timer first owns it and nobody else ever sees it again: on PostgreSQL,
//! a concurrent claimer blocks on the row and then finds `fired_at` set. Claim, then act: if
//! the process dies between the two, the timer is lost rather than run twice (unbanning or
//! unlocking twice is harmless, but repeating it after a moderator re-banned is not).
//! Timers that came due while moat was down are claimed late, at the next claim.

use moat_core::id::{GuildId, IncidentId, UserId};
use sqlx::any::{Any, AnyRow};
use sqlx::{Executor, Row};

use crate::error::{Result, StoreError};
use crate::ids::{id, sql, un};
use crate::{GuildScope, Store};

/// What a timer undoes when it fires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimerKind {
    /// Lift a member's timeout.
    LiftTimeout,
    /// Remove the silence role from a member.
    EndSilence,
    /// Unban a member whose ban was timed.
    Unban,
    /// End a guild's lockdown.
    EndLockdown,
}

impl TimerKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TimerKind::LiftTimeout => "lift_timeout",
            TimerKind::EndSilence => "end_silence",
            TimerKind::Unban => "unban",
            TimerKind::EndLockdown => "end_lockdown",
        }
    }

    pub fn parse(s: &str) -> Option<TimerKind> {
        Some(match s {
            "lift_timeout" => TimerKind::LiftTimeout,
            "end_silence" => TimerKind::EndSilence,
            "unban" => TimerKind::Unban,
            "end_lockdown" => TimerKind::EndLockdown,
            _ => return None,
        })
    }
}

/// One scheduled end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    pub id: i64,
    pub guild_id: GuildId,
    pub incident: IncidentId,
    pub kind: TimerKind,
    /// The member concerned; `None` for guild-wide timers (lockdowns).
    pub user_id: Option<UserId>,
    pub due_at: u64,
    pub created_at: u64,
}

/// A lockdown in force (or overdue for its end).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lockdown {
    pub guild_id: GuildId,
    pub incident: IncidentId,
    pub since: u64,
    pub until: u64,
}

const TIMER_COLUMNS: &str = "id, guild_id, incident_id, kind, user_id, due_at, created_at";

fn timer_from(row: &AnyRow) -> Result<Timer> {
    let get = |c: &str| row.try_get::<i64, _>(c).map_err(StoreError::query("reading a timer"));
    let kind: String = row.try_get("kind").map_err(StoreError::query("reading a timer"))?;
    let user = get("user_id")?;
    Ok(Timer {
        id: get("id")?,
        guild_id: id(get("guild_id")?, "timer guild")?,
        incident: id(get("incident_id")?, "timer incident")?,
        kind: TimerKind::parse(&kind).ok_or_else(|| StoreError::Corrupt(format!("unknown timer kind `{kind}`")))?,
        user_id: if user == 0 { None } else { Some(id(user, "timer user")?) },
        due_at: un(get("due_at")?, "timer due time")?,
        created_at: un(get("created_at")?, "timer creation time")?,
    })
}

fn lockdown_from(row: &AnyRow) -> Result<Lockdown> {
    let get = |c: &str| row.try_get::<i64, _>(c).map_err(StoreError::query("reading a lockdown"));
    Ok(Lockdown {
        guild_id: id(get("guild_id")?, "lockdown guild")?,
        incident: id(get("incident_id")?, "lockdown incident")?,
        since: un(get("opened_at")?, "lockdown start")?,
        until: un(get("lockdown_until")?, "lockdown end")?,
    })
}

/// Marks the pending timers of `(guild, kind, user)` done without firing them.
pub(crate) async fn cancel_pending<'e, E: Executor<'e, Database = Any>>(
    e: E,
    guild: i64,
    kind: TimerKind,
    user: i64,
    now: i64,
    outcome: &str,
) -> Result<u64> {
    let r = sqlx::query(
        "UPDATE timers SET fired_at = $1, outcome = $2 \
         WHERE guild_id = $3 AND kind = $4 AND user_id = $5 AND fired_at IS NULL",
    )
    .bind(now)
    .bind(outcome)
    .bind(guild)
    .bind(kind.as_str())
    .bind(user)
    .execute(e)
    .await
    .map_err(StoreError::query("cancelling timers"))?;
    Ok(r.rows_affected())
}

pub(crate) async fn insert<'e, E: Executor<'e, Database = Any>>(
    e: E,
    guild: i64,
    incident: i64,
    kind: TimerKind,
    user: i64,
    due: i64,
    now: i64,
) -> Result<i64> {
    sqlx::query(
        "INSERT INTO timers (guild_id, incident_id, kind, user_id, due_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(guild)
    .bind(incident)
    .bind(kind.as_str())
    .bind(user)
    .bind(due)
    .bind(now)
    .fetch_one(e)
    .await
    .and_then(|r| r.try_get::<i64, _>(0))
    .map_err(StoreError::query("scheduling a timer"))
}

impl Store {
    /// Claims up to `limit` timers due at `now` (oldest first), across guilds: the caller
    /// (the bot's timer loop) performs them. Each timer is returned by exactly one claim,
    /// ever.
    pub async fn claim_due_timers(&self, now: u64, limit: u32) -> Result<Vec<Timer>> {
        let rows = sqlx::query(&format!(
            "UPDATE timers SET fired_at = $1, outcome = 'fired' \
             WHERE fired_at IS NULL AND due_at <= $1 AND id IN \
               (SELECT id FROM timers WHERE fired_at IS NULL AND due_at <= $1 ORDER BY due_at, id LIMIT $2) \
             RETURNING {TIMER_COLUMNS}"
        ))
        .bind(sql(now, "time")?)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("claiming due timers"))?;
        let mut timers = rows.iter().map(timer_from).collect::<Result<Vec<_>>>()?;
        timers.sort_by_key(|t| (t.due_at, t.id));
        Ok(timers)
    }

    /// When the next pending timer is due, if any (to sleep until then).
    pub async fn next_timer_due(&self) -> Result<Option<u64>> {
        let row = sqlx::query("SELECT due_at FROM timers WHERE fired_at IS NULL ORDER BY due_at LIMIT 1")
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading the next timer"))?;
        row.map(|r| {
            r.try_get::<i64, _>(0).map_err(StoreError::query("reading the next timer")).and_then(|v| un(v, "due time"))
        })
        .transpose()
    }

    /// Every lockdown not yet ended, across guilds: what a restarted bot must keep in force
    /// (or end, if `until` has passed; its timer fires then).
    pub async fn active_lockdowns(&self) -> Result<Vec<Lockdown>> {
        let rows = sqlx::query(
            "SELECT guild_id, incident_id, opened_at, lockdown_until FROM incidents \
             WHERE lockdown_until IS NOT NULL AND closed_at IS NULL AND undone_at IS NULL ORDER BY guild_id, opened_at",
        )
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading active lockdowns"))?;
        rows.iter().map(lockdown_from).collect()
    }
}

impl GuildScope<'_> {
    /// Schedules a timer by hand (e.g. a timed ban a moderator gave); returns its id.
    pub async fn schedule(
        &self,
        kind: TimerKind,
        user_id: Option<UserId>,
        incident: IncidentId,
        due_at: u64,
        now: u64,
    ) -> Result<i64> {
        let user = sql(user_id.unwrap_or(UserId(0)), "user id")?;
        let now = sql(now, "time")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("scheduling a timer"))?;
        cancel_pending(&mut *tx, self.id, kind, user, now, "superseded").await?;
        let id =
            insert(&mut *tx, self.id, sql(incident, "incident id")?, kind, user, sql(due_at, "due time")?, now).await?;
        tx.commit().await.map_err(StoreError::query("scheduling a timer"))?;
        Ok(id)
    }

    /// This guild's timers that have not fired, soonest first.
    pub async fn pending_timers(&self) -> Result<Vec<Timer>> {
        let rows = sqlx::query(&format!(
            "SELECT {TIMER_COLUMNS} FROM timers WHERE guild_id = $1 AND fired_at IS NULL ORDER BY due_at, id"
        ))
        .bind(self.id)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading pending timers"))?;
        rows.iter().map(timer_from).collect()
    }

    /// Cancels this guild's pending timer of `kind` for a member (or the guild, `None`).
    pub async fn cancel_timer(&self, kind: TimerKind, user_id: Option<UserId>, now: u64) -> Result<u64> {
        cancel_pending(
            self.pool(),
            self.id,
            kind,
            sql(user_id.unwrap_or(UserId(0)), "user id")?,
            sql(now, "time")?,
            "cancelled",
        )
        .await
    }

    /// This guild's lockdown, if one is in force.
    pub async fn lockdown(&self) -> Result<Option<Lockdown>> {
        let row = sqlx::query(
            "SELECT guild_id, incident_id, opened_at, lockdown_until FROM incidents \
             WHERE guild_id = $1 AND lockdown_until IS NOT NULL AND closed_at IS NULL AND undone_at IS NULL \
             ORDER BY opened_at DESC LIMIT 1",
        )
        .bind(self.id)
        .fetch_optional(self.pool())
        .await
        .map_err(StoreError::query("reading the lockdown"))?;
        row.as_ref().map(lockdown_from).transpose()
    }
}
