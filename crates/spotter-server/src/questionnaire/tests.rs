//! Unit tests of the questionnaire's steps and form reading.
