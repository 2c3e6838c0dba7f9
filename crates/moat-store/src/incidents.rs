//! Incidents: what a moderator reviews, and undoes in one step.
//!
//! An incident is every action the engine filed under one `incident` id in one guild: a raid
//! from lockdown to unlock, one flood, one scam post. Reading goes through [`GuildScope`],
//! so a guild only ever sees its own; [`Store::locate_incident`] is the operator's lookup
//! (the `moat` command run on the database host), never exposed to a guild.

use moat_core::id::{GuildId, IncidentId, UserId};
use moat_core::{ActionKind, Detector};
use serde_json::{json, Value};
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{self, sql, un};
use crate::undo::{plan, UndoPlan};
use crate::{GuildScope, Store};

/// One incident, without its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentSummary {
    pub guild_id: GuildId,
    pub incident: IncidentId,
    /// `raid`, `flood`, `scam`, `campaign`, `scraper`... (see `incident_kind`).
    pub kind: String,
    /// The detector that opened it.
    pub detector: Detector,
    pub opened_at: u64,
    pub last_action_at: u64,
    /// `None` while a lockdown is in force.
    pub closed_at: Option<u64>,
    pub lockdown_until: Option<u64>,
    pub action_count: u64,
    pub members: u64,
    pub undone_at: Option<u64>,
    pub undone_by: Option<String>,
}

/// Which incidents a list shows: each `None` matches all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    pub kind: Option<String>,
    pub detector: Option<Detector>,
    /// Opened at or after (unix ms).
    pub from: Option<u64>,
    /// Opened before (unix ms).
    pub until: Option<u64>,
    pub limit: u32,
    pub offset: u32,
}

/// One action of an incident's timeline, in its JSON form (evidence contents excluded; see
/// [`crate::evidence`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub id: i64,
    pub ts: u64,
    pub kind: ActionKind,
    pub action: Value,
}

/// An incident in full.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub summary: IncidentSummary,
    pub members: Vec<UserId>,
    pub timeline: Vec<TimelineEntry>,
    pub undo: UndoPlan,
    /// A Mastodon server's incident: its accounts and statuses by their Mastodon ids, and the
    /// undo as admin API calls ([`crate::mastodon`]). `None` on Discord.
    pub mastodon: Option<crate::mastodon::MastodonIncident>,
}

const SUMMARY: &str = "SELECT i.guild_id, i.incident_id, i.kind, i.detector, i.opened_at, i.last_action_at, i.closed_at, \
     i.lockdown_until, i.action_count, i.undone_at, i.undone_by, \
     (SELECT COUNT(*) FROM incident_members m WHERE m.guild_id = i.guild_id AND m.incident_id = i.incident_id) AS members \
     FROM incidents i";

fn opt(row: &AnyRow, c: &str) -> Result<Option<u64>> {
    let v: Option<i64> = row.try_get(c).map_err(StoreError::query("reading an incident"))?;
    v.map(|v| un(v, c)).transpose()
}

fn summary_from(row: &AnyRow) -> Result<IncidentSummary> {
    let int =
        |c: &str| -> Result<u64> { un(row.try_get::<i64, _>(c).map_err(StoreError::query("reading an incident"))?, c) };
    let text =
        |c: &str| -> Result<String> { row.try_get::<String, _>(c).map_err(StoreError::query("reading an incident")) };
    Ok(IncidentSummary {
        guild_id: GuildId(int("guild_id")?),
        incident: IncidentId(int("incident_id")?),
        kind: text("kind")?,
        detector: ids::detector(&text("detector")?)?,
        opened_at: int("opened_at")?,
        last_action_at: int("last_action_at")?,
        closed_at: opt(row, "closed_at")?,
        lockdown_until: opt(row, "lockdown_until")?,
        action_count: int("action_count")?,
        members: int("members")?,
        undone_at: opt(row, "undone_at")?,
        undone_by: row.try_get("undone_by").map_err(StoreError::query("reading an incident"))?,
    })
}

