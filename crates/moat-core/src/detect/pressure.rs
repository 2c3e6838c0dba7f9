//! Pressure: Sweetie Bot's flood model, and where moat improves on it.
//!
//! Every message adds pressure (a base, plus weights for attachments, mentions, characters,
//! lines and repeats); pressure drains linearly with time; crossing the limit contains the
//! user. It catches floods of every shape with one number, which is why it is the baseline.
//!
//! Where it fails real communities, moat changes it:
//! - role and `@everyone`/`@here` mentions weigh, not only user mentions;
//! - unusual characters (stacked combining marks, invisible characters) and walls of a few
//!   glyphs weigh per character, so a 2,000-character crash wall is not "one message";
//! - members of long standing carry a lower factor and brand-new ones a higher one, so a
//!   regular's excited burst is not a newcomer's flood;
//! - edits add pressure too (less than a message), so editing a message into a wall works
//!   no better than posting it;
//! - repeats are judged on a fingerprint that ignores case, punctuation, digits and
//!   mentions, so "spam 1", "spam 2" is a repeat.

use crate::action::Millis;
use crate::config::PressureSettings;
use crate::event::Message;
use crate::text::TextStats;
use crate::time::{age_at, DAY, MINUTE};
use crate::user::UserState;

use super::{one_decimal, Finding};
use crate::action::Detector;

/// The pressure one message adds, and its biggest parts, for the reason.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Weight {
    pub total: f32,
    pub factor: f32,
    pub repeat: bool,
    pub newlines: u32,
    pub wall: u32,
    pub unusual: u32,
}

/// The factor a member's standing puts on their pressure.
pub fn standing_factor(s: &PressureSettings, msg: &Message, now: Millis) -> f32 {
    let account_age = age_at(msg.account_created, now);
    let member_age = msg.joined_at.map(|j| now.saturating_sub(j));
    if account_age < u64::from(s.new_account_days) * DAY
        || member_age.is_some_and(|a| a < u64::from(s.new_member_minutes) * MINUTE)
    {
        return s.new_factor;
    }
    let trusted = u64::from(s.trusted_member_days) * DAY;
    if account_age >= trusted && member_age.is_some_and(|a| a >= trusted) {
        return s.trusted_factor;
    }
    1.0
}

/// Weighs one message.
pub fn weigh(s: &PressureSettings, msg: &Message, stats: &TextStats, repeat: bool, now: Millis) -> Weight {
    let everyone = msg.mention_everyone || stats.everyone;
    let raw = if msg.edit { s.edit_base } else { s.base }
        + s.per_attachment * msg.attachments as f32
        + s.per_mention * msg.user_mentions as f32
        + s.per_role_mention * msg.role_mentions as f32
        + if everyone { s.per_everyone } else { 0.0 }
        + s.per_char * stats.chars as f32
        + s.per_newline * stats.newlines as f32
        + s.per_unusual_char * stats.unusual as f32
        + s.per_wall_char * stats.wall as f32
        + if repeat { s.repeat } else { 0.0 };
    let factor = standing_factor(s, msg, now);
    Weight { total: raw * factor, factor, repeat, newlines: stats.newlines, wall: stats.wall, unusual: stats.unusual }
}

