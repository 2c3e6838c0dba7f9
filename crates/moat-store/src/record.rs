//! Writing the engine's actions: one transaction per batch.
//!
//! Each action becomes a row of its incident's timeline (`actions`, its JSON form without
//! message contents), updates the incident (opened/last/closed, lockdown expiry, count),
//! adds its users to the incident's members, stores each evidence message separately (so
//! evidence can be purged after its retention while the timeline stays), and schedules or
//! cancels the timers it implies. A batch is all-or-nothing: after a crash the store holds
//! whole batches, never half an action. Evidence is kept as the action carries it: the
//! engine already cut it to `moat_core::evidence::CONTENT_MAX`, and the store does not cut
//! again.

use moat_core::action::{incident_id, json, Action, ActionKind, Detector};
use moat_core::hash::Fnv1a;
use moat_core::id::{GuildId, IncidentId, UserId};
use sqlx::any::Any;
use sqlx::{Row, Transaction};

use crate::error::{Result, StoreError};
use crate::ids::{now_ms, sql};
use crate::timers::TimerKind;
use crate::Store;

/// How long a lockdown lasts when the action carries no duration.
pub const LOCKDOWN_FALLBACK_MS: u64 = 30 * 60 * 1000;

/// What one call to [`Store::record`] wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RecordReport {
    pub actions: usize,
    /// Actions already recorded (same guild and JSON form), skipped.
    pub duplicates: usize,
    pub evidence: usize,
    pub timers: usize,
}

/// The incident an action belongs to: its own, or one derived like the engine derives them
/// for actions that carry none.
pub fn incident_of(a: &Action) -> IncidentId {
    a.incident
        .unwrap_or_else(|| incident_id(a.guild_id, a.detector, a.ts, a.user_ids.first().copied().unwrap_or(UserId(0))))
}

/// What an incident is called, from the detector that opened it.
pub fn incident_kind(d: Detector) -> &'static str {
    match d {
        Detector::Raid => "raid",
        Detector::Pressure | Detector::Mentions => "flood",
        Detector::Campaign => "campaign",
        Detector::Scam => "scam",
        Detector::Scraper => "scraper",
        Detector::AutoMod => "automod",
        Detector::Containment => "containment",
    }
}

impl Store {
    /// Records `actions` in one transaction.
    pub async fn record(&self, actions: &[Action]) -> Result<RecordReport> {
        let mut report = RecordReport::default();
        if actions.is_empty() {
            return Ok(report);
        }
        let now = sql(now_ms(), "clock")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("starting to record actions"))?;
        let mut guilds: Vec<GuildId> = actions.iter().map(|a| a.guild_id).collect();
        guilds.sort_unstable();
        guilds.dedup();
        for g in guilds {
            sqlx::query("INSERT INTO guilds (guild_id, joined_at) VALUES ($1, $2) ON CONFLICT (guild_id) DO NOTHING")
                .bind(sql(g, "guild id")?)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(StoreError::query("recording a guild"))?;
        }
        for a in actions {
            record_one(&mut tx, a, now, &mut report).await?;
        }
        tx.commit().await.map_err(StoreError::query("committing recorded actions"))?;
        Ok(report)
    }
}

