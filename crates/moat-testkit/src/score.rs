//! Scoring a run against expectations, exactly as `../shared/tools/score.py` does (the way
//! the project is judged): every bad user caught (a punitive action for `contain`, any
//! action naming them for `flag`), no good user punished or their messages deleted, and
//! how fast.
//!
//! It reads the same inputs as the Python scorer: an `*.expect.json` ([`Expectation`]) and
//! actions in their JSON form (one object each, as `moat replay` prints them), so a
//! recorded run, a replay and the live bot's feed are all scored by one rule.

use std::collections::{BTreeMap, BTreeSet};

use moat_core::action::json;
use moat_core::{Action, Millis};
use serde_json::Value;

use crate::{Expect, Scenario};

/// Action names that punish (the Mastodon ones included, as in `score.py`).
pub const PUNITIVE: [&str; 9] =
    ["timeout", "silence", "quarantine", "kick", "ban", "suspend", "reject", "disable", "limit"];
/// Action names that delete a user's post.
pub const DELETING: [&str; 2] = ["delete_message", "delete_status"];

/// What a run should do: the `*.expect.json` of a capture.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Expectation {
    pub scenario: String,
    pub bad: BTreeMap<String, Expect>,
    /// When each bad user's misbehaviour began, for the delay.
    pub bad_start: BTreeMap<String, Millis>,
    pub good: BTreeSet<String>,
}

impl Expectation {
    /// A generated scenario's expectations.
    pub fn of(sc: &Scenario) -> Expectation {
        Expectation {
            scenario: sc.name.to_string(),
            bad: sc.bad.iter().map(|(u, e)| (u.to_string(), *e)).collect(),
            bad_start: sc.bad_start.iter().map(|(u, t)| (u.to_string(), *t)).collect(),
            good: sc.good.iter().map(u64::to_string).collect(),
        }
    }

    /// Reads an `*.expect.json`.
    pub fn from_json(v: &Value) -> Result<Expectation, String> {
        let bad = v["bad"].as_object().ok_or("`bad` must be an object")?;
        let bad = bad
            .iter()
            .map(|(u, e)| match e.as_str() {
                Some("contain") => Ok((u.clone(), Expect::Contain)),
                Some("flag") => Ok((u.clone(), Expect::Flag)),
                _ => Err(format!("`bad.{u}` must be \"contain\" or \"flag\"")),
            })
            .collect::<Result<_, _>>()?;
        let bad_start = match v.get("bad_start").and_then(Value::as_object) {
            Some(m) => m.iter().filter_map(|(u, t)| Some((u.clone(), t.as_u64()?))).collect(),
            None => BTreeMap::new(),
        };
        let good = v["good"].as_array().ok_or("`good` must be an array")?;
        let good: BTreeSet<String> = good
            .iter()
            .map(|u| u.as_str().map(str::to_string).ok_or_else(|| "ids in `good` are strings".to_string()))
            .collect::<Result<_, _>>()?;
        Ok(Expectation { scenario: v["scenario"].as_str().unwrap_or_default().to_string(), bad, bad_start, good })
    }
}

/// How a run did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    pub scenario: String,
    pub bad: usize,
    pub caught: usize,
    pub missed: Vec<String>,
    pub good: usize,
    pub punished_good: Vec<String>,
    pub deleted_good: Vec<String>,
    pub median_delay_ms: Option<Millis>,
    pub max_delay_ms: Option<Millis>,
    pub actions: usize,
}

impl Score {
    /// All bad caught, no good touched.
    pub fn perfect(&self) -> bool {
        self.caught == self.bad && self.punished_good.is_empty() && self.deleted_good.is_empty()
    }
}

/// The users an action names (`user_id`, `user_ids`, and Mastodon's `account_id(s)`).
fn users_of(a: &Value) -> Vec<String> {
    let one = |k: &str| a.get(k).filter(|v| !v.is_null()).map(id_text);
    let many = |k: &str| a.get(k).and_then(Value::as_array).into_iter().flatten().map(id_text);
    one("user_id").into_iter().chain(many("user_ids")).chain(one("account_id")).chain(many("account_ids")).collect()
}

/// An id as `str(...)` in Python would write it.
fn id_text(v: &Value) -> String {
    v.as_str().map_or_else(|| v.to_string(), str::to_string)
}

