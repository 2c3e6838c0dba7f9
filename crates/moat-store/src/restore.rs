//! What a restarted bot reads back besides timers and lockdowns: every member's strikes
//! (so a repeat offender keeps climbing the escalation ladder) and the guild settings a
//! lockdown replaced (so its end restores the guild's own settings, not a guess).
//!
//! The live bot writes both as it goes: strikes as the engine holds them after each
//! punishment ([`GuildScope::set_strikes`]), the saved settings when it locks a guild down
//! ([`GuildScope::save_lockdown_state`], an opaque JSON text the bot owns).

use moat_core::id::UserId;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{id, sql, un};
use crate::GuildScope;

/// A member's strikes as last written, undecayed: `strikes` held at `at` (unix ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StrikeRow {
    pub user_id: UserId,
    pub strikes: f32,
    pub at: u64,
}

impl GuildScope<'_> {
    /// Sets a member's strikes to what the engine holds at `at` (the engine decays them
    /// itself; an older write never replaces a newer one).
    pub async fn set_strikes(&self, user: UserId, strikes: f32, at: u64) -> Result<()> {
        let milli = (f64::from(strikes.max(0.0)) * 1000.0).round() as i64;
        sqlx::query(
            "INSERT INTO strikes (guild_id, user_id, milli, updated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (guild_id, user_id) DO UPDATE SET milli = excluded.milli, updated_at = excluded.updated_at \
             WHERE excluded.updated_at >= strikes.updated_at",
        )
        .bind(self.id)
        .bind(sql(user, "user id")?)
        .bind(milli)
        .bind(sql(at, "time")?)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("setting strikes"))?;
        Ok(())
    }

    /// Every member of the guild holding strikes, as last written.
    pub async fn strike_rows(&self) -> Result<Vec<StrikeRow>> {
        let rows = sqlx::query(
            "SELECT user_id, milli, updated_at FROM strikes WHERE guild_id = $1 AND milli > 0 ORDER BY user_id",
        )
        .bind(self.id)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading strikes"))?;
        let err = || StoreError::query("reading strikes");
        rows.iter()
            .map(|r| {
                Ok(StrikeRow {
                    user_id: id(r.try_get::<i64, _>("user_id").map_err(err())?, "user id")?,
                    strikes: r.try_get::<i64, _>("milli").map_err(err())? as f32 / 1000.0,
                    at: un(r.try_get::<i64, _>("updated_at").map_err(err())?, "strike time")?,
                })
            })
            .collect()
    }

    /// Keeps what the guild had before a lockdown (replacing an older record).
    pub async fn save_lockdown_state(&self, saved: &str, now: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO lockdown_saved (guild_id, saved, saved_at) VALUES ($1, $2, $3) \
             ON CONFLICT (guild_id) DO UPDATE SET saved = excluded.saved, saved_at = excluded.saved_at",
        )
        .bind(self.id)
        .bind(saved)
        .bind(sql(now, "time")?)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("saving the settings before a lockdown"))?;
        Ok(())
    }

    /// What the guild had before its lockdown, if moat saved it.
    pub async fn lockdown_state(&self) -> Result<Option<String>> {
        let row = sqlx::query("SELECT saved FROM lockdown_saved WHERE guild_id = $1")
            .bind(self.id)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading the settings before a lockdown"))?;
        row.map(|r| r.try_get::<String, _>(0).map_err(StoreError::query("reading the settings before a lockdown")))
            .transpose()
    }

    /// Forgets the saved settings (the lockdown ended and they were restored).
    pub async fn clear_lockdown_state(&self) -> Result<()> {
        sqlx::query("DELETE FROM lockdown_saved WHERE guild_id = $1")
            .bind(self.id)
            .execute(self.pool())
            .await
            .map_err(StoreError::query("forgetting the settings before a lockdown"))?;
        Ok(())
    }
}
