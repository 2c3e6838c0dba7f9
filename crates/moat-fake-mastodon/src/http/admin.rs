//! `/api/v2/admin/accounts` and `/api/v1/admin/accounts/:id[/…]`, as Mastodon's
//! `Admin::AccountsController`, `Admin::AccountActionsController` and their policies answer:
//!
//! - reads need `admin:read` (or `admin:read:accounts`), changes `admin:write` (or
//!   `admin:write:accounts`), and the user's role needs `manage_users`;
//! - `action` takes `type` = `none|sensitive|disable|silence|suspend` (422 otherwise), with
//!   `text`, `report_id`, `warning_preset_id`, `send_email_notification`, and answers `{}`;
//!   staff accounts cannot be acted on, and `disable` is for local accounts only (403);
//! - `approve` and `reject` are for local accounts not yet approved (403 otherwise); `reject`
//!   deletes the sign-up; `enable`, `unsilence`, `unsuspend` (only a suspended account),
//!   `unsensitive` answer the admin account entity.
//!
//! Report ids are not checked (the fake keeps no reports).

use serde_json::Value;

use super::{Answer, Ctx};
use crate::auth::{Grant, MANAGE_USERS};
use crate::cidr::Cidr;
use crate::events;
use crate::lock;
use crate::state::{page, Account, Action};

const READ: [&str; 2] = ["admin:read", "admin:read:accounts"];
const WRITE: [&str; 2] = ["admin:write", "admin:write:accounts"];
/// The `POST /api/v1/admin/accounts/:id/<verb>` routes besides `action`.
pub(crate) const VERBS: [&str; 6] = ["approve", "reject", "enable", "unsilence", "unsuspend", "unsensitive"];
const TYPES: [&str; 5] = ["none", "disable", "sensitive", "silence", "suspend"];
const FILTERS: [&str; 8] = ["origin", "status", "username", "display_name", "by_domain", "email", "ip", "limit"];

fn starts_with_ci(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().starts_with(&needle.to_lowercase())
}

/// Whether an account passes one filter of `GET /api/v2/admin/accounts` (`Err` for a value
/// Mastodon rejects with 400).
fn passes(a: &Account, key: &str, value: &str) -> Result<bool, String> {
    Ok(match key {
        "origin" => match value {
            "local" => a.is_local(),
            "remote" => !a.is_local(),
            _ => return Err(format!("Unknown origin: {value}")),
        },
        "status" => match value {
            "active" => !a.suspended,
            "pending" => a.pending(),
            "disabled" => a.is_local() && a.disabled && !a.suspended,
            "silenced" => a.silenced,
            "suspended" => a.suspended,
            "sensitized" => a.sensitized,
            _ => return Err(format!("Unknown status: {value}")),
        },
        "username" => starts_with_ci(&a.username, value),
        "display_name" => starts_with_ci(&a.display_name, value),
        "by_domain" => a.domain.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(value)),
        "email" => a.email.as_deref().is_some_and(|e| starts_with_ci(e, value)),
        "ip" => match Cidr::parse(value) {
            Some(c) => a.ip.as_deref().is_some_and(|ip| c.contains_str(ip)),
            None => false,
        },
        _ => true,
    })
}

/// `GET /api/v2/admin/accounts`.
pub(crate) fn list(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.staff(&READ, MANAGE_USERS) {
        return a;
    }
    let limit = ctx.limit(100);
    let filters: Vec<(&str, &str)> =
        FILTERS[..7].iter().filter_map(|k| ctx.params.present(k).map(|v| (*k, v))).collect();
    let w = lock(&ctx.inner.world);
    let mut desc = Vec::new();
    for a in w.accounts() {
        let mut keep = true;
        for (k, v) in &filters {
            match passes(a, k, v) {
                Ok(ok) => keep &= ok,
                Err(e) => return Answer::error(400, &e),
            }
        }
        if keep {
            desc.push((a.id.clone(), a.admin_json()));
        }
    }
    let p = &ctx.params;
    let items = page(desc, p.present("max_id"), p.present("since_id"), p.present("min_id"), limit);
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let answer = Answer::ok(Value::Array(items.into_iter().map(|(_, v)| v).collect()));
    match ctx.link("/api/v2/admin/accounts", &FILTERS, &ids, limit) {
        Some(link) => answer.with_header("link", link),
        None => answer,
    }
}

