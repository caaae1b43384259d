//! `spotter demo`: the main job on built-in example data, so a new user sees what Spotter does
//! without typing any answers. The example intakes are compiled in from `examples/`.

use crate::cli::{DemoArgs, Format};
use crate::render;
use crate::style::{self, paint};
use anyhow::Context;
use spotter_kb::Kb;
use spotter_triage::parse_complete_answers_json;
use std::io::Write;

/// (file name, the lifter's story, the file's text)
pub const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "examples/intake-self-care.json",
        "28, skipped the warm-up and went straight into lunges; the low back locked up mid-set. A brief tingle behind one knee during a stretch, gone since.",
        include_str!("../../../examples/intake-self-care.json"),
    ),
    (
        "examples/intake-urgent.json",
        "34, burning pain from the back to below the right knee two days after deadlifts; sneezing makes it jolt.",
        include_str!("../../../examples/intake-urgent.json"),
    ),
    (
        "examples/intake-emergency.json",
        "41, pain into the left thigh since heavy squats yesterday, getting worse; today it is hard to start peeing and the groin feels numb.",
        include_str!("../../../examples/intake-emergency.json"),
    ),
];

pub fn run(kb: &Kb, a: &DemoArgs) -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    let width = style::width();
    if a.format == Format::Json {
        writeln!(out, "[")?;
    }
    for (i, (file, story, text)) in EXAMPLES.iter().enumerate() {
        let answers = parse_complete_answers_json(kb, text).with_context(|| format!("built-in example {file}"))?;
        match a.format {
            Format::Text => {
                writeln!(out, "{}", paint(style::HEADING, &format!("Example {} of {}: {file}", i + 1, EXAMPLES.len())))?;
                writeln!(out, "{}", style::wrap(story, width, "", ""))?;
                render::write_result(&mut out, kb, &answers, Format::Text)?;
                writeln!(out, "\n{}\n", "-".repeat(width.min(88)))?;
            }
            Format::Json => {
                let mut buf = Vec::new();
                render::write_result(&mut buf, kb, &answers, Format::Json)?;
                let sep = if i + 1 < EXAMPLES.len() { "," } else { "" };
                writeln!(out, "{{\"example\": \"{file}\", \"result\": {}}}{sep}", String::from_utf8(buf)?.trim_end())?;
            }
        }
    }
    if a.format == Format::Text {
        writeln!(
            out,
            "{}",
            style::wrap(
                "Try it yourself: `spotter check` asks the questions one by one; `spotter triage --answers FILE` reads them from a JSON file.",
                width,
                "",
                ""
            )
        )?;
    } else {
        writeln!(out, "]")?;
    }
    Ok(())
}
