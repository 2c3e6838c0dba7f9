//! The `[cluster]` section of moat's config file, typed here because this crate uses it.

use serde::Deserialize;

/// How this process joins a cluster. Without `url` (and without `--cluster`) moat runs alone.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ClusterSettings {
    /// `nats://HOST:4222`; `--cluster` overrides it.
    pub url: Option<String>,
    /// Prefix of every bucket, stream and subject: two clusters may share one NATS.
    pub name: String,
    /// A lease lasts this long unless renewed (renewed every third of it): a dead process's
    /// shards are taken over after at most this long.
    pub lease_secs: u32,
    /// Cross-guild signals are split by user into this many partitions, each consumed by one
    /// process (a partition is leased like a shard group).
    pub partitions: u32,
    /// The environment variable holding the cluster's secret, which keys the hashes on the
    /// cross-guild stream (the secret never goes in the file).
    pub secret_env: String,
    /// Cross-guild signals are kept this long (the scraper detector's window).
    pub signal_window_hours: u32,
    /// The token's global REST limit, shared by every process.
    pub rest_per_sec: u32,
    /// Of each second's budget, this many calls are kept for raid bans and deletes: alerts
    /// and housekeeping never take them.
    pub rest_reserve: u32,
}

impl Default for ClusterSettings {
    fn default() -> Self {
        Self {
            url: None,
            name: "moat".into(),
            lease_secs: 10,
            partitions: 8,
            secret_env: "MOAT_CLUSTER_SECRET".into(),
            signal_window_hours: 6,
            rest_per_sec: 50,
            rest_reserve: 15,
        }
    }
}

impl ClusterSettings {
    /// Checks the values, naming the first bad one.
    pub fn validate(&self) -> Result<(), crate::ClusterError> {
        let bad = |m: &str| Err(crate::ClusterError::Settings(m.into()));
        if self.name.is_empty() || !self.name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
            return bad("`cluster.name`: letters, digits, `-` and `_` only");
        }
        if !(2..=300).contains(&self.lease_secs) {
            return bad("`cluster.lease_secs`: must be between 2 and 300");
        }
        if !(1..=1024).contains(&self.partitions) {
            return bad("`cluster.partitions`: must be between 1 and 1024");
        }
        if self.signal_window_hours == 0 || self.signal_window_hours > 72 {
            return bad("`cluster.signal_window_hours`: must be between 1 and 72");
        }
        if self.rest_per_sec == 0 || self.rest_reserve >= self.rest_per_sec {
            return bad("`cluster.rest_reserve`: must be below `cluster.rest_per_sec`, which must be above 0");
        }
        Ok(())
    }

    /// The lease time.
    pub fn lease(&self) -> std::time::Duration {
        std::time::Duration::from_secs(u64::from(self.lease_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(ClusterSettings::default().validate().is_ok());
        let s = ClusterSettings { lease_secs: 1, ..Default::default() };
        assert!(s.validate().unwrap_err().to_string().contains("cluster.lease_secs"));
        let s = ClusterSettings { name: "a.b".into(), ..Default::default() };
        assert!(s.validate().unwrap_err().to_string().contains("cluster.name"));
        let s: ClusterSettings = toml::from_str("lease_secs = 4\nurl = \"nats://127.0.0.1:4222\"").unwrap();
        assert_eq!(s.lease_secs, 4);
        assert!(toml::from_str::<ClusterSettings>("leases = 4").is_err());
    }
}
