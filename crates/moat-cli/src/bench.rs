//! `moat bench` (work in progress).
pub fn run(_args: &[String]) -> i32 {
    eprintln!("moat bench: not yet");
    2
}
