//! Architecture invariants, checked on the source tree (ARCHITECTURE.md says why):
//! - the core crates (knowledge, rules, analysis, the diary) do no IO and depend only on an allowed list;
//! - every Rust file starts with a `//!` line that says what it is for;
//! - tests use neither `#[ignore]` nor `#[should_panic]`.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("repository root")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if p.is_dir() {
            if !matches!(name, "target" | "snapshots" | "corpus" | "artifacts" | "node_modules") && !name.starts_with('.') {
                rust_files(&p, out);
            }
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// Crates that must stay pure: no files, network, processes, terminal or clock.
const CORE_CRATES: [&str; 6] = ["spotter-kb", "spotter-triage", "spotter-coach", "spotter-motion", "spotter-diary", "spotter-wire"];

/// Crates that do no IO themselves but may depend on heavier libraries (bytes in, bytes out): the
/// card and key-frame renderer, the model loader and inference, the pose pipeline.
const NO_IO_CRATES: [&str; 3] = ["spotter-report", "spotter-infer", "spotter-pose"];

/// Dependencies a core crate may have (normal dependencies; dev-dependencies are free).
const CORE_ALLOWED_DEPS: [&str; 10] = [
    "spotter-kb", "spotter-triage", "spotter-coach", "spotter-motion", "spotter-diary", "spotter-wire", "serde", "serde_json", "toml",
    "thiserror",
];

/// Crates of the server and storage kind, and the only workspace crates that may depend on them
/// (directly): async runtimes and HTTP in the web server, SQL in the storage engines. Everything
/// else (the core, the application layer, the CLI) stays synchronous and engine-neutral.
const FENCED_DEPS: [(&str, &[&str]); 12] = [
    ("tokio", &["spotter-server", "spotter-store-postgres", "spotter-store-sqlite"]),
    ("async-std", &[]),
    ("smol", &[]),
    ("axum", &["spotter-server"]),
    ("hyper", &["spotter-server"]),
    ("tower", &["spotter-server"]),
    ("tower-http", &["spotter-server"]),
    ("reqwest", &[]),
    ("sqlx", &["spotter-store-postgres", "spotter-store-sqlite"]),
    ("rusqlite", &["spotter-store-sqlite"]),
    ("postgres", &["spotter-store-postgres"]),
    ("tokio-postgres", &["spotter-store-postgres"]),
];

/// Text that means IO in library code.
const IO_MARKERS: [&str; 10] = [
    "std::fs", "std::net", "std::process", "std::env", "stdin()", "stdout()", "println!", "eprintln!", "File::", "SystemTime",
];

#[test]
fn core_crates_do_no_io() {
    let root = root();
    let mut offences = Vec::new();
    for krate in CORE_CRATES.iter().chain(&NO_IO_CRATES) {
        let mut files = Vec::new();
        rust_files(&root.join("crates").join(krate).join("src"), &mut files);
        assert!(!files.is_empty(), "{krate} has no sources");
        for f in files {
            // Unit tests beside the code may read fixtures; the library code may not.
            if f.file_name().is_some_and(|n| n == "tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).expect("readable");
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for m in IO_MARKERS {
                    if code.contains(m) {
                        offences.push(format!("{}:{}: `{m}`", f.display(), n + 1));
                    }
                }
            }
        }
    }
    assert!(offences.is_empty(), "IO in a core crate:\n{}", offences.join("\n"));
}

#[test]
fn core_crates_depend_only_on_allowed_crates() {
    let root = root();
    for krate in CORE_CRATES {
        let manifest = std::fs::read_to_string(root.join("crates").join(krate).join("Cargo.toml")).expect("manifest");
        let doc: toml::Table = manifest.parse().expect("manifest parses");
        let deps = doc.get("dependencies").and_then(|d| d.as_table()).cloned().unwrap_or_default();
        for name in deps.keys() {
            assert!(CORE_ALLOWED_DEPS.contains(&name.as_str()), "{krate} depends on `{name}`, which core crates may not");
        }
    }
}

#[test]
fn async_http_and_sql_crates_stay_in_their_crates() {
    let root = root();
    let mut offences = Vec::new();
    let mut crates = 0;
    for entry in std::fs::read_dir(root.join("crates")).expect("crates folder").flatten() {
        let Ok(manifest) = std::fs::read_to_string(entry.path().join("Cargo.toml")) else { continue };
        crates += 1;
        let doc: toml::Table = manifest.parse().expect("manifest parses");
        let name = doc["package"]["name"].as_str().expect("package name").to_string();
        for section in ["dependencies", "build-dependencies"] {
            let deps = doc.get(section).and_then(|d| d.as_table()).cloned().unwrap_or_default();
            for dep in deps.keys() {
                if let Some((_, allowed)) = FENCED_DEPS.iter().find(|(d, _)| d == dep)
                    && !allowed.contains(&name.as_str())
                {
                    offences.push(format!("{name} depends on `{dep}` ({section}); only {allowed:?} may"));
                }
            }
        }
    }
    assert!(crates >= 10, "only {crates} crates found");
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

#[test]
fn every_rust_file_says_what_it_is_for() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    rust_files(&root.join("fuzz"), &mut files);
    let missing: Vec<String> = files
        .iter()
        .filter(|f| !std::fs::read_to_string(f).expect("readable").starts_with("//!"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(files.len() > 10, "only {} files found", files.len());
    assert!(missing.is_empty(), "files without a leading `//!` line:\n{}", missing.join("\n"));
}

#[test]
fn no_ignored_or_should_panic_tests() {
    let root = root();
    let mut files = Vec::new();
    rust_files(&root.join("crates"), &mut files);
    let this = file!().rsplit('/').next().unwrap_or("");
    for f in files.iter().filter(|f| !f.ends_with(this)) {
        let text = std::fs::read_to_string(f).expect("readable");
        for bad in ["#[ignore", "#[should_panic"] {
            assert!(!text.contains(bad), "{} uses {bad}]", f.display());
        }
    }
}
