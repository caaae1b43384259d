//! Issue 14 study: verdicts that hold for people the models have never seen. Reads the UI-PRMD
//! development subjects (s01–s06, deep squat m01 and inline lunge m03), measures every rep with the
//! subject-robust measures of `mocap::robust` on the 3-D markers and on the side-view keypoint
//! projection with pose-model noise added, and scores small logistic verdicts by nested
//! leave-one-subject-out (every choice of inputs, penalty and calibration made inside the folds).
//! Also the per-fault checks of the existing thresholds (through the existing analysis, read-only).
//! Prints every figure; writes nothing.
//!
//! cargo run --release -p spotter-motion --example verdict_study -- /work/shared/data/ui-prmd

use spotter_motion::analysis::{self, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::kinematics;
use spotter_motion::load::{ExternalLoad, Lifter, Sex};
use spotter_motion::mocap::robust::{self, fit_logistic, sigmoid, PoseNoise, RepWindow, RobustMeasures, Rng};
use spotter_motion::mocap::verdict as mverdict;
use spotter_motion::mocap::{self, CameraSide};
use spotter_motion::thresholds::Thresholds;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Noisy keypoint draws per rep (each a different simulated pose-model error).
const DRAWS: usize = 8;
/// Seed series of the noisy views (file number × 1000 + draw added).
const SEED1: u64 = 0x5eed_0000;
const SEED2: u64 = 0x7777_0000;
/// Half-width of the "unclear" band around p = 0.5, fixed before any scoring.
const BAND: f64 = 0.15;
const LAMBDAS: [f64; 3] = [0.01, 0.1, 1.0];
/// The selection procedures; the headline figures choose among them inside each fold.
const PROCEDURES: [(&str, Procedure); 4] = [
    ("up to 1 input", Procedure { kmax: 1, margin: 0.0 }),
    ("up to 2 inputs", Procedure { kmax: 2, margin: 0.0 }),
    ("up to 3 inputs", Procedure { kmax: 3, margin: 0.0 }),
    ("up to 3, smallest within 0.05", Procedure { kmax: 3, margin: 0.05 }),
];

struct Rep {
    movement: u32,
    subject: u32,
    incorrect: bool,
    marker: RobustMeasures,
    /// The shipped marker measures (verdict.rs) carried in the fields of the same concept:
    /// depth (hip below knee over leg) in `thigh_below_horizontal_deg`, wrist-line tilt in
    /// `bar_tilt_deg`, lean range, side lean, back knee height over leg in `back_knee_height_ratio`.
    old_marker: RobustMeasures,
    side_clean: RobustMeasures,
    side_noisy: Vec<RobustMeasures>,
    /// Another `DRAWS` noisy views from a second seed series (to show how much the figures move
    /// with the simulated pose error alone).
    side_noisy2: Vec<RobustMeasures>,
    /// The clean side view (for the hip-bias check).
    clean_seq: spotter_motion::keypoints::KeypointSequence,
    /// Fault ids of the existing analysis on the clean and on the first noisy side view.
    faults_clean: Vec<String>,
    faults_noisy: Vec<String>,
    /// Back-knee height over leg (analysis lunge measure), clean side view.
    back_knee_over_leg: Option<f64>,
    /// The existing library verdicts: side-view rules (clean keypoints) and marker model.
    lib_side_incorrect: Option<bool>,
    lib_marker_incorrect: Option<bool>,
    /// Noise check: knee flexion and trunk lean at the bottom, noisy minus clean, degrees.
    knee_err_deg: Vec<f64>,
    lean_err_deg: Vec<f64>,
    thigh_err_deg: Vec<f64>,
}

fn read_gz(p: &Path) -> String {
    let mut s = String::new();
    flate2::read::GzDecoder::new(std::fs::File::open(p).expect("open data file")).read_to_string(&mut s).expect("gunzip");
    s
}

fn window_of(body: &SagittalBody) -> Option<RepWindow> {
    let h: Vec<Option<f64>> = (0..body.len()).map(|f| body.mid_hip(f).map(|p| p[1])).collect();
    RepWindow::whole_clip(&h, body.fps)
}

fn bottom_angles(body: &SagittalBody) -> Option<(f64, f64, f64)> {
    let w = window_of(body)?;
    let leg = kinematics::near_leg(body);
    let a = kinematics::leg_angles(body, leg, w.bottom);
    let m = robust::from_side_view(body, w);
    Some((a.knee_flexion?.to_degrees(), a.trunk_lean?.to_degrees(), m.thigh_below_horizontal_deg?))
}

fn load(dir: &Path) -> Vec<Rep> {
    let thresholds = Thresholds::builtin();
    let mut out = Vec::new();
    let mut file_no = 0u64;
    for (folder, incorrect) in [("Segmented Movements/Vicon/Positions", false), ("Incorrect Segmented Movements/Vicon/Positions", true)] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join(folder)).expect("data folder").map(|e| e.expect("entry").path()).collect();
        files.sort();
        for f in files {
            file_no += 1;
            let name = f.file_name().expect("name").to_string_lossy().to_string();
            let movement: u32 = name[1..3].parse().expect("movement");
            let subject: u32 = name[5..7].parse().expect("subject");
            let trial = mocap::parse_uiprmd(&read_gz(&f)).expect("parses");
            let prepared = match mocap::prepare(&trial) {
                Ok(p) => p,
                Err(e) => {
                    println!("skipped {name}: {e}");
                    continue;
                }
            };
            let hz: Vec<Option<f64>> = prepared.frames.iter().map(|k| Some(k.mid_hip_m[2])).collect();
            let w = RepWindow::whole_clip(&hz, prepared.fps_hz).expect("window");
            let marker = robust::from_markers(&prepared, w);
            let om = mverdict::measures(&prepared);
            let old_marker = RobustMeasures {
                thigh_below_horizontal_deg: om.hip_below_knee_over_leg,
                bar_tilt_deg: om.wrist_line_tilt_deg,
                trunk_lean_range_deg: om.trunk_lean_range_deg,
                trunk_side_lean_deg: om.trunk_side_lean_deg,
                back_knee_height_ratio: om.back_knee_height_over_leg,
                ..RobustMeasures::default()
            };
            let mv = if movement == 1 { Movement::Squat } else { Movement::Lunge };
            let opts = Options {
                movement: mv,
                single_rep: true,
                lifter: Lifter { body_mass_kg: 75.0, height_m: 1.75, sex: Sex::Male },
                load: ExternalLoad::NONE,
                dynamic: false,
            };
            let seq = mocap::to_side_view(&prepared, CameraSide::Right, Some(30.0));
            let clean_body = SagittalBody::from_keypoints(&seq, 1.75, 6.0).expect("body");
            let side_clean = window_of(&clean_body).map(|w| robust::from_side_view(&clean_body, w)).unwrap_or_default();
            let a = analysis::analyze(&clean_body, &opts, &thresholds);
            let r0 = a.reps.first();
            let faults_clean = r0.map(|r| r.faults.iter().map(|f| f.id.clone()).collect()).unwrap_or_default();
            let back_knee_over_leg = r0.and_then(|r| r.lunge.as_ref()).and_then(|l| l.back_knee_height_over_leg);
            let lib_side_incorrect = r0.and_then(|r| r.verdict).map(|v| v == "incorrect");
            let lib_marker_incorrect = mverdict::judge(&mverdict::measures(&prepared), mv, &thresholds).map(|v| v.verdict == "incorrect");
            let clean_angles = bottom_angles(&clean_body);
            let mut side_noisy = Vec::new();
            let mut side_noisy2 = Vec::new();
            for d in 0..DRAWS {
                let mut s = seq.clone();
                robust::add_pose_noise(&mut s, &PoseNoise::DEFAULT, &mut Rng::new(SEED2 + 1000 * file_no + d as u64));
                side_noisy2.push(
                    SagittalBody::from_keypoints(&s, 1.75, 6.0)
                        .ok()
                        .and_then(|b| window_of(&b).map(|w| robust::from_side_view(&b, w)))
                        .unwrap_or_default(),
                );
            }
            let mut faults_noisy = Vec::new();
            let (mut knee_err_deg, mut lean_err_deg, mut thigh_err_deg) = (Vec::new(), Vec::new(), Vec::new());
            for d in 0..DRAWS {
                let mut s = seq.clone();
                let mut rng = Rng::new(SEED1 + 1000 * file_no + d as u64);
                robust::add_pose_noise(&mut s, &PoseNoise::DEFAULT, &mut rng);
                let body = match SagittalBody::from_keypoints(&s, 1.75, 6.0) {
                    Ok(b) => b,
                    Err(_) => {
                        side_noisy.push(RobustMeasures::default());
                        continue;
                    }
                };
                side_noisy.push(window_of(&body).map(|w| robust::from_side_view(&body, w)).unwrap_or_default());
                if let (Some(c), Some(n)) = (clean_angles, bottom_angles(&body)) {
                    knee_err_deg.push(n.0 - c.0);
                    lean_err_deg.push(n.1 - c.1);
                    thigh_err_deg.push(n.2 - c.2);
                }
                if d == 0 {
                    let a = analysis::analyze(&body, &opts, &thresholds);
                    faults_noisy = a.reps.first().map(|r| r.faults.iter().map(|f| f.id.clone()).collect()).unwrap_or_default();
                }
            }
            out.push(Rep {
                movement,
                subject,
                incorrect,
                marker,
                old_marker,
                side_clean,
                side_noisy,
                side_noisy2,
                clean_seq: seq.clone(),
                faults_clean,
                faults_noisy,
                back_knee_over_leg,
                lib_side_incorrect,
                lib_marker_incorrect,
                knee_err_deg,
                lean_err_deg,
                thigh_err_deg,
            });
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Samples and nested LOSO

/// Which measures a path uses.
#[derive(Clone, Copy, PartialEq)]
enum PathKind {
    Markers,
    /// The shipped marker measures (see `Rep::old_marker`).
    OldMarkers,
    /// As `Keypoints`, with the second seed series.
    KeypointsSeed2,
    /// Trained and tested on noisy side views.
    Keypoints,
    /// Trained on clean side views, tested on noisy ones.
    KeypointsCleanTrain,
    /// Trained and tested on clean side views (no pose error: what the side view itself allows).
    KeypointsClean,
}

/// One row: the rep's index, the subject, the label, the measures.
struct Sample<'a> {
    rep: usize,
    subject: u32,
    y: bool,
    m: &'a RobustMeasures,
}

fn samples<'a>(reps: &'a [&'a Rep], path: PathKind, train: bool) -> Vec<Sample<'a>> {
    let mut v = Vec::new();
    for (i, r) in reps.iter().enumerate() {
        match path {
            PathKind::Markers => v.push(Sample { rep: i, subject: r.subject, y: r.incorrect, m: &r.marker }),
            PathKind::OldMarkers => v.push(Sample { rep: i, subject: r.subject, y: r.incorrect, m: &r.old_marker }),
            PathKind::KeypointsClean => v.push(Sample { rep: i, subject: r.subject, y: r.incorrect, m: &r.side_clean }),
            PathKind::KeypointsCleanTrain if train => v.push(Sample { rep: i, subject: r.subject, y: r.incorrect, m: &r.side_clean }),
            _ => {
                let views = if path == PathKind::KeypointsSeed2 { &r.side_noisy2 } else { &r.side_noisy };
                for m in views {
                    v.push(Sample { rep: i, subject: r.subject, y: r.incorrect, m });
                }
            }
        }
    }
    v
}

fn row(s: &Sample, cols: &[&str]) -> Vec<f64> {
    cols.iter().map(|c| s.m.value(c).unwrap_or(f64::NAN)).collect()
}

#[derive(Clone)]
struct Fitted {
    cols: Vec<&'static str>,
    lambda: f64,
    lr: robust::Logistic,
    platt: (f64, f64),
}

impl Fitted {
    /// Calibrated probability; `None` when an input is missing.
    fn prob(&self, s: &Sample) -> Option<f64> {
        let x = row(s, &self.cols);
        if x.iter().any(|v| !v.is_finite()) {
            return None;
        }
        Some(sigmoid(self.platt.0 * self.lr.score(&x) + self.platt.1))
    }
}

fn fit(train: &[&Sample], cols: &[&'static str], lambda: f64) -> robust::Logistic {
    let x: Vec<Vec<f64>> = train.iter().map(|s| row(s, cols)).collect();
    let y: Vec<bool> = train.iter().map(|s| s.y).collect();
    fit_logistic(&x, &y, &[], lambda)
}

fn subjects(s: &[&Sample]) -> Vec<u32> {
    let mut v: Vec<u32> = s.iter().map(|x| x.subject).collect();
    v.sort();
    v.dedup();
    v
}

/// Inner LOSO of one candidate on `train`: (mean per-subject accuracy, worst subject accuracy,
/// mean log-loss, out-of-subject (score, label) pairs).
fn inner(train: &[&Sample], cols: &[&'static str], lambda: f64) -> (f64, f64, f64, Vec<(f64, bool)>) {
    let mut accs = Vec::new();
    let mut ll = 0.0;
    let mut pairs = Vec::new();
    for s in subjects(train) {
        let tr: Vec<&Sample> = train.iter().copied().filter(|x| x.subject != s).collect();
        let lr = fit(&tr, cols, lambda);
        let te: Vec<&Sample> = train.iter().copied().filter(|x| x.subject == s).collect();
        let mut ok = 0;
        for x in &te {
            let sc = lr.score(&row(x, cols));
            let p = sigmoid(sc).clamp(1e-6, 1.0 - 1e-6);
            ll -= if x.y { p.ln() } else { (1.0 - p).ln() };
            if (sc > 0.0) == x.y {
                ok += 1;
            }
            pairs.push((sc, x.y));
        }
        accs.push(ok as f64 / te.len().max(1) as f64);
    }
    let mean = accs.iter().sum::<f64>() / accs.len().max(1) as f64;
    let worst = accs.iter().cloned().fold(1.0, f64::min);
    (mean, worst, ll / train.len().max(1) as f64, pairs)
}

fn combos(set: &[&'static str], kmax: usize) -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&'static str>> = Vec::new();
    for i in 0..set.len() {
        out.push(vec![set[i]]);
        if kmax >= 2 {
            for j in i + 1..set.len() {
                out.push(vec![set[i], set[j]]);
                if kmax >= 3 {
                    for k in j + 1..set.len() {
                        out.push(vec![set[i], set[j], set[k]]);
                    }
                }
            }
        }
    }
    out
}

/// How inputs are chosen inside a fold: every set of 1..=`kmax` inputs from the candidate set and
/// every penalty, scored by inner LOSO; the criterion is (mean + worst subject accuracy) / 2. The
/// smallest number of inputs whose best criterion is within `margin` of the overall best wins
/// (ties: higher criterion, then lower log-loss).
#[derive(Clone, Copy)]
struct Procedure {
    kmax: usize,
    margin: f64,
}

/// The whole selection procedure on `train`, then Platt calibration on the chosen model's
/// out-of-subject scores and the final fit on all of `train`. Returns the model and its inner
/// mean and worst-subject accuracy.
fn select(train: &[&Sample], set: &[&'static str], proc_: Procedure) -> (Fitted, f64, f64) {
    struct Cand {
        crit: f64,
        ll: f64,
        cols: Vec<&'static str>,
        lambda: f64,
        pairs: Vec<(f64, bool)>,
        mean: f64,
        worst: f64,
    }
    let mut cands: Vec<Cand> = Vec::new();
    for cols in combos(set, proc_.kmax) {
        for &l in &LAMBDAS {
            let (m, w, ll, pairs) = inner(train, &cols, l);
            cands.push(Cand { crit: (m + w) / 2.0, ll, cols: cols.clone(), lambda: l, pairs, mean: m, worst: w });
        }
    }
    let top = cands.iter().map(|c| c.crit).fold(f64::NEG_INFINITY, f64::max);
    let size = (1..=proc_.kmax)
        .find(|&k| cands.iter().any(|c| c.cols.len() == k && c.crit >= top - proc_.margin - 1e-9))
        .unwrap_or(proc_.kmax);
    let best = cands
        .iter()
        .filter(|c| c.cols.len() == size)
        .max_by(|a, b| a.crit.total_cmp(&b.crit).then(b.ll.total_cmp(&a.ll)))
        .expect("a candidate");
    let xs: Vec<Vec<f64>> = best.pairs.iter().map(|p| vec![p.0]).collect();
    let ys: Vec<bool> = best.pairs.iter().map(|p| p.1).collect();
    let pl = fit_logistic(&xs, &ys, &[], 1e-3);
    // Back from the standardised score to the raw score: p = σ(w (s − μ)/σ + b) = σ(a s + c).
    let a = pl.weight[0] / pl.sd[0];
    let c = pl.intercept - a * pl.mean[0];
    let lr = fit(train, &best.cols, best.lambda);
    (Fitted { cols: best.cols.clone(), lambda: best.lambda, lr, platt: (a, c) }, best.mean, best.worst)
}

/// Chooses the procedure on `train_reps` by its own nested LOSO there (criterion (mean + worst) / 2;
/// ties to the earlier, smaller procedure).
fn choose_procedure(train_reps: &[&Rep], path: PathKind, set: &[&'static str]) -> (usize, f64) {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, (_, pr)) in PROCEDURES.iter().enumerate() {
        let o = nested(train_reps, path, set, *pr, false);
        let (m, w, _) = quick(train_reps, &o, 0.0);
        if (m + w) / 2.0 > best.1 + 1e-9 {
            best = (i, (m + w) / 2.0);
        }
    }
    best
}

/// [`nested_full`] without the per-fold lines.
fn nested_full_quiet(reps: &[&Rep], path: PathKind, set: &[&'static str]) -> Outcome {
    nested_full_with(reps, path, set, false)
}

fn nested_full(reps: &[&Rep], path: PathKind, set: &[&'static str]) -> Outcome {
    nested_full_with(reps, path, set, true)
}

/// Nested LOSO with the procedure too chosen inside each outer fold.
fn nested_full_with(reps: &[&Rep], path: PathKind, set: &[&'static str], verbose: bool) -> Outcome {
    let te_all = samples(reps, path, false);
    let tr_all = samples(reps, path, true);
    let mut probs = vec![Vec::new(); reps.len()];
    let mut subs: Vec<u32> = reps.iter().map(|r| r.subject).collect();
    subs.sort();
    subs.dedup();
    for s in subs {
        let train_reps: Vec<&Rep> = reps.iter().copied().filter(|r| r.subject != s).collect();
        let (pi, crit) = choose_procedure(&train_reps, path, set);
        let train: Vec<&Sample> = tr_all.iter().filter(|x| x.subject != s).collect();
        let (f, m, w) = select(&train, set, PROCEDURES[pi].1);
        for x in te_all.iter().filter(|x| x.subject == s) {
            probs[x.rep].push(f.prob(x));
        }
        if verbose { println!(
            "      held out s{s:02}: procedure \"{}\" (its nested LOSO on the other subjects: criterion {crit:.3}); chose {:?}, penalty {}, inner LOSO mean {m:.3} worst {w:.3}; Platt a {:.3} b {:+.3}",
            PROCEDURES[pi].0, f.cols, f.lambda, f.platt.0, f.platt.1
        ); }
    }
    Outcome { probs }
}

struct Outcome {
    /// Per rep (index into reps): held-out probabilities, one per test sample (None = not judged).
    probs: Vec<Vec<Option<f64>>>,
}

fn nested(reps: &[&Rep], path: PathKind, set: &[&'static str], proc_: Procedure, verbose: bool) -> Outcome {
    let tr_all = samples(reps, path, true);
    let te_all = samples(reps, path, false);
    let mut probs = vec![Vec::new(); reps.len()];
    let subs: Vec<u32> = {
        let mut v: Vec<u32> = reps.iter().map(|r| r.subject).collect();
        v.sort();
        v.dedup();
        v
    };
    for s in subs {
        let train: Vec<&Sample> = tr_all.iter().filter(|x| x.subject != s).collect();
        let (f, m, w) = select(&train, set, proc_);
        for x in te_all.iter().filter(|x| x.subject == s) {
            probs[x.rep].push(f.prob(x));
        }
        if verbose {
            println!(
                "      held out s{s:02}: chose {:?}, penalty {}, inner LOSO mean {:.3} worst {:.3}; Platt a {:.3} b {:+.3}",
                f.cols, f.lambda, m, w, f.platt.0, f.platt.1
            );
        }
    }
    Outcome { probs }
}

/// Accuracy of a probability at a band (None and unclear count as wrong).
fn right(p: Option<f64>, y: bool, band: f64) -> bool {
    match p {
        Some(p) => match robust::verdict_of(p, band) {
            "incorrect" => y,
            "correct" => !y,
            _ => false,
        },
        None => false,
    }
}

fn report(name: &str, reps: &[&Rep], o: &Outcome) -> (f64, f64) {
    let subs: Vec<u32> = {
        let mut v: Vec<u32> = reps.iter().map(|r| r.subject).collect();
        v.sort();
        v.dedup();
        v
    };
    let mut out = (0.0, 0.0);
    for band in [0.0, BAND] {
        let mut per = Vec::new();
        let mut fa = Vec::new();
        let (mut ok, mut n, mut unclear, mut tp, mut fp, mut fneg) = (0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for &s in &subs {
            let (mut so, mut sn, mut cf, mut cn) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
            for (i, r) in reps.iter().enumerate().filter(|(_, r)| r.subject == s) {
                for p in &o.probs[i] {
                    let k = right(*p, r.incorrect, band);
                    so += k as u8 as f64;
                    sn += 1.0;
                    let v = p.map(|p| robust::verdict_of(p, band)).unwrap_or("unclear");
                    if v == "unclear" {
                        unclear += 1.0;
                    }
                    match (v, r.incorrect) {
                        ("incorrect", true) => tp += 1.0,
                        ("incorrect", false) => fp += 1.0,
                        (_, true) => fneg += 1.0,
                        _ => {}
                    }
                    if !r.incorrect {
                        cn += 1.0;
                        if v == "incorrect" {
                            cf += 1.0;
                        }
                    }
                }
            }
            per.push((s, so / sn));
            fa.push((s, cf / cn.max(1.0)));
            ok += so;
            n += sn;
        }
        let mean = per.iter().map(|p| p.1).sum::<f64>() / per.len() as f64;
        let worst = per.iter().map(|p| p.1).fold(1.0, f64::min);
        let max_fa = fa.iter().map(|p| p.1).fold(0.0, f64::max);
        println!(
            "    {name} {}: accuracy {:.3} (pooled {:.3}), worst subject {:.3}, unclear {:.1} %, precision {:.3}, recall {:.3}, largest correct-rep false-alarm rate {:.0} %",
            if band == 0.0 { "no unclear band" } else { "unclear band 0.35-0.65" },
            mean,
            ok / n,
            worst,
            100.0 * unclear / n,
            tp / (tp + fp).max(1.0),
            tp / (tp + fneg).max(1.0),
            100.0 * max_fa
        );
        println!(
            "      per subject accuracy: {}",
            per.iter().map(|(s, a)| format!("s{s:02} {a:.2}")).collect::<Vec<_>>().join(", ")
        );
        println!(
            "      per subject false alarms on correct reps: {}",
            fa.iter().map(|(s, a)| format!("s{s:02} {:.0} %", 100.0 * a)).collect::<Vec<_>>().join(", ")
        );
        if band == 0.0 {
            out = (mean, worst);
        }
    }
    // Reliability table (pooled held-out probabilities).
    let mut bins = [(0usize, 0.0f64, 0usize); 10];
    let mut brier = (0.0, 0usize);
    for (i, r) in reps.iter().enumerate() {
        for p in o.probs[i].iter().flatten() {
            let b = ((p * 10.0).floor() as usize).min(9);
            bins[b].0 += 1;
            bins[b].1 += p;
            bins[b].2 += r.incorrect as usize;
            brier.0 += (p - r.incorrect as u8 as f64).powi(2);
            brier.1 += 1;
        }
    }
    println!("      reliability (held-out predictions; Brier score {:.3}):", brier.0 / brier.1.max(1) as f64);
    for (b, (n, sp, k)) in bins.iter().enumerate() {
        if *n > 0 {
            println!(
                "        p {:.1}-{:.1}: n {:3}, mean predicted {:.2}, observed incorrect {:.2}",
                b as f64 / 10.0,
                (b + 1) as f64 / 10.0,
                n,
                sp / *n as f64,
                *k as f64 / *n as f64
            );
        }
    }
    out
}

/// Mean per-subject accuracy, worst subject and the largest per-subject false-alarm rate on
/// correct reps, at an unclear band (unclear and not judged count as wrong, not as false alarms).
fn quick(reps: &[&Rep], o: &Outcome, band: f64) -> (f64, f64, f64) {
    let mut subs: Vec<u32> = reps.iter().map(|r| r.subject).collect();
    subs.sort();
    subs.dedup();
    let (mut accs, mut fas) = (Vec::new(), Vec::new());
    for s in subs {
        let (mut ok, mut n, mut fa, mut nc) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
        for (i, r) in reps.iter().enumerate().filter(|(_, r)| r.subject == s) {
            for p in &o.probs[i] {
                ok += right(*p, r.incorrect, band) as u8 as f64;
                n += 1.0;
                if !r.incorrect {
                    nc += 1.0;
                    fa += p.is_some_and(|p| robust::verdict_of(p, band) == "incorrect") as u8 as f64;
                }
            }
        }
        accs.push(ok / n.max(1.0));
        fas.push(fa / nc.max(1.0));
    }
    (
        accs.iter().sum::<f64>() / accs.len().max(1) as f64,
        accs.iter().cloned().fold(1.0, f64::min),
        fas.iter().cloned().fold(0.0, f64::max),
    )
}

/// Area under the ROC curve of `x` for `y` (ties count half); None without both classes.
fn auc(pairs: &[(f64, bool)]) -> Option<f64> {
    let pos: Vec<f64> = pairs.iter().filter(|p| p.1).map(|p| p.0).collect();
    let neg: Vec<f64> = pairs.iter().filter(|p| !p.1).map(|p| p.0).collect();
    if pos.is_empty() || neg.is_empty() {
        return None;
    }
    let mut s = 0.0;
    for a in &pos {
        for b in &neg {
            s += if a > b { 1.0 } else if a == b { 0.5 } else { 0.0 };
        }
    }
    Some(s / (pos.len() * neg.len()) as f64)
}

fn measure_table(reps: &[&Rep], names: &[&'static str], path: PathKind) {
    let subs: Vec<u32> = {
        let mut v: Vec<u32> = reps.iter().map(|r| r.subject).collect();
        v.sort();
        v.dedup();
        v
    };
    for name in names {
        let smp = samples(reps, path, false);
        let pairs: Vec<(f64, bool)> = smp.iter().filter_map(|s| s.m.value(name).map(|v| (v, s.y))).collect();
        let mean = |inc: bool| {
            let v: Vec<f64> = pairs.iter().filter(|p| p.1 == inc).map(|p| p.0).collect();
            v.iter().sum::<f64>() / v.len().max(1) as f64
        };
        let pooled = auc(&pairs).unwrap_or(f64::NAN);
        let per: Vec<f64> = subs
            .iter()
            .filter_map(|&s| auc(&smp.iter().filter(|x| x.subject == s).filter_map(|x| x.m.value(name).map(|v| (v, x.y))).collect::<Vec<_>>()))
            .collect();
        // Direction by the pooled AUC, so the per-subject figure is "how often the same sign holds".
        let dir = |a: f64| if pooled >= 0.5 { a } else { 1.0 - a };
        let worst = per.iter().map(|a| dir(*a)).fold(1.0, f64::min);
        println!(
            "      {name:34} correct {:8.3}  incorrect {:8.3}  AUC {:.3} ({}), worst subject {:.3}, n {}",
            mean(false),
            mean(true),
            dir(pooled),
            if pooled >= 0.5 { "higher = incorrect" } else { "lower = incorrect" },
            worst,
            pairs.len()
        );
        let per_subject: Vec<String> = subs
            .iter()
            .map(|&s| {
                let m = |inc: bool| {
                    let v: Vec<f64> = smp.iter().filter(|x| x.subject == s && x.y == inc).filter_map(|x| x.m.value(name)).collect();
                    v.iter().sum::<f64>() / v.len().max(1) as f64
                };
                format!("s{s:02} {:.2}/{:.2}", m(false), m(true))
            })
            .collect();
        println!("        per subject mean correct/incorrect: {}", per_subject.join(", "));
    }
}

fn final_model(reps: &[&Rep], path: PathKind, set: &[&'static str], proc_: Procedure, label: &str) -> robust::RobustModel {
    let tr = samples(reps, path, true);
    let refs: Vec<&Sample> = tr.iter().collect();
    let (f, m, w) = select(&refs, set, proc_);
    println!(
        "    model chosen on all development subjects ({label}): inputs {:?}, penalty {}, LOSO mean {:.3} worst {:.3}",
        f.cols, f.lambda, m, w
    );
    let input = if path == PathKind::Markers { "markers" } else { "keypoints" };
    let movement = if reps.first().is_some_and(|r| r.movement == 1) { "squat" } else { "lunge" };
    println!("      TOML for thresholds.toml:");
    println!("      [[robust_verdict]]\n      movement = \"{movement}\"\n      input = \"{input}\"\n      [robust_verdict.model]");
    println!("      intercept = {:.6}", f.lr.intercept);
    println!("      platt_a = {:.6}\n      platt_b = {:.6}\n      unclear_band = {BAND}\n      features = [", f.platt.0, f.platt.1);
    for (j, c) in f.cols.iter().enumerate() {
        println!("        {{ measure = \"{c}\", mean = {:.6}, sd = {:.6}, weight = {:.6} }},", f.lr.mean[j], f.lr.sd[j], f.lr.weight[j]);
    }
    println!("      ]");
    // The decision boundary of a one-input model, in the measure's unit.
    if f.cols.len() == 1 {
        let s0 = -f.platt.1 / f.platt.0; // raw score at p = 0.5
        let x = f.lr.mean[0] + (s0 - f.lr.intercept) * f.lr.sd[0] / f.lr.weight[0];
        let lo = (( (0.5f64 - BAND) / (0.5 + BAND)).ln() - f.platt.1) / f.platt.0;
        let hi = (((0.5f64 + BAND) / (0.5 - BAND)).ln() - f.platt.1) / f.platt.0;
        let xs = |s: f64| f.lr.mean[0] + (s - f.lr.intercept) * f.lr.sd[0] / f.lr.weight[0];
        println!("      boundary: {} = {x:.4}; unclear between {:.4} and {:.4}", f.cols[0], xs(lo).min(xs(hi)), xs(lo).max(xs(hi)));
    }
    robust::RobustModel {
        intercept: f.lr.intercept,
        features: f
            .cols
            .iter()
            .enumerate()
            .map(|(j, c)| robust::RobustFeature { measure: c.to_string(), mean: f.lr.mean[j], sd: f.lr.sd[j], weight: f.lr.weight[j] })
            .collect(),
        platt_a: f.platt.0,
        platt_b: f.platt.1,
        unclear_band: BAND,
    }
}

fn set_relative_check(reps: &[&Rep], name: &str) {
    let mut subs: Vec<u32> = reps.iter().map(|r| r.subject).collect();
    subs.sort();
    subs.dedup();
    let val = |r: &Rep| r.marker.value(name);
    let absolute: Vec<(f64, bool)> = reps.iter().filter_map(|r| val(r).map(|v| (v, r.incorrect))).collect();
    let a0 = auc(&absolute).unwrap_or(f64::NAN);
    let dir = |a: f64| if a0 >= 0.5 { a } else { 1.0 - a };
    let mut homogeneous = Vec::new();
    let (mut mixed_rel, mut mixed_abs) = (Vec::new(), Vec::new());
    for &s in &subs {
        for inc in [false, true] {
            let g: Vec<&Rep> = reps.iter().copied().filter(|r| r.subject == s && r.incorrect == inc).collect();
            let rel = robust::set_relative(&g.iter().map(|r| val(r)).collect::<Vec<_>>());
            homogeneous.extend(rel.iter().zip(&g).filter_map(|(v, r)| v.map(|v| (v, r.incorrect))));
        }
        let good: Vec<&Rep> = reps.iter().copied().filter(|r| r.subject == s && !r.incorrect).collect();
        for bad in reps.iter().copied().filter(|r| r.subject == s && r.incorrect) {
            let mut set = good.clone();
            set.push(bad);
            let v: Vec<Option<f64>> = set.iter().map(|r| val(r)).collect();
            let rel = robust::set_relative(&v);
            mixed_rel.extend(rel.iter().zip(&set).filter_map(|(v, r)| v.map(|v| (v, r.incorrect))));
            mixed_abs.extend(v.iter().zip(&set).filter_map(|(v, r)| v.map(|v| (v, r.incorrect))));
        }
    }
    println!(
        "      {name}: AUC absolute {:.3}; relative to the set's median within UI-PRMD's sets {:.3}; in mixed sets (10 correct + 1 incorrect rep of one subject) absolute {:.3}, relative {:.3}",
        dir(a0),
        dir(auc(&homogeneous).unwrap_or(f64::NAN)),
        dir(auc(&mixed_abs).unwrap_or(f64::NAN)),
        dir(auc(&mixed_rel).unwrap_or(f64::NAN))
    );
}

fn fault_checks(reps: &[&Rep], ids: &[&str], noisy: bool) {
    let subs: Vec<u32> = {
        let mut v: Vec<u32> = reps.iter().map(|r| r.subject).collect();
        v.sort();
        v.dedup();
        v
    };
    for id in ids {
        let has = |r: &Rep| if noisy { r.faults_noisy.iter().any(|f| f == id) } else { r.faults_clean.iter().any(|f| f == id) };
        let nc = reps.iter().filter(|r| !r.incorrect).count();
        let ni = reps.iter().filter(|r| r.incorrect).count();
        let fc = reps.iter().filter(|r| !r.incorrect && has(r)).count();
        let fi = reps.iter().filter(|r| r.incorrect && has(r)).count();
        let per: Vec<String> = subs
            .iter()
            .map(|&s| {
                let c = reps.iter().filter(|r| r.subject == s && !r.incorrect && has(r)).count();
                let i = reps.iter().filter(|r| r.subject == s && r.incorrect && has(r)).count();
                format!("s{s:02} {c}/{i}")
            })
            .collect();
        println!(
            "      {id:22} flags {fc} of {nc} correct reps, misses {} of {ni} incorrect reps (per subject flagged correct/incorrect of 10: {})",
            ni - fi,
            per.join(", ")
        );
    }
}

const SQUAT_MARKER_SET: [&str; 11] = [
    "thigh_below_horizontal_deg",
    "pelvis_drop_over_leg",
    "trunk_lean_gain_deg",
    "trunk_minus_shin_deg",
    "arms_drop_over_trunk",
    "bar_forward_over_leg",
    "heel_rise_over_shank",
    "bar_tilt_deg",
    "trunk_side_lean_deg",
    "torso_twist_deg",
    "knees_in_ratio",
];
const SQUAT_SIDE_SET: [&str; 8] = [
    "thigh_below_horizontal_deg",
    "pelvis_drop_over_leg",
    "trunk_lean_gain_deg",
    "trunk_lean_range_deg",
    "trunk_minus_shin_deg",
    "arms_drop_over_trunk",
    "bar_forward_over_leg",
    "heel_rise_over_shank",
];
const LUNGE_MARKER_SET: [&str; 11] = [
    "front_thigh_below_horizontal_deg",
    "pelvis_drop_over_leg",
    "trunk_lean_gain_deg",
    "trunk_lean_range_deg",
    "back_knee_height_ratio",
    "step_over_leg",
    "arms_drop_over_trunk",
    "bar_tilt_deg",
    "trunk_side_lean_deg",
    "torso_twist_deg",
    "knee_past_toe_over_shank",
];
const LUNGE_SIDE_SET: [&str; 9] = [
    "front_thigh_below_horizontal_deg",
    "pelvis_drop_over_leg",
    "trunk_lean_gain_deg",
    "trunk_lean_range_deg",
    "back_knee_height_ratio",
    "step_over_leg",
    "arms_drop_over_trunk",
    "bar_forward_over_leg",
    "knee_past_toe_over_shank",
];

/// How a systematic error of the hip landmark (placed higher than the hip joint centre by a
/// fraction of the standing height, on top of the pose noise) moves the chosen keypoint squat
/// model's verdicts on the development reps (a sensitivity figure on the training subjects).
fn hip_bias_check(reps: &[&Rep], model: &robust::RobustModel) {
    println!("\n== hip-landmark bias (deep squat, chosen keypoint model, development reps, 2 noisy views each; training subjects, so a sensitivity figure only)");
    for bias in [0.0, 0.01, 0.02, 0.03] {
        let (mut fa, mut nc, mut hit, mut ni, mut unclear, mut n) = (0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
        let mut thigh = Vec::new();
        for (k, r) in reps.iter().enumerate() {
            for d in 0..2u64 {
                let mut s = r.clean_seq.clone();
                robust::add_pose_noise(&mut s, &PoseNoise::DEFAULT, &mut Rng::new(SEED1 + 1000 * (k as u64 + 1) + 500 + d));
                let span = s.frames.iter().find_map(|f| f.landmarks.as_ref()).map(|l| {
                    let ys: Vec<f64> = l.iter().filter(|p| p.visibility > 0.0).map(|p| p.y).collect();
                    ys.iter().cloned().fold(f64::NEG_INFINITY, f64::max) - ys.iter().cloned().fold(f64::INFINITY, f64::min)
                });
                let Some(span) = span else { continue };
                for f in s.frames.iter_mut() {
                    if let Some(l) = f.landmarks.as_mut() {
                        for j in [23, 24] {
                            l[j].y -= bias * span;
                        }
                    }
                }
                let Ok(body) = SagittalBody::from_keypoints(&s, 1.75, 6.0) else { continue };
                let Some(w) = window_of(&body) else { continue };
                let m = robust::from_side_view(&body, w);
                if let Some(t) = m.thigh_below_horizontal_deg {
                    thigh.push(t);
                }
                let v = model.judge(&m).map(|v| v.verdict).unwrap_or("unclear");
                n += 1;
                unclear += (v == "unclear") as usize;
                if r.incorrect {
                    ni += 1;
                    hit += (v == "incorrect") as usize;
                } else {
                    nc += 1;
                    fa += (v == "incorrect") as usize;
                }
            }
        }
        let (tm, _) = sd(&thigh);
        println!(
            "  hip landmark {:.0} % of height high: mean thigh angle {tm:+.1} deg; correct reps called incorrect {:.0} %, incorrect reps caught {:.0} %, unclear {:.0} %",
            100.0 * bias,
            100.0 * fa as f64 / nc.max(1) as f64,
            100.0 * hit as f64 / ni.max(1) as f64,
            100.0 * unclear as f64 / n.max(1) as f64
        );
    }
}

/// The chosen keypoint squat model on real MediaPipe keypoints: the shared side-view barbell squat
/// clip next to the data folder (`../videos`), two deep squats, no form label. A check that the
/// measures and the model behave on real pose output, not an accuracy figure.
fn real_clip(dir: &Path, model: &robust::RobustModel) {
    let path = dir.join("../videos/squat_side_gym_barbell.mediapipe_full.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("\n== real clip: {} not found, skipped", path.display());
        return;
    };
    println!("\n== real MediaPipe keypoints: {} (barbell back squat filmed from the side, no form label)", path.display());
    let seq = match spotter_motion::keypoints::parse_keypoints_json(&text) {
        Ok(s) => s,
        Err(e) => {
            println!("  not read: {e}");
            return;
        }
    };
    let body = match SagittalBody::from_keypoints(&seq, 1.75, 6.0) {
        Ok(b) => b,
        Err(e) => {
            println!("  no body: {e}");
            return;
        }
    };
    let opts = Options {
        movement: Movement::Squat,
        single_rep: false,
        lifter: Lifter { body_mass_kg: 75.0, height_m: 1.75, sex: Sex::Male },
        load: ExternalLoad::NONE,
        dynamic: false,
    };
    let a = analysis::analyze(&body, &opts, &Thresholds::builtin());
    let standing_frames = ((robust::STANDING_WINDOW_S * body.fps).round() as usize).max(1);
    for (i, rf) in a.rep_frames.iter().enumerate() {
        let w = RepWindow { start: rf.start, bottom: rf.bottom, end: rf.end, standing_frames };
        let m = robust::from_side_view(&body, w);
        let v = model.judge(&m);
        println!(
            "  rep {} ({:.1}-{:.1} s, bottom {:.1} s): thigh {:+.1} deg below horizontal, pelvis drop {:.2} leg, lean gain {:.1} deg, trunk - shin {:+.1} deg -> {}",
            i + 1,
            body.t[rf.start],
            body.t[rf.end],
            body.t[rf.bottom],
            m.thigh_below_horizontal_deg.unwrap_or(f64::NAN),
            m.pelvis_drop_over_leg.unwrap_or(f64::NAN),
            m.trunk_lean_gain_deg.unwrap_or(f64::NAN),
            m.trunk_minus_shin_deg.unwrap_or(f64::NAN),
            v.map(|v| format!("{} (p incorrect {:.2})", v.verdict, v.probability_incorrect)).unwrap_or_else(|| "not judged".into())
        );
    }
}

fn sd(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len().max(1) as f64;
    (m, (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / v.len().max(1) as f64).sqrt())
}

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data/ui-prmd"));
    let reps = load(&dir);
    println!(
        "verdict study: {} reps from {}; {DRAWS} noisy keypoint views per rep (seed series {SEED1:#x} and {SEED2:#x}); unclear band {BAND}",
        reps.len(),
        dir.display()
    );
    let pn = PoseNoise::DEFAULT;
    println!(
        "pose noise (fraction of standing height; head, shoulders, arms, hips, knees, feet): offset {:?}, depth-growing offset {:?}, jitter {} (frame correlation {}), far side x{}",
        pn.offset, pn.deep_offset, pn.jitter, pn.jitter_corr, pn.far_factor
    );
    let all: Vec<&Rep> = reps.iter().collect();
    let ke: Vec<f64> = all.iter().flat_map(|r| r.knee_err_deg.iter().copied()).collect();
    let le: Vec<f64> = all.iter().flat_map(|r| r.lean_err_deg.iter().copied()).collect();
    let te: Vec<f64> = all.iter().flat_map(|r| r.thigh_err_deg.iter().copied()).collect();
    let (km, ks) = sd(&ke);
    let (lm, ls) = sd(&le);
    let (tm, ts) = sd(&te);
    println!(
        "noise check at the bottom (noisy minus clean side view, {} draws): knee flexion {km:+.1} +- {ks:.1} deg (target: MediaPipe side-on vs IMU -2.3 +- 6.4, Cosoli 2026), trunk lean {lm:+.1} +- {ls:.1} deg, thigh angle {tm:+.1} +- {ts:.1} deg",
        ke.len()
    );

    let mut summary = Vec::new();
    let mut squat_keypoint_model = None;
    for (movement, name) in [(1u32, "m01 deep squat"), (3, "m03 inline lunge")] {
        let mv: Vec<&Rep> = reps.iter().filter(|r| r.movement == movement).collect();
        let (mset, sset): (&[&'static str], &[&'static str]) =
            if movement == 1 { (&SQUAT_MARKER_SET, &SQUAT_SIDE_SET) } else { (&LUNGE_MARKER_SET, &LUNGE_SIDE_SET) };
        println!("\n== {name}: {} reps ({} incorrect)", mv.len(), mv.iter().filter(|r| r.incorrect).count());

        println!("  -- measures, markers (mean by label; AUC pooled and on the worst subject)");
        measure_table(&mv, &RobustMeasures::NAMES, PathKind::Markers);
        println!("  -- measures, noisy side-view keypoints");
        measure_table(&mv, &RobustMeasures::SIDE_VIEW, PathKind::Keypoints);

        let lib_m: Vec<(u32, bool, Option<bool>)> = mv.iter().map(|r| (r.subject, r.incorrect, r.lib_marker_incorrect)).collect();
        let lib_s: Vec<(u32, bool, Option<bool>)> = mv.iter().map(|r| (r.subject, r.incorrect, r.lib_side_incorrect)).collect();
        for (label, v) in [("shipped marker verdict (thresholds.toml; fitted on these subjects)", lib_m), ("shipped side-view rules (clean keypoints; fitted on these subjects)", lib_s)] {
            let acc = v.iter().filter(|x| x.2 == Some(x.1)).count() as f64 / v.len() as f64;
            let mut subs: Vec<u32> = v.iter().map(|x| x.0).collect();
            subs.sort();
            subs.dedup();
            let fa: Vec<String> = subs
                .iter()
                .map(|&s| {
                    let c: Vec<_> = v.iter().filter(|x| x.0 == s && !x.1).collect();
                    format!("s{s:02} {:.0} %", 100.0 * c.iter().filter(|x| x.2 == Some(true)).count() as f64 / c.len().max(1) as f64)
                })
                .collect();
            println!("  {label}: accuracy {acc:.3}; false alarms on correct reps {}", fa.join(", "));
        }

        for (path, set, label) in [
            (PathKind::Markers, mset, "markers"),
            (PathKind::Keypoints, sset, "keypoints (trained and tested with pose noise)"),
        ] {
            println!(
                "  -- NESTED LOSO, {label}: procedure (1, 2 or 3 of {} inputs), inputs, penalty and calibration all chosen inside each fold",
                set.len()
            );
            let o = nested_full(&mv, path, set);
            let (m, w) = report(label, &mv, &o);
            let (_, _, fa) = quick(&mv, &o, 0.0);
            let (mb, wb, fab) = quick(&mv, &o, BAND);
            summary.push(format!(
                "{name:18} {label:48} mean {m:.3} worst {w:.3} largest false-alarm rate {:.0} % | with unclear band: mean {mb:.3} worst {wb:.3} false alarms {:.0} %",
                100.0 * fa,
                100.0 * fab
            ));
            let sweep: Vec<String> = [0.05, 0.10, 0.15, 0.20, 0.25]
                .iter()
                .map(|&b| {
                    let (m, w, fa) = quick(&mv, &o, b);
                    format!("band {b:.2}: {m:.3} / {w:.3} / {:.0} %", 100.0 * fa)
                })
                .collect();
            println!("    unclear band sweep (mean / worst / largest false-alarm rate; the band 0.15 was fixed before scoring): {}", sweep.join("; "));
            if path == PathKind::Keypoints {
                let o2 = nested_full_quiet(&mv, PathKind::KeypointsSeed2, set);
                let (m2, w2, fa2) = quick(&mv, &o2, 0.0);
                let (m2b, w2b, fa2b) = quick(&mv, &o2, BAND);
                println!(
                    "    the same with the second noise seed series: mean {m2:.3} worst {w2:.3} largest false-alarm rate {:.0} % | with unclear band {m2b:.3} / {w2b:.3} / {:.0} %",
                    100.0 * fa2,
                    100.0 * fa2b
                );
                summary.push(format!(
                    "{name:18} {:48} mean {m2:.3} worst {w2:.3} largest false-alarm rate {:.0} % | with unclear band: mean {m2b:.3} worst {w2b:.3} false alarms {:.0} %",
                    "keypoints, second noise seed series",
                    100.0 * fa2,
                    100.0 * fa2b
                ));
            }
            let all: Vec<&Rep> = mv.clone();
            let (pi, crit) = choose_procedure(&all, path, set);
            println!("    procedure chosen on all development subjects: \"{}\" (nested LOSO criterion {crit:.3})", PROCEDURES[pi].0);
            let model = final_model(&mv, path, set, PROCEDURES[pi].1, label);
            if movement == 1 && path == PathKind::Keypoints {
                squat_keypoint_model = Some(model);
            }
        }
        println!("  -- other procedures and paths (nested LOSO; mean / worst subject / largest correct-rep false-alarm rate, no unclear band)");
        for (path, set, label) in [
            (PathKind::Markers, mset, "markers"),
            (PathKind::Keypoints, sset, "keypoints, noisy train and test"),
            (PathKind::KeypointsCleanTrain, sset, "keypoints, clean train, noisy test"),
            (PathKind::KeypointsClean, sset, "keypoints, clean train and test (no pose error)"),
        ] {
            for (pname, pr) in PROCEDURES {
                let o = nested(&mv, path, set, pr, false);
                let (m, w, fa) = quick(&mv, &o, 0.0);
                println!("    {label:48} {pname:32} {m:.3} / {w:.3} / {:.0} %", 100.0 * fa);
            }
        }

        println!("  -- the shipped measures (verdict.rs) against the robust ones, five concepts each (depth, bar tilt, lean range, side lean, back knee), procedure chosen inside the folds");
        let five = ["thigh_below_horizontal_deg", "bar_tilt_deg", "trunk_lean_range_deg", "trunk_side_lean_deg", "back_knee_height_ratio"];
        for (path, label) in [(PathKind::OldMarkers, "shipped measures (hip below knee over leg, ...)"), (PathKind::Markers, "robust measures (thigh angle, ...)")] {
            let o = nested_full_quiet(&mv, path, &five);
            let (m, w, fa) = quick(&mv, &o, 0.0);
            println!("    {label:50} mean {m:.3} / worst {w:.3} / largest false-alarm rate {:.0} %", 100.0 * fa);
        }
        println!("  -- set-relative measures (markers): does comparing a rep with the lifter's other reps separate a fault from a body type?");
        let names: &[&str] = if movement == 1 { &["thigh_below_horizontal_deg", "bar_tilt_deg", "trunk_lean_gain_deg"] } else { &["trunk_lean_range_deg", "back_knee_height_ratio", "bar_tilt_deg"] };
        for n in names {
            set_relative_check(&mv, n);
        }
        println!("  -- per-fault checks: the existing thresholds through the existing analysis (clean side view, then with pose noise)");
        let ids: &[&str] = if movement == 1 { &["shallow_depth", "forward_lean", "hips_rise_first"] } else { &["lunge_trunk_lean", "lunge_long_step", "knee_travel"] };
        println!("    clean keypoints:");
        fault_checks(&mv, ids, false);
        println!("    noisy keypoints (first draw):");
        fault_checks(&mv, ids, true);
        if movement == 3 {
            let nc = mv.iter().filter(|r| !r.incorrect).count();
            let fc = mv.iter().filter(|r| !r.incorrect && r.back_knee_over_leg.is_some_and(|v| v > -0.0097)).count();
            let ni = mv.iter().filter(|r| r.incorrect).count();
            let fi = mv.iter().filter(|r| r.incorrect && r.back_knee_over_leg.is_some_and(|v| v > -0.0097)).count();
            println!("      back knee above ankle height (side-view verdict condition, > -0.0097 leg) flags {fc} of {nc} correct reps, misses {} of {ni} incorrect reps", ni - fi);
        }
        let twist = |inc: bool| {
            let v: Vec<f64> = mv.iter().filter(|r| r.incorrect == inc).filter_map(|r| r.marker.torso_twist_deg).collect();
            let (m, s) = sd(&v);
            (m, s, v.iter().cloned().fold(f64::NEG_INFINITY, f64::max))
        };
        let (c, i) = (twist(false), twist(true));
        println!(
            "      torso twist (markers; no threshold exists in thresholds.toml): correct {:.1} +- {:.1} deg (max {:.1}), incorrect {:.1} +- {:.1} deg (max {:.1})",
            c.0, c.1, c.2, i.0, i.1, i.2
        );
    }
    if let Some(model) = &squat_keypoint_model {
        let sq: Vec<&Rep> = reps.iter().filter(|r| r.movement == 1).collect();
        hip_bias_check(&sq, model);
        real_clip(&dir, model);
    }
    println!("\n== summary (nested LOSO, no unclear band; mean of per-subject accuracy and the worst subject)");
    for s in summary {
        println!("  {s}");
    }
}
