//! Mastodon's ids: decimal strings of 64-bit "snowflakes" (milliseconds << 16 | a sequence),
//! ordered by number. Ids from a capture are kept exactly as given; ids the fake makes
//! itself (statuses it is asked to post, blocks) are made here.

use std::cmp::Ordering;

/// Orders two ids as Mastodon does (by number), falling back to text for ids that are not
/// decimal numbers, so any string is a valid key.
pub fn cmp_ids(a: &str, b: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if numeric(a) && numeric(b) {
        let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
        a.len().cmp(&b.len()).then_with(|| a.cmp(b))
    } else {
        a.cmp(b)
    }
}

/// An id as a map key ordered by [`cmp_ids`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdKey(pub String);

impl Ord for IdKey {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_ids(&self.0, &other.0)
    }
}

impl PartialOrd for IdKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Makes snowflake ids from clock times, strictly increasing.
#[derive(Debug, Default)]
pub struct Snowflakes {
    last: u64,
    tag: u64,
}

impl Snowflakes {
    /// Ids whose low 16 bits start at `tag`, so two makers (a capture's and the server's own)
    /// do not hand out the same id for the same millisecond.
    pub fn tagged(tag: u16) -> Snowflakes {
        Snowflakes { last: 0, tag: u64::from(tag) }
    }

    /// A new id for something created at `ms`.
    pub fn next(&mut self, ms: u64) -> String {
        let id = ((ms << 16) | self.tag).max(self.last.saturating_add(1));
        self.last = id;
        id.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_order_and_increasing_snowflakes() {
        assert_eq!(cmp_ids("9", "10"), Ordering::Less);
        assert_eq!(cmp_ids("0010", "9"), Ordering::Greater);
        assert_eq!(cmp_ids("abc", "10"), "abc".cmp("10"));
        let mut s = Snowflakes::default();
        let (a, b) = (s.next(1000), s.next(1000));
        assert_eq!(cmp_ids(&a, &b), Ordering::Less);
        assert_eq!(cmp_ids(&b, &s.next(999)), Ordering::Less, "never goes back");
        assert_ne!(Snowflakes::tagged(0xF000).next(1000), Snowflakes::default().next(1000));
    }
}
