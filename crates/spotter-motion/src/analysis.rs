//! The analysis of one clip: repetitions, per-rep measurements, faults with their thresholds and
//! confidence, the camera check, and what the camera cannot see. Noisy input does not fail: what
//! could not be measured is `None`, with a diagnostic saying why. Garbage is not a report
//! ([`crate::plausibility`]): frames that cannot be a person are left out before the body is
//! built, a rep is reported only when its own frames pass, and a frame whose load falls outside
//! the physical envelope (a negative disc compression) is left out of the peaks, naming its cause.

use crate::body::SagittalBody;
use crate::keypoints::bp;
use crate::load::{self, ExternalLoad, Facing, L5s1Load, Lifter, LimitZone, SagittalPose};
use crate::kinematics::{self, LEFT_LEG, Leg, RIGHT_LEG};
use crate::plausibility::{self, RepNotes};
use crate::reps::{self, RepFrames};
use crate::thresholds::{FaultRule, Thresholds};

/// The movement pattern being analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Movement {
    Squat,
    Hinge,
    Lunge,
}

impl Movement {
    pub fn id(self) -> &'static str {
        match self {
            Movement::Squat => "squat",
            Movement::Hinge => "hinge",
            Movement::Lunge => "lunge",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub movement: Movement,
    /// Treat the whole clip as one repetition (motion-capture files hold one each).
    pub single_rep: bool,
    pub lifter: Lifter,
    pub load: ExternalLoad,
    /// Add inertial terms from filtered accelerations (quasi-static when false).
    pub dynamic: bool,
}

/// The peak L5/S1 load over a repetition (each figure its own peak), with the limits.
#[derive(Debug, Clone, PartialEq)]
pub struct L5s1Peak {
    /// Peak extensor moment, in N·m.
    pub moment_nm: f64,
    /// Peak compression, in N, and in multiples of body weight.
    pub compression_n: f64,
    pub compression_bw: f64,
    /// Peak anterior shear with a neutral spine (extensor line of action 5 degrees), in N.
    pub shear_n_neutral: f64,
    /// Peak anterior shear with a flexed spine (line of action 0 degrees), in N.
    pub shear_n_flexed: f64,
    /// Compression against NIOSH 3400 N (action limit) and 6400 N (maximum).
    pub compression_limit: &'static str,
    /// Shear against 700 N (frequent) and 1000 N (occasional), neutral and flexed spine.
    pub shear_limit_neutral: &'static str,
    pub shear_limit_flexed: &'static str,
}

fn zone(z: LimitZone) -> &'static str {
    match z {
        LimitZone::BelowActionLimit => "below_action_limit",
        LimitZone::AboveActionLimit => "above_action_limit",
        LimitZone::AboveMaximum => "above_maximum",
    }
}

