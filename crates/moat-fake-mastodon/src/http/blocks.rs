//! `/api/v1/admin/ip_blocks` and `/api/v1/admin/email_domain_blocks`, as Mastodon answers
//! them: reads need `admin:read` (or the granular `admin:read:ip_blocks` /
//! `admin:read:email_domain_blocks`), changes `admin:write` (or the granular write scopes),
//! and the role needs `manage_blocks` (a moderator has it not). Validation failures are 422
//! with Rails' messages; a missing block is 404; a deleted one answers `{}`.

use serde_json::Value;

use super::{Answer, Ctx};
use crate::auth::MANAGE_BLOCKS;
use crate::cidr::Cidr;
use crate::lock;
use crate::state::{normalize_domain, page, Severity};

const IP_READ: [&str; 2] = ["admin:read", "admin:read:ip_blocks"];
const IP_WRITE: [&str; 2] = ["admin:write", "admin:write:ip_blocks"];
const EMAIL_READ: [&str; 2] = ["admin:read", "admin:read:email_domain_blocks"];
const EMAIL_WRITE: [&str; 2] = ["admin:write", "admin:write:email_domain_blocks"];

fn paged(ctx: &Ctx<'_>, path: &str, desc: Vec<(String, Value)>) -> Answer {
    let limit = ctx.limit(100);
    let p = &ctx.params;
    let items = page(desc, p.present("max_id"), p.present("since_id"), p.present("min_id"), limit);
    let ids: Vec<String> = items.iter().map(|(id, _)| id.clone()).collect();
    let answer = Answer::ok(Value::Array(items.into_iter().map(|(_, v)| v).collect()));
    match ctx.link(path, &["limit"], &ids, limit) {
        Some(link) => answer.with_header("link", link),
        None => answer,
    }
}

pub(crate) fn ip_list(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.staff(&IP_READ, MANAGE_BLOCKS) {
        return a;
    }
    let desc = lock(&ctx.inner.world).ip_blocks(ctx.now_ms).into_iter().map(|b| (b.id.clone(), b.json())).collect();
    paged(ctx, "/api/v1/admin/ip_blocks", desc)
}

pub(crate) fn ip_create(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.staff(&IP_WRITE, MANAGE_BLOCKS) {
        return a;
    }
    let p = &ctx.params;
    let Some(cidr) = p.present("ip").and_then(Cidr::parse) else { return Answer::invalid("Ip can't be blank") };
    let severity = match p.present("severity") {
        None => return Answer::invalid("Severity can't be blank"),
        Some(s) => match Severity::parse(s) {
            Some(s) => s,
            None => return Answer::invalid("Severity is not included in the list"),
        },
    };
    // Ruby's `to_i`: digits up front, anything else is 0 (the block expires at once).
    let expires_in = p.present("expires_in").map(|s| {
        let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().unwrap_or(if digits.is_empty() { 0 } else { u64::MAX / 1000 })
    });
    let comment = p.get("comment").unwrap_or("");
    match lock(&ctx.inner.world).add_ip_block(cidr, severity, comment, expires_in, ctx.now_ms) {
        Ok(b) => Answer::ok(b.json()),
        Err(e) => Answer::error(422, &e),
    }
}

pub(crate) fn ip_show(ctx: &Ctx<'_>, id: &str) -> Answer {
    if let Err(a) = ctx.staff(&IP_READ, MANAGE_BLOCKS) {
        return a;
    }
    let mut w = lock(&ctx.inner.world);
    w.ip_blocks(ctx.now_ms).into_iter().find(|b| b.id == id).map_or_else(Answer::not_found, |b| Answer::ok(b.json()))
}

pub(crate) fn ip_delete(ctx: &Ctx<'_>, id: &str) -> Answer {
    if let Err(a) = ctx.staff(&IP_WRITE, MANAGE_BLOCKS) {
        return a;
    }
    match lock(&ctx.inner.world).remove_ip_block(id, ctx.now_ms) {
        Some(_) => Answer::empty(),
        None => Answer::not_found(),
    }
}

pub(crate) fn email_list(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.staff(&EMAIL_READ, MANAGE_BLOCKS) {
        return a;
    }
    let desc = lock(&ctx.inner.world).email_blocks().into_iter().map(|b| (b.id.clone(), b.json(ctx.now_ms))).collect();
    paged(ctx, "/api/v1/admin/email_domain_blocks", desc)
}

pub(crate) fn email_create(ctx: &Ctx<'_>) -> Answer {
    if let Err(a) = ctx.staff(&EMAIL_WRITE, MANAGE_BLOCKS) {
        return a;
    }
    let Some(domain) = ctx.params.present("domain").and_then(normalize_domain) else {
        return Answer::invalid("Domain can't be blank");
    };
    match lock(&ctx.inner.world).add_email_block(&domain, ctx.now_ms) {
        Ok(b) => Answer::ok(b.json(ctx.now_ms)),
        Err(e) => Answer::error(422, &e),
    }
}

pub(crate) fn email_show(ctx: &Ctx<'_>, id: &str) -> Answer {
    if let Err(a) = ctx.staff(&EMAIL_READ, MANAGE_BLOCKS) {
        return a;
    }
    let w = lock(&ctx.inner.world);
    w.email_blocks().into_iter().find(|b| b.id == id).map_or_else(Answer::not_found, |b| Answer::ok(b.json(ctx.now_ms)))
}

pub(crate) fn email_delete(ctx: &Ctx<'_>, id: &str) -> Answer {
    if let Err(a) = ctx.staff(&EMAIL_WRITE, MANAGE_BLOCKS) {
        return a;
    }
    match lock(&ctx.inner.world).remove_email_block(id) {
        Some(_) => Answer::empty(),
        None => Answer::not_found(),
    }
}