/// Scores actions in their JSON form.
pub fn score(expect: &Expectation, actions: &[Value]) -> Score {
    let mut first_punish: BTreeMap<String, Millis> = BTreeMap::new();
    let mut first_any: BTreeMap<String, Millis> = BTreeMap::new();
    let mut deleted: BTreeSet<String> = BTreeSet::new();
    for a in actions {
        let kind = a.get("action").and_then(Value::as_str).unwrap_or("");
        let ts = a.get("ts").and_then(Value::as_u64).unwrap_or(0);
        for u in users_of(a) {
            first_any.entry(u.clone()).or_insert(ts);
            if PUNITIVE.contains(&kind) {
                first_punish.entry(u.clone()).or_insert(ts);
            }
            if DELETING.contains(&kind) {
                deleted.insert(u);
            }
        }
    }
    let mut s = Score {
        scenario: expect.scenario.clone(),
        bad: expect.bad.len(),
        good: expect.good.len(),
        actions: actions.len(),
        ..Default::default()
    };
    let mut delays = Vec::new();
    for (u, want) in &expect.bad {
        let t = match want {
            Expect::Contain => first_punish.get(u),
            Expect::Flag => first_any.get(u),
        };
        match t {
            Some(&t) => {
                s.caught += 1;
                if let Some(&start) = expect.bad_start.get(u) {
                    delays.push(t.saturating_sub(start));
                }
            }
            None => s.missed.push(u.clone()),
        }
    }
    s.punished_good = expect.good.iter().filter(|u| first_punish.contains_key(*u)).cloned().collect();
    s.deleted_good = expect.good.iter().filter(|u| deleted.contains(*u)).cloned().collect();
    delays.sort_unstable();
    s.median_delay_ms = delays.get(delays.len() / 2).copied();
    s.max_delay_ms = delays.last().copied();
    s
}

/// Scores the engine's actions against a generated scenario.
pub fn score_actions(sc: &Scenario, actions: &[Action]) -> Score {
    let json: Vec<Value> = actions.iter().map(json::to_value).collect();
    score(&Expectation::of(sc), &json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A hand-made case: a contained raider, a flagged scraper, a missed one, a good user
    /// punished, another whose message was deleted, and ids written as numbers.
    fn case() -> (Value, Vec<Value>) {
        let expect = json!({
            "scenario": "hand-made",
            "bad": {"1": "contain", "2": "flag", "3": "contain", "4": "contain"},
            "bad_start": {"1": 1000, "2": 1500, "4": 5000},
            "good": ["10", "11", "12"],
        });
        let actions = vec![
            json!({"ts": 1200, "action": "delete_message", "user_id": "1"}),
            json!({"ts": 1400, "action": "timeout", "user_ids": ["1", "10"]}),
            json!({"ts": 2000, "action": "flag", "user_id": "2"}),
            json!({"ts": 2100, "action": "alert", "user_ids": ["3"]}),
            json!({"ts": 9000, "action": "ban", "user_id": 4}),
            json!({"ts": 9100, "action": "delete_status", "account_id": "11"}),
            json!({"ts": 9200, "action": "lockdown"}),
        ];
        (expect, actions)
    }

    #[test]
    fn scores_a_hand_made_case() {
        let (expect, actions) = case();
        let s = score(&Expectation::from_json(&expect).unwrap(), &actions);
        assert_eq!((s.bad, s.caught, s.good, s.actions), (4, 3, 3, 7));
        assert_eq!(s.missed, ["3"], "an alert does not contain");
        assert_eq!(s.punished_good, ["10"]);
        assert_eq!(s.deleted_good, ["11"]);
        // Delays: 1 -> 400, 2 -> 500, 4 -> 4000: median 500.
        assert_eq!((s.median_delay_ms, s.max_delay_ms), (Some(500), Some(4000)));
        assert!(!s.perfect());
    }

    #[test]
    fn agrees_with_score_py() {
        let py = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/tools/score.py");
        let has_python = std::process::Command::new("python3").arg("--version").output().is_ok();
        if !py.is_file() || !has_python {
            eprintln!("SKIPPED: needs python3 and ../shared/tools/score.py beside the repository");
            return;
        }
        let (expect, actions) = case();
        let dir = std::env::temp_dir().join(format!("moat-score-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (e, a) = (dir.join("x.expect.json"), dir.join("x.actions.jsonl"));
        std::fs::write(&e, expect.to_string()).unwrap();
        let lines: String = actions.iter().map(|a| format!("{a}\n")).collect();
        std::fs::write(&a, lines).unwrap();
        let out = std::process::Command::new("python3").arg(&py).arg(&e).arg(&a).arg("--json").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let theirs: Value = serde_json::from_slice(&out.stdout).unwrap();
        let ours = score(&Expectation::from_json(&expect).unwrap(), &actions);
        assert_eq!(theirs["bad"], ours.bad);
        assert_eq!(theirs["caught"], ours.caught);
        assert_eq!(theirs["good"], ours.good);
        assert_eq!(theirs["punished_good"], ours.punished_good.len());
        assert_eq!(theirs["deleted_good"], ours.deleted_good.len());
        assert_eq!(theirs["median_delay_ms"], json!(ours.median_delay_ms));
        assert_eq!(theirs["max_delay_ms"], json!(ours.max_delay_ms));
        assert_eq!(theirs["actions"], ours.actions);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
