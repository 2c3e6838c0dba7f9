//! A guild's lifecycle and its right to its data: export everything, delete everything,
//! and deletion after a grace period once moat leaves.
//!
//! When moat is removed from a guild, [`Store::guild_left`] stamps it; if it is not
//! re-added within the grace period, [`Store::purge_departed`] deletes every row the guild
//! owns, in one transaction. [`GuildScope::delete_all_data`] does the same at once, on a
//! moderator's request, and [`GuildScope::export_all`] hands them a copy first.

use moat_core::id::GuildId;
use serde_json::{json, Value};
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{id, sql, un, DAY_MS};
use crate::{GuildScope, Store};

/// How long a departed guild's data is kept in case moat is re-added.
pub const DEPARTED_GRACE_MS: u64 = 7 * DAY_MS;

/// Every table holding a guild's rows, with its guild column.
const GUILD_TABLES: &[(&str, &str)] = &[
    ("evidence", "guild_id"),
    ("actions", "guild_id"),
    ("incident_members", "guild_id"),
    ("incidents", "guild_id"),
    ("timers", "guild_id"),
    ("strikes", "guild_id"),
    ("lockdown_saved", "guild_id"),
    ("settings_history", "guild_id"),
    ("guild_settings", "guild_id"),
    ("ban_pool_invites", "guild_id"),
    ("ban_pool_members", "guild_id"),
    ("pool_bans", "source_guild"),
    ("guilds", "guild_id"),
];

impl Store {
    /// moat was added to (or came back to) a guild: cancels any pending deletion.
    pub async fn guild_joined(&self, guild_id: GuildId, now: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2) \
             ON CONFLICT (guild_id) DO UPDATE SET left_at = NULL",
        )
        .bind(sql(guild_id, "guild id")?)
        .bind(sql(now, "time")?)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("recording a guild join"))?;
        Ok(())
    }

    /// moat left a guild: its data is deleted by the first [`Store::purge_departed`] after
    /// the grace period.
    pub async fn guild_left(&self, guild_id: GuildId, now: u64) -> Result<()> {
        sqlx::query(
            "INSERT INTO guilds (guild_id, joined_at, left_at) VALUES ($1, $2, $2) \
             ON CONFLICT (guild_id) DO UPDATE SET left_at = excluded.left_at",
        )
        .bind(sql(guild_id, "guild id")?)
        .bind(sql(now, "time")?)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("recording a guild departure"))?;
        Ok(())
    }

    /// Deletes the data of guilds left more than `grace_ms` before `now`; returns them.
    pub async fn purge_departed(&self, now: u64, grace_ms: u64) -> Result<Vec<GuildId>> {
        let cutoff = sql(now, "time")?.saturating_sub(sql(grace_ms, "grace")?);
        let gone: Vec<GuildId> = sqlx::query("SELECT guild_id FROM guilds WHERE left_at IS NOT NULL AND left_at < $1")
            .bind(cutoff)
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("finding departed guilds"))?
            .iter()
            .map(|r| id(r.try_get::<i64, _>(0).map_err(StoreError::query("finding departed guilds"))?, "guild id"))
            .collect::<Result<_>>()?;
        for &g in &gone {
            self.guild(g)?.delete_all_data().await?;
        }
        Ok(gone)
    }
}

impl GuildScope<'_> {
    /// Deletes every row this guild owns, pools it created included; returns the rows
    /// deleted.
    pub async fn delete_all_data(&self) -> Result<u64> {
        let mut tx = self.pool().begin().await.map_err(StoreError::query("deleting a guild's data"))?;
        let mut n = 0;
        // Pools it owns go with it, with everything shared in them.
        for q in [
            "DELETE FROM pool_bans WHERE pool_id IN (SELECT pool_id FROM ban_pools WHERE owner_guild = $1)",
            "DELETE FROM ban_pool_members WHERE pool_id IN (SELECT pool_id FROM ban_pools WHERE owner_guild = $1)",
            "DELETE FROM ban_pool_invites WHERE pool_id IN (SELECT pool_id FROM ban_pools WHERE owner_guild = $1)",
            "DELETE FROM ban_pools WHERE owner_guild = $1",
        ] {
            n += sqlx::query(q)
                .bind(self.id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("deleting a guild's pools"))?
                .rows_affected();
        }
        for (table, column) in GUILD_TABLES {
            n += sqlx::query(&format!("DELETE FROM {table} WHERE {column} = $1"))
                .bind(self.id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("deleting a guild's data"))?
                .rows_affected();
        }
        tx.commit().await.map_err(StoreError::query("deleting a guild's data"))?;
        Ok(n)
    }

    /// Everything stored about this guild, as JSON (for a moderator's data request).
    pub async fn export_all(&self, now: u64) -> Result<Value> {
        let summaries = self.incidents(u32::MAX).await?;
        let mut incidents = Vec::with_capacity(summaries.len());
        for s in &summaries {
            incidents.push(self.export_evidence(s.incident, now).await?);
        }
        let settings = self.settings().await?;
        let history: Vec<Value> = self
            .settings_history(u32::MAX)
            .await?
            .into_iter()
            .map(|c| json!({"version": c.version, "toml": c.toml, "changed_by": c.changed_by, "source": c.source, "changed_at": c.changed_at}))
            .collect();
        let timers: Vec<Value> = self
            .pending_timers()
            .await?
            .into_iter()
            .map(|t| json!({"kind": t.kind.as_str(), "user_id": t.user_id.map(|u| u.to_string()), "incident": t.incident, "due_at": t.due_at}))
            .collect();
        let strikes: Vec<Value> = sqlx::query("SELECT user_id, milli, updated_at FROM strikes WHERE guild_id = $1 ORDER BY user_id")
            .bind(self.id)
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("exporting strikes"))?
            .iter()
            .map(|r| -> Result<Value> {
                let g = |c: &str| r.try_get::<i64, _>(c).map_err(StoreError::query("exporting strikes"));
                Ok(json!({"user_id": un(g("user_id")?, "user id")?.to_string(), "strikes": g("milli")? as f64 / 1000.0, "updated_at": g("updated_at")?}))
            })
            .collect::<Result<_>>()?;
        let pools: Vec<Value> = self.pools().await?.into_iter().map(|p| p.to_json()).collect();
        Ok(json!({
            "guild_id": self.guild_id().to_string(),
            "exported_at": now,
            "settings": settings.map(|s| json!({"toml": s.toml, "version": s.version, "changed_by": s.changed_by, "changed_at": s.changed_at})),
            "settings_history": history,
            "incidents": incidents,
            "pending_timers": timers,
            "strikes": strikes,
            "ban_pools": pools,
        }))
    }
}
