//! Ban pools: guilds that choose to share bans of confirmed raiders and scammers.
//!
//! Opt-in on both sides: a pool's owner invites a guild, and the guild joins. A guild only
//! ever sees the pools it is a member of and the bans shared in them; leaving a pool stops
//! that at once. Sharing a ban puts it in every pool the sharing guild belongs to.

use moat_core::id::{GuildId, IncidentId, UserId};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{id, sql, un};
use crate::GuildScope;

/// A pool as its members see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub id: u64,
    pub name: String,
    pub owner_guild: GuildId,
    pub members: u64,
}

impl Pool {
    pub fn to_json(&self) -> Value {
        json!({"pool_id": self.id, "name": self.name, "owner_guild": self.owner_guild.to_string(), "members": self.members})
    }
}

/// A ban shared in a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolBan {
    pub pool_id: u64,
    pub user_id: UserId,
    pub source_guild: GuildId,
    pub incident: IncidentId,
    pub reason: String,
    pub banned_at: u64,
}

fn ban_from(r: &AnyRow) -> Result<PoolBan> {
    let err = || StoreError::query("reading pool bans");
    let int = |c: &str| -> Result<u64> { un(r.try_get::<i64, _>(c).map_err(err())?, c) };
    Ok(PoolBan {
        pool_id: int("pool_id")?,
        user_id: UserId(int("user_id")?),
        source_guild: GuildId(int("source_guild")?),
        incident: IncidentId(int("incident_id")?),
        reason: r.try_get("reason").map_err(err())?,
        banned_at: int("banned_at")?,
    })
}

impl GuildScope<'_> {
    /// Creates a pool owned by this guild (which is its first member); returns its id.
    pub async fn create_pool(&self, name: &str, now: u64) -> Result<u64> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(StoreError::Invalid("a pool's name must be 1 to 100 characters".into()));
        }
        let now = sql(now, "time")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("creating a pool"))?;
        let id: i64 =
            sqlx::query("INSERT INTO ban_pools (name, owner_guild, created_at) VALUES ($1, $2, $3) RETURNING pool_id")
                .bind(name)
                .bind(self.id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await
                .and_then(|r| r.try_get(0))
                .map_err(StoreError::query("creating a pool"))?;
        sqlx::query("INSERT INTO ban_pool_members (pool_id, guild_id, joined_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(self.id)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("creating a pool"))?;
        tx.commit().await.map_err(StoreError::query("creating a pool"))?;
        un(id, "pool id")
    }

    /// Invites `guild` into a pool this guild owns.
    pub async fn invite_to_pool(&self, pool: u64, guild: GuildId, now: u64) -> Result<()> {
        let r = sqlx::query(
            "INSERT INTO ban_pool_invites (pool_id, guild_id, invited_at) \
             SELECT pool_id, $1, $2 FROM ban_pools WHERE pool_id = $3 AND owner_guild = $4 \
             ON CONFLICT (pool_id, guild_id) DO NOTHING",
        )
        .bind(sql(guild, "guild id")?)
        .bind(sql(now, "time")?)
        .bind(sql(pool, "pool id")?)
        .bind(self.id)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("inviting to a pool"))?;
        if r.rows_affected() == 0 && !self.owns_pool(pool).await? {
            return Err(StoreError::NotFound(format!("pool {pool} owned by guild {}", self.guild_id)));
        }
        Ok(())
    }

    async fn owns_pool(&self, pool: u64) -> Result<bool> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM ban_pools WHERE pool_id = $1 AND owner_guild = $2")
            .bind(sql(pool, "pool id")?)
            .bind(self.id)
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get(0))
            .map_err(StoreError::query("reading a pool"))?;
        Ok(n > 0)
    }

    /// Joins a pool this guild was invited to.
    pub async fn join_pool(&self, pool: u64, now: u64) -> Result<()> {
        let r = sqlx::query(
            "INSERT INTO ban_pool_members (pool_id, guild_id, joined_at) \
             SELECT pool_id, guild_id, $1 FROM ban_pool_invites WHERE pool_id = $2 AND guild_id = $3 \
             ON CONFLICT (pool_id, guild_id) DO NOTHING",
        )
        .bind(sql(now, "time")?)
        .bind(sql(pool, "pool id")?)
        .bind(self.id)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("joining a pool"))?;
        if r.rows_affected() == 0 && !self.pools().await?.iter().any(|p| p.id == pool) {
            return Err(StoreError::NotFound(format!("an invitation of guild {} to pool {pool}", self.guild_id)));
        }
        Ok(())
    }

    /// Leaves a pool: its bans are no longer visible here, and this guild's own shares are
    /// withdrawn from it.
    pub async fn leave_pool(&self, pool: u64) -> Result<()> {
        let p = sql(pool, "pool id")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("leaving a pool"))?;
        for q in [
            "DELETE FROM ban_pool_members WHERE pool_id = $1 AND guild_id = $2",
            "DELETE FROM pool_bans WHERE pool_id = $1 AND source_guild = $2",
        ] {
            sqlx::query(q)
                .bind(p)
                .bind(self.id)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("leaving a pool"))?;
        }
        tx.commit().await.map_err(StoreError::query("leaving a pool"))?;
        Ok(())
    }

    /// The pools this guild is a member of.
    pub async fn pools(&self) -> Result<Vec<Pool>> {
        sqlx::query(
            "SELECT p.pool_id, p.name, p.owner_guild, \
             (SELECT COUNT(*) FROM ban_pool_members x WHERE x.pool_id = p.pool_id) AS members \
             FROM ban_pools p JOIN ban_pool_members m ON m.pool_id = p.pool_id WHERE m.guild_id = $1 ORDER BY p.pool_id",
        )
        .bind(self.id)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("listing pools"))?
        .iter()
        .map(|r| {
            let err = || StoreError::query("listing pools");
            Ok(Pool {
                id: un(r.try_get("pool_id").map_err(err())?, "pool id")?,
                name: r.try_get("name").map_err(err())?,
                owner_guild: id(r.try_get("owner_guild").map_err(err())?, "owner guild")?,
                members: un(r.try_get("members").map_err(err())?, "member count")?,
            })
        })
        .collect()
    }

    /// Shares a confirmed ban with every pool this guild belongs to; returns how many.
    pub async fn share_ban(&self, user: UserId, reason: &str, incident: IncidentId, now: u64) -> Result<u64> {
        let r = sqlx::query(
            "INSERT INTO pool_bans (pool_id, user_id, source_guild, incident_id, reason, banned_at) \
             SELECT pool_id, $1, guild_id, $2, $3, $4 FROM ban_pool_members WHERE guild_id = $5 \
             ON CONFLICT (pool_id, user_id) DO NOTHING",
        )
        .bind(sql(user, "user id")?)
        .bind(sql(incident, "incident id")?)
        .bind(reason)
        .bind(sql(now, "time")?)
        .bind(self.id)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("sharing a ban"))?;
        Ok(r.rows_affected())
    }

    /// Bans shared by other guilds in the pools this guild joined.
    pub async fn pool_bans(&self) -> Result<Vec<PoolBan>> {
        sqlx::query(
            "SELECT b.pool_id, b.user_id, b.source_guild, b.incident_id, b.reason, b.banned_at FROM pool_bans b \
             JOIN ban_pool_members m ON m.pool_id = b.pool_id \
             WHERE m.guild_id = $1 AND b.source_guild <> $1 ORDER BY b.banned_at, b.user_id",
        )
        .bind(self.id)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading pool bans"))?
        .iter()
        .map(ban_from)
        .collect()
    }
}
