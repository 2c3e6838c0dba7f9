//! The `[store]` section of the config file, typed here because this crate uses it.
//!
//! `url = "sqlite:///var/lib/moat/moat.db"` (or `postgres://...`) names the store when
//! neither `--database` nor `MOAT_DATABASE` does.

use serde::Deserialize;

/// `[store]`
#[derive(Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreSection {
    /// The database: `sqlite://FILE`, a bare SQLite path, or `postgres://...`.
    pub url: Option<String>,
}

impl std::fmt::Debug for StoreSection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A PostgreSQL URL may carry a password: never print it.
        f.debug_struct("StoreSection").field("url", &self.url.as_deref().map(crate::backend::redact)).finish()
    }
}

impl StoreSection {
    /// Checks what serde cannot; errors name the key.
    pub fn validate(&self) -> Result<(), (String, String)> {
        if let Some(url) = &self.url {
            crate::backend::Backend::of_url(&crate::backend::normalize(url))
                .map_err(|e| ("store.url".to_string(), e.to_string()))?;
        }
        Ok(())
    }
}
