//! Output files of every command: checked before the work starts, and written whole or not at all.
//!
//! - [`check_file`] and [`check_dir`] are the pre-flight checks: run them on every output path
//!   before minutes of video or analysis, so that a typo in a path fails at once (exit 2, naming
//!   the flag, the path and why) instead of after the work.
//! - [`write_atomic`] (and [`write_atomic_with`] for a streamed body, [`write_new`] to refuse an
//!   existing file) write to a temporary file in the same folder and rename it into place, so a
//!   failure or an interrupted run never leaves a half-written file where a good one was. The
//!   temporary file is created exclusively (it can never replace a user's file) and removed on
//!   any failure.
//!
//! Every error is an [`crate::input_error`] (exit 2): the path came from the user.

use crate::input_error;
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// Checks that `path` can be written as an output file of `flag` (e.g. `--plot`): it is not a
/// folder, its folder exists and is a folder, and a file can be created in that folder (tried
/// with a temporary file, removed at once). An existing file at `path` is allowed (it will be
/// replaced whole).
pub fn check_file(flag: &str, path: &Path) -> anyhow::Result<()> {
    let shown = path.display();
    if path.as_os_str().is_empty() {
        return Err(input_error(format!("{flag}: the file name is empty")));
    }
    if path.is_dir() || path.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR) {
        return Err(input_error(format!("{flag} {shown}: is a folder; give a file name")));
    }
    if path.file_name().is_none() {
        return Err(input_error(format!("{flag} {shown}: not a file name")));
    }
    let dir = folder_of(path);
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => return Err(input_error(format!("{flag} {shown}: {} is a file, not a folder", dir.display()))),
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            if let Some(file) = file_on_the_way(&dir) {
                return Err(input_error(format!("{flag} {shown}: {} is a file, not a folder", file.display())));
            }
            return Err(input_error(format!("{flag} {shown}: the folder {} does not exist", dir.display())));
        }
        Err(e) => return Err(input_error(format!("{flag} {shown}: cannot use the folder {}: {e}", dir.display()))),
    }
    probe_writable(&dir).map_err(|e| input_error(format!("{flag} {shown}: cannot write in the folder {}: {e}", dir.display())))
}

/// All the checks of one output file at once: its extension is one of `extensions` (see
/// [`check_extension`]), it can be written ([`check_file`]) and it is not the `input` file.
pub fn check_output(flag: &str, path: &Path, extensions: &[&str], input: &Path) -> anyhow::Result<()> {
    check_extension(flag, path, extensions)?;
    check_file(flag, path)?;
    check_not_input(flag, path, input)
}

/// Checks that `dir` can be an output folder of `flag` (e.g. `--keyframes`): an existing folder
/// that files can be created in, or a folder that can be made (its nearest existing parent is a
/// folder that files can be created in). Nothing is created; the writer makes the folder when it
/// has something to put in it.
pub fn check_dir(flag: &str, dir: &Path) -> anyhow::Result<()> {
    let shown = dir.display();
    if dir.as_os_str().is_empty() {
        return Err(input_error(format!("{flag}: the folder name is empty")));
    }
    let mut existing = dir.to_path_buf();
    loop {
        match std::fs::metadata(&existing) {
            Ok(m) if m.is_dir() => break,
            Ok(_) if existing == dir => return Err(input_error(format!("{flag} {shown}: is a file, not a folder"))),
            Ok(_) => {
                return Err(input_error(format!("{flag} {shown}: cannot make this folder: {} is a file, not a folder", existing.display())));
            }
            Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => match existing.parent() {
                Some(p) if !p.as_os_str().is_empty() => existing = p.to_path_buf(),
                _ => {
                    existing = PathBuf::from(".");
                    break;
                }
            },
            Err(e) => return Err(input_error(format!("{flag} {shown}: cannot use {}: {e}", existing.display()))),
        }
    }
    probe_writable(&existing).map_err(|e| {
        if existing == dir {
            input_error(format!("{flag} {shown}: cannot write in this folder: {e}"))
        } else {
            input_error(format!("{flag} {shown}: cannot make this folder in {}: {e}", existing.display()))
        }
    })
}

