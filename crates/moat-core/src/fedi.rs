//! The fediverse half of the engine's input model: accounts, statuses and reports as a
//! Mastodon-like server knows them.
//!
//! A fediverse server is not a Discord guild: there are no channels and no roles, a sign-up
//! carries an IP address and an e-mail domain, a post mentions accounts on many servers, and
//! an image arrives with a blurhash and an alt text. So these events are their own variants
//! of [`crate::Event`] rather than a `MemberJoined` or a `Message` with half the fields
//! unused; the fediverse detectors (`detect::fedi_*`) read them, in the same engine, with the
//! same actions, reasons, evidence and incident ids as every other detector.
//!
//! Nothing here knows Mastodon's JSON: the adapter (moat-mastodon's `translate`) maps string
//! ids to the engine's `u64` ids, reduces images to [`MediaPrint`]s and hashes e-mail
//! domains' names only as far as the detectors need them.

use std::borrow::Cow;
use std::net::IpAddr;

use crate::action::Millis;
use crate::id::{GuildId, MessageId, UserId};

/// What happened to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountChange {
    /// A sign-up on this server.
    #[default]
    Created,
    /// An admin approved a pending sign-up.
    Approved,
    /// The profile or the account's state changed (an admin's action, moat's own included).
    Updated,
}

/// An account event: a sign-up, an approval, a change.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FediAccount<'a> {
    /// The server.
    pub guild: GuildId,
    pub user: UserId,
    pub change: AccountChange,
    /// When the account was created (unix ms).
    pub created: Millis,
    pub username: Cow<'a, str>,
    pub display_name: Cow<'a, str>,
    /// No avatar of its own.
    pub default_avatar: bool,
    /// The profile's note (bio) says nothing.
    pub empty_note: bool,
    /// The account lives on this server.
    pub local: bool,
    /// A local sign-up waiting for an admin's approval.
    pub pending: bool,
    /// An admin or moderator of the server: never acted on.
    pub staff: bool,
    /// The sign-up's IP address (local accounts only).
    pub ip: Option<IpAddr>,
    /// The sign-up's e-mail domain, lowercased (local accounts only).
    pub email_domain: Option<Cow<'a, str>>,
    /// The account is silenced (limited) or suspended now.
    pub restricted: bool,
}

/// An image (or other attachment) reduced to what makes "the same image" across accounts:
/// each part 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct MediaPrint {
    /// A hash of the blurhash (the same picture gives the same blurhash, re-encoded or not).
    pub blurhash: u64,
    /// A hash of the alt text together with the pixel size (a description reused with an
    /// image of the same size), 0 when the alt text is empty.
    pub described: u64,
}

/// The author of a status, as the status carries it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FediAuthor<'a> {
    pub user: UserId,
    /// When the account was created (unix ms; Mastodon gives remote authors' to the day);
    /// 0 when unknown.
    pub created: Millis,
    pub username: Cow<'a, str>,
    pub display_name: Cow<'a, str>,
    pub default_avatar: bool,
    pub empty_note: bool,
    pub local: bool,
    /// The account says it is automated.
    pub bot: bool,
    pub followers: u64,
    pub statuses: u64,
}

/// A status (post), or an edit of one.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FediStatus<'a> {
    pub guild: GuildId,
    pub id: MessageId,
    pub author: FediAuthor<'a>,
    /// The visible text.
    pub text: Cow<'a, str>,
    /// Link targets (mentions and hashtags left out).
    pub links: Vec<Cow<'a, str>>,
    /// The accounts mentioned, each once.
    pub mentions: Vec<UserId>,
    /// The status this one replies to, and its author.
    pub reply_to: Option<MessageId>,
    pub reply_to_author: Option<UserId>,
    pub media: Vec<MediaPrint>,
    /// A direct message (mentions there are its audience).
    pub direct: bool,
    /// An edit of an earlier status, not a new one.
    pub edit: bool,
}

/// A report a user filed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FediReport {
    pub guild: GuildId,
    pub reporter: UserId,
    pub target: UserId,
    pub statuses: Vec<MessageId>,
    /// Filed as spam.
    pub spam: bool,
}

impl FediAccount<'_> {
    /// The account with its text copied (see [`crate::Event::into_owned`]).
    pub fn into_owned(self) -> FediAccount<'static> {
        FediAccount {
            username: Cow::Owned(self.username.into_owned()),
            display_name: Cow::Owned(self.display_name.into_owned()),
            email_domain: self.email_domain.map(|d| Cow::Owned(d.into_owned())),
            ..self
        }
    }
}

impl FediStatus<'_> {
    /// The status with its text copied (see [`crate::Event::into_owned`]).
    pub fn into_owned(self) -> FediStatus<'static> {
        let a = self.author;
        FediStatus {
            author: FediAuthor {
                username: Cow::Owned(a.username.into_owned()),
                display_name: Cow::Owned(a.display_name.into_owned()),
                ..a
            },
            text: Cow::Owned(self.text.into_owned()),
            links: self.links.into_iter().map(|l| Cow::Owned(l.into_owned())).collect(),
            ..self
        }
    }
}
