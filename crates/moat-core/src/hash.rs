//! The workspace's one stable hash: 64-bit FNV-1a.
//!
//! moat hashes in a few places where the value must never change between builds, runs or
//! platforms: incident ids (stored, and quoted by moderators), message fingerprints,
//! name shapes, link keys, the store's action fingerprints. `std`'s hashers are randomly
//! seeded or unspecified, so they cannot serve; FNV-1a is tiny, fast on short inputs and
//! fully specified (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`: each step
//! XORs one value in, then multiplies by the prime).
//!
//! This is not for hash maps keyed by ids (see [`crate::idmap`]) and not for anything an
//! attacker must not be able to collide.

/// FNV-1a's 64-bit offset basis.
pub const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// FNV-1a's 64-bit prime.
pub const PRIME: u64 = 0x0000_0100_0000_01b3;

/// A running FNV-1a hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self::new()
    }
}

impl Fnv1a {
    pub const fn new() -> Self {
        Self(OFFSET)
    }

    /// A hash started from another basis, so that keys of different kinds (a link and a
    /// text with the same bytes) do not share values.
    pub const fn with_basis(basis: u64) -> Self {
        Self(basis)
    }

    /// One step: XOR `v` in, multiply by the prime. Bytes are fed one value each.
    #[inline]
    pub fn mix(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(PRIME);
    }

    #[inline]
    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.mix(u64::from(b));
        }
    }

    /// A `u64` fed as its eight little-endian bytes.
    #[inline]
    pub fn u64_le(&mut self, v: u64) {
        self.bytes(&v.to_le_bytes());
    }

    pub const fn finish(self) -> u64 {
        self.0
    }
}

/// FNV-1a of `bytes`.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv1a::new();
    h.bytes(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_published_test_vectors() {
        // From the FNV reference test suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
    }
}