/// Drains the user's pressure up to `now`, adds `w`, and says whether the limit is crossed.
pub fn apply(s: &PressureSettings, user: &mut UserState, w: &Weight, now: Millis) -> Option<Finding> {
    let elapsed = now.saturating_sub(user.last_msg) as f32 / 1000.0;
    let drained = (user.pressure - elapsed / s.decay_secs * s.decay).max(0.0);
    if drained == 0.0 || user.burst_msgs == 0 {
        user.burst_start = now;
        user.burst_msgs = 0;
        user.burst_repeats = 0;
    }
    user.pressure = drained + w.total;
    user.last_msg = now;
    user.burst_msgs = user.burst_msgs.saturating_add(1);
    if w.repeat {
        user.burst_repeats = user.burst_repeats.saturating_add(1);
    }
    if user.pressure <= s.limit {
        return None;
    }
    let secs = now.saturating_sub(user.burst_start) as f32 / 1000.0;
    let mut reason = format!(
        "pressure {} > {}: {} message{} in {} s",
        one_decimal(user.pressure),
        one_decimal(s.limit),
        user.burst_msgs,
        if user.burst_msgs == 1 { "" } else { "s" },
        one_decimal(secs),
    );
    if user.burst_repeats > 0 {
        reason += &format!(", {} repeat{}", user.burst_repeats, if user.burst_repeats == 1 { "" } else { "s" });
    }
    if w.wall > 0 {
        reason += &format!(", a wall of {} characters", w.wall);
    }
    if w.unusual > 0 {
        reason += &format!(", {} unusual characters", w.unusual);
    }
    if w.newlines >= 10 {
        reason += &format!(", {} lines", w.newlines + 1);
    }
    if (w.factor - 1.0).abs() > f32::EPSILON {
        reason += &format!(" (standing factor {})", w.factor);
    }
    let finding = Finding::contain(Detector::Pressure, crate::id::UserId(0), reason)
        .fact("pressure", one_decimal(user.pressure))
        .fact("messages", user.burst_msgs)
        .fact("seconds", one_decimal(secs));
    // Spent: a contained user starts again from nothing.
    user.pressure = 0.0;
    user.burst_msgs = 0;
    user.burst_repeats = 0;
    Some(finding)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::{ChannelId, MessageId, UserId};

    const NOW: Millis = 1_767_272_400_000;

    /// A message by an account `account_days` old, a member for `member_days`.
    fn msg(content: &str, account_days: u64, member_days: u64) -> Message<'_> {
        Message {
            id: MessageId(1),
            channel: ChannelId(2),
            author: UserId(3),
            account_created: NOW - account_days * DAY,
            joined_at: Some(NOW - member_days * DAY),
            content: content.into(),
            ..Default::default()
        }
    }

    fn sweetie() -> PressureSettings {
        PressureSettings {
            trusted_factor: 1.0,
            new_factor: 1.0,
            per_role_mention: 0.0,
            per_everyone: 0.0,
            per_unusual_char: 0.0,
            per_wall_char: 0.0,
            ..Default::default()
        }
    }

    #[test]
    fn sweetie_defaults_weigh_as_documented() {
        let s = sweetie();
        let m = Message { attachments: 1, user_mentions: 2, ..msg("ab\ncd", 400, 400) };
        let w = weigh(&s, &m, &TextStats::measure(&m.content), true, NOW);
        let expect = 10.0 + 8.33 + 2.0 * 2.5 + 5.0 * 0.00625 + 0.714 + 10.0;
        assert!((w.total - expect).abs() < 1e-4, "{} vs {expect}", w.total);
    }

    #[test]
    fn pressure_decays_linearly_and_triggers_above_limit() {
        let s = sweetie();
        let mut u = UserState::default();
        let w = Weight { total: 25.0, factor: 1.0, ..Default::default() };
        assert!(apply(&s, &mut u, &w, NOW).is_none());
        // 2.5 s later 10 has drained: 15 + 25 = 40.
        assert!(apply(&s, &mut u, &w, NOW + 2_500).is_none());
        assert!((u.pressure - 40.0).abs() < 1e-4);
        // Long silence drains it all.
        assert!(apply(&s, &mut u, &w, NOW + 60_000).is_none());
        assert!((u.pressure - 25.0).abs() < 1e-4);
        assert!(apply(&s, &mut u, &w, NOW + 60_100).is_none());
        let f = apply(&s, &mut u, &w, NOW + 60_200).expect("75 > 60");
        assert!(f.reason.starts_with("pressure 74.2 > 60: 3 messages in 0.2 s"), "{}", f.reason);
        assert_eq!(u.pressure, 0.0, "containment spends the pressure");
    }

    #[test]
    fn repeats_are_counted_in_the_reason() {
        let s = sweetie();
        let mut u = UserState::default();
        let mut found = None;
        for i in 0..10u64 {
            let w = Weight { total: 20.2, factor: 1.0, repeat: i > 0, ..Default::default() };
            if let Some(f) = apply(&s, &mut u, &w, NOW + i * 350) {
                found = Some(f);
                break;
            }
        }
        let f = found.expect("a repeat flood crosses the limit");
        assert!(f.reason.contains("4 messages") && f.reason.contains("3 repeats"), "{}", f.reason);
    }

    #[test]
    fn standing_lowers_or_raises_the_factor() {
        let s = PressureSettings::default();
        assert_eq!(standing_factor(&s, &msg("", 1000, 400), NOW), s.trusted_factor);
        assert_eq!(standing_factor(&s, &msg("", 1000, 10), NOW), 1.0);
        assert_eq!(standing_factor(&s, &msg("", 2, 1), NOW), s.new_factor, "young account");
        let fresh_member = Message { joined_at: Some(NOW - 5 * MINUTE), ..msg("", 1000, 0) };
        assert_eq!(standing_factor(&s, &fresh_member, NOW), s.new_factor, "just joined");
    }

    #[test]
    fn a_crash_wall_from_a_newcomer_is_contained_at_once() {
        let s = PressureSettings::default();
        let wall = "卐".repeat(1800);
        let m = Message { joined_at: Some(NOW - 10 * MINUTE), ..msg(&wall, 300, 0) };
        let w = weigh(&s, &m, &TextStats::measure(&wall), false, NOW);
        let mut u = UserState::default();
        let f = apply(&s, &mut u, &w, NOW).expect("one wall is enough");
        assert!(f.reason.contains("a wall of 1800 characters"), "{}", f.reason);
    }

    #[test]
    fn ordinary_long_message_from_a_regular_is_fine() {
        let s = PressureSettings::default();
        let text = "I think the new patch is better overall, but the second boss got way too hard. ".repeat(6);
        let m = msg(&text, 1000, 500);
        let w = weigh(&s, &m, &TextStats::measure(&text), false, NOW);
        assert!(w.total < 15.0, "{}", w.total);
    }

    #[test]
    fn role_and_everyone_mentions_weigh() {
        let s = PressureSettings::default();
        let plain = msg("hey", 1000, 10);
        let loud = Message { role_mentions: 2, mention_everyone: true, ..msg("hey", 1000, 10) };
        let a = weigh(&s, &plain, &TextStats::measure("hey"), false, NOW).total;
        let b = weigh(&s, &loud, &TextStats::measure("hey"), false, NOW).total;
        assert!((b - a - (2.0 * s.per_role_mention + s.per_everyone)).abs() < 1e-4);
    }
}
