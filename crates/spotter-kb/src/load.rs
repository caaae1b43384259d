//! Conversion of the raw TOML mirrors into validated knowledge, with errors that carry file, key
//! and line.

use crate::error::{KbError, SourceText};
use crate::model::{Choice, Condition, Item, ItemKind, Rule, Section, Source, Tier, TierInfo};
use crate::raw;
use std::collections::{HashMap, HashSet};
use toml::Spanned;

type Result<T> = std::result::Result<T, KbError>;

pub(crate) fn parse<T: serde::de::DeserializeOwned>(src: &SourceText<'_>) -> Result<T> {
    toml::from_str(src.text).map_err(|e| src.toml_error(&e))
}

pub(crate) fn span<T>(s: &Spanned<T>) -> Option<std::ops::Range<usize>> {
    Some(s.span())
}

pub(crate) fn is_snake_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

pub(crate) fn sources(src: &SourceText<'_>) -> Result<Vec<Source>> {
    let file: raw::SourcesFile = parse(src)?;
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for s in file.source {
        let s = s.into_inner();
        let id = s.id.get_ref().clone();
        let key = format!("source[{id}]");
        if !is_snake_id(&id) {
            return Err(src.error(format!("{key}.id"), span(&s.id), "ids are lower-case words joined by `_`"));
        }
        if !seen.insert(id.clone()) {
            return Err(src.error(format!("{key}.id"), span(&s.id), format!("source `{id}` is defined twice")));
        }
        if s.title.get_ref().trim().is_empty() {
            return Err(src.error(format!("{key}.title"), span(&s.title), "a source needs a title"));
        }
        out.push(Source {
            id,
            title: s.title.into_inner(),
            publisher: s.publisher,
            year: s.year,
            url: s.url,
            note: s.note,
        });
    }
    Ok(out)
}

/// Checks a list of source ids against the known sources; at least one is required.
pub(crate) fn check_sources(
    src: &SourceText<'_>,
    key: &str,
    list: &Spanned<Vec<Spanned<String>>>,
    known: &HashSet<&str>,
) -> Result<Vec<String>> {
    if list.get_ref().is_empty() {
        return Err(src.error(key, span(list), "every fact needs at least one source"));
    }
    list.get_ref()
        .iter()
        .map(|s| {
            if known.contains(s.get_ref().as_str()) {
                Ok(s.get_ref().clone())
            } else {
                Err(src.error(key, span(s), format!("unknown source `{}` (not in sources.toml)", s.get_ref())))
            }
        })
        .collect()
}

#[derive(Default)]
pub(crate) struct ItemsOut {
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
}

