//! Integration tests of the diary core.
