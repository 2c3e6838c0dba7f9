pub fn run(_args: &[String]) -> i32 { eprintln!("moat check: not yet"); 2 }
