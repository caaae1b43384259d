//! Calibration and accuracy report on UI-PRMD (development subjects s01-s06): runs every deep
//! squat (m01) and inline lunge (m03) through the keypoint path (markers -> side-view BlazePose
//! keypoints at 30 fps -> the analysis), compares trunk lean and depth with the marker truth, and
//! fits the verdict thresholds by leave-one-subject-out. Reads the data folder given as the first
//! argument (default ../shared/data/ui-prmd); prints a report. Not a test: it reads outside the repo.
//!
//! cargo run --release -p spotter-motion --example calibrate -- /path/to/ui-prmd

use spotter_motion::analysis::{self, Movement, Options};
use spotter_motion::body::SagittalBody;
use spotter_motion::load::{ExternalLoad, Lifter, Sex};
use spotter_motion::mocap::{self, CameraSide};
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

/// Logistic regression on standardised features (L2 penalty `lambda`), by gradient descent.
struct Logit {
    feats: Vec<usize>,
    mu: Vec<f64>,
    sd: Vec<f64>,
    w: Vec<f64>,
    b: f64,
}

fn fit_logit(reps: &[&Rep], feats: &[usize], lambda: f64) -> Logit {
    let x: Vec<Vec<f64>> = reps.iter().map(|r| feats.iter().map(|&i| feature(r, i)).collect()).collect();
    let k = feats.len();
    let mu: Vec<f64> = (0..k).map(|j| mean(&x.iter().map(|row| row[j]).filter(|v| v.is_finite()).collect::<Vec<_>>())).collect();
    let sd: Vec<f64> = (0..k)
        .map(|j| {
            let v: Vec<f64> = x.iter().map(|row| row[j]).filter(|v| v.is_finite()).map(|v| (v - mu[j]).powi(2)).collect();
            mean(&v).sqrt().max(1e-9)
        })
        .collect();
    let z: Vec<Vec<f64>> = x.iter().map(|row| (0..k).map(|j| if row[j].is_finite() { (row[j] - mu[j]) / sd[j] } else { 0.0 }).collect()).collect();
    let y: Vec<f64> = reps.iter().map(|r| if r.incorrect { 1.0 } else { 0.0 }).collect();
    let (mut w, mut b) = (vec![0.0; k], 0.0);
    let n = reps.len() as f64;
    for _ in 0..3000 {
        let mut gw = vec![0.0; k];
        let mut gb = 0.0;
        for (zi, yi) in z.iter().zip(&y) {
            let p = 1.0 / (1.0 + (-(b + zi.iter().zip(&w).map(|(a, c)| a * c).sum::<f64>())).exp());
            for j in 0..k {
                gw[j] += (p - yi) * zi[j];
            }
            gb += p - yi;
        }
        for j in 0..k {
            w[j] -= 0.5 * (gw[j] / n + lambda * w[j]);
        }
        b -= 0.5 * gb / n;
    }
    Logit { feats: feats.to_vec(), mu, sd, w, b }
}

fn logit_predict(m: &Logit, r: &Rep) -> bool {
    let s: f64 = m.b
        + m.feats.iter().enumerate().map(|(j, &i)| {
            let v = feature(r, i);
            if v.is_finite() { (v - m.mu[j]) / m.sd[j] * m.w[j] } else { 0.0 }
        }).sum::<f64>();
    s > 0.0
}

fn loso_logit(mv: &[&Rep], feats: &[usize], lambda: f64) -> (f64, f64, f64, f64) {
    let mut subjects: Vec<u32> = mv.iter().map(|r| r.subject).collect();
    subjects.sort();
    subjects.dedup();
    let (mut tp, mut tn, mut fp, mut fneg) = (0, 0, 0, 0);
    for s in &subjects {
        let train: Vec<&Rep> = mv.iter().copied().filter(|r| r.subject != *s).collect();
        let m = fit_logit(&train, feats, lambda);
        for r in mv.iter().filter(|r| r.subject == *s) {
            match (logit_predict(&m, r), r.incorrect) {
                (true, true) => tp += 1,
                (false, false) => tn += 1,
                (true, false) => fp += 1,
                (false, true) => fneg += 1,
            }
        }
    }
    let n = (tp + tn + fp + fneg) as f64;
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let rc = tp as f64 / (tp + fneg).max(1) as f64;
    ((tp + tn) as f64 / n, p, rc, 2.0 * p * rc / (p + rc))
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

fn main() {
    let dir = std::env::args().nth(1).map(PathBuf::from).unwrap_or_else(|| PathBuf::from("../shared/data/ui-prmd"));
    let reps = load(&dir);
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
        let sets: Vec<(&str, Vec<usize>)> = vec![
            ("depth+lean", vec![0, 2]),
            ("all", (0..FEATURES.len()).collect()),
            ("squat FMS", vec![0, 1, 2, 5, 6, 7, 13]),
            ("lunge FMS", vec![1, 2, 7, 9, 10, 11]),
            ("lean set", vec![2, 6, 7, 10, 13]),
            ("markers", vec![14, 15, 16, 17, 18, 19]),
            ("markers+kp", vec![0, 1, 2, 7, 13, 14, 16, 17, 18]),
            ("conv+depth+lean", vec![0, 2, 17]),
        ];
        for (name, feats) in &sets {
            for lambda in [0.01, 0.1, 1.0] {
                let (acc, p, rc, f1) = loso_logit(&mv, feats, lambda);
                println!("  LOSO logistic [{name}] lambda {lambda}: accuracy {acc:.3} precision {p:.3} recall {rc:.3} F1 {f1:.3}");
            }
        }
        let agree = mv.iter().filter(|r| r.verdict_incorrect == r.incorrect).count();
        println!("  library verdict (data/thresholds.toml) on these reps: accuracy {:.3}", agree as f64 / mv.len() as f64);
        let all = fit(&mv, &kp_feats, k);
        println!("  fitted on all: {} (training accuracy {:.3})", describe(&all), accuracy(&all, &mv));
    }
}
