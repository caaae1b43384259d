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
use spotter_app::questionnaire::{must_answer, offered_values, should_ask};
use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;

/// The longest reply read from one line of input, in bytes. A reply is a word or a few numbers;
/// a longer line means the input is not a person typing (a device, a binary file).
pub const MAX_REPLY_BYTES: usize = 4096;

/// Wrong replies in a row to one question before a piped-in script is given up on (a person at a
/// terminal is asked again for as long as they like).
const MAX_WRONG_PIPED_REPLIES: usize = 20;

pub fn run(kb: &Kb, a: &CheckArgs) -> anyhow::Result<()> {
    if let Some(path) = &a.save {
        crate::output::check_file("--save", path)?;
    }
    if let Some(path) = &a.save
        && path.exists()
        && !a.force
    {
        return Err(input_error(format!(
            "{} already exists; choose another file for --save, or add --force to replace it",
            path.display()
        )));
    }
    // Check the analysis file before any question too, so a bad file costs no typing.
    crate::merge_analysis(kb, &mut Answers::new(), a.analysis.as_deref())?;
    let stdin = std::io::stdin();
    let echo = !stdin.is_terminal();
    let json = a.format == Format::Json;
    let mut prompts: Box<dyn Write> = if json { Box::new(anstream::stderr()) } else { Box::new(anstream::stdout()) };
    let mut session = Session::new(kb, stdin.lock(), &mut *prompts, echo);
    session.intro()?;
    let mut out = anstream::stdout();
    let finished = loop {
        match session.run()? {
            Stop::Done { coached } => break Finished::Questions { coached },
            Stop::Emergency => {
                // An emergency never waits: the result now, whatever else is left unasked.
                if json {
                    render::write_result(&mut out, kb, &session.answers, Format::Json)?;
                    break Finished::Emergency;
                }
                let text = rendered(|w| render::write_result(w, kb, &session.answers, Format::Text))?;
                session.p.out.write_all(&text)?;
                if session.offer_back_after_emergency()? {
                    continue;
                }
                break Finished::Emergency;
            }
        }
    };
    let answers = session.answers.clone();
    drop(session);
    drop(prompts);
    let mut answers = answers;
    let coached = matches!(finished, Finished::Questions { coached: true });
    if coached {
        crate::merge_analysis(kb, &mut answers, a.analysis.as_deref())?;
    }
    match finished {
        Finished::Emergency => {}
        Finished::Questions { .. } if json => {
            if coached {
                write_coached_json(&mut out, kb, &answers)?;
            } else {
                render::write_result(&mut out, kb, &answers, Format::Json)?;
            }
        }
        Finished::Questions { .. } => {
            if coached {
                let plan = spotter_coach::make_plan(kb, &answers, None)?;
                coach_out::write_summary(&mut out, kb, &plan)?;
                let stdin = std::io::stdin();
                let mut input = stdin.lock();
                if offer_full_result(&mut input, &mut out, echo)? {
                    render::write_result(&mut out, kb, &answers, Format::Text)?;
                    writeln!(out)?;
                    coach_out::write_plan(&mut out, kb, &plan, Format::Text)?;
                }
            } else {
                render::write_result(&mut out, kb, &answers, Format::Text)?;
            }
        }
    }
    let tier = tier_only(kb, &answers);
    if let Some(path) = &a.save {
        save_answers(path, &answers, a.force)?;
    }
    // The diary: with --record at once; otherwise offered at the end of a check in words (never
    // at an emergency, where nothing should stand between the person and the phone).
    let record = a.record || (!json && !matches!(finished, Finished::Emergency) && {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        offer_diary(&mut input, &mut out, echo)?
    });
    if record {
        let date = crate::diary::today();
        let book = crate::diary::open_book(&a.db)?;
        let result = serde_json::to_string_pretty(&spotter_app::triage(kb, &answers).doc)?;
        book.record_check(kb, date, answers.clone(), &result).map_err(crate::diary::app_error)?;
        let said = format!("Saved in your diary for {}: `spotter diary status` reads your later days against it.", date.in_words());
        if json {
            writeln!(anstream::stderr(), "{said}")?;
        } else {
            writeln!(out, "{}", paint(style::DIM, &style::wrap(&said, style::width(), "", "")))?;
        }
    }
    let note = closing_note(a.save.as_deref(), tier);
    if note.is_empty() {
        return Ok(());
    }
    if json {
        writeln!(anstream::stderr(), "{note}")?;
    } else {
        writeln!(out, "\n{}", style::wrap(&note, style::width(), "", ""))?;
    }
    Ok(())
}

enum Finished {
    Questions { coached: bool },
    Emergency,
}

