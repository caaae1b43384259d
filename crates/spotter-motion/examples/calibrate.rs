//! Calibration and accuracy report on UI-PRMD (development subjects s01-s06): runs every deep
//! squat (m01) and inline lunge (m03) through the keypoint path (markers -> side-view BlazePose
//! keypoints at 30 fps -> the analysis), compares trunk lean and depth with the marker truth, and
//! fits by leave-one-subject-out both the side-view verdict rules and the marker verdict models
//! (`[[marker_verdict]]`: nested and plain LOSO accuracy, precision, recall and F1, and the TOML
//! block of each fitted model). Reads the data folder given as the first
//! argument (default ../shared/data/ui-prmd); prints a report. Not a test: it reads outside the repo.
//!
//! cargo run --release -p spotter-motion --example calibrate -- /path/to/ui-prmd

use spotter_motion::analysis::{self, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::load::{ExternalLoad, Lifter, Sex};
use spotter_motion::mocap::verdict::{self as mverdict, MarkerMeasures};
use spotter_motion::mocap::{self, marker, CameraSide, PreparedTrial};
use spotter_motion::thresholds::Thresholds;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
struct Rep {
    movement: u32,
    subject: u32,
    incorrect: bool,
    /// Keypoint-path features.
    depth_rel: f64,
    drop_rel: f64,
    lean_deg: f64,
    knee_deg: f64,
    extra: Vec<f64>,
    /// The library's own verdict (thresholds.toml).
    verdict_incorrect: bool,
    /// Marker truth.
    true_lean_deg: f64,
    true_drop_rel: f64,
    true_drop_m: f64,
    leg_m: f64,
    /// Marker (3-D) candidate features for the verdict model, named in `CANDIDATES`.
    cand: Vec<f64>,
}

fn extra_features(body: &SagittalBody, a: &analysis::Analysis, mv: Movement) -> Vec<f64> {
    use spotter_motion::keypoints::bp;
    use spotter_motion::kinematics::{self, LEFT_LEG, RIGHT_LEG};
    let rf = a.rep_frames[0];
    let b = rf.bottom;
    let leg = a.leg_length_m.unwrap_or(f64::NAN);
    let near = kinematics::near_leg(body);
    let ang = kinematics::leg_angles(body, near, b);
    let nan = f64::NAN;
    let shin = ang.shin.map(f64::to_degrees).unwrap_or(nan);
    let thigh = match (body.at(near.hip, b), body.at(near.knee, b)) {
        (Some(h), Some(k)) => (k[1] - h[1]).atan2((k[0] - h[0]).abs()).to_degrees(),
        _ => nan,
    };
    let lean_b = kinematics::trunk_lean(body, b).map(f64::to_degrees).unwrap_or(nan);
    let wrist = body.mid(bp::LEFT_WRIST, bp::RIGHT_WRIST, b);
    let toe = body.mid(bp::LEFT_FOOT_INDEX, bp::RIGHT_FOOT_INDEX, b).or(body.mid(bp::LEFT_ANKLE, bp::RIGHT_ANKLE, b));
    let wrist_ahead = match (wrist, toe) {
        (Some(w), Some(t)) => (w[0] - t[0]) / leg,
        _ => nan,
    };
    let heel_y: Vec<f64> = (rf.start..=rf.end).filter_map(|f| body.mid(bp::LEFT_HEEL, bp::RIGHT_HEEL, f).map(|p| p[1])).collect();
    let heel_rise = heel_y.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - heel_y.first().copied().unwrap_or(nan);
    // Lunge: the back knee is the lower knee at the bottom.
    let back_knee = match (body.at(LEFT_LEG.knee, b), body.at(RIGHT_LEG.knee, b), body.mid(bp::LEFT_ANKLE, bp::RIGHT_ANKLE, b)) {
        (Some(l), Some(r), Some(an)) => (l[1].min(r[1]) - an[1]) / leg,
        _ => nan,
    };
    let leans: Vec<f64> = (rf.start..=rf.end).filter_map(|f| kinematics::trunk_lean(body, f)).map(f64::to_degrees).collect();
    let range = leans.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - leans.iter().cloned().fold(f64::INFINITY, f64::min);
    let hip_flex = ang.hip_flexion.map(f64::to_degrees).unwrap_or(nan);
    let duration = body.t[rf.end] - body.t[rf.start];
    let wrist_h = match (wrist, body.mid_shoulder(b)) {
        (Some(w), Some(s)) => (w[1] - s[1]) / leg,
        _ => nan,
    };
    let _ = mv;
    let st = rf.start;
    let rel = |f: usize| -> Option<(f64, f64, f64, f64)> {
        let w = body.mid(bp::LEFT_WRIST, bp::RIGHT_WRIST, f)?;
        let s = body.mid_shoulder(f)?;
        let h = body.mid_hip(f)?;
        let t = body.mid(bp::LEFT_FOOT_INDEX, bp::RIGHT_FOOT_INDEX, f).or(body.mid(bp::LEFT_ANKLE, bp::RIGHT_ANKLE, f))?;
        Some((w[1] - s[1], w[0] - h[0], h[0] - t[0], kinematics::trunk_lean(body, f)?))
    };
    let (wrist_drop, wrist_fwd, hip_back, lean_rel) = match (rel(st), rel(b)) {
        (Some(a0), Some(a1)) => ((a0.0 - a1.0) / leg, (a1.1 - a0.1) / leg, (a0.2 - a1.2) / leg, (a1.3 - a0.3).to_degrees()),
        _ => (nan, nan, nan, nan),
    };
    let knee_past_toe = match (body.at(near.knee, b), toe) {
        (Some(k), Some(t)) => (k[0] - t[0]) / leg,
        _ => nan,
    };
    vec![shin, thigh, lean_b - shin, wrist_ahead, heel_rise / leg, back_knee, range, hip_flex, duration, wrist_h, wrist_drop, wrist_fwd, hip_back, lean_rel, knee_past_toe]
}

/// Names of the marker candidate features: the five `MarkerMeasures` the shipped models may use,
/// then further Functional-Movement-Screen-style measures (valgus, heel rise, shoulder and pelvis
/// sway, arms dropping, feet moving, pelvis rotation) the selection may also pick.
const CANDIDATES: [&str; 15] = [
    "hip_below_knee_over_leg",
    "wrist_line_tilt_deg",
    "trunk_lean_range_deg",
    "trunk_side_lean_deg",
    "back_knee_height_over_leg",
    "peak_trunk_lean_deg",
    "knee_over_ankle_width_min",
    "heel_rise_over_leg",
    "shoulder_side_shift_over_leg",
    "wrist_drop_over_leg",
    "wrist_forward_over_leg",
    "foot_move_over_leg",
    "pelvis_rotation_range_deg",
    "hip_side_shift_over_leg",
    "spare_unused",
];

/// The candidate sets, written down from the FMS scoring criteria of each exercise (deep squat:
/// depth, trunk, knees over feet, dowel over feet, heels; inline lunge: trunk still, dowel level,
/// back knee down, balance). Indices into `CANDIDATES`.
const SQUAT_SET: [usize; 10] = [0, 5, 6, 7, 1, 3, 8, 9, 10, 11];
const LUNGE_SET: [usize; 11] = [4, 2, 5, 1, 3, 8, 9, 11, 7, 12, 13];

fn candidates_3d(t: &PreparedTrial) -> Vec<f64> {
    let m = mverdict::measures(t);
    let nan = f64::NAN;
    let mut v: Vec<f64> = MarkerMeasures::NAMES.iter().map(|n| m.value(n).unwrap_or(nan)).collect();
    let rep = t.repetition();
    let (st, b) = (rep.standing_frame, rep.bottom_frame);
    let leg = rep.leg_length_3d_m;
    let g = |f: usize, k: usize| t.markers[f][k].unwrap_or([nan; 3]);
    let midp = |f: usize, a: usize, c: usize| {
        let (p, q) = (g(f, a), g(f, c));
        [(p[0] + q[0]) / 2.0, (p[1] + q[1]) / 2.0, (p[2] + q[2]) / 2.0]
    };
    let n = t.frames.len();
    let ankles = |f: usize| midp(f, marker::LANK, marker::RANK);
    let wrists = |f: usize| {
        let (l, r) = (midp(f, marker::LWRA, marker::LWRB), midp(f, marker::RWRA, marker::RWRB));
        [(l[0] + r[0]) / 2.0, (l[1] + r[1]) / 2.0, (l[2] + r[2]) / 2.0]
    };
    let max = |it: &mut dyn Iterator<Item = f64>| it.filter(|x| x.is_finite()).fold(nan, f64::max);
    let min = |it: &mut dyn Iterator<Item = f64>| it.filter(|x| x.is_finite()).fold(nan, f64::min);
    let sh = |f: usize| t.frames[f].mid_shoulder_m;
    let mh = |f: usize| t.frames[f].mid_hip_m;
    let width = |f: usize, a: usize, c: usize| (g(f, a)[1] - g(f, c)[1]).abs();
    let knee_ankle = min(&mut (st..n).map(|f| width(f, marker::LKNE, marker::RKNE) / width(f, marker::LANK, marker::RANK)));
    let heel = max(&mut (0..n).flat_map(|f| [marker::LHEE, marker::RHEE].map(|k| (g(f, k)[2] - g(st, k)[2]) / leg)));
    let shoulder_shift = max(&mut (0..n).map(|f| ((sh(f)[1] - ankles(f)[1]) - (sh(st)[1] - ankles(st)[1])).abs() / leg));
    let wrist_drop = ((wrists(st)[2] - sh(st)[2]) - (wrists(b)[2] - sh(b)[2])) / leg;
    let wrist_fwd = ((wrists(b)[0] - ankles(b)[0]) - (wrists(st)[0] - ankles(st)[0])) / leg;
    let feet = [marker::LHEE, marker::RHEE, marker::LANK, marker::RANK];
    let foot_move = max(&mut (0..n).flat_map(|f| {
        feet.map(|k| {
            let (p, q) = (g(f, k), g(st, k));
            ((p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2) + (p[2] - q[2]).powi(2)).sqrt() / leg
        })
    }));
    let rot: Vec<f64> = (0..n)
        .map(|f| {
            let (l, r) = (g(f, marker::LASI), g(f, marker::RASI));
            (l[0] - r[0]).atan2(l[1] - r[1]).to_degrees()
        })
        .collect();
    let rot_range = max(&mut rot.iter().copied()) - min(&mut rot.iter().copied());
    let hip_shift = max(&mut (0..n).map(|f| ((mh(f)[1] - ankles(f)[1]) - (mh(st)[1] - ankles(st)[1])).abs() / leg));
    v.extend([
        rep.peak_trunk_lean_rad.to_degrees(),
        knee_ankle,
        heel,
        shoulder_shift,
        wrist_drop,
        wrist_fwd,
        foot_move,
        rot_range,
        hip_shift,
        0.0,
    ]);
    v
}

/// Logistic regression on standardised features with an L2 penalty `lambda` on the weights (mean
/// log-loss + lambda/2·|w|²), by Newton's method. Non-finite inputs count as the mean.
#[derive(Debug, Clone)]
struct Lr {
    mu: Vec<f64>,
    sd: Vec<f64>,
    w: Vec<f64>,
    b: f64,
}

fn zs(x: &[f64], mu: &[f64], sd: &[f64]) -> Vec<f64> {
    x.iter().zip(mu).zip(sd).map(|((v, m), s)| if v.is_finite() { (v - m) / s } else { 0.0 }).collect()
}

fn fit_lr(x: &[Vec<f64>], y: &[bool], lambda: f64) -> Lr {
    let k = x.first().map_or(0, Vec::len);
    let col = |j: usize| x.iter().map(move |r| r[j]).filter(|v| v.is_finite());
    let mu: Vec<f64> = (0..k).map(|j| mean(&col(j).collect::<Vec<_>>())).collect();
    let sd: Vec<f64> = (0..k).map(|j| mean(&col(j).map(|v| (v - mu[j]).powi(2)).collect::<Vec<_>>()).sqrt().max(1e-9)).collect();
    let z: Vec<Vec<f64>> = x.iter().map(|r| zs(r, &mu, &sd)).collect();
    let n = x.len() as f64;
    // Parameters θ = (b, w); Newton steps on the penalised mean log-loss.
    let mut th = vec![0.0; k + 1];
    for _ in 0..50 {
        let mut grad = vec![0.0; k + 1];
        let mut hess = vec![vec![0.0; k + 1]; k + 1];
        for (zi, &yi) in z.iter().zip(y) {
            let xi: Vec<f64> = std::iter::once(1.0).chain(zi.iter().copied()).collect();
            let s: f64 = xi.iter().zip(&th).map(|(a, c)| a * c).sum();
            let p = 1.0 / (1.0 + (-s).exp());
            let r = p - if yi { 1.0 } else { 0.0 };
            for a in 0..=k {
                grad[a] += r * xi[a] / n;
                for c in 0..=k {
                    hess[a][c] += p * (1.0 - p) * xi[a] * xi[c] / n;
                }
            }
        }
        for a in 1..=k {
            grad[a] += lambda * th[a];
            hess[a][a] += lambda;
        }
        hess[0][0] += 1e-9;
        let step = solve(hess, grad);
        let mut size = 0.0f64;
        for a in 0..=k {
            th[a] -= step[a];
            size = size.max(step[a].abs());
        }
        if size < 1e-10 {
            break;
        }
    }
    Lr { mu, sd, w: th[1..].to_vec(), b: th[0] }
}

/// Solves `a·x = v` by Gaussian elimination with partial pivoting (a is small and positive definite).
fn solve(mut a: Vec<Vec<f64>>, mut v: Vec<f64>) -> Vec<f64> {
    let n = v.len();
    for i in 0..n {
        let p = (i..n).max_by(|&r, &s| a[r][i].abs().total_cmp(&a[s][i].abs())).unwrap_or(i);
        a.swap(i, p);
        v.swap(i, p);
        let (top, rest) = a.split_at_mut(i + 1);
        let pivot = &top[i];
        for (r, row) in rest.iter_mut().enumerate() {
            let f = row[i] / pivot[i];
            for (x, p) in row[i..].iter_mut().zip(&pivot[i..]) {
                *x -= f * p;
            }
            v[i + 1 + r] -= f * v[i];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        x[i] = (v[i] - (i + 1..n).map(|c| a[i][c] * x[c]).sum::<f64>()) / a[i][i];
    }
    x
}

fn lr_score(m: &Lr, x: &[f64]) -> f64 {
    m.b + zs(x, &m.mu, &m.sd).iter().zip(&m.w).map(|(a, c)| a * c).sum::<f64>()
}

/// Rows of the chosen candidate columns.
fn rows(reps: &[&Rep], cols: &[usize]) -> Vec<Vec<f64>> {
    reps.iter().map(|r| cols.iter().map(|&c| r.cand[c]).collect()).collect()
}

fn labels(reps: &[&Rep]) -> Vec<bool> {
    reps.iter().map(|r| r.incorrect).collect()
}

fn subjects_of(reps: &[&Rep]) -> Vec<u32> {
    let mut s: Vec<u32> = reps.iter().map(|r| r.subject).collect();
    s.sort();
    s.dedup();
    s
}

/// A way to build a predictor from training reps.
type Fitter<'a> = dyn Fn(&[&Rep]) -> Box<dyn Fn(&Rep) -> bool> + 'a;

/// Leave-one-subject-out predictions (in the order of `reps`).
fn loso_pred(reps: &[&Rep], fit: &Fitter) -> Vec<bool> {
    let mut pred = vec![false; reps.len()];
    for s in subjects_of(reps) {
        let train: Vec<&Rep> = reps.iter().copied().filter(|r| r.subject != s).collect();
        let f = fit(&train);
        for (i, r) in reps.iter().enumerate() {
            if r.subject == s {
                pred[i] = f(r);
            }
        }
    }
    pred
}

fn acc_of(pred: &[bool], reps: &[&Rep]) -> f64 {
    pred.iter().zip(reps).filter(|(p, r)| **p == r.incorrect).count() as f64 / reps.len().max(1) as f64
}

/// Accuracy, precision, recall, F1 (positive = incorrect).
fn scores(pred: &[bool], reps: &[&Rep]) -> (f64, f64, f64, f64) {
    let (mut tp, mut fp, mut fneg) = (0.0, 0.0, 0.0);
    for (p, r) in pred.iter().zip(reps) {
        match (*p, r.incorrect) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fneg += 1.0,
            _ => {}
        }
    }
    let p = tp / f64::max(tp + fp, 1.0);
    let rc = tp / f64::max(tp + fneg, 1.0);
    (acc_of(pred, reps), p, rc, if p + rc > 0.0 { 2.0 * p * rc / (p + rc) } else { 0.0 })
}

fn logistic_fitter(cols: Vec<usize>, lambda: f64) -> Box<Fitter<'static>> {
    Box::new(move |train: &[&Rep]| {
        let m = fit_lr(&rows(train, &cols), &labels(train), lambda);
        let cols = cols.clone();
        Box::new(move |r: &Rep| lr_score(&m, &cols.iter().map(|&c| r.cand[c]).collect::<Vec<_>>()) > 0.0)
    })
}

