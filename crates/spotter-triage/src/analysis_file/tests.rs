//! Tests of the analysis-file reader: a real analysis merges, everything else is refused by name.

use super::*;

fn kb() -> Kb {
    Kb::builtin().expect("built-in knowledge base")
}

fn merged(text: &str) -> Result<Answers, AnalysisFileError> {
    let mut a = Answers::new();
    merge_analysis_json(&kb(), &mut a, text).map(|()| a)
}

const ANALYSIS: &str = r#"{"input": "squat.json", "exercise": "back_squat", "movement": "squat", "rep_count": 2,
  "reps": [{"index": 0}, {"index": 1}], "diagnostics": [], "observations": ["chest_drops_forward"]}"#;

#[test]
fn a_real_analysis_merges_its_observations_with_those_answered() {
    let a = merged(ANALYSIS).expect("an analysis");
    assert_eq!(a.get("observations"), Some(&Answer::Multi(vec!["chest_drops_forward".into()])));
    let mut answers = Answers::new();
    answers.set_unchecked("observations", Answer::Multi(vec!["tailbone_tucks_at_bottom".into()]));
    merge_analysis_json(&kb(), &mut answers, ANALYSIS).expect("merges");
    let Some(Answer::Multi(v)) = answers.get("observations") else { panic!("observations") };
    assert!(v.contains(&"chest_drops_forward".to_string()) && v.contains(&"tailbone_tucks_at_bottom".to_string()), "{v:?}");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    assert!(merged(&format!("\u{feff}{ANALYSIS}")).is_ok());
}

#[test]
fn an_answers_file_is_named_as_such() {
    let answers = r#"{"saddle_numbness": false, "leg_weakness": "none", "observations": ["chest_drops_forward"]}"#;
    assert_eq!(merged(answers), Err(AnalysisFileError::AnswersFile));
}

#[test]
fn other_json_is_not_an_analysis() {
    for (text, why) in [
        (r#"{"reps": []}"#, "no `movement` field"),
        (r#"{"movement": "squat"}"#, "no `reps` field"),
        (r#"{"movement": "squat", "reps": []}"#, "no `observations` list"),
        (r#"{"movement": "squat", "reps": [], "observations": "chest_drops_forward"}"#, "no `observations` list"),
        ("[1, 2]", "not a JSON object"),
        ("42", "not a JSON object"),
    ] {
        match merged(text) {
            Err(AnalysisFileError::NotAnAnalysis { why: got }) => assert!(got.contains(why), "{text}: {got}"),
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn syntax_errors_give_line_and_column_and_an_empty_file_is_one() {
    match merged("{\n \"movement\" \"squat\"}") {
        Err(AnalysisFileError::Syntax { line, column, .. }) => assert_eq!((line, column), (2, 13)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(merged(""), Err(AnalysisFileError::Syntax { .. })));
}

#[test]
fn unknown_observations_are_refused_and_nothing_is_merged() {
    let mut a = Answers::new();
    let bad = r#"{"movement": "squat", "reps": [], "observations": ["chest_drops_forwards"]}"#;
    match merge_analysis_json(&kb(), &mut a, bad) {
        Err(AnalysisFileError::BadObservations(m)) => assert!(m.contains("chest_drops_forwards"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert!(a.is_empty());
}

#[test]
fn a_file_over_the_limit_is_refused_unread() {
    let big = format!("{{\"movement\": \"squat\", \"reps\": [], \"observations\": [], \"pad\": \"{}\"}}", "x".repeat(MAX_ANALYSIS_BYTES));
    assert_eq!(merged(&big), Err(AnalysisFileError::TooLarge { limit: MAX_ANALYSIS_BYTES }));
    assert!(AnalysisFileError::TooLarge { limit: MAX_ANALYSIS_BYTES }.to_string().contains("16 MiB"));
}
