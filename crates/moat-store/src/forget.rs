//! Forgetting one person (an erasure request): `moat db forget-user --user ID`.
//!
//! Deletes what moat keeps about them: the messages kept as evidence, their strikes, their
//! place in incidents' member lists, timers already fired, and their entries in ban pools.
//! Timers still due stay (they lift a punishment; deleting them would leave the person
//! silenced or banned for good), and so does each incident's timeline of actions, which
//! records what moat did and is kept for its retention like any other action.

use moat_core::id::{GuildId, UserId};

use crate::error::{Result, StoreError};
use crate::ids::sql;
use crate::Store;

/// Per table, the rows about one user (`$1`), optionally in one guild (`$2`).
const USER_ROWS: &[(&str, &str)] = &[
    ("evidence", "author_id = $1"),
    ("strikes", "user_id = $1"),
    ("incident_members", "user_id = $1"),
    ("timers", "user_id = $1 AND fired_at IS NOT NULL"),
];

impl Store {
    /// Deletes what is kept about `user` (in `guild` only, when given); the rows deleted.
    pub async fn forget_user(&self, user: UserId, guild: Option<GuildId>) -> Result<u64> {
        let uid = sql(user, "user id")?;
        let gid = guild.map(|g| sql(g, "guild id")).transpose()?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("forgetting a user"))?;
        let mut n = 0;
        for (table, rows) in USER_ROWS {
            let q = match gid {
                Some(_) => format!("DELETE FROM {table} WHERE {rows} AND guild_id = $2"),
                None => format!("DELETE FROM {table} WHERE {rows}"),
            };
            let mut query = sqlx::query(&q).bind(uid);
            if let Some(g) = gid {
                query = query.bind(g);
            }
            n += query.execute(&mut *tx).await.map_err(StoreError::query("forgetting a user"))?.rows_affected();
        }
        if gid.is_none() {
            n += sqlx::query("DELETE FROM pool_bans WHERE user_id = $1")
                .bind(uid)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("forgetting a user"))?
                .rows_affected();
        }
        tx.commit().await.map_err(StoreError::query("forgetting a user"))?;
        Ok(n)
    }
}
