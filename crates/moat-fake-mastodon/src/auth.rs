//! Who is calling: bearer tokens with their scopes and the user (and staff role) behind them,
//! plus the OAuth apps and authorization codes of [`crate::http::oauth`].
//!
//! Scopes are checked as Doorkeeper does in Mastodon: an endpoint names the scopes that
//! suffice (`admin:write` or `admin:write:accounts`) and a token needs any one of them; `write`
//! does not grant `admin:write`. Roles carry Mastodon's default permission bits, so a
//! moderator may silence and suspend but not block IPs. Tokens are never logged or recorded:
//! calls carry the token's id.

use std::collections::HashMap;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// `administrator`: every permission.
pub const ADMINISTRATOR: u64 = 1;
/// `manage_blocks`: IP and e-mail domain blocks.
pub const MANAGE_BLOCKS: u64 = 1 << 7;
/// `manage_users`: account actions, approve, reject.
pub const MANAGE_USERS: u64 = 1 << 10;
/// `invite_users`: what the everyone role holds.
const INVITE_USERS: u64 = 1 << 16;

/// A user's role, with Mastodon's default roles' permissions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Role {
    #[default]
    User,
    Moderator,
    Admin,
    Owner,
}

impl Role {
    /// The role's own permission bits.
    pub fn permissions(self) -> u64 {
        match self {
            Role::User => INVITE_USERS,
            Role::Moderator => 1308,
            Role::Admin => 983_036,
            Role::Owner => ADMINISTRATOR,
        }
    }

    /// Whether the role holds `flag` (an administrator holds everything).
    pub fn can(self, flag: u64) -> bool {
        let p = self.permissions() | INVITE_USERS;
        p & ADMINISTRATOR != 0 || p & flag == flag
    }

    /// Staff: a role above the everyone role.
    pub fn is_staff(self) -> bool {
        self != Role::User
    }

    /// The role entity (`REST::RoleSerializer`).
    pub fn json(self) -> Value {
        let (id, name, highlighted) = match self {
            Role::User => ("-99", "", false),
            Role::Moderator => ("1", "Moderator", false),
            Role::Admin => ("2", "Admin", true),
            Role::Owner => ("3", "Owner", true),
        };
        json!({"id": id, "name": name, "permissions": self.permissions().to_string(), "color": "", "highlighted": highlighted})
    }
}

/// One of the fake's own users (token owners, the OAuth test user).
#[derive(Debug, Clone)]
pub struct User {
    pub username: String,
    pub role: Role,
}

/// A bearer token the fake accepts.
#[derive(Debug, Clone)]
pub struct TokenSpec {
    pub token: String,
    /// Space-separated, as Mastodon stores them (`read write admin:read admin:write`).
    pub scopes: String,
    /// The username of the user it belongs to (`None`: an app token without a user).
    pub user: Option<String>,
}

/// A token's grant, as a request sees it.
#[derive(Debug, Clone)]
pub struct Grant {
    /// A small number standing for the token in recordings.
    pub id: u64,
    pub scopes: Vec<String>,
    /// The account id of the user behind it.
    pub account_id: Option<String>,
}

impl Grant {
    /// Whether the token holds any of `wanted`.
    pub fn has_any(&self, wanted: &[&str]) -> bool {
        self.scopes.iter().any(|s| wanted.contains(&s.as_str()))
    }
}

/// How a request authenticated.
#[derive(Debug, Clone)]
pub enum Caller {
    /// No token at all.
    Anonymous,
    /// A token the fake does not know.
    Invalid,
    Token(Grant),
}

/// A registered OAuth app.
#[derive(Debug, Clone)]
pub struct App {
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    /// Empty: any redirect URI is accepted.
    pub redirect_uris: Vec<String>,
    pub scopes: Vec<String>,
}

/// An authorization code waiting for `POST /oauth/token`.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub client_id: String,
    pub redirect_uri: String,
    pub scopes: Vec<String>,
    pub account_id: String,
    pub expires_ms: u64,
}

/// Tokens, apps and codes.
#[derive(Debug, Default)]
pub(crate) struct Auth {
    tokens: HashMap<String, Grant>,
    next_id: u64,
    pub apps: Vec<App>,
    pub codes: HashMap<String, Code>,
    seed: u64,
}

/// Splits Mastodon's space (or `+`) separated scopes.
pub fn split_scopes(s: &str) -> Vec<String> {
    s.split([' ', '+', ',']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl Auth {
    pub fn new(seed: u64) -> Auth {
        Auth { next_id: 1, seed, ..Auth::default() }
    }

    /// Accepts `token` from now on; returns its id.
    pub fn add_token(&mut self, token: &str, scopes: Vec<String>, account_id: Option<String>) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        self.tokens.insert(token.to_string(), Grant { id, scopes, account_id });
        id
    }

    /// Who a request is, from its `Authorization: Bearer` header or `access_token` parameter.
    pub fn caller(&self, authorization: Option<&str>, access_token: Option<&str>) -> Caller {
        let token = match authorization {
            Some(h) => match h.strip_prefix("Bearer ").or_else(|| h.strip_prefix("bearer ")) {
                Some(t) => Some(t.trim()),
                None => return Caller::Invalid,
            },
            None => access_token,
        };
        match token {
            None | Some("") => Caller::Anonymous,
            Some(t) => self.tokens.get(t).cloned().map_or(Caller::Invalid, Caller::Token),
        }
    }

    /// A fresh unguessable string (tokens, codes, client secrets).
    pub fn secret(&mut self) -> String {
        self.seed = self.seed.wrapping_add(1);
        let digest = Sha256::digest(format!("fake-mastodon:{}:{}", self.seed, crate::wall_ns()).as_bytes());
        crate::webhook::hex(&digest[..24])
    }

    /// Forgets a token.
    pub fn revoke(&mut self, token: &str) {
        self.tokens.remove(token);
    }

    pub fn app(&self, client_id: &str) -> Option<&App> {
        self.apps.iter().find(|a| a.client_id == client_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_and_scopes() {
        assert!(Role::Moderator.can(MANAGE_USERS));
        assert!(!Role::Moderator.can(MANAGE_BLOCKS));
        assert!(Role::Admin.can(MANAGE_BLOCKS));
        assert!(Role::Owner.can(MANAGE_BLOCKS | MANAGE_USERS));
        assert!(!Role::User.can(MANAGE_USERS));
        let mut a = Auth::new(1);
        let id = a.add_token("t", split_scopes("read admin:read"), None);
        match a.caller(Some("Bearer t"), None) {
            Caller::Token(g) => {
                assert_eq!(g.id, id);
                assert!(g.has_any(&["admin:read", "admin:read:accounts"]));
                assert!(!g.has_any(&["admin:write", "admin:write:accounts"]));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(a.caller(Some("Bearer nope"), None), Caller::Invalid));
        assert!(matches!(a.caller(Some("Basic x"), None), Caller::Invalid));
        assert!(matches!(a.caller(None, None), Caller::Anonymous));
        assert!(matches!(a.caller(None, Some("t")), Caller::Token(_)));
        assert_ne!(a.secret(), a.secret());
    }
}
