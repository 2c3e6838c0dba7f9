//! Mastodon's events into the engine's (see `moat_core::fedi`): one `match` on
//! [`EventKind`], borrowing the text from the parsed event.

use std::borrow::Cow;
use std::net::IpAddr;

use moat_core::event::{AccountChange, FediAccount, FediAuthor, FediReport, FediStatus, MediaPrint};
use moat_core::hash::fnv1a;
use moat_core::id::GuildId;
use moat_core::Event as CoreEvent;

use super::IdBook;
use crate::model::{Account, AdminAccount, EventKind, Media, Report, Status, Visibility};

/// The engine's event for a Mastodon event, if the engine reads that kind (a deletion or an
/// unknown event it does not).
pub fn translate<'e>(guild: GuildId, ids: &mut IdBook, kind: &'e EventKind) -> Option<CoreEvent<'e>> {
    Some(match kind {
        EventKind::AccountCreated(a) => CoreEvent::FediAccount(account(guild, ids, a, AccountChange::Created)),
        EventKind::AccountApproved(a) => CoreEvent::FediAccount(account(guild, ids, a, AccountChange::Approved)),
        EventKind::AccountUpdated(a) => CoreEvent::FediAccount(account(guild, ids, a, AccountChange::Updated)),
        EventKind::StatusCreated(s) => CoreEvent::FediStatus(status(guild, ids, s, false)),
        EventKind::StatusUpdated(s) => CoreEvent::FediStatus(status(guild, ids, s, true)),
        EventKind::ReportCreated(r) => CoreEvent::FediReport(report(guild, ids, r)),
        EventKind::ReportUpdated(_) | EventKind::StatusDeleted(_) | EventKind::Unknown { .. } => return None,
    })
}

/// An address as the admin API gives it (`203.0.113.7`, sometimes with a `/32`).
fn ip_of(ip: &str) -> Option<IpAddr> {
    ip.split('/').next()?.trim().parse().ok()
}

fn account<'e>(guild: GuildId, ids: &mut IdBook, a: &'e AdminAccount, change: AccountChange) -> FediAccount<'e> {
    FediAccount {
        guild,
        user: ids.user(&a.id),
        change,
        created: a.created_at_ms,
        username: Cow::Borrowed(&a.username),
        display_name: Cow::Borrowed(&a.account.display_name),
        default_avatar: a.account.avatar_is_default(),
        empty_note: a.account.note_is_empty(),
        local: a.is_local(),
        pending: a.pending(),
        staff: a.is_staff(),
        ip: a.ip.as_deref().and_then(ip_of),
        email_domain: a.email_domain().map(Cow::Owned),
        restricted: a.silenced || a.suspended || a.disabled,
    }
}

fn author<'e>(ids: &mut IdBook, a: &'e Account) -> FediAuthor<'e> {
    FediAuthor {
        user: ids.user(&a.id),
        created: a.created_at_ms.unwrap_or(0),
        username: Cow::Borrowed(&a.username),
        display_name: Cow::Borrowed(&a.display_name),
        default_avatar: a.avatar_is_default(),
        empty_note: a.note_is_empty(),
        local: a.is_local(),
        bot: a.bot,
        followers: a.followers_count,
        statuses: a.statuses_count,
    }
}

/// What makes two attachments the same image: the blurhash, and the alt text with the size.
pub fn media_print(m: &Media) -> MediaPrint {
    let blurhash = m.blurhash.as_deref().filter(|b| !b.is_empty()).map_or(0, |b| fnv1a(b.as_bytes()));
    let described = m.description.as_deref().map(str::trim).filter(|d| !d.is_empty()).map_or(0, |d| {
        fnv1a(format!("{}|{}x{}", d.to_lowercase(), m.width.unwrap_or(0), m.height.unwrap_or(0)).as_bytes())
    });
    MediaPrint { blurhash, described }
}

fn status<'e>(guild: GuildId, ids: &mut IdBook, s: &'e Status, edit: bool) -> FediStatus<'e> {
    let mut mentions = Vec::with_capacity(s.mentions.len());
    for m in &s.mentions {
        let u = ids.user(&m.id);
        if !mentions.contains(&u) {
            mentions.push(u);
        }
    }
    FediStatus {
        guild,
        id: ids.message(&s.id),
        author: author(ids, &s.account),
        text: Cow::Borrowed(&s.text),
        links: s.links.iter().map(|l| Cow::Borrowed(l.as_str())).collect(),
        mentions,
        reply_to: s.in_reply_to_id.as_ref().map(|r| ids.message(r)),
        reply_to_author: s.in_reply_to_account_id.as_ref().map(|r| ids.user(r)),
        media: s.media.iter().map(media_print).collect(),
        direct: s.visibility == Visibility::Direct,
        edit,
    }
}

fn report(guild: GuildId, ids: &mut IdBook, r: &Report) -> FediReport {
    FediReport {
        guild,
        reporter: ids.user(&r.account.id),
        target: ids.user(&r.target_account.id),
        statuses: r.status_ids.iter().map(|s| ids.message(s)).collect(),
        spam: r.category.as_deref() == Some("spam"),
    }
}
