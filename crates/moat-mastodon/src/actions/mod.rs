//! What moat asks a Mastodon server to do: [`MastodonAction`], the vocabulary the engine's
//! actions are translated into, each with the reason moat gives and a [`Priority`]. The
//! [`queue`] orders them (containing accounts first, then blocks, then messages to admins,
//! then housekeeping such as undoing), [`exec`] turns each into its admin API call, and each
//! comes back as an [`ActionReport`] saying what happened.

pub mod dm;
pub mod exec;
pub mod queue;

use crate::model::AccountId;

/// Severity of an IP block (Mastodon's `severity`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IpSeverity {
    /// New sign-ups from the network wait for an admin's approval (moat's wave mode).
    SignUpRequiresApproval,
    /// New sign-ups from the network are refused.
    SignUpBlock,
    /// The network cannot reach the server at all.
    NoAccess,
}

impl IpSeverity {
    pub fn as_str(self) -> &'static str {
        match self {
            IpSeverity::SignUpRequiresApproval => "sign_up_requires_approval",
            IpSeverity::SignUpBlock => "sign_up_block",
            IpSeverity::NoAccess => "no_access",
        }
    }
}

/// One thing to do on the server. `reason` is moat's human-readable reason: sent as the
/// action's `text` (kept in the account's moderation history) or the block's `comment` where
/// Mastodon takes one, and always kept in the [`ActionReport`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MastodonAction {
    /// Limit the account (`POST /api/v1/admin/accounts/:id/action`, `type=silence`).
    Silence { account_id: AccountId, reason: String },
    /// Suspend the account (`type=suspend`; a remote account on this server alone).
    Suspend { account_id: AccountId, reason: String },
    /// Reject a sign-up waiting for approval (`POST …/:id/reject`; deletes it).
    Reject { account_id: AccountId, reason: String },
    /// Undo a silence (`POST …/:id/unsilence`).
    Unsilence { account_id: AccountId, reason: String },
    /// Undo a suspension (`POST …/:id/unsuspend`).
    Unsuspend { account_id: AccountId, reason: String },
    /// Block a network (`POST /api/v1/admin/ip_blocks`); `ip` is an address or a CIDR range.
    IpBlock { ip: String, severity: IpSeverity, expires_in_s: Option<u64>, reason: String },
    /// Lift moat's block of a network (found by its range).
    RemoveIpBlock { ip: String, reason: String },
    /// Block sign-ups from a mail domain (`POST /api/v1/admin/email_domain_blocks`). Refused
    /// for the big mail providers ([`exec::is_big_mail_provider`]), whatever the engine says.
    EmailDomainBlock { domain: String, reason: String },
    /// Lift a mail domain block (Mastodon's have no expiry, so moat lifts them itself).
    RemoveEmailDomainBlock { domain: String, reason: String },
    /// Tell the configured admin accounts, by one direct status (fitted to the server's
    /// character limit; `@` in the text is defused so it can never mention anyone else).
    DirectMessage { text: String },
}

/// How soon an action must happen, most urgent first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Containing an account (silence, suspend, reject).
    Contain = 0,
    /// Blocking sign-ups (IP and e-mail domain blocks).
    Block = 1,
    /// Telling the admins.
    Notify = 2,
    /// Undoing, lifting blocks: may wait, and leaves part of each rate-limit window unspent.
    Housekeeping = 3,
}

impl MastodonAction {
    /// The priority this kind of action has unless the sender says otherwise.
    pub fn priority(&self) -> Priority {
        match self {
            MastodonAction::Silence { .. } | MastodonAction::Suspend { .. } | MastodonAction::Reject { .. } => {
                Priority::Contain
            }
            MastodonAction::IpBlock { .. } | MastodonAction::EmailDomainBlock { .. } => Priority::Block,
            MastodonAction::DirectMessage { .. } => Priority::Notify,
            _ => Priority::Housekeeping,
        }
    }

    /// A short name: `silence`, `ip_block`, `direct_message`, …
    pub fn name(&self) -> &'static str {
        match self {
            MastodonAction::Silence { .. } => "silence",
            MastodonAction::Suspend { .. } => "suspend",
            MastodonAction::Reject { .. } => "reject",
            MastodonAction::Unsilence { .. } => "unsilence",
            MastodonAction::Unsuspend { .. } => "unsuspend",
            MastodonAction::IpBlock { .. } => "ip_block",
            MastodonAction::RemoveIpBlock { .. } => "remove_ip_block",
            MastodonAction::EmailDomainBlock { .. } => "email_domain_block",
            MastodonAction::RemoveEmailDomainBlock { .. } => "remove_email_domain_block",
            MastodonAction::DirectMessage { .. } => "direct_message",
        }
    }

    /// The account acted on, if the action is about one.
    pub fn account_id(&self) -> Option<&AccountId> {
        match self {
            MastodonAction::Silence { account_id, .. }
            | MastodonAction::Suspend { account_id, .. }
            | MastodonAction::Reject { account_id, .. }
            | MastodonAction::Unsilence { account_id, .. }
            | MastodonAction::Unsuspend { account_id, .. } => Some(account_id),
            _ => None,
        }
    }
}

/// An action as queued: what, how urgent, and the sender's tag to match its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionRequest {
    pub action: MastodonAction,
    pub priority: Priority,
    /// Any number the sender chooses (an incident id, a sequence); echoed in the report.
    pub tag: u64,
}

impl From<MastodonAction> for ActionRequest {
    fn from(action: MastodonAction) -> Self {
        ActionRequest { priority: action.priority(), action, tag: 0 }
    }
}

/// What Mastodon did with an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// The final answer's status.
    pub status: u16,
    /// It was so already (a block that existed, a block already gone, an account already
    /// unsuspended): nothing changed, nothing is wrong.
    pub already: bool,
    /// The id Mastodon gave what was made (an IP block, an e-mail block, a status).
    pub created_id: Option<String>,
}

/// Why an action was not carried out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionError {
    /// Mastodon said no (403 not allowed, 404 no such account, 422 invalid), with its message.
    #[error("refused with {status}: {message}")]
    Refused { status: u16, message: String },
    /// moat will not send it (a big mail provider, no admins to tell, an empty text).
    #[error("not sent: {0}")]
    NotSent(String),
    /// No usable answer after the retries.
    #[error(transparent)]
    Api(#[from] crate::http::ApiError),
}

/// The outcome of one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionReport {
    pub request: ActionRequest,
    pub result: Result<Applied, ActionError>,
    /// When it finished, on the adapter's clock.
    pub at_ms: u64,
}
