//! Loading of the coaching files (causes, exercises, drills, evidence, plan rules), cross-checked
//! against each other and against the intake items.

use crate::coach::{
    Cause, CauseKind, Coaching, CooldownRules, Cue, DailyRules, Dose, Drill, DrillKind, DrillRule, Evidence, Exercise,
    Measured, Pattern, PlanRules, TimedDrill, WarmupRules,
};
use crate::error::{KbError, SourceText};
use crate::load::{ItemTable, check_sources, condition, is_snake_id, parse, span};
use crate::model::Item;
use crate::raw;
use std::collections::HashSet;
use toml::Spanned;

type Result<T> = std::result::Result<T, KbError>;

/// The coaching files, each with its name for error messages.
pub(crate) struct CoachSources<'a> {
    pub causes: SourceText<'a>,
    pub exercises: SourceText<'a>,
    pub drills: SourceText<'a>,
    pub evidence: SourceText<'a>,
    pub plan: SourceText<'a>,
    pub measured: SourceText<'a>,
}

pub(crate) fn coaching(files: &CoachSources<'_>, items: &[Item], known: &HashSet<&str>) -> Result<Coaching> {
    let causes = causes(&files.causes, known)?;
    let cause_ids: HashSet<&str> = causes.iter().map(|c| c.id.as_str()).collect();
    let exercises = exercises(&files.exercises, known, &cause_ids)?;
    check_exercise_items(&files.exercises, items, &exercises)?;
    let drills = drills(&files.drills, known, &cause_ids)?;
    let evidence = evidence(&files.evidence, items, &cause_ids)?;
    let plan = plan(&files.plan, known, &cause_ids, &drills, items)?;
    let measured = measured(&files.measured, items, &cause_ids)?;
    Ok(Coaching { exercises, causes, drills, evidence, plan, measured })
}

fn unique<'a>(src: &SourceText<'_>, seen: &mut HashSet<String>, what: &str, id: &'a Spanned<String>) -> Result<&'a str> {
    let key = format!("{what}[{}].id", id.get_ref());
    if !is_snake_id(id.get_ref()) {
        return Err(src.error(key, span(id), "ids are lower-case words joined by `_`"));
    }
    if !seen.insert(id.get_ref().clone()) {
        return Err(src.error(key, span(id), format!("{what} `{}` is defined twice", id.get_ref())));
    }
    Ok(id.get_ref())
}

fn known_causes(src: &SourceText<'_>, key: &str, list: &[Spanned<String>], causes: &HashSet<&str>) -> Result<Vec<String>> {
    list.iter()
        .map(|c| {
            if causes.contains(c.get_ref().as_str()) {
                Ok(c.get_ref().clone())
            } else {
                Err(src.error(key, span(c), format!("unknown cause `{}` (not in coach/causes.toml)", c.get_ref())))
            }
        })
        .collect()
}

fn non_empty(src: &SourceText<'_>, key: String, text: &Spanned<String>) -> Result<String> {
    if text.get_ref().trim().is_empty() {
        return Err(src.error(key, span(text), "this text is empty"));
    }
    Ok(text.get_ref().clone())
}

fn causes(src: &SourceText<'_>, known: &HashSet<&str>) -> Result<Vec<Cause>> {
    let file: raw::CausesFile = parse(src)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for c in &file.cause {
        let c = c.get_ref();
        let id = unique(src, &mut seen, "cause", &c.id)?;
        let key = format!("cause[{id}]");
        let kind = match c.kind.get_ref().as_str() {
            "technique" => CauseKind::Technique,
            "foundation" => CauseKind::Foundation,
            other => {
                return Err(src.error(format!("{key}.kind"), span(&c.kind), format!("unknown kind `{other}` (expected technique or foundation)")));
            }
        };
        out.push(Cause {
            id: id.to_string(),
            kind,
            name: c.name.clone(),
            mechanism: non_empty(src, format!("{key}.mechanism"), &c.mechanism)?,
            change_today: non_empty(src, format!("{key}.change_today"), &c.change_today)?,
            train_over_weeks: non_empty(src, format!("{key}.train_over_weeks"), &c.train_over_weeks)?,
            sources: check_sources(src, &format!("{key}.sources"), &c.sources, known)?,
        });
    }
    Ok(out)
}

