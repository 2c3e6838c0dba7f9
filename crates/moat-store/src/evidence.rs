//! Evidence: the messages behind actions, for moderators and Trust & Safety reports.
//!
//! Each message moat acted on is kept with its author, channel, attachments' URLs and the
//! action's reason, in its own table so that retention can purge contents (30 days by
//! default, per guild configurable) while the incident's timeline and facts stay.
//! Only what moderation needs is kept: the few messages an action names, never chat logs.

use moat_core::id::{IncidentId, UserId};
use serde_json::{json, Value};
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{sql, un, DAY_MS};
use crate::{GuildScope, Store};

/// How long evidence is kept unless a guild says otherwise.
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// The version tag of the export format.
pub const EXPORT_FORMAT: &str = "moat-evidence/1";

impl GuildScope<'_> {
    /// The JSON report of one incident: what happened, to whom, and the messages, as a
    /// Trust & Safety report wants them. `NotFound` if the incident is not this guild's.
    pub async fn export_evidence(&self, incident: IncidentId, now: u64) -> Result<Value> {
        let full = self.incident(incident).await?;
        let rows = sqlx::query(
            "SELECT e.message_id, e.channel_id, e.author_id, e.ts, e.content, e.attachment_urls, e.reason, e.recorded_at, a.kind \
             FROM evidence e LEFT JOIN actions a ON a.id = e.action_id AND a.guild_id = e.guild_id \
             WHERE e.guild_id = $1 AND e.incident_id = $2 ORDER BY e.ts, e.id",
        )
        .bind(self.id)
        .bind(sql(incident, "incident id")?)
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading evidence"))?;
        let mut messages = Vec::with_capacity(rows.len());
        for r in &rows {
            let err = || StoreError::query("reading evidence");
            let int = |c: &str| -> Result<u64> { un(r.try_get::<i64, _>(c).map_err(err())?, c) };
            let urls: String = r.try_get("attachment_urls").map_err(err())?;
            let urls: Value = serde_json::from_str(&urls)
                .map_err(|e| StoreError::Corrupt(format!("attachment URLs of incident {incident}: {e}")))?;
            let (channel, message) = (int("channel_id")?, int("message_id")?);
            if let Some(m) = &full.mastodon {
                // A status: named as Mastodon names it, linked to its author's admin page.
                let account = m.account(UserId(int("author_id")?));
                messages.push(json!({
                    "status_id": m.status(message),
                    "account_id": account,
                    "link": format!("{}/admin/accounts/{account}", m.server),
                    "ts": int("ts")?,
                    "content": r.try_get::<String, _>("content").map_err(err())?,
                    "attachment_urls": urls,
                    "reason": r.try_get::<String, _>("reason").map_err(err())?,
                    "action": r.try_get::<Option<String>, _>("kind").map_err(err())?,
                    "recorded_at": int("recorded_at")?,
                }));
                continue;
            }
            messages.push(json!({
                "message_id": message.to_string(),
                "channel_id": channel.to_string(),
                // What a Trust & Safety report asks for (dead once deleted, but it names it).
                "link": format!("https://discord.com/channels/{}/{channel}/{message}", self.guild_id),
                "author_id": int("author_id")?.to_string(),
                "ts": int("ts")?,
                "content": r.try_get::<String, _>("content").map_err(err())?,
                "attachment_urls": urls,
                "reason": r.try_get::<String, _>("reason").map_err(err())?,
                "action": r.try_get::<Option<String>, _>("kind").map_err(err())?,
                "recorded_at": int("recorded_at")?,
            }));
        }
        let retention = self.evidence_retention_days().await?;
        let s = &full.summary;
        let mut v = json!({
            "format": EXPORT_FORMAT,
            "guild_id": s.guild_id.to_string(),
            "incident": s.incident.get(),
            "kind": s.kind,
            "detector": s.detector.as_str(),
            "status": s.status(),
            "opened_at": s.opened_at,
            "closed_at": s.closed_at,
            "exported_at": now,
            "retention_days": retention,
            "member_ids": full.members.iter().map(UserId::to_string).collect::<Vec<_>>(),
            "actions": full.timeline.iter().map(|e| e.action.clone()).collect::<Vec<_>>(),
            "messages": messages,
        });
        if let Some(m) = &full.mastodon {
            v["platform"] = "mastodon".into();
            v["server"] = m.server.clone().into();
            v["account_ids"] = full.members.iter().map(|u| Value::String(m.account(*u))).collect();
        }
        Ok(v)
    }

    /// How many evidence messages this guild holds.
    pub async fn evidence_count(&self) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM evidence WHERE guild_id = $1")
            .bind(self.id)
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get(0))
            .map_err(StoreError::query("counting evidence"))?;
        un(n, "evidence count")
    }

    /// The guild's retention in days (its own, or the default).
    pub async fn evidence_retention_days(&self) -> Result<u32> {
        let v: Option<i64> = sqlx::query("SELECT evidence_retention_days FROM guilds WHERE guild_id = $1")
            .bind(self.id)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading the evidence retention"))?
            .map(|r| r.try_get::<Option<i64>, _>(0))
            .transpose()
            .map_err(StoreError::query("reading the evidence retention"))?
            .flatten();
        Ok(v.and_then(|d| u32::try_from(d).ok()).unwrap_or(DEFAULT_RETENTION_DAYS))
    }

    /// Sets how long this guild's evidence is kept (1 to 365 days), or back to the default.
    pub async fn set_evidence_retention(&self, days: Option<u32>, now: u64) -> Result<()> {
        if let Some(d) = days {
            if !(1..=365).contains(&d) {
                return Err(StoreError::Invalid(format!("evidence retention must be 1 to 365 days, not {d}")));
            }
        }
        sqlx::query(
            "INSERT INTO guilds (guild_id, joined_at, evidence_retention_days) VALUES ($1, $2, $3) \
             ON CONFLICT (guild_id) DO UPDATE SET evidence_retention_days = excluded.evidence_retention_days",
        )
        .bind(self.id)
        .bind(sql(now, "time")?)
        .bind(days.map(i64::from))
        .execute(self.pool())
        .await
        .map_err(StoreError::query("setting the evidence retention"))?;
        Ok(())
    }
}

impl Store {
    /// Deletes evidence recorded longer ago than its guild's retention (or
    /// `default_days`); returns how many messages were purged.
    pub async fn purge_evidence(&self, now: u64, default_days: u32) -> Result<u64> {
        if default_days == 0 {
            // `moat evidence purge --days 0 --yes`: everything, now, whatever a guild keeps.
            let r = sqlx::query("DELETE FROM evidence WHERE recorded_at <= $1")
                .bind(sql(now, "time")?)
                .execute(self.pool())
                .await
                .map_err(StoreError::query("purging all evidence"))?;
            return Ok(r.rows_affected());
        }
        let r = sqlx::query(
            "DELETE FROM evidence WHERE recorded_at < $1 - \
             COALESCE((SELECT g.evidence_retention_days FROM guilds g WHERE g.guild_id = evidence.guild_id), $2) * $3",
        )
        .bind(sql(now, "time")?)
        .bind(i64::from(default_days))
        .bind(DAY_MS as i64)
        .execute(self.pool())
        .await
        .map_err(StoreError::query("purging old evidence"))?;
        Ok(r.rows_affected())
    }
}
