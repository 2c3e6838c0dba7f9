//! How a fake Discord is started: its identity, and which of Discord's rules it enforces.
//!
//! Every rule the real Discord enforces has a switch here, so a test can turn one on to see
//! a bot break it. [`Options::default`] enforces every rule the current bot and its tests
//! keep; [`Options::strict`] enforces all of them, as Discord does. A rule that is off still
//! counts what would have broken it where it can (the spec check records violations with
//! the call even when it lets the call through).

use crate::oauth::OAuthOptions;
use crate::ratelimit::RateLimits;

/// The bot user the fake answers for unless told otherwise (the one in the shared captures).
pub const DEFAULT_BOT_ID: u64 = 1_275_076_804_608_131_074;
/// The token the fake accepts unless told otherwise.
pub const DEFAULT_TOKEN: &str = "fake-token";

/// What the fake does with a call that Discord's OpenAPI spec rejects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecMode {
    /// No check.
    Off,
    /// Check, record the violations with the call, answer it anyway (Discord is lenient in
    /// places, e.g. it takes an int-parseable string for an integer).
    Record,
    /// Check, record, and answer 400 `Invalid Form Body` (50035) like a strict Discord.
    Reject,
}

/// How a request is answered while the invalid-request ban lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BanAnswer {
    /// 403 with Cloudflare's `error code: 1020` page (a client fails at once).
    Forbidden,
    /// 429 with Cloudflare's `error code: 1015` page and `Retry-After` but no rate-limit
    /// headers. twilight-http retries every 429 at once, so this makes it spin: the real
    /// behaviour, for a test that wants to see it.
    TooManyRequests,
}

/// Discord's invalid-request limit: 401, 403 and 429 answers (but not 429s whose scope is
/// `shared`) counted per window; at the limit everything is refused for `ban_ms`.
#[derive(Debug, Clone)]
pub struct InvalidRequestRules {
    /// Answers counted in a window before the ban (Discord: 10,000; 0 turns the ban off).
    pub limit: u32,
    /// The window, on the fake's clock (Discord: 10 minutes).
    pub window_ms: u64,
    /// How long the ban lasts, on the fake's clock (Discord: about an hour).
    pub ban_ms: u64,
    pub answer: BanAnswer,
}

impl Default for InvalidRequestRules {
    fn default() -> Self {
        Self { limit: 10_000, window_ms: 600_000, ban_ms: 3_600_000, answer: BanAnswer::Forbidden }
    }
}

/// What Discord requires of interaction responses.
#[derive(Debug, Clone)]
pub struct InteractionRules {
    /// Refuse a response later than `deadline_ms` after the interaction was sent (404,
    /// 10062 Unknown interaction), and follow-ups later than `token_ms`.
    pub enforce: bool,
    /// Discord: 3 s.
    pub deadline_ms: u64,
    /// How long the interaction token works for follow-ups and edits (Discord: 15 min).
    pub token_ms: u64,
}

impl Default for InteractionRules {
    fn default() -> Self {
        Self { enforce: true, deadline_ms: 3_000, token_ms: 900_000 }
    }
}

/// Application-command registration limits.
#[derive(Debug, Clone)]
pub struct CommandRules {
    pub enforce: bool,
    /// Chat-input commands per scope (global, or one guild). Discord: 100.
    pub max_chat_input: usize,
    /// User and message (context-menu) commands per scope, each. Discord: 5.
    pub max_context_menu: usize,
    /// New commands a scope may create a day (bulk overwrites count the new ones). Discord: 200.
    pub daily_creates: u32,
}

impl Default for CommandRules {
    fn default() -> Self {
        Self { enforce: true, max_chat_input: 100, max_context_menu: 5, daily_creates: 200 }
    }
}

