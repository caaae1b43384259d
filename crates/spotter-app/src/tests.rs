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
    let streamed = format!("{}{}{}", wire::KeypointsDoc::head(seq.fps, seq.width, seq.height, seq.layout), frames.join(","), wire::KeypointsDoc::TAIL);
    assert_eq!(streamed, whole);
    // The clip-wide fields come before the frames (so a streaming reader need not hold them).
    assert!(whole.starts_with(&format!("{{\"fps\":{},\"width\":{},\"height\":{},\"layout\":\"blazepose33\",\"frames\":[{{\"t\":", seq.fps, seq.width, seq.height)), "{}", &whole[..80]);
    insta::assert_snapshot!("keypoints-first-frame", frames[0]);
}

fn back_squat<'a>(input: AnalysisInput<'a>) -> AnalyzeRequest<'a> {
    AnalyzeRequest {
        input,
        lift: Lift {
            exercise: "back_squat",
            body_mass_kg: 80.0,
            height_m: 1.78,
            sex: spotter_motion::load::Sex::Male,
            load_kg: 60.0,
            load_position: Some(spotter_motion::load::LoadPosition::Back),
            dynamic: false,
        },
        series: false,
        key_frames: false,
        pose: PoseOptions::default(),
    }
}

fn no_video() -> VideoHooks<'static> {
    VideoHooks { progress: Box::leak(Box::new(spotter_video::NoProgress)), keypoints_out: None }
}

fn examples_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name)
}

#[test]
fn the_analysis_document_of_the_example_clip() {
    let kb = kb();
    let text = example("squat-side-gym.keypoints.json");
    let req = back_squat(AnalysisInput::KeypointJson { name: "squat.json", reader: Box::new(text.as_bytes()) });
    let outcome = analyze(&kb, req, no_video()).expect("analyses");
    let doc = &outcome.doc;
    assert_eq!(doc.rep_count, 2);
    let text = serde_json::to_string_pretty(doc).expect("serializes");
    // Each rep has `faults` twice (objects, then ids): the document as the CLI has always printed it.
    assert_eq!(text.matches("\"faults\": [").count(), 2 * doc.reps.len());
    insta::assert_snapshot!("analysis-example-clip", text);
    // The same file read from its path: the same document but for the name.
    let from_path = analyze(&kb, back_squat(AnalysisInput::Path(&examples_path("squat-side-gym.keypoints.json"))), no_video()).expect("analyses");
    assert_eq!(from_path.doc.reps, doc.reps);
}

#[test]
fn a_motion_capture_file_keeps_its_marker_verdict() {
    let kb = kb();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spotter-motion/tests/data/ui-prmd");
    for (file, verdict) in [("m01_s01_e01_positions.txt.gz", "correct"), ("m01_s01_e01_positions_inc.txt.gz", "incorrect")] {
        let path = dir.join(file);
        let mut req = back_squat(AnalysisInput::Path(&path));
        req.lift = Lift { exercise: "bodyweight_squat", body_mass_kg: 75.0, height_m: 1.75, load_kg: 0.0, load_position: None, ..req.lift };
        let outcome = analyze(&kb, req, no_video()).expect("analyses");
        assert!(outcome.single_rep);
        assert_eq!(outcome.doc.verdict, Some(verdict), "{file}");
        // The marker verdict's reasons, not the side-view rule's.
        assert!(outcome.doc.reps[0].verdict_reasons.iter().any(|r| r.contains("log-odds")), "{:?}", outcome.doc.reps[0].verdict_reasons);
    }
}

#[test]
fn lifter_numbers_outside_the_load_models_ranges_are_refused_by_name() {
    let kb = kb();
    let text = example("squat-side-gym.keypoints.json");
    for (mass, height, load, says) in [
        (19.0, 1.78, 0.0, "--body-mass must be 20 to 350 kg, got 19"),
        (80.0, 2.6, 0.0, "--height must be 1.0 to 2.5 m, got 2.6"),
        (80.0, 1.78, 1001.0, "--load must be 0 to 1000 kg, got 1001"),
    ] {
        let mut req = back_squat(AnalysisInput::KeypointJson { name: "x.json", reader: Box::new(text.as_bytes()) });
        req.lift.body_mass_kg = mass;
        req.lift.height_m = height;
        req.lift.load_kg = load;
        let e = analyze(&kb, req, no_video()).err().expect("refused");
        assert_eq!(e, AppError::Input(says.into()));
    }
    assert_eq!(analyze::BODY_MASS_RANGE_KG, spotter_motion::load::BODY_MASS_RANGE_KG);
}

