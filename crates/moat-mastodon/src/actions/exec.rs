//! Carrying out one [`MastodonAction`] through the admin API, and reading Mastodon's answer
//! into an [`Applied`] or an [`ActionError`]. Repeats are harmless: a block that exists
//! already (422 "has already been taken") or is gone already (404 on removal) counts as done,
//! and a direct message carries an `Idempotency-Key`, so a retried one is posted once.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use hyper::Method;

use super::{dm, ActionError, Applied, IpSeverity, MastodonAction, Priority};
use crate::http::{Answer, Api, Urgency};

/// Mail providers that real people use by the million: never blocked as a wave's domain
/// (the engine's list, so the detector and the executor cannot disagree).
pub use moat_core::detect::fedi_signup::BIG_MAIL_PROVIDERS;

/// Whether `domain` (or a parent of it) is a big mail provider.
pub fn is_big_mail_provider(domain: &str) -> bool {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    BIG_MAIL_PROVIDERS.iter().any(|p| d == *p || d.ends_with(&format!(".{p}")))
}

/// What the executor remembers between actions: who to tell, the character limit, and the
/// ids of blocks it made (to lift them by range or domain).
#[derive(Debug)]
pub struct ExecState {
    pub admins: Vec<String>,
    /// The server's status limit (from `/api/v2/instance`; 500 until known).
    pub max_chars: Arc<AtomicUsize>,
    ip_blocks: HashMap<String, String>,
    email_blocks: HashMap<String, String>,
    messages: u64,
}

impl ExecState {
    pub fn new(admins: Vec<String>, max_chars: Arc<AtomicUsize>) -> ExecState {
        ExecState { admins, max_chars, ip_blocks: HashMap::new(), email_blocks: HashMap::new(), messages: 0 }
    }
}

/// Percent-encodes an id for a path segment (ids are digits; anything else is made safe).
fn seg(id: &str) -> String {
    form_urlencoded::byte_serialize(id.as_bytes()).collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    let mut f = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        f.append_pair(k, v);
    }
    f.finish()
}

fn created_id(a: &Answer) -> Option<String> {
    let v: serde_json::Value = serde_json::from_slice(&a.body).ok()?;
    v.get("id").and_then(|i| i.as_str().map(str::to_string).or_else(|| i.as_u64().map(|n| n.to_string())))
}

/// Reads an answer: 2xx is done; an answer `done_if` accepts means it was done already;
/// anything else is Mastodon's refusal.
fn judge(a: Answer, done_if: impl Fn(&Answer) -> bool) -> Result<Applied, ActionError> {
    if (200..300).contains(&a.status) {
        return Ok(Applied { status: a.status, already: false, created_id: created_id(&a) });
    }
    if done_if(&a) {
        return Ok(Applied { status: a.status, already: true, created_id: None });
    }
    let message = a.error_message().unwrap_or_else(|| format!("HTTP {}", a.status));
    Err(ActionError::Refused { status: a.status, message })
}

fn taken(a: &Answer) -> bool {
    a.status == 422 && a.error_message().is_some_and(|m| m.contains("already been taken"))
}

/// Normalises an IP or range the way Mastodon stores it: host bits cleared, a bare address
/// as a /32 or /128 (text that is no address is passed on as it is, for Mastodon to judge).
pub fn cidr(ip: &str) -> String {
    let ip = ip.trim();
    let (addr, prefix) = match ip.split_once('/') {
        Some((a, p)) => (a, p.parse::<u8>().ok()),
        None => (ip, None),
    };
    match addr.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(v4)) => {
            let p = prefix.unwrap_or(32).min(32);
            let mask = u32::MAX.checked_shl(32 - u32::from(p)).unwrap_or(0);
            format!("{}/{p}", std::net::Ipv4Addr::from(u32::from(v4) & mask))
        }
        Ok(std::net::IpAddr::V6(v6)) => {
            let p = prefix.unwrap_or(128).min(128);
            let mask = u128::MAX.checked_shl(128 - u32::from(p)).unwrap_or(0);
            format!("{}/{p}", std::net::Ipv6Addr::from(u128::from(v6) & mask))
        }
        Err(_) => ip.to_string(),
    }
}