/// A fault seen in a rep: the measured value against its threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub id: String,
    /// What was measured (the name says the unit).
    pub measure: String,
    pub value: f64,
    pub threshold: f64,
    /// 0..1: how sure the fault is real, given the typical measurement error and the camera.
    pub confidence: f64,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LungeMeasures {
    /// `left` or `right`: the leg in front at the bottom.
    pub front_leg: &'static str,
    /// Distance between the ankles along the direction of travel over standing leg length.
    pub step_over_leg: Option<f64>,
    /// Front knee ahead of the front toes, over leg length (positive: past the toes).
    pub front_knee_past_toes_over_leg: Option<f64>,
    /// Side-to-side trunk shift: needs a front view; `None` from the side.
    pub side_shift_m: Option<f64>,
    /// The lower knee's height above the mean ankle height at the bottom, over leg length (the
    /// back knee: near 0 when it comes down to the floor).
    pub back_knee_height_over_leg: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HingeMeasures {
    /// Trunk angle from vertical at the bottom, in degrees.
    pub trunk_angle_bottom_deg: Option<f64>,
    /// Hip flexion change over knee flexion change from start to bottom (a hinge is hip-led: large).
    pub hip_to_knee_flexion_ratio: Option<f64>,
}

/// Measurements of one repetition.
#[derive(Debug, Clone, PartialEq)]
pub struct RepMeasures {
    pub index: usize,
    /// The clip starts or ends inside this rep.
    pub partial: bool,
    pub start_s: f64,
    pub bottom_s: f64,
    pub end_s: f64,
    pub descent_s: f64,
    pub ascent_s: f64,
    /// Hip joint centre below the knee joint centre at the bottom, in metres (negative: above).
    pub hip_below_knee_m: Option<f64>,
    /// The same over standing leg length.
    pub hip_below_knee_over_leg: Option<f64>,
    pub depth_below_parallel: Option<bool>,
    /// How far the hips dropped from standing, in metres, and over leg length.
    pub hip_drop_m: Option<f64>,
    pub hip_drop_over_leg: Option<f64>,
    pub peak_trunk_lean_deg: Option<f64>,
    pub hip_flexion_bottom_deg: Option<f64>,
    pub knee_flexion_bottom_deg: Option<f64>,
    pub shin_angle_bottom_deg: Option<f64>,
    /// Largest forward tip of the trunk in the first half of the ascent, in degrees.
    pub ascent_lean_increase_deg: Option<f64>,
    /// Largest minus smallest trunk lean over the rep, in degrees.
    pub trunk_lean_range_deg: Option<f64>,
    pub hinge: Option<HingeMeasures>,
    pub lunge: Option<LungeMeasures>,
    /// Peak L5/S1 load over the rep; `None` when no frame of the rep could be modelled.
    pub l5s1: Option<L5s1Peak>,
    pub faults: Vec<Fault>,
    /// `correct` or `incorrect`: Spotter's judgement of the rep's form by the verdict rules of
    /// `data/thresholds.toml` (calibrated on UI-PRMD deep squats and inline lunges).
    pub verdict: Option<&'static str>,
    /// The verdict conditions that were met.
    pub verdict_reasons: Vec<String>,
}

/// Whether the view is side-on enough for sagittal angles.
#[derive(Debug, Clone, PartialEq)]
pub struct CameraCheck {
    /// Estimated angle away from side-on, in degrees.
    pub yaw_deg: Option<f64>,
    pub side_on: bool,
    pub message: String,
}

/// Above this camera angle, sagittal angles are not trusted.
pub const MAX_SIDE_ON_YAW_DEG: f64 = 30.0;

#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub movement: Movement,
    pub rep_count: usize,
    pub reps: Vec<RepMeasures>,
    pub camera: CameraCheck,
    /// Butt wink (posterior pelvic tilt at the bottom) cannot be measured from these landmarks.
    pub butt_wink: &'static str,
    /// Standing leg length used to scale depth, in metres.
    pub leg_length_m: Option<f64>,
    pub diagnostics: Vec<String>,
    /// Per frame, for plots: time (s), trunk lean (deg), hip height over standing (m), knee flexion (deg).
    pub series: Series,
    /// The rep frames, for the load model and plots.
    pub rep_frames: Vec<RepFrames>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    pub t_s: Vec<f64>,
    pub trunk_lean_deg: Vec<Option<f64>>,
    pub hip_height_m: Vec<Option<f64>>,
    pub knee_flexion_deg: Vec<Option<f64>>,
    /// L5/S1 compression and neutral-spine shear, in newtons.
    pub compression_n: Vec<Option<f64>>,
    pub shear_n_neutral: Vec<Option<f64>>,
}

pub const BUTT_WINK_NOTE: &str = "Butt wink (the pelvis tucking under at the bottom) is not measured: hip, knee and \
shoulder landmarks cannot show pelvic tilt. On motion-capture data the best estimate from them misses by 10 degrees \
against 11.7 for a plain guess. Film from the side and watch the lower back, or ask a coach.";

