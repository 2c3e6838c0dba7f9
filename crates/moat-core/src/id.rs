//! The engine's own ids: one newtype per kind of thing, so a user id cannot be passed where
//! a channel id is wanted, and a `Vec<(u64, u64, u64)>` cannot hide what it holds.
//!
//! The ids belong to no platform. Discord's are snowflakes; Mastodon's are strings (usually
//! numeric), which its adapter maps to a `u64` and back. So nothing in the engine reads
//! meaning from an id's bits: when an account was created is an explicit field of the
//! events that need it (the Discord adapter fills it from the snowflake). Each adapter
//! converts to its platform's own id types at its edge.
//!
//! In JSON an id is a string, as Discord writes them (a `u64` does not survive JavaScript's
//! numbers); reading accepts a string or a number, so TOML configuration can write
//! `roles = [123]`.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        #[repr(transparent)]
        pub struct $name(pub u64);

        impl $name {
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            pub const fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IdVisitor).map(Self)
            }
        }
    };
}

id_type!(
    /// A community: a Discord guild, a Mastodon instance.
    GuildId
);
id_type!(
    /// An account.
    UserId
);
id_type!(
    /// Where a message was posted.
    ChannelId
);
id_type!(
    /// One message (or status).
    MessageId
);
id_type!(
    /// A role members hold.
    RoleId
);
id_type!(
    /// One episode the engine acted on (a raid, a flood, a scam post); see
    /// [`crate::action::incident_id`].
    IncidentId
);

/// Reads an id written as a string (`"123"`) or as a non-negative integer.
struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an id: a string of digits or a non-negative integer")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        v.parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_strings_in_json_and_read_from_either() {
        assert_eq!(serde_json::to_string(&UserId(42)).unwrap(), "\"42\"");
        assert_eq!(serde_json::from_str::<UserId>("\"18446744073709551615\"").unwrap(), UserId(u64::MAX));
        assert_eq!(serde_json::from_str::<RoleId>("7").unwrap(), RoleId(7));
        assert!(serde_json::from_str::<RoleId>("-7").is_err());
        assert!(serde_json::from_str::<RoleId>("\"x7\"").is_err());
        assert!(serde_json::from_str::<RoleId>("7.5").is_err());
    }

    #[test]
    fn ids_read_and_print_as_their_number() {
        assert_eq!(GuildId(5).to_string(), "5");
        assert_eq!(format!("{:?}", ChannelId(5)), "ChannelId(5)");
        assert_eq!("12".parse::<MessageId>().unwrap(), MessageId::new(12));
        assert_eq!(u64::from(IncidentId(3)), 3);
        assert_eq!(std::mem::size_of::<UserId>(), 8);
    }
}
