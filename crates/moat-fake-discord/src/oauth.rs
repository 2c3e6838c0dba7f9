//! Discord's OAuth2 authorization-code flow, for testing a dashboard's "Login with Discord"
//! offline: test users, the codes and tokens issued to them, and what `users/@me` and
//! `users/@me/guilds` answer for a Bearer token.
//!
//! There is no login page: `GET /oauth2/authorize` approves at once, as the *current* test
//! user, who is, in order: the user named by the `fake_discord_user` cookie (set by
//! `GET /login?user=ID`, so two browsers can be two users), the one set with
//! [`crate::FakeDiscord::set_oauth_user`], or the first configured. Codes and tokens
//! expire on the fake's clock. The HTTP side is `rest::oauth`.

use std::collections::HashMap;

/// One guild a test user is in, as `users/@me/guilds` shows it.
#[derive(Debug, Clone)]
pub struct OAuthGuild {
    pub id: u64,
    /// Shown when the fake holds no guild with this id.
    pub name: String,
    pub owner: bool,
    /// The user's permissions in the guild (a bit set; sent as a string).
    pub permissions: u64,
}

/// A Discord user who can log in to a dashboard.
#[derive(Debug, Clone)]
pub struct OAuthUser {
    pub id: u64,
    pub username: String,
    pub guilds: Vec<OAuthGuild>,
}

impl OAuthUser {
    pub fn new(id: u64, username: &str) -> OAuthUser {
        OAuthUser { id, username: username.into(), guilds: Vec::new() }
    }

    /// Adds a guild the user is in (`owner`, and their `permissions` there).
    pub fn in_guild(mut self, id: u64, owner: bool, permissions: u64) -> OAuthUser {
        self.guilds.push(OAuthGuild { id, name: format!("guild {id}"), owner, permissions });
        self
    }
}

/// The OAuth2 application and its test users.
#[derive(Debug, Clone)]
pub struct OAuthOptions {
    /// The client secret (the client id is [`crate::Options::application_id`]).
    pub client_secret: String,
    /// Redirect URIs the application registered; empty accepts any `http://127.0.0.1`,
    /// `http://localhost` or `http://[::1]` address.
    pub redirect_uris: Vec<String>,
    pub users: Vec<OAuthUser>,
    /// Access tokens' lifetime on the fake's clock (Discord: 7 days).
    pub token_ttl_ms: u64,
    /// Authorization codes' lifetime (Discord: about 10 minutes).
    pub code_ttl_ms: u64,
}

impl Default for OAuthOptions {
    fn default() -> Self {
        Self {
            client_secret: "fake-client-secret".into(),
            redirect_uris: Vec::new(),
            users: Vec::new(),
            token_ttl_ms: 7 * 86_400_000,
            code_ttl_ms: 600_000,
        }
    }
}

/// What a code or token was granted for.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub user: u64,
    pub scopes: Vec<String>,
    pub expires_ms: u64,
    /// For codes: the redirect URI the token request must repeat.
    pub redirect_uri: String,
}

/// Issued codes and tokens.
#[derive(Debug, Default)]
pub(crate) struct OAuthState {
    pub current_user: Option<u64>,
    pub codes: HashMap<String, Grant>,
    pub access: HashMap<String, Grant>,
    pub refresh: HashMap<String, Grant>,
    next: u64,
}

impl OAuthState {
    /// A fresh, unguessable-enough token for a fake (never a real secret).
    pub fn mint(&mut self, kind: &str, now_ms: u64) -> String {
        self.next += 1;
        let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ now_ms;
        for b in kind.bytes().chain(self.next.to_le_bytes()) {
            h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
        format!("fake-{kind}-{}-{h:016x}", self.next)
    }

    /// The user a Bearer token belongs to, if it is valid at `now_ms`, with its scopes.
    pub fn bearer(&self, token: &str, now_ms: u64) -> Option<&Grant> {
        self.access.get(token).filter(|g| g.expires_ms > now_ms)
    }
}

/// Whether `uri` may be redirected to.
pub(crate) fn redirect_allowed(opts: &OAuthOptions, uri: &str) -> bool {
    if opts.redirect_uris.is_empty() {
        ["http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:"]
            .iter()
            .any(|p| uri.starts_with(p))
    } else {
        opts.redirect_uris.iter().any(|r| r == uri)
    }
}