/// Loads one items file, appending to the items and sections already loaded (ids are unique
/// across files, and a follow-up may depend on any item loaded before it).
pub(crate) fn items(src: &SourceText<'_>, known_sources: &HashSet<&str>, loaded: ItemsOut, coaching: bool) -> Result<ItemsOut> {
    let file: raw::ItemsFile = parse(src)?;
    let ItemsOut { mut sections, mut items } = loaded;
    for s in file.section {
        let s = s.into_inner();
        let id = s.id.get_ref().clone();
        if sections.iter().any(|x: &Section| x.id == id) {
            return Err(src.error(format!("section[{id}].id"), span(&s.id), format!("section `{id}` is defined twice")));
        }
        sections.push(Section { id, title: s.title, intro: s.intro });
    }

    for it in file.item {
        let it = it.into_inner();
        let id = it.id.get_ref().clone();
        let key = format!("item[{id}]");
        if !is_snake_id(&id) {
            return Err(src.error(format!("{key}.id"), span(&it.id), "ids are lower-case words joined by `_`"));
        }
        if items.iter().any(|x| x.id == id) {
            return Err(src.error(format!("{key}.id"), span(&it.id), format!("item `{id}` is defined twice")));
        }
        if !sections.iter().any(|s| s.id == *it.section.get_ref()) {
            return Err(src.error(
                format!("{key}.section"),
                span(&it.section),
                format!("unknown section `{}`", it.section.get_ref()),
            ));
        }
        if it.question.get_ref().trim().is_empty() {
            return Err(src.error(format!("{key}.question"), span(&it.question), "the question is empty"));
        }
        let kind = item_kind(src, &key, &it)?;
        let sources = check_sources(src, &format!("{key}.sources"), &it.sources, known_sources)?;
        let ask_if = match &it.ask_if {
            None => None,
            Some(c) => {
                // A follow-up may only depend on items asked before it.
                let earlier = ItemTable { items: &items };
                Some(condition(src, &format!("{key}.ask_if"), c, &earlier, false)?)
            }
        };
        let required_if = match &it.required_if {
            None => None,
            Some(c) => {
                let earlier = ItemTable { items: &items };
                Some(condition(src, &format!("{key}.required_if"), c, &earlier, false)?)
            }
        };
        let offer_from = match &it.offer_from {
            None => None,
            Some(from) => {
                let name = from.get_ref();
                let bad = |m: String| Err(src.error(format!("{key}.offer_from"), span(from), m));
                let Some(other) = items.iter().find(|x| x.id == *name) else {
                    return bad(format!("`{name}` is not an item defined before `{id}`"));
                };
                let (ItemKind::Choice { values }, ItemKind::Multi { values: theirs }) = (&kind, &other.kind) else {
                    return bad(format!("`offer_from` needs a choice item and a multi item; `{id}` or `{name}` is not"));
                };
                if let Some(v) = theirs.iter().find(|t| !values.iter().any(|c| c.id == t.id)) {
                    return bad(format!("`{name}` has the value `{}` that `{id}` does not", v.id));
                }
                Some(name.clone())
            }
        };
        items.push(Item {
            id,
            section: it.section.into_inner(),
            kind,
            question: it.question.into_inner(),
            help: it.help,
            safety_critical: it.safety_critical.unwrap_or(false),
            ask_if,
            required_if,
            offer_from,
            say: it.say,
            sources,
            coaching,
        });
    }
    Ok(ItemsOut { sections, items })
}

fn item_kind(src: &SourceText<'_>, key: &str, it: &raw::RawItem) -> Result<ItemKind> {
    let kind = it.kind.get_ref().as_str();
    if !matches!(kind, "bool" | "integer" | "number" | "choice" | "multi") {
        return Err(src.error(
            format!("{key}.kind"),
            span(&it.kind),
            format!("unknown kind `{kind}` (expected bool, integer, number, choice or multi)"),
        ));
    }
    let numeric = matches!(kind, "integer" | "number");
    let with_values = matches!(kind, "choice" | "multi");
    if !numeric {
        for (name, v) in [("min", &it.min), ("max", &it.max)] {
            if let Some(v) = v {
                return Err(src.error(format!("{key}.{name}"), span(v), format!("`{name}` only applies to integer and number items")));
            }
        }
    }
    if !with_values && let Some(v) = &it.values {
        return Err(src.error(format!("{key}.values"), span(v), "`values` only applies to choice and multi items"));
    }
    match kind {
        "bool" => Ok(ItemKind::Bool),
        "integer" | "number" => {
            let (Some(min), Some(max)) = (&it.min, &it.max) else {
                return Err(src.error(format!("{key}.kind"), span(&it.kind), format!("a {kind} item needs `min` and `max`")));
            };
            let (lo, hi) = (*min.get_ref(), *max.get_ref());
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(src.error(format!("{key}.max"), span(max), "`max` must be a number not below `min`"));
            }
            if kind == "integer" {
                for (name, v) in [("min", min), ("max", max)] {
                    if v.get_ref().fract() != 0.0 {
                        return Err(src.error(format!("{key}.{name}"), span(v), "an integer item needs whole-number bounds"));
                    }
                }
                Ok(ItemKind::Integer { min: lo as i64, max: hi as i64, unit: it.unit.clone() })
            } else {
                Ok(ItemKind::Number { min: lo, max: hi, unit: it.unit.clone() })
            }
        }
        "choice" | "multi" => {
            let Some(values) = &it.values else {
                return Err(src.error(format!("{key}.kind"), span(&it.kind), format!("a {kind} item needs `values`")));
            };
            if values.get_ref().len() < 2 {
                return Err(src.error(format!("{key}.values"), span(values), "give at least two values"));
            }
            let mut out: Vec<Choice> = Vec::new();
            for v in values.get_ref() {
                let v = v.get_ref();
                let vid = v.id.get_ref();
                if !is_snake_id(vid) {
                    return Err(src.error(format!("{key}.values"), span(&v.id), "value ids are lower-case words joined by `_`"));
                }
                if out.iter().any(|c| c.id == *vid) {
                    return Err(src.error(format!("{key}.values"), span(&v.id), format!("value `{vid}` is listed twice")));
                }
                out.push(Choice { id: vid.clone(), label: v.label.clone(), say: v.say.clone() });
            }
            Ok(if kind == "choice" { ItemKind::Choice { values: out } } else { ItemKind::Multi { values: out } })
        }
        _ => unreachable!("kind checked above"),
    }
}

