#!/usr/bin/env bash
# Runs every test of the workspace (unit, integration, snapshot, property, vignette suites, the
# storage conformance suite on SQLite and on a throwaway PostgreSQL, and each benchmark once in
# test mode), after installing what is needed. Safe to run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# PostgreSQL runs only for the duration of the tests (scripts/pg-test.sh starts it on a private
# Unix socket as an unprivileged user and stops it at the end); with SPOTTER_TEST_NO_SKIP=1 a
# conformance story that cannot reach it fails instead of being skipped. Then the browser tests
# (node's test runner, playwright-core, Debian's chromium) walk the web app as a person would.
SPOTTER_TEST_NO_SKIP=1 bash scripts/pg-test.sh cargo test --workspace --all-targets --locked
cargo test --workspace --doc --locked
# The web app in headless Chromium, served by the server's example binary.
cargo build --locked --quiet -p spotter-server --example serve
node --test crates/spotter-server/tests/browser/