/// Forward selection of up to `kmax` columns from `set` by LOSO accuracy on `train` (ties keep
/// the earlier column), then a logistic fit on `train`.
fn forward_select(train: &[&Rep], set: &[usize], kmax: usize, lambda: f64) -> Vec<usize> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut best = 0.0;
    for _ in 0..kmax {
        let mut pick = None;
        for &c in set.iter().filter(|c| !chosen.contains(c)) {
            let mut cols = chosen.clone();
            cols.push(c);
            let a = acc_of(&loso_pred(train, &*logistic_fitter(cols, lambda)), train);
            if a > best + 1e-9 {
                best = a;
                pick = Some(c);
            }
        }
        match pick {
            Some(c) => chosen.push(c),
            None => break,
        }
    }
    chosen
}

/// Lambda for `cols` chosen by LOSO accuracy on `train` among `LAMBDAS`.
fn choose_lambda(train: &[&Rep], cols: &[usize]) -> f64 {
    let mut best = (f64::NEG_INFINITY, LAMBDAS[0]);
    for &l in &LAMBDAS {
        let a = acc_of(&loso_pred(train, &*logistic_fitter(cols.to_vec(), l)), train);
        if a > best.0 + 1e-9 {
            best = (a, l);
        }
    }
    best.1
}

