//! Writes small Mastodon captures ([`crate::capture`]) for tests: sign-ups as
//! `account.created` webhook bodies, local posts as `status.created` webhook bodies, remote
//! posts as streaming `update` messages, all built with Mastodon's entity shapes. The
//! generator of full scenario captures lives in the test kit; this is for the fake's own tests
//! and quick experiments.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::entities::{self, AccountSeed, AdminSeed, StatusSeed};
use crate::ids::Snowflakes;
use crate::time::iso_ms;

/// A post to write.
#[derive(Debug, Clone, Default)]
pub struct Post<'a> {
    pub text: &'a str,
    /// Ids of accounts (known to the builder) to mention.
    pub mentions: &'a [&'a str],
    /// One image: (blurhash, description).
    pub image: Option<(&'a str, Option<&'a str>)>,
    /// `public` unless set.
    pub visibility: Option<&'a str>,
}

/// Builds a capture line by line.
#[derive(Debug)]
pub struct CaptureBuilder {
    domain: String,
    ids: Snowflakes,
    accounts: HashMap<String, Value>,
    lines: Vec<String>,
}

impl CaptureBuilder {
    /// A capture of the server `domain`.
    pub fn new(domain: &str) -> CaptureBuilder {
        CaptureBuilder {
            domain: domain.to_string(),
            ids: Snowflakes::default(),
            accounts: HashMap::new(),
            lines: Vec::new(),
        }
    }

    /// A local sign-up at `at_ms` (an `account.created` line); returns the account id. The
    /// display name is the username and the profile empty, as a script's accounts are.
    pub fn signup(&mut self, at_ms: u64, username: &str, email: &str, ip: &str) -> String {
        self.signup_named(at_ms, username, username, email, ip)
    }

    /// A local sign-up with its own display name.
    pub fn signup_named(&mut self, at_ms: u64, username: &str, display_name: &str, email: &str, ip: &str) -> String {
        let id = self.ids.next(at_ms);
        let seed = AccountSeed { id: &id, username, display_name, created_at_ms: at_ms, ..Default::default() };
        let public = entities::public_account(&seed, &self.domain);
        let admin = AdminSeed {
            email,
            ip,
            created_at_ms: at_ms,
            confirmed: true,
            approved: true,
            locale: "en",
            invite_request: None,
        };
        let object = entities::admin_account(&public, &admin, crate::auth::Role::User.json());
        self.lines.push(json!({"event": "account.created", "created_at": iso_ms(at_ms), "object": object}).to_string());
        self.accounts.insert(id.clone(), public);
        id
    }

    /// A remote account created at `created_ms` (no line: its first post introduces it).
    pub fn remote(&mut self, created_ms: u64, username: &str, domain: &str) -> String {
        let id = self.ids.next(created_ms);
        let seed = AccountSeed {
            id: &id,
            username,
            domain: Some(domain),
            display_name: username,
            created_at_ms: created_ms,
            ..Default::default()
        };
        self.accounts.insert(id.clone(), entities::public_account(&seed, &self.domain));
        id
    }

    /// The public account entity of an account the builder made.
    pub fn account(&self, id: &str) -> Option<&Value> {
        self.accounts.get(id)
    }

    fn status(&mut self, at_ms: u64, author: &str, post: &Post<'_>) -> Option<Value> {
        let account = self.accounts.get(author)?.clone();
        let mentions = post.mentions.iter().filter_map(|m| self.accounts.get(*m)).map(entities::mention_of).collect();
        let id = self.ids.next(at_ms);
        let media = match post.image {
            Some((hash, desc)) => {
                vec![entities::image_attachment(&format!("{id}1"), &self.domain, hash, desc, (640, 480))]
            }
            None => Vec::new(),
        };
        let seed = StatusSeed {
            id: &id,
            created_at_ms: at_ms,
            account,
            text: post.text,
            visibility: post.visibility.unwrap_or("public"),
            mentions,
            language: Some("en"),
            media,
            ..Default::default()
        };
        Some(entities::status(&seed))
    }

    /// A post as it reaches moat: a `status.created` webhook line for a local author, a
    /// streaming `update` line for a remote one. Returns the status id (`None` for an
    /// unknown author).
    pub fn post(&mut self, at_ms: u64, author: &str, post: &Post<'_>) -> Option<String> {
        let status = self.status(at_ms, author, post)?;
        let id = status["id"].as_str().map(str::to_string);
        let remote = status["account"]["acct"].as_str().is_some_and(|a| a.contains('@'));
        if remote {
            self.stream_line("update", &status);
        } else {
            self.lines
                .push(json!({"event": "status.created", "created_at": iso_ms(at_ms), "object": status}).to_string());
        }
        id
    }

    /// A post written as its streaming `update` line only (what a client of the stream sees).
    pub fn post_streamed(&mut self, at_ms: u64, author: &str, post: &Post<'_>) -> Option<String> {
        let status = self.status(at_ms, author, post)?;
        self.stream_line("update", &status);
        status["id"].as_str().map(str::to_string)
    }

    fn stream_line(&mut self, event: &str, status: &Value) {
        self.lines.push(json!({"stream": ["public"], "event": event, "payload": status.to_string()}).to_string());
    }

    /// A streaming `delete` of a status.
    pub fn delete(&mut self, status_id: &str) {
        self.lines.push(json!({"stream": ["public"], "event": "delete", "payload": status_id}).to_string());
    }

    /// Any line, as it is.
    pub fn raw(&mut self, line: &str) {
        self.lines.push(line.to_string());
    }

    /// The capture's text.
    pub fn finish(&self) -> String {
        let mut s = self.lines.join("\n");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{parse_line, Line};

    #[test]
    fn lines_parse_back() {
        let mut b = CaptureBuilder::new("here.example");
        let a = b.signup(1_707_991_200_000, "xkq3v9z2pl", "x@mail.example", "192.0.2.7");
        let r = b.remote(1_600_000_000_000, "bot", "far.example");
        assert!(b
            .post(1_707_991_201_000, &a, &Post { text: "hi @bot@far.example", mentions: &[&r], ..Post::default() })
            .is_some());
        assert!(b
            .post(1_707_991_202_000, &r, &Post { text: "beep", image: Some(("LEHV6nWB2yk8", None)), ..Post::default() })
            .is_some());
        assert!(b.post(0, "nobody", &Post::default()).is_none());
        let text = b.finish();
        let lines: Vec<Line> = text.lines().map(|l| parse_line(l).expect("a capture line")).collect();
        assert!(matches!(&lines[0], Line::Webhook { event, .. } if event == "account.created"));
        assert!(
            matches!(&lines[1], Line::Webhook { event, value, .. } if event == "status.created" && value["object"]["mentions"][0]["acct"] == "bot@far.example")
        );
        assert!(
            matches!(&lines[2], Line::Stream { status: Some(s), .. } if s["media_attachments"][0]["blurhash"] == "LEHV6nWB2yk8")
        );
    }
}