impl IncidentSummary {
    /// `open` (locked down), `closed` or `undone`.
    pub fn status(&self) -> &'static str {
        if self.undone_at.is_some() {
            "undone"
        } else if self.closed_at.is_none() {
            "open"
        } else {
            "closed"
        }
    }

    pub fn to_json(&self) -> Value {
        json!({
            "guild_id": self.guild_id.to_string(),
            "incident": self.incident.get(),
            "kind": self.kind,
            "detector": self.detector.as_str(),
            "status": self.status(),
            "opened_at": self.opened_at,
            "last_action_at": self.last_action_at,
            "closed_at": self.closed_at,
            "lockdown_until": self.lockdown_until,
            "actions": self.action_count,
            "members": self.members,
            "undone_at": self.undone_at,
            "undone_by": self.undone_by,
        })
    }
}

impl Incident {
    pub fn to_json(&self) -> Value {
        let mut v = self.summary.to_json();
        v["member_ids"] = self.members.iter().map(|m| Value::String(m.to_string())).collect();
        v["timeline"] = self.timeline.iter().map(|e| e.action.clone()).collect();
        v["undo"] = self.undo.to_json();
        if let Some(m) = &self.mastodon {
            v["platform"] = "mastodon".into();
            v["server"] = m.server.clone().into();
            v["account_ids"] = self.members.iter().map(|u| Value::String(m.account(*u))).collect();
            v["undo"] = m.undo.to_json();
        }
        v
    }
}

