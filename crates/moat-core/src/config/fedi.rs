//! `[fedi]`: the thresholds of the fediverse detectors ([`crate::detect::fedi_settings`]), in
//! the units an admin thinks in (days, minutes, hours, counts). It applies to every Mastodon
//! server moat guards; the defaults are the detectors' own, with the reasoning for each in
//! [`FediSettings`]'s docs.
//!
//! ```toml
//! [fedi]
//! new_account_days = 7        # only accounts younger than this are ever contained
//! fresh_account_days = 2      # younger: mass mentions need no weak profile
//! post_strangers = 5          # strangers mentioned in one post, with a weak profile
//! post_strangers_alone = 8    # the same, whatever the profile
//! reply_strangers = 8         # for a reply (threads carry mentions along)
//! window_strangers = 12       # distinct strangers across posts within mention_window_minutes
//! mention_window_minutes = 30
//! weak_points = 2             # of: default avatar, empty profile, display name = username
//! cluster_accounts = 3        # new accounts sharing an image, link, text or network
//! cluster_window_minutes = 60
//! loud_strangers = 2          # strangers a post mentions to count in a campaign
//! signup_burst = 3            # sign-ups from one network or mail domain ...
//! signup_window_minutes = 60  # ... within this
//! wave_accounts = 5           # contained accounts that start a wave ...
//! wave_window_minutes = 30    # ... within this
//! wave_quiet_minutes = 30     # a wave ends after this long without a new account contained
//! ip_block_hours = 24         # how long the wave's sign-up approval blocks hold
//! surge_factor = 5.0          # sign-ups this many times the learned hourly rate ...
//! surge_min = 20              # ... and at least this many: an alert, never a punishment
//! ```

use serde::Deserialize;

use crate::detect::fedi_settings::FediSettings;
use crate::time::{DAY, HOUR, MINUTE};

/// The `[fedi]` section.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FediConfig {
    pub new_account_days: u32,
    pub fresh_account_days: u32,
    pub post_strangers: u32,
    pub post_strangers_alone: u32,
    pub reply_strangers: u32,
    pub window_strangers: u32,
    pub mention_window_minutes: u32,
    pub weak_points: u8,
    pub cluster_accounts: u32,
    pub cluster_window_minutes: u32,
    pub loud_strangers: u32,
    pub signup_burst: u32,
    pub signup_window_minutes: u32,
    pub wave_accounts: u32,
    pub wave_window_minutes: u32,
    pub wave_quiet_minutes: u32,
    pub ip_block_hours: u32,
    pub surge_factor: f32,
    pub surge_min: u32,
}

impl Default for FediConfig {
    fn default() -> Self {
        let d = FediSettings::default();
        let m = |ms: u64| (ms / MINUTE) as u32;
        Self {
            new_account_days: (d.new_account / DAY) as u32,
            fresh_account_days: (d.fresh_account / DAY) as u32,
            post_strangers: d.post_strangers as u32,
            post_strangers_alone: d.post_strangers_alone as u32,
            reply_strangers: d.reply_strangers as u32,
            window_strangers: d.window_strangers as u32,
            mention_window_minutes: m(d.mention_window),
            weak_points: d.weak_points,
            cluster_accounts: d.cluster_accounts as u32,
            cluster_window_minutes: m(d.cluster_window),
            loud_strangers: d.loud_strangers as u32,
            signup_burst: d.signup_burst as u32,
            signup_window_minutes: m(d.signup_window),
            wave_accounts: d.wave_accounts as u32,
            wave_window_minutes: m(d.wave_window),
            wave_quiet_minutes: m(d.wave_quiet),
            ip_block_hours: (d.ip_block_for / HOUR) as u32,
            surge_factor: d.surge_factor,
            surge_min: d.surge_min,
        }
    }
}

