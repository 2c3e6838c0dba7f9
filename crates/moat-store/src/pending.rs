//! Calls moat decided but had not sent when it was stopped.
//!
//! A guard stopped during a raid (a deploy, a reboot, Ctrl-C) must not lose the timeouts
//! and deletes it had decided: the engine will not decide them again (it already did). So
//! the bot, after its shutdown grace, keeps each action whose calls were not all answered
//! here ([`Store::keep_pending`]), one row an action, as the engine's JSON without its
//! evidence (the `actions` table keeps that). The next start takes them all at once
//! ([`Store::take_pending`]: read and deleted in one transaction, so two processes never
//! both send them) and sends those still due. Re-sending is harmless: a timeout set twice
//! ends at the same time, a ban or delete done twice is refused by Discord as done.
//!
//! Rows cross guilds (the machinery's own path, like timers); `db forget-user` and
//! `db delete-guild` need not know of them, since a row lives only until the next start.

use moat_core::action::json;
use moat_core::id::{ChannelId, GuildId, IncidentId, MessageId, UserId};
use moat_core::Action;
use serde_json::Value;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{sql, un};
use crate::Store;

/// One kept action.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingCall {
    /// When the engine decided it (engine time, Unix ms).
    pub decided_at: u64,
    /// When the stopping bot kept it (wall time, Unix ms).
    pub kept_at: u64,
    pub action: Action,
}

/// The action as kept: the engine's JSON, without evidence or the moderators' question.
pub fn to_body(a: &Action) -> String {
    let mut v = json::to_value(a);
    if let Some(o) = v.as_object_mut() {
        o.remove("evidence");
        o.remove("ask");
    }
    v.to_string()
}

/// The action back from [`to_body`] (or any of the engine's action JSON); `None` when it is
/// not one.
pub fn from_body(body: &str) -> Option<Action> {
    let v: Value = serde_json::from_str(body).ok()?;
    let idn = |k: &str| v.get(k).and_then(|x| x.as_str().and_then(|s| s.parse::<u64>().ok()).or_else(|| x.as_u64()));
    let kind = moat_core::ActionKind::parse(v.get("action")?.as_str()?)?;
    let detector = moat_core::Detector::parse(v.get("detector")?.as_str()?)?;
    let reason = v.get("reason")?.as_str()?.to_string();
    let mut a = Action::new(v.get("ts")?.as_u64()?, GuildId(idn("guild_id")?), kind, detector, reason);
    if let Some(u) = idn("user_id") {
        a.user_ids.push(UserId(u));
    }
    if let Some(us) = v.get("user_ids").and_then(|u| u.as_array()) {
        a.user_ids.extend(us.iter().filter_map(|u| u.as_str()?.parse().ok()).map(UserId));
    }
    a.channel_id = idn("channel_id").map(ChannelId);
    a.message_id = idn("message_id").map(MessageId);
    a.duration_ms = v.get("duration_ms").and_then(|d| d.as_u64());
    a.incident = v.get("incident").and_then(|i| i.as_u64()).filter(|&i| i > 0).map(IncidentId);
    Some(a)
}

impl Store {
    /// Keeps `actions` for the next start; `now` is the wall clock. Returns how many.
    pub async fn keep_pending(&self, actions: &[Action], now: u64) -> Result<usize> {
        let mut tx = self.pool().begin().await.map_err(StoreError::query("keeping unsent calls"))?;
        for a in actions {
            sqlx::query("INSERT INTO pending_calls (guild_id, decided_at, body, kept_at) VALUES ($1, $2, $3, $4)")
                .bind(sql(a.guild_id, "guild id")?)
                .bind(sql(a.ts, "time")?)
                .bind(to_body(a))
                .bind(sql(now, "time")?)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("keeping unsent calls"))?;
        }
        tx.commit().await.map_err(StoreError::query("keeping unsent calls"))?;
        Ok(actions.len())
    }

    /// Takes every kept action, oldest first, removing them (one transaction). Rows that no
    /// longer read as an action are dropped and counted in the second value.
    pub async fn take_pending(&self) -> Result<(Vec<PendingCall>, usize)> {
        let mut tx = self.pool().begin().await.map_err(StoreError::query("taking unsent calls"))?;
        let rows = sqlx::query("SELECT decided_at, body, kept_at FROM pending_calls ORDER BY id")
            .fetch_all(&mut *tx)
            .await
            .map_err(StoreError::query("taking unsent calls"))?;
        sqlx::query("DELETE FROM pending_calls")
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("taking unsent calls"))?;
        tx.commit().await.map_err(StoreError::query("taking unsent calls"))?;
        let (mut calls, mut bad) = (Vec::new(), 0);
        for r in rows {
            let get = |c: &str| r.try_get::<i64, _>(c).map_err(StoreError::query("reading an unsent call"));
            let body: String = r.try_get("body").map_err(StoreError::query("reading an unsent call"))?;
            match from_body(&body) {
                Some(action) => calls.push(PendingCall {
                    decided_at: un(get("decided_at")?, "decision time")?,
                    kept_at: un(get("kept_at")?, "kept time")?,
                    action,
                }),
                None => bad += 1,
            }
        }
        Ok((calls, bad))
    }

    /// How many actions are kept for the next start (for tests and `moat doctor`).
    pub async fn pending_count(&self) -> Result<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM pending_calls")
            .fetch_one(self.pool())
            .await
            .map_err(StoreError::query("counting unsent calls"))?;
        let n: i64 = row.try_get("n").map_err(StoreError::query("counting unsent calls"))?;
        un(n, "count")
    }

    /// The kept actions without taking them.
    pub async fn pending_actions(&self) -> Result<Vec<Action>> {
        let rows = sqlx::query("SELECT body FROM pending_calls ORDER BY id")
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("reading unsent calls"))?;
        let mut out = Vec::new();
        for r in rows {
            let body: String = r.try_get("body").map_err(StoreError::query("reading an unsent call"))?;
            out.extend(from_body(&body));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::{ActionKind, Detector};

    #[test]
    fn an_action_survives_its_body() {
        let a = Action::new(5, GuildId(1), ActionKind::Timeout, Detector::Raid, "raid: 6 joins".into())
            .users([UserId(7), UserId(8)])
            .duration(600_000)
            .incident(IncidentId(42));
        assert_eq!(from_body(&to_body(&a)), Some(a));
        let d = Action::new(5, GuildId(1), ActionKind::DeleteMessage, Detector::Scam, "scam".into())
            .user(UserId(7))
            .message(ChannelId(3), MessageId(4));
        assert_eq!(from_body(&to_body(&d)), Some(d));
        assert_eq!(from_body("{}"), None);
        assert_eq!(from_body("not json"), None);
    }
}