impl GuildScope<'_> {
    /// This guild's incidents, newest first, at most `limit`.
    pub async fn incidents(&self, limit: u32) -> Result<Vec<IncidentSummary>> {
        let rows =
            sqlx::query(&format!("{SUMMARY} WHERE i.guild_id = $1 ORDER BY i.opened_at DESC, i.incident_id LIMIT $2"))
                .bind(self.id)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await
                .map_err(StoreError::query("listing incidents"))?;
        rows.iter().map(summary_from).collect()
    }

    /// This guild's incidents matching `f`, newest first (the dashboard's filtered list).
    pub async fn incidents_where(&self, f: &IncidentFilter) -> Result<Vec<IncidentSummary>> {
        let mut q = format!("{SUMMARY} WHERE i.guild_id = $1");
        let mut n = 1;
        let mut next = || {
            n += 1;
            n
        };
        if f.kind.is_some() {
            q += &format!(" AND i.kind = ${}", next());
        }
        if f.detector.is_some() {
            q += &format!(" AND i.detector = ${}", next());
        }
        if f.from.is_some() {
            q += &format!(" AND i.opened_at >= ${}", next());
        }
        if f.until.is_some() {
            q += &format!(" AND i.opened_at < ${}", next());
        }
        q += &format!(" ORDER BY i.opened_at DESC, i.incident_id LIMIT ${} OFFSET ${}", next(), next());
        let mut query = sqlx::query(&q).bind(self.id);
        if let Some(k) = &f.kind {
            query = query.bind(k.clone());
        }
        if let Some(d) = f.detector {
            query = query.bind(d.as_str());
        }
        if let Some(t) = f.from {
            query = query.bind(sql(t, "time")?);
        }
        if let Some(t) = f.until {
            query = query.bind(sql(t, "time")?);
        }
        let rows = query
            .bind(i64::from(f.limit))
            .bind(i64::from(f.offset))
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("listing incidents"))?;
        rows.iter().map(summary_from).collect()
    }

    /// One of this guild's incidents in full; `NotFound` if this guild has no such incident
    /// (whether or not another guild does).
    pub async fn incident(&self, incident: IncidentId) -> Result<Incident> {
        let inc = sql(incident, "incident id")?;
        let row = sqlx::query(&format!("{SUMMARY} WHERE i.guild_id = $1 AND i.incident_id = $2"))
            .bind(self.id)
            .bind(inc)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading an incident"))?
            .ok_or_else(|| StoreError::NotFound(format!("incident {incident} in guild {}", self.guild_id)))?;
        let summary = summary_from(&row)?;
        let members = sqlx::query(
            "SELECT user_id FROM incident_members WHERE guild_id = $1 AND incident_id = $2 ORDER BY first_at, user_id",
        )
        .bind(self.id)
        .bind(inc)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading incident members"))?
        .iter()
        .map(|r| ids::id(r.try_get::<i64, _>(0).map_err(StoreError::query("reading incident members"))?, "member id"))
        .collect::<Result<Vec<_>>>()?;
        let timeline = self.timeline(inc).await?;
        let undo = plan(&timeline);
        let mastodon = crate::mastodon::of_timeline(&timeline);
        Ok(Incident { summary, members, timeline, undo, mastodon })
    }

    async fn timeline(&self, inc: i64) -> Result<Vec<TimelineEntry>> {
        let rows = sqlx::query(
            "SELECT id, ts, kind, body FROM actions WHERE guild_id = $1 AND incident_id = $2 ORDER BY ts, id",
        )
        .bind(self.id)
        .bind(inc)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading an incident's timeline"))?;
        rows.iter()
            .map(|r| {
                let err = StoreError::query("reading an incident's timeline");
                let body: String = r.try_get("body").map_err(err)?;
                let kind: String = r.try_get("kind").map_err(StoreError::query("reading an incident's timeline"))?;
                let action: Value = serde_json::from_str(&body)
                    .map_err(|e| StoreError::Corrupt(format!("action JSON of incident {inc}: {e}")))?;
                Ok(TimelineEntry {
                    id: r.try_get("id").map_err(StoreError::query("reading an incident's timeline"))?,
                    ts: un(
                        r.try_get::<i64, _>("ts").map_err(StoreError::query("reading an incident's timeline"))?,
                        "ts",
                    )?,
                    kind: ids::action_kind(&kind)?,
                    action,
                })
            })
            .collect()
    }

    /// Marks an incident undone by `by` and cancels its pending timers; returns the steps the
    /// caller (the bot) performs on Discord. Undoing twice is refused.
    pub async fn mark_undone(&self, incident: IncidentId, by: &str, now: u64) -> Result<UndoPlan> {
        let found = self.incident(incident).await?;
        if found.summary.undone_at.is_some() {
            return Err(StoreError::Invalid(format!("incident {incident} was already undone")));
        }
        let inc = sql(incident, "incident id")?;
        let now = sql(now, "time")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("undoing an incident"))?;
        let r = sqlx::query(
            "UPDATE incidents SET undone_at = $1, undone_by = $2, closed_at = COALESCE(closed_at, $1), lockdown_until = NULL \
             WHERE guild_id = $3 AND incident_id = $4 AND undone_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(self.id)
        .bind(inc)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("undoing an incident"))?;
        if r.rows_affected() == 0 {
            return Err(StoreError::Invalid(format!("incident {incident} was already undone")));
        }
        sqlx::query("UPDATE timers SET fired_at = $1, outcome = 'undone' WHERE guild_id = $2 AND incident_id = $3 AND fired_at IS NULL")
            .bind(now)
            .bind(self.id)
            .bind(inc)
            .execute(&mut *tx)
            .await
            .map_err(StoreError::query("cancelling an undone incident's timers"))?;
        tx.commit().await.map_err(StoreError::query("undoing an incident"))?;
        Ok(found.undo)
    }
}

impl Store {
    /// Operator lookup: the guilds holding an incident id (normally one). Not for guilds.
    pub async fn locate_incident(&self, incident: IncidentId) -> Result<Vec<GuildId>> {
        sqlx::query("SELECT guild_id FROM incidents WHERE incident_id = $1 ORDER BY guild_id")
            .bind(sql(incident, "incident id")?)
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("locating an incident"))?
            .iter()
            .map(|r| ids::id(r.try_get::<i64, _>(0).map_err(StoreError::query("locating an incident"))?, "guild id"))
            .collect()
    }

    /// Operator listing: every guild the store knows.
    pub async fn guild_ids(&self) -> Result<Vec<GuildId>> {
        sqlx::query("SELECT guild_id FROM guilds ORDER BY guild_id")
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::query("listing guilds"))?
            .iter()
            .map(|r| ids::id(r.try_get::<i64, _>(0).map_err(StoreError::query("listing guilds"))?, "guild id"))
            .collect()
    }
}
