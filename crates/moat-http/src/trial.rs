//! "Try it on the last day": before a moderator saves a setting, replay the guild's most
//! recent recorded day with the settings in force and with the edited ones, and show what
//! would have changed: actions added and removed, per member, with their reasons.
//!
//! Recordings are the ones `moat run --record DIR` keeps, `DIR/<guild id>/<YYYY-MM-DD>.jsonl`
//! in `moat replay`'s line format (Discord's own gateway payloads, one a line). They are
//! read with `moat-discord-wire`'s reader and judged by `moat-core`'s engine, with the
//! bundled link lists, exactly as `moat replay` does: one decision path, so what the page
//! shows is what moat would have done.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use moat_core::id::{GuildId, UserId};
use moat_core::{Action, Config, Engine, LinkJudge};

/// A day's recording larger than this is not replayed from the dashboard.
pub const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// The newest recorded day of `guild` under `dir`, if any.
pub fn last_day(dir: &Path, guild: GuildId) -> Option<PathBuf> {
    let mut days: Vec<PathBuf> = std::fs::read_dir(dir.join(guild.0.to_string()))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl") && is_day(p))
        .collect();
    days.sort();
    days.pop()
}

fn is_day(p: &Path) -> bool {
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    stem.len() == 10
        && stem.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

/// What one member (or the guild, for lockdowns and alerts) would have had done, once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Step {
    /// `None`: an action on the guild (lockdown, alert).
    pub user: Option<UserId>,
    pub kind: &'static str,
    pub detector: &'static str,
}

/// One difference between the two replays.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub step: Step,
    /// How many times (a member timed out twice counts two).
    pub times: u32,
    /// The reason of the first such action.
    pub reason: String,
}

/// What the trial found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Outcome {
    /// The day replayed (`2026-11-30`).
    pub day: String,
    pub events: u64,
    pub bad_lines: u64,
    pub actions_now: usize,
    pub actions_edited: usize,
    /// Done with the edited settings only.
    pub added: Vec<Change>,
    /// Done with the settings in force only.
    pub removed: Vec<Change>,
}

/// Replays `capture` (a day's recording) through an engine with `config`.
pub fn replay(capture: &str, config: Config, judge: Box<dyn LinkJudge>) -> (Vec<Action>, u64, u64) {
    let mut engine = Engine::new(config, judge);
    let mut out = Vec::new();
    let played = moat_discord_wire::play::play(capture.as_bytes(), &mut engine, &mut out);
    (out, played.events, played.bad_lines)
}

/// Every action as steps: one per member it touched, or one for the guild.
fn steps(actions: &[Action]) -> BTreeMap<Step, (u32, String)> {
    let mut m: BTreeMap<Step, (u32, String)> = BTreeMap::new();
    for a in actions {
        let users: Vec<Option<UserId>> =
            if a.user_ids.is_empty() { vec![None] } else { a.user_ids.iter().copied().map(Some).collect() };
        for user in users {
            let step = Step { user, kind: a.kind.as_str(), detector: a.detector.as_str() };
            let e = m.entry(step).or_insert_with(|| (0, a.reason.clone()));
            e.0 += 1;
        }
    }
    m
}

/// What `after` does that `before` does not, counted per step.
fn minus(after: &BTreeMap<Step, (u32, String)>, before: &BTreeMap<Step, (u32, String)>) -> Vec<Change> {
    after
        .iter()
        .filter_map(|(step, (n, reason))| {
            let had = before.get(step).map_or(0, |b| b.0);
            (*n > had).then(|| Change { step: step.clone(), times: n - had, reason: reason.clone() })
        })
        .collect()
}

/// The trial: the day replayed with `now` and with `edited`.
pub fn compare(
    day: &str,
    capture: &str,
    now: Config,
    edited: Config,
    judge: impl Fn() -> Box<dyn LinkJudge>,
) -> Outcome {
    let (a, events, bad_lines) = replay(capture, now, judge());
    let (b, _, _) = replay(capture, edited, judge());
    let (sa, sb) = (steps(&a), steps(&b));
    Outcome {
        day: day.to_string(),
        events,
        bad_lines,
        actions_now: a.len(),
        actions_edited: b.len(),
        added: minus(&sb, &sa),
        removed: minus(&sa, &sb),
    }
}

/// The two configurations to compare: the file with the guild's stored settings, and the
/// same with one setting edited (validated as a saved change is; the error names the key).
pub fn configs(
    file: &str,
    guild: GuildId,
    stored: &str,
    section: &str,
    key: &str,
    value: &str,
) -> Result<(Config, Config), String> {
    let now = Config::from_toml_with(file, &[(guild, stored)]).map_err(|e| e.to_string())?;
    let edited_text = Config::with_setting(stored, section, key, value).map_err(|e| e.to_string())?;
    let edited = Config::from_toml_with(file, &[(guild, edited_text.as_str())]).map_err(|e| e.to_string())?;
    Ok((now, edited))
}

#[cfg(test)]
mod tests {
    use super::*;
    use moat_core::ActionKind;

    #[test]
    fn only_day_files_count_and_the_newest_wins() {
        let dir = std::env::temp_dir().join(format!("moat-trial-{}", std::process::id()));
        let g = dir.join("42");
        std::fs::create_dir_all(&g).unwrap();
        for f in ["2026-11-29.jsonl", "2026-11-30.jsonl", "notes.jsonl", "2026-12-01.txt"] {
            std::fs::write(g.join(f), "").unwrap();
        }
        assert_eq!(last_day(&dir, GuildId(42)).unwrap().file_name().unwrap(), "2026-11-30.jsonl");
        assert_eq!(last_day(&dir, GuildId(43)), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_change_shows_as_steps_added_and_removed() {
        let a = |kind, users: &[u64], reason: &str| {
            Action::new(1, GuildId(1), kind, moat_core::Detector::Pressure, reason.to_string())
                .users(users.iter().map(|&u| UserId(u)).collect::<Vec<_>>())
        };
        let before = steps(&[a(ActionKind::Timeout, &[7], "pressure 70 > 60"), a(ActionKind::Alert, &[], "x")]);
        let after = steps(&[a(ActionKind::Alert, &[], "x"), a(ActionKind::Timeout, &[8], "pressure 65 > 60")]);
        let added = minus(&after, &before);
        let removed = minus(&before, &after);
        assert_eq!(added.len(), 1);
        assert_eq!((added[0].step.user, added[0].reason.as_str()), (Some(UserId(8)), "pressure 65 > 60"));
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].step.user, Some(UserId(7)));
    }
}