/// L2 penalties tried (per rep, on standardised weights): about sklearn's C = 3, 1 and 0.3 for
/// 100-120 reps.
const LAMBDAS: [f64; 3] = [0.003, 0.01, 0.03];
/// The penalty of the forward selection.
const SELECT_LAMBDA: f64 = 0.03;

/// The shipped lunge inputs, fixed from the FMS inline-lunge criteria: trunk still forward and
/// sideways, bar level, back knee down.
const LUNGE_MODEL: [usize; 4] = [2, 3, 1, 4];

fn model_toml(movement: &str, cols: &[usize], m: &Lr, source: &str) -> String {
    let feats: Vec<String> = cols
        .iter()
        .enumerate()
        .map(|(j, &c)| format!("  {{ measure = \"{}\", mean = {:.6}, sd = {:.6}, weight = {:.6} }},", CANDIDATES[c], m.mu[j], m.sd[j], m.w[j]))
        .collect();
    format!("[[marker_verdict]]\nmovement = \"{movement}\"\nsource = \"{source}\"\nintercept = {:.6}\nfeature = [\n{}\n]\n", m.b, feats.join("\n"))
}

fn print_scores(label: &str, pred: &[bool], reps: &[&Rep]) {
    let (a, p, r, f) = scores(pred, reps);
    println!("  {label}: accuracy {a:.3} precision {p:.3} recall {r:.3} F1 {f:.3}");
}

