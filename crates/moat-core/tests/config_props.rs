//! Property tests of the configuration file, which operators write by hand and moderators
//! change one key at a time: any text, and any mix of real sections, keys and values of any
//! type, is a configuration or an error that names a key and says why; never a panic.

use moat_core::config::{ConfigFile, GUILD_SECTIONS};
use moat_core::Config;
use proptest::prelude::*;

const KEYS: &[&str] = &[
    "enabled",
    "limit",
    "base",
    "decay",
    "decay_secs",
    "per_message",
    "per_window",
    "window_secs",
    "action",
    "contain_secs",
    "lockdown",
    "quiet_secs",
    "max_secs",
    "fast_min_joins",
    "raid_mean_suspicion",
    "ladder",
    "containment",
    "silence_role_id",
    "roles",
    "users",
    "bots",
    "min_step",
    "min_guilds",
    "dry_run",
    "record",
    "new_factor",
    "trusted_factor",
    "min_channels",
    "bogus",
];

fn toml_value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f32>().prop_map(|f| if f.is_finite() { format!("{f:?}") } else { "nan".into() }),
        any::<bool>().prop_map(|b| b.to_string()),
        "[a-z0-9 ]{0,12}".prop_map(|s| format!("\"{s}\"")),
        Just("[\"timeout 10m\", \"kick\"]".to_string()),
        Just("[\"timeout 5x\"]".to_string()),
        Just("[1, \"two\"]".to_string()),
        Just("\"ban\"".to_string()),
        Just("{ a = 1 }".to_string()),
    ]
}

fn section_text() -> impl Strategy<Value = String> {
    let section = prop_oneof![
        prop::sample::select(GUILD_SECTIONS).prop_map(str::to_string),
        prop::sample::select(GUILD_SECTIONS).prop_map(|s| format!("guilds.\"794912882688131075\".{s}")),
        Just("discord".to_string()),
        Just("nosuch".to_string()),
    ];
    let lines = prop::collection::vec((prop::sample::select(KEYS), toml_value()), 0..5);
    (section, lines).prop_map(|(s, kv)| {
        let body: String = kv.into_iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        format!("[{s}]\n{body}")
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn any_text_is_a_config_or_a_clear_error(text in "\\PC{0,300}") {
        if let Err(e) = ConfigFile::parse(&text) {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn real_sections_with_any_values_are_a_config_or_an_error_naming_the_key(
        sections in prop::collection::vec(section_text(), 0..4)
    ) {
        let text = sections.join("\n");
        if let Err(e) = ConfigFile::parse(&text) {
            let said = e.to_string();
            prop_assert!(!e.reason.is_empty(), "no reason: {} in\n{}", said, text);
            // A TOML syntax error (a table or key given twice) is said as TOML says it, with
            // its place; every other error names the key.
            let toml_syntax = e.path.is_empty() && (said.contains("duplicate") || said.contains("line"));
            prop_assert!(!e.path.is_empty() || toml_syntax, "no key named: {} in\n{}", said, text);
        }
    }

    #[test]
    fn one_setting_changed_to_anything_is_checked(
        section in prop::sample::select(GUILD_SECTIONS), key in prop::sample::select(KEYS), value in "\\PC{0,30}"
    ) {
        if let Ok(stored) = Config::with_setting("", section, key, &value) {
            let _ = Config::from_toml_with("", &[(moat_core::id::GuildId(7), stored.as_str())]);
        }
    }
}
