//! Output of `spotter explain` and `spotter plan`: text for people, or the application layer's
//! JSON documents (`spotter_app::wire`) for programs.

use crate::cli::Format;
use crate::render::cite;
use crate::style::{self, paint};
use spotter_coach::{Explanation, Plan, RankedCause};
use spotter_kb::{CauseKind, Kb, Tier};
use std::io::Write;

pub fn write_explanation(out: &mut dyn Write, kb: &Kb, e: &Explanation<'_>, format: Format) -> anyhow::Result<()> {
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &spotter_app::wire::ExplainDoc::new(kb, e))?;
            writeln!(out)?;
        }
        Format::Text => {
            write_tier_line(out, e.triage.tier, &e.triage.info.label, &e.triage.info.headline)?;
            match &e.causes {
                None => {
                    writeln!(out, "{}", style::wrap("Spotter does not look for training causes now: the warning signs come first.", style::width(), "", ""))?;
                    write_triage_summary(out, &e.triage)?;
                }
                Some(causes) => write_causes(out, kb, causes, e.triage.tier)?,
            }
            writeln!(out, "\n{}", paint(style::DIM, &style::wrap(&kb.disclaimer, style::width(), "", "")))?;
        }
    }
    Ok(())
}

fn write_tier_line(out: &mut dyn Write, tier: Tier, label: &str, headline: &str) -> std::io::Result<()> {
    let label = format!("  {}  ", label.to_uppercase());
    writeln!(out, "\n{} {}", paint(style::tier(tier), &label), paint(style::BOLD, headline))?;
    writeln!(out)
}

/// What to do now and why, for a result that does not allow coaching.
fn write_triage_summary(out: &mut dyn Write, t: &spotter_triage::Triage<'_>) -> std::io::Result<()> {
    let width = style::width();
    writeln!(out, "\n{}", paint(style::HEADING, "What to do"))?;
    for (i, step) in t.info.steps.iter().enumerate() {
        writeln!(out, "{}", style::wrap(step, width, &format!("  {}. ", i + 1), "     "))?;
    }
    if let Some(script) = &t.call_script {
        writeln!(out, "{}", style::wrap(&format!("\"{script}\""), width, "  Say: ", "   "))?;
    }
    writeln!(out, "\n{}", paint(style::HEADING, "Why"))?;
    for f in &t.fired {
        writeln!(out, "  {}  {}", paint(style::tier_text(f.rule.tier), &format!("{:<3}", f.rule.id)), f.rule.title)?;
    }
    Ok(())
}