/// The marker-verdict section of the report: the nested and plain LOSO estimates and the models.
fn marker_report(movement: u32, mv: &[&Rep], thresholds: &spotter_motion::thresholds::Thresholds) {
    let set: &[usize] = if movement == 1 { &SQUAT_SET } else { &LUNGE_SET };
    let name = if movement == 1 { "squat" } else { "lunge" };
    println!("  -- marker verdict (3-D markers, logistic; positive = incorrect)");
    // 1. The whole procedure nested: forward selection (up to 3 of the FMS set) inside each fold.
    let mut pred = vec![false; mv.len()];
    for s in subjects_of(mv) {
        let train: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject != s).collect();
        let cols = forward_select(&train, set, 3, SELECT_LAMBDA);
        let f = logistic_fitter(cols.clone(), SELECT_LAMBDA)(&train);
        for (i, r) in mv.iter().enumerate() {
            if r.subject == s {
                pred[i] = f(r);
            }
        }
        let test: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject == s).collect();
        let acc = acc_of(&test.iter().map(|r| f(r)).collect::<Vec<_>>(), &test);
        println!("    held out s{s:02}: selected {:?} -> accuracy {acc:.2}", cols.iter().map(|&c| CANDIDATES[c]).collect::<Vec<_>>());
    }
    print_scores("NESTED LOSO, forward selection from the FMS set inside each fold (honest)", &pred, mv);
    let selected = forward_select(mv, set, 3, SELECT_LAMBDA);
    println!("    selected on all six subjects: {:?}", selected.iter().map(|&c| CANDIDATES[c]).collect::<Vec<_>>());
    // 2. The shipped model's inputs.
    let cols: Vec<usize> = if movement == 1 { selected.clone() } else { LUNGE_MODEL.to_vec() };
    let lambda = if movement == 1 { SELECT_LAMBDA } else { choose_lambda(mv, &cols) };
    if movement != 1 {
        let mut pred = vec![false; mv.len()];
        for s in subjects_of(mv) {
            let train: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject != s).collect();
            let l = choose_lambda(&train, &cols);
            let f = logistic_fitter(cols.clone(), l)(&train);
            for (i, r) in mv.iter().enumerate() {
                if r.subject == s {
                    pred[i] = f(r);
                }
            }
        }
        print_scores("NESTED LOSO, fixed FMS inputs, penalty chosen inside each fold", &pred, mv);
    }
    let pred = loso_pred(mv, &*logistic_fitter(cols.clone(), lambda));
    print_scores(&format!("plain LOSO of the shipped inputs {:?}, lambda {lambda}", cols.iter().map(|&c| CANDIDATES[c]).collect::<Vec<_>>()), &pred, mv);
    for s in subjects_of(mv) {
        let idx: Vec<usize> = (0..mv.len()).filter(|&i| mv[i].subject == s).collect();
        let ok = idx.iter().filter(|&&i| pred[i] == mv[i].incorrect).count();
        print!("    s{s:02} {:.2}", ok as f64 / idx.len() as f64);
    }
    println!();
    let full = fit_lr(&rows(mv, &cols), &labels(mv), lambda);
    let train_acc = acc_of(&mv.iter().map(|r| lr_score(&full, &cols.iter().map(|&c| r.cand[c]).collect::<Vec<_>>()) > 0.0).collect::<Vec<_>>(), mv);
    println!("    fitted on all 6 subjects (training accuracy {train_acc:.3}); for data/thresholds.toml:\n");
    println!("{}", model_toml(name, &cols, &full, "calibrated on UI-PRMD s01-s06, LOSO (examples/calibrate.rs)"));
    // 3. The library's own marker verdict (data/thresholds.toml) on these reps.
    let lib: Vec<bool> = mv
        .iter()
        .map(|r| {
            let m = MarkerMeasures {
                hip_below_knee_over_leg: Some(r.cand[0]).filter(|v| v.is_finite()),
                wrist_line_tilt_deg: Some(r.cand[1]).filter(|v| v.is_finite()),
                trunk_lean_range_deg: Some(r.cand[2]).filter(|v| v.is_finite()),
                trunk_side_lean_deg: Some(r.cand[3]).filter(|v| v.is_finite()),
                back_knee_height_over_leg: Some(r.cand[4]).filter(|v| v.is_finite()),
            };
            let movement = if movement == 1 { Movement::Squat } else { Movement::Lunge };
            mverdict::judge(&m, movement, thresholds).is_some_and(|v| v.verdict == "incorrect")
        })
        .collect();
    print_scores("library marker verdict (data/thresholds.toml) on all reps (training figure)", &lib, mv);
}

