//! The cluster's one error type: each variant says what an operator should check.

/// What went wrong talking to the cluster.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    /// The first connection failed: the operator asked for a cluster that is not there.
    #[error(
        "cannot reach NATS at {url}: {reason} (is nats-server running with JetStream (-js)? \
         `docker compose up -d` starts one; or run without --cluster)"
    )]
    Unreachable { url: String, reason: String },
    /// JetStream refused to create or open a bucket or stream.
    #[error("NATS at {url}: cannot set up `{what}`: {reason} (is JetStream enabled, -js?)")]
    Setup { url: String, what: String, reason: String },
    /// A call to NATS failed while running (the connection is retried on its own).
    #[error("NATS {what}: {reason}")]
    Nats { what: &'static str, reason: String },
    /// The `[cluster]` settings make no sense.
    #[error("cluster settings: {0}")]
    Settings(String),
}

/// `map_err(nats_err("what"))` for any displayable NATS error.
pub(crate) fn nats_err<E: std::fmt::Display>(what: &'static str) -> impl FnOnce(E) -> ClusterError {
    move |e| ClusterError::Nats { what, reason: e.to_string() }
}
