//! Reports (`report.created`, `report.updated`): who reported whom, why, about which posts.
//! The admin report entity is large; moat keeps what a moderation queue needs.

use super::{AdminAccount, ReportId, StatusId};

/// The admin report entity (`REST::Admin::ReportSerializer`), the parts moat reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub id: ReportId,
    /// `spam`, `legal`, `violation`, `other`, …
    pub category: Option<String>,
    pub comment: String,
    pub created_at_ms: Option<u64>,
    pub action_taken: bool,
    /// Sent on by a remote server.
    pub forwarded: bool,
    /// Who reported.
    pub account: AdminAccount,
    /// Who was reported.
    pub target_account: AdminAccount,
    /// The reported statuses' ids.
    pub status_ids: Vec<StatusId>,
}
