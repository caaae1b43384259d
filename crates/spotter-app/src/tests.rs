//! The wire documents of the application layer on the repository's examples: snapshots of the
//! JSON every front end prints.

use super::*;

fn kb() -> Kb {
    Kb::builtin().expect("built-in knowledge base")
}

fn example(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)).expect("example")
}

fn answers(name: &str) -> Answers {
    read_answers(&kb(), &example(name), name).expect("valid example")
}

#[test]
fn triage_documents_of_the_examples() {
    let kb = kb();
    for name in ["intake-self-care.json", "intake-urgent.json", "intake-emergency.json"] {
        let mut doc = triage(&kb, &answers(name)).doc;
        doc.spotter_version = "[version]".into();
        insta::assert_json_snapshot!(format!("triage-{name}"), doc);
    }
}

#[test]
fn an_emergency_on_one_answer_lists_what_was_not_asked() {
    let kb = kb();
    let a = read_answers(&kb, r#"{"major_trauma": true}"#, "test").expect("an emergency never waits");
    let doc = triage(&kb, &a).doc;
    assert_eq!(doc.tier, spotter_kb::Tier::Emergency);
    assert!(doc.not_answered.iter().any(|n| n.item == "saddle_numbness"));
    assert!(doc.call_script.is_some());
}

#[test]
fn explain_and_plan_documents_of_the_seed_story() {
    let kb = kb();
    let a = answers("plan-seed-story.json");
    let (_, e) = explain(&kb, &a);
    assert_eq!(e.causes[0].id, "tight_hamstrings");
    insta::assert_json_snapshot!("explain-seed-story", e);
    let (_, p) = plan(&kb, &a, None).expect("plan");
    assert_eq!(p.warmup_seconds, 330);
    insta::assert_json_snapshot!("plan-seed-story", p);
    let c = check_with_plan(&kb, &a).expect("check");
    let v = serde_json::to_value(&c).expect("serializes");
    assert_eq!(v["tier"], "self_care");
    assert_eq!(v["plan"]["causes"][0]["id"], "tight_hamstrings");
}

#[test]
fn refusals_name_the_input() {
    let kb = kb();
    let err = read_answers(&kb, "{\"fever\": true}", "answers.json").err().expect("refused");
    assert!(err.to_string().starts_with("invalid answers in answers.json: safety-critical items not answered"), "{err}");
    let mut a = answers("plan-seed-story.json");
    let err = add_analysis(&kb, &mut a, "{}", "set.json").err().expect("refused");
    assert!(err.to_string().starts_with("--analysis set.json: not the JSON output of `spotter analyze`"), "{err}");
    let err = plan(&kb, &a, Some(11.0)).err().expect("refused");
    assert_eq!(err.to_string(), "--minutes: the warm-up budget must be 5 to 10 minutes, got 11");
}

#[test]
fn the_keypoint_document_reads_back_and_streams_to_the_same_bytes() {
    let seq = spotter_motion::keypoints::parse_keypoints_json(&example("squat-side-gym.keypoints.json")).expect("example keypoints");
    let whole = serde_json::to_string(&wire::KeypointsDoc::new(&seq)).expect("serializes");
    // Read back: the same sequence.
    assert_eq!(spotter_motion::keypoints::parse_keypoints_json(&whole).expect("reads back"), seq);
    // Streamed a frame at a time: the same bytes.
    let frames: Vec<String> = seq.frames.iter().map(|f| serde_json::to_string(&wire::FrameDoc::new(f)).expect("frame")).collect();
    let streamed = format!("{}{}{}", wire::KeypointsDoc::head(seq.fps), frames.join(","), wire::KeypointsDoc::tail(seq.width, seq.height, seq.layout));
    assert_eq!(streamed, whole);
    assert!(whole.starts_with("{\"fps\":"), "{}", &whole[..40]);
    insta::assert_snapshot!("keypoints-first-frame", frames[0]);
}

#[test]
fn the_analysis_document_of_the_example_clip() {
    use spotter_motion::analysis::{Movement, Options};
    use spotter_motion::load::{ExternalLoad, Lifter, LoadPosition, Sex};
    let seq = spotter_motion::keypoints::parse_keypoints_json(&example("squat-side-gym.keypoints.json")).expect("example keypoints");
    let body = spotter_motion::body::SagittalBody::from_keypoints(&seq, 1.78, spotter_motion::filter::DEFAULT_CUTOFF_HZ).expect("body");
    let opts = Options {
        movement: Movement::Squat,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 80.0, height_m: 1.78, sex: Sex::Male },
        load: ExternalLoad { mass_kg: 60.0, position: LoadPosition::Back },
        dynamic: false,
    };
    let analysis = spotter_motion::analysis::analyze(&body, &opts, &spotter_motion::thresholds::Thresholds::builtin());
    let asked = wire::AnalysisAsked { input: "squat.json", exercise: "back_squat", body_mass_kg: 80.0, height_m: 1.78, load_kg: 60.0, single_rep: false };
    let doc = wire::AnalysisDoc::new(&asked, &analysis, Vec::new());
    let text = serde_json::to_string_pretty(&doc).expect("serializes");
    // Each rep has `faults` twice (objects, then ids): the document as the CLI has always printed it.
    assert_eq!(text.matches("\"faults\": [").count(), 2 * doc.reps.len());
    insta::assert_snapshot!("analysis-example-clip", text);
}
