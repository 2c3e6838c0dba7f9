//! Lockdown during a raid, and restoring the guild afterwards.
//!
//! Locking down raises the verification level (so fresh accounts cannot talk) and pauses
//! invites and DMs through `PUT /guilds/{id}/incident-actions` (Discord allows at most 24 h
//! ahead). Before changing anything moat reads what is there *now* and keeps it, so the
//! unlock restores the guild's real settings, not what moat assumed they were.

use moat_core::id::GuildId;
use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{json, Value};
use tokio::sync::Mutex;
use twilight_http::request::Method;
use twilight_http::Client;
use twilight_model::util::Timestamp;

use super::calls::{raw, raw_as, CallError, Pacing, Raw};
use crate::shared::Shared;

/// The verification level a lockdown raises to at least (3: member of the server for
/// 10 minutes before talking).
pub const LOCKDOWN_LEVEL: u64 = 3;
/// Incident actions may reach at most this far ahead.
const PAUSE_MAX_MS: u64 = 24 * 3_600_000;
/// A pause shorter than this would lapse in the middle of most raids.
const PAUSE_MIN_MS: u64 = 3_600_000;

/// What the guild had before moat locked it down.
#[derive(Debug, Clone)]
pub struct Saved {
    pub verification_level: u64,
    pub raised: bool,
    pub invites_disabled_until: Value,
    pub dms_disabled_until: Value,
}

impl Saved {
    /// The form kept in the store, so a restarted bot restores the same settings.
    pub fn to_json(&self) -> String {
        json!({
            "verification_level": self.verification_level,
            "raised": self.raised,
            "invites_disabled_until": self.invites_disabled_until,
            "dms_disabled_until": self.dms_disabled_until,
        })
        .to_string()
    }

    pub fn from_json(text: &str) -> Option<Saved> {
        let v: Value = serde_json::from_str(text).ok()?;
        Some(Saved {
            verification_level: v.get("verification_level")?.as_u64()?,
            raised: v.get("raised")?.as_bool()?,
            invites_disabled_until: v.get("invites_disabled_until").cloned().unwrap_or(Value::Null),
            dms_disabled_until: v.get("dms_disabled_until").cloned().unwrap_or(Value::Null),
        })
    }

    /// For a lockdown found in the store without saved settings: its end lifts the pauses
    /// and leaves the verification level alone.
    pub fn unknown() -> Saved {
        Saved {
            verification_level: 0,
            raised: false,
            invites_disabled_until: Value::Null,
            dms_disabled_until: Value::Null,
        }
    }
}

/// Mirrors the guild's entry of `locks` into the store: saved while locked down, forgotten
/// once restored. Errors are reported, never fatal (the lockdown itself already happened).
pub async fn persist(store: Option<&moat_store::Store>, locks: &Locks, guild: GuildId, now_ms: u64) {
    let Some(store) = store else { return };
    let saved = locks.lock().await.get(&guild).map(Saved::to_json);
    let r = match store.guild(guild) {
        Ok(g) => match saved {
            Some(s) => g.save_lockdown_state(&s, now_ms).await,
            None => g.clear_lockdown_state().await,
        },
        Err(e) => Err(e),
    };
    if let Err(e) = r {
        tracing::warn!("the settings saved before the lockdown of guild {guild} are not stored: {e}");
    }
}

/// Guilds moat has locked down, with what to restore.
pub type Locks = Arc<Mutex<HashMap<GuildId, Saved>>>;

/// `unix ms` as Discord's ISO 8601.
pub fn iso(ms: u64) -> String {
    Timestamp::from_micros((ms as i64).saturating_mul(1000))
        .map(|t| t.iso_8601().to_string())
        .unwrap_or_else(|_| "1970-01-01T00:00:00.000000+00:00".into())
}

/// A change to the guild, with its audit-log reason.
async fn change(
    client: &Client,
    shared: &Shared,
    what: &str,
    method: Method,
    path: String,
    body: &Value,
    reason: &str,
) -> Result<Vec<u8>, CallError> {
    let r = Raw { method, path, body: Some(body), reason: Some(reason), pacing: Pacing::Paced };
    raw_as(client, shared, what, r).await
}

/// Locks `guild` down until `now_ms + duration_ms` (bounded to Discord's 24 h); `reason`
/// (already an audit-log reason) goes into the server's audit log.
pub async fn lock_down(
    client: &Client,
    shared: &Shared,
    locks: &Locks,
    guild: GuildId,
    now_ms: u64,
    duration_ms: u64,
    reason: &str,
) -> Result<(), CallError> {
    let mut held = locks.lock().await;
    if held.contains_key(&guild) {
        return Ok(());
    }
    let body =
        raw(client, shared, "read server settings before the lockdown", Method::Get, format!("guilds/{guild}"), None)
            .await?;
    let current: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let level = current.get("verification_level").and_then(Value::as_u64).unwrap_or(0);
    let incidents = current.get("incidents_data").cloned().unwrap_or(Value::Null);
    let saved = Saved {
        verification_level: level,
        raised: level < LOCKDOWN_LEVEL,
        invites_disabled_until: incidents.get("invites_disabled_until").cloned().unwrap_or(Value::Null),
        dms_disabled_until: incidents.get("dms_disabled_until").cloned().unwrap_or(Value::Null),
    };
    // Remember first: if a later call fails, the unlock still restores what did change.
    held.insert(guild, saved.clone());
    shared.lockdowns.store(held.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let until = iso(now_ms + duration_ms.clamp(PAUSE_MIN_MS, PAUSE_MAX_MS) - 1000);
    let pause = json!({ "invites_disabled_until": until, "dms_disabled_until": until });
    let path = format!("guilds/{guild}/incident-actions");
    let paused = change(client, shared, "pause invites and DMs", Method::Put, path, &pause, reason).await;
    if saved.raised {
        let body = json!({ "verification_level": LOCKDOWN_LEVEL });
        let path = format!("guilds/{guild}");
        change(client, shared, "raise the verification level", Method::Patch, path, &body, reason).await?;
    }
    paused.map(|_| ())
}

/// Lifts the lockdown of `guild`, restoring what was saved, with `reason` in the audit log.
/// Does nothing if moat did not lock it down.
pub async fn unlock(
    client: &Client,
    shared: &Shared,
    locks: &Locks,
    guild: GuildId,
    reason: &str,
) -> Result<(), CallError> {
    let mut held = locks.lock().await;
    let Some(saved) = held.remove(&guild) else { return Ok(()) };
    shared.lockdowns.store(held.len() as u64, std::sync::atomic::Ordering::Relaxed);
    let restore = json!({ "invites_disabled_until": saved.invites_disabled_until, "dms_disabled_until": saved.dms_disabled_until });
    let path = format!("guilds/{guild}/incident-actions");
    let r = change(client, shared, "restore invites and DMs", Method::Put, path, &restore, reason).await;
    if saved.raised {
        let body = json!({ "verification_level": saved.verification_level });
        let path = format!("guilds/{guild}");
        change(client, shared, "restore the verification level", Method::Patch, path, &body, reason).await?;
    }
    r.map(|_| ())
}
