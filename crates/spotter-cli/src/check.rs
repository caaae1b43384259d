//! `spotter check`: the questionnaire a person answers in the terminal, one question at a time.
//!
//! Safety-critical items are always asked, one by one and in plain words (the cauda-equina signs
//! are never folded into an "anything else?"). Other questions are skipped only when no answer to
//! them could change the tier: follow-ups whose condition does not hold, and questions whose rules
//! are all at or below the tier already reached. Answers can be piped in, one per line.

use crate::cli::{CheckArgs, Format};
use crate::style::{self, paint};
use crate::{coach_out, input_error, render};
use spotter_kb::{Item, ItemKind, Kb, Tier};
use spotter_triage::{Answer, Answers, eval, tier_only};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

pub fn run(kb: &Kb, a: &CheckArgs) -> anyhow::Result<()> {
    if let Some(path) = &a.save
        && path.exists()
        && !a.force
    {
        return Err(input_error(format!(
            "{} already exists; choose another file for --save, or add --force to replace it",
            path.display()
        )));
    }
    // Check the analysis file before any question, so a bad file costs no typing.
    crate::merge_analysis(kb, &mut Answers::new(), a.analysis.as_deref())?;
    let stdin = std::io::stdin();
    let echo = !stdin.is_terminal();
    let (answers, coached) = if a.format == Format::Json {
        ask_all(kb, stdin.lock(), &mut anstream::stderr(), echo)?
    } else {
        ask_all(kb, stdin.lock(), &mut anstream::stdout(), echo)?
    };
    let mut answers = answers;
    if coached {
        crate::merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    }
    let mut out = anstream::stdout();
    if coached {
        write_coached(&mut out, kb, &answers, a.format)?;
    } else {
        render::write_result(&mut out, kb, &answers, a.format)?;
    }
    if let Some(path) = &a.save {
        save_answers(path, &answers)?;
        let note = format!("Your answers are saved in {}; `spotter triage --answers {0}` shows this result again.", path.display());
        if a.format == Format::Json {
            writeln!(anstream::stderr(), "{note}")?;
        } else {
            writeln!(out, "\n{}", style::wrap(&note, style::width(), "", ""))?;
        }
    }
    Ok(())
}

/// Writes the answers next to their final place, then renames, so a crash never leaves half a file.
fn save_answers(path: &Path, answers: &Answers) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(&answers.to_json())? + "\n";
    let tmp = path.with_extension("json.partial");
    std::fs::write(&tmp, text).map_err(|e| input_error(format!("cannot write {}: {e}", tmp.display())))?;
    std::fs::rename(&tmp, path).map_err(|e| input_error(format!("cannot save answers to {}: {e}", path.display())))?;
    Ok(())
}

/// The triage result, then (because the person chose to go on) the causes and the plan. In JSON,
/// the triage document with a `plan` field added.
fn write_coached(out: &mut dyn Write, kb: &Kb, answers: &Answers, format: Format) -> anyhow::Result<()> {
    let plan = spotter_coach::make_plan(kb, answers, None)?;
    match format {
        Format::Json => {
            let t = spotter_triage::triage(kb, answers);
            let raise = spotter_triage::could_raise(kb, answers, t.tier);
            let mut doc = serde_json::to_value(render::to_json(kb, &t, &raise))?;
            doc["plan"] = serde_json::to_value(coach_out::plan_json(kb, &plan))?;
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)?;
        }
        Format::Text => {
            render::write_result(out, kb, answers, Format::Text)?;
            writeln!(out)?;
            coach_out::write_plan(out, kb, &plan, Format::Text)?;
        }
    }
    Ok(())
}

