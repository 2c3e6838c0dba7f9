//! The Mastodon model moat reads: what the parsers ([`crate::parse`]) produce from webhook
//! bodies, streaming messages and capture lines, and what the engine's translation later
//! reads. Ids are kept exactly as Mastodon gives them (decimal strings, compared as numbers
//! where order matters); times are unix milliseconds; HTML is kept as given beside the text
//! and links derived from it.
//!
//! What the engine needs, and where it is:
//!
//! | the engine's input | here |
//! |---|---|
//! | account id, exactly as given | [`AdminAccount::id`], [`Account::id`], [`Mention::id`] |
//! | account created at | [`AdminAccount::created_at_ms`] (to the millisecond, sign-ups); [`Account::created_at_ms`] (the day only, status authors) |
//! | username, display name | [`Account::username`], [`Account::display_name`] ([`Account::acct`] has the domain) |
//! | default avatar, empty note | [`Account::avatar_is_default`], [`Account::note_is_empty`] |
//! | e-mail domain, IP | [`AdminAccount::email_domain`], [`AdminAccount::ip`] (local accounts only) |
//! | local or remote | [`AdminAccount::is_local`], [`Account::is_local`] |
//! | status text, links | [`Status::text`], [`Status::links`] (from [`Status::content`]; mentions and hashtags left out of `links`) |
//! | mentions with their accounts | [`Status::mentions`] (id, acct, username) |
//! | media: blurhash, description, size | [`Status::media`] ([`Media::blurhash`], [`Media::description`], [`Media::width`]×[`Media::height`]) |
//! | reply, visibility, application | [`Status::in_reply_to_id`], [`Status::visibility`], [`Status::application`] |

mod account;
pub mod event;
pub mod html;
mod report;
mod status;
pub mod time;

use std::cmp::Ordering;
use std::fmt;

pub use account::{Account, AdminAccount};
pub use event::{Event, EventKind, Source, StreamKind, StreamMessage, WebhookEvent, WebhookKind};
pub use report::Report;
pub use status::{Media, Mention, Status, Visibility};

/// Orders two Mastodon ids as Mastodon does: by number when both are decimal, else as text.
pub fn cmp_ids(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if numeric(a) && numeric(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// An account's id on this server, exactly as Mastodon gives it (`"110012345678901234"`).
    AccountId
);
id_type!(
    /// A status's id on this server, exactly as Mastodon gives it.
    StatusId
);
id_type!(
    /// A report's id.
    ReportId
);

impl StatusId {
    /// The snowflake's time (unix ms) when the id is one (Mastodon's ids are `ms << 16 | seq`).
    pub fn snowflake_ms(&self) -> Option<u64> {
        self.0.parse::<u64>().ok().map(|n| n >> 16)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_order_by_number() {
        assert_eq!(cmp_ids("9", "10"), Ordering::Less);
        assert_eq!(cmp_ids("0010", "9"), Ordering::Greater);
        assert_eq!(cmp_ids("b", "a"), Ordering::Greater);
        assert_eq!(StatusId::new((1_707_991_200_000u64 << 16 | 5).to_string()).snowflake_ms(), Some(1_707_991_200_000));
        assert_eq!(StatusId::new("abc").snowflake_ms(), None);
    }
}
