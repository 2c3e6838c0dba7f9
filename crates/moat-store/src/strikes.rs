//! Strikes: how many offences a member still carries, forgiven one per decay period.
//!
//! Kept in thousandths of a strike (integers behave the same in both dialects, floats do
//! not) with the time of the last change; decay is applied on every read and write, in SQL
//! on writes so that two processes adding a strike at once both count. The engine's model
//! is the same (`UserState::strikes_at`): linear forgiveness of one strike per
//! `strike_decay_hours`.

use moat_core::id::UserId;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::sql;
use crate::GuildScope;

fn decayed(milli: i64, updated_at: i64, now: i64, decay_ms: i64) -> f32 {
    let forgiven = if now > updated_at { (now - updated_at).saturating_mul(1000) / decay_ms.max(1) } else { 0 };
    (milli - forgiven).max(0) as f32 / 1000.0
}

impl GuildScope<'_> {
    /// Adds a strike to `user` at `now`; returns the strikes now held.
    pub async fn add_strike(&self, user: UserId, now: u64, decay_ms: u64) -> Result<f32> {
        let now = sql(now, "time")?;
        let decay = sql(decay_ms.max(1), "strike decay")?;
        let milli: i64 = sqlx::query(
            "INSERT INTO strikes (guild_id, user_id, milli, updated_at) VALUES ($1, $2, 1000, $3) \
             ON CONFLICT (guild_id, user_id) DO UPDATE SET \
               milli = (CASE WHEN strikes.milli - (CASE WHEN $3 > strikes.updated_at THEN ($3 - strikes.updated_at) * 1000 / $4 ELSE 0 END) > 0 \
                        THEN strikes.milli - (CASE WHEN $3 > strikes.updated_at THEN ($3 - strikes.updated_at) * 1000 / $4 ELSE 0 END) \
                        ELSE 0 END) + 1000, \
               updated_at = CASE WHEN $3 > strikes.updated_at THEN $3 ELSE strikes.updated_at END \
             RETURNING milli",
        )
        .bind(self.id)
        .bind(sql(user, "user id")?)
        .bind(now)
        .bind(decay)
        .fetch_one(self.pool())
        .await
        .and_then(|r| r.try_get(0))
        .map_err(StoreError::query("adding a strike"))?;
        Ok(milli as f32 / 1000.0)
    }

    /// The strikes `user` holds at `now`.
    pub async fn strikes(&self, user: UserId, now: u64, decay_ms: u64) -> Result<f32> {
        let row = sqlx::query("SELECT milli, updated_at FROM strikes WHERE guild_id = $1 AND user_id = $2")
            .bind(self.id)
            .bind(sql(user, "user id")?)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading strikes"))?;
        let Some(row) = row else { return Ok(0.0) };
        let milli: i64 = row.try_get("milli").map_err(StoreError::query("reading strikes"))?;
        let at: i64 = row.try_get("updated_at").map_err(StoreError::query("reading strikes"))?;
        Ok(decayed(milli, at, sql(now, "time")?, sql(decay_ms.max(1), "strike decay")?))
    }

    /// Clears a member's strikes (a moderator's pardon).
    pub async fn forgive(&self, user: UserId) -> Result<()> {
        sqlx::query("DELETE FROM strikes WHERE guild_id = $1 AND user_id = $2")
            .bind(self.id)
            .bind(sql(user, "user id")?)
            .execute(self.pool())
            .await
            .map_err(StoreError::query("forgiving strikes"))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn decay_is_linear_and_floors_at_zero() {
        let h = 3_600_000;
        assert_eq!(super::decayed(2000, 0, 12 * h, 24 * h), 1.5);
        assert_eq!(super::decayed(2000, 0, 72 * h, 24 * h), 0.0);
        assert_eq!(super::decayed(2000, 10, 5, 24 * h), 2.0);
    }
}
