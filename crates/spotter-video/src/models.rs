//! `ModelPaths::locate`: where the BlazePose model files are, searched in a documented order,
//! with a size check of each file (and an optional sha256 check against the pins of
//! scripts/models.sh)

use std::fmt::Write as _;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The folder, relative to a project root, where `npm ci` (run by scripts/setup.sh) puts them.
pub const NPM_MODEL_DIR: &str = "node_modules/@mediapipe/pose";
/// The folder a system package would install them to.
pub const SYSTEM_MODEL_DIR: &str = "/usr/share/spotter/models";
/// Environment variable naming a folder that holds the model files.
pub const MODELS_ENV: &str = "SPOTTER_MODELS";

/// A model file Spotter needs: its name in the folder, size in bytes and sha256, as pinned in
/// scripts/models.sh (npm `@mediapipe/pose` 0.5.1675469404).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelFile {
    pub name: &'static str,
    pub size_bytes: u64,
    pub sha256_hex: &'static str,
}

/// The detector, `pose_detection.tflite`, which the npm package ships under this name.
pub const DETECTOR: ModelFile = ModelFile {
    name: "pose_solution_packed_assets.data",
    size_bytes: 2_962_288,
    sha256_hex: "a63c614bef30d35947f13be361820b1e4e3bec9cfeebf4d11216a18373108e85",
};
/// The lite landmark model.
pub const LANDMARK_LITE: ModelFile = ModelFile {
    name: "pose_landmark_lite.tflite",
    size_bytes: 2_819_824,
    sha256_hex: "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
};
/// The full landmark model.
pub const LANDMARK_FULL: ModelFile = ModelFile {
    name: "pose_landmark_full.tflite",
    size_bytes: 6_440_512,
    sha256_hex: "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
};
/// The heavy landmark model.
pub const LANDMARK_HEAVY: ModelFile = ModelFile {
    name: "pose_landmark_heavy.tflite",
    size_bytes: 27_709_200,
    sha256_hex: "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
};
/// Every file a model folder must hold.
pub const MODEL_FILES: [ModelFile; 4] = [DETECTOR, LANDMARK_LITE, LANDMARK_FULL, LANDMARK_HEAVY];

/// Which landmark network to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LandmarkModel {
    Lite,
    Full,
    Heavy,
}

/// The located model files (all four exist and have their pinned sizes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelPaths {
    /// The folder they were found in.
    pub dir: PathBuf,
    /// `pose_solution_packed_assets.data` (the detector `pose_detection.tflite`).
    pub detector: PathBuf,
    pub landmark_lite: PathBuf,
    pub landmark_full: PathBuf,
    pub landmark_heavy: PathBuf,
}

