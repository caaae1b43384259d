//! What the card says: the plan and the knowledge base turned into short, ready-to-print strings
//! (doses, clock times, the red-flag list), serialized as JSON for the typst template. All wording
//! decisions live here, so they can be tested without rendering.

use serde::Serialize;
use spotter_coach::{BlockId, Plan, PlanItem};
use spotter_kb::{Condition, Kb, Tier};

/// The card's title, the same on every card.
pub const TITLE: &str = "Leg-day plan";

/// Everything the template prints, already worded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Card {
    pub title: String,
    pub subtitle: String,
    pub tier: TierLine,
    /// Whether the card carries training blocks (`self_care` and `see_professional`).
    pub coaching: bool,
    /// Printed above the blocks (`see_professional`: book a professional).
    pub advice: Option<String>,
    /// What to do now (`urgent` and `emergency` only: the tier's steps).
    pub steps: Vec<String>,
    /// Why the tier was given, as rule titles (`urgent` and `emergency` only).
    pub findings: Vec<String>,
    /// What to say when calling for help (`emergency` only).
    pub call_script: Option<String>,
    /// The strongest causes found, best first (at most [`MAX_CAUSES`]).
    pub causes: Vec<CauseLine>,
    pub warmup: Option<Warmup>,
    pub lifts: Option<Section<Lift>>,
    pub cooldown: Option<Section<Line>>,
    pub strength: Option<Section<Line>>,
    pub daily: Option<Section<Line>>,
    pub red_flags: RedFlags,
    pub disclaimer: String,
}