/// Item lookup for validating conditions.
pub(crate) struct ItemTable<'a> {
    pub items: &'a [Item],
}

impl ItemTable<'_> {
    fn get(&self, id: &str) -> Option<&Item> {
        self.items.iter().find(|i| i.id == id)
    }
}

/// Validates one condition. `allow_negative`: whether `is = false` may be used (only in rules that
/// cannot raise the tier).
pub(crate) fn condition(
    src: &SourceText<'_>,
    key: &str,
    c: &Spanned<raw::RawCondition>,
    items: &ItemTable<'_>,
    allow_negative: bool,
) -> Result<Condition> {
    let r = c.get_ref();
    let ops: Vec<&str> = [
        ("is", r.is.is_some()),
        ("eq", r.eq.is_some()),
        ("in", r.in_.is_some()),
        ("has_any", r.has_any.is_some()),
        ("ge", r.ge.is_some()),
        ("gt", r.gt.is_some()),
        ("lt", r.lt.is_some()),
        ("le", r.le.is_some()),
        ("all", r.all.is_some()),
        ("any", r.any.is_some()),
    ]
    .into_iter()
    .filter_map(|(n, present)| present.then_some(n))
    .collect();
    if ops.len() != 1 {
        return Err(src.error(
            key,
            span(c),
            format!(
                "a condition needs exactly one of is, eq, in, has_any, ge, gt, lt, le, all, any (found {})",
                if ops.is_empty() { "none".to_string() } else { ops.join(", ") }
            ),
        ));
    }
    let op = ops[0];
    if let Some(list) = r.all.as_ref().or(r.any.as_ref()) {
        if r.item.is_some() || r.if_unanswered.is_some() {
            return Err(src.error(key, span(c), format!("`{op}` combines conditions; it takes no `item` or `if_unanswered`")));
        }
        if list.get_ref().is_empty() {
            return Err(src.error(format!("{key}.{op}"), span(list), format!("`{op}` needs at least one condition")));
        }
        let parts = list
            .get_ref()
            .iter()
            .enumerate()
            .map(|(i, sub)| condition(src, &format!("{key}.{op}[{i}]"), sub, items, allow_negative))
            .collect::<Result<Vec<_>>>()?;
        return Ok(if op == "all" { Condition::All(parts) } else { Condition::Any(parts) });
    }

    let Some(item_id) = &r.item else {
        return Err(src.error(key, span(c), format!("`{op}` needs an `item`")));
    };
    let Some(item) = items.get(item_id.get_ref()) else {
        return Err(src.error(
            format!("{key}.item"),
            span(item_id),
            format!("unknown item `{}` (not defined before this point in items.toml)", item_id.get_ref()),
        ));
    };
    let id = item.id.clone();
    let wrong_kind = |wanted: &str| {
        src.error(
            format!("{key}.{op}"),
            span(c),
            format!("`{op}` needs a {wanted} item, but `{id}` is {}", item.kind.name()),
        )
    };
    let if_unanswered = match &r.if_unanswered {
        Some(u) if !matches!(op, "eq" | "in" | "ge" | "gt" | "lt" | "le") => {
            return Err(src.error(format!("{key}.if_unanswered"), span(u), "`if_unanswered` only applies to eq, in, ge, gt, lt and le"));
        }
        Some(u) => *u.get_ref(),
        None => false,
    };
    let check_values = |list: &[&Spanned<String>]| -> Result<Vec<String>> {
        list.iter()
            .map(|v| {
                if item.kind.choices().iter().any(|c| c.id == *v.get_ref()) {
                    Ok(v.get_ref().clone())
                } else {
                    let allowed: Vec<&str> = item.kind.choices().iter().map(|c| c.id.as_str()).collect();
                    Err(src.error(
                        format!("{key}.{op}"),
                        span(v),
                        format!("`{}` is not a value of `{id}` (allowed: {})", v.get_ref(), allowed.join(", ")),
                    ))
                }
            })
            .collect()
    };
    match op {
        "is" => {
            let is = r.is.as_ref().expect("op is `is`");
            if item.kind != ItemKind::Bool {
                return Err(wrong_kind("bool"));
            }
            if !*is.get_ref() && !allow_negative {
                return Err(src.error(
                    format!("{key}.is"),
                    span(is),
                    "`is = false` is not allowed here: a negative condition could lower the tier when one more symptom is reported",
                ));
            }
            Ok(Condition::Is { item: id, expected: *is.get_ref() })
        }
        "eq" | "in" => {
            if !matches!(item.kind, ItemKind::Choice { .. }) {
                return Err(wrong_kind("choice"));
            }
            let list: Vec<&Spanned<String>> = match (&r.eq, &r.in_) {
                (Some(v), _) => vec![v],
                (_, Some(vs)) => vs.get_ref().iter().collect(),
                _ => unreachable!("op is eq or in"),
            };
            if list.is_empty() {
                return Err(src.error(format!("{key}.in"), span(c), "`in` needs at least one value"));
            }
            let values = check_values(&list)?;
            Ok(Condition::In { item: id, values, if_unanswered })
        }
        "has_any" => {
            if !matches!(item.kind, ItemKind::Multi { .. }) {
                return Err(wrong_kind("multi"));
            }
            let vs = r.has_any.as_ref().expect("op is has_any");
            let list: Vec<&Spanned<String>> = vs.get_ref().iter().collect();
            if list.is_empty() {
                return Err(src.error(format!("{key}.has_any"), span(vs), "`has_any` needs at least one value"));
            }
            let values = check_values(&list)?;
            Ok(Condition::HasAny { item: id, values })
        }
        "ge" | "gt" | "lt" | "le" => {
            let below = matches!(op, "lt" | "le");
            if below && !allow_negative {
                return Err(src.error(
                    format!("{key}.{op}"),
                    span(c),
                    format!("`{op}` is not allowed here: a \"less than\" condition could lower the tier when a worse value is reported"),
                ));
            }
            let t = r.ge.as_ref().or(r.gt.as_ref()).or(r.lt.as_ref()).or(r.le.as_ref()).expect("op is a comparison");
            let (lo, hi) = match &item.kind {
                ItemKind::Integer { min, max, .. } => (*min as f64, *max as f64),
                ItemKind::Number { min, max, .. } => (*min, *max),
                _ => return Err(wrong_kind("integer or number")),
            };
            let v = *t.get_ref();
            if !(lo..=hi).contains(&v) {
                return Err(src.error(
                    format!("{key}.{op}"),
                    span(t),
                    format!("threshold {v} is outside the range of `{id}` ({lo}..={hi})"),
                ));
            }
            let strict = matches!(op, "gt" | "lt");
            Ok(if below {
                Condition::AtMost { item: id, threshold: v, strict, if_unanswered }
            } else {
                Condition::AtLeast { item: id, threshold: v, strict, if_unanswered }
            })
        }
        _ => unreachable!("all operators handled"),
    }
}