impl FediConfig {
    /// The detectors' settings.
    pub fn settings(&self) -> FediSettings {
        let min = |m: u32| u64::from(m) * MINUTE;
        FediSettings {
            new_account: u64::from(self.new_account_days) * DAY,
            fresh_account: u64::from(self.fresh_account_days) * DAY,
            post_strangers: self.post_strangers as usize,
            post_strangers_alone: self.post_strangers_alone as usize,
            reply_strangers: self.reply_strangers as usize,
            window_strangers: self.window_strangers as usize,
            mention_window: min(self.mention_window_minutes),
            weak_points: self.weak_points,
            cluster_accounts: self.cluster_accounts as usize,
            cluster_window: min(self.cluster_window_minutes),
            loud_strangers: self.loud_strangers as usize,
            signup_burst: self.signup_burst as usize,
            signup_window: min(self.signup_window_minutes),
            wave_accounts: self.wave_accounts as usize,
            wave_window: min(self.wave_window_minutes),
            wave_quiet: min(self.wave_quiet_minutes),
            ip_block_for: u64::from(self.ip_block_hours) * HOUR,
            surge_factor: self.surge_factor,
            surge_min: self.surge_min,
        }
    }

    /// The first key that cannot be used, and why.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let at_least_one = [
            ("fedi.new_account_days", self.new_account_days),
            ("fedi.post_strangers", self.post_strangers),
            ("fedi.post_strangers_alone", self.post_strangers_alone),
            ("fedi.reply_strangers", self.reply_strangers),
            ("fedi.window_strangers", self.window_strangers),
            ("fedi.mention_window_minutes", self.mention_window_minutes),
            ("fedi.cluster_accounts", self.cluster_accounts),
            ("fedi.cluster_window_minutes", self.cluster_window_minutes),
            ("fedi.signup_burst", self.signup_burst),
            ("fedi.signup_window_minutes", self.signup_window_minutes),
            ("fedi.wave_accounts", self.wave_accounts),
            ("fedi.wave_window_minutes", self.wave_window_minutes),
            ("fedi.wave_quiet_minutes", self.wave_quiet_minutes),
            ("fedi.ip_block_hours", self.ip_block_hours),
        ];
        if let Some((key, _)) = at_least_one.iter().find(|(_, v)| *v == 0) {
            return Err((key, "must be at least 1".into()));
        }
        if self.fresh_account_days > self.new_account_days {
            return Err(("fedi.fresh_account_days", "must not exceed new_account_days".into()));
        }
        if self.post_strangers > self.post_strangers_alone {
            return Err(("fedi.post_strangers", "must not exceed post_strangers_alone".into()));
        }
        if self.weak_points > 3 {
            return Err((
                "fedi.weak_points",
                format!("a profile has 3 weak points at most (got {})", self.weak_points),
            ));
        }
        if !(self.surge_factor.is_finite() && self.surge_factor > 1.0) {
            return Err(("fedi.surge_factor", format!("must be a number above 1 (got {})", self.surge_factor)));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn the_defaults_are_the_detectors_own() {
        assert_eq!(FediConfig::default().settings(), FediSettings::default());
    }

    #[test]
    fn the_section_is_read_checked_and_named_on_error() {
        let c = Config::from_toml("[fedi]\npost_strangers = 6\nwave_quiet_minutes = 45\n").unwrap();
        let s = c.defaults.fedi.settings();
        assert_eq!((s.post_strangers, s.wave_quiet), (6, 45 * MINUTE));
        assert_eq!(s.window_strangers, FediSettings::default().window_strangers, "the rest stays default");
        for (text, path) in [
            ("[fedi]\npost_strangers = 0\n", "fedi.post_strangers"),
            ("[fedi]\nweak_points = 4\n", "fedi.weak_points"),
            ("[fedi]\nsurge_factor = 0.5\n", "fedi.surge_factor"),
            ("[fedi]\npost_strnagers = 3\n", "fedi.post_strnagers"),
        ] {
            let e = Config::from_toml(text).unwrap_err();
            assert_eq!(e.path, path, "{text}: {e}");
        }
    }
}
