//! IP blocks and e-mail domain blocks, as the admin API creates them and as sign-ups meet
//! them. An IP block's `expires_in` is honoured on the fake's clock: an expired block stops
//! applying and leaves the list at once (Mastodon deletes expired blocks in a scheduled job).

use serde_json::{json, Value};

use crate::cidr::Cidr;
use crate::time::iso_ms;

/// How hard an IP block bites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    SignUpRequiresApproval,
    SignUpBlock,
    NoAccess,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "sign_up_requires_approval" => Some(Severity::SignUpRequiresApproval),
            "sign_up_block" => Some(Severity::SignUpBlock),
            "no_access" => Some(Severity::NoAccess),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::SignUpRequiresApproval => "sign_up_requires_approval",
            Severity::SignUpBlock => "sign_up_block",
            Severity::NoAccess => "no_access",
        }
    }
}

/// One IP block.
#[derive(Debug, Clone)]
pub struct IpBlock {
    pub id: String,
    pub cidr: Cidr,
    pub severity: Severity,
    pub comment: String,
    pub created_at_ms: u64,
    pub expires_at_ms: Option<u64>,
}

impl IpBlock {
    pub fn expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_some_and(|t| t < now_ms)
    }

    /// `REST::Admin::IpBlockSerializer`.
    pub fn json(&self) -> Value {
        json!({
            "id": self.id,
            "ip": self.cidr.to_string(),
            "severity": self.severity.as_str(),
            "comment": self.comment,
            "created_at": iso_ms(self.created_at_ms),
            "expires_at": self.expires_at_ms.map(iso_ms),
        })
    }
}

/// One e-mail domain block (they never expire).
#[derive(Debug, Clone)]
pub struct EmailDomainBlock {
    pub id: String,
    pub domain: String,
    pub created_at_ms: u64,
}

impl EmailDomainBlock {
    /// `REST::Admin::EmailDomainBlockSerializer`, with a week of (empty) daily history.
    pub fn json(&self, now_ms: u64) -> Value {
        let today = now_ms / 86_400_000 * 86_400;
        let history: Vec<Value> = (0..7u64)
            .map(|d| json!({"day": today.saturating_sub(d * 86_400).to_string(), "accounts": "0", "uses": "0"}))
            .collect();
        json!({
            "id": self.id,
            "domain": self.domain,
            "created_at": iso_ms(self.created_at_ms),
            "history": history,
        })
    }

    /// Whether this block covers the domain of `email` (the domain itself or a subdomain).
    pub fn covers(&self, email: &str) -> bool {
        let Some((_, host)) = email.rsplit_once('@') else { return false };
        let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
        host == self.domain || host.ends_with(&format!(".{}", self.domain))
    }
}

/// Normalises a domain for an e-mail domain block (`Example.COM.` → `example.com`); `None`
/// when nothing usable is left.
pub fn normalize_domain(s: &str) -> Option<String> {
    let d = s.trim().trim_start_matches('@').trim_end_matches('.').to_ascii_lowercase();
    let ok = !d.is_empty() && d.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'_'))
        || !d.is_ascii();
    (ok && !d.is_empty()).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_blocks_cover_subdomains_only() {
        let b = EmailDomainBlock { id: "1".into(), domain: "spam.example".into(), created_at_ms: 0 };
        assert!(b.covers("x@spam.example"));
        assert!(b.covers("x@MX.Spam.Example"));
        assert!(!b.covers("x@notspam.example"));
        assert!(!b.covers("no-at-sign"));
        assert_eq!(normalize_domain(" Spam.Example. ").as_deref(), Some("spam.example"));
        assert_eq!(normalize_domain("  "), None);
        assert_eq!(normalize_domain("a b"), None);
    }
}