/// `GET /api/v1/admin/accounts/:id`.
pub(crate) fn show(ctx: &Ctx<'_>, id: &str) -> Answer {
    if let Err(a) = ctx.staff(&READ, MANAGE_USERS) {
        return a;
    }
    lock(&ctx.inner.world).account(id).map_or_else(Answer::not_found, |a| Answer::ok(a.admin_json()))
}

fn log(ctx: &Ctx<'_>, grant: &Grant, kind: &str, id: &str) {
    let action = Action {
        kind: kind.to_string(),
        account_id: id.to_string(),
        text: ctx.params.present("text").map(str::to_string),
        report_id: ctx.params.present("report_id").map(str::to_string),
        at_ms: ctx.now_ms,
        token_id: grant.id,
    };
    lock(&ctx.inner.world).log.actions.push(action);
}

/// `POST /api/v1/admin/accounts/:id/action`.
pub(crate) fn action(ctx: &Ctx<'_>, id: &str) -> Answer {
    let grant = match ctx.staff(&WRITE, MANAGE_USERS) {
        Ok(g) => g,
        Err(a) => return a,
    };
    let kind = ctx.params.present("type").unwrap_or("");
    let echo = {
        let mut w = lock(&ctx.inner.world);
        let Some(a) = w.account_mut(id) else { return Answer::not_found() };
        if kind.is_empty() {
            return Answer::invalid("Type can't be blank, Type is not included in the list");
        }
        if !TYPES.contains(&kind) {
            return Answer::invalid("Type is not included in the list");
        }
        if kind != "none" && (a.role.is_staff() || (kind == "disable" && !a.is_local())) {
            return Answer::not_allowed();
        }
        match kind {
            "sensitive" => a.sensitized = true,
            "disable" => a.disabled = true,
            "silence" => a.silenced = true,
            "suspend" => a.suspended = true,
            _ => {}
        }
        matches!(kind, "sensitive" | "silence" | "suspend")
    };
    log(ctx, &grant, kind, id);
    if echo {
        events::account_event(ctx.inner, "account.updated", id, ctx.now_ms);
    }
    Answer::empty()
}

/// `approve`, `reject`, `enable`, `unsilence`, `unsuspend`, `unsensitive`.
pub(crate) fn verb(ctx: &Ctx<'_>, id: &str, verb: &str) -> Answer {
    let grant = match ctx.staff(&WRITE, MANAGE_USERS) {
        Ok(g) => g,
        Err(a) => return a,
    };
    let (changed, body) = {
        let mut w = lock(&ctx.inner.world);
        let Some(a) = w.account_mut(id) else { return Answer::not_found() };
        let changed = match verb {
            "approve" | "reject" if !a.is_local() || a.approved => return Answer::not_allowed(),
            "enable" if !a.is_local() => return Answer::not_allowed(),
            "unsuspend" if !a.suspended => return Answer::not_allowed(),
            "approve" => {
                a.approved = true;
                true
            }
            "reject" => true,
            "enable" => std::mem::replace(&mut a.disabled, false),
            "unsilence" => std::mem::replace(&mut a.silenced, false),
            "unsuspend" => std::mem::replace(&mut a.suspended, false),
            _ => std::mem::replace(&mut a.sensitized, false),
        };
        let body = a.admin_json();
        if verb == "reject" {
            w.remove_account(id);
        }
        (changed, body)
    };
    if changed {
        log(ctx, &grant, verb, id);
        match verb {
            "approve" => {
                events::account_event(ctx.inner, "account.approved", id, ctx.now_ms);
            }
            "unsilence" | "unsuspend" | "unsensitive" => {
                events::account_event(ctx.inner, "account.updated", id, ctx.now_ms);
            }
            _ => {}
        }
    }
    if verb == "reject" {
        Answer::empty()
    } else {
        Answer::ok(body)
    }
}
