//! Scoring a run against a scenario, as `tools/score.py` does: every bad user caught (a
//! punitive action for `contain`, any action naming them for `flag`), no good user punished
//! or deleted, and how fast.

use std::collections::BTreeMap;

use moat_core::{Action, ActionKind, Millis};

use crate::{Expect, Scenario};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Score {
    pub bad: usize,
    pub caught: usize,
    pub missed: Vec<u64>,
    pub punished_good: Vec<u64>,
    pub deleted_good: Vec<u64>,
    pub median_delay_ms: Option<Millis>,
    pub max_delay_ms: Option<Millis>,
}

impl Score {
    /// All bad caught, no good touched.
    pub fn perfect(&self) -> bool {
        self.caught == self.bad && self.punished_good.is_empty() && self.deleted_good.is_empty()
    }
}

pub fn score(sc: &Scenario, actions: &[Action]) -> Score {
    let mut first_punish: BTreeMap<u64, Millis> = BTreeMap::new();
    let mut first_any: BTreeMap<u64, Millis> = BTreeMap::new();
    let mut deleted: BTreeMap<u64, u32> = BTreeMap::new();
    for a in actions {
        for u in a.user_ids.iter().map(|u| u.get()) {
            first_any.entry(u).or_insert(a.ts);
            if a.kind.is_punitive() {
                first_punish.entry(u).or_insert(a.ts);
            }
            if a.kind == ActionKind::DeleteMessage {
                *deleted.entry(u).or_default() += 1;
            }
        }
    }
    let mut s = Score { bad: sc.bad.len(), ..Default::default() };
    let mut delays = Vec::new();
    for (&u, want) in &sc.bad {
        let t = match want {
            Expect::Contain => first_punish.get(&u),
            Expect::Flag => first_any.get(&u),
        };
        match t {
            Some(&t) => {
                s.caught += 1;
                if let Some(&start) = sc.bad_start.get(&u) {
                    delays.push(t.saturating_sub(start));
                }
            }
            None => s.missed.push(u),
        }
    }
    s.punished_good = sc.good.iter().copied().filter(|u| first_punish.contains_key(u)).collect();
    s.deleted_good = sc.good.iter().copied().filter(|u| deleted.contains_key(u)).collect();
    delays.sort_unstable();
    s.median_delay_ms = delays.get(delays.len() / 2).copied();
    s.max_delay_ms = delays.last().copied();
    s
}