/// Asks every question that can matter and returns the answers, and whether the person went on
/// to the cause finder (only offered when triage allows coaching).
pub fn ask_all(kb: &Kb, input: impl BufRead, out: &mut dyn Write, echo: bool) -> anyhow::Result<(Answers, bool)> {
    let width = style::width();
    let mut p = Prompter { input, out, echo, width };
    writeln!(p.out, "{}", paint(style::BOLD, "Spotter check: does this back pain need a doctor, and how soon?"))?;
    let intro = "A few questions, one at a time. Answer y or n, a number, or the number of a choice. \
                 Type ? to see the help again. If you feel very unwell right now, stop and call your \
                 emergency number.";
    writeln!(p.out, "{}", style::wrap(intro, width, "", ""))?;

    let mut answers = Answers::new();
    let mut section: Option<&str> = None;
    let mut emergency_said = false;
    let mut number = 0;
    for item in kb.items.iter().filter(|i| !i.coaching) {
        if !should_ask(kb, item, &answers) {
            continue;
        }
        number += 1;
        p.ask_in_section(kb, item, number, &mut section, &mut answers)?;
        if !emergency_said && tier_only(kb, &answers) == Tier::Emergency {
            emergency_said = true;
            let left = kb.items.iter().filter(|i| should_ask(kb, i, &answers) && answers.get(&i.id).is_none()).count();
            let msg = format!(
                "That answer is an emergency sign. Get to an emergency department or call your emergency number now. \
                 {} so you can tell them everything; press Ctrl-C to stop now if you are getting help.",
                match left {
                    0 => "There are no more questions".to_string(),
                    1 => "One safety question is left".to_string(),
                    n => format!("{n} safety questions are left"),
                }
            );
            writeln!(p.out, "\n{}", paint(style::tier(Tier::Emergency), " ! "))?;
            writeln!(p.out, "{}", paint(style::tier_text(Tier::Emergency), &style::wrap(&msg, width, "", "")))?;
        }
    }

    // Coaching only when triage allows it, and only if the person wants it.
    let tier = tier_only(kb, &answers);
    if !spotter_coach::causes::coaching_allowed(tier) {
        return Ok((answers, false));
    }
    let offer = if tier == Tier::SelfCare {
        "No warning sign needs a doctor. Go on to find out why your back took the load and get your leg-day plan?"
    } else {
        "Book a professional (see below). Meanwhile, go on to see what may have caused it and get gentle movement for now?"
    };
    let go_on = spotter_kb::Item {
        id: "go_on_to_plan".into(),
        section: String::new(),
        kind: ItemKind::Bool,
        question: offer.into(),
        help: None,
        safety_critical: false,
        ask_if: None,
        required_if: None,
        say: None,
        sources: Vec::new(),
        coaching: true,
    };
    writeln!(p.out)?;
    if p.ask(&go_on, number + 1, false)? != Some(Answer::Bool(true)) {
        return Ok((answers, false));
    }
    for item in kb.items.iter().filter(|i| i.coaching) {
        if let Some(c) = &item.ask_if
            && !eval::holds(c, &answers)
        {
            continue;
        }
        number += 1;
        p.ask_in_section(kb, item, number, &mut section, &mut answers)?;
    }
    Ok((answers, true))
}

/// Whether the question can still matter: safety-critical items always; follow-ups only when
/// their condition holds; others only while some rule reading them is above the tier reached.
fn should_ask(kb: &Kb, item: &Item, answers: &Answers) -> bool {
    if let Some(c) = &item.ask_if
        && !eval::holds(c, answers)
    {
        return false;
    }
    // Safety-critical items, and follow-ups the answers so far make necessary, are always asked,
    // so that saved answers are complete for `spotter triage`.
    if item.safety_critical || item.required_if.as_ref().is_some_and(|c| eval::holds(c, answers)) {
        return true;
    }
    kb.max_tier_reading(&item.id).is_some_and(|max| max > tier_only(kb, answers))
}

struct Prompter<'o, R> {
    input: R,
    out: &'o mut dyn Write,
    /// Write each answer after its prompt (when the answers are piped in), so the transcript reads.
    echo: bool,
    width: usize,
}

impl<'k, R: BufRead> Prompter<'_, R> {
    /// Prints the section heading when `item` starts a new section, then asks it and records the
    /// answer.
    fn ask_in_section(&mut self, kb: &'k Kb, item: &'k Item, number: usize, section: &mut Option<&'k str>, answers: &mut Answers) -> anyhow::Result<()> {
        if *section != Some(item.section.as_str()) {
            *section = Some(&item.section);
            if let Some(s) = kb.section(&item.section) {
                writeln!(self.out, "\n{}", paint(style::HEADING, &s.title))?;
                if let Some(intro) = &s.intro {
                    writeln!(self.out, "{}", style::wrap(intro, self.width, "", ""))?;
                }
            }
        }
        let must = item.safety_critical || item.required_if.as_ref().is_some_and(|c| eval::holds(c, answers));
        if let Some(answer) = self.ask(item, number, must)? {
            answers.set_unchecked(&item.id, answer);
        }
        Ok(())
    }

