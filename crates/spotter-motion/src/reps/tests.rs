//! Segmentation on synthetic depth signals with known repetitions.

use super::*;

/// `reps` cosine dips of depth 1 lasting `len` samples, with `gap` standing samples between,
/// starting with `lead` standing samples.
fn dips(reps: usize, len: usize, gap: usize, lead: usize) -> Vec<Option<f64>> {
    let mut v = vec![Some(0.0); lead];
    for _ in 0..reps {
        v.extend((0..len).map(|k| Some(0.5 - 0.5 * (2.0 * std::f64::consts::PI * k as f64 / len as f64).cos())));
        v.extend(std::iter::repeat_n(Some(0.0), gap));
    }
    v
}

#[test]
fn finds_each_rep_with_its_bottom_in_the_middle() {
    let s = dips(3, 60, 20, 10);
    let reps = segment(&s, 0.4, 0.15);
    assert_eq!(reps.len(), 3);
    for (i, r) in reps.iter().enumerate() {
        let offset = 10 + i * 80;
        assert_eq!(r.bottom, offset + 30, "{r:?}");
        assert!(!r.partial);
        assert!((offset + 5..offset + 15).contains(&r.start), "{r:?}");
        assert!((offset + 45..offset + 56).contains(&r.end), "{r:?}");
    }
}

#[test]
fn a_paused_bottom_gives_the_middle_of_the_pause() {
    let mut s: Vec<Option<f64>> = (0..30).map(|k| Some(k as f64 / 30.0)).collect();
    s.extend(std::iter::repeat_n(Some(1.0), 41));
    s.extend((1..=30).map(|k| Some(1.0 - k as f64 / 30.0)));
    s.push(Some(0.0));
    let reps = segment(&s, 0.4, 0.15);
    assert_eq!(reps.len(), 1);
    assert_eq!(reps[0].bottom, 50);
}

#[test]
fn partial_first_and_last_reps_are_marked() {
    let full = dips(3, 60, 0, 0);
    let s = full[40..160].to_vec(); // starts after the first rep's start, ends before the last rep's end
    let reps = segment(&s, 0.4, 0.15);
    assert_eq!(reps.len(), 3);
    assert!(reps[0].partial && !reps[1].partial && reps[2].partial, "{reps:?}");
}

#[test]
fn shallow_wobbles_are_not_reps() {
    let s: Vec<Option<f64>> = (0..300).map(|k| Some(0.1 * (k as f64 / 7.0).sin().abs())).collect();
    assert!(segment(&s, 0.4, 0.15).is_empty());
}

#[test]
fn unknown_samples_do_not_split_a_rep() {
    let mut s = dips(1, 60, 10, 10);
    s[35] = None;
    s[36] = None;
    assert_eq!(segment(&s, 0.4, 0.15).len(), 1);
}

#[test]
fn whole_takes_the_deepest_frame() {
    let s = dips(1, 60, 0, 5);
    assert_eq!(whole(&s), Some(RepFrames { start: 0, bottom: 35, end: 64, partial: false }));
    assert_eq!(whole(&[None, None]), None);
}

#[test]
fn resting_a_little_below_standing_between_reps_still_splits_them() {
    // Standing at 0 first, then two reps separated by a rest at 0.16 (a bar on the back).
    let mut s: Vec<Option<f64>> = vec![Some(0.0); 20];
    for _ in 0..2 {
        s.extend((0..40).map(|k| Some(0.16 + 0.42 * (1.0 - (2.0 * std::f64::consts::PI * k as f64 / 40.0).cos()))));
        s.extend(std::iter::repeat_n(Some(0.16), 30));
    }
    let reps = segment(&s, 0.12, 0.05);
    assert_eq!(reps.len(), 2, "{reps:?}");
    assert!(reps.iter().all(|r| !r.partial), "{reps:?}");
    assert_eq!(reps[0].bottom, 40);
    assert_eq!(reps[1].bottom, 110);
}