/// Makes the output folder `dir` of `flag` (and its parents) if it does not exist yet.
pub fn make_dir(flag: &str, dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| input_error(format!("{flag} {}: cannot make the folder: {e}", dir.display())))
}

/// The extension of the output `path` of `flag`, lower case, if it is one of `allowed` (lower
/// case, without the dot); else an error listing them ("the file name must end in .pdf, .png or
/// .svg").
pub fn check_extension(flag: &str, path: &Path, allowed: &[&str]) -> anyhow::Result<String> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext {
        Some(e) if allowed.contains(&e.as_str()) => Ok(e),
        _ => {
            let dotted: Vec<String> = allowed.iter().map(|e| format!(".{e}")).collect();
            let list = match dotted.split_last() {
                Some((last, [])) => last.clone(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            Err(input_error(format!("{flag} {}: the file name must end in {list}", path.display())))
        }
    }
}

/// Refuses an output `path` of `flag` that is the input file itself (it would be overwritten).
pub fn check_not_input(flag: &str, path: &Path, input: &Path) -> anyhow::Result<()> {
    if same_file(path, input) {
        return Err(input_error(format!("{flag} {}: is the input file; give another name, or the input is overwritten", path.display())));
    }
    Ok(())
}

/// Refuses two outputs that are the same file (`("-o", a), ("--stats", b)`): one would overwrite
/// the other.
pub fn check_distinct(outputs: &[(&str, &Path)]) -> anyhow::Result<()> {
    for (i, (flag, path)) in outputs.iter().enumerate() {
        if let Some((other, _)) = outputs[..i].iter().find(|(_, p)| same_file(p, path)) {
            return Err(input_error(format!("{flag} {}: is also the {other} file; give each output its own name", path.display())));
        }
    }
    Ok(())
}

/// Whether two paths name the same existing file (or are the same path).
pub fn same_file(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Writes `bytes` to `path` (an output of `flag`) whole or not at all: into a new temporary file
/// in the same folder, flushed to disk, then renamed over `path`. An existing file at `path` is
/// replaced; on any failure it is left as it was and the temporary file is removed.
pub fn write_atomic(flag: &str, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(flag, path, |w| w.write_all(bytes))
}

/// As [`write_atomic`], with the body written by `body` into a buffered writer (a large JSON
/// document is streamed instead of held in memory twice).
pub fn write_atomic_with(flag: &str, path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    write_atomic_io(path, body).map_err(|e| input_error(format!("{flag}: cannot write {}: {e}", path.display())))
}

/// As [`write_atomic_with`], returning the bare IO error (for callers that word it themselves).
pub fn write_atomic_io(path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let tmp = write_temp(path, body)?;
    std::fs::rename(&tmp.path, path)?;
    tmp.keep();
    Ok(())
}

/// As [`write_atomic`], but refuses to replace an existing file at `path` (race-free: the file is
/// linked into place, which fails if the name exists). For `check --save` without `--force`.
// until check.rs uses it
pub fn write_new(flag: &str, path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let exists = || input_error(format!("{flag} {}: the file exists already", path.display()));
    if path.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let tmp = write_temp(path, |w| w.write_all(bytes)).map_err(|e| input_error(format!("{flag}: cannot write {}: {e}", path.display())))?;
    match std::fs::hard_link(&tmp.path, path) {
        Ok(()) => Ok(()), // the temporary name is removed when `tmp` drops
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(exists()),
        // A file system without hard links: the check above is all there is.
        Err(_) => {
            std::fs::rename(&tmp.path, path).map_err(|e| input_error(format!("{flag}: cannot write {}: {e}", path.display())))?;
            tmp.keep();
            Ok(())
        }
    }
}

/// `n` with its noun: "1 frame", "2 frames", "0 frames".
pub fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A temporary file that is removed when dropped, unless [`TempFile::keep`] says it was renamed.
struct TempFile {
    path: PathBuf,
    kept: bool,
}

impl TempFile {
    fn keep(mut self) {
        self.kept = true;
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes the body into a new temporary file beside `path` and syncs it.
fn write_temp(path: &Path, body: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<TempFile> {
    if path.is_dir() {
        return Err(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a folder"));
    }
    let (file, tmp_path) = create_temp(&folder_of(path), path.file_name().unwrap_or_default())?;
    let tmp = TempFile { path: tmp_path, kept: false };
    let mut w = BufWriter::new(file);
    body(&mut w)?;
    let file = w.into_inner().map_err(std::io::IntoInnerError::into_error)?;
    file.sync_all()?;
    Ok(tmp)
}

/// The nearest existing ancestor of `path` (itself included) if it is a file, not a folder: what
/// stops a path like `notes.txt/frames/x.png` from being made.
fn file_on_the_way(path: &Path) -> Option<PathBuf> {
    path.ancestors().filter(|p| !p.as_os_str().is_empty()).find_map(|p| match std::fs::metadata(p) {
        Ok(m) => Some((!m.is_dir()).then(|| p.to_path_buf())),
        Err(_) => None,
    })?
}

/// The folder a file goes into (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Creates a new, empty temporary file in `dir` named after `name` (hidden, with this process's
/// id and a counter: `.card.pdf.spotter-1234-0.tmp`), never opening a file that exists.
/// Numbers the temporary files of this process.
static COUNTER: AtomicU32 = AtomicU32::new(0);

fn create_temp(dir: &Path, name: &std::ffi::OsStr) -> std::io::Result<(File, PathBuf)> {
    // Long names are cut so the temporary name stays within a file system's 255 bytes.
    let mut stem: String = name.to_string_lossy().chars().take(80).collect();
    stem.retain(|c| c != std::path::MAIN_SEPARATOR);
    let mut last = None;
    for _ in 0..100 {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let mut tmp_name = OsString::from(".");
        tmp_name.push(&stem);
        tmp_name.push(format!(".spotter-{}-{n}.tmp", std::process::id()));
        let tmp = dir.join(tmp_name);
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temporary file name")))
}

/// Whether a file can be created in `dir`: creates a temporary file and removes it.
fn probe_writable(dir: &Path) -> std::io::Result<()> {
    let (file, path) = create_temp(dir, std::ffi::OsStr::new("write-check"))?;
    drop(file);
    std::fs::remove_file(&path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("spotter-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn a_file_is_written_whole_and_replaces_the_old_one_without_leftovers() {
        let dir = scratch("whole");
        let path = dir.join("out.json");
        write_atomic("-o", &path, b"first").unwrap();
        write_atomic("-o", &path, b"second").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"second");
        assert_eq!(names(&dir), ["out.json"], "no temporary file is left");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failing_body_leaves_the_old_file_and_no_temporary_file() {
        let dir = scratch("fail");
        let path = dir.join("card.pdf");
        std::fs::write(&path, b"the good card").unwrap();
        let err = write_atomic_with("--card", &path, |w| {
            w.write_all(b"half a ca")?;
            Err(std::io::Error::other("disk full"))
        })
        .unwrap_err();
        assert!(err.to_string().contains("--card: cannot write") && err.to_string().contains("disk full"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"the good card");
        assert_eq!(names(&dir), ["card.pdf"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_temporary_name_never_clobbers_a_users_file() {
        let dir = scratch("clobber");
        // A user's files with the names the temporary file would take first.
        let pid = std::process::id();
        let first = COUNTER.load(Ordering::Relaxed);
        for n in first..first + 50 {
            std::fs::write(dir.join(format!(".x.json.spotter-{pid}-{n}.tmp")), b"mine").unwrap();
        }
        write_atomic("-o", &dir.join("x.json"), b"new").unwrap();
        for n in first..first + 50 {
            assert_eq!(std::fs::read(dir.join(format!(".x.json.spotter-{pid}-{n}.tmp"))).unwrap(), b"mine");
        }
        assert_eq!(std::fs::read(dir.join("x.json")).unwrap(), b"new");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn write_new_refuses_an_existing_file() {
        let dir = scratch("new");
        let path = dir.join("answers.json");
        write_new("--save", &path, b"{}").unwrap();
        let err = write_new("--save", &path, b"{\"x\": 1}").unwrap_err();
        assert!(err.to_string().contains("the file exists already"), "{err}");
        assert_eq!(std::fs::read(&path).unwrap(), b"{}");
        assert_eq!(names(&dir), ["answers.json"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn pre_flight_checks_name_the_flag_the_path_and_why() {
        let dir = scratch("check");
        let file = dir.join("somefile");
        std::fs::write(&file, b"x").unwrap();
        let msg = |r: anyhow::Result<()>| r.unwrap_err().to_string();
        // Files.
        assert!(check_file("-o", &dir.join("x.json")).is_ok());
        assert!(check_file("-o", &file).is_ok(), "an existing file may be replaced");
        let m = msg(check_file("-o", Path::new("/nonexistent/x.json")));
        assert_eq!(m, "-o /nonexistent/x.json: the folder /nonexistent does not exist");
        let m = msg(check_file("--plot", &file.join("x.svg")));
        assert!(m.starts_with("--plot ") && m.ends_with("somefile is a file, not a folder"), "{m}");
        let m = msg(check_file("--card", &dir));
        assert!(m.ends_with("is a folder; give a file name"), "{m}");
        // /proc takes no new files, even from root.
        let m = msg(check_file("--keypoints-out", Path::new("/proc/x.json")));
        assert!(m.starts_with("--keypoints-out /proc/x.json: cannot write in the folder /proc: "), "{m}");
        // Folders.
        assert!(check_dir("--keyframes", &dir).is_ok());
        assert!(check_dir("--keyframes", &dir.join("new/deeper")).is_ok());
        assert!(!dir.join("new").exists(), "the check makes nothing");
        assert_eq!(msg(check_dir("--keyframes", &file)), format!("--keyframes {}: is a file, not a folder", file.display()));
        let m = msg(check_dir("--keyframes", &file.join("frames")));
        assert!(m.contains("cannot make this folder") && m.ends_with("somefile is a file, not a folder"), "{m}");
        let m = msg(check_dir("--keyframes", Path::new("/proc/frames")));
        assert!(m.starts_with("--keyframes /proc/frames: cannot make this folder in /proc: "), "{m}");
        // The checks leave nothing behind.
        assert_eq!(names(&dir), ["somefile"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn extensions_are_checked_case_blind_and_listed() {
        assert_eq!(check_extension("--card", Path::new("a/Card.PDF"), &["pdf", "png", "svg"]).unwrap(), "pdf");
        let m = check_extension("--card", Path::new("card.docx"), &["pdf", "png", "svg"]).unwrap_err().to_string();
        assert_eq!(m, "--card card.docx: the file name must end in .pdf, .png or .svg");
        let m = check_extension("--plot", Path::new("plot"), &["svg"]).unwrap_err().to_string();
        assert_eq!(m, "--plot plot: the file name must end in .svg");
    }

    #[test]
    fn counts_have_the_right_plural() {
        assert_eq!(count(1, "frame", "frames"), "1 frame");
        assert_eq!(count(0, "frame", "frames"), "0 frames");
        assert_eq!(count(2, "key frame", "key frames"), "2 key frames");
    }

    #[test]
    fn two_outputs_may_not_be_one_file() {
        let (a, b) = (Path::new("k.json"), Path::new("s.json"));
        assert!(check_distinct(&[("-o", a), ("--stats", b)]).is_ok());
        let m = check_distinct(&[("-o", a), ("--stats", a)]).unwrap_err().to_string();
        assert_eq!(m, "--stats k.json: is also the -o file; give each output its own name");
    }

    #[test]
    fn an_output_may_not_be_the_input() {
        let dir = scratch("same");
        let input = dir.join("k.json");
        std::fs::write(&input, b"{}").unwrap();
        let again = dir.join(".").join("k.json");
        assert!(check_not_input("--plot", &again, &input).unwrap_err().to_string().contains("is the input file"));
        assert!(check_not_input("--plot", &dir.join("k.svg"), &input).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