#[test]
fn key_frames_name_faults_in_words_not_ids() {
    // The repo's real squat keypoints: both reps stop just short of parallel (shallow_depth).
    let kb = kb();
    let text = example("squat-side-gym.keypoints.json");
    let outcome = analyze(&kb, back_squat(AnalysisInput::KeypointJson { name: "x.json", reader: Box::new(text.as_bytes()) }), no_video()).expect("analyses");
    let an = &outcome.analysis;
    let rep = an.reps.iter().position(|r| !r.faults.is_empty()).expect("a rep with a fault");
    let seq = spotter_motion::keypoints::parse_keypoints_json(&text).expect("keypoints");
    let frame = seq.frames.iter().find_map(|f| f.landmarks.as_ref()).expect("landmarks");
    let o = video::rep_overlay(frame, 608, 1080, an, rep);
    let lines = o.lines.join(" | ");
    for f in &an.reps[rep].faults {
        assert!(!lines.contains(f.id.as_str()), "the fault id `{}` reached the key frame: {lines}", f.id);
    }
    assert!(lines.contains(&analyze::fault_words(&an.reps[rep].faults[0].id)), "{lines}");
}

#[test]
fn default_threads_leave_a_core_to_the_decoder() {
    assert_eq!(video::default_threads(1), 1);
    assert_eq!(video::default_threads(2), 1);
    assert_eq!(video::default_threads(4), 3);
    assert_eq!(video::default_threads(64), 4);
}

#[test]
fn the_coaching_file_and_the_thresholds_name_the_registrys_faults_and_known_sources() {
    use spotter_motion::faults::FaultId;
    let kb = kb();
    // coach/measured.toml: every entry a fault of the registry, every fault of the registry there.
    for m in &kb.coaching.measured {
        assert!(FaultId::from_id(&m.fault).is_some(), "coach/measured.toml: `{}` is not a fault of spotter_motion::faults", m.fault);
    }
    for f in FaultId::ALL {
        assert_eq!(kb.coaching.measured.iter().filter(|m| m.fault == f.as_str()).count(), 1, "coach/measured.toml: `{f}` needs one entry");
    }
    // thresholds.toml: every source known (the loader's check).
    analyze::thresholds(&kb).expect("every threshold names known sources");
    let t = spotter_motion::thresholds::Thresholds::builtin();
    // A typo in a source id is refused.
    let mut bad = t.clone();
    bad.fault[0].sources = vec!["seed_legday_bak".into()];
    assert!(bad.check_sources(&|id| kb.sources.iter().any(|s| s.id == id)).is_err());
}

#[test]
fn a_video_run_hands_on_every_rep_and_keeps_each_reps_bottom_frame() {
    // The engine as a video feeds it (frame by frame, the keypoints streamed out as they come):
    // the repo's clip played ten times over, two minutes and 20 reps, most of them handed out
    // while the frames still come.
    let kb = kb();
    let one = spotter_motion::keypoints::parse_keypoints_json(&example("squat-side-gym.keypoints.json")).expect("example keypoints");
    let span = one.frames.last().unwrap().t + 1.0 / one.fps;
    let frames: Vec<_> = (0..10)
        .flat_map(|k| one.frames.iter().map(move |f| spotter_motion::keypoints::KeypointFrame { t: f.t + k as f64 * span, ..f.clone() }))
        .collect();
    let seq = spotter_motion::keypoints::KeypointSequence { frames, ..one.clone() };
    let opts = analyze::options(&kb, &back_squat(AnalysisInput::Path(std::path::Path::new("x.mp4"))).lift, false).expect("options");
    let mut out = Vec::new();
    let mut run = analyze::VideoRun::new("x.mp4", &opts, seq.width, seq.height, false, true, Some(&mut out));
    run.start(seq.fps).expect("starts");
    for f in &seq.frames {
        run.frame(f.clone()).expect("frame");
    }
    let (a, key_frames) = run.finish().expect("finishes");
    assert_eq!(a.rep_count, 20);
    assert_eq!(a.reps.len(), 20, "every rep handed on, not only the last");
    assert!(a.reps.iter().enumerate().all(|(i, r)| r.index == i));
    // One key frame per rep, at the frame of its bottom, with that frame's landmarks.
    assert_eq!(key_frames.len(), 20);
    for k in &key_frames {
        assert_eq!(seq.frames[k.frame].t, a.reps[k.rep].bottom_s);
        assert_eq!(Some(&k.landmarks), seq.frames[k.frame].landmarks.as_ref());
    }
    // The keypoints written as they came: the whole document.
    assert_eq!(String::from_utf8(out).expect("UTF-8"), serde_json::to_string(&wire::KeypointsDoc::new(&seq)).expect("JSON"));
}