/// Why the model files could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// No folder in the search order holds the files.
    #[error("the pose model files were not found; looked in:\n{}\nrun `bash scripts/setup.sh` (it installs them with npm), or pass `--models DIR` / set {MODELS_ENV}", list(.looked_in))]
    NotFound {
        /// Every place looked at, in order, each with what was wrong there.
        looked_in: Vec<(PathBuf, String)>,
    },
    /// A folder given explicitly (flag or environment) lacks a file.
    #[error("{}: the pose model folder given by {given_by} has no {file} (run `bash scripts/setup.sh` to install the models)", dir.display())]
    Incomplete { dir: PathBuf, given_by: String, file: &'static str },
    /// A file has the wrong size: another version, or a damaged or partial copy.
    #[error("{}: {actual_bytes} bytes where {expected_bytes} were expected; the file is not the pinned model (run `bash scripts/setup.sh` to reinstall it)", path.display())]
    WrongSize { path: PathBuf, expected_bytes: u64, actual_bytes: u64 },
    /// A file's sha256 differs from its pin.
    #[error("{}: sha256 {actual} differs from the pinned {expected} (run `bash scripts/setup.sh` to reinstall it)", path.display())]
    WrongChecksum { path: PathBuf, expected: &'static str, actual: String },
    /// A file could not be read.
    #[error("{}: cannot be read", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn list(places: &[(PathBuf, String)]) -> String {
    let mut s = String::new();
    for (i, (p, why)) in places.iter().enumerate() {
        if i > 0 {
            s.push('\n');
        }
        let _ = write!(s, "  {}: {why}", p.display());
    }
    s
}

/// The places [`ModelPaths::locate_in`] searches, gathered from the process by
/// [`SearchPlaces::from_process`] or built by hand (tests).
#[derive(Debug, Clone, Default)]
pub struct SearchPlaces {
    /// `--models DIR`: if given, the only place looked at.
    pub override_dir: Option<PathBuf>,
    /// `$SPOTTER_MODELS`: if given (and no override), the only place looked at.
    pub env_dir: Option<PathBuf>,
    /// The current directory: `<dir or ancestor>/node_modules/@mediapipe/pose` is searched.
    pub current_dir: Option<PathBuf>,
    /// The running executable: `<ancestor>/node_modules/@mediapipe/pose` is searched, so
    /// `<repo>/target/release/spotter` finds the repository's models from anywhere.
    pub executable: Option<PathBuf>,
    /// The system folder, normally [`SYSTEM_MODEL_DIR`].
    pub system_dir: Option<PathBuf>,
}

impl SearchPlaces {
    /// The places for this process: the override, `$SPOTTER_MODELS` (if set and not empty), the
    /// current directory, the executable and [`SYSTEM_MODEL_DIR`].
    pub fn from_process(override_dir: Option<&Path>) -> SearchPlaces {
        SearchPlaces {
            override_dir: override_dir.map(Path::to_path_buf),
            env_dir: std::env::var_os(MODELS_ENV).filter(|v| !v.is_empty()).map(PathBuf::from),
            current_dir: std::env::current_dir().ok(),
            executable: std::env::current_exe().ok(),
            system_dir: Some(PathBuf::from(SYSTEM_MODEL_DIR)),
        }
    }

    /// The folders to try, in order, each with what named it. Explicit choices (override, then
    /// environment) stand alone: a wrong explicit folder is an error, not a reason to look on.
    pub fn candidates(&self) -> (Vec<PathBuf>, Option<String>) {
        if let Some(d) = &self.override_dir {
            return (vec![d.clone()], Some("--models".into()));
        }
        if let Some(d) = &self.env_dir {
            return (vec![d.clone()], Some(MODELS_ENV.into()));
        }
        let mut out: Vec<PathBuf> = Vec::new();
        let mut push = |p: PathBuf| {
            if !out.contains(&p) {
                out.push(p);
            }
        };
        if let Some(cwd) = &self.current_dir {
            cwd.ancestors().for_each(|a| push(a.join(NPM_MODEL_DIR)));
        }
        if let Some(exe) = &self.executable {
            exe.ancestors().skip(1).for_each(|a| push(a.join(NPM_MODEL_DIR)));
        }
        if let Some(sys) = &self.system_dir {
            push(sys.clone());
        }
        (out, None)
    }
}

impl ModelPaths {
    /// Finds the model files. Search order:
    /// 1. `override_dir` (the CLI's `--models DIR`): the only place looked at when given;
    /// 2. `$SPOTTER_MODELS`: the only place looked at when set (and no override);
    /// 3. `node_modules/@mediapipe/pose` under the current directory and each of its ancestors;
    /// 4. `node_modules/@mediapipe/pose` under each ancestor of the running executable;
    /// 5. `/usr/share/spotter/models`.
    ///
    /// The first folder holding all four files wins; each file's size is checked (cheap), see
    /// [`ModelPaths::verify_sha256`] for the full check.
    pub fn locate(override_dir: Option<&Path>) -> Result<ModelPaths, ModelError> {
        ModelPaths::locate_in(&SearchPlaces::from_process(override_dir))
    }

    /// [`ModelPaths::locate`] over given places.
    pub fn locate_in(places: &SearchPlaces) -> Result<ModelPaths, ModelError> {
        let (candidates, explicit) = places.candidates();
        let mut looked_in = Vec::new();
        for dir in candidates {
            let missing = MODEL_FILES.iter().find(|f| !dir.join(f.name).is_file());
            match (missing, &explicit) {
                (None, _) => {
                    let paths = ModelPaths::in_dir(&dir);
                    paths.check_sizes()?;
                    return Ok(paths);
                }
                (Some(f), Some(given_by)) => {
                    return Err(ModelError::Incomplete { dir, given_by: given_by.clone(), file: f.name });
                }
                (Some(f), None) => {
                    let why = if dir.is_dir() { format!("no {}", f.name) } else { "no such folder".into() };
                    looked_in.push((dir, why));
                }
            }
        }
        Err(ModelError::NotFound { looked_in })
    }

    /// The paths the files would have in `dir` (nothing checked).
    pub fn in_dir(dir: &Path) -> ModelPaths {
        ModelPaths {
            dir: dir.to_path_buf(),
            detector: dir.join(DETECTOR.name),
            landmark_lite: dir.join(LANDMARK_LITE.name),
            landmark_full: dir.join(LANDMARK_FULL.name),
            landmark_heavy: dir.join(LANDMARK_HEAVY.name),
        }
    }

    /// The landmark model file for a variant.
    pub fn landmark(&self, model: LandmarkModel) -> &Path {
        match model {
            LandmarkModel::Lite => &self.landmark_lite,
            LandmarkModel::Full => &self.landmark_full,
            LandmarkModel::Heavy => &self.landmark_heavy,
        }
    }

    fn files(&self) -> [(&Path, ModelFile); 4] {
        [
            (&self.detector, DETECTOR),
            (&self.landmark_lite, LANDMARK_LITE),
            (&self.landmark_full, LANDMARK_FULL),
            (&self.landmark_heavy, LANDMARK_HEAVY),
        ]
    }

    /// Checks every file's size against its pin.
    pub fn check_sizes(&self) -> Result<(), ModelError> {
        for (path, pin) in self.files() {
            let actual_bytes = std::fs::metadata(path).map_err(|source| ModelError::Unreadable { path: path.to_path_buf(), source })?.len();
            if actual_bytes != pin.size_bytes {
                return Err(ModelError::WrongSize { path: path.to_path_buf(), expected_bytes: pin.size_bytes, actual_bytes });
            }
        }
        Ok(())
    }

    /// Checks every file's sha256 against its pin (reads about 40 MB).
    pub fn verify_sha256(&self) -> Result<(), ModelError> {
        for (path, pin) in self.files() {
            let actual = sha256_file(path)?;
            if actual != pin.sha256_hex {
                return Err(ModelError::WrongChecksum { path: path.to_path_buf(), expected: pin.sha256_hex, actual });
            }
        }
        Ok(())
    }
}

fn sha256_file(path: &Path) -> Result<String, ModelError> {
    let unreadable = |source| ModelError::Unreadable { path: path.to_path_buf(), source };
    let mut f = std::fs::File::open(path).map_err(unreadable)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
    }
    let mut hex = String::with_capacity(64);
    for b in hasher.finalize() {
        let _ = write!(hex, "{b:02x}");
    }
    Ok(hex)
}

#[cfg(test)]
mod tests;