fn read_gz(p: &Path) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(p).expect("open")).read_to_string(&mut s).expect("gunzip");
    s
}

fn load(dir: &Path) -> Vec<Rep> {
    let mut out = Vec::new();
    let thresholds = Thresholds::builtin();
    for (folder, incorrect) in [("Segmented Movements/Vicon/Positions", false), ("Incorrect Segmented Movements/Vicon/Positions", true)] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder)).expect("data folder").map(|e| e.unwrap().path()).collect();
        files.sort();
        for f in files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            let movement: u32 = name[1..3].parse().unwrap();
            let subject: u32 = name[5..7].parse().unwrap();
            let trial = mocap::parse_uiprmd(&read_gz(&f)).expect("parses");
            let prepared = match mocap::prepare(&trial) {
                Ok(p) => p,
                Err(e) => {
                    eprintln!("{name}: {e}");
                    continue;
                }
            };
            let truth = prepared.repetition();
            let seq = mocap::to_side_view(&prepared, CameraSide::Right, Some(30.0));
            let body = SagittalBody::from_keypoints(&seq, 1.75, 6.0).expect("body");
            let mv = if movement == 1 { Movement::Squat } else { Movement::Lunge };
            let opts = Options {
                movement: mv,
                single_rep: true,
                lifter: Lifter { body_mass_kg: 75.0, height_m: 1.75, sex: Sex::Male },
                load: ExternalLoad::NONE,
                dynamic: false,
            };
            let a = analysis::analyze(&body, &opts, &thresholds);
            let r = &a.reps[0];
            let mut extra = extra_features(&body, &a, mv);
            extra.extend([
                truth.pelvis_drop_rel_3d,
                truth.peak_trunk_lean_rad.to_degrees(),
                truth.butt_wink_rad.to_degrees(),
                truth.knee_convergence_m * 1000.0,
                truth.peak_knee_flexion_3d_rad.to_degrees(),
                truth.peak_trunk_lean_c7_rad.map_or(f64::NAN, f64::to_degrees),
            ]);
            out.push(Rep {
                movement,
                subject,
                incorrect,
                depth_rel: r.hip_below_knee_over_leg.unwrap_or(f64::NAN),
                drop_rel: r.hip_drop_over_leg.unwrap_or(f64::NAN),
                lean_deg: r.peak_trunk_lean_deg.unwrap_or(f64::NAN),
                knee_deg: r.knee_flexion_bottom_deg.unwrap_or(f64::NAN),
                extra,
                verdict_incorrect: r.verdict == Some("incorrect"),
                true_lean_deg: truth.peak_trunk_lean_rad.to_degrees(),
                true_drop_rel: truth.pelvis_drop_rel,
                true_drop_m: truth.pelvis_drop_m,
                leg_m: truth.leg_length_2d_m,
                cand: candidates_3d(&prepared),
            });
        }
    }
    out
}