fn deg(r: f64) -> f64 {
    r.to_degrees()
}

/// Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26 for erf).
fn phi(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

fn max_opt(it: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    it.flatten().fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))))
}

pub fn analyze(body: &SagittalBody, opts: &Options, thresholds: &Thresholds) -> Analysis {
    let n = body.len();
    let mut diagnostics = body.diagnostics.clone();
    let near = kinematics::near_leg(body);
    let leg_len = kinematics::leg_length(body, near).or_else(|| kinematics::leg_length(body, if near == RIGHT_LEG { LEFT_LEG } else { RIGHT_LEG }));
    if leg_len.is_none() {
        diagnostics.push("no frame shows hip, knee and ankle together: depth cannot be scaled".into());
    }
    let hip_y: Vec<Option<f64>> = (0..n).map(|f| body.mid_hip(f).map(|p| p[1])).collect();
    let standing = {
        let mut v: Vec<f64> = hip_y.iter().flatten().copied().collect();
        v.sort_by(f64::total_cmp);
        v.get(((v.len().max(1) - 1) as f64 * 0.95).round() as usize).copied()
    };
    let lean: Vec<Option<f64>> = (0..n).map(|f| kinematics::trunk_lean(body, f)).collect();
    let seg = &thresholds.segmentation;
    let (signal, enter, leave): (Vec<Option<f64>>, f64, f64) = match opts.movement {
        Movement::Hinge => (lean.iter().map(|l| l.map(deg)).collect(), seg.hinge_enter_deg, seg.hinge_leave_deg),
        m => {
            let (enter, leave) = if m == Movement::Lunge { (seg.lunge_enter, seg.lunge_leave) } else { (seg.squat_enter, seg.squat_leave) };
            let s = match (standing, leg_len) {
                (Some(st), Some(l)) => hip_y.iter().map(|y| y.map(|y| (st - y) / l)).collect(),
                _ => vec![None; n],
            };
            (s, enter, leave)
        }
    };
    let found: Vec<RepFrames> =
        if opts.single_rep { reps::whole(&signal).into_iter().collect() } else { reps::segment(&signal, enter, leave) };
    // A rep is reported only when its own frames pass (plausibility::rep_problem).
    let has_src = |f: usize| if opts.movement == Movement::Hinge { lean[f].is_some() } else { hip_y[f].is_some() };
    let mut left_out = RepNotes::default();
    let rep_frames: Vec<RepFrames> = found
        .into_iter()
        .filter(|r| match plausibility::rep_problem(body, *r, &has_src) {
            None => true,
            Some(why) => {
                left_out.push(body.t[r.bottom], why);
                false
            }
        })
        .collect();
    let left_out_count = left_out.count();
    diagnostics.extend(left_out.into_notes());
    if rep_frames.is_empty() {
        let usable: Vec<f64> = (0..n).filter(|&f| has_src(f)).map(|f| body.t[f]).collect();
        let span = usable.last().zip(usable.first()).map_or(0.0, |(b, a)| b - a);
        diagnostics.push(plausibility::no_rep_note(opts.movement.id(), usable.len(), span, left_out_count));
    }

    let yaw_deg = body.camera_yaw_rad.map(deg);
    let nothing_plausible = body.person_fraction > 0.0 && body.tracks.iter().all(|t| t.iter().all(Option::is_none));
    let camera = if nothing_plausible { camera_unchecked() } else { camera_check(yaw_deg) };

    let loads = frame_loads(body, opts, &mut diagnostics);
    let reps_out = rep_frames
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut m = measure_rep(body, opts, thresholds, &lean, &hip_y, standing, leg_len, near, i, *r, camera.side_on);
            m.l5s1 = peak_load(&loads[r.start..=r.end], opts.lifter.body_mass_kg);
            m
        })
        .collect::<Vec<_>>();
    let series = Series {
        t_s: body.t.clone(),
        trunk_lean_deg: lean.iter().map(|l| l.map(deg)).collect(),
        hip_height_m: hip_y.iter().map(|y| Some(y.as_ref()? - standing?)).collect(),
        knee_flexion_deg: (0..n).map(|f| kinematics::leg_angles(body, near, f).knee_flexion.map(deg)).collect(),
        compression_n: loads.iter().map(|l| l.map(|l| l.compression_n)).collect(),
        shear_n_neutral: loads.iter().map(|l| l.map(|l| l.shear_n_neutral)).collect(),
    };
    Analysis {
        movement: opts.movement,
        rep_count: reps_out.iter().filter(|r| !r.partial).count(),
        reps: reps_out,
        camera,
        butt_wink: BUTT_WINK_NOTE,
        leg_length_m: leg_len,
        diagnostics,
        series,
        rep_frames,
    }
}

