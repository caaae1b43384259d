//! Unit tests of model discovery on folders built in a temporary directory

use std::path::{Path, PathBuf};

use super::{MODEL_FILES, ModelError, ModelPaths, NPM_MODEL_DIR, SearchPlaces};

/// Makes the four files with their pinned sizes (sparse, contents zero) in `dir`.
fn fake_models(dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for f in MODEL_FILES {
        std::fs::File::create(dir.join(f.name)).and_then(|h| h.set_len(f.size_bytes)).expect("file");
    }
}

fn places(root: &Path) -> SearchPlaces {
    SearchPlaces { current_dir: Some(root.join("work/sub")), system_dir: Some(root.join("usr/share/spotter/models")), ..Default::default() }
}

#[test]
fn finds_node_modules_in_an_ancestor_of_the_current_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let models = tmp.path().join("work").join(NPM_MODEL_DIR);
    fake_models(&models);
    std::fs::create_dir_all(tmp.path().join("work/sub")).expect("mkdir");
    let found = ModelPaths::locate_in(&places(tmp.path())).expect("found");
    assert_eq!(found.dir, models);
    assert_eq!(found.landmark(super::LandmarkModel::Heavy), models.join("pose_landmark_heavy.tflite"));
    assert_eq!(found.detector, models.join("pose_solution_packed_assets.data"));
}

#[test]
fn finds_models_from_the_executables_ancestors_then_the_system_folder() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let repo = tmp.path().join("repo");
    fake_models(&repo.join(NPM_MODEL_DIR));
    let p = SearchPlaces { executable: Some(repo.join("target/release/spotter")), ..places(tmp.path()) };
    assert_eq!(ModelPaths::locate_in(&p).expect("found").dir, repo.join(NPM_MODEL_DIR));
    let sys = tmp.path().join("usr/share/spotter/models");
    fake_models(&sys);
    let p = SearchPlaces { executable: Some(tmp.path().join("elsewhere/bin/spotter")), ..places(tmp.path()) };
    assert_eq!(ModelPaths::locate_in(&p).expect("found").dir, sys);
}

#[test]
fn not_found_lists_every_place_and_says_how_to_install() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let half = tmp.path().join("work").join(NPM_MODEL_DIR);
    std::fs::create_dir_all(&half).expect("mkdir");
    std::fs::write(half.join("pose_solution_packed_assets.data"), b"x").expect("write");
    let err = ModelPaths::locate_in(&places(tmp.path())).expect_err("nothing complete");
    let ModelError::NotFound { looked_in } = &err else { panic!("expected NotFound, got {err:?}") };
    let dirs: Vec<&PathBuf> = looked_in.iter().map(|(d, _)| d).collect();
    assert_eq!(dirs.first().copied(), Some(&tmp.path().join("work/sub").join(NPM_MODEL_DIR)));
    assert!(dirs.contains(&&half));
    assert_eq!(dirs.last().copied(), Some(&tmp.path().join("usr/share/spotter/models")));
    assert!(looked_in.iter().any(|(d, why)| d == &half && why == "no pose_landmark_lite.tflite"));
    let msg = err.to_string();
    assert!(msg.contains("bash scripts/setup.sh"), "{msg}");
    assert!(msg.contains(&format!("{}: no such folder", tmp.path().join("usr/share/spotter/models").display())), "{msg}");
}

#[test]
fn an_explicit_folder_is_the_only_place_looked_at() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fake_models(&tmp.path().join("work").join(NPM_MODEL_DIR));
    let given = tmp.path().join("mine");
    std::fs::create_dir_all(&given).expect("mkdir");
    let p = SearchPlaces { override_dir: Some(given.clone()), env_dir: Some(tmp.path().join("env")), ..places(tmp.path()) };
    match ModelPaths::locate_in(&p) {
        Err(ModelError::Incomplete { dir, given_by, file }) => {
            assert_eq!((dir, given_by.as_str(), file), (given.clone(), "--models", "pose_solution_packed_assets.data"));
        }
        other => panic!("expected Incomplete, got {other:?}"),
    }
    fake_models(&given);
    assert_eq!(ModelPaths::locate_in(&p).expect("found").dir, given);
    let env = tmp.path().join("env");
    fake_models(&env);
    let p = SearchPlaces { env_dir: Some(env.clone()), ..places(tmp.path()) };
    assert_eq!(ModelPaths::locate_in(&p).expect("found").dir, env);
}

#[test]
fn a_file_of_the_wrong_size_is_named() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("m");
    fake_models(&dir);
    let full = dir.join("pose_landmark_full.tflite");
    std::fs::write(&full, b"<html>not a model</html>").expect("write");
    let p = SearchPlaces { override_dir: Some(dir), ..Default::default() };
    match ModelPaths::locate_in(&p) {
        Err(e @ ModelError::WrongSize { .. }) => {
            let ModelError::WrongSize { path, expected_bytes, actual_bytes } = &e else { unreachable!() };
            assert_eq!((path, *expected_bytes, *actual_bytes), (&full, 6_440_512, 24));
            assert!(e.to_string().contains("bash scripts/setup.sh"));
        }
        other => panic!("expected WrongSize, got {other:?}"),
    }
}

#[test]
fn checksums_catch_a_file_of_the_right_size_but_wrong_content() {
    let tmp = tempfile::tempdir().expect("tempdir");
    fake_models(tmp.path());
    let paths = ModelPaths::in_dir(tmp.path());
    paths.check_sizes().expect("sizes match");
    match paths.verify_sha256() {
        Err(ModelError::WrongChecksum { path, expected, actual }) => {
            assert_eq!(path, paths.detector);
            assert_eq!(expected, super::DETECTOR.sha256_hex);
            assert_eq!(actual.len(), 64);
            assert_ne!(actual, expected);
        }
        other => panic!("expected WrongChecksum, got {other:?}"),
    }
}
