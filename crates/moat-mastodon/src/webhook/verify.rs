//! Checking a webhook's `X-Hub-Signature: sha256=<hex>`: the HMAC-SHA256 of the raw body
//! with the webhook's secret, as Mastodon's `Webhooks::DeliveryWorker` makes it, compared in
//! constant time (`hmac`'s `verify_slice`), so the answer's timing tells nothing about how
//! much of a forged signature was right.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::secret::Secret;

/// Why a signature was refused (what is logged and counted: never the body or the secret).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no X-Hub-Signature header")]
    Missing,
    #[error("X-Hub-Signature is not sha256=<64 hex digits>")]
    Malformed,
    #[error("X-Hub-Signature does not match the body")]
    Mismatch,
}

fn hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Decodes the hex digest of a `sha256=…` header value.
fn digest(header: &str) -> Result<[u8; 32], SignatureError> {
    let hex = header.trim().strip_prefix("sha256=").ok_or(SignatureError::Malformed)?.as_bytes();
    if hex.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        let (hi, lo) = (hex_value(pair[0]), hex_value(pair[1]));
        out[i] = (hi.ok_or(SignatureError::Malformed)? << 4) | lo.ok_or(SignatureError::Malformed)?;
    }
    Ok(out)
}

/// Checks `header` (the `X-Hub-Signature` value, if any) against `body`.
pub fn verify(secret: &Secret, header: Option<&[u8]>, body: &[u8]) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let header = std::str::from_utf8(header).map_err(|_| SignatureError::Malformed)?;
    let expected = digest(header)?;
    // HMAC takes keys of any length: `new_from_slice` cannot fail here.
    let mut mac =
        <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes()).map_err(|_| SignatureError::Mismatch)?;
    mac.update(body);
    mac.verify_slice(&expected).map_err(|_| SignatureError::Mismatch)
}

/// The header value Mastodon would send for `body` (for tests and the benchmark).
pub fn sign(secret: &Secret, body: &[u8]) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret.expose().as_bytes()) else { return String::new() };
    mac.update(body);
    let bytes = mac.finalize().into_bytes();
    let mut s = String::with_capacity(71);
    s.push_str("sha256=");
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_4231_and_refusals() {
        let key = Secret::new("Jefe");
        let body = b"what do ya want for nothing?";
        let good = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(sign(&key, body), good);
        assert_eq!(verify(&key, Some(good.as_bytes()), body), Ok(()));
        assert_eq!(verify(&key, Some(good.to_uppercase().replace("SHA256", "sha256").as_bytes()), body), Ok(()));
        assert_eq!(verify(&key, None, body), Err(SignatureError::Missing));
        assert_eq!(verify(&key, Some(b"sha1=abc"), body), Err(SignatureError::Malformed));
        assert_eq!(verify(&key, Some(&good.as_bytes()[..70]), body), Err(SignatureError::Malformed));
        assert_eq!(verify(&key, Some(good.replace('5', "g").as_bytes()), body), Err(SignatureError::Malformed));
        assert_eq!(verify(&key, Some(good.as_bytes()), b"what do ya want for nothing!"), Err(SignatureError::Mismatch));
        assert_eq!(verify(&Secret::new("jefe"), Some(good.as_bytes()), body), Err(SignatureError::Mismatch));
        assert_eq!(verify(&key, Some(&[0xff; 71]), body), Err(SignatureError::Malformed));
    }
}
