//! Statuses (posts) as the status entity gives them, with the text and links derived from
//! their HTML once, at parse time.

use super::{AccountId, StatusId};

/// Who may see a status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Visibility {
    Public,
    Unlisted,
    Private,
    Direct,
    /// A value this version does not know, as given.
    Other(String),
}

impl Visibility {
    pub fn parse(s: &str) -> Visibility {
        match s {
            "public" => Visibility::Public,
            "unlisted" => Visibility::Unlisted,
            "private" => Visibility::Private,
            "direct" => Visibility::Direct,
            other => Visibility::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Visibility::Public => "public",
            Visibility::Unlisted => "unlisted",
            Visibility::Private => "private",
            Visibility::Direct => "direct",
            Visibility::Other(s) => s,
        }
    }
}

/// An account a status mentions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    pub id: AccountId,
    pub username: String,
    /// `user` (local) or `user@domain`.
    pub acct: String,
}

/// A media attachment: what a detector of the same image across accounts compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    pub id: String,
    /// `image`, `video`, `gifv`, `audio`, `unknown`.
    pub kind: String,
    pub blurhash: Option<String>,
    /// The alt text.
    pub description: Option<String>,
    /// `meta.original` width and height in pixels, when given.
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub url: Option<String>,
}

/// The status entity (`REST::StatusSerializer`), the parts moat reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub id: StatusId,
    pub created_at_ms: u64,
    /// Set when the status was edited (the time of the last edit).
    pub edited_at_ms: Option<u64>,
    pub account: super::Account,
    /// The HTML, as given.
    pub content: String,
    /// The visible text of [`Status::content`] (see [`super::html`]).
    pub text: String,
    /// Link targets in the content (mentions and hashtags left out), then the card's URL if
    /// it is not among them.
    pub links: Vec<String>,
    /// The content warning.
    pub spoiler_text: String,
    pub sensitive: bool,
    pub visibility: Visibility,
    pub language: Option<String>,
    pub in_reply_to_id: Option<StatusId>,
    pub in_reply_to_account_id: Option<AccountId>,
    /// The status this one boosts, if it is a boost.
    pub reblog_of: Option<StatusId>,
    pub mentions: Vec<Mention>,
    /// Hashtag names, without `#`.
    pub tags: Vec<String>,
    pub media: Vec<Media>,
    /// The posting application's name (local statuses only; Mastodon hides it otherwise).
    pub application: Option<String>,
    pub url: Option<String>,
}

impl Status {
    /// The time of this version: the last edit, else the creation.
    pub fn version_ms(&self) -> u64 {
        self.edited_at_ms.unwrap_or(self.created_at_ms)
    }
}
