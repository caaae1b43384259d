//! The README and the tool agree: every text block marked `<!-- output: ARGS -->` in README.md
//! is a run of lines of what `spotter ARGS` prints today (at 88 columns, without colour).

use super::*;

/// (arguments, block) for each marked block, in README order.
fn marked_blocks(readme: &str) -> Vec<(Vec<String>, Vec<String>)> {
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(args) = line.trim().strip_prefix("<!-- output:").and_then(|r| r.strip_suffix("-->")) else { continue };
        let args: Vec<String> = args.split_whitespace().map(str::to_string).collect();
        assert_eq!(lines.next().map(str::trim), Some("```text"), "a ```text block follows the marker for {args:?}");
        let block: Vec<String> = lines.by_ref().take_while(|l| l.trim() != "```").map(|l| l.trim_end().to_string()).collect();
        out.push((args, block));
    }
    out
}

#[test]
fn readme_output_blocks_are_what_the_tool_prints() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let blocks = marked_blocks(&readme);
    assert!(blocks.len() >= 2, "the README marks its output blocks");
    for (args, block) in blocks {
        let args: Vec<String> = args.iter().map(|a| if a.starts_with("examples/") { root().join(a).display().to_string() } else { a.clone() }).collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = spotter(&args, "");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", text(&out.stderr));
        let printed: Vec<String> = text(&out.stdout).lines().map(|l| l.trim_end().to_string()).collect();
        let block: Vec<String> = block.into_iter().skip_while(|l| l.is_empty()).collect();
        let found = printed.windows(block.len()).any(|w| w == block.as_slice());
        assert!(found, "README block for {args:?} is not in the output.\n--- README:\n{}\n--- printed:\n{}", block.join("\n"), printed.join("\n"));
    }
}
