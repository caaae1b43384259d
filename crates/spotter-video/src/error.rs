//! The errors of the video edge: each names the file (or tool) and what is wrong with it

use std::io;
use std::path::PathBuf;

/// Why a video could not be probed or decoded. Messages have no trailing period.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// `ffmpeg` or `ffprobe` could not be started because it is not installed (or not on PATH).
    #[error("`{tool}` is not installed (could not run `{}`): run `bash scripts/setup.sh`, or `apt-get install ffmpeg`", program.display())]
    ToolMissing {
        /// `ffmpeg` or `ffprobe`.
        tool: &'static str,
        /// The program Spotter tried to run.
        program: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The tool exists but could not be started or waited for (permissions, resources).
    #[error("could not run `{}`", program.display())]
    ToolFailed {
        program: PathBuf,
        #[source]
        source: io::Error,
    },
    /// No file at this path.
    #[error("{}: no such file", path.display())]
    FileMissing { path: PathBuf },
    /// The path is a directory (or another non-file).
    #[error("{}: is a directory, not a video file", path.display())]
    NotAFile { path: PathBuf },
    /// The file exists but cannot be read (permissions, IO error).
    #[error("{}: cannot be read", path.display())]
    Unreadable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// The file has zero bytes.
    #[error("{}: the file is empty", path.display())]
    Empty { path: PathBuf },
    /// ffprobe does not recognise the file as any media (a text file, random bytes).
    #[error("{}: not a video ffmpeg can read ({detail})", path.display())]
    NotAVideo { path: PathBuf, detail: String },
    /// The container's index is missing, which happens when a recording or a copy was cut short
    /// (MP4/MOV write their index, the `moov` atom, at the end unless made with faststart).
    #[error("{}: the file looks cut short, its index is missing ({detail}); copy the original video again", path.display())]
    Truncated { path: PathBuf, detail: String },
    /// The file is media but holds no video stream (audio only, say).
    #[error("{}: has no video stream (it holds: {streams})", path.display())]
    NoVideoStream {
        path: PathBuf,
        /// The stream kinds found, e.g. `audio (aac)`, or `nothing`.
        streams: String,
    },
    /// A single picture (JPEG, PNG, ...). Refused: movement analysis needs the set over time.
    #[error("{}: is a still image ({codec}), not a video; film the set as a video", path.display())]
    StillImage { path: PathBuf, codec: String },
    /// ffprobe's output was not the JSON expected, or missed a field Spotter needs.
    #[error("{}: could not understand ffprobe's description of the file: {detail}", path.display())]
    ProbeOutput { path: PathBuf, detail: String },
    /// ffmpeg stopped without delivering a single frame.
    #[error("{}: ffmpeg decoded no frame ({status}): {detail}", path.display())]
    Decode {
        path: PathBuf,
        /// ffmpeg's exit status as text.
        status: String,
        /// The last error lines ffmpeg printed.
        detail: String,
    },
    /// Reading frames from ffmpeg's output pipe failed.
    #[error("{}: reading decoded frames from ffmpeg failed", path.display())]
    Pipe {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// A decode option is out of range.
    #[error("invalid decode option: {0}")]
    InvalidOption(String),
}
