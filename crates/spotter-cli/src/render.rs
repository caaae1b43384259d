//! The triage result for people (text) and programs (JSON). The JSON form is a stable interface:
//! fields are only ever added.

use crate::cli::Format;
use crate::style::{self, paint};
use serde::Serialize;
use spotter_kb::{Kb, Tier};
use spotter_triage::{Answers, CouldRaise, Triage, could_raise, triage};
use std::io::Write;

/// The JSON document of a triage result.
#[derive(Debug, Serialize)]
pub struct TriageJson<'a> {
    /// `emergency`, `urgent`, `see_professional` or `self_care`.
    pub tier: Tier,
    pub label: &'a str,
    /// What the person is told first.
    pub headline: &'a str,
    pub next_steps: &'a [String],
    /// For `emergency`: what to say when calling for help.
    pub call_script: Option<&'a str>,
    /// Every fired rule, most urgent first.
    pub reasons: Vec<ReasonJson<'a>>,
    /// Items not answered that could make the result more urgent.
    pub unanswered_could_raise: Vec<CouldRaiseJson<'a>>,
    /// Safety items (and follow-ups they need) that were not answered. Only an emergency result
    /// can have any: an emergency never waits for the rest of the questionnaire.
    pub not_answered: Vec<NotAnsweredJson<'a>>,
    pub disclaimer: &'a str,
    pub spotter_version: &'static str,
}

#[derive(Debug, Serialize)]
pub struct ReasonJson<'a> {
    pub rule: &'a str,
    pub tier: Tier,
    pub title: &'a str,
    pub reason: &'a str,
    /// Item ids whose answers fired the rule.
    pub items: &'a [&'a str],
    pub sources: Vec<SourceJson<'a>>,
}

#[derive(Debug, Serialize)]
pub struct SourceJson<'a> {
    pub id: &'a str,
    pub title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct CouldRaiseJson<'a> {
    pub item: &'a str,
    pub question: &'a str,
    pub up_to: Tier,
}

#[derive(Debug, Serialize)]
pub struct NotAnsweredJson<'a> {
    pub item: &'a str,
    pub question: &'a str,
}

pub fn to_json<'a>(kb: &'a Kb, t: &'a Triage<'a>, raise: &'a [CouldRaise<'a>], answers: &Answers) -> TriageJson<'a> {
    TriageJson {
        tier: t.tier,
        label: &t.info.label,
        headline: &t.info.headline,
        next_steps: &t.info.steps,
        call_script: t.call_script.as_deref(),
        reasons: t
            .fired
            .iter()
            .map(|f| ReasonJson {
                rule: &f.rule.id,
                tier: f.rule.tier,
                title: &f.rule.title,
                reason: &f.rule.reason,
                items: &f.items,
                sources: f
                    .rule
                    .sources
                    .iter()
                    .filter_map(|id| kb.source(id))
                    .map(|s| SourceJson { id: &s.id, title: &s.title, url: s.url.as_deref() })
                    .collect(),
            })
            .collect(),
        unanswered_could_raise: raise
            .iter()
            .map(|c| CouldRaiseJson { item: &c.item.id, question: &c.item.question, up_to: c.up_to })
            .collect(),
        not_answered: answers
            .not_answered_required(kb)
            .into_iter()
            .filter_map(|id| kb.item(id))
            .map(|i| NotAnsweredJson { item: &i.id, question: &i.question })
            .collect(),
        disclaimer: &kb.disclaimer,
        spotter_version: env!("CARGO_PKG_VERSION"),
    }
}

/// Runs triage on `answers` and writes the result.
pub fn write_result(out: &mut dyn Write, kb: &Kb, answers: &Answers, format: Format) -> anyhow::Result<()> {
    let t = triage(kb, answers);
    let raise = could_raise(kb, answers, t.tier);
    match format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(kb, &t, &raise, answers))?;
            writeln!(out)?;
        }
        Format::Text => write_text(out, kb, answers, &t, &raise)?,
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