async fn post(api: &Api, path: &str, body: &str, urgency: Urgency) -> Result<Answer, ActionError> {
    Ok(api.call(Method::POST, path, Some(body), &[], urgency).await?)
}

/// Carries out one action.
pub async fn execute(
    api: &Api,
    st: &mut ExecState,
    action: &MastodonAction,
    priority: Priority,
) -> Result<Applied, ActionError> {
    let urgency = if priority == Priority::Housekeeping { Urgency::Low } else { Urgency::Normal };
    let account = |id: &str, verb: &str| format!("/api/v1/admin/accounts/{}/{verb}", seg(id));
    match action {
        MastodonAction::Silence { account_id, reason } | MastodonAction::Suspend { account_id, reason } => {
            let kind = action.name();
            let body = form(&[("type", kind), ("text", reason)]);
            judge(post(api, &account(account_id.as_str(), "action"), &body, urgency).await?, |_| false)
        }
        MastodonAction::Reject { account_id, .. } => {
            judge(post(api, &account(account_id.as_str(), "reject"), "", urgency).await?, |_| false)
        }
        MastodonAction::Unsilence { account_id, .. } => {
            judge(post(api, &account(account_id.as_str(), "unsilence"), "", urgency).await?, |_| false)
        }
        // Mastodon answers 403 both to unsuspending an account that is not suspended and to a
        // token that may not: the report says which, in Mastodon's words.
        MastodonAction::Unsuspend { account_id, .. } => {
            judge(post(api, &account(account_id.as_str(), "unsuspend"), "", urgency).await?, |_| false)
        }
        MastodonAction::IpBlock { ip, severity, expires_in_s, reason } => {
            ip_block(api, st, ip, *severity, *expires_in_s, reason, urgency).await
        }
        MastodonAction::RemoveIpBlock { ip, .. } => remove_ip_block(api, st, ip, urgency).await,
        MastodonAction::EmailDomainBlock { domain, .. } => email_block(api, st, domain, urgency).await,
        MastodonAction::RemoveEmailDomainBlock { domain, .. } => remove_email_block(api, st, domain, urgency).await,
        MastodonAction::DirectMessage { text } => direct_message(api, st, text, urgency).await,
    }
}

async fn ip_block(
    api: &Api,
    st: &mut ExecState,
    ip: &str,
    severity: IpSeverity,
    expires_in_s: Option<u64>,
    reason: &str,
    urgency: Urgency,
) -> Result<Applied, ActionError> {
    let range = cidr(ip);
    let expires = expires_in_s.map(|s| s.to_string());
    let mut pairs = vec![("ip", range.as_str()), ("severity", severity.as_str()), ("comment", reason)];
    if let Some(e) = expires.as_deref() {
        pairs.push(("expires_in", e));
    }
    let applied = judge(post(api, "/api/v1/admin/ip_blocks", &form(&pairs), urgency).await?, taken)?;
    if let Some(id) = &applied.created_id {
        st.ip_blocks.insert(range, id.clone());
    }
    Ok(applied)
}

/// Finds a block's id by a field (`ip` or `domain`) in a paged admin list.
async fn find_block(
    api: &Api,
    path: &str,
    field: &str,
    want: &str,
    urgency: Urgency,
) -> Result<Option<String>, ActionError> {
    let mut max_id: Option<String> = None;
    for _ in 0..50 {
        let q = match &max_id {
            Some(m) => format!("{path}?limit=200&max_id={}", seg(m)),
            None => format!("{path}?limit=200"),
        };
        let a = api.get(&q, urgency).await?;
        if !(200..300).contains(&a.status) {
            let message = a.error_message().unwrap_or_else(|| format!("HTTP {}", a.status));
            return Err(ActionError::Refused { status: a.status, message });
        }
        let items: Vec<serde_json::Value> = serde_json::from_slice(&a.body).unwrap_or_default();
        if let Some(b) = items.iter().find(|b| b[field].as_str().is_some_and(|v| v.eq_ignore_ascii_case(want))) {
            return Ok(b["id"].as_str().map(str::to_string));
        }
        match items.last().and_then(|b| b["id"].as_str()) {
            Some(last) => max_id = Some(last.to_string()),
            None => return Ok(None),
        }
    }
    Ok(None)
}

