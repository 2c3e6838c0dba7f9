//! What an account's profile says: how old it is and how little it tells about itself.
//!
//! Scripted accounts are minutes old, keep the default avatar and an empty note, and carry a
//! display name equal to their (often random) username. Each of these alone describes many
//! real newcomers, so the profile never convicts: it only decides whether a mass mention is
//! a spammer's, and it explains the decision in the evidence.

use crate::action::{human_duration, Millis};

/// The profile facts the fediverse detectors read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Profile {
    /// When the account was created (0: unknown).
    pub created: Millis,
    pub default_avatar: bool,
    pub empty_note: bool,
    /// The display name is empty or the username itself.
    pub name_is_handle: bool,
}

impl Profile {
    pub fn new(created: Millis, default_avatar: bool, empty_note: bool, username: &str, display_name: &str) -> Self {
        Profile { created, default_avatar, empty_note, name_is_handle: name_is_handle(username, display_name) }
    }

    /// How many of the three weaknesses the profile shows.
    pub fn weak_points(&self) -> u8 {
        u8::from(self.default_avatar) + u8::from(self.empty_note) + u8::from(self.name_is_handle)
    }

    /// The account's age at `now` (`None`: unknown).
    pub fn age(&self, now: Millis) -> Option<Millis> {
        (self.created != 0).then(|| now.saturating_sub(self.created))
    }

    /// Younger than `limit` (an unknown age is not young).
    pub fn younger_than(&self, now: Millis, limit: Millis) -> bool {
        self.age(now).is_some_and(|a| a < limit)
    }

    /// The profile in words, for reasons: `account 3 h old, default avatar, empty profile`.
    pub fn describe(&self, now: Millis) -> String {
        let mut parts = Vec::new();
        if let Some(age) = self.age(now) {
            parts.push(format!("account {} old", human_duration(age)));
        }
        if self.default_avatar {
            parts.push("default avatar".to_string());
        }
        if self.empty_note {
            parts.push("empty profile".to_string());
        }
        if self.name_is_handle {
            parts.push("display name = username".to_string());
        }
        parts.join(", ")
    }
}

/// Whether a display name says nothing beyond the username (empty, or the same ignoring case
/// and surrounding spaces).
pub fn name_is_handle(username: &str, display_name: &str) -> bool {
    let d = display_name.trim();
    d.is_empty() || d.eq_ignore_ascii_case(username.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{DAY, HOUR};

    #[test]
    fn weaknesses_are_counted_and_described() {
        let p = Profile::new(1_000, true, true, "xk3vq9pla2", "xk3vq9pla2");
        assert_eq!(p.weak_points(), 3);
        assert_eq!(
            p.describe(1_000 + 3 * HOUR),
            "account 3 h old, default avatar, empty profile, display name = username"
        );
        let real = Profile::new(1_000, true, false, "maria", "Maria Lopez");
        assert_eq!(real.weak_points(), 1);
        assert!(name_is_handle("Bob", " bob "));
        assert!(name_is_handle("bob", ""));
        assert!(!name_is_handle("bob", "Bob the Builder"));
    }

    #[test]
    fn an_unknown_age_is_not_young() {
        let p = Profile::default();
        assert_eq!(p.age(5 * DAY), None);
        assert!(!p.younger_than(5 * DAY, 7 * DAY));
        assert!(Profile { created: DAY, ..p }.younger_than(5 * DAY, 7 * DAY));
    }
}