/// The camera check when no frame showed a plausible person.
pub(crate) fn camera_unchecked() -> CameraCheck {
    CameraCheck { yaw_deg: None, side_on: true, message: "The camera angle could not be checked: no frame shows a plausible person.".into() }
}

/// The camera check for an estimated yaw (degrees away from side-on).
pub(crate) fn camera_check(yaw_deg: Option<f64>) -> CameraCheck {
    CameraCheck {
        yaw_deg,
        side_on: yaw_deg.is_none_or(|y| y <= MAX_SIDE_ON_YAW_DEG),
        message: match yaw_deg {
            Some(y) if y > MAX_SIDE_ON_YAW_DEG => format!(
                "The camera looks about {y:.0} degrees away from side-on: trunk lean, depth and joint angles are not \
                 reliable. Film from the side, at hip height."
            ),
            Some(y) => format!("Side-on enough (about {y:.0} degrees off): sagittal angles are usable."),
            None => "The shoulders were never both seen: the camera angle could not be checked.".into(),
        },
    }
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn measure_rep(
    body: &SagittalBody,
    opts: &Options,
    thresholds: &Thresholds,
    lean: &[Option<f64>],
    hip_y: &[Option<f64>],
    standing: Option<f64>,
    leg_len: Option<f64>,
    near: Leg,
    index: usize,
    r: RepFrames,
    side_on: bool,
) -> RepMeasures {
    let t = |f: usize| body.t[f];
    let b = r.bottom;
    // Lunge: the front leg is the one whose ankle is further forward at the bottom.
    let (front, back) = match (body.at(LEFT_LEG.ankle, b), body.at(RIGHT_LEG.ankle, b)) {
        (Some(l), Some(rt)) if l[0] > rt[0] => (LEFT_LEG, RIGHT_LEG),
        (Some(_), Some(_)) => (RIGHT_LEG, LEFT_LEG),
        _ => (near, if near == RIGHT_LEG { LEFT_LEG } else { RIGHT_LEG }),
    };
    let leg = if opts.movement == Movement::Lunge { front } else { near };
    let at_bottom = kinematics::leg_angles(body, leg, b);
    let knee_mid = body.mid(LEFT_LEG.knee, RIGHT_LEG.knee, b);
    let hip_knee_leg = if opts.movement == Movement::Lunge { body.at(front.knee, b) } else { knee_mid };
    let hip_below_knee_m = match (body.mid_hip(b), hip_knee_leg) {
        (Some(h), Some(k)) => Some(k[1] - h[1]),
        _ => None,
    };
    let over = |v: Option<f64>| match (v, leg_len) {
        (Some(v), Some(l)) => Some(v / l),
        _ => None,
    };
    let hip_drop_m = match (standing, hip_y[b]) {
        (Some(st), Some(y)) => Some((st - y).max(0.0)),
        _ => None,
    };
    let peak_lean = max_opt(lean[r.start..=r.end].iter().copied()).map(deg);
    let min_lean = max_opt(lean[r.start..=r.end].iter().map(|l| l.map(|v| -v))).map(|v| deg(-v));
    let lean_range = match (peak_lean, min_lean) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let half = b + (r.end - b) / 2;
    let ascent_lean_increase_deg = match lean[b] {
        Some(lb) => max_opt(lean[b..=half.max(b)].iter().copied()).map(|m| deg(m - lb)),
        None => None,
    };
    let hinge = (opts.movement == Movement::Hinge).then(|| {
        let start = kinematics::leg_angles(body, near, r.start);
        let ratio = match (start.hip_flexion, at_bottom.hip_flexion, start.knee_flexion, at_bottom.knee_flexion) {
            (Some(h0), Some(h1), Some(k0), Some(k1)) if (k1 - k0).abs() > 1f64.to_radians() => Some((h1 - h0) / (k1 - k0)),
            _ => None,
        };
        HingeMeasures { trunk_angle_bottom_deg: lean[b].map(deg), hip_to_knee_flexion_ratio: ratio }
    });
    let lunge = (opts.movement == Movement::Lunge).then(|| {
        let step = match (body.at(front.ankle, b), body.at(back.ankle, b)) {
            (Some(f), Some(k)) => Some((f[0] - k[0]).abs()),
            _ => None,
        };
        let toe = body.at(front.toe, b).or(body.at(front.ankle, b));
        let past = match (body.at(front.knee, b), toe) {
            (Some(k), Some(t)) => Some(k[0] - t[0]),
            _ => None,
        };
        let back_knee = match (body.at(LEFT_LEG.knee, b), body.at(RIGHT_LEG.knee, b), body.mid(LEFT_LEG.ankle, RIGHT_LEG.ankle, b)) {
            (Some(l), Some(rk), Some(a)) => Some(l[1].min(rk[1]) - a[1]),
            _ => None,
        };
        LungeMeasures {
            front_leg: if front == LEFT_LEG { "left" } else { "right" },
            step_over_leg: over(step),
            front_knee_past_toes_over_leg: over(past),
            side_shift_m: None,
            back_knee_height_over_leg: over(back_knee),
        }
    });
    let mut m = RepMeasures {
        index,
        partial: r.partial,
        start_s: t(r.start),
        bottom_s: t(b),
        end_s: t(r.end),
        descent_s: t(b) - t(r.start),
        ascent_s: t(r.end) - t(b),
        hip_below_knee_m,
        hip_below_knee_over_leg: over(hip_below_knee_m),
        depth_below_parallel: hip_below_knee_m.map(|d| d > 0.0),
        hip_drop_m,
        hip_drop_over_leg: over(hip_drop_m),
        peak_trunk_lean_deg: peak_lean,
        hip_flexion_bottom_deg: at_bottom.hip_flexion.map(deg),
        knee_flexion_bottom_deg: at_bottom.knee_flexion.map(deg),
        shin_angle_bottom_deg: at_bottom.shin.map(deg),
        ascent_lean_increase_deg,
        trunk_lean_range_deg: lean_range,
        hinge,
        lunge,
        l5s1: None,
        faults: Vec::new(),
        verdict: None,
        verdict_reasons: Vec::new(),
    };
    if let Some(v) = thresholds.verdict.iter().find(|v| v.movement == opts.movement.id()) {
        let met: Vec<String> = v
            .condition
            .iter()
            .filter_map(|c| {
                let x = measure_value(&m, &c.measure)?;
                let beyond = if c.above_is_incorrect { x > c.threshold } else { x < c.threshold };
                beyond.then(|| format!("{} = {x:.3} ({} {})", c.measure, if c.above_is_incorrect { ">" } else { "<" }, c.threshold))
            })
            .collect();
        let known = v.condition.iter().any(|c| measure_value(&m, &c.measure).is_some());
        m.verdict = known.then_some(if met.is_empty() { crate::faults::CORRECT } else { crate::faults::INCORRECT });
        m.verdict_reasons = met;
    }
    m.faults = thresholds
        .fault
        .iter()
        .filter(|f| f.movement == opts.movement.id())
        .filter_map(|f| check_fault(f, &m, side_on))
        .collect();
    m
}

/// The value a fault rule reads from a rep's measurements (the names: [`crate::faults::MEASURES`]).
pub fn measure_value(m: &RepMeasures, measure: &str) -> Option<f64> {
    match measure {
        "hip_below_knee_over_leg" => m.hip_below_knee_over_leg,
        "hip_drop_over_leg" => m.hip_drop_over_leg,
        "peak_trunk_lean_deg" => m.peak_trunk_lean_deg,
        "ascent_lean_increase_deg" => m.ascent_lean_increase_deg,
        "trunk_lean_range_deg" => m.trunk_lean_range_deg,
        "back_knee_height_over_leg" => m.lunge.as_ref()?.back_knee_height_over_leg,
        "knee_flexion_bottom_deg" => m.knee_flexion_bottom_deg,
        "step_over_leg" => m.lunge.as_ref()?.step_over_leg,
        "front_knee_past_toes_over_leg" => m.lunge.as_ref()?.front_knee_past_toes_over_leg,
        _ => None,
    }
}

/// The fault `rule` finds in a rep, if its measure is beyond the threshold.
pub fn check_fault(rule: &FaultRule, m: &RepMeasures, side_on: bool) -> Option<Fault> {
    let value = measure_value(m, &rule.measure)?;
    let beyond = if rule.above_is_fault { value > rule.threshold } else { value < rule.threshold };
    if !beyond {
        return None;
    }
    let z = (value - rule.threshold).abs() / rule.sigma;
    let camera = if side_on { 1.0 } else { 0.5 };
    Some(Fault {
        id: rule.id.clone(),
        measure: rule.measure.clone(),
        value,
        threshold: rule.threshold,
        confidence: (phi(z) * camera * 100.0).round() / 100.0,
        source: rule.source.clone(),
    })
}

/// The sagittal pose the load model needs at frame `f` (the body already faces +x).
fn pose(body: &SagittalBody, f: usize) -> Option<SagittalPose> {
    Some(SagittalPose {
        mid_hip: body.mid_hip(f)?,
        mid_shoulder: body.mid_shoulder(f)?,
        head: body.mid(bp::LEFT_EAR, bp::RIGHT_EAR, f),
        hands: body.mid(bp::LEFT_WRIST, bp::RIGHT_WRIST, f),
        facing: Facing::PositiveX,
    })
}

/// The L5/S1 load of every frame (`None` where the pose is incomplete or implausible).
pub(crate) fn frame_loads(body: &SagittalBody, opts: &Options, diagnostics: &mut Vec<String>) -> Vec<Option<L5s1Load>> {
    let n = body.len();
    let mut first_error = None;
    let mut loads: Vec<Option<L5s1Load>> = (0..n)
        .map(|f| {
            let p = pose(body, f)?;
            match load::l5s1_static(&opts.lifter, &opts.load, &p) {
                Ok(l) => Some(l),
                Err(e) => {
                    first_error.get_or_insert((f, e.to_string()));
                    None
                }
            }
        })
        .collect();
    let mut accels: Vec<Option<load::Accelerations>> = vec![None; n];
    if opts.dynamic && n >= 3 {
        // Accelerations of the upper-body centre of mass and the load point, by central
        // differences of the (already low-pass filtered) positions, over runs of complete frames.
        let dt = 1.0 / body.fps;
        let mut f = 0;
        while f < n {
            if loads[f].is_none() {
                f += 1;
                continue;
            }
            let start = f;
            while f < n && loads[f].is_some() {
                f += 1;
            }
            if f - start < 3 {
                continue;
            }
            let run: Vec<L5s1Load> = loads[start..f].iter().map(|l| l.expect("complete run")).collect();
            let com: Vec<[f64; 2]> = run.iter().map(|l| l.upper_body_com).collect();
            let lp: Vec<[f64; 2]> = run.iter().map(|l| l.load_point.unwrap_or(l.upper_body_com)).collect();
            let (Ok(a_com), Ok(a_load)) = (load::accelerations_central_difference(&com, dt), load::accelerations_central_difference(&lp, dt)) else {
                continue;
            };
            for k in 0..run.len() {
                let accel = load::Accelerations { upper_body_com_m_s2: a_com[k], load_m_s2: a_load[k] };
                if let (Some(p), Some(slot)) = (pose(body, start + k), loads.get_mut(start + k))
                    && let Ok(l) = load::l5s1_dynamic(&opts.lifter, &opts.load, &p, &accel)
                {
                    *slot = Some(l);
                    accels[start + k] = Some(accel);
                }
            }
        }
    }
    if let Some((f, e)) = first_error {
        diagnostics.push(format!("the load model skipped frames it could not model (first at {:.2} s: {e})", body.t[f]));
    }
    // The physical envelope: this model cannot give a negative disc compression from a real
    // movement (the muscles only add to it); a frame that gives one is left out, naming its input.
    let mut outside: Option<(usize, usize, String)> = None;
    for (f, slot) in loads.iter_mut().enumerate() {
        let Some(l) = slot else { continue };
        let finite = [l.moment_nm, l.compression_n, l.shear_n_neutral, l.shear_n_flexed].iter().all(|v| v.is_finite());
        if finite && l.compression_n >= 0.0 {
            continue;
        }
        let cause = match accels[f] {
            Some(a) => {
                let g = |v: [f64; 2]| (v[0].hypot(v[1])) / load::GRAVITY_M_S2;
                format!(
                    "the upper body's acceleration read from the landmark motion, {:.1} g (and {:.1} g at the load), pulls the trunk apart, which a lifter's movement cannot do; jerky or wrong landmarks are the likely cause",
                    g(a.upper_body_com_m_s2),
                    g(a.load_m_s2)
                )
            }
            None => format!("the trunk angle of {:.0} degrees from vertical", l.trunk_angle_rad.to_degrees()),
        };
        let what = format!("a disc compression of {} N, which this model cannot give: {cause}", crate::plausibility::short_number(l.compression_n));
        match &mut outside {
            Some((_, count, _)) => *count += 1,
            None => outside = Some((f, 1, what)),
        }
        *slot = None;
    }
    if let Some((f, count, what)) = outside {
        let frames = if count == 1 { "1 frame".to_string() } else { format!("{count} frames") };
        diagnostics.push(format!("the load of {frames} is left out as outside the physical envelope (first at {:.2} s: {what})", body.t[f]));
    }
    loads
}

pub(crate) fn peak_load(loads: &[Option<L5s1Load>], body_mass_kg: f64) -> Option<L5s1Peak> {
    let all: Vec<&L5s1Load> = loads.iter().flatten().collect();
    if all.is_empty() {
        return None;
    }
    let max = |f: &dyn Fn(&L5s1Load) -> f64| all.iter().map(|l| f(l)).fold(f64::NEG_INFINITY, f64::max);
    let compression = max(&|l| l.compression_n);
    let shear_neutral = max(&|l| l.shear_n_neutral);
    let shear_flexed = max(&|l| l.shear_n_flexed);
    let bw = body_mass_kg * load::GRAVITY_M_S2;
    Some(L5s1Peak {
        moment_nm: max(&|l| l.moment_nm),
        compression_n: compression,
        compression_bw: compression / bw,
        shear_n_neutral: shear_neutral,
        shear_n_flexed: shear_flexed,
        compression_limit: zone(LimitZone::compression(compression)),
        shear_limit_neutral: zone(LimitZone::shear(shear_neutral)),
        shear_limit_flexed: zone(LimitZone::shear(shear_flexed)),
    })
}

#[cfg(test)]
mod tests;