async fn record_one(tx: &mut Transaction<'static, Any>, a: &Action, now: i64, report: &mut RecordReport) -> Result<()> {
    let guild = sql(a.guild_id, "guild id")?;
    let incident = sql(incident_of(a), "incident id")?;
    let ts = sql(a.ts, "action time")?;
    let mut body = json::to_value(a);
    if let Some(ev) = body.get_mut("evidence").and_then(|e| e.as_object_mut()) {
        // Contents live in `evidence`, where retention purges them.
        ev.remove("messages");
    }
    body["incident"] = incident.into();
    let body = body.to_string();
    // The fingerprint covers the evidence too, so two deletions differing only in the
    // message they removed stay two.
    let fingerprint = fingerprint(&body, &a.evidence.messages);
    let inserted = sqlx::query(
        "INSERT INTO actions (guild_id, incident_id, ts, kind, detector, body, fingerprint, recorded_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (guild_id, fingerprint) DO NOTHING RETURNING id",
    )
    .bind(guild)
    .bind(incident)
    .bind(ts)
    .bind(a.kind.as_str())
    .bind(a.detector.as_str())
    .bind(body)
    .bind(fingerprint)
    .bind(now)
    .fetch_optional(&mut **tx)
    .await
    .map_err(StoreError::query("recording an action"))?;
    let Some(row) = inserted else {
        report.duplicates += 1;
        return Ok(());
    };
    let action_id: i64 = row.try_get(0).map_err(StoreError::query("recording an action"))?;
    report.actions += 1;

    let duration = a.duration_ms.map(|d| sql(d, "duration")).transpose()?;
    let lockdown_until = match a.kind {
        ActionKind::Lockdown => Some(ts.saturating_add(duration.unwrap_or(LOCKDOWN_FALLBACK_MS as i64))),
        _ => None,
    };
    let closed_at = if a.kind == ActionKind::Lockdown { None } else { Some(ts) };
    sqlx::query(
        "INSERT INTO incidents (guild_id, incident_id, kind, detector, opened_at, last_action_at, closed_at, lockdown_until, action_count) \
         VALUES ($1, $2, $3, $4, $5, $5, $6, $7, 1) \
         ON CONFLICT (guild_id, incident_id) DO UPDATE SET \
           opened_at = CASE WHEN excluded.opened_at < incidents.opened_at THEN excluded.opened_at ELSE incidents.opened_at END, \
           last_action_at = CASE WHEN excluded.last_action_at > incidents.last_action_at THEN excluded.last_action_at ELSE incidents.last_action_at END, \
           action_count = incidents.action_count + 1, \
           lockdown_until = CASE $8 WHEN 'lockdown' THEN excluded.lockdown_until WHEN 'unlock' THEN NULL ELSE incidents.lockdown_until END, \
           closed_at = CASE $8 WHEN 'lockdown' THEN NULL WHEN 'unlock' THEN excluded.closed_at \
             ELSE (CASE WHEN incidents.lockdown_until IS NULL THEN excluded.closed_at ELSE incidents.closed_at END) END",
    )
    .bind(guild)
    .bind(incident)
    .bind(incident_kind(a.detector))
    .bind(a.detector.as_str())
    .bind(ts)
    .bind(closed_at)
    .bind(lockdown_until)
    .bind(a.kind.as_str())
    .execute(&mut **tx)
    .await
    .map_err(StoreError::query("updating an incident"))?;

    for chunk in a.user_ids.chunks(200) {
        let mut q = String::from("INSERT INTO incident_members (guild_id, incident_id, user_id, first_at) VALUES ");
        for i in 0..chunk.len() {
            if i > 0 {
                q.push_str(", ");
            }
            q.push_str(&format!("($1, $2, ${}, $3)", i + 4));
        }
        q.push_str(" ON CONFLICT (guild_id, incident_id, user_id) DO NOTHING");
        let mut query = sqlx::query(&q).bind(guild).bind(incident).bind(ts);
        for &u in chunk {
            query = query.bind(sql(u, "user id")?);
        }
        query.execute(&mut **tx).await.map_err(StoreError::query("recording incident members"))?;
    }

    // One statement for all of an action's messages: `($1, $2, $3, $4, $n..$n+6, $n+7)`
    // per message, the guild, incident, action, reason and time shared.
    for chunk in a.evidence.messages.chunks(50) {
        let mut q = String::from(
            "INSERT INTO evidence (guild_id, incident_id, action_id, reason, recorded_at, \
             message_id, channel_id, author_id, ts, content, attachment_urls) VALUES ",
        );
        for i in 0..chunk.len() {
            let n = 6 + i * 6;
            if i > 0 {
                q.push_str(", ");
            }
            q.push_str(&format!(
                "($1, $2, $3, $4, $5, ${}, ${}, ${}, ${}, ${}, ${})",
                n,
                n + 1,
                n + 2,
                n + 3,
                n + 4,
                n + 5
            ));
        }
        let mut query = sqlx::query(&q).bind(guild).bind(incident).bind(action_id).bind(a.reason.as_str()).bind(now);
        for m in chunk {
            query = query
                .bind(sql(m.message_id, "message id")?)
                .bind(sql(m.channel_id, "channel id")?)
                .bind(sql(m.author_id, "author id")?)
                .bind(sql(m.ts, "message time")?)
                .bind(m.content.as_str())
                .bind(serde_json::Value::from(m.attachment_urls.clone()).to_string());
        }
        query.execute(&mut **tx).await.map_err(StoreError::query("recording evidence"))?;
        report.evidence += chunk.len();
    }

    report.timers += schedule_for(tx, a, guild, incident, ts, duration, lockdown_until, now).await?;
    Ok(())
}

