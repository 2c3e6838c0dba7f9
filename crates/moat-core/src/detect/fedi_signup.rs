//! Sign-ups: bursts from one network or one e-mail domain, and the server's own learned
//! sign-up rate.
//!
//! A wave's script registers from a handful of networks (Tor exits, a few hosts) and with a
//! throwaway mail domain or two; a news event's crowd comes from everywhere, with the big
//! providers' addresses. A network (an IPv4 /24, an IPv6 /64) or a throwaway domain with a
//! burst of sign-ups becomes a key the campaign watch ([`super::fedi_cluster`]) can find a
//! wave by; the big mail providers never do. The learned rate only ever alerts: a surge of
//! sign-ups is what a wave and a news event have in common.

use std::net::IpAddr;

use crate::action::Millis;
use crate::hash::Fnv1a;
use crate::idmap::IdMap;
use crate::time::HOUR;

/// Mail providers real people use by the million: never a wave's signature, never blocked.
pub const BIG_MAIL_PROVIDERS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "mail.ru",
    "yandex.ru",
    "yandex.com",
    "qq.com",
    "163.com",
    "126.com",
    "zoho.com",
    "fastmail.com",
    "tutanota.com",
    "tuta.io",
    "posteo.de",
    "mailbox.org",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "libero.it",
    "t-online.de",
    "btinternet.com",
    "comcast.net",
    "naver.com",
];

/// Whether `domain` (or a parent of it) is a big mail provider, or a national variant of
/// one (`yahoo.co.uk`, `hotmail.fr`, `outlook.de`).
pub fn is_big_mail_provider(domain: &str) -> bool {
    let d = domain.trim().trim_end_matches('.').to_ascii_lowercase();
    let listed = BIG_MAIL_PROVIDERS.iter().any(|p| d == *p || d.ends_with(&format!(".{p}")));
    let national = ["yahoo.", "hotmail.", "outlook.", "live.", "gmx.", "yandex."]
        .iter()
        .any(|p| d.starts_with(p) && d[p.len()..].split('.').all(|l| (2..=3).contains(&l.len())));
    listed || national
}

/// The network an address belongs to for blocking: its IPv4 /24 or its IPv6 /64, as CIDR.
pub fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            format!("{}.{}.{}.0/24", o[0], o[1], o[2])
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

/// A stable key for a text (a network, a domain), of its own kind.
pub fn key(kind: u64, text: &str) -> u64 {
    let mut h = Fnv1a::with_basis(crate::hash::OFFSET ^ kind);
    h.bytes(text.as_bytes());
    h.finish()
}

/// What one sign-up was, as the burst watch judged it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SignUpSeen {
    /// Sign-ups from this network within the window, this one included.
    pub network_count: usize,
    /// Sign-ups with this (throwaway-candidate) domain within the window; 0 for a big
    /// provider or none.
    pub domain_count: usize,
    /// A surge just began: sign-ups in the last hour, and the learned hourly rate.
    pub surge: Option<(u32, f32)>,
}

/// Recent sign-ups by network and domain, and the learned rate.
#[derive(Debug, Clone, Default)]
pub struct SignUpWatch {
    networks: IdMap<u64, Vec<Millis>>,
    domains: IdMap<u64, Vec<Millis>>,
    /// Sign-up times within the last hour.
    last_hour: Vec<Millis>,
    /// Exponentially weighted sign-ups per hour, over closed hours.
    rate: f32,
    /// Start of the current hour bucket and its count.
    hour_start: Millis,
    hour_count: u32,
    in_surge: bool,
}

/// Weight of each closed hour in the learned rate.
const ALPHA: f32 = 0.1;
/// Times kept per key at most.
const MAX_TIMES: usize = 1024;

fn count_in(times: &mut Vec<Millis>, now: Millis, window: Millis) -> usize {
    times.retain(|&t| now.saturating_sub(t) < window);
    if times.len() < MAX_TIMES {
        times.push(now);
    }
    times.len()
}

impl SignUpWatch {
    /// Records a sign-up; `network` and `domain` are its keys, where known (the domain only
    /// when it is no big provider).
    pub fn on_signup(
        &mut self,
        s: &super::fedi_settings::FediSettings,
        now: Millis,
        network: Option<u64>,
        domain: Option<u64>,
    ) -> SignUpSeen {
        self.learn(now);
        let mut seen = SignUpSeen::default();
        if let Some(n) = network {
            seen.network_count = count_in(self.networks.entry(n).or_default(), now, s.signup_window);
        }
        if let Some(d) = domain {
            seen.domain_count = count_in(self.domains.entry(d).or_default(), now, s.signup_window);
        }
        self.hour_count += 1;
        self.last_hour.retain(|&t| now.saturating_sub(t) < HOUR);
        if self.last_hour.len() < 100_000 {
            self.last_hour.push(now);
        }
        let n = self.last_hour.len() as u32;
        let surge = n >= s.surge_min && n as f32 > s.surge_factor * self.rate;
        if surge && !self.in_surge {
            seen.surge = Some((n, self.rate));
        }
        self.in_surge = surge || (self.in_surge && n as f32 > self.rate.max(1.0) * 2.0);
        seen
    }