    /// Asks one question until it gets a valid answer. `None`: skipped (only for items that are
    /// not safety-critical).
    fn ask(&mut self, item: &Item, number: usize, must_answer: bool) -> anyhow::Result<Option<Answer>> {
        writeln!(self.out)?;
        let q = style::wrap(&item.question, self.width, &format!("{number:>2}. "), "    ");
        writeln!(self.out, "{}", paint(style::BOLD, &q))?;
        self.help(item)?;
        if let ItemKind::Choice { values } | ItemKind::Multi { values } = &item.kind {
            for (i, c) in values.iter().enumerate() {
                writeln!(self.out, "      {}) {}", i + 1, c.label)?;
            }
        }
        loop {
            write!(self.out, "    {} ", paint(style::PROMPT, &format!("{} >", hint(item, must_answer))))?;
            self.out.flush()?;
            let mut line = String::new();
            let n = self.input.read_line(&mut line)?;
            if n == 0 {
                writeln!(self.out)?;
                return Err(input_error(format!(
                    "the answers ended before question `{}` was answered; no result is given without every safety question",
                    item.id
                )));
            }
            let reply = line.trim();
            if self.echo {
                writeln!(self.out, "{reply}")?;
            }
            if reply == "?" {
                self.help(item)?;
                continue;
            }
            if reply.eq_ignore_ascii_case("skip") {
                if must_answer {
                    writeln!(
                        self.out,
                        "{}",
                        style::wrap(
                            "This question matters for your safety, so it cannot be skipped. If you are not sure, answer y: a doctor can check it quickly.",
                            self.width,
                            "    ",
                            "    "
                        )
                    )?;
                    continue;
                }
                return Ok(None);
            }
            match parse_reply(item, reply) {
                Ok(a) => return Ok(Some(a)),
                Err(msg) => writeln!(self.out, "    {}", paint(style::ERROR, &msg))?,
            }
        }
    }

    fn help(&mut self, item: &Item) -> std::io::Result<()> {
        if let Some(h) = &item.help {
            writeln!(self.out, "{}", paint(style::DIM, &style::wrap(h, self.width, "    ", "    ")))?;
        }
        Ok(())
    }
}

/// What the prompt says is expected.
fn hint(item: &Item, must_answer: bool) -> String {
    let skip = if must_answer { "" } else { ", or skip" };
    match &item.kind {
        ItemKind::Bool => format!("y/n{skip}"),
        ItemKind::Integer { min, max, .. } => format!("{min}-{max}{skip}"),
        ItemKind::Number { min, max, .. } => format!("{min}-{max}{skip}"),
        ItemKind::Choice { values } => format!("1-{}{skip}", values.len()),
        ItemKind::Multi { values } => format!("numbers 1-{} separated by commas, 0 for none{skip}", values.len()),
    }
}

/// Reads one reply; the error says what to type instead.
pub fn parse_reply(item: &Item, reply: &str) -> Result<Answer, String> {
    let lower = reply.to_ascii_lowercase();
    match &item.kind {
        ItemKind::Bool => match lower.as_str() {
            "y" | "yes" | "true" => Ok(Answer::Bool(true)),
            "n" | "no" | "false" => Ok(Answer::Bool(false)),
            _ => Err("Please answer y (yes) or n (no).".into()),
        },
        ItemKind::Integer { min, max, unit } => {
            let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            match lower.parse::<i64>() {
                Ok(n) if (*min..=*max).contains(&n) => Ok(Answer::Integer(n)),
                _ => Err(format!("Please type a whole number from {min} to {max}{unit}.")),
            }
        }
        ItemKind::Number { min, max, unit } => {
            let unit = unit.as_deref().map(|u| format!(" {u}")).unwrap_or_default();
            match lower.parse::<f64>() {
                Ok(x) if x.is_finite() && (*min..=*max).contains(&x) => Ok(Answer::Number(x)),
                _ => Err(format!("Please type a number from {min} to {max}{unit}.")),
            }
        }
        ItemKind::Choice { values } => pick(values, &lower)
            .map(|i| Answer::Choice(values[i].id.clone()))
            .ok_or_else(|| format!("Please type a number from 1 to {}.", values.len())),
        ItemKind::Multi { values } => {
            if matches!(lower.as_str(), "0" | "none") {
                return Ok(Answer::Multi(Vec::new()));
            }
            let mut picked = Vec::new();
            for part in lower.split([',', ' ']).filter(|s| !s.is_empty()) {
                match pick(values, part) {
                    Some(i) => picked.push(i),
                    None => {
                        return Err(format!(
                            "`{part}` is not on the list. Type the numbers of all that fit, separated by commas (e.g. 1,3), or 0 for none."
                        ));
                    }
                }
            }
            if picked.is_empty() {
                return Err("Type the numbers of all that fit, separated by commas (e.g. 1,3), or 0 for none.".into());
            }
            Ok(Answer::Multi(
                values.iter().enumerate().filter(|(i, _)| picked.contains(i)).map(|(_, c)| c.id.clone()).collect(),
            ))
        }
    }
}

/// A choice by its number (1-based), its id, or its label.
fn pick(values: &[spotter_kb::Choice], reply: &str) -> Option<usize> {
    if let Ok(n) = reply.parse::<usize>() {
        return (1..=values.len()).contains(&n).then(|| n - 1);
    }
    values.iter().position(|c| c.id == reply || c.label.eq_ignore_ascii_case(reply))
}
