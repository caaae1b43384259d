//! Renders the leg-day card for an answers file, to regenerate the documentation image:
//! `cargo run -p spotter-report --example render_card -- examples/plan-seed-story.json docs/card.png`.
//! The output's extension picks the format (`.pdf`, `.png` or `.svg`); `--minutes N` sets the
//! warm-up budget, `--scale N` the PNG's pixels per point (default 2) and `--repeat N` renders N
//! more times to time a warm render. Prints the render times.

use anyhow::{Context, Result, bail};
use std::time::Instant;

fn main() -> Result<()> {
    let mut args = std::env::args().skip(1);
    let mut paths = Vec::new();
    let mut minutes = None;
    let mut scale = 2.0f32;
    let mut repeat = 0u32;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--minutes" => minutes = Some(args.next().context("--minutes needs a value")?.parse()?),
            "--scale" => scale = args.next().context("--scale needs a value")?.parse()?,
            "--repeat" => repeat = args.next().context("--repeat needs a value")?.parse()?,
            _ => paths.push(a),
        }
    }
    let [answers_path, out_path] = paths.as_slice() else {
        bail!("usage: render_card ANSWERS.json OUT.{{pdf,png,svg}} [--minutes N] [--scale N] [--repeat N]");
    };
    let kb = spotter_kb::Kb::builtin()?;
    let text = std::fs::read_to_string(answers_path).with_context(|| format!("reading {answers_path}"))?;
    let answers = spotter_triage::parse_answers_json(&kb, &text)?;
    let plan = spotter_coach::make_plan(&kb, &answers, minutes)?;
    let render = || -> Result<Vec<u8>> {
        Ok(match out_path.rsplit('.').next() {
            Some("pdf") => spotter_report::card_pdf(&kb, &plan)?,
            Some("png") => spotter_report::card_png(&kb, &plan, scale)?,
            Some("svg") => spotter_report::card_svg(&kb, &plan)?.into_bytes(),
            _ => bail!("{out_path}: the name must end in .pdf, .png or .svg"),
        })
    };
    let started = Instant::now();
    let bytes = render()?;
    let first = started.elapsed();
    let started = Instant::now();
    for _ in 0..repeat {
        anyhow::ensure!(render()? == bytes, "a second render gave other bytes");
    }
    let warm = started.elapsed() / repeat.max(1);
    let fit = spotter_report::lay_out(&kb, &plan)?.fit();
    std::fs::write(out_path, &bytes).with_context(|| format!("writing {out_path}"))?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    eprintln!("{out_path}: {} bytes; first render {:.1} ms (with font loading)", bytes.len(), ms(first));
    if repeat > 0 {
        eprintln!("  warm render {:.1} ms (mean of {repeat})", ms(warm));
    }
    eprintln!("  fit: {fit:?}");
    Ok(())
}
