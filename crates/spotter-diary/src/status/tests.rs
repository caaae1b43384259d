//! Unit tests of `status`.
use super::*;