pub(crate) struct TiersOut {
    pub tiers: Vec<TierInfo>,
    pub disclaimer: String,
}

pub(crate) fn tiers(src: &SourceText<'_>, known_sources: &HashSet<&str>) -> Result<TiersOut> {
    let file: raw::TiersFile = parse(src)?;
    if file.disclaimer.get_ref().trim().is_empty() {
        return Err(src.error("disclaimer", span(&file.disclaimer), "the disclaimer is empty"));
    }
    let mut out: Vec<TierInfo> = Vec::new();
    for t in &file.tier {
        let t = t.get_ref();
        let key = format!("tier[{}]", t.id.get_ref());
        let Some(tier) = Tier::from_id(t.id.get_ref()) else {
            return Err(src.error(
                format!("{key}.id"),
                span(&t.id),
                format!("unknown tier `{}` (expected emergency, urgent, see_professional or self_care)", t.id.get_ref()),
            ));
        };
        if out.iter().any(|x| x.tier == tier) {
            return Err(src.error(format!("{key}.id"), span(&t.id), format!("tier `{tier}` is defined twice")));
        }
        let call_script = match &t.call_script {
            Some(s) if tier != Tier::Emergency => {
                return Err(src.error(format!("{key}.call_script"), span(s), "only the emergency tier has a call script"));
            }
            Some(s) if !s.get_ref().contains("{symptoms}") => {
                return Err(src.error(format!("{key}.call_script"), span(s), "the call script must contain `{symptoms}`"));
            }
            Some(s) => Some(s.get_ref().clone()),
            None if tier == Tier::Emergency => {
                return Err(src.error(key.clone(), span(&t.id), "the emergency tier needs a `call_script`"));
            }
            None => None,
        };
        if t.steps.is_empty() {
            return Err(src.error(format!("{key}.steps"), span(&t.id), "give at least one next step"));
        }
        out.push(TierInfo {
            tier,
            label: t.label.clone(),
            headline: t.headline.clone(),
            steps: t.steps.clone(),
            call_script,
            sources: check_sources(src, &format!("{key}.sources"), &t.sources, known_sources)?,
        });
    }
    if let Some(missing) = Tier::ALL.into_iter().find(|t| !out.iter().any(|x| x.tier == *t)) {
        return Err(src.error("tier", None, format!("tier `{missing}` is missing")));
    }
    out.sort_by_key(|t| std::cmp::Reverse(t.tier));
    Ok(TiersOut { tiers: out, disclaimer: file.disclaimer.into_inner() })
}

