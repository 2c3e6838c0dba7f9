//! Scam links: the engine's side of link intelligence.
//!
//! The [`LinkJudge`] gives a verdict on a message's links; this module turns it into a
//! finding. A `scam` deletes the message and contains the author straight at the ladder's
//! `scam.min_step` rung (a stolen account posting scams should not get a ten-minute
//! breather); a `suspicious` link only flags the author to moderators.

use crate::action::Detector;
use crate::config::ScamSettings;
use crate::id::{GuildId, UserId};
use crate::links::{LinkJudge, LinkReport, LinkVerdict};

use super::{Finding, Severity};

/// Judges a message's links. Returns `None` when there is nothing to act on.
pub fn check(
    s: &ScamSettings,
    judge: &dyn LinkJudge,
    guild_id: GuildId,
    user_id: UserId,
    content: &str,
    edit: bool,
) -> Option<Finding> {
    let report = report(s, judge, guild_id, content, edit)?;
    finding(s, user_id, &report, edit, false)
}

/// The judge's report on a message, when links are checked for it.
pub fn report(
    s: &ScamSettings,
    judge: &dyn LinkJudge,
    guild_id: GuildId,
    content: &str,
    edit: bool,
) -> Option<LinkReport> {
    if !s.enabled || (edit && !s.check_edits) || content.is_empty() {
        return None;
    }
    Some(judge.judge(guild_id.get(), content))
}

/// The finding a report calls for. A `suspicious` link from a `new` member (joined
/// recently, or a young account) is held for review; from anyone else it is flagged.
pub fn finding(s: &ScamSettings, user_id: UserId, report: &LinkReport, edit: bool, new: bool) -> Option<Finding> {
    let (severity, what) = match report.verdict {
        LinkVerdict::Clean => return None,
        LinkVerdict::Suspicious if !s.alert_suspicious => return None,
        LinkVerdict::Suspicious if new => (Severity::Hold, "suspicious link from a new member"),
        LinkVerdict::Suspicious => (Severity::Flag, "suspicious link"),
        LinkVerdict::Scam => (Severity::Contain { min_step: s.min_step }, "scam link"),
    };
    let edited = if edit { " (in an edit)" } else { "" };
    let mut f = Finding {
        detector: Detector::Scam,
        severity,
        users: vec![user_id],
        delete: Vec::new(),
        reason: format!("{what}{edited}: {}", report.summary()),
        facts: vec![("link_score".into(), format!("{:.2}", report.score))],
        accounts: Vec::new(),
    };
    for link in report.links.iter().filter(|l| l.verdict != LinkVerdict::Clean) {
        f.facts.push(("link".into(), link.url.clone()));
    }
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::links::BlocklistJudge;

    #[test]
    fn scam_contains_at_the_configured_rung_and_suspicious_flags() {
        let s = ScamSettings::default();
        let judge = BlocklistJudge::new(["bad.ru"]);
        let (g, u) = (GuildId(1), UserId(9));
        let f = check(&s, &judge, g, u, "free nitro https://bad.ru/claim", false).expect("scam");
        assert_eq!(f.severity, Severity::Contain { min_step: s.min_step });
        assert!(f.reason.starts_with("scam link: bad.ru: bad.ru is on the blocklist"), "{}", f.reason);
        assert!(check(&s, &judge, g, u, "https://good.org", false).is_none());

        let report = LinkReport { verdict: LinkVerdict::Suspicious, ..Default::default() };
        assert_eq!(finding(&s, u, &report, true, false).unwrap().severity, Severity::Flag);
        assert_eq!(finding(&s, u, &report, false, true).unwrap().severity, Severity::Hold);
        let quiet = ScamSettings { alert_suspicious: false, ..s.clone() };
        assert!(finding(&quiet, u, &report, false, true).is_none());
        let no_edits = ScamSettings { check_edits: false, ..s };
        assert!(check(&no_edits, &judge, g, u, "https://bad.ru", true).is_none());
    }
}
