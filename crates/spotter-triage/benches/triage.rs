//! Benchmark: triage of one intake (goal: well under a millisecond). Prints criterion's figures
//! for the engine alone, for could-raise, and for parsing the JSON answers plus triage.

use criterion::{Criterion, criterion_group, criterion_main};
use spotter_kb::Kb;
use spotter_triage::{could_raise, parse_complete_answers_json, triage};
use std::hint::black_box;

const SELF_CARE: &str = include_str!("../../../examples/intake-self-care.json");
const EMERGENCY: &str = include_str!("../../../examples/intake-emergency.json");

fn bench(c: &mut Criterion) {
    let kb = Kb::builtin().expect("built-in knowledge base");
    for (name, text) in [("self_care", SELF_CARE), ("emergency", EMERGENCY)] {
        let answers = parse_complete_answers_json(&kb, text).expect("example parses");
        c.bench_function(&format!("triage/{name}"), |b| b.iter(|| triage(black_box(&kb), black_box(&answers))));
        c.bench_function(&format!("parse_json+triage+could_raise/{name}"), |b| {
            b.iter(|| {
                let a = parse_complete_answers_json(&kb, black_box(text)).expect("parses");
                let t = triage(&kb, &a);
                let r = could_raise(&kb, &a, t.tier);
                (t.tier, r.len())
            })
        });
    }
    c.bench_function("load_builtin_kb", |b| b.iter(|| Kb::builtin().expect("loads")));
}

criterion_group!(benches, bench);
criterion_main!(benches);