const FEATURES: [&str; 25] = [
    "depth_rel", "drop_rel", "lean_deg", "knee_deg",
    "shin_bottom_deg", "thigh_below_horizontal_deg", "torso_minus_tibia_deg", "wrist_ahead_of_toe_rel",
    "heel_rise_rel", "back_knee_height_rel", "lean_range_deg", "hip_flex_bottom_deg", "duration_s", "wrist_height_rel",
    "wrist_drop_rel", "wrist_fwd_rel", "hip_back_rel", "lean_rel_deg", "knee_past_toe_rel",
    "m_drop_rel_3d", "m_lean_deg", "m_butt_wink_deg", "m_knee_convergence_mm", "m_knee_flex_3d_deg", "m_c7_lean_deg",
];

/// A verdict rule: incorrect when any condition `(feature, below?, threshold)` is met.
type Rule = Vec<(usize, bool, f64)>;

fn feature(r: &Rep, i: usize) -> f64 {
    if i < 4 { [r.depth_rel, r.drop_rel, r.lean_deg, r.knee_deg][i] } else { r.extra[i - 4] }
}

fn predict(rule: &Rule, r: &Rep) -> bool {
    rule.iter().any(|&(i, below, t)| {
        let v = feature(r, i);
        if below { v < t } else { v > t }
    })
}

