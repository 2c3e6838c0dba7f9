//! The cluster's two hashes: a keyed one for what the cross-guild stream carries, and a
//! plain stable one to spread users over partitions and members over units.
//!
//! Fingerprints of text and links leave the process, so they are HMAC-SHA256 under the
//! cluster's secret: someone reading the stream without the secret cannot test guesses
//! ("did anyone post this link?") against it, and nothing on it can be reversed into text.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// A 64-bit keyed fingerprint (HMAC-SHA256, truncated) of `data` under `secret`.
pub fn keyed(secret: &[u8], data: &[u8]) -> u64 {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return 0 };
    mac.update(data);
    let out = mac.finalize().into_bytes();
    u64::from_be_bytes([out[0], out[1], out[2], out[3], out[4], out[5], out[6], out[7]])
}

/// A stable spread of `data` over `0..n` (FNV-1a; not for anything secret).
pub fn spread(data: &[u8], n: u32) -> u32 {
    let mut h = moat_core::hash::fnv1a(data);
    // FNV's low bits mix poorly; fold the high half in before the modulus.
    h ^= h >> 32;
    h = h.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 29;
    (h % u64::from(n.max(1))) as u32
}

/// The partition of a user: ids are snowflakes whose low bits are a counter, so they are
/// mixed before the modulus.
pub fn partition_of(user: u64, partitions: u32) -> u32 {
    spread(&user.to_le_bytes(), partitions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_depends_on_the_secret_and_spread_covers_all() {
        assert_ne!(keyed(b"a", b"https://x.ru"), keyed(b"b", b"https://x.ru"));
        assert_eq!(keyed(b"a", b"t"), keyed(b"a", b"t"));
        let hit: std::collections::BTreeSet<u32> = (0..200u64).map(|u| partition_of(u << 22, 8)).collect();
        assert_eq!(hit.len(), 8);
    }
}