fn exercises(src: &SourceText<'_>, known: &HashSet<&str>, causes: &HashSet<&str>) -> Result<Vec<Exercise>> {
    let file: raw::ExercisesFile = parse(src)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for e in &file.exercise {
        let e = e.get_ref();
        let id = unique(src, &mut seen, "exercise", &e.id)?;
        let key = format!("exercise[{id}]");
        let Some(pattern) = Pattern::from_id(e.pattern.get_ref()) else {
            return Err(src.error(
                format!("{key}.pattern"),
                span(&e.pattern),
                format!("unknown pattern `{}` (expected squat, hinge, lunge, machine or bridge)", e.pattern.get_ref()),
            ));
        };
        let cues = e
            .cues
            .iter()
            .map(|c| Ok(Cue { text: c.text.clone(), causes: known_causes(src, &format!("{key}.cues"), &c.causes, causes)? }))
            .collect::<Result<Vec<_>>>()?;
        out.push(Exercise {
            id: id.to_string(),
            name: e.name.clone(),
            pattern,
            spinal_load: e.spinal_load.clone(),
            faults: known_causes(src, &format!("{key}.faults"), &e.faults, causes)?,
            cues,
            sources: check_sources(src, &format!("{key}.sources"), &e.sources, known)?,
        });
    }
    Ok(out)
}

/// The values of the exercise items must be exactly the exercise ids, so an answer always names
/// an exercise Spotter knows.
fn check_exercise_items(src: &SourceText<'_>, items: &[Item], exercises: &[Exercise]) -> Result<()> {
    let ids: Vec<&str> = exercises.iter().map(|e| e.id.as_str()).collect();
    for item_id in ["exercises_today", "pain_exercise"] {
        let Some(item) = items.iter().find(|i| i.id == item_id) else {
            return Err(src.error("exercise", None, format!("the intake item `{item_id}` is missing from coach/items.toml")));
        };
        let values: Vec<&str> = item.kind.choices().iter().map(|c| c.id.as_str()).collect();
        if values != ids {
            return Err(src.error(
                "exercise",
                None,
                format!("the values of `{item_id}` in coach/items.toml must be the exercise ids, in the same order ({})", ids.join(", ")),
            ));
        }
    }
    Ok(())
}

fn drills(src: &SourceText<'_>, known: &HashSet<&str>, causes: &HashSet<&str>) -> Result<Vec<Drill>> {
    let file: raw::DrillsFile = parse(src)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for d in &file.drill {
        let d = d.get_ref();
        let id = unique(src, &mut seen, "drill", &d.id)?;
        let key = format!("drill[{id}]");
        let Some(kind) = DrillKind::from_id(d.kind.get_ref()) else {
            return Err(src.error(
                format!("{key}.kind"),
                span(&d.kind),
                format!("unknown kind `{}` (expected dynamic, static, strength or habit)", d.kind.get_ref()),
            ));
        };
        let timed = matches!(kind, DrillKind::Dynamic | DrillKind::Static);
        if timed && d.seconds.is_none() {
            return Err(src.error(format!("{key}.seconds"), span(&d.id), format!("a {} drill needs `seconds`", kind.id())));
        }
        if kind == DrillKind::Strength && d.seconds.is_none() && d.reps.is_none() {
            return Err(src.error(format!("{key}.reps"), span(&d.id), "a strength drill needs `reps` or `seconds`"));
        }
        if [d.seconds, d.reps, d.sets, d.hold_seconds].contains(&Some(0)) {
            return Err(src.error(key, span(&d.id), "doses must be above zero"));
        }
        out.push(Drill {
            id: id.to_string(),
            name: d.name.clone(),
            kind,
            dose: Dose { seconds: d.seconds, reps: d.reps, sets: d.sets, hold_seconds: d.hold_seconds, per_side: d.per_side },
            cues: d.cues.clone(),
            serves: known_causes(src, &format!("{key}.serves"), &d.serves, causes)?,
            avoid_when: d.avoid_when.clone(),
            sources: check_sources(src, &format!("{key}.sources"), &d.sources, known)?,
        });
    }
    Ok(out)
}

