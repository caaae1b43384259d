//! Where the ffmpeg and ffprobe programs are, and how Spotter starts them

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex, OnceLock};

use crate::VideoError;

/// The two external programs the video edge runs (Debian package `ffmpeg`, 5.1 or newer tested).
#[derive(Debug, Clone)]
pub struct Tools {
    /// The `ffmpeg` program: a name looked up on PATH, or a path.
    pub ffmpeg: PathBuf,
    /// The `ffprobe` program: a name looked up on PATH, or a path.
    pub ffprobe: PathBuf,
    /// Whether this ffmpeg understands `-fps_mode` (5.1+); older ones get `-vsync passthrough`.
    fps_mode: Arc<OnceLock<bool>>,
}

impl Default for Tools {
    fn default() -> Self {
        Tools::new("ffmpeg", "ffprobe")
    }
}

impl Tools {
    /// Programs at these paths (or names looked up on PATH).
    pub fn new(ffmpeg: impl Into<PathBuf>, ffprobe: impl Into<PathBuf>) -> Self {
        let ffmpeg = ffmpeg.into();
        // Every `Tools` for the same program shares one answer, so `ffmpeg -version` runs once.
        static SEEN: Mutex<Vec<(PathBuf, Arc<OnceLock<bool>>)>> = Mutex::new(Vec::new());
        let fps_mode = match SEEN.lock() {
            Ok(mut seen) => match seen.iter().find(|(p, _)| *p == ffmpeg) {
                Some((_, cell)) => Arc::clone(cell),
                None => {
                    let cell = Arc::new(OnceLock::new());
                    seen.push((ffmpeg.clone(), Arc::clone(&cell)));
                    cell
                }
            },
            Err(_) => Arc::new(OnceLock::new()),
        };
        Tools { ffmpeg, ffprobe: ffprobe.into(), fps_mode }
    }

    /// Checks that both programs start, returning ffmpeg's version line (e.g.
    /// `ffmpeg version 5.1.9-0+deb12u1 ...`).
    pub fn check(&self) -> Result<String, VideoError> {
        let out = run(&self.ffprobe, "ffprobe", Command::new(&self.ffprobe).arg("-version"))?;
        drop(out);
        let out = run(&self.ffmpeg, "ffmpeg", Command::new(&self.ffmpeg).arg("-version"))?;
        Ok(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").to_string())
    }

    /// The frame-timing flag for "pass every decoded frame through with its own timestamp".
    pub(crate) fn passthrough_args(&self) -> Result<[&'static str; 2], VideoError> {
        let new = match self.fps_mode.get() {
            Some(v) => *v,
            None => {
                let out = run(&self.ffmpeg, "ffmpeg", Command::new(&self.ffmpeg).arg("-version"))?;
                let v = supports_fps_mode(&String::from_utf8_lossy(&out.stdout));
                *self.fps_mode.get_or_init(|| v)
            }
        };
        Ok(if new { ["-fps_mode", "passthrough"] } else { ["-vsync", "passthrough"] })
    }
}

/// True when ffmpeg's `-version` text names version 5.1 or later (or a git build, which is newer).
pub(crate) fn supports_fps_mode(version_text: &str) -> bool {
    let Some(rest) = version_text.split("ffmpeg version ").nth(1) else { return true };
    let ver: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '.').collect();
    let mut parts = ver.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), minor) => major > 5 || (major == 5 && minor.unwrap_or(0) >= 1),
        (None, _) => true,
    }
}

/// Maps a spawn failure to [`VideoError::ToolMissing`] (not found) or [`VideoError::ToolFailed`].
pub(crate) fn spawn_error(program: &Path, tool: &'static str, e: io::Error) -> VideoError {
    if e.kind() == io::ErrorKind::NotFound {
        VideoError::ToolMissing { tool, program: program.to_path_buf(), source: e }
    } else {
        VideoError::ToolFailed { program: program.to_path_buf(), source: e }
    }
}

fn run(program: &Path, tool: &'static str, cmd: &mut Command) -> Result<std::process::Output, VideoError> {
    cmd.stdin(std::process::Stdio::null()).output().map_err(|e| spawn_error(program, tool, e))
}

/// The input argument for a local file: `file:` keeps ffmpeg from reading `a:b.mp4` as a
/// protocol or `-x.mp4` as an option.
pub(crate) fn input_arg(path: &Path) -> OsString {
    let mut s = OsString::from("file:");
    s.push(path.as_os_str());
    s
}

/// Checks the path before any tool runs, so the error names the real problem.
pub(crate) fn check_input_file(path: &Path) -> Result<(), VideoError> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => Err(VideoError::NotAFile { path: path.to_path_buf() }),
        Ok(m) if m.len() == 0 && m.is_file() => Err(VideoError::Empty { path: path.to_path_buf() }),
        Ok(_) => std::fs::File::open(path)
            .map(drop)
            .map_err(|source| VideoError::Unreadable { path: path.to_path_buf(), source }),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Err(VideoError::FileMissing { path: path.to_path_buf() }),
        Err(source) => Err(VideoError::Unreadable { path: path.to_path_buf(), source }),
    }
}
