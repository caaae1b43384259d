//! Spotter's triage engine: answers in, the tier and every fired rule out. Pure library: no IO,
//! no clock, no randomness, so the same answers always give the same result.
//!
//! The rules live in the knowledge base (`spotter-kb`, `data/triage/rules.toml`); this crate reads
//! answers ([`intake`]), evaluates the rules' conditions ([`eval`]) and says what follows.

pub mod analysis_file;
pub mod eval;
pub mod intake;

pub use analysis_file::{AnalysisFileError, MAX_ANALYSIS_BYTES, merge_analysis_json};
pub use intake::{
    Answer, Answers, IntakeError, MAX_ANSWERS_BYTES, Problem, check_answer, parse_answers_json, parse_complete_answers_json,
    require_safety_critical,
};
pub use spotter_kb::Tier;

use spotter_kb::{Item, Kb, Rule, TierInfo};

/// A rule that fired, with the items whose answers fired it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fired<'kb> {
    pub rule: &'kb Rule,
    pub items: Vec<&'kb str>,
}

/// The outcome of triage.
#[derive(Debug, Clone, PartialEq)]
pub struct Triage<'kb> {
    /// The most urgent tier among the fired rules; `self_care` when none of E, U or P fired.
    pub tier: Tier,
    /// Every fired rule, most urgent tier first, then in knowledge-base order.
    pub fired: Vec<Fired<'kb>>,
    /// What the person is told for this tier.
    pub info: &'kb TierInfo,
    /// For `emergency`: what to say when calling for help, with the symptoms filled in.
    pub call_script: Option<String>,
}

/// Runs every rule over the answers.
pub fn triage<'kb>(kb: &'kb Kb, answers: &Answers) -> Triage<'kb> {
    let mut fired: Vec<Fired<'kb>> = kb
        .rules
        .iter()
        .filter(|r| eval::holds(&r.when, answers))
        .map(|rule| {
            let mut items = Vec::new();
            eval::items_that_fired(&rule.when, answers, &mut items);
            Fired { rule, items }
        })
        .collect();
    // A rule that says `unless` gives way to the more urgent rule that replaces it.
    let ids: Vec<&str> = fired.iter().map(|f| f.rule.id.as_str()).collect();
    let replaced: Vec<bool> = fired.iter().map(|f| f.rule.unless.iter().any(|u| ids.contains(&u.as_str()))).collect();
    let mut replaced = replaced.into_iter();
    fired.retain(|_| !replaced.next().unwrap_or(false));
    // Stable: within a tier the knowledge base's order is kept.
    fired.sort_by_key(|f| std::cmp::Reverse(f.rule.tier));
    let tier = fired.iter().map(|f| f.rule.tier).max().unwrap_or(Tier::SelfCare);
    // Self-care notes speak to a self-care result ("on its own it does not need a doctor"); with a
    // more urgent result they would contradict it, so they are left out.
    if tier > Tier::SelfCare {
        fired.retain(|f| f.rule.tier > Tier::SelfCare);
    }
    let info = kb.tier_info(tier);
    let call_script = info.call_script.as_ref().map(|script| {
        let mut concerns: Vec<&str> = Vec::new();
        for c in fired.iter().filter(|f| f.rule.tier == Tier::Emergency).filter_map(|f| f.rule.concern.as_deref()) {
            if !concerns.contains(&c) {
                concerns.push(c);
            }
        }
        let concerns = if concerns.is_empty() { "a serious problem".to_string() } else { join_words(&concerns) };
        script.replace("{symptoms}", &symptom_list(kb, answers, &fired)).replace("{concerns}", &concerns)
    });
    Triage { tier, fired, info, call_script }
}

/// The fired findings in the words a person can say on the phone: a rule's own `say`, or else
/// for each firing item the `say` of the value answered, or of the item; in order, without repeats.
fn symptom_list(kb: &Kb, answers: &Answers, fired: &[Fired<'_>]) -> String {
    let mut phrases: Vec<&str> = Vec::new();
    for f in fired.iter().filter(|f| f.rule.tier > Tier::SelfCare) {
        let own: Vec<&str> = match &f.rule.say {
            Some(s) => vec![s.as_str()],
            None => f.items.iter().filter_map(|id| kb.item(id).and_then(|i| item_say(i, answers.get(id)))).collect(),
        };
        for p in own {
            if !phrases.contains(&p) {
                phrases.push(p);
            }
        }
    }
    join_words(&phrases)
}

fn item_say<'kb>(item: &'kb Item, answer: Option<&Answer>) -> Option<&'kb str> {
    let value_say = match answer {
        Some(Answer::Choice(v)) => item.kind.choices().iter().find(|c| c.id == *v).and_then(|c| c.say.as_deref()),
        _ => None,
    };
    value_say.or(item.say.as_deref())
}

/// "a", "a and b", "a, b and c".
pub fn join_words(parts: &[&str]) -> String {
    match parts {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// An unanswered item that could make the result more urgent once answered.
#[derive(Debug, Clone, PartialEq)]
pub struct CouldRaise<'kb> {
    pub item: &'kb Item,
    /// The most urgent tier of a rule that answering it (possibly with other unanswered items)
    /// could fire.
    pub up_to: Tier,
}

/// Unanswered items that could raise the tier above `current`: for every rule more urgent than
/// `current` that does not fire, if some answers to the unanswered items it reads could make it
/// fire, those items are listed. Combinations are covered: sciatica in both legs needs both the
/// spread and the side, and both are listed when both are missing. A follow-up whose `ask_if`
/// the answers already rule out is left out. In the knowledge base's order.
pub fn could_raise<'kb>(kb: &'kb Kb, answers: &Answers, current: Tier) -> Vec<CouldRaise<'kb>> {
    let mut up_to: Vec<(usize, Tier)> = Vec::new();
    for rule in kb.rules.iter().filter(|r| r.tier > current) {
        let mut needed = Vec::new();
        if eval::could_hold(&rule.when, answers, &mut needed) {
            for id in needed {
                let Some(pos) = kb.items.iter().position(|i| i.id == id) else { continue };
                // A follow-up whose condition the answers already rule out does not apply (the
                // check does not ask it), so it is not named as missing.
                if kb.items[pos].ask_if.as_ref().is_some_and(|c| !eval::could_hold(c, answers, &mut Vec::new())) {
                    continue;
                }
                match up_to.iter_mut().find(|(p, _)| *p == pos) {
                    Some((_, t)) => *t = (*t).max(rule.tier),
                    None => up_to.push((pos, rule.tier)),
                }
            }
        }
    }
    up_to.sort_by_key(|(pos, _)| *pos);
    up_to.into_iter().map(|(pos, tier)| CouldRaise { item: &kb.items[pos], up_to: tier }).collect()
}

/// Only the tier: the rules, without collecting items or texts.
pub fn tier_only(kb: &Kb, answers: &Answers) -> Tier {
    kb.rules.iter().filter(|r| eval::holds(&r.when, answers)).map(|r| r.tier).max().unwrap_or(Tier::SelfCare)
}
