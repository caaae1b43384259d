#!/usr/bin/env bash
# Installs what Spotter needs on a fresh machine of this kind (Debian with rustup's Rust
# toolchain). Safe to run any number of times: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: cargo not found. Install Rust with rustup, then run this again." >&2
  exit 1
fi

# Crates from crates.io, exactly the versions in Cargo.lock.
cargo fetch --locked --quiet