fn evidence(src: &SourceText<'_>, items: &[Item], causes: &HashSet<&str>) -> Result<Vec<Evidence>> {
    let file: raw::EvidenceFile = parse(src)?;
    let table = ItemTable { items };
    file.evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let e = e.get_ref();
            let key = format!("evidence[{i}]");
            let cause = known_causes(src, &format!("{key}.cause"), std::slice::from_ref(&e.cause), causes)?.remove(0);
            if *e.points.get_ref() == 0 {
                return Err(src.error(format!("{key}.points"), span(&e.points), "points must be at least 1"));
            }
            Ok(Evidence {
                cause,
                points: *e.points.get_ref(),
                says: e.says.clone(),
                when: condition(src, &format!("{key}.when"), &e.when, &table, true)?,
            })
        })
        .collect()
}

fn drill_of_kind<'d>(src: &SourceText<'_>, key: &str, id: &Spanned<String>, drills: &'d [Drill], kinds: &[DrillKind]) -> Result<&'d Drill> {
    let Some(d) = drills.iter().find(|d| d.id == *id.get_ref()) else {
        return Err(src.error(key, span(id), format!("unknown drill `{}` (not in coach/drills.toml)", id.get_ref())));
    };
    if !kinds.contains(&d.kind) {
        let want: Vec<&str> = kinds.iter().map(|k| k.id()).collect();
        return Err(src.error(key, span(id), format!("`{}` is a {} drill; this list takes {}", d.id, d.kind.id(), want.join(" or "))));
    }
    Ok(d)
}

fn timed(src: &SourceText<'_>, key: &str, list: &[Spanned<raw::RawTimed>], drills: &[Drill], causes: &HashSet<&str>) -> Result<Vec<TimedDrill>> {
    list.iter()
        .map(|t| {
            let r = t.get_ref();
            drill_of_kind(src, &format!("{key}.drill"), &r.drill, drills, &[DrillKind::Dynamic])?;
            if r.seconds == 0 {
                return Err(src.error(format!("{key}.seconds"), span(t), "seconds must be above zero"));
            }
            let when_cause = match &r.when_cause {
                Some(c) => Some(known_causes(src, &format!("{key}.when_cause"), std::slice::from_ref(c), causes)?.remove(0)),
                None => None,
            };
            Ok(TimedDrill { drill: r.drill.get_ref().clone(), seconds: r.seconds, when_cause })
        })
        .collect()
}

/// Total time of a timed template, in seconds, counting both sides of per-side drills.
pub(crate) fn total_seconds(list: &[TimedDrill], drills: &[Drill]) -> u32 {
    list.iter()
        .map(|t| {
            let sides = if drills.iter().any(|d| d.id == t.drill && d.dose.per_side) { 2 } else { 1 };
            t.seconds * sides
        })
        .sum()
}

