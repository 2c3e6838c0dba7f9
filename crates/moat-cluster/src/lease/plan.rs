//! Which shards belong together: groups of `max_concurrency` consecutive shards.
//!
//! Discord lets one identify per 5 s through each rate-limit key `shard_id % max_concurrency`.
//! A block of `max_concurrency` consecutive shards holds exactly one shard of every key, so a
//! process that owns whole blocks can identify all its shards of a block at once, and no two
//! processes ever queue for the same key on behalf of one block. A bot with
//! `max_concurrency = 1` gets one shard a group; a large bot with 16 gets blocks of 16.

use std::collections::BTreeSet;
use std::ops::Range;

/// The gateway's shape, from `GET /gateway/bot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPlan {
    pub shards: u32,
    pub max_concurrency: u32,
}

impl ShardPlan {
    /// A plan; zero values are taken as one (Discord never sends them).
    pub fn new(shards: u32, max_concurrency: u32) -> Self {
        Self { shards: shards.max(1), max_concurrency: max_concurrency.max(1) }
    }

    /// How many groups the leases are taken on.
    pub fn groups(&self) -> u32 {
        self.shards.div_ceil(self.max_concurrency)
    }

    /// The shards of group `g`.
    pub fn shards_of(&self, g: u32) -> Range<u32> {
        let start = g.saturating_mul(self.max_concurrency).min(self.shards);
        start..start.saturating_add(self.max_concurrency).min(self.shards)
    }

    /// The group shard `s` belongs to.
    pub fn group_of(&self, s: u32) -> u32 {
        s / self.max_concurrency
    }

    /// Every shard of these groups.
    pub fn shards_in(&self, groups: &BTreeSet<u32>) -> BTreeSet<u32> {
        groups.iter().flat_map(|&g| self.shards_of(g)).collect()
    }

    /// The shard of a guild: `(guild_id >> 22) % shards`.
    pub fn shard_of_guild(&self, guild: u64) -> u32 {
        ((guild >> 22) % u64::from(self.shards)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_hold_one_shard_of_each_identify_key() {
        let p = ShardPlan::new(40, 16);
        assert_eq!(p.groups(), 3);
        assert_eq!(p.shards_of(2), 32..40);
        for g in 0..2 {
            let keys: BTreeSet<u32> = p.shards_of(g).map(|s| s % 16).collect();
            assert_eq!(keys.len(), 16);
        }
        assert_eq!(p.group_of(33), 2);
        let all: BTreeSet<u32> = (0..p.groups()).collect();
        assert_eq!(p.shards_in(&all), (0..40).collect());
        let one = ShardPlan::new(16, 1);
        assert_eq!(one.groups(), 16);
        assert_eq!(one.shards_of(5), 5..6);
        assert_eq!(ShardPlan::new(0, 0), ShardPlan::new(1, 1));
        assert_eq!(one.shard_of_guild(5 << 22), 5);
    }
}
