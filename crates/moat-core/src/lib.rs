//! moat's decision engine.
pub mod links;