pub(crate) fn rules(src: &SourceText<'_>, items: &[Item], known_sources: &HashSet<&str>) -> Result<Vec<Rule>> {
    let file: raw::RulesFile = parse(src)?;
    let table = ItemTable { items };
    let mut out: Vec<Rule> = Vec::new();
    let mut seen: HashMap<String, ()> = HashMap::new();
    for r in &file.rule {
        let r = r.get_ref();
        let id = r.id.get_ref().clone();
        let key = format!("rule[{id}]");
        let Some(tier) = Tier::from_id(r.tier.get_ref()) else {
            return Err(src.error(
                format!("{key}.tier"),
                span(&r.tier),
                format!("unknown tier `{}` (expected emergency, urgent, see_professional or self_care)", r.tier.get_ref()),
            ));
        };
        let mut chars = id.chars();
        let letter_ok = chars.next() == Some(tier.rule_letter());
        let digits = chars.as_str();
        if !letter_ok || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(src.error(
                format!("{key}.id"),
                span(&r.id),
                format!("a {tier} rule id is `{}` followed by a number", tier.rule_letter()),
            ));
        }
        if seen.insert(id.clone(), ()).is_some() {
            return Err(src.error(format!("{key}.id"), span(&r.id), format!("rule `{id}` is defined twice")));
        }
        if r.reason.get_ref().trim().is_empty() {
            return Err(src.error(format!("{key}.reason"), span(&r.reason), "a rule needs a reason in plain words"));
        }
        let sources = check_sources(src, &format!("{key}.sources"), &r.sources, known_sources)?;
        let when = condition(src, &format!("{key}.when"), &r.when, &table, tier == Tier::SelfCare)?;
        out.push(Rule {
            id,
            tier,
            title: r.title.clone(),
            reason: r.reason.get_ref().clone(),
            say: r.say.clone(),
            concern: r.concern.clone(),
            sources,
            when,
            unless: Vec::new(),
        });
    }
    // `unless` may name rules defined later, so it is checked once all are known.
    for (r, rule_pos) in file.rule.iter().map(|r| r.get_ref()).zip(0..) {
        for other in r.unless.iter().flatten() {
            let key = format!("rule[{}].unless", r.id.get_ref());
            let Some(o) = out.iter().find(|x| x.id == *other.get_ref()) else {
                return Err(src.error(key, span(other), format!("unknown rule `{}`", other.get_ref())));
            };
            if o.tier <= out[rule_pos].tier {
                return Err(src.error(
                    key,
                    span(other),
                    format!("`{}` is not more urgent than this rule: only a more urgent rule may replace it", o.id),
                ));
            }
            let id = o.id.clone();
            out[rule_pos].unless.push(id);
        }
    }
    Ok(out)
}
