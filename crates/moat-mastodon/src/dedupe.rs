//! Remembering what was already handed on, in bounded memory: Mastodon retries webhook
//! deliveries (up to 16 times over days), a status arrives both as its webhook and on the
//! stream, and a catch-up after a gap re-reads posts the stream already gave. Keys are
//! hashed to 64 bits (a collision, at 1 in 2⁶⁴ per pair, would drop one event); the oldest
//! are forgotten first once `capacity` is reached.

use std::collections::hash_map::RandomState;
use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasher, Hash};

/// A bounded set of recently seen keys.
#[derive(Debug)]
pub struct Seen {
    hasher: RandomState,
    set: HashSet<u64>,
    order: VecDeque<u64>,
    capacity: usize,
}

impl Seen {
    /// Remembers at most `capacity` keys (at least 1).
    pub fn new(capacity: usize) -> Seen {
        let capacity = capacity.max(1);
        Seen { hasher: RandomState::new(), set: HashSet::new(), order: VecDeque::new(), capacity }
    }

    fn digest<K: Hash + ?Sized>(&self, key: &K) -> u64 {
        self.hasher.hash_one(key)
    }

    /// Records `key`; returns true if it is new (not seen among the remembered ones).
    pub fn insert<K: Hash + ?Sized>(&mut self, key: &K) -> bool {
        let d = self.digest(key);
        if !self.set.insert(d) {
            return false;
        }
        self.order.push_back(d);
        while self.order.len() > self.capacity {
            if let Some(old) = self.order.pop_front() {
                self.set.remove(&old);
            }
        }
        true
    }

    pub fn contains<K: Hash + ?Sized>(&self, key: &K) -> bool {
        self.set.contains(&self.digest(key))
    }

    /// Forgets `key` (a delivery that could not be handed on after all, so its retry counts).
    pub fn remove<K: Hash + ?Sized>(&mut self, key: &K) {
        let d = self.digest(key);
        if self.set.remove(&d) {
            self.order.retain(|x| *x != d);
        }
    }

    pub fn len(&self) -> usize {
        self.set.len()
    }

    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remembers_a_bounded_number() {
        let mut s = Seen::new(3);
        assert!(s.insert("a") && s.insert("b") && s.insert("c"));
        assert!(!s.insert("a"), "a repeat");
        assert!(s.insert("d"));
        assert_eq!(s.len(), 3);
        assert!(!s.contains("a"), "the oldest is forgotten");
        assert!(s.contains("d"));
        s.remove("d");
        assert!(s.insert("d"), "forgotten on purpose");
    }
}
