//! The detectors. Each is a small module that looks at one kind of abuse and says what it
//! found as a [`Finding`]; the engine decides what to do about findings (exemptions,
//! escalation, deletion, evidence), so detectors stay small and testable on their own.

pub mod burst;
pub mod campaign;
pub mod fedi_cluster;
pub mod fedi_mentions;
pub mod fedi_profile;
pub mod fedi_settings;
pub mod fedi_signup;
pub mod fedi_wave;
pub mod mentions;
pub mod pressure;
pub mod raid;
pub mod scam;
pub mod scraper;

use crate::action::{Detector, Millis};
use crate::id::{ChannelId, MessageId, UserId};

/// A message a finding wants deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Doomed {
    pub channel: ChannelId,
    pub message: MessageId,
    pub author: UserId,
}

/// How strongly a finding asks the engine to act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Contain the user(s), climbing the escalation ladder at least to this rung (1-based).
    Contain { min_step: u32 },
    /// Tell moderators; punish nobody.
    Flag,
}

/// What a detector found about one message or one user.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub detector: Detector,
    pub severity: Severity,
    /// Users the finding is about (usually the author; detectors that do not know the author
    /// leave it to the engine).
    pub users: Vec<UserId>,
    /// Messages to remove.
    pub delete: Vec<Doomed>,
    pub reason: String,
    pub facts: Vec<(String, String)>,
    /// When the accounts of `users` other than the author were created, where the detector
    /// knows (a campaign's other posters), for the evidence.
    pub accounts: Vec<Account>,
}

/// An account a finding names, with its creation time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    pub user: UserId,
    pub created: Millis,
}

impl Finding {
    pub fn contain(detector: Detector, user: UserId, reason: String) -> Self {
        Finding {
            detector,
            severity: Severity::Contain { min_step: 1 },
            users: vec![user],
            delete: Vec::new(),
            reason,
            facts: Vec::new(),
            accounts: Vec::new(),
        }
    }

    pub fn fact(mut self, key: &str, value: impl ToString) -> Self {
        self.facts.push((key.to_string(), value.to_string()));
        self
    }
}

/// Rounds to one decimal for reasons: `63.2`.
pub(crate) fn one_decimal(v: f32) -> f32 {
    (v * 10.0).round() / 10.0
}
