//! Rungs of the escalation ladder, written as moderators say them: `"timeout 10m"`,
//! `"silence 2h"`, `"kick"`, `"ban"`.

use std::fmt;

use serde::{de, Deserialize, Deserializer};

/// The longest containment: Discord refuses timeouts longer than 28 days, and the
/// executor caps what it sends at this too.
pub const MAX_TIMEOUT_MS: u64 = 28 * 86_400_000;

/// What a rung of the ladder does, and what a confirmed raid does to its members
/// (`raid.action`, written `contain`, `kick` or `ban`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// The guild's containment (timeout or silence role) for the step's (or the raid's)
    /// duration.
    Contain,
    Kick,
    Ban,
}

/// One rung of the ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub kind: StepKind,
    /// For `Contain`: how long.
    pub duration_ms: u64,
}

impl Step {
    pub const fn contain(duration_ms: u64) -> Self {
        Self { kind: StepKind::Contain, duration_ms }
    }

    /// Parses `"timeout 10m"` (or `silence`, same meaning: the guild's containment),
    /// `"kick"` or `"ban"`. Units: `s`, `m`, `h`, `d`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut words = text.split_whitespace();
        let verb = words.next().unwrap_or("");
        let arg = words.next();
        if words.next().is_some() {
            return Err(format!("`{text}`: expected one verb and at most one duration"));
        }
        match (verb, arg) {
            ("kick", None) => Ok(Self { kind: StepKind::Kick, duration_ms: 0 }),
            ("ban", None) => Ok(Self { kind: StepKind::Ban, duration_ms: 0 }),
            ("timeout" | "silence" | "contain", Some(d)) => {
                let ms = parse_duration(d)
                    .ok_or_else(|| format!("`{text}`: `{d}` is not a duration like 30s, 10m, 2h or 7d"))?;
                if ms == 0 || ms > MAX_TIMEOUT_MS {
                    return Err(format!("`{text}`: a timeout must last between 1 s and 28 days"));
                }
                Ok(Self::contain(ms))
            }
            ("timeout" | "silence" | "contain", None) => {
                Err(format!("`{text}`: a {verb} needs a duration, like `{verb} 10m`"))
            }
            _ => Err(format!("`{text}`: a rung is `timeout DURATION`, `silence DURATION`, `kick` or `ban`")),
        }
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            StepKind::Contain => write!(f, "contain {}", crate::action::human_duration(self.duration_ms)),
            StepKind::Kick => f.write_str("kick"),
            StepKind::Ban => f.write_str("ban"),
        }
    }
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Step::parse(&text).map_err(de::Error::custom)
    }
}

/// `30s`, `10m`, `2h`, `7d` to milliseconds.
pub fn parse_duration(text: &str) -> Option<u64> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = text.split_at(split);
    let n: u64 = num.parse().ok()?;
    let unit_ms = match unit {
        "s" => 1_000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => return None,
    };
    n.checked_mul(unit_ms)
}

pub(crate) fn default_ladder() -> Vec<Step> {
    vec![
        Step::contain(10 * 60_000),
        Step::contain(3_600_000),
        Step::contain(86_400_000),
        Step { kind: StepKind::Kick, duration_ms: 0 },
        Step { kind: StepKind::Ban, duration_ms: 0 },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rungs() {
        assert_eq!(Step::parse("timeout 10m"), Ok(Step::contain(600_000)));
        assert_eq!(Step::parse("silence 2h"), Ok(Step::contain(7_200_000)));
        assert_eq!(Step::parse("ban").unwrap().kind, StepKind::Ban);
        assert_eq!(Step::parse(" kick ").unwrap().kind, StepKind::Kick);
    }

    #[test]
    fn rejects_bad_rungs_with_a_reason() {
        assert!(Step::parse("timeout").unwrap_err().contains("needs a duration"));
        assert!(Step::parse("timeout 10x").unwrap_err().contains("not a duration"));
        assert!(Step::parse("timeout 30d").unwrap_err().contains("28 days"));
        assert!(Step::parse("yeet").unwrap_err().contains("a rung is"));
        assert!(Step::parse("ban 1d").unwrap_err().contains("a rung is"));
    }
}