fn gone() -> Applied {
    Applied { status: 404, already: true, created_id: None }
}

async fn remove_ip_block(api: &Api, st: &mut ExecState, ip: &str, urgency: Urgency) -> Result<Applied, ActionError> {
    let range = cidr(ip);
    let id = match st.ip_blocks.get(&range) {
        Some(id) => Some(id.clone()),
        None => find_block(api, "/api/v1/admin/ip_blocks", "ip", &range, urgency).await?,
    };
    let Some(id) = id else { return Ok(gone()) };
    let path = format!("/api/v1/admin/ip_blocks/{}", seg(&id));
    let applied = judge(api.call(Method::DELETE, &path, None, &[], urgency).await?, |a| a.status == 404)?;
    st.ip_blocks.remove(&range);
    Ok(applied)
}

async fn email_block(api: &Api, st: &mut ExecState, domain: &str, urgency: Urgency) -> Result<Applied, ActionError> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    if is_big_mail_provider(&domain) {
        return Err(ActionError::NotSent(format!("{domain} is a big mail provider: real people sign up from it")));
    }
    let a = post(api, "/api/v1/admin/email_domain_blocks", &form(&[("domain", &domain)]), urgency).await?;
    let applied = judge(a, taken)?;
    if let Some(id) = &applied.created_id {
        st.email_blocks.insert(domain, id.clone());
    }
    Ok(applied)
}

async fn remove_email_block(
    api: &Api,
    st: &mut ExecState,
    domain: &str,
    urgency: Urgency,
) -> Result<Applied, ActionError> {
    let domain = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let id = match st.email_blocks.get(&domain) {
        Some(id) => Some(id.clone()),
        None => find_block(api, "/api/v1/admin/email_domain_blocks", "domain", &domain, urgency).await?,
    };
    let Some(id) = id else { return Ok(gone()) };
    let path = format!("/api/v1/admin/email_domain_blocks/{}", seg(&id));
    let applied = judge(api.call(Method::DELETE, &path, None, &[], urgency).await?, |a| a.status == 404)?;
    st.email_blocks.remove(&domain);
    Ok(applied)
}

async fn direct_message(api: &Api, st: &mut ExecState, text: &str, urgency: Urgency) -> Result<Applied, ActionError> {
    if st.admins.is_empty() {
        return Err(ActionError::NotSent("no admin_accounts are configured to tell".into()));
    }
    if text.trim().is_empty() {
        return Err(ActionError::NotSent("the message is empty".into()));
    }
    let max = st.max_chars.load(Ordering::Relaxed).max(1);
    let status = dm::compose(&st.admins, text, max)
        .ok_or_else(|| ActionError::NotSent(format!("the admins' mentions alone exceed {max} characters")))?;
    st.messages += 1;
    // One key per message, fixed across its retries: Mastodon posts it once.
    let key = format!("moat-{}-{}", api.clock().now_ms(), st.messages);
    let body = form(&[("status", &status), ("visibility", "direct")]);
    let a = api.call(Method::POST, "/api/v1/statuses", Some(&body), &[("idempotency-key", key)], urgency).await?;
    judge(a, |_| false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_providers_and_ranges() {
        assert!(is_big_mail_provider("Gmail.com") && is_big_mail_provider("mx.outlook.com"));
        assert!(!is_big_mail_provider("throwaway.example") && !is_big_mail_provider("notgmail.com"));
        assert_eq!(cidr("198.51.100.7"), "198.51.100.7/32");
        assert_eq!(cidr("2001:db8::1"), "2001:db8::1/128");
        assert_eq!(cidr(" 198.51.100.9/24 "), "198.51.100.0/24");
        assert_eq!(cidr("198.51.100.9/0"), "0.0.0.0/0");
        assert_eq!(cidr("2001:db8::1/32"), "2001:db8::/32");
        assert_eq!(cidr("nonsense"), "nonsense");
        assert_eq!(seg("12/../x"), "12%2F..%2Fx");
    }
}