/// What a text writer wrote, as bytes (so it can go to the prompt stream).
fn rendered(f: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<Vec<u8>> {
    let mut buf = Vec::new();
    f(&mut buf)?;
    Ok(buf)
}

/// Where the answers are and what to run next: the card and the warm-up timer when there is a
/// plan to train with, the triage result again otherwise.
fn closing_note(saved: Option<&Path>, tier: Tier) -> String {
    let file = saved.map(|p| p.display().to_string());
    let name = file.clone().unwrap_or_else(|| "answers.json".to_string());
    let keep = match &file {
        Some(f) => format!("Your answers are saved in {f}. "),
        // At an emergency, nothing should stand between the person and the phone.
        None if tier == Tier::Emergency => return String::new(),
        None => "To keep these answers, run `spotter check --save answers.json`. ".to_string(),
    };
    if tier == Tier::Emergency {
        return keep.trim_end().to_string();
    }
    let next = if spotter_coach::causes::coaching_allowed(tier) {
        format!(
            "Next: `spotter plan --answers {name} --card card.pdf` makes a one-page card of your plan to take to the gym, \
             and `spotter warmup --answers {name}` runs the warm-up with a timer."
        )
    } else {
        format!("`spotter triage --answers {name}` shows this result again.")
    };
    keep + &next
}

/// Writes the answers whole or not at all (a temporary file in the same folder, renamed). Without
/// `--force` a file that appeared while the person was answering is not replaced.
fn save_answers(path: &Path, answers: &Answers, force: bool) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(&answers.to_json())? + "\n";
    if force {
        crate::output::write_atomic("--save", path, text.as_bytes())
    } else {
        crate::output::write_new("--save", path, text.as_bytes())
    }
}

/// The triage document with a `plan` field added.
fn write_coached_json(out: &mut dyn Write, kb: &Kb, answers: &Answers) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &spotter_app::check_with_plan(kb, answers)?)?;
    writeln!(out)?;
    Ok(())
}

/// Why [`Session::run`] stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// Every question that can matter was asked; `coached`: the person went on to the cause finder.
    Done { coached: bool },
    /// The last answer made this an emergency: show the result now.
    Emergency,
}

