#!/usr/bin/env bash
# Runs every test of the workspace (unit, integration, snapshot, property, vignette suites, and
# each benchmark once in test mode), after installing what is needed. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