/// How many causes the card names.
pub const MAX_CAUSES: usize = 3;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierLine {
    pub id: &'static str,
    pub label: String,
    pub headline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseLine {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Warmup {
    pub title: String,
    /// Total time, "m:ss".
    pub total: String,
    pub items: Vec<WarmupLine>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WarmupLine {
    /// When to start this drill on a stopwatch started at the first one, "m:ss".
    pub start: String,
    pub name: String,
    /// How long: "1:00", "45 s" or "30 s each side".
    pub dose: String,
    /// The drill's first cue.
    pub cue: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Section<T> {
    pub title: String,
    pub items: Vec<T>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lift {
    pub name: String,
    pub cues: Vec<String>,
}

/// A drill or habit on one line: name, dose, and an optional note and caution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Line {
    pub name: String,
    pub dose: String,
    pub note: Option<String>,
    pub caution: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedFlags {
    pub heading: String,
    /// Each sign on its own, in the second person.
    pub signs: Vec<String>,
    /// What to do: the emergency tier's headline.
    pub action: String,
}

/// Words the card is built from that are not in the knowledge base: headings only.
const SUBTITLE: &str = "Warm-up, cues and recovery for a sore lower back";
const SUBTITLE_NO_TRAINING: &str = "No training plan today: get checked first";
const RED_FLAG_HEADING: &str = "Stop and get help now if you have any of these";
const GENTLE_TITLE: &str = "Gentle mobility";

impl Card {
    /// Words the plan for the card. Only `self_care` and `see_professional` plans carry blocks;
    /// for `urgent` and `emergency` the card holds the triage message and the red flags only,
    /// whatever the plan holds.
    pub fn new(kb: &Kb, plan: &Plan<'_>) -> Card {
        let tier = plan.triage.tier;
        let info = plan.triage.info;
        let coaching = matches!(tier, Tier::SelfCare | Tier::SeeProfessional);
        let mut card = Card {
            title: TITLE.to_owned(),
            subtitle: if coaching { SUBTITLE } else { SUBTITLE_NO_TRAINING }.to_owned(),
            tier: TierLine { id: tier.id(), label: info.label.clone(), headline: info.headline.clone() },
            coaching,
            advice: None,
            steps: Vec::new(),
            findings: Vec::new(),
            call_script: None,
            causes: Vec::new(),
            warmup: None,
            lifts: None,
            cooldown: None,
            strength: None,
            daily: None,
            red_flags: red_flags(kb),
            disclaimer: kb.disclaimer.clone(),
        };
        if !coaching {
            card.steps = info.steps.clone();
            card.findings = plan.triage.fired.iter().map(|f| f.rule.title.clone()).collect();
            card.call_script = plan.triage.call_script.clone();
            return card;
        }
        if tier == Tier::SeeProfessional {
            card.advice = plan.advice.clone();
        }
        card.causes = plan
            .causes
            .iter()
            .take(MAX_CAUSES)
            .map(|c| CauseLine { name: c.cause.name.clone() })
            .collect();
        for block in &plan.blocks {
            let title = if block.id == BlockId::Warmup && tier == Tier::SeeProfessional {
                GENTLE_TITLE.to_owned()
            } else {
                block.id.title().to_owned()
            };
            match block.id {
                BlockId::Warmup => card.warmup = Some(warmup(title, &block.items)),
                BlockId::ExerciseCues => {
                    let items = block
                        .items
                        .iter()
                        .map(|i| Lift {
                            name: i.name.to_owned(),
                            cues: i.cues.iter().map(|c| (*c).to_owned()).collect(),
                        })
                        .collect();
                    card.lifts = Some(Section { title, items });
                }
                BlockId::Cooldown => card.cooldown = Some(Section { title, items: lines(&block.items) }),
                BlockId::Strength => card.strength = Some(Section { title, items: lines(&block.items) }),
                BlockId::Daily => card.daily = Some(Section { title, items: lines(&block.items) }),
            }
        }
        card
    }

    /// The card as the JSON document the template reads.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a card is plain strings and lists")
    }
}

fn warmup(title: String, items: &[PlanItem<'_>]) -> Warmup {
    let mut at = 0u32;
    let items = items
        .iter()
        .map(|i| {
            let line = WarmupLine {
                start: clock(at),
                name: i.name.to_owned(),
                dose: dose(i),
                cue: i.cues.first().map(|c| (*c).to_owned()),
            };
            at += i.total_seconds().unwrap_or(0);
            line
        })
        .collect();
    Warmup { title, total: clock(at), items }
}

fn lines(items: &[PlanItem<'_>]) -> Vec<Line> {
    items
        .iter()
        .map(|i| Line {
            name: i.name.to_owned(),
            dose: dose(i),
            note: i.cues.first().map(|c| (*c).to_owned()),
            caution: i.caution.map(str::to_owned),
        })
        .collect()
}

/// Seconds as a clock reading, "m:ss".
pub fn clock(seconds: u32) -> String {
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// A duration for people: "45 s" under a minute, "1:30" from a minute on.
pub fn duration(seconds: u32) -> String {
    if seconds < 60 { format!("{seconds} s") } else { clock(seconds) }
}

/// The dose of an item in short words: "1:00", "30 s each side", "2 × 12", "5 × 8 s hold each
/// side", "3 × 30 s", "every 30 min". Empty when the item has no dose (cues of a lift).
pub fn dose(item: &PlanItem<'_>) -> String {
    if let Some(minutes) = item.interval_minutes {
        return format!("every {minutes} min");
    }
    let sets = item.sets.filter(|&s| s > 1).map(|s| format!("{s} × "));
    let one = match (item.reps, item.seconds, item.hold_seconds) {
        (Some(reps), _, Some(hold)) => format!("{reps} × {hold} s hold"),
        (Some(reps), _, None) => reps.to_string(),
        (None, Some(s), _) if sets.is_some() => format!("{s} s"),
        (None, Some(s), _) => duration(s),
        (None, None, _) => return String::new(),
    };
    let side = if item.per_side { " each side" } else { "" };
    format!("{}{one}{side}", sets.unwrap_or_default())
}

/// The red-flag box: every single answer that on its own makes an emergency, in the knowledge
/// base's words (`say`, turned to the second person), in rule order without repeats.
pub fn red_flags(kb: &Kb) -> RedFlags {
    let mut signs: Vec<String> = Vec::new();
    let mut push = |s: &str| {
        let s = second_person(s);
        if !signs.contains(&s) {
            signs.push(s);
        }
    };
    for rule in kb.rules.iter().filter(|r| r.tier == Tier::Emergency) {
        if let Some(say) = &rule.say {
            push(say);
            continue;
        }
        let leaves: Vec<&Condition> = match &rule.when {
            Condition::Any(children) => children.iter().collect(),
            leaf => vec![leaf],
        };
        for leaf in leaves {
            for say in leaf_says(kb, leaf) {
                push(say);
            }
        }
    }
    RedFlags { heading: RED_FLAG_HEADING.to_owned(), signs, action: kb.tier_info(Tier::Emergency).headline.clone() }
}

/// The `say` texts of a condition that holds on one answer alone; none for combinations.
fn leaf_says<'kb>(kb: &'kb Kb, c: &Condition) -> Vec<&'kb str> {
    match c {
        Condition::Is { item, expected: true } => kb.item(item).and_then(|i| i.say.as_deref()).into_iter().collect(),
        Condition::In { item, values, .. } | Condition::HasAny { item, values } => kb
            .item(item)
            .map(|i| {
                i.kind
                    .choices()
                    .iter()
                    .filter(|ch| values.contains(&ch.id))
                    .filter_map(|ch| ch.say.as_deref())
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Turns the first-person words Spotter suggests for a call ("numbness in my groin") into the
/// card's second person ("numbness in your groin").
pub fn second_person(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        out.push_str(match word.as_str() {
            "my" => "your",
            "My" => "Your",
            "I" => "you",
            "me" => "you",
            "am" => "are",
            "I'm" => "you're",
            w => w,
        });
        word.clear();
    };
    for ch in s.chars() {
        if ch.is_alphanumeric() || ch == '\'' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    out
}
