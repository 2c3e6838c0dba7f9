//! From the lenient wire structs ([`super::wire`]) to the model, checking what moat cannot do
//! without (ids, usernames, creation times) and naming the field when it is missing or bad.

use super::wire;
use super::ParseError;
use crate::model::html;
use crate::model::time::parse_iso_ms;
use crate::model::{Account, AccountId, AdminAccount, Media, Mention, Report, ReportId, Status, StatusId, Visibility};

fn need<T>(v: Option<T>, path: &str, field: &str) -> Result<T, ParseError> {
    v.ok_or_else(|| ParseError::Missing { field: join(path, field) })
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// A required time.
fn time(v: Option<String>, path: &str, field: &str) -> Result<u64, ParseError> {
    let text = need(v, path, field)?;
    parse_iso_ms(&text)
        .ok_or_else(|| ParseError::Invalid { field: join(path, field), why: "not an ISO 8601 time".into() })
}

/// An optional time: absent is `None`, present and unreadable is an error.
fn opt_time(v: Option<String>, path: &str, field: &str) -> Result<Option<u64>, ParseError> {
    match v {
        None => Ok(None),
        Some(t) => time(Some(t), path, field).map(Some),
    }
}

fn nonempty(v: Option<wire::Id>, path: &str, field: &str) -> Result<String, ParseError> {
    let id = need(v, path, field)?.0;
    if id.is_empty() {
        return Err(ParseError::Invalid { field: join(path, field), why: "empty".into() });
    }
    Ok(id)
}

pub(super) fn account(w: wire::Account, path: &str) -> Result<Account, ParseError> {
    let id = nonempty(w.id, path, "id")?;
    let username = need(w.username, path, "username")?;
    Ok(Account {
        id: AccountId(id),
        acct: w.acct.unwrap_or_else(|| username.clone()),
        username,
        display_name: w.display_name.unwrap_or_default(),
        // The public entity's day-rounded time is a hint, never a reason to refuse a post.
        created_at_ms: w.created_at.as_deref().and_then(parse_iso_ms),
        note: w.note.unwrap_or_default(),
        avatar: w.avatar.unwrap_or_default(),
        bot: w.bot.unwrap_or(false),
        locked: w.locked.unwrap_or(false),
        followers_count: w.followers_count.0,
        following_count: w.following_count.0,
        statuses_count: w.statuses_count.0,
        url: w.url,
    })
}

pub(super) fn admin_account(w: wire::AdminAccount, path: &str) -> Result<AdminAccount, ParseError> {
    let id = nonempty(w.id, path, "id")?;
    let username = need(w.username, path, "username")?;
    let created_at_ms = time(w.created_at, path, "created_at")?;
    let public = need(w.account, path, "account")?;
    let account = account(public, &join(path, "account"))?;
    let ip = match w.ip {
        Some(wire::Ip::Text(s)) => Some(s),
        Some(wire::Ip::Use(u)) => u.ip,
        None => None,
    }
    .filter(|s| !s.is_empty());
    let role = match w.role {
        Some(wire::Role::Name(n)) => Some(n),
        Some(wire::Role::Object(o)) => o.name,
        None => None,
    }
    .filter(|s| !s.is_empty());
    Ok(AdminAccount {
        id: AccountId(id),
        username,
        domain: w.domain.filter(|d| !d.is_empty()),
        created_at_ms,
        email: w.email.filter(|e| !e.is_empty()),
        ip,
        ips: w.ips.unwrap_or_default().into_iter().filter_map(|u| u.ip).collect(),
        locale: w.locale,
        invite_request: w.invite_request,
        role,
        confirmed: w.confirmed.unwrap_or(false),
        // Remote accounts have no approval to wait for (`null`): they count as approved.
        approved: w.approved.unwrap_or(true),
        disabled: w.disabled.unwrap_or(false),
        silenced: w.silenced.unwrap_or(false),
        suspended: w.suspended.unwrap_or(false),
        sensitized: w.sensitized.unwrap_or(false),
        account,
    })
}

fn mention(w: wire::Mention, path: &str) -> Result<Mention, ParseError> {
    let id = nonempty(w.id, path, "id")?;
    let username = w.username.unwrap_or_default();
    Ok(Mention { id: AccountId(id), acct: w.acct.unwrap_or_else(|| username.clone()), username })
}

fn media(w: wire::Media) -> Media {
    let dims = w.meta.and_then(|m| m.original);
    let px = |c: wire::Count| u32::try_from(c.0).ok().filter(|&n| n > 0);
    Media {
        id: w.id.map(|i| i.0).unwrap_or_default(),
        kind: w.kind.unwrap_or_else(|| "unknown".into()),
        blurhash: w.blurhash.filter(|b| !b.is_empty()),
        description: w.description.filter(|d| !d.is_empty()),
        width: dims.as_ref().and_then(|d| px(d.width)),
        height: dims.as_ref().and_then(|d| px(d.height)),
        url: w.url,
    }
}

pub(super) fn status(w: wire::Status, path: &str) -> Result<Status, ParseError> {
    let id = nonempty(w.id, path, "id")?;
    let created_at_ms = time(w.created_at, path, "created_at")?;
    let edited_at_ms = opt_time(w.edited_at, path, "edited_at")?;
    let author = account(need(w.account, path, "account")?, &join(path, "account"))?;
    let mentions = w
        .mentions
        .unwrap_or_default()
        .into_iter()
        .enumerate()
        .map(|(i, m)| mention(m, &format!("{}[{i}]", join(path, "mentions"))))
        .collect::<Result<Vec<_>, _>>()?;
    let content = w.content.unwrap_or_default();
    let rendered = html::render(&content);
    let mut links = rendered.links;
    if let Some(card) = w.card.and_then(|c| c.url).filter(|u| !u.is_empty()) {
        if !links.contains(&card) {
            links.push(card);
        }
    }
    Ok(Status {
        id: StatusId(id),
        created_at_ms,
        edited_at_ms,
        account: author,
        text: rendered.text,
        content,
        links,
        spoiler_text: w.spoiler_text.unwrap_or_default(),
        sensitive: w.sensitive.unwrap_or(false),
        visibility: Visibility::parse(w.visibility.as_deref().unwrap_or("public")),
        language: w.language,
        in_reply_to_id: w.in_reply_to_id.map(|i| StatusId(i.0)),
        in_reply_to_account_id: w.in_reply_to_account_id.map(|i| AccountId(i.0)),
        reblog_of: w.reblog.and_then(|r| r.id).map(|i| StatusId(i.0)),
        mentions,
        tags: w.tags.unwrap_or_default().into_iter().filter_map(|t| t.name).collect(),
        media: w.media_attachments.unwrap_or_default().into_iter().map(media).collect(),
        application: w.application.and_then(|a| a.name),
        url: w.url,
    })
}

pub(super) fn report(w: wire::Report, path: &str) -> Result<Report, ParseError> {
    let id = nonempty(w.id, path, "id")?;
    let account = admin_account(need(w.account, path, "account")?, &join(path, "account"))?;
    let target = admin_account(need(w.target_account, path, "target_account")?, &join(path, "target_account"))?;
    Ok(Report {
        id: ReportId(id),
        category: w.category,
        comment: w.comment.unwrap_or_default(),
        created_at_ms: opt_time(w.created_at, path, "created_at")?,
        action_taken: w.action_taken.unwrap_or(false),
        forwarded: w.forwarded.unwrap_or(false),
        account,
        target_account: target,
        status_ids: w.statuses.unwrap_or_default().into_iter().filter_map(|r| r.id).map(|i| StatusId(i.0)).collect(),
    })
}