fn plan(src: &SourceText<'_>, known: &HashSet<&str>, causes: &HashSet<&str>, drills: &[Drill], items: &[Item]) -> Result<PlanRules> {
    let file: raw::PlanFile = parse(src)?;
    let w = &file.warmup;
    let (lo, def, hi) = (*w.min_minutes.get_ref(), *w.default_minutes.get_ref(), *w.max_minutes.get_ref());
    if !(0.0 < lo && lo <= def && def <= hi && hi.is_finite()) {
        return Err(src.error("warmup.default_minutes", span(&w.default_minutes), "expected 0 < min_minutes <= default_minutes <= max_minutes"));
    }
    let template = timed(src, "warmup.template", &w.template, drills, causes)?;
    let template_seconds = total_seconds(&template, drills);
    if f64::from(template_seconds) != (def * 60.0).round() {
        return Err(src.error(
            "warmup.template",
            span(&w.default_minutes),
            format!("the template adds up to {template_seconds} s, but default_minutes is {def} ({} s)", def * 60.0),
        ));
    }
    if !(w.boost_per_cause.get_ref().is_finite() && *w.boost_per_cause.get_ref() >= 0.0) {
        return Err(src.error("warmup.boost_per_cause", span(&w.boost_per_cause), "expected a number of at least 0"));
    }
    let warmup = WarmupRules {
        default_minutes: def,
        min_minutes: lo,
        max_minutes: hi,
        template,
        extras: timed(src, "warmup.extras", &w.extras, drills, causes)?,
        boost_per_cause: *w.boost_per_cause.get_ref(),
        top_causes: w.top_causes,
        gentle: timed(src, "warmup.gentle", &w.gentle, drills, causes)?,
    };
    if !warmup.template.iter().chain(&warmup.gentle).any(|t| !drills.iter().any(|d| d.id == t.drill && d.dose.per_side)) {
        return Err(src.error("warmup.template", None, "the warm-up needs a drill that is not per side, to take odd seconds"));
    }

    let c = &file.cooldown;
    let statics = [DrillKind::Static];
    let cooldown_template = c
        .template
        .iter()
        .map(|id| drill_of_kind(src, "cooldown.template", id, drills, &statics).map(|d| d.id.clone()))
        .collect::<Result<Vec<_>>>()?;
    let rules = |key: &str, list: &[Spanned<raw::RawDrillRule>], swap: bool| -> Result<Vec<DrillRule>> {
        list.iter()
            .map(|r| {
                let r = r.get_ref();
                drill_of_kind(src, &format!("{key}.drill"), &r.drill, drills, &statics)?;
                let when_cause = known_causes(src, &format!("{key}.when_cause"), std::slice::from_ref(&r.when_cause), causes)?.remove(0);
                let instead_of = match (&r.instead_of, swap) {
                    (Some(i), true) => Some(drill_of_kind(src, &format!("{key}.instead_of"), i, drills, &statics)?.id.clone()),
                    (None, true) => return Err(src.error(key, span(&r.drill), "a swap needs `instead_of`")),
                    (Some(i), false) => return Err(src.error(format!("{key}.instead_of"), span(i), "`instead_of` belongs in `swap`")),
                    (None, false) => None,
                };
                Ok(DrillRule { drill: r.drill.get_ref().clone(), when_cause, instead_of })
            })
            .collect()
    };
    let cooldown = CooldownRules { template: cooldown_template, add: rules("cooldown.add", &c.add, false)?, swap: rules("cooldown.swap", &c.swap, true)? };

    let strength = file
        .strength
        .template
        .iter()
        .map(|id| drill_of_kind(src, "strength.template", id, drills, &[DrillKind::Strength]).map(|d| d.id.clone()))
        .collect::<Result<Vec<_>>>()?;

    let d = &file.daily;
    if !(15..=120).contains(&d.sitting_break_minutes) {
        return Err(src.error("daily.sitting_break_minutes", None, "expected 15 to 120 minutes"));
    }
    drill_of_kind(src, "daily.nerve_floss_drill", &d.nerve_floss_drill, drills, &[DrillKind::Habit])?;
    let daily = DailyRules {
        sitting_break_minutes: d.sitting_break_minutes,
        nerve_floss_drill: d.nerve_floss_drill.get_ref().clone(),
        nerve_evidence: condition(src, "daily.nerve_evidence", &d.nerve_evidence, &ItemTable { items }, true)?,
    };
    if !drills.iter().any(|x| x.id == "sitting_break" && x.kind == DrillKind::Habit) {
        return Err(src.error("daily", None, "coach/drills.toml needs the habit drill `sitting_break`"));
    }

    let mut sources = Vec::new();
    for (key, list) in [
        ("warmup.sources", &w.sources),
        ("cooldown.sources", &c.sources),
        ("strength.sources", &file.strength.sources),
        ("daily.sources", &d.sources),
    ] {
        for s in check_sources(src, key, list, known)? {
            if !sources.contains(&s) {
                sources.push(s);
            }
        }
    }
    Ok(PlanRules { warmup, cooldown, strength, daily, sources })
}

fn measured(src: &SourceText<'_>, items: &[Item], causes: &HashSet<&str>) -> Result<Vec<Measured>> {
    let file: raw::MeasuredFile = parse(src)?;
    let observations: Vec<&str> = items
        .iter()
        .find(|i| i.id == "observations")
        .map(|i| i.kind.choices().iter().map(|c| c.id.as_str()).collect())
        .unwrap_or_default();
    file.measured
        .iter()
        .map(|m| {
            let m = m.get_ref();
            let key = format!("measured[{}]", m.fault.get_ref());
            let observation = match &m.observation {
                Some(o) if !observations.contains(&o.get_ref().as_str()) => {
                    return Err(src.error(format!("{key}.observation"), span(o), format!("`{}` is not a value of `observations`", o.get_ref())));
                }
                o => o.as_ref().map(|o| o.get_ref().clone()),
            };
            let cause = match &m.cause {
                Some(c) => Some(known_causes(src, &format!("{key}.cause"), std::slice::from_ref(c), causes)?.remove(0)),
                None => None,
            };
            Ok(Measured { fault: m.fault.get_ref().clone(), observation, cause })
        })
        .collect()
}
