//! Discord's permission bits, as far as moat reads them: which roles make their holders
//! moderators (the engine's `Role::moderates`, decided here and nowhere else).

/// `ADMINISTRATOR`.
pub const ADMINISTRATOR: u64 = 1 << 3;
/// `BAN_MEMBERS`.
pub const BAN_MEMBERS: u64 = 1 << 2;
/// `KICK_MEMBERS`.
pub const KICK_MEMBERS: u64 = 1 << 1;
/// `MANAGE_GUILD`.
pub const MANAGE_GUILD: u64 = 1 << 5;
/// `MANAGE_MESSAGES`.
pub const MANAGE_MESSAGES: u64 = 1 << 13;
/// `MANAGE_ROLES`.
pub const MANAGE_ROLES: u64 = 1 << 28;
/// `MODERATE_MEMBERS` (time members out).
pub const MODERATE_MEMBERS: u64 = 1 << 40;

/// Holding any of these makes a member a moderator in moat's eyes.
pub const MODERATOR: u64 = ADMINISTRATOR | MANAGE_MESSAGES | BAN_MEMBERS | MODERATE_MEMBERS;

/// Whether a role with these permission bits makes its holders moderators.
pub const fn moderates(bits: u64) -> bool {
    bits & MODERATOR != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_permissions_make_moderators() {
        assert!(moderates(MANAGE_MESSAGES | (1 << 11)));
        assert!(moderates(ADMINISTRATOR));
        assert!(moderates(MODERATE_MEMBERS));
        assert!(!moderates((1 << 11) | (1 << 17)), "send messages and mention everyone do not");
    }
}