fn candidates(reps: &[&Rep], i: usize) -> Vec<f64> {
    let mut v: Vec<f64> = reps.iter().map(|r| feature(r, i)).filter(|x| x.is_finite()).collect();
    v.sort_by(f64::total_cmp);
    v.dedup();
    let mids: Vec<f64> = v.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
    let step = (mids.len() / 60).max(1);
    mids.into_iter().step_by(step).collect()
}

fn accuracy(rule: &Rule, reps: &[&Rep]) -> f64 {
    reps.iter().filter(|r| predict(rule, r) == r.incorrect).count() as f64 / reps.len() as f64
}

/// Greedy search: add the condition that most improves training accuracy, up to `k` conditions.
fn fit(reps: &[&Rep], feats: &[usize], k: usize) -> Rule {
    let mut rule: Rule = Vec::new();
    for _ in 0..k {
        let mut best = (if rule.is_empty() { 0.0 } else { accuracy(&rule, reps) }, None);
        for &f in feats {
            for t in candidates(reps, f) {
                for below in [true, false] {
                    let mut r = rule.clone();
                    r.push((f, below, t));
                    let a = accuracy(&r, reps);
                    if a > best.0 + 1e-9 {
                        best = (a, Some((f, below, t)));
                    }
                }
            }
        }
        match best.1 {
            Some(c) => rule.push(c),
            None => break,
        }
    }
    rule
}

