//! Signed, expiring session cookies, and the random values (OAuth2 `state`, CSRF tokens)
//! they carry.
//!
//! The session lives in the cookie itself, so any process of a cluster that shares the
//! `cookie_key` can serve it: the moderator's id and name, the guilds Discord said they may
//! manage (checked against the bot's own list on every request), a CSRF token for forms, and
//! an expiry. It is signed with HMAC-SHA256; a cookie whose signature or expiry fails is no
//! session at all. Cookies are `HttpOnly` (no script reads them), `SameSite=Lax` (sent on the
//! top-level redirect back from Discord, never on a cross-site form post) and `Secure` when
//! the dashboard is reached over HTTPS. No token of Discord's is kept: the access token is
//! used once at login and dropped.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub const SESSION_COOKIE: &str = "moat_session";
pub const STATE_COOKIE: &str = "moat_oauth_state";

/// A logged-in moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    #[serde(rename = "u")]
    pub user: u64,
    #[serde(rename = "n")]
    pub name: String,
    /// Guilds Discord says this user owns or holds Manage Server (or Administrator) in.
    #[serde(rename = "g")]
    pub managed: Vec<u64>,
    /// Guilds where Discord lists the user at all (for a moderator role, checked live).
    #[serde(rename = "m")]
    pub member_of: Vec<u64>,
    #[serde(rename = "c")]
    pub csrf: String,
    /// Unix ms.
    #[serde(rename = "e")]
    pub expires: u64,
}

/// Random text, URL-safe: 32 bytes from the OS.
pub fn random_token() -> String {
    let mut buf = [0u8; 32];
    // The OS's generator failing is not something a web request can recover from; a
    // zero-filled token would be guessable, so fail the request instead.
    getrandom::getrandom(&mut buf).expect("the operating system's random generator");
    B64.encode(buf)
}

/// Signs and checks cookies.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl Signer {
    /// A signer with `key`, or a random key when it is empty.
    pub fn new(key: &str) -> Signer {
        if key.is_empty() {
            Signer { key: random_token().into_bytes() }
        } else {
            Signer { key: key.as_bytes().to_vec() }
        }
    }

    fn mac(&self, purpose: &str, data: &str) -> Vec<u8> {
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC takes any key length");
        m.update(purpose.as_bytes());
        m.update(b"\0");
        m.update(data.as_bytes());
        m.finalize().into_bytes().to_vec()
    }

    /// `data.signature`, bound to `purpose` (a state cookie is no session cookie).
    pub fn sign(&self, purpose: &str, data: &str) -> String {
        let data = B64.encode(data);
        format!("{data}.{}", B64.encode(self.mac(purpose, &data)))
    }

    /// The data, if the signature holds (compared in constant time).
    pub fn verify(&self, purpose: &str, signed: &str) -> Option<String> {
        let (data, sig) = signed.split_once('.')?;
        let sig = B64.decode(sig).ok()?;
        let mut m = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).ok()?;
        m.update(purpose.as_bytes());
        m.update(b"\0");
        m.update(data.as_bytes());
        m.verify_slice(&sig).ok()?;
        String::from_utf8(B64.decode(data).ok()?).ok()
    }

    pub fn seal(&self, s: &Session) -> String {
        self.sign("session", &serde_json::to_string(s).unwrap_or_default())
    }

    /// The session a cookie holds, if it is genuine and not expired at `now`.
    pub fn open(&self, cookie: &str, now: u64) -> Option<Session> {
        let s: Session = serde_json::from_str(&self.verify("session", cookie)?).ok()?;
        (s.expires > now).then_some(s)
    }
}

/// A cookie's value in a `Cookie:` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').filter_map(|c| c.trim().split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Path=/, Secure over HTTPS.
pub fn set_cookie(name: &str, value: &str, max_age_secs: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session {
            user: 7,
            name: "ann".into(),
            managed: vec![1],
            member_of: vec![1, 2],
            csrf: "t".into(),
            expires: 1000,
        }
    }

    #[test]
    fn a_session_round_trips_and_expires() {
        let s = Signer::new("");
        let c = s.seal(&session());
        assert_eq!(s.open(&c, 999), Some(session()));
        assert_eq!(s.open(&c, 1000), None, "expired");
    }

    #[test]
    fn a_forged_or_foreign_cookie_is_no_session() {
        let a = Signer::new("");
        let b = Signer::new("");
        let c = a.seal(&session());
        assert_eq!(b.open(&c, 0), None, "another key");
        let mut forged = session();
        forged.managed = vec![1, 2, 3];
        let body = serde_json::to_string(&forged).unwrap();
        let sig = c.split_once('.').unwrap().1;
        assert_eq!(a.open(&format!("{}.{sig}", B64.encode(body)), 0), None, "changed payload");
        assert_eq!(a.verify("state", &a.sign("session", "x")), None, "purpose is bound");
        assert_eq!(a.open("garbage", 0), None);
        assert_eq!(a.open("a.b.c", 0), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let c = set_cookie("moat_session", "v", 60, true);
        assert!(
            c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure") && c.contains("Max-Age=60")
        );
        assert_eq!(cookie_value("a=1; moat_session=xyz; b=2", "moat_session"), Some("xyz"));
    }
}