    /// Closes the hour buckets up to `now` into the learned rate.
    fn learn(&mut self, now: Millis) {
        if self.hour_start == 0 {
            self.hour_start = now - now % HOUR;
            return;
        }
        while now >= self.hour_start + HOUR {
            self.rate = (1.0 - ALPHA) * self.rate + ALPHA * self.hour_count as f32;
            self.hour_count = 0;
            self.hour_start += HOUR;
            if self.rate < 0.01 && now >= self.hour_start + HOUR {
                // A long quiet: skip ahead rather than step hour by hour.
                self.rate = 0.0;
                self.hour_start = now - now % HOUR;
            }
        }
    }

    /// Sign-ups from a network (`domain: false`) or a mail domain within `window` of `now`.
    pub fn recent(&self, domain: bool, key: u64, now: Millis, window: Millis) -> usize {
        let map = if domain { &self.domains } else { &self.networks };
        map.get(&key).map_or(0, |v| v.iter().filter(|&&t| now.saturating_sub(t) < window).count())
    }

    /// The learned sign-ups per hour.
    pub fn rate(&self) -> f32 {
        self.rate
    }

    /// Forgets keys idle for the window.
    pub fn sweep(&mut self, now: Millis, window: Millis) {
        let fresh = |v: &mut Vec<Millis>| v.last().is_some_and(|&t| now.saturating_sub(t) < window);
        self.networks.retain(|_, v| fresh(v));
        self.domains.retain(|_, v| fresh(v));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::fedi_settings::FediSettings;
    use crate::time::MINUTE;

    #[test]
    fn big_providers_and_their_national_variants() {
        assert!(is_big_mail_provider("Gmail.com") && is_big_mail_provider("yahoo.co.uk"));
        assert!(is_big_mail_provider("hotmail.fr") && is_big_mail_provider("mx.outlook.com"));
        assert!(!is_big_mail_provider("tempmail.example") && !is_big_mail_provider("notgmail.com"));
        assert!(!is_big_mail_provider("yahoo.scam-mail.net"));
    }

    #[test]
    fn networks_are_slash_24_and_slash_64() {
        assert_eq!(network_of("203.0.113.77".parse().unwrap()), "203.0.113.0/24");
        assert_eq!(network_of("2001:db8:1:2:3::9".parse().unwrap()), "2001:db8:1:2::/64");
    }

    #[test]
    fn bursts_are_counted_per_network_and_domain() {
        let s = FediSettings::default();
        let mut w = SignUpWatch::default();
        let t0 = 1_700_000_000_000;
        for i in 0..3 {
            let seen = w.on_signup(&s, t0 + i * MINUTE, Some(1), Some(2));
            assert_eq!(seen.network_count, i as usize + 1);
        }
        let other = w.on_signup(&s, t0 + 4 * MINUTE, Some(9), None);
        assert_eq!((other.network_count, other.domain_count), (1, 0));
        let late = w.on_signup(&s, t0 + 3 * HOUR, Some(1), None);
        assert_eq!(late.network_count, 1, "the earlier burst left the window");
    }

    #[test]
    fn the_learned_rate_makes_a_surge_relative() {
        let s = FediSettings::default();
        let mut w = SignUpWatch::default();
        let t0 = 1_700_000_000_000 - 1_700_000_000_000 % HOUR;
        // A busy server: 30 sign-ups an hour for two days.
        let mut surges = 0;
        for h in 0..48 {
            for i in 0..30 {
                surges += u32::from(w.on_signup(&s, t0 + h * HOUR + i * 2 * MINUTE, None, None).surge.is_some());
            }
        }
        assert!(w.rate() > 25.0, "{}", w.rate());
        assert!(surges <= 1, "only the first hours, before anything was learned: {surges}");
        let t1 = t0 + 48 * HOUR;
        let mut surge = None;
        for i in 0..200 {
            surge = surge.or(w.on_signup(&s, t1 + i * 10_000, None, None).surge);
        }
        let (n, rate) = surge.expect("200 in half an hour is a surge");
        assert!(n >= 150 && rate > 25.0, "{n} {rate}");
    }
}
