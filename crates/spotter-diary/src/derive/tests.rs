//! Unit tests of `derive`.
use super::*;
