//! The `[mastodon]` section: what is accepted, and errors that name the key.

use super::*;

fn section(text: &str) -> Result<MastodonConfig, ConfigError> {
    let root: toml::Table = text.parse().expect("valid TOML");
    MastodonConfig::from_toml_value(root.get("mastodon").expect("a [mastodon] section"))
}

const GOOD: &str = r#"
[[mastodon.servers]]
url = "https://small.example/"
token_env = "MOAT_MASTODON_TOKEN"
webhook_secret_env = "MOAT_WEBHOOK_SECRET"
admin_accounts = ["@alice", "bob@other.example"]

[[mastodon.servers]]
url = "http://127.0.0.1:3000"
token_env = "LOCAL_TOKEN"
webhook_listen = "127.0.0.1:9000"
webhook_secret_env = "LOCAL_SECRET"
streaming = false
"#;

#[test]
fn a_good_section_with_defaults() {
    let cfg = section(GOOD).expect("accepted");
    assert_eq!(cfg.servers.len(), 2);
    let s = &cfg.servers[0];
    assert_eq!(s.webhook_listen.to_string(), DEFAULT_WEBHOOK_LISTEN);
    assert!(s.streaming && !cfg.servers[1].streaming);
    let env = |k: &str| match k {
        "MOAT_MASTODON_TOKEN" => Some("tok".to_string()),
        "MOAT_WEBHOOK_SECRET" => Some("a-secret-of-12+".to_string()),
        _ => None,
    };
    let r = s.resolve("mastodon.servers[0]", &env).expect("resolves");
    assert_eq!(r.base_url, "https://small.example");
    assert_eq!(r.admin_accounts, vec!["alice", "bob@other.example"]);
    assert_eq!(r.token.expose(), "tok");
    assert!(!format!("{r:?}").contains("a-secret-of-12+"), "settings never print secrets");
    assert_eq!(MastodonConfig::from_toml_value(&toml::Value::Table(toml::Table::new())), Ok(MastodonConfig::default()));
}

#[test]
fn errors_name_the_key() {
    let cases = [
        (GOOD.replace("https://small.example/", "http://small.example"), "mastodon.servers[0].url", "https"),
        (GOOD.replace("https://small.example/", "https://small.example/api"), "mastodon.servers[0].url", "path"),
        (GOOD.replace("\"LOCAL_TOKEN\"", "\"local token\""), "mastodon.servers[1].token_env", "environment"),
        (GOOD.replace("\"@alice\"", "\"al ice\""), "mastodon.servers[0].admin_accounts[0]", "not an account"),
        (GOOD.replace("127.0.0.1:9000", "127.0.0.1:8091"), "mastodon.servers[1].webhook_listen", "its own"),
        (GOOD.replace("http://127.0.0.1:3000", "https://small.example"), "mastodon.servers[1].url", "twice"),
    ];
    for (text, path, words) in cases {
        let e = section(&text).expect_err("refused");
        assert_eq!(e.path, path, "{e}");
        assert!(e.message.contains(words), "{e}");
    }
    let unknown = section(&GOOD.replace("streaming = false", "streamin = false")).expect_err("refused");
    assert_eq!(unknown.path, "mastodon.servers[1]");
    assert!(unknown.message.contains("unknown field `streamin`"), "{unknown}");
    let wrong_type = section(&GOOD.replace("streaming = false", "streaming = \"no\"")).expect_err("refused");
    assert_eq!(wrong_type.path, "mastodon.servers[1].streaming", "{wrong_type}");
    let bad_addr = section(&GOOD.replace("127.0.0.1:9000", "nowhere")).expect_err("refused");
    assert_eq!(bad_addr.path, "mastodon.servers[1].webhook_listen", "{bad_addr}");
    let missing = section(&GOOD.replace("token_env = \"LOCAL_TOKEN\"", "")).expect_err("refused");
    assert!(missing.path == "mastodon.servers[1]" && missing.message.contains("token_env"), "{missing}");
    let top = section("[mastodon]\nserver = 1\n").expect_err("refused");
    assert_eq!(top.path, "mastodon.server");
}

#[test]
fn resolving_needs_the_variables_and_a_long_enough_secret() {
    let cfg = section(GOOD).expect("accepted");
    let s = &cfg.servers[1];
    let none = |_: &str| None;
    assert_eq!(s.resolve("p", &none).expect_err("no token").path, "p.token_env");
    let short = |k: &str| Some(if k == "LOCAL_SECRET" { "short".to_string() } else { "tok".to_string() });
    let e = s.resolve("p", &short).expect_err("short secret");
    assert!(e.message.contains("shorter than 12") && !e.message.contains("short\""), "{e}");
}

#[test]
fn urls_and_accounts() {
    assert!(parse_base_url("http://localhost:3000").is_ok());
    assert!(parse_base_url("http://[::1]:3000").is_ok());
    assert!(parse_base_url("http://10.0.0.1").is_err());
    assert_eq!(parse_base_url("https://Small.Example").map(|u| u.https), Ok(true));
    assert!(parse_base_url("ftp://x").is_err());
    assert!(parse_base_url("https://").is_err());
    assert_eq!(parse_acct("@bob@far.example").as_deref(), Ok("bob@far.example"));
    assert!(parse_acct("@").is_err() && parse_acct("a@b").is_err());
}
