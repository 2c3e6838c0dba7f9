//! Accounts: the public account entity (a status's author, anyone) and the admin account
//! entity (what `account.*` webhooks carry: the public one plus e-mail, IP, sign-up state).

use super::AccountId;

/// The public account entity (`REST::AccountSerializer`), the parts moat reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: AccountId,
    pub username: String,
    /// `user` for a local account, `user@domain` for a remote one.
    pub acct: String,
    pub display_name: String,
    /// When the account was made, **to the day** (Mastodon rounds the public entity's
    /// `created_at` to midnight UTC); `None` if missing or unreadable.
    pub created_at_ms: Option<u64>,
    /// The profile's note (bio) as HTML, as given.
    pub note: String,
    /// The avatar's URL (Mastodon's `…/missing.png` when none was uploaded).
    pub avatar: String,
    pub bot: bool,
    pub locked: bool,
    pub followers_count: u64,
    pub following_count: u64,
    pub statuses_count: u64,
    pub url: Option<String>,
}

impl Account {
    /// Whether the account lives on this server (its `acct` has no domain).
    pub fn is_local(&self) -> bool {
        !self.acct.contains('@')
    }

    /// The remote account's server, if it is remote.
    pub fn domain(&self) -> Option<&str> {
        self.acct.split_once('@').map(|(_, d)| d)
    }

    /// Whether the avatar is Mastodon's default picture (none was ever uploaded). Mastodon
    /// serves `/avatars/original/missing.png` for those, for local and remote accounts alike.
    pub fn avatar_is_default(&self) -> bool {
        let path = self.avatar.split(['?', '#']).next().unwrap_or("");
        path.is_empty() || path.ends_with("/missing.png")
    }

    /// Whether the profile's note says nothing (empty, or only empty paragraphs and spaces).
    pub fn note_is_empty(&self) -> bool {
        super::html::render(&self.note).text.trim().is_empty()
    }
}

/// The admin account entity (`REST::Admin::AccountSerializer`), as `account.created`,
/// `account.approved` and `account.updated` webhooks carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminAccount {
    pub id: AccountId,
    pub username: String,
    /// `None` for a local account.
    pub domain: Option<String>,
    /// When the account was made, to the millisecond.
    pub created_at_ms: u64,
    /// The sign-up's e-mail (local accounts only).
    pub email: Option<String>,
    /// The sign-up's IP address (local accounts only).
    pub ip: Option<String>,
    /// Every address the user signed in from (`ips[].ip`), most recent first as given.
    pub ips: Vec<String>,
    pub locale: Option<String>,
    /// The text of the sign-up's request when the server asks for a reason.
    pub invite_request: Option<String>,
    /// The role's name, if any (`"Admin"`, `"Moderator"`, …).
    pub role: Option<String>,
    pub confirmed: bool,
    /// `false` while a sign-up waits for approval.
    pub approved: bool,
    pub disabled: bool,
    pub silenced: bool,
    pub suspended: bool,
    pub sensitized: bool,
    /// The public account entity.
    pub account: Account,
}

impl AdminAccount {
    pub fn is_local(&self) -> bool {
        self.domain.is_none()
    }

    /// The e-mail's domain, lowercased (`"mail.example"` for `x@Mail.Example`).
    pub fn email_domain(&self) -> Option<String> {
        let (_, domain) = self.email.as_deref()?.rsplit_once('@')?;
        let domain = domain.trim().trim_end_matches('.');
        (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
    }

    /// Whether this is a local sign-up waiting for an admin's approval.
    pub fn pending(&self) -> bool {
        self.is_local() && !self.approved
    }

    /// Whether the account holds a staff role (never acted on).
    pub fn is_staff(&self) -> bool {
        matches!(self.role.as_deref(), Some(r) if r.eq_ignore_ascii_case("admin") || r.eq_ignore_ascii_case("moderator") || r.eq_ignore_ascii_case("owner"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(acct: &str) -> Account {
        Account {
            id: AccountId::new("1"),
            username: acct.split('@').next().unwrap_or("").into(),
            acct: acct.into(),
            display_name: String::new(),
            created_at_ms: None,
            note: String::new(),
            avatar: "https://here.example/avatars/original/missing.png".into(),
            bot: false,
            locked: false,
            followers_count: 0,
            following_count: 0,
            statuses_count: 0,
            url: None,
        }
    }

    #[test]
    fn profile_signals() {
        let mut a = account("bob@far.example");
        assert!(!a.is_local());
        assert_eq!(a.domain(), Some("far.example"));
        assert!(a.avatar_is_default() && a.note_is_empty());
        a.avatar = "https://files.far.example/accounts/avatars/1/original/a.png?1".into();
        a.note = "<p></p>".into();
        assert!(!a.avatar_is_default());
        assert!(a.note_is_empty());
        a.note = "<p>I knit.</p>".into();
        assert!(!a.note_is_empty());
        assert!(account("carol").is_local());
    }
}
