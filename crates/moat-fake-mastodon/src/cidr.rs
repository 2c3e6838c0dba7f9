//! IP networks for `ip_blocks` and the `ip` filter: `192.0.2.0/24`, `2001:db8::/64`, or a
//! bare address (a /32 or /128). Like Mastodon (Ruby's `IPAddr`), the network is stored
//! masked: `192.0.2.5/24` becomes `192.0.2.0/24`.

use std::fmt;
use std::net::IpAddr;

/// An IP network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

fn mask(ip: IpAddr, prefix: u8) -> IpAddr {
    match ip {
        IpAddr::V4(v) => {
            let bits = u32::from(v);
            let m = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            IpAddr::V4((bits & m).into())
        }
        IpAddr::V6(v) => {
            let bits = u128::from(v);
            let m = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            IpAddr::V6((bits & m).into())
        }
    }
}

impl Cidr {
    /// Parses `ADDR` or `ADDR/PREFIX`; `None` when it is not an address or the prefix is too long.
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let ip: IpAddr = addr.parse().ok()?;
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.len() <= 3 && p.bytes().all(|c| c.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
        };
        if prefix > max {
            return None;
        }
        Some(Cidr { net: mask(ip, prefix), prefix })
    }

    /// Whether `ip` is in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        ip.is_ipv4() == self.net.is_ipv4() && mask(ip, self.prefix) == self.net
    }

    /// Whether `s` (an address) is in this network; false when `s` is not an address.
    pub fn contains_str(&self, s: &str) -> bool {
        s.trim().parse().is_ok_and(|ip| self.contains(ip))
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_and_contains() {
        let c = Cidr::parse("192.0.2.77/24").expect("valid");
        assert_eq!(c.to_string(), "192.0.2.0/24");
        assert!(c.contains_str("192.0.2.1"));
        assert!(!c.contains_str("192.0.3.1"));
        assert!(!c.contains_str("::1"));
        assert_eq!(Cidr::parse("198.51.100.7").map(|c| c.to_string()).as_deref(), Some("198.51.100.7/32"));
        assert_eq!(Cidr::parse("2001:db8::1/64").map(|c| c.to_string()).as_deref(), Some("2001:db8::/64"));
        assert!(Cidr::parse("0.0.0.0/0").expect("valid").contains_str("8.8.8.8"));
        for bad in ["", "1.2.3.4/33", "1.2.3/8", "x", "1.2.3.4/", "1.2.3.4/-1", "::/129"] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }
}
