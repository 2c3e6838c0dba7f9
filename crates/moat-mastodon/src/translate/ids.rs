//! Mastodon's string ids and the engine's `u64` ids, both ways.
//!
//! Mastodon's ids are decimal strings (snowflakes, below 2^63), so almost every id maps to
//! its own number and back without a table. Anything else (a leading zero, letters as other
//! servers' software uses, a number past 2^63) maps to a hash with the top bit set, and the
//! book remembers the original string: an action names the account exactly as Mastodon gave
//! it.

use std::collections::HashMap;

use moat_core::hash::fnv1a;
use moat_core::id::{MessageId, UserId};

use crate::model::{AccountId, StatusId};

const HASHED: u64 = 1 << 63;

/// The ids seen that were no plain number, by the number they were given.
#[derive(Debug, Default, Clone)]
pub struct IdBook {
    accounts: HashMap<u64, String>,
    statuses: HashMap<u64, String>,
}

/// The number for an id: itself when it is a canonical decimal below 2^63.
fn number(id: &str) -> Result<u64, u64> {
    let canonical = !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) && (id == "0" || !id.starts_with('0'));
    match id.parse::<u64>() {
        Ok(n) if canonical && n < HASHED => Ok(n),
        _ => Err(fnv1a(id.as_bytes()) | HASHED),
    }
}

fn map(book: &mut HashMap<u64, String>, id: &str) -> u64 {
    number(id).unwrap_or_else(|h| {
        book.entry(h).or_insert_with(|| id.to_string());
        h
    })
}

fn back(book: &HashMap<u64, String>, n: u64) -> String {
    if n & HASHED == 0 {
        n.to_string()
    } else {
        book.get(&n).cloned().unwrap_or_else(|| n.to_string())
    }
}

impl IdBook {
    pub fn user(&mut self, id: &AccountId) -> UserId {
        UserId(map(&mut self.accounts, id.as_str()))
    }

    pub fn message(&mut self, id: &StatusId) -> MessageId {
        MessageId(map(&mut self.statuses, id.as_str()))
    }

    /// The account id exactly as Mastodon gave it.
    pub fn account_id(&self, u: UserId) -> AccountId {
        AccountId(back(&self.accounts, u.get()))
    }

    /// The status id exactly as Mastodon gave it.
    pub fn status_id(&self, m: MessageId) -> StatusId {
        StatusId(back(&self.statuses, m.get()))
    }

    /// Ids held in the tables (those that were no plain number).
    pub fn held(&self) -> usize {
        self.accounts.len() + self.statuses.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_come_back_exactly_as_given() {
        let mut b = IdBook::default();
        for id in ["110012345678901234", "0", "007", "9aZ3kQ", "18446744073709551615", "9223372036854775808"] {
            let u = b.user(&AccountId::new(id));
            assert_eq!(b.account_id(u).as_str(), id);
            let m = b.message(&StatusId::new(id));
            assert_eq!(b.status_id(m).as_str(), id);
        }
        assert_eq!(b.user(&AccountId::new("42")), UserId(42));
        assert_eq!(b.held(), 2 * 4, "plain numbers need no table");
        assert_ne!(b.user(&AccountId::new("007")), b.user(&AccountId::new("7")));
    }
}