/// One question of the check, in the order they are asked.
#[derive(Clone, Copy)]
enum Step<'k> {
    Triage(&'k Item),
    /// "Go on to the cause finder and plan?"
    GoOn,
    Coaching(&'k Item),
}

/// The questionnaire: the questions in order, the answers so far and the way back through them.
pub struct Session<'k, 'o, R> {
    kb: &'k Kb,
    p: Prompter<'o, R>,
    steps: Vec<Step<'k>>,
    pos: usize,
    pub answers: Answers,
    /// The questions answered (or skipped), each with the answers from before it: "back" returns
    /// to the last one and undoes it.
    history: Vec<(usize, Answers, bool)>,
    go_on: bool,
    go_on_item: Item,
    section: Option<&'k str>,
}

impl<'k, 'o, R: BufRead> Session<'k, 'o, R> {
    pub fn new(kb: &'k Kb, input: R, out: &'o mut dyn Write, echo: bool) -> Self {
        let width = style::width();
        let mut steps: Vec<Step<'k>> = kb.items.iter().filter(|i| !i.coaching).map(Step::Triage).collect();
        steps.push(Step::GoOn);
        steps.extend(kb.items.iter().filter(|i| i.coaching).map(Step::Coaching));
        let go_on_item = spotter_kb::Item {
            id: "go_on_to_plan".into(),
            section: String::new(),
            kind: ItemKind::Bool,
            question: String::new(),
            help: None,
            safety_critical: false,
            ask_if: None,
            required_if: None,
            offer_from: None,
            say: None,
            sources: Vec::new(),
            coaching: true,
        };
        Session {
            kb,
            p: Prompter { input, out, echo, width },
            steps,
            pos: 0,
            answers: Answers::new(),
            history: Vec::new(),
            go_on: false,
            go_on_item,
            section: None,
        }
    }

    pub fn intro(&mut self) -> std::io::Result<()> {
        writeln!(self.p.out, "{}", paint(style::BOLD, "Spotter check: does this back pain need a doctor, and how soon?"))?;
        let intro = "A few questions, one at a time. Answer y or n, a number, or the number of a choice. \
                     Type ? to see the help again, or b to go back and change your last answer. If you feel very \
                     unwell right now, stop and call your emergency number.";
        writeln!(self.p.out, "{}", style::wrap(intro, self.p.width, "", ""))
    }

    /// Whether the step at `pos` is asked, given the answers so far.
    fn applies(&self, step: Step<'_>) -> bool {
        match step {
            Step::Triage(item) => should_ask(self.kb, item, &self.answers),
            Step::GoOn => spotter_coach::causes::coaching_allowed(tier_only(self.kb, &self.answers)),
            Step::Coaching(item) => self.go_on && item.ask_if.as_ref().is_none_or(|c| eval::holds(c, &self.answers)),
        }
    }

    /// Asks the questions from where the session is, until all that can matter are answered or
    /// an answer makes this an emergency.
    pub fn run(&mut self) -> anyhow::Result<Stop> {
        while self.pos < self.steps.len() {
            let step = self.steps[self.pos];
            if !self.applies(step) {
                self.pos += 1;
                continue;
            }
            let number = self.history.len() + 1;
            let before = (self.answers.clone(), self.go_on);
            let reply = match step {
                Step::Triage(item) | Step::Coaching(item) => {
                    self.heading(item)?;
                    let must = must_answer(item, &self.answers);
                    let offered = offered_values(item, &self.answers);
                    self.p.ask(item, offered.as_deref(), number, must, !self.history.is_empty())?
                }
                Step::GoOn => {
                    let tier = tier_only(self.kb, &self.answers);
                    self.go_on_item.question = if tier == Tier::SelfCare {
                        "No warning sign needs a doctor. Go on to find out why your back took the load and get your leg-day plan?"
                    } else {
                        "Book a professional (see below). Meanwhile, go on to see what may have caused it and get gentle movement for now?"
                    }
                    .into();
                    writeln!(self.p.out)?;
                    let item = self.go_on_item.clone();
                    self.p.ask(&item, None, number, false, !self.history.is_empty())?
                }
            };
            match reply {
                Reply::Back => {
                    if let Some((pos, answers, go_on)) = self.history.pop() {
                        self.pos = pos;
                        self.answers = answers;
                        self.go_on = go_on;
                        self.section = None;
                        writeln!(self.p.out, "{}", paint(style::DIM, "    Back to the question before."))?;
                    }
                    continue;
                }
                Reply::Answer(answer) => {
                    match (step, answer) {
                        (Step::GoOn, a) => {
                            self.go_on = a == Some(Answer::Bool(true));
                            if !self.go_on {
                                self.history.push((self.pos, before.0, before.1));
                                return Ok(Stop::Done { coached: false });
                            }
                        }
                        (Step::Triage(item) | Step::Coaching(item), Some(a)) => self.answers.set_unchecked(&item.id, a),
                        (_, None) => {}
                    }
                    self.history.push((self.pos, before.0, before.1));
                    self.pos += 1;
                    if matches!(step, Step::Triage(_)) && tier_only(self.kb, &self.answers) == Tier::Emergency {
                        return Ok(Stop::Emergency);
                    }
                }
            }
        }
        Ok(Stop::Done { coached: self.go_on })
    }

    /// After the emergency result was shown: a way back for an answer typed by mistake. The
    /// result stands if the person types anything else, presses Enter, or the input ends.
    pub fn offer_back_after_emergency(&mut self) -> anyhow::Result<bool> {
        writeln!(self.p.out)?;
        let msg = "Typed that last answer by mistake? Type b to go back and change it. Otherwise press Enter: the result above stands.";
        writeln!(self.p.out, "{}", style::wrap(msg, self.p.width, "", ""))?;
        write!(self.p.out, "    {} ", paint(style::PROMPT, "Enter or b >"))?;
        self.p.out.flush()?;
        let Some(reply) = read_reply(&mut self.p.input)? else {
            writeln!(self.p.out)?;
            return Ok(false);
        };
        let reply = reply.trim();
        if self.p.echo {
            writeln!(self.p.out, "{reply}")?;
        }
        if is_back(reply)
            && let Some((pos, answers, go_on)) = self.history.pop()
        {
            self.pos = pos;
            self.answers = answers;
            self.go_on = go_on;
            self.section = None;
            return Ok(true);
        }
        Ok(false)
    }

    /// Prints the section heading when `item` starts a new section.
    fn heading(&mut self, item: &'k Item) -> std::io::Result<()> {
        if self.section != Some(item.section.as_str()) {
            self.section = Some(&item.section);
            if let Some(s) = self.kb.section(&item.section) {
                writeln!(self.p.out, "\n{}", paint(style::HEADING, &s.title))?;
                if let Some(intro) = &s.intro {
                    writeln!(self.p.out, "{}", style::wrap(intro, self.p.width, "", ""))?;
                }
            }
        }
        Ok(())
    }
}

fn is_back(reply: &str) -> bool {
    matches!(reply.to_ascii_lowercase().as_str(), "b" | "back" | "<")
}

/// One line of input, at most [`MAX_REPLY_BYTES`]; `None` at the end of the input.
fn read_reply<B: BufRead>(input: &mut B) -> anyhow::Result<Option<String>> {
    let mut buf = Vec::new();
    std::io::Read::take(input, MAX_REPLY_BYTES as u64 + 1).read_until(b'\n', &mut buf)?;
    if buf.is_empty() {
        return Ok(None);
    }
    if buf.len() > MAX_REPLY_BYTES && !buf.ends_with(b"\n") {
        return Err(input_error(format!(
            "a reply longer than {MAX_REPLY_BYTES} bytes came in: the input is not answers typed one per line; no result is given"
        )));
    }
    match String::from_utf8(buf) {
        Ok(s) if !s.contains('\0') => Ok(Some(s)),
        _ => Err(input_error("the input is not text (a reply has bytes that are not UTF-8, or NUL bytes); no result is given")),
    }
}

/// An offer at the end of the check: `prompt`, then one reply; `true` when the reply is one of
/// `yes` (after trimming, any case). Enter or the end of the input declines.
fn offer(input: &mut impl BufRead, out: &mut dyn Write, echo: bool, prompt: &str, yes: &[&str]) -> anyhow::Result<bool> {
    writeln!(out)?;
    write!(out, "    {} ", paint(style::PROMPT, prompt))?;
    out.flush()?;
    let Some(reply) = read_reply(input)? else {
        writeln!(out)?;
        return Ok(false);
    };
    let reply = reply.trim().to_ascii_lowercase();
    if echo {
        writeln!(out, "{reply}")?;
    }
    Ok(yes.contains(&reply.as_str()))
}

/// The offer to keep the check in the diary: s (or save, y, yes).
fn offer_diary(input: &mut impl BufRead, out: &mut dyn Write, echo: bool) -> anyhow::Result<bool> {
    offer(input, out, echo, "s to save this check in your diary, or Enter to finish >", &["s", "save", "y", "yes"])
}

/// The offer of the whole result after the short summary: f (or full, y, yes, more).
fn offer_full_result(input: &mut impl BufRead, out: &mut dyn Write, echo: bool) -> anyhow::Result<bool> {
    offer(input, out, echo, "f for the full result here, or Enter to finish >", &["f", "full", "y", "yes", "more"])
}

struct Prompter<'o, R> {
    input: R,
    out: &'o mut dyn Write,
    /// Write each answer after its prompt (when the answers are piped in), so the transcript reads.
    echo: bool,
    width: usize,
}