/// The gateway's session rules.
#[derive(Debug, Clone)]
pub struct GatewayRules {
    /// The shard count `GET /gateway/bot` recommends (raised to one per 1,000 guilds).
    pub shards: u32,
    /// `session_start_limit.max_concurrency`: identify buckets (`shard_id % max_concurrency`).
    pub max_concurrency: u32,
    /// One identify per bucket per this many ms (Discord: 5,000), on the wall clock; 0 = no
    /// limit. A second identify in the same bucket sooner is closed with 4008.
    pub identify_interval_ms: u64,
    /// Identifies a day (RESUME does not count; Discord: 1,000). The next one resets the
    /// token, as Discord does: every session closes with 4004 and REST answers 401.
    pub daily_identifies: u32,
    /// Guilds one shard may hold before IDENTIFY is closed with 4011 (Discord: 2,500).
    pub max_guilds_per_shard: usize,
    /// The privileged intents the application has enabled (others close with 4014).
    pub privileged_intents: u64,
    /// Payloads a connection may send per minute before it is closed with 4008 (Discord:
    /// 120); 0 = no limit.
    pub payloads_per_minute: u32,
    /// Close a session that misses its heartbeats (1.5 intervals) with 4009.
    pub heartbeat_timeout: bool,
}

/// GUILD_MEMBERS, GUILD_PRESENCES, MESSAGE_CONTENT.
pub const PRIVILEGED_INTENTS: u64 = (1 << 1) | (1 << 8) | (1 << 15);

impl Default for GatewayRules {
    fn default() -> Self {
        Self {
            shards: 1,
            max_concurrency: 1,
            identify_interval_ms: 0,
            daily_identifies: 1_000,
            max_guilds_per_shard: 2_500,
            privileged_intents: PRIVILEGED_INTENTS,
            payloads_per_minute: 120,
            heartbeat_timeout: true,
        }
    }
}

/// How to start a fake Discord.
#[derive(Debug, Clone)]
pub struct Options {
    /// The bot token clients must present (`Bot <token>` on REST, in IDENTIFY on the gateway).
    pub token: String,
    pub bot_user_id: u64,
    pub application_id: u64,
    /// 127.0.0.1 ports to listen on (0: the system picks).
    pub gateway_port: u16,
    pub rest_port: u16,
    pub rate_limits: RateLimits,
    pub heartbeat_interval_ms: u64,
    /// Check the bot's permissions and role position on moderation calls (403 otherwise).
    pub enforce_permissions: bool,
    /// Check every REST call against Discord's OpenAPI spec.
    pub spec: SpecMode,
    /// What each REST call costs on the fake's clock: while a capture's virtual clock runs,
    /// each answered call moves it on by this much (calls are costed one after another);
    /// on the wall clock the fake waits this long before answering. 0 = free.
    pub rest_latency_ms: u64,
    /// Refuse timeouts more than exactly 28 days ahead and incident actions more than exactly
    /// 24 h ahead, on the fake's clock when the call arrives.
    pub exact_time_limits: bool,
    pub interactions: InteractionRules,
    pub invalid_requests: InvalidRequestRules,
    pub commands: CommandRules,
    pub gateway: GatewayRules,
    pub oauth: OAuthOptions,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.into(),
            bot_user_id: DEFAULT_BOT_ID,
            application_id: DEFAULT_BOT_ID,
            gateway_port: 0,
            rest_port: 0,
            rate_limits: RateLimits::default(),
            heartbeat_interval_ms: 41_250,
            enforce_permissions: true,
            spec: SpecMode::Record,
            rest_latency_ms: 0,
            exact_time_limits: true,
            interactions: InteractionRules::default(),
            invalid_requests: InvalidRequestRules::default(),
            commands: CommandRules::default(),
            gateway: GatewayRules::default(),
            oauth: OAuthOptions::default(),
        }
    }
}

impl Options {
    /// Every rule as Discord enforces it: the spec refuses bad bodies, identifies are spaced
    /// 5 s per bucket, and each REST call costs 50 ms of the fake's time (so a bot that does
    /// its work before answering an interaction runs out of its 3 s).
    pub fn strict() -> Options {
        let mut o = Options { spec: SpecMode::Reject, rest_latency_ms: 50, ..Options::default() };
        o.gateway.identify_interval_ms = 5_000;
        o
    }
}