pub fn write_causes(out: &mut dyn Write, kb: &Kb, causes: &[RankedCause<'_>], tier: Tier) -> std::io::Result<()> {
    let width = style::width();
    writeln!(out, "{}", paint(style::HEADING, "Why your back took the load (best match first)"))?;
    if causes.is_empty() {
        let msg = "Nothing you answered points to a training cause. Answer the self-tests and what you saw \
                   (spotter check) for a fuller picture; the plan below still helps.";
        writeln!(out, "{}", style::wrap(msg, width, "  ", "  "))?;
    }
    for (i, r) in causes.iter().enumerate() {
        let kind = match r.cause.kind {
            CauseKind::Technique => "technique",
            CauseKind::Foundation => "foundation",
        };
        writeln!(out, "\n  {}. {}  {}", i + 1, paint(style::BOLD, &r.cause.name), paint(style::DIM, &format!("[{kind}; score {}]", r.score)))?;
        let because: Vec<String> = r.evidence.iter().map(|e| format!("{} (+{})", e.says, e.points)).collect();
        writeln!(out, "{}", style::wrap(&because.join("; "), width, "     Because: ", "              "))?;
        writeln!(out, "{}", style::wrap(&r.cause.mechanism, width, "     What happens: ", "     "))?;
        if tier > Tier::SelfCare {
            // Training advice waits for the professional's assessment.
            continue;
        }
        writeln!(out, "{}", style::wrap(&r.cause.change_today, width, "     Today: ", "     "))?;
        writeln!(out, "{}", style::wrap(&r.cause.train_over_weeks, width, "     Over the weeks: ", "     "))?;
        let sources: Vec<String> = r.cause.sources.iter().filter_map(|s| kb.source(s)).map(cite).collect();
        writeln!(out, "{}", paint(style::DIM, &style::wrap(&sources.join("; "), width, "     Sources: ", "     ")))?;
    }
    Ok(())
}

/// "1:30", "45 s".
pub fn clock(seconds: u32) -> String {
    if seconds < 60 { format!("{seconds} s") } else { format!("{}:{:02}", seconds / 60, seconds % 60) }
}

/// The dose in words: "30 s each side", "2 x 12", "5 x 8 s hold each side", "every 30 min".
pub fn dose(i: &spotter_coach::PlanItem<'_>) -> String {
    let side = if i.per_side { " each side" } else { "" };
    match (i.seconds, i.reps, i.sets, i.hold_seconds, i.interval_minutes) {
        (_, _, _, _, Some(m)) => format!("every {m} min of sitting"),
        (Some(s), None, Some(n), _, _) if n > 1 => format!("{n} x {}{side}", clock(s)),
        (Some(s), None, _, _, _) => format!("{}{side}", clock(s)),
        (_, Some(r), sets, hold, _) => {
            let sets = sets.filter(|&n| n > 1).map(|n| format!("{n} x ")).unwrap_or_default();
            let hold = hold.map(|h| format!(" with {h} s hold")).unwrap_or_default();
            format!("{sets}{r} reps{hold}{side}")
        }
        _ => String::new(),
    }
}

/// The result of a check in a dozen lines: the tier, the likely causes, and what the plan holds.
/// The whole of it (reasons, evidence, every drill) is `write_result` and `write_plan`.
pub fn write_summary(out: &mut dyn Write, kb: &Kb, plan: &Plan<'_>) -> anyhow::Result<()> {
    let width = style::width();
    let _ = kb;
    write_tier_line(out, plan.triage.tier, &plan.triage.info.label, &plan.triage.info.headline)?;
    if let Some(advice) = &plan.advice {
        writeln!(out, "{}\n", paint(style::BOLD, &style::wrap(advice, width, "", "")))?;
    }
    writeln!(out, "{}", paint(style::HEADING, "Likely causes"))?;
    if plan.causes.is_empty() {
        writeln!(out, "  Nothing you answered points to a training cause.")?;
    }
    for (i, r) in plan.causes.iter().take(3).enumerate() {
        writeln!(out, "{}", style::wrap(&format!("{} (score {})", r.cause.name, r.score), width, &format!("  {}. ", i + 1), "     "))?;
    }
    if plan.causes.len() > 3 {
        let n = plan.causes.len() - 3;
        writeln!(out, "  and {n} more {}", if n == 1 { "cause" } else { "causes" })?;
    }
    writeln!(out, "\n{}", paint(style::HEADING, "Your plan"))?;
    for b in &plan.blocks {
        let gentle = plan.triage.tier == Tier::SeeProfessional && b.id == spotter_coach::BlockId::Warmup;
        let title = if gentle { "Gentle movement today" } else { b.id.title() };
        let n = b.items.len();
        let what = match b.id {
            spotter_coach::BlockId::ExerciseCues => if n == 1 { "1 lift".to_string() } else { format!("{n} lifts") },
            spotter_coach::BlockId::Daily => if n == 1 { "1 habit".to_string() } else { format!("{n} habits") },
            _ => if n == 1 { "1 exercise".to_string() } else { format!("{n} exercises") },
        };
        let time = if b.id == spotter_coach::BlockId::Warmup { format!(", {}", clock(plan.warmup_budget_seconds)) } else { String::new() };
        let names: Vec<&str> = b.items.iter().map(|i| i.name).collect();
        writeln!(out, "{}", style::wrap(&format!("{title} ({what}{time}): {}", names.join(", ")), width, "  - ", "    "))?;
    }
    Ok(())
}

pub fn write_plan(out: &mut dyn Write, kb: &Kb, plan: &Plan<'_>, format: Format) -> anyhow::Result<()> {
    if format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &spotter_app::wire::PlanDoc::new(kb, plan))?;
        writeln!(out)?;
        return Ok(());
    }
    let width = style::width();
    write_tier_line(out, plan.triage.tier, &plan.triage.info.label, &plan.triage.info.headline)?;
    match &plan.advice {
        // The tier line already gave the headline; say only that there is no plan.
        Some(_) if plan.triage.tier > Tier::SeeProfessional => {
            writeln!(out, "No training plan today: the warning signs come first.")?;
            write_triage_summary(out, &plan.triage)?;
            writeln!(out)?;
        }
        Some(advice) => writeln!(out, "{}\n", paint(style::BOLD, &style::wrap(advice, width, "", "")))?,
        None => {}
    }
    if plan.triage.tier <= Tier::SeeProfessional {
        write_causes(out, kb, &plan.causes, plan.triage.tier)?;
        writeln!(out)?;
    }
    for b in &plan.blocks {
        let gentle = plan.triage.tier == Tier::SeeProfessional && b.id == spotter_coach::BlockId::Warmup;
        let mut title = if gentle { "Gentle movement today".to_string() } else { b.id.title().to_string() };
        if b.id == spotter_coach::BlockId::Warmup {
            title.push_str(&format!(" ({})", clock(plan.warmup_budget_seconds)));
        }
        writeln!(out, "{}", paint(style::HEADING, &title))?;
        if b.items.is_empty() {
            writeln!(out, "  (name today's exercises to get cues for them)")?;
        }
        for i in &b.items {
            let dose = dose(i);
            let head = if dose.is_empty() { i.name.to_string() } else { format!("{}  {}", i.name, paint(style::BOLD, &dose)) };
            writeln!(out, "  - {head}")?;
            for cue in &i.cues {
                writeln!(out, "{}", style::wrap(cue, width, "      ", "      "))?;
            }
            if let Some(c) = i.caution {
                writeln!(out, "{}", paint(style::DIM, &style::wrap(c, width, "      Careful: ", "      ")))?;
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "{}", paint(style::DIM, &style::wrap(&kb.disclaimer, width, "", "")))?;
    Ok(())
}
