//! Wave mode: the fediverse's lockdown. Once several new accounts are contained within
//! minutes, the server is in a wave: new sign-ups from the wave's networks need approval and
//! its throwaway mail domains are blocked, until the wave has been quiet for a while.
//!
//! This module only keeps the wave's state and says what changed; the engine turns that
//! into `lockdown` (networks and domains to block, growing as the wave shows more of them),
//! one `alert` per wave, and an `unlock` (the domains to lift) when it ends.

use crate::action::Millis;
use crate::id::{IncidentId, UserId};

/// One contained account, as the wave watch remembers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contained {
    pub ts: Millis,
    pub user: UserId,
    /// Its sign-up network (CIDR), for a local account.
    pub network: Option<String>,
    /// Its sign-up mail domain, when no big provider.
    pub domain: Option<String>,
}

/// A wave in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wave {
    pub since: Millis,
    pub incident: IncidentId,
    pub last_hit: Millis,
    pub members: Vec<UserId>,
    pub networks: Vec<String>,
    pub domains: Vec<String>,
}

/// What one containment did to the wave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaveStep {
    /// No wave (yet).
    Quiet,
    /// The wave began: block these.
    Started { networks: Vec<String>, domains: Vec<String> },
    /// The wave showed new networks or domains: block these too.
    Grew { networks: Vec<String>, domains: Vec<String> },
    /// A member more, nothing new to block.
    Member,
}

#[derive(Debug, Clone, Default)]
pub struct WaveWatch {
    recent: Vec<Contained>,
    pub wave: Option<Wave>,
}

fn push_new(into: &mut Vec<String>, new: &mut Vec<String>, value: &Option<String>) {
    if let Some(v) = value {
        if !into.contains(v) {
            into.push(v.clone());
            new.push(v.clone());
        }
    }
}

impl WaveWatch {
    /// Records a contained account; `incident` names the wave if this starts one.
    pub fn on_contained(
        &mut self,
        s: &super::fedi_settings::FediSettings,
        c: Contained,
        incident: IncidentId,
    ) -> WaveStep {
        let now = c.ts;
        if let Some(w) = &mut self.wave {
            w.last_hit = now;
            w.members.push(c.user);
            let (mut networks, mut domains) = (Vec::new(), Vec::new());
            push_new(&mut w.networks, &mut networks, &c.network);
            push_new(&mut w.domains, &mut domains, &c.domain);
            return if networks.is_empty() && domains.is_empty() {
                WaveStep::Member
            } else {
                WaveStep::Grew { networks, domains }
            };
        }
        self.recent.retain(|r| now.saturating_sub(r.ts) < s.wave_window);
        self.recent.push(c);
        if self.recent.len() < s.wave_accounts {
            return WaveStep::Quiet;
        }
        let mut w = Wave {
            since: self.recent[0].ts,
            incident,
            last_hit: now,
            members: Vec::new(),
            networks: Vec::new(),
            domains: Vec::new(),
        };
        let (mut networks, mut domains) = (Vec::new(), Vec::new());
        for r in std::mem::take(&mut self.recent) {
            w.members.push(r.user);
            push_new(&mut w.networks, &mut networks, &r.network);
            push_new(&mut w.domains, &mut domains, &r.domain);
        }
        self.wave = Some(w);
        WaveStep::Started { networks, domains }
    }

    /// When the wave ends if nothing more happens.
    pub fn deadline(&self, s: &super::fedi_settings::FediSettings) -> Option<Millis> {
        self.wave.as_ref().map(|w| w.last_hit + s.wave_quiet)
    }

    /// Ends the wave if it has been quiet long enough at `now`.
    pub fn end_if_due(&mut self, s: &super::fedi_settings::FediSettings, now: Millis) -> Option<Wave> {
        if self.deadline(s).is_some_and(|d| now >= d) {
            self.wave.take()
        } else {
            None
        }
    }

    /// Whether a network or domain is one of the current wave's.
    pub fn holds(&self, network: Option<&str>, domain: Option<&str>) -> bool {
        self.wave.as_ref().is_some_and(|w| {
            network.is_some_and(|n| w.networks.iter().any(|x| x == n))
                || domain.is_some_and(|d| w.domains.iter().any(|x| x == d))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::fedi_settings::FediSettings;
    use crate::time::MINUTE;

    fn c(ts: Millis, user: u64, net: &str, domain: Option<&str>) -> Contained {
        Contained { ts, user: UserId(user), network: Some(net.into()), domain: domain.map(Into::into) }
    }

    #[test]
    fn a_wave_starts_grows_and_ends() {
        let s = FediSettings { wave_accounts: 3, ..Default::default() };
        let mut w = WaveWatch::default();
        let inc = IncidentId(9);
        assert_eq!(w.on_contained(&s, c(0, 1, "a", Some("t.example")), inc), WaveStep::Quiet);
        assert_eq!(w.on_contained(&s, c(MINUTE, 2, "a", None), inc), WaveStep::Quiet);
        let started = w.on_contained(&s, c(2 * MINUTE, 3, "b", Some("t.example")), inc);
        assert_eq!(
            started,
            WaveStep::Started { networks: vec!["a".into(), "b".into()], domains: vec!["t.example".into()] }
        );
        assert_eq!(w.on_contained(&s, c(3 * MINUTE, 4, "b", None), inc), WaveStep::Member);
        assert_eq!(
            w.on_contained(&s, c(4 * MINUTE, 5, "c", None), inc),
            WaveStep::Grew { networks: vec!["c".into()], domains: vec![] }
        );
        assert!(w.holds(Some("c"), None) && w.holds(None, Some("t.example")) && !w.holds(Some("z"), None));
        assert!(w.end_if_due(&s, 4 * MINUTE + s.wave_quiet - 1).is_none());
        let ended = w.end_if_due(&s, 4 * MINUTE + s.wave_quiet).expect("quiet long enough");
        assert_eq!(ended.members.len(), 5);
        assert!(w.wave.is_none());
    }

    #[test]
    fn contained_accounts_far_apart_are_no_wave() {
        let s = FediSettings { wave_accounts: 3, ..Default::default() };
        let mut w = WaveWatch::default();
        for i in 0..5 {
            assert_eq!(w.on_contained(&s, c(i * s.wave_window, i, "a", None), IncidentId(1)), WaveStep::Quiet);
        }
    }
}