fn describe(rule: &Rule) -> String {
    rule.iter().map(|&(i, below, t)| format!("{} {} {t:.4}", FEATURES[i], if below { "<" } else { ">" })).collect::<Vec<_>>().join(" or ")
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data/ui-prmd"));
    let reps = load(&dir);
    let thresholds = Thresholds::builtin();
    if let Ok(path) = std::env::var("SPOTTER_FEATURES_CSV") {
        let mut csv = format!("movement,subject,incorrect,{}\n", FEATURES.join(","));
        for r in &reps {
            let f: Vec<String> = (0..FEATURES.len()).map(|i| format!("{:.5}", feature(r, i))).collect();
            csv.push_str(&format!("{},{},{},{}\n", r.movement, r.subject, r.incorrect as u8, f.join(",")));
        }
        std::fs::write(path, csv).expect("write features");
    }
    for (movement, name) in [(1, "m01 deep squat"), (3, "m03 inline lunge")] {
        let mv: Vec<&Rep> = reps.iter().filter(|r| r.movement == movement).collect();
        println!("\n== {name}: {} reps", mv.len());
        for inc in [false, true] {
            let g: Vec<&Rep> = mv.iter().copied().filter(|r| r.incorrect == inc).collect();
            println!(
                "  {:9} n={:3} depth_rel {:+.3} drop_rel {:.3} lean {:.1} deg knee {:.1} deg | truth: lean {:.1} deg, drop {:.0} mm",
                if inc { "incorrect" } else { "correct" },
                g.len(),
                mean(&g.iter().map(|r| r.depth_rel).collect::<Vec<_>>()),
                mean(&g.iter().map(|r| r.drop_rel).collect::<Vec<_>>()),
                mean(&g.iter().map(|r| r.lean_deg).collect::<Vec<_>>()),
                mean(&g.iter().map(|r| r.knee_deg).collect::<Vec<_>>()),
                mean(&g.iter().map(|r| r.true_lean_deg).collect::<Vec<_>>()),
                mean(&g.iter().map(|r| r.true_drop_m * 1000.0).collect::<Vec<_>>()),
            );
        }
        for (k, name) in FEATURES.iter().enumerate().skip(4).map(|(i, n)| (i - 4, n)) {
            let c: Vec<f64> = mv.iter().filter(|r| !r.incorrect).map(|r| r.extra[k]).collect();
            let i: Vec<f64> = mv.iter().filter(|r| r.incorrect).map(|r| r.extra[k]).collect();
            println!("    {name:28} correct {:8.3}  incorrect {:8.3}", mean(&c), mean(&i));
        }
        // Agreement of the keypoint path with the marker truth.
        let lean_err: Vec<f64> = mv.iter().map(|r| r.lean_deg - r.true_lean_deg).collect();
        let drop_err_mm: Vec<f64> = mv.iter().map(|r| (r.drop_rel - r.true_drop_rel) * r.leg_m * 1000.0).collect();
        let mae = |v: &[f64]| mean(&v.iter().map(|x| x.abs()).collect::<Vec<_>>());
        let rmse = |v: &[f64]| mean(&v.iter().map(|x| x * x).collect::<Vec<_>>()).sqrt();
        println!(
            "  keypoint path vs markers: peak trunk lean error mean {:+.2} deg, MAE {:.2}, RMSE {:.2}; depth (pelvis drop) error mean {:+.1} mm, MAE {:.1}, RMSE {:.1}",
            mean(&lean_err), mae(&lean_err), rmse(&lean_err), mean(&drop_err_mm), mae(&drop_err_mm), rmse(&drop_err_mm)
        );
        // Leave one subject out.
        // Side-view keypoint features only (indices 0..14), so video is judged the same way.
        let kp_feats: Vec<usize> = (0..14).collect(); // the set the shipped rules were chosen from
        let k = if movement == 1 { 1 } else { 3 };
        let mut subjects: Vec<u32> = mv.iter().map(|r| r.subject).collect();
        subjects.sort();
        subjects.dedup();
        let (mut tp, mut tn, mut fp, mut fneg) = (0, 0, 0, 0);
        for s in &subjects {
            let train: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject != *s).collect();
            let test: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject == *s).collect();
            let rule = fit(&train, &kp_feats, k);
            let acc = accuracy(&rule, &test);
            println!("  held out s{s:02}: rule {} -> accuracy {acc:.3}", describe(&rule));
            for r in test {
                match (predict(&rule, r), r.incorrect) {
                    (true, true) => tp += 1,
                    (false, false) => tn += 1,
                    (true, false) => fp += 1,
                    (false, true) => fneg += 1,
                }
            }
        }
        let n = (tp + tn + fp + fneg) as f64;
        let precision = tp as f64 / (tp + fp) as f64;
        let recall = tp as f64 / (tp + fneg) as f64;
        println!(
            "  LOSO ({} subjects): accuracy {:.3}, precision {:.3}, recall {:.3}, F1 {:.3} (positive = incorrect; tp {tp} tn {tn} fp {fp} fn {fneg})",
            subjects.len(),
            (tp + tn) as f64 / n,
            precision,
            recall,
            2.0 * precision * recall / (precision + recall)
        );
        marker_report(movement, &mv, &thresholds);
        let agree = mv.iter().filter(|r| r.verdict_incorrect == r.incorrect).count();
        println!("  library side-view verdict (data/thresholds.toml, keypoint path) on these reps: accuracy {:.3}", agree as f64 / mv.len() as f64);
        let all = fit(&mv, &kp_feats, k);
        println!("  fitted on all: {} (training accuracy {:.3})", describe(&all), accuracy(&all, &mv));
    }
}
