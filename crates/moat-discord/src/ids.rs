//! The adapter's edge for ids: the engine's typed ids (which belong to no platform) to
//! twilight's `Id<…Marker>` and back, checked, in one place.
//!
//! twilight's ids are non-zero; the engine's may be 0 (it never sends one to Discord, but
//! a stored record or a bug might). Converting refuses 0 with [`ZeroId`] instead of
//! quietly calling Discord about id 1.

use moat_core::id::{ChannelId, GuildId, MessageId, RoleId, UserId};
use twilight_model::id::marker::{ChannelMarker, GuildMarker, MessageMarker, RoleMarker, UserMarker};
use twilight_model::id::Id;

/// An id of 0, which no Discord object has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a {0} id of 0 is not a Discord id")]
pub struct ZeroId(pub &'static str);

/// An engine id that has a twilight counterpart.
pub trait ToTwilight: Copy {
    type Marker;
    const WHAT: &'static str;
    fn raw(self) -> u64;

    /// twilight's id for this one.
    fn twilight(self) -> Result<Id<Self::Marker>, ZeroId> {
        Id::new_checked(self.raw()).ok_or(ZeroId(Self::WHAT))
    }
}

macro_rules! to_twilight {
    ($core:ty, $marker:ty, $what:literal) => {
        impl ToTwilight for $core {
            type Marker = $marker;
            const WHAT: &'static str = $what;
            fn raw(self) -> u64 {
                self.get()
            }
        }
    };
}

to_twilight!(GuildId, GuildMarker, "guild");
to_twilight!(UserId, UserMarker, "user");
to_twilight!(ChannelId, ChannelMarker, "channel");
to_twilight!(MessageId, MessageMarker, "message");
to_twilight!(RoleId, RoleMarker, "role");

/// The engine's id for a twilight one (always possible).
pub fn core<M, T: From<u64>>(id: Id<M>) -> T {
    T::from(id.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_cross_the_edge_both_ways_and_zero_is_refused() {
        let g = GuildId(42).twilight().unwrap();
        assert_eq!(g.get(), 42);
        assert_eq!(core::<_, GuildId>(g), GuildId(42));
        assert_eq!(UserId(0).twilight(), Err(ZeroId("user")));
        assert_eq!(ZeroId("user").to_string(), "a user id of 0 is not a Discord id");
    }
}
