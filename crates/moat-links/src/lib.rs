//! Link intelligence for moat (work in progress).
