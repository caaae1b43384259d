//! Prints the status JSON of a diary document: `cargo run -p spotter-diary --example diary_status
//! -- examples/diary-seed-story.json 2026-11-26` (the date is "today"; the library has no clock).

use spotter_diary::{Date, parse_diary_json, status};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(path), Some(today)) = (args.next(), args.next()) else {
        return Err("usage: diary_status DIARY.json YYYY-MM-DD".into());
    };
    let kb = spotter_kb::Kb::builtin()?;
    let text = std::fs::read_to_string(&path)?;
    let diary = parse_diary_json(&kb, &text, Date::parse(&today)?)?;
    println!("{}", serde_json::to_string_pretty(&status(&kb, &diary).to_json())?);
    Ok(())
}
