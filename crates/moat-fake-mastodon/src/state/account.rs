//! An account as the server holds it: the moderation flags the admin API changes, and the
//! entity it was first seen as (from a capture, exactly as given), so answers keep Mastodon's
//! shape and only the flags the fake owns are written over it.

use serde_json::{Map, Value};

use crate::auth::Role;
use crate::entities::{self, AccountSeed, AdminSeed};
use crate::time::parse_iso;

/// One account, local or remote.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub username: String,
    /// `None` for a local account.
    pub domain: Option<String>,
    pub display_name: String,
    pub email: Option<String>,
    pub ip: Option<String>,
    pub created_at_ms: u64,
    pub confirmed: bool,
    /// False while a local sign-up waits for approval.
    pub approved: bool,
    pub disabled: bool,
    pub silenced: bool,
    pub suspended: bool,
    pub sensitized: bool,
    pub invite_request: Option<String>,
    /// The staff role of this fake's own users; `Role::User` for everyone else.
    pub role: Role,
    /// The admin account entity as given (flags overlaid on the way out).
    admin: Value,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match &v[key] {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn flag(v: &Value, key: &str, default: bool) -> bool {
    v[key].as_bool().unwrap_or(default)
}

impl Account {
    /// From an admin account entity (`account.created` and friends); `None` without an id
    /// or a username.
    pub fn from_admin(v: &Value) -> Option<Account> {
        let id = text(v, "id")?;
        let username = text(v, "username").or_else(|| text(&v["account"], "username"))?;
        let domain = text(v, "domain").filter(|d| !d.is_empty());
        let local = domain.is_none();
        let created_at_ms = v["created_at"].as_str().and_then(parse_iso).unwrap_or(0);
        let ip = text(v, "ip").or_else(|| v["ips"].get(0).and_then(|i| text(i, "ip")));
        Some(Account {
            display_name: text(&v["account"], "display_name").unwrap_or_default(),
            email: text(v, "email"),
            ip,
            created_at_ms,
            confirmed: flag(v, "confirmed", local),
            approved: flag(v, "approved", true),
            disabled: flag(v, "disabled", false),
            silenced: flag(v, "silenced", false),
            suspended: flag(v, "suspended", false),
            sensitized: flag(v, "sensitized", false),
            invite_request: text(v, "invite_request"),
            role: Role::User,
            admin: v.clone(),
            id,
            username,
            domain,
        })
    }

    /// From a public account entity (a status's author seen for the first time). An `acct`
    /// with a domain makes it remote.
    pub fn from_public(v: &Value) -> Option<Account> {
        let id = text(v, "id")?;
        let username = text(v, "username")?;
        let domain = v["acct"].as_str().and_then(|a| a.split_once('@')).map(|(_, d)| d.to_string());
        let created_at_ms = v["created_at"].as_str().and_then(parse_iso).unwrap_or(0);
        let admin = if domain.is_some() {
            entities::admin_remote_account(v, created_at_ms)
        } else {
            let seed = AdminSeed { created_at_ms, confirmed: true, approved: true, ..Default::default() };
            let mut a = entities::admin_account(v, &seed, Role::User.json());
            a["email"] = Value::Null;
            a["ip"] = Value::Null;
            a["ips"] = Value::Array(Vec::new());
            a
        };
        let local = domain.is_none();
        Some(Account {
            display_name: text(v, "display_name").unwrap_or_default(),
            email: None,
            ip: None,
            created_at_ms,
            confirmed: local,
            approved: true,
            disabled: false,
            silenced: v["limited"].as_bool().unwrap_or(false),
            suspended: v["suspended"].as_bool().unwrap_or(false),
            sensitized: false,
            invite_request: None,
            role: Role::User,
            admin,
            id,
            username,
            domain,
        })
    }

    /// One of the fake's own local users (the token owners), with a staff role.
    pub fn staff(id: &str, username: &str, role: Role, created_at_ms: u64, local_domain: &str) -> Account {
        let public = entities::public_account(
            &AccountSeed { id, username, display_name: username, created_at_ms, ..Default::default() },
            local_domain,
        );
        let email = format!("{username}@{local_domain}");
        let seed = AdminSeed {
            email: &email,
            ip: "127.0.0.1",
            created_at_ms,
            confirmed: true,
            approved: true,
            locale: "en",
            invite_request: None,
        };
        Account {
            id: id.to_string(),
            username: username.to_string(),
            domain: None,
            display_name: username.to_string(),
            email: Some(email.clone()),
            ip: Some("127.0.0.1".into()),
            created_at_ms,
            confirmed: true,
            approved: true,
            disabled: false,
            silenced: false,
            suspended: false,
            sensitized: false,
            invite_request: None,
            role,
            admin: entities::admin_account(&public, &seed, role.json()),
        }
    }

    pub fn is_local(&self) -> bool {
        self.domain.is_none()
    }

    /// `username` for a local account, `username@domain` for a remote one.
    pub fn acct(&self) -> String {
        match &self.domain {
            Some(d) => format!("{}@{d}", self.username),
            None => self.username.clone(),
        }
    }

    /// A local sign-up waiting for approval.
    pub fn pending(&self) -> bool {
        self.is_local() && !self.approved
    }

    /// Whether Mastodon would let this account's new posts through at all.
    pub fn can_post(&self) -> bool {
        !self.suspended && !(self.is_local() && (self.disabled || !self.approved))
    }

    /// The public account entity, with `suspended`/`limited` as Mastodon adds them.
    pub fn public_json(&self) -> Value {
        let mut p = match &self.admin["account"] {
            Value::Object(m) => Value::Object(m.clone()),
            _ => Value::Object(Map::new()),
        };
        if let Value::Object(m) = &mut p {
            set_or_remove(m, "suspended", self.suspended);
            set_or_remove(m, "limited", self.silenced);
        }
        p
    }

    /// The admin account entity with the fake's current flags.
    pub fn admin_json(&self) -> Value {
        let mut a = self.admin.clone();
        if let Value::Object(m) = &mut a {
            for (k, v) in [("silenced", self.silenced), ("suspended", self.suspended), ("sensitized", self.sensitized)]
            {
                m.insert(k.into(), Value::Bool(v));
            }
            if self.is_local() {
                for (k, v) in [("confirmed", self.confirmed), ("approved", self.approved), ("disabled", self.disabled)]
                {
                    m.insert(k.into(), Value::Bool(v));
                }
            }
            m.insert("account".into(), self.public_json());
        }
        a
    }

    /// Takes the profile from a newer admin entity (`account.updated`), keeping the flags the
    /// fake owns (moderation done here wins over a capture recorded before it).
    pub fn update_profile(&mut self, v: &Value) {
        if let Some(name) = text(&v["account"], "display_name") {
            self.display_name = name;
        }
        if let Some(e) = text(v, "email") {
            self.email = Some(e);
        }
        if v["account"].is_object() {
            self.admin["account"] = v["account"].clone();
        }
    }
}

fn set_or_remove(m: &mut Map<String, Value>, key: &str, on: bool) {
    if on {
        m.insert(key.into(), Value::Bool(true));
    } else {
        m.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flags_are_overlaid_and_order_is_kept() {
        let v = json!({"id": "7", "username": "a", "domain": null, "created_at": "2024-02-15T10:00:00.000Z",
            "email": "a@x.example", "ip": "192.0.2.1", "confirmed": true, "suspended": false, "silenced": false,
            "approved": true, "account": {"id": "7", "username": "a", "acct": "a", "display_name": "a"}});
        let mut a = Account::from_admin(&v).expect("valid");
        assert!(a.is_local() && a.can_post());
        a.silenced = true;
        let out = a.admin_json();
        assert_eq!(out["silenced"], true);
        assert_eq!(out["account"]["limited"], true);
        let keys: Vec<&String> = out.as_object().map(|m| m.keys().collect()).unwrap_or_default();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("id"));
        assert!(Account::from_admin(&json!({"username": "x"})).is_none());
        let r = Account::from_public(&json!({"id": 9, "username": "b", "acct": "b@far.example"})).expect("valid");
        assert_eq!((r.id.as_str(), r.acct().as_str(), r.is_local()), ("9", "b@far.example", false));
    }
}
