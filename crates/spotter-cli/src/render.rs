//! The triage result for people (text) and programs (JSON). The JSON document is the application
//! layer's (`spotter_app::wire::TriageDoc`); this module only prints it, or writes the text.

use crate::cli::Format;
use crate::style::{self, paint};
use spotter_kb::Kb;
use spotter_triage::{Answers, CouldRaise, Triage};
use std::io::Write;

/// Runs triage on `answers` and writes the result.
pub fn write_result(out: &mut dyn Write, kb: &Kb, answers: &Answers, format: Format) -> anyhow::Result<()> {
    let t = spotter_app::triage(kb, answers);
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &t.doc)?;
            writeln!(out)?;
        }
        Format::Text => write_text(out, kb, answers, &t.result, &t.could_raise)?,
    }
    Ok(())
}

fn write_text(out: &mut dyn Write, kb: &Kb, answers: &Answers, t: &Triage<'_>, raise: &[CouldRaise<'_>]) -> std::io::Result<()> {
    let width = style::width();
    let banner = format!("  {}  ", t.info.label.to_uppercase());
    writeln!(out)?;
    writeln!(out, "{}", paint(style::tier(t.tier), &banner))?;
    writeln!(out, "{}", paint(style::BOLD, &style::wrap(&t.info.headline, width, "", "")))?;
    writeln!(out)?;

    writeln!(out, "{}", paint(style::HEADING, "What to do"))?;
    for (i, step) in t.info.steps.iter().enumerate() {
        writeln!(out, "{}", style::wrap(step, width, &format!("  {}. ", i + 1), "     "))?;
    }
    if let Some(script) = &t.call_script {
        writeln!(out)?;
        writeln!(out, "{}", paint(style::HEADING, "What to say when you call"))?;
        writeln!(out, "{}", style::wrap(&format!("\"{script}\""), width, "  ", "   "))?;
    }
    writeln!(out)?;

    writeln!(out, "{}", paint(style::HEADING, "Why"))?;
    if t.fired.is_empty() {
        writeln!(
            out,
            "{}",
            style::wrap("None of the warning signs Spotter asks about is present: the pain looks mechanical.", width, "  ", "  ")
        )?;
    }
    for f in &t.fired {
        let tag = format!("[{}]", kb.tier_info(f.rule.tier).label.to_lowercase());
        writeln!(
            out,
            "  {}  {}  {}",
            paint(style::tier_text(f.rule.tier), &format!("{:<3}", f.rule.id)),
            paint(style::BOLD, &f.rule.title),
            paint(style::tier_text(f.rule.tier), &tag)
        )?;
        writeln!(out, "{}", style::wrap(&f.rule.reason, width, "       ", "       "))?;
        let said: Vec<String> = f
            .items
            .iter()
            .map(|id| match answers.get(id) {
                Some(a) => format!("{id} = {a}"),
                None => format!("{id} (not answered)"),
            })
            .collect();
        writeln!(out, "{}", paint(style::DIM, &style::wrap(&said.join(", "), width, "       You said: ", "       ")))?;
        let sources: Vec<String> = f.rule.sources.iter().filter_map(|id| kb.source(id)).map(cite).collect();
        writeln!(out, "{}", paint(style::DIM, &style::wrap(&sources.join("; "), width, "       Sources: ", "       ")))?;
    }
    let missing = answers.not_answered_required(kb);
    if !missing.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(style::HEADING, "Not asked, because this is already an emergency"))?;
        writeln!(out, "{}", style::wrap("If any of these is true too, tell the people helping you:", width, "  ", "  "))?;
        for id in missing {
            if let Some(item) = kb.item(id) {
                writeln!(out, "{}", style::wrap(&item.question, width, "  - ", "    "))?;
            }
        }
    }
    if !raise.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", paint(style::HEADING, "Not answered, and could make this more urgent"))?;
        for c in raise {
            let line = format!("{} ({}): could mean {}", c.item.question, c.item.id, kb.tier_info(c.up_to).label.to_lowercase());
            writeln!(out, "{}", style::wrap(&line, width, "  - ", "    "))?;
        }
    }
    writeln!(out)?;
    writeln!(out, "{}", paint(style::DIM, &style::wrap(&kb.disclaimer, width, "", "")))?;
    Ok(())
}

/// "Title (Publisher, year)", as short as the source allows.
pub fn cite(s: &spotter_kb::Source) -> String {
    match (&s.publisher, s.year) {
        (Some(p), Some(y)) => format!("{} ({p}, {y})", s.title),
        (Some(p), None) => format!("{} ({p})", s.title),
        (None, Some(y)) => format!("{} ({y})", s.title),
        (None, None) => s.title.clone(),
    }
}
