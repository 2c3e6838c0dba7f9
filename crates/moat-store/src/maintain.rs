//! Housekeeping the bot runs periodically (hourly is plenty): evidence past its retention
//! and the data of guilds moat left more than the grace period ago are deleted.
//!
//! One entry point so the retention promises (30 days of evidence, deletion after
//! departure) hold without every caller remembering each purge.

use moat_core::id::GuildId;

use crate::error::Result;
use crate::evidence::DEFAULT_RETENTION_DAYS;
use crate::guilds::DEPARTED_GRACE_MS;
use crate::Store;

/// What one round of housekeeping deleted.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Maintenance {
    pub evidence_purged: u64,
    pub guilds_deleted: Vec<GuildId>,
}

impl Store {
    /// Purges expired evidence (default retention 30 days) and departed guilds (7 days'
    /// grace) as of `now`.
    pub async fn maintain(&self, now: u64) -> Result<Maintenance> {
        let evidence_purged = self.purge_evidence(now, DEFAULT_RETENTION_DAYS).await?;
        let guilds_deleted = self.purge_departed(now, DEPARTED_GRACE_MS).await?;
        Ok(Maintenance { evidence_purged, guilds_deleted })
    }
}
