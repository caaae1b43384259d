//! Benchmarks of the SQLite engine (filled in below).
fn main() {}
