//! `spotter demo`: the main job on built-in example data, so a new user sees what Spotter does
//! without typing any answers. The example intakes are compiled in from `examples/`.

use crate::cli::{DemoArgs, Format};
use crate::render;
use crate::style::{self, paint};
use anyhow::Context;
use spotter_kb::Kb;
use spotter_triage::parse_complete_answers_json;
use std::io::Write;

/// (file name, the lifter's story, the file's text)
pub const EXAMPLES: [(&str, &str, &str); 3] = [
    (
        "examples/intake-self-care.json",
        "28, skipped the warm-up and went straight into lunges; the low back locked up mid-set. A brief tingle behind one knee during a stretch, gone since.",
        include_str!("../../../examples/intake-self-care.json"),
    ),
    (
        "examples/intake-urgent.json",
        "34, burning pain from the back to below the right knee two days after deadlifts; sneezing makes it jolt.",
        include_str!("../../../examples/intake-urgent.json"),
    ),
    (
        "examples/intake-emergency.json",
        "41, pain into the left thigh since heavy squats yesterday, getting worse; today it is hard to start peeing and the groin feels numb.",
        include_str!("../../../examples/intake-emergency.json"),
    ),
];

const SEED_STORY: &str = include_str!("../../../examples/plan-seed-story.json");
const SEED_STORY_TEXT: &str = "The seed article's story: no warm-up, straight into walking lunges and leg curls, and the low back locked up within minutes. Tight hamstrings (hands reach the shins, straight-leg raise 60 degrees) and eight hours a day at a desk.";
const SQUAT_CLIP: &str = include_str!("../../../examples/squat-side-gym.keypoints.json");
const SQUAT_CLIP_TEXT: &str = "Two barbell back squats filmed from the side in a gym (MediaPipe landmarks; clip MIT-licensed, see examples/README.md), analysed for an 80 kg, 1.78 m lifter with 60 kg on the back (assumed: the clip does not say).";

pub fn run(kb: &Kb, a: &DemoArgs) -> anyhow::Result<()> {
    let mut out = anstream::stdout();
    let width = style::width();
    if a.format == Format::Json {
        writeln!(out, "[")?;
    }
    for (i, (file, story, text)) in EXAMPLES.iter().enumerate() {
        let answers = parse_complete_answers_json(kb, text).with_context(|| format!("built-in example {file}"))?;
        match a.format {
            Format::Text => {
                writeln!(out, "{}", paint(style::HEADING, &format!("Example {} of {}: {file}", i + 1, EXAMPLES.len())))?;
                writeln!(out, "{}", style::wrap(story, width, "", ""))?;
                render::write_result(&mut out, kb, &answers, Format::Text)?;
                writeln!(out, "\n{}\n", "-".repeat(width.min(88)))?;
            }
            Format::Json => {
                let mut buf = Vec::new();
                render::write_result(&mut buf, kb, &answers, Format::Json)?;
                let sep = if i + 1 < EXAMPLES.len() { "," } else { "" };
                writeln!(out, "{{\"example\": \"{file}\", \"result\": {}}}{sep}", String::from_utf8(buf)?.trim_end())?;
            }
        }
    }
    // The seed story: why the back took the load, and the plan.
    let seed = parse_complete_answers_json(kb, SEED_STORY).context("built-in example examples/plan-seed-story.json")?;
    let plan = spotter_coach::make_plan(kb, &seed, None)?;
    // A real barbell squat filmed from the side (MediaPipe keypoints), as `spotter analyze`
    // would measure it with the README's flags.
    let request = spotter_app::AnalyzeRequest {
        input: spotter_app::AnalysisInput::KeypointJson { name: "examples/squat-side-gym.keypoints.json", reader: Box::new(SQUAT_CLIP.as_bytes()) },
        lift: spotter_app::Lift {
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
        pose: spotter_app::PoseOptions::default(),
    };
    let hooks = spotter_app::VideoHooks { progress: &mut spotter_video::NoProgress, keypoints_out: None };
    let squat = spotter_app::analyze(kb, request, hooks).map_err(|e| anyhow::anyhow!("built-in example examples/squat-side-gym.keypoints.json: {e}"))?;
    match a.format {
        Format::Text => {
            writeln!(out, "{}", paint(style::HEADING, "Example 4: examples/plan-seed-story.json, why and what to do"))?;
            writeln!(out, "{}", style::wrap(SEED_STORY_TEXT, width, "", ""))?;
            crate::coach_out::write_plan(&mut out, kb, &plan, Format::Text)?;
            writeln!(out, "\n{}\n", "-".repeat(width.min(88)))?;
            writeln!(out, "{}", paint(style::HEADING, "Example 5: examples/squat-side-gym.keypoints.json, a real back squat set measured"))?;
            writeln!(out, "{}\n", style::wrap(SQUAT_CLIP_TEXT, width, "", ""))?;
            crate::analyze::write_analysis(&mut out, kb, "back_squat", &squat, Format::Text)?;
            writeln!(
                out,
                "\n{}",
                style::wrap(
                    "Try it yourself: `spotter check` asks the questions one by one; `spotter plan --answers FILE --card card.pdf` prints your card; `spotter warmup --answers FILE` plays your warm-up; `spotter analyze KEYPOINTS --exercise ID --body-mass KG --height M` measures a set.",
                    width,
                    "",
                    ""
                )
            )?;
        }
        Format::Json => {
            writeln!(out, ",{{\"example\": \"examples/plan-seed-story.json\", \"plan\": ")?;
            serde_json::to_writer_pretty(&mut out, &spotter_app::wire::PlanDoc::new(kb, &plan))?;
            writeln!(out, "}},{{\"example\": \"examples/squat-side-gym.keypoints.json\", \"analysis\": ")?;
            let mut buf = Vec::new();
            crate::analyze::write_analysis(&mut buf, kb, "back_squat", &squat, Format::Json)?;
            writeln!(out, "{}}}", String::from_utf8(buf)?.trim_end())?;
            writeln!(out, "]")?;
        }
    }
    Ok(())
}