/// What the person typed at a question.
enum Reply {
    /// An answer, or `None` for a skipped question.
    Answer(Option<Answer>),
    /// Go back to the previous question.
    Back,
}

impl<R: BufRead> Prompter<'_, R> {
    /// Asks one question until it gets a valid answer, a skip (only for items that are not
    /// safety-critical) or "back" (when there is a question before). `offered`: the choices to
    /// show instead of all of the item's.
    fn ask(&mut self, item: &Item, offered: Option<&[spotter_kb::Choice]>, number: usize, must_answer: bool, can_go_back: bool) -> anyhow::Result<Reply> {
        writeln!(self.out)?;
        let q = style::wrap(&item.question, self.width, &format!("{number:>2}. "), "    ");
        writeln!(self.out, "{}", paint(style::BOLD, &q))?;
        self.help(item)?;
        let shown: Option<Item> = offered.map(|values| {
            let mut it = item.clone();
            it.kind = ItemKind::Choice { values: values.to_vec() };
            it
        });
        let item = shown.as_ref().unwrap_or(item);
        if let ItemKind::Choice { values } | ItemKind::Multi { values } = &item.kind {
            for (i, c) in values.iter().enumerate() {
                writeln!(self.out, "      {}) {}", i + 1, c.label)?;
            }
        }
        let mut wrong = 0;
        loop {
            write!(self.out, "    {} ", paint(style::PROMPT, &format!("{} >", hint(item, must_answer))))?;
            self.out.flush()?;
            let Some(line) = read_reply(&mut self.input)? else {
                writeln!(self.out)?;
                return Err(input_error(format!(
                    "the answers ended before question `{}` was answered; no result is given without every safety question",
                    item.id
                )));
            };
            let reply = line.trim();
            if self.echo {
                writeln!(self.out, "{reply}")?;
            }
            if reply == "?" {
                self.help(item)?;
                continue;
            }
            if is_back(reply) {
                if can_go_back {
                    return Ok(Reply::Back);
                }
                writeln!(self.out, "    {}", paint(style::DIM, "This is the first question: there is nothing to go back to."))?;
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
                return Ok(Reply::Answer(None));
            }
            match parse_reply(item, reply) {
                Ok(a) => return Ok(Reply::Answer(Some(a))),
                Err(msg) => {
                    writeln!(self.out, "    {}", paint(style::ERROR, &msg))?;
                    wrong += 1;
                    if self.echo && wrong >= MAX_WRONG_PIPED_REPLIES {
                        return Err(input_error(format!(
                            "{wrong} replies in a row to question `{}` were not answers to it; the piped-in answers do not fit the questions, so no result is given",
                            item.id
                        )));
                    }
                }
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

/// Reads one reply; the error says what to type instead. A choice is read against the choices
/// `item` has (the ones offered).
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
