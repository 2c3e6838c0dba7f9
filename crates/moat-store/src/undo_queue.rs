//! Undo requests: `moat incidents undo ID` asks, the running bot does.
//!
//! An undo made from a second process with the same token would race the bot's own calls and
//! share none of its rate-limit knowledge. So the command queues a request here
//! ([`GuildScope::request_undo`]) and the bot, which polls ([`Store::claim_undo_requests`]:
//! each request claimed once, even with two processes), carries it out through its executor
//! and writes what happened ([`Store::finish_undo_request`]). The command waits for that
//! outcome; with no bot running, the request stays queued for the next start.

use moat_core::id::{GuildId, IncidentId};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{id, sql, un};
use crate::{GuildScope, Store};

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoRequest {
    pub id: i64,
    pub guild_id: GuildId,
    pub incident: IncidentId,
    pub requested_by: String,
    pub requested_at: u64,
    pub claimed_at: Option<u64>,
    pub done_at: Option<u64>,
    /// What the bot did, one line a step (or why it could not).
    pub outcome: Option<String>,
}

const COLUMNS: &str = "id, guild_id, incident_id, requested_by, requested_at, claimed_at, done_at, outcome";

fn from_row(r: &AnyRow) -> Result<UndoRequest> {
    let get = |c: &str| r.try_get::<i64, _>(c).map_err(StoreError::query("reading an undo request"));
    let opt = |c: &str| -> Result<Option<u64>> {
        let v: Option<i64> = r.try_get(c).map_err(StoreError::query("reading an undo request"))?;
        v.map(|v| un(v, c)).transpose()
    };
    Ok(UndoRequest {
        id: get("id")?,
        guild_id: id(get("guild_id")?, "guild id")?,
        incident: id(get("incident_id")?, "incident id")?,
        requested_by: r.try_get("requested_by").map_err(StoreError::query("reading an undo request"))?,
        requested_at: un(get("requested_at")?, "request time")?,
        claimed_at: opt("claimed_at")?,
        done_at: opt("done_at")?,
        outcome: r.try_get("outcome").map_err(StoreError::query("reading an undo request"))?,
    })
}

impl GuildScope<'_> {
    /// Queues an undo of `incident` (which must exist and not be undone yet) asked by `by`.
    pub async fn request_undo(&self, incident: IncidentId, by: &str, now: u64) -> Result<i64> {
        let found = self.incident(incident).await?;
        if let Some(by) = &found.summary.undone_by {
            return Err(StoreError::Invalid(format!("incident {incident} was already undone by {by}")));
        }
        sqlx::query(
            "INSERT INTO undo_requests (guild_id, incident_id, requested_by, requested_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(self.id)
        .bind(sql(incident, "incident id")?)
        .bind(by)
        .bind(sql(now, "time")?)
        .fetch_one(self.pool())
        .await
        .and_then(|r| r.try_get::<i64, _>(0))
        .map_err(StoreError::query("queueing an undo"))
    }
}

impl Store {
    /// Claims up to `limit` waiting requests, oldest first (each is claimed once, ever).
    pub async fn claim_undo_requests(&self, now: u64, limit: u32) -> Result<Vec<UndoRequest>> {
        let rows = sqlx::query(&format!(
            "UPDATE undo_requests SET claimed_at = $1 WHERE claimed_at IS NULL AND id IN \
             (SELECT id FROM undo_requests WHERE claimed_at IS NULL ORDER BY id LIMIT $2) RETURNING {COLUMNS}"
        ))
        .bind(sql(now, "time")?)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("claiming undo requests"))?;
        let mut v = rows.iter().map(from_row).collect::<Result<Vec<_>>>()?;
        v.sort_by_key(|r| r.id);
        Ok(v)
    }

    /// Writes what the bot did for request `id`.
    pub async fn finish_undo_request(&self, id: i64, outcome: &str, now: u64) -> Result<()> {
        sqlx::query("UPDATE undo_requests SET done_at = $1, outcome = $2 WHERE id = $3")
            .bind(sql(now, "time")?)
            .bind(outcome)
            .bind(id)
            .execute(self.pool())
            .await
            .map_err(StoreError::query("finishing an undo request"))?;
        Ok(())
    }

    /// Request `id` as it stands.
    pub async fn undo_request(&self, id: i64) -> Result<Option<UndoRequest>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM undo_requests WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading an undo request"))?;
        row.as_ref().map(from_row).transpose()
    }
}
