//! Spotter's application layer: what every front end asks of Spotter, as plain requests in and
//! owned results out. No clap, no terminal, no HTTP: the CLI parses its flags into these calls and
//! renders what comes back, and the web app does the same.
//!
//! - [`wire`] (the `spotter-wire` crate) holds the stable JSON documents (triage, explain, plan):
//!   one place, shared by every front end, fields only ever added.
//! - [`triage`], [`explain`] and [`plan`] run the core crates and return those documents together
//!   with the domain results a text renderer needs.
//! - [`questionnaire`] decides which question the check asks next (terminal and web alike).
//! - [`analyze()`] runs the movement analysis of a keypoint file, a motion-capture file or a video
//!   (the pose step, [`video`]) through the one streaming engine and returns the analysis and its
//!   document; [`pose()`] writes a video's keypoints; [`video::draw_key_frames`] draws the key frames.
//!
//! This crate does the IO the orchestration needs (it reads the input files, runs ffmpeg, loads
//! the model files); it never prints, prompts or exits.

pub mod alloc;
pub mod analyze;
pub mod card;
pub mod input;
pub mod video;

pub use analyze::{AnalysisInput, AnalysisOutcome, AnalyzeRequest, InputKind, Lift, VideoHooks, analyze, input_kind, pose};
pub use video::{KeyFrame, KeyFramePng, PoseOptions, PoseReport, draw_key_frames};

pub mod diary;
pub mod questionnaire;
pub mod reminders;
pub use spotter_wire as wire;

use spotter_kb::Kb;
use spotter_triage::Answers;

/// Why a request was refused: always the person's input, named (exit 2 in the CLI, 422 on the web).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AppError {
    /// The answers are not valid, or lack safety-critical items (no tier is guessed).
    #[error("invalid answers in {input}: {error}")]
    Answers { input: String, error: spotter_triage::IntakeError },
    /// The analysis file given with the answers is not one.
    #[error("--analysis {input}: {error}")]
    Analysis { input: String, error: spotter_triage::AnalysisFileError },
    /// The warm-up budget is out of range.
    #[error("--minutes: {0}")]
    Plan(#[from] spotter_coach::PlanError),
    /// Bad input to the analysis or the pose step (a file, a number, an exercise), the message
    /// naming it.
    #[error("{0}")]
    Input(String),
    /// Writing an output the caller gave (the keypoints) failed.
    #[error("{0}")]
    Write(String),
    /// Something failed that is not the input's fault (a model that does not load, the pose
    /// step failing on a frame, a key frame that cannot be drawn).
    #[error("{0}")]
    Failed(String),
}

impl AppError {
    pub fn input(message: impl Into<String>) -> AppError {
        AppError::Input(message.into())
    }

    /// Whether the person's input is at fault (exit 2 in the CLI).
    pub fn is_input(&self) -> bool {
        !matches!(self, AppError::Failed(_))
    }
}

/// Reads a complete answers file (`source` names it in messages: a path or "standard input"):
/// every safety-critical item answered, unless an emergency rule already fires.
pub fn read_answers(kb: &Kb, text: &str, source: &str) -> Result<Answers, AppError> {
    spotter_triage::parse_complete_answers_json(kb, text).map_err(|error| AppError::Answers { input: source.to_string(), error })
}

/// Adds the observations of the `spotter analyze` JSON document `text` to `answers`.
pub fn add_analysis(kb: &Kb, answers: &mut Answers, text: &str, source: &str) -> Result<(), AppError> {
    spotter_triage::merge_analysis_json(kb, answers, text).map_err(|error| AppError::Analysis { input: source.to_string(), error })
}

/// The triage of `answers`: the engine's result, the unanswered items that could raise it, and its
/// JSON document.
pub struct TriageOutcome<'kb> {
    pub result: spotter_triage::Triage<'kb>,
    pub could_raise: Vec<spotter_triage::CouldRaise<'kb>>,
    pub doc: wire::TriageDoc,
}

pub fn triage<'kb>(kb: &'kb Kb, answers: &Answers) -> TriageOutcome<'kb> {
    let result = spotter_triage::triage(kb, answers);
    let could_raise = spotter_triage::could_raise(kb, answers, result.tier);
    let doc = wire::TriageDoc::new(kb, &result, &could_raise, answers);
    TriageOutcome { result, could_raise, doc }
}

/// The cause finder's answer and its JSON document.
pub fn explain<'kb>(kb: &'kb Kb, answers: &Answers) -> (spotter_coach::Explanation<'kb>, wire::ExplainDoc) {
    let e = spotter_coach::explain(kb, answers);
    let doc = wire::ExplainDoc::new(kb, &e);
    (e, doc)
}

/// The plan (warm-up budget `minutes`, default from the knowledge base) and its JSON document.
pub fn plan<'kb>(kb: &'kb Kb, answers: &Answers, minutes: Option<f64>) -> Result<(spotter_coach::Plan<'kb>, wire::PlanDoc), AppError> {
    let plan = spotter_coach::make_plan(kb, answers, minutes)?;
    let doc = wire::PlanDoc::new(kb, &plan);
    Ok((plan, doc))
}

/// The document `spotter check --format json` prints when the person went on to the plan: the
/// triage document with the plan added as `plan`.
pub fn check_with_plan(kb: &Kb, answers: &Answers) -> Result<wire::CheckDoc, AppError> {
    let (_, plan) = plan(kb, answers, None)?;
    Ok(wire::CheckDoc { triage: triage(kb, answers).doc, plan })
}

#[cfg(test)]
mod tests;
