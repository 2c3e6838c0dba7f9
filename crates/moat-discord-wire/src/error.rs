//! Why a capture line or a dispatch could not be used.

/// What is wrong with a line (or a dispatch). Each says so in words, with the event's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// Not a JSON object with `ts`, `t` and `d`.
    #[error("not a capture line ({{\"ts\", \"t\", \"d\"}}): {0}")]
    Envelope(String),
    /// `d` does not match what Discord sends for `t`.
    #[error("bad {event} payload: {error}")]
    Payload { event: String, error: String },
    /// `t` names an event the engine does not use (or one Discord does not send): counted
    /// by the caller, never silently dropped.
    #[error("{0} is not an event moat uses")]
    Unsupported(String),
}