/// FNV-1a (`moat_core::hash`) over the action's JSON form and its evidence messages, as a
/// signed 64-bit key.
fn fingerprint(body: &str, messages: &[moat_core::action::EvidenceMessage]) -> i64 {
    let mut h = Fnv1a::new();
    h.bytes(body.as_bytes());
    for m in messages {
        h.u64_le(m.message_id.get());
        h.u64_le(m.ts);
        h.bytes(m.content.as_bytes());
    }
    h.finish() as i64
}

/// The timers an action implies: a lift for each timeout/silence, an unban for a timed ban,
/// an end for a lockdown; an unlock cancels the guild's pending lockdown end.
#[allow(clippy::too_many_arguments)]
async fn schedule_for(
    tx: &mut Transaction<'static, Any>,
    a: &Action,
    guild: i64,
    incident: i64,
    ts: i64,
    duration: Option<i64>,
    lockdown_until: Option<i64>,
    now: i64,
) -> Result<usize> {
    let (kind, due) = match (a.kind, duration, lockdown_until) {
        (ActionKind::Timeout, Some(d), _) => (TimerKind::LiftTimeout, ts.saturating_add(d)),
        (ActionKind::Silence, Some(d), _) => (TimerKind::EndSilence, ts.saturating_add(d)),
        (ActionKind::Ban, Some(d), _) => (TimerKind::Unban, ts.saturating_add(d)),
        (ActionKind::Lockdown, _, Some(until)) => (TimerKind::EndLockdown, until),
        (ActionKind::Unlock, _, _) => {
            crate::timers::cancel_pending(&mut **tx, guild, TimerKind::EndLockdown, 0, now, "unlocked").await?;
            return Ok(0);
        }
        _ => return Ok(0),
    };
    let users: Vec<i64> = if kind == TimerKind::EndLockdown {
        vec![0]
    } else {
        a.user_ids.iter().map(|&u| sql(u, "user id")).collect::<Result<_>>()?
    };
    for &user in &users {
        // A new punishment replaces the pending end of the previous one.
        crate::timers::cancel_pending(&mut **tx, guild, kind, user, now, "superseded").await?;
        crate::timers::insert(&mut **tx, guild, incident, kind, user, due, now).await?;
    }
    Ok(users.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_without_an_incident_gets_the_engines_kind_of_id() {
        let a = Action::new(5, GuildId(1), ActionKind::Kick, Detector::Scam, "x".into()).user(UserId(9));
        assert_eq!(incident_of(&a), incident_id(GuildId(1), Detector::Scam, 5, UserId(9)));
        assert_eq!(incident_of(&a.clone().incident(IncidentId(3))), IncidentId(3));
    }

    #[test]
    fn fingerprints_tell_deletions_of_different_messages_apart() {
        let m = |id: u64| moat_core::action::EvidenceMessage {
            message_id: moat_core::id::MessageId(id),
            channel_id: moat_core::id::ChannelId(1),
            author_id: UserId(2),
            ts: 3,
            content: "x".into(),
            attachment_urls: Vec::new(),
        };
        assert_ne!(fingerprint("{}", &[m(1)]), fingerprint("{}", &[m(2)]));
        assert_eq!(fingerprint("{}", &[m(1)]), fingerprint("{}", &[m(1)]));
    }
}
