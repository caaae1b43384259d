//! Unit tests of `entry`.
use super::*;
