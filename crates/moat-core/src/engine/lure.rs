//! Weighing lure text ([`crate::detect::lure`]) with who posts it and what the link judge
//! said: a lure with a link nobody trusts is contained when it comes from a newcomer or a
//! young account, carries a `suspicious` verdict or pings everyone; from an established
//! member with a clean link it is only flagged (a cross-guild campaign catches the takeover
//! that posts it everywhere). A lure with no link, or only links the judge trusts, is talk.

use crate::action::Detector;
use crate::config::LureSettings;
use crate::detect::burst::invite_code;
use crate::detect::lure::Lure;
use crate::detect::{Finding, Severity};
use crate::id::UserId;
use crate::links::LinkVerdict;

/// What else is known about the message and its author.
#[derive(Debug, Clone, Copy)]
pub(super) struct Signs {
    /// Joined minutes ago, or a young account.
    pub young: bool,
    /// The link judge's verdict on the message.
    pub verdict: LinkVerdict,
    /// Pings (or writes) `@everyone` / `@here`.
    pub everyone: bool,
}

pub(super) fn finding(
    s: &LureSettings,
    author: UserId,
    lure: &Lure,
    link_keys: &[u64],
    content: &str,
    signs: Signs,
) -> Option<Finding> {
    let invites = content.split_whitespace().any(|t| invite_code(t).is_some());
    if link_keys.is_empty() && !invites {
        return None;
    }
    let why = if signs.young {
        Some("from a newcomer")
    } else if signs.verdict >= LinkVerdict::Suspicious {
        Some("with a suspicious link")
    } else if signs.everyone {
        Some("pinging everyone")
    } else {
        None
    };
    let (severity, reason) = match why {
        Some(why) => (Severity::Contain { min_step: s.min_step }, format!("scam built with {} {why}", lure.describe())),
        None => (
            Severity::Flag,
            format!(
                "{} with a link, from an established member: check whether the account was taken over",
                lure.describe()
            ),
        ),
    };
    Some(Finding {
        detector: Detector::Scam,
        severity,
        users: vec![author],
        delete: Vec::new(),
        reason,
        facts: vec![("lure".into(), lure.phrases.join(" | ")), ("link_verdict".into(), signs.verdict.as_str().into())],
        accounts: Vec::new(),
    })
}
