//! Per-guild settings, validated, with the history of who changed what.
//!
//! A guild's settings are stored as the TOML a moderator wrote (the same sections as
//! `moat.toml`: `[pressure]`, `[raid]`, ...), because that is what they edit and what
//! the history should show; they are validated by `moat_core`'s own parser before being
//! stored, so the store never holds settings the engine would refuse. Every change appends
//! a row to `settings_history` with the previous text, who made it and from where (a slash
//! command, the config file) in the same transaction as the change.

use moat_core::config::Settings;
use sqlx::any::AnyRow;
use sqlx::Row;

use crate::error::{Result, StoreError};
use crate::ids::{sql, un};
use crate::GuildScope;

/// The settings a guild has stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSettings {
    pub toml: String,
    pub version: u64,
    pub changed_by: String,
    pub changed_at: u64,
}

/// One change in a guild's settings history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsChange {
    pub version: u64,
    pub toml: String,
    /// The text before this change (`None` for the first).
    pub previous: Option<String>,
    pub changed_by: String,
    /// `slash`, `file`, `cli`...
    pub source: String,
    pub changed_at: u64,
}

/// Parses and validates one guild's settings text.
pub fn validate(toml: &str) -> Result<Settings> {
    if toml.len() > 64 * 1024 {
        return Err(StoreError::Invalid(format!("settings are {} bytes; at most 64 KiB", toml.len())));
    }
    moat_core::config::guild_settings(toml).map_err(|e| StoreError::Invalid(format!("settings: {e}")))
}

fn change_from(r: &AnyRow) -> Result<SettingsChange> {
    let err = || StoreError::query("reading settings history");
    Ok(SettingsChange {
        version: un(r.try_get("version").map_err(err())?, "version")?,
        toml: r.try_get("toml").map_err(err())?,
        previous: r.try_get("previous").map_err(err())?,
        changed_by: r.try_get("changed_by").map_err(err())?,
        source: r.try_get("source").map_err(err())?,
        changed_at: un(r.try_get("changed_at").map_err(err())?, "changed_at")?,
    })
}

impl GuildScope<'_> {
    /// The guild's stored settings, if it has any.
    pub async fn settings(&self) -> Result<Option<StoredSettings>> {
        let row = sqlx::query("SELECT toml, version, changed_by, changed_at FROM guild_settings WHERE guild_id = $1")
            .bind(self.id)
            .fetch_optional(self.pool())
            .await
            .map_err(StoreError::query("reading settings"))?;
        let Some(r) = row else { return Ok(None) };
        let err = || StoreError::query("reading settings");
        Ok(Some(StoredSettings {
            toml: r.try_get("toml").map_err(err())?,
            version: un(r.try_get("version").map_err(err())?, "version")?,
            changed_by: r.try_get("changed_by").map_err(err())?,
            changed_at: un(r.try_get("changed_at").map_err(err())?, "changed_at")?,
        }))
    }

    /// The settings in force: the stored ones, or `moat_core`'s defaults.
    pub async fn effective_settings(&self) -> Result<Settings> {
        match self.settings().await? {
            Some(s) => validate(&s.toml),
            None => Ok(Settings::default()),
        }
    }

    /// Validates and stores new settings; returns the new version. A concurrent change
    /// from elsewhere makes this fail (retry) rather than silently overwrite it.
    pub async fn set_settings(&self, toml: &str, changed_by: &str, source: &str, now: u64) -> Result<u64> {
        validate(toml)?;
        let now = sql(now, "time")?;
        let current = self.settings().await?;
        let version = current.as_ref().map_or(1, |c| c.version + 1);
        let v = sql(version, "version")?;
        let mut tx = self.pool().begin().await.map_err(StoreError::query("changing settings"))?;
        sqlx::query(
            "INSERT INTO settings_history (guild_id, version, toml, previous, changed_by, source, changed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(self.id)
        .bind(v)
        .bind(toml)
        .bind(current.as_ref().map(|c| c.toml.clone()))
        .bind(changed_by)
        .bind(source)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(|e| match e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Invalid(format!("settings of guild {} changed meanwhile; retry", self.guild_id))
            }
            e => StoreError::Query { what: "recording a settings change", source: e },
        })?;
        sqlx::query(
            "INSERT INTO guild_settings (guild_id, toml, version, changed_by, changed_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (guild_id) DO UPDATE SET toml = excluded.toml, version = excluded.version, \
             changed_by = excluded.changed_by, changed_at = excluded.changed_at",
        )
        .bind(self.id)
        .bind(toml)
        .bind(v)
        .bind(changed_by)
        .bind(now)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::query("changing settings"))?;
        tx.commit().await.map_err(StoreError::query("changing settings"))?;
        Ok(version)
    }

    /// The guild's settings changes, newest first.
    pub async fn settings_history(&self, limit: u32) -> Result<Vec<SettingsChange>> {
        sqlx::query(
            "SELECT version, toml, previous, changed_by, source, changed_at FROM settings_history \
             WHERE guild_id = $1 ORDER BY version DESC LIMIT $2",
        )
        .bind(self.id)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(StoreError::query("reading settings history"))?
        .iter()
        .map(change_from)
        .collect()
    }
}
