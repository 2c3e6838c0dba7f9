//! The fediverse detectors' thresholds, in one place, with the reasoning behind each
//! default.
//!
//! The config file's `[fedi]` section ([`crate::config::FediConfig`]) sets them, in days,
//! minutes and counts; [`FediSettings::default`] is what it holds when the file says nothing.

use crate::action::Millis;
use crate::time::{DAY, HOUR, MINUTE};

/// Every fediverse threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct FediSettings {
    /// An account younger than this is new: only new accounts are ever contained by the
    /// fediverse detectors (a wave's accounts are hours old; an established account that
    /// misbehaves is a moderator's call).
    pub new_account: Millis,
    /// Younger than this, an account is "fresh": mass mentions from it need no weak profile.
    pub fresh_account: Millis,
    /// Accounts mentioned in one post that the author never heard from: with a weak profile.
    pub post_strangers: usize,
    /// The same, whatever the profile.
    pub post_strangers_alone: usize,
    /// For a reply (threads carry their participants' mentions along).
    pub reply_strangers: usize,
    /// Distinct strangers across one account's posts within [`FediSettings::mention_window`].
    pub window_strangers: usize,
    pub mention_window: Millis,
    /// Profile weaknesses (default avatar, empty note, display name = username) that make a
    /// mass mention a spammer's rather than an over-eager newcomer's.
    pub weak_points: u8,
    /// Distinct new accounts sharing one image, link, text or sign-up network, each post
    /// loud (mentioning strangers or linking), that make a campaign.
    pub cluster_accounts: usize,
    pub cluster_window: Millis,
    /// Strangers a post must mention to count in a campaign (a link does instead).
    pub loud_strangers: usize,
    /// Sign-ups from one network or e-mail domain within [`FediSettings::signup_window`] that
    /// make it a cluster key.
    pub signup_burst: usize,
    pub signup_window: Millis,
    /// Contained accounts within [`FediSettings::wave_window`] that start a wave.
    pub wave_accounts: usize,
    pub wave_window: Millis,
    /// A wave ends after this long without a new account contained.
    pub wave_quiet: Millis,
    /// How long the wave's IP blocks hold (Mastodon lifts them itself).
    pub ip_block_for: Millis,
    /// Sign-ups in the last hour, over this many times the learned hourly rate (and at least
    /// [`FediSettings::surge_min`]), are a surge worth an alert (never a punishment: a news
    /// event's crowd is a surge too).
    pub surge_factor: f32,
    pub surge_min: u32,
}

impl Default for FediSettings {
    fn default() -> Self {
        Self {
            new_account: 7 * DAY,
            fresh_account: 2 * DAY,
            post_strangers: 5,
            post_strangers_alone: 8,
            reply_strangers: 8,
            window_strangers: 12,
            mention_window: 30 * MINUTE,
            weak_points: 2,
            cluster_accounts: 3,
            cluster_window: HOUR,
            loud_strangers: 2,
            signup_burst: 3,
            signup_window: HOUR,
            wave_accounts: 5,
            wave_window: 30 * MINUTE,
            wave_quiet: 30 * MINUTE,
            ip_block_for: DAY,
            surge_factor: 5.0,
            surge_min: 20,
        }
    }
}
