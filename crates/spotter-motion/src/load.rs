//! The L5/S1 load model (spec/movement.md, "Load model reference values"; research/movement.md §3
//! and §4): a 2D sagittal, top-down link-segment model that turns one frame's trunk posture, the
//! lifter and the external load into the net extensor moment, disc compression and anterior shear
//! at L5/S1, rated against the NIOSH compression and the Gallagher & Marras shear limits.
//!
//! # Frame and sign conventions
//!
//! All positions are in metres in a sagittal plane with **y pointing up** (against gravity) and x
//! horizontal. Keypoint sources with y down (image coordinates, MediaPipe world landmarks) must be
//! flipped by the caller. The lifter may face +x or −x; [`SagittalPose::facing`] says which, and
//! the model works internally in a frame where x points forward (anterior). Accelerations are in
//! the same input frame, in m/s². Angles are radians; the trunk angle is measured from the
//! vertical, positive when the shoulders are in front of the hips (forward lean).
//!
//! # Geometry
//!
//! * Trunk line: mid-hip (midpoint of the hip joint centres) → mid-shoulder. Its unit vector ĉ is
//!   also the **compression axis** (θ_c = trunk angle θ); the anterior **shear axis** ŝ is ĉ turned
//!   90° forward, ŝ = (ĉ_y, −ĉ_x) in the forward frame.
//! * **L5/S1** = mid-hip + 0.045·H·ĉ (H = stature). research §4.2 gives 0.04–0.05·H; 0.045·H is the
//!   value that makes the reference constants consistent with Winter's standing landmark heights:
//!   glenohumeral 0.818·H − hip 0.530·H = 0.288·H of hip→shoulder, and 0.288·H − 0.243·H (the
//!   research's L5/S1→shoulder line) = 0.045·H.
//! * **Upper-body centre of mass** (everything above L5/S1: head, arms, trunk above the disc) on the
//!   trunk line at 0.135/0.243 = 55.6 % of the L5/S1 → mid-shoulder distance, i.e. 0.135·H above
//!   L5/S1 in the reference posture. That point is 0.180·H above the hips, which is Winter's HAT
//!   centre of mass (62.6 % of hip→glenohumeral, 0.626 × 0.288·H = 0.180·H). The fraction is taken
//!   of the *measured* segment, as link-segment tables do, so the model scales with the keypoints.
//! * **Head**: the lumped upper body assumes the head in line with the trunk. When a head/ear point
//!   is given, the head+neck mass (de Leva 1996: 6.94 % male, 6.68 % female of body mass) is moved
//!   from that in-line position (same shoulder→head distance, along ĉ) to the measured one, which
//!   shifts the upper-body centre of mass by m_head/m_ub × (head − head_in_line). De Leva's
//!   head+neck centre of mass (50 % of vertex–C7, C7 ≈ 0.86·H) lies at ≈ 0.93·H standing, ear/eye
//!   level, so the head/ear keypoint stands in for it.
//! * **Load point**: `Back` at the mid-shoulder (the research's bar/shoulder line, 0.243·H from
//!   L5/S1; a real high or low bar sits a few cm behind the joint, which lowers the moment
//!   slightly); `FrontRack` 0.055·H (≈ 10 cm at 1.80 m, an estimate of half a shoulder depth, no
//!   published source) in front of the mid-shoulder, perpendicular to the trunk; `Hands` at the
//!   mid-wrist point, or, without wrist points, hanging vertically 0.333·H below the mid-shoulder
//!   (Winter: shoulder 0.818·H − wrist 0.485·H). Only the horizontal lever matters statically, so
//!   a bar hanging in the hands under the shoulders has the same lever as a bar on the shoulders:
//!   0.243·H·sin θ. That is exactly how the research computed its RDL, good-morning and deadlift
//!   rows.
//!
//! # Equations (research §4.3)
//!
//! With g = (0, −9.81) m/s², the upper body of mass m_ub at r_ub with acceleration a_ub and the
//! load of mass m_L at r_L with acceleration a_L (zero in the quasi-static case):
//!
//! * the force the upper body and load hand down through the disc (muscles aside):
//!   F_down = m_ub·(g − a_ub) + m_L·(g − a_L) (N); statically (0, −W), W = (m_ub + m_L)·g;
//! * the net extensor moment (N·m), moments taken about the point fixed in space where L5/S1 is:
//!   M = (r_ub − r_L5) × m_ub·(a_ub − g) + (r_L − r_L5) × m_L·(a_L − g), positive = extension;
//!   statically M = g·(m_ub·d_ub + m_L·d_L) with d the horizontal lever arms. The upper body's own
//!   angular inertia I·α is left out: with a trunk moment of inertia of about 1–2 kg·m² (de Leva:
//!   43 % of body mass, sagittal radius of gyration ≈ 0.3 of the C7–hip length) and the few rad/s²
//!   of a controlled squat or hinge it is a few N·m, well inside the model's other errors;
//! * one equivalent extensor (Chaffin, 3DSSPP, WATBAK): F_m = M / d_ES (N), d_ES = 0.06 m
//!   (Cholewicki, McGill & Norman 1991), its line of action β from the compression axis: 5°
//!   ("neutral", WATBAK) or 0° ("flexed": in full flexion the extensors lose their posterior-shear
//!   component, McGill 1997);
//! * compression C = F_m·cos β − F_down·ĉ (N) (statically F_m·cos β + W·cos θ_c);
//! * anterior shear S = F_down·ŝ − F_m·sin β (N) (statically W·sin θ_c − F_m·sin β).
//!
//! A negative M (trunk behind the hips) is carried by an equivalent flexor with the same 6 cm arm
//! acting along the compression axis (no shear component); it only happens with small moments.
//! No intra-abdominal pressure, no co-contraction (which adds roughly 10–30 % compression), no
//! passive ligament shear in flexion: the numbers are the simple model's, to be read with that
//! uncertainty (a 10° trunk-angle error at 45° moves M by about 18 %).
//!
//! # Limits
//!
//! Compression: NIOSH 1981 action limit 3400 N, maximum permissible limit 6400 N. Shear: 700 N for
//! 100–1000 loadings a day and 1000 N for up to 100 a day (Gallagher & Marras 2012), rated on the
//! shear's magnitude.

#[cfg(test)]
mod tests;

/// Gravitational acceleration used throughout, in m/s² (the research's worked cases use 9.81).
pub const GRAVITY_M_S2: f64 = 9.81;

/// NIOSH 1981 compression action limit at L5/S1, in newtons.
pub const COMPRESSION_ACTION_LIMIT_N: f64 = 3400.0;
/// NIOSH 1981 compression maximum permissible limit at L5/S1, in newtons.
pub const COMPRESSION_MAXIMUM_LIMIT_N: f64 = 6400.0;
/// Shear limit for 100–1000 loadings a day (Gallagher & Marras 2012), in newtons.
pub const SHEAR_ACTION_LIMIT_N: f64 = 700.0;
/// Shear limit for up to 100 loadings a day (Gallagher & Marras 2012), in newtons.
pub const SHEAR_MAXIMUM_LIMIT_N: f64 = 1000.0;

/// Hip-joint-centre → glenohumeral distance of the reference posture, as a fraction of stature
/// (Winter: 0.818·H − 0.530·H).
pub const REFERENCE_TRUNK_LENGTH_PER_HEIGHT: f64 = 0.288;
/// Mid-shoulder → head (ear/eye) distance of the reference posture, as a fraction of stature
/// (Winter: eye 0.936·H − shoulder 0.818·H).
pub const REFERENCE_HEAD_ABOVE_SHOULDER_PER_HEIGHT: f64 = 0.118;

/// Accepted stature, in metres.
pub const HEIGHT_RANGE_M: (f64, f64) = (1.0, 2.5);
/// Accepted body mass, in kilograms.
pub const BODY_MASS_RANGE_KG: (f64, f64) = (20.0, 350.0);
/// Accepted external load, in kilograms.
pub const LOAD_MASS_RANGE_KG: (f64, f64) = (0.0, 1000.0);
/// Accepted mid-hip → mid-shoulder distance, as a fraction of stature (nominal 0.288).
pub const TRUNK_LENGTH_RANGE_PER_HEIGHT: (f64, f64) = (0.15, 0.45);
/// Accepted trunk angle from the vertical, in radians (−45° to 110°, forward positive): beyond
/// 110° the hips are well above the shoulders, below −45° the facing is most likely wrong.
pub const TRUNK_ANGLE_RANGE_RAD: (f64, f64) = (-std::f64::consts::FRAC_PI_4, 110.0 * std::f64::consts::PI / 180.0);
/// Largest accepted acceleration magnitude, in m/s² (about 20 g; more is a keypoint glitch).
pub const MAX_ACCELERATION_M_S2: f64 = 200.0;

/// Sex, for the de Leva 1996 segment table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    Male,
    Female,
}

/// The person lifting.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lifter {
    /// Body mass, in kilograms (20–350).
    pub body_mass_kg: f64,
    /// Stature, in metres (1.0–2.5).
    pub height_m: f64,
    pub sex: Sex,
}

/// Where the external load is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoadPosition {
    /// A bar on the upper back, at the shoulders.
    Back,
    /// A bar racked at the front of the shoulders.
    FrontRack,
    /// Held in the hands (at the wrists; hanging under the shoulders when no wrist is known).
    Hands,
    /// No external load.
    None,
}

/// The external load and where it is held.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExternalLoad {
    /// Mass, in kilograms (0–1000; must be 0 when `position` is `None`).
    pub mass_kg: f64,
    pub position: LoadPosition,
}

impl ExternalLoad {
    /// No external load (body weight only).
    pub const NONE: ExternalLoad = ExternalLoad { mass_kg: 0.0, position: LoadPosition::None };
}

/// Which way the lifter faces along the x axis of the input frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Facing {
    PositiveX,
    NegativeX,
}

impl Facing {
    /// +1 for `PositiveX`, −1 for `NegativeX`: input x times this is forward.
    pub fn sign(self) -> f64 {
        match self {
            Facing::PositiveX => 1.0,
            Facing::NegativeX => -1.0,
        }
    }

    pub fn flipped(self) -> Facing {
        match self {
            Facing::PositiveX => Facing::NegativeX,
            Facing::NegativeX => Facing::PositiveX,
        }
    }
}

/// One frame's sagittal posture. Points are `[x, y]` in metres, y up (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SagittalPose {
    /// Midpoint of the two hip joint centres, `[x, y]` in metres.
    pub mid_hip: [f64; 2],
    /// Midpoint of the two shoulders (glenohumeral joints), `[x, y]` in metres.
    pub mid_shoulder: [f64; 2],
    /// Head point (ear, or mid-ears), `[x, y]` in metres, when seen.
    pub head: Option<[f64; 2]>,
    /// Midpoint of the wrists (or the visible wrist), `[x, y]` in metres, when seen.
    pub hands: Option<[f64; 2]>,
    pub facing: Facing,
}

impl SagittalPose {
    /// The same pose seen from the other side: every x negated and the facing flipped. The model
    /// gives identical loads for both.
    pub fn mirrored(&self) -> SagittalPose {
        let m = |p: [f64; 2]| [-p[0], p[1]];
        SagittalPose {
            mid_hip: m(self.mid_hip),
            mid_shoulder: m(self.mid_shoulder),
            head: self.head.map(m),
            hands: self.hands.map(m),
            facing: self.facing.flipped(),
        }
    }
}

/// Accelerations for the inertial terms, `[x, y]` in m/s² in the pose's input frame, from filtered
/// positions (see [`accelerations_central_difference`] and [`L5s1Load::upper_body_com`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Accelerations {
    /// Acceleration of the upper-body centre of mass, in m/s².
    pub upper_body_com_m_s2: [f64; 2],
    /// Acceleration of the external load, in m/s² (ignored without a load).
    pub load_m_s2: [f64; 2],
}

impl Accelerations {
    /// No acceleration: the dynamic model then equals the static one.
    pub const ZERO: Accelerations = Accelerations { upper_body_com_m_s2: [0.0; 2], load_m_s2: [0.0; 2] };
}

/// Where a force stands against its two limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LimitZone {
    /// At or below the action limit (3400 N compression, 700 N shear).
    BelowActionLimit,
    /// Above the action limit, at or below the maximum (6400 N compression, 1000 N shear).
    AboveActionLimit,
    /// Above the maximum limit.
    AboveMaximum,
}

impl LimitZone {
    /// Rates `value` against `action_limit` and `maximum_limit` (same unit; strictly above counts).
    pub fn rate(value: f64, action_limit: f64, maximum_limit: f64) -> LimitZone {
        if value > maximum_limit {
            LimitZone::AboveMaximum
        } else if value > action_limit {
            LimitZone::AboveActionLimit
        } else {
            LimitZone::BelowActionLimit
        }
    }

    /// Compression in newtons against NIOSH 3400 / 6400 N.
    pub fn compression(compression_n: f64) -> LimitZone {
        LimitZone::rate(compression_n, COMPRESSION_ACTION_LIMIT_N, COMPRESSION_MAXIMUM_LIMIT_N)
    }

    /// Shear in newtons (either direction) against 700 / 1000 N.
    pub fn shear(shear_n: f64) -> LimitZone {
        LimitZone::rate(shear_n.abs(), SHEAR_ACTION_LIMIT_N, SHEAR_MAXIMUM_LIMIT_N)
    }
}

/// The load on the L5/S1 disc in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct L5s1Load {
    /// Trunk (mid-hip → mid-shoulder) angle from the vertical, in radians, forward lean positive.
    /// Also the inclination θ_c of the compression axis.
    pub trunk_angle_rad: f64,
    /// L5/S1 position, `[x, y]` in metres, input frame.
    pub l5s1: [f64; 2],
    /// Upper-body centre of mass, `[x, y]` in metres, input frame (differentiate this for
    /// [`Accelerations::upper_body_com_m_s2`]).
    pub upper_body_com: [f64; 2],
    /// Point where the external load acts, `[x, y]` in metres, input frame; `None` without a load.
    pub load_point: Option<[f64; 2]>,
    /// Mass above L5/S1, in kilograms.
    pub upper_body_mass_kg: f64,
    /// Net moment at L5/S1, in N·m, positive = extensor moment.
    pub moment_nm: f64,
    /// Equivalent extensor force M / d_ES, in newtons (negative: an equivalent flexor force).
    pub extensor_force_n: f64,
    /// Disc compression with the neutral-spine line of action (β = 5°), in newtons.
    pub compression_n: f64,
    /// Anterior shear with a neutral spine (β = 5°), in newtons; negative = posterior.
    pub shear_n_neutral: f64,
    /// Anterior shear with a flexed spine (β = 0°), in newtons; negative = posterior.
    pub shear_n_flexed: f64,
    /// Moment over body weight, in metres (N·m per N of body weight).
    pub moment_per_bw_m: f64,
    /// Compression in multiples of body weight (dimensionless).
    pub compression_bw: f64,
    /// Neutral-spine shear in multiples of body weight (dimensionless).
    pub shear_neutral_bw: f64,
    /// Flexed-spine shear in multiples of body weight (dimensionless).
    pub shear_flexed_bw: f64,
    /// Compression against NIOSH 3400 / 6400 N.
    pub compression_zone: LimitZone,
    /// Neutral-spine shear against 700 / 1000 N.
    pub shear_zone_neutral: LimitZone,
    /// Flexed-spine shear against 700 / 1000 N.
    pub shear_zone_flexed: LimitZone,
}

/// How the mass above L5/S1 is found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum UpperBodyMass {
    /// A fixed fraction of body mass, for either sex (spec and research §4.1: about 0.54).
    Fraction(f64),
    /// From the de Leva 1996 table by sex: head+neck, upper and middle trunk, both arms, and the
    /// part of the lower trunk (omphalion → hip joint centres) above L5/S1, split by length (mass
    /// spread evenly along it). With L5/S1 at 0.045·H this gives 0.543 (male) and 0.529 (female)
    /// of body mass; the research's rougher "minus two thirds of the lower trunk" gives 0.53.
    DeLeva1996,
}

/// The model's constants. [`LoadModel::REFERENCE`] is the one the spec's reference table uses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoadModel {
    pub upper_body_mass: UpperBodyMass,
    /// L5/S1 above the mid-hip along the trunk line, as a fraction of stature (dimensionless).
    pub l5s1_above_mid_hip_per_height: f64,
    /// Upper-body centre of mass along L5/S1 → mid-shoulder, as a fraction of that distance.
    pub upper_body_com_fraction: f64,
    /// Moment arm of the equivalent extensor, in metres.
    pub extensor_moment_arm_m: f64,
    /// Extensor line of action from the compression axis with a neutral spine, in radians.
    pub extensor_angle_neutral_rad: f64,
    /// Extensor line of action from the compression axis with a flexed spine, in radians.
    pub extensor_angle_flexed_rad: f64,
    /// A front-racked bar in front of the mid-shoulder, perpendicular to the trunk, as a fraction
    /// of stature.
    pub front_rack_offset_per_height: f64,
    /// A load in the hands hangs this far under the mid-shoulder when no wrist is seen, as a
    /// fraction of stature.
    pub hands_below_shoulder_per_height: f64,
}

impl Default for LoadModel {
    fn default() -> Self {
        LoadModel::REFERENCE
    }
}

impl LoadModel {
    /// The research's constants (§3 "Cross-check", §4): 0.54 of body mass above L5/S1, L5/S1 at
    /// 0.045·H, centre of mass at 0.135/0.243 of L5/S1 → shoulder, extensor arm 6 cm at 5° / 0°.
    pub const REFERENCE: LoadModel = LoadModel {
        upper_body_mass: UpperBodyMass::Fraction(0.54),
        l5s1_above_mid_hip_per_height: 0.045,
        upper_body_com_fraction: 0.135 / 0.243,
        extensor_moment_arm_m: 0.06,
        extensor_angle_neutral_rad: 5.0 * std::f64::consts::PI / 180.0,
        extensor_angle_flexed_rad: 0.0,
        front_rack_offset_per_height: 0.055,
        hands_below_shoulder_per_height: 0.333,
    };

    /// Mass above L5/S1 as a fraction of body mass, for `sex` (dimensionless).
    pub fn upper_body_mass_fraction(&self, sex: Sex) -> f64 {
        match self.upper_body_mass {
            UpperBodyMass::Fraction(f) => f,
            UpperBodyMass::DeLeva1996 => {
                let t = de_leva_1996(sex);
                let m = |s| t.segment(s).mass_fraction;
                let lower = t.segment(Segment::LowerTrunk);
                let lower_length_per_height = lower.length_m / t.stature_m;
                let below = (self.l5s1_above_mid_hip_per_height / lower_length_per_height).clamp(0.0, 1.0);
                m(Segment::HeadNeck)
                    + m(Segment::UpperTrunk)
                    + m(Segment::MiddleTrunk)
                    + 2.0 * (m(Segment::UpperArm) + m(Segment::Forearm) + m(Segment::Hand))
                    + (1.0 - below) * lower.mass_fraction
            }
        }
    }

    /// Quasi-static load (no accelerations).
    pub fn static_load(
        &self,
        lifter: &Lifter,
        load: &ExternalLoad,
        pose: &SagittalPose,
    ) -> Result<L5s1Load, LoadError> {
        self.dynamic_load(lifter, load, pose, &Accelerations::ZERO)
    }

    /// Load with the inertial terms of the upper body and the external load.
    pub fn dynamic_load(
        &self,
        lifter: &Lifter,
        load: &ExternalLoad,
        pose: &SagittalPose,
        accel: &Accelerations,
    ) -> Result<L5s1Load, LoadError> {
        self.validate()?;
        validate_lifter(lifter)?;
        validate_load(load)?;
        validate_accelerations(accel)?;
        let sign = pose.facing.sign();
        // Everything below is in the forward frame: x' = sign·x, so x' points anterior.
        let fwd = |p: [f64; 2]| [sign * p[0], p[1]];
        let hip = fwd(finite_point("pose.mid_hip", pose.mid_hip)?);
        let shoulder = fwd(finite_point("pose.mid_shoulder", pose.mid_shoulder)?);
        let head = pose.head.map(|p| finite_point("pose.head", p)).transpose()?.map(fwd);
        let hands = pose.hands.map(|p| finite_point("pose.hands", p)).transpose()?.map(fwd);

        let h = lifter.height_m;
        let trunk = sub(shoulder, hip);
        let trunk_length_m = norm(trunk);
        let (min_l, max_l) = (TRUNK_LENGTH_RANGE_PER_HEIGHT.0 * h, TRUNK_LENGTH_RANGE_PER_HEIGHT.1 * h);
        if !(trunk_length_m >= min_l && trunk_length_m <= max_l) {
            return Err(LoadError::ImplausibleTrunkLength { trunk_length_m, min_m: min_l, max_m: max_l });
        }
        let c = scale(trunk, 1.0 / trunk_length_m);
        let s = [c[1], -c[0]];
        let trunk_angle_rad = c[0].atan2(c[1]);
        let (min_a, max_a) = TRUNK_ANGLE_RANGE_RAD;
        if !(trunk_angle_rad >= min_a && trunk_angle_rad <= max_a) {
            return Err(LoadError::ImplausibleTrunkAngle { trunk_angle_rad, min_rad: min_a, max_rad: max_a });
        }

        let body_mass = lifter.body_mass_kg;
        let m_ub = self.upper_body_mass_fraction(lifter.sex) * body_mass;
        let l5 = add(hip, scale(c, self.l5s1_above_mid_hip_per_height * h));
        let mut com = add(l5, scale(sub(shoulder, l5), self.upper_body_com_fraction));
        if let Some(head) = head {
            let in_line = add(shoulder, scale(c, norm(sub(head, shoulder))));
            let m_head = de_leva_1996(lifter.sex).segment(Segment::HeadNeck).mass_fraction * body_mass;
            com = add(com, scale(sub(head, in_line), (m_head / m_ub).min(1.0)));
        }
        let load_point = match load.position {
            LoadPosition::None => None,
            LoadPosition::Back => Some(shoulder),
            LoadPosition::FrontRack => Some(add(shoulder, scale(s, self.front_rack_offset_per_height * h))),
            LoadPosition::Hands => {
                Some(hands.unwrap_or([shoulder[0], shoulder[1] - self.hands_below_shoulder_per_height * h]))
            }
        };
        let m_load = if load_point.is_some() { load.mass_kg } else { 0.0 };

        let g = [0.0, -GRAVITY_M_S2];
        let a_ub = fwd(accel.upper_body_com_m_s2);
        let a_load = fwd(accel.load_m_s2);
        // m·(a − g): the force each mass needs from the body below it.
        let need_ub = scale(sub(a_ub, g), m_ub);
        let need_load = scale(sub(a_load, g), m_load);
        let mut moment_nm = cross(sub(com, l5), need_ub);
        if let Some(p) = load_point {
            moment_nm += cross(sub(p, l5), need_load);
        }
        let down = scale(add(need_ub, need_load), -1.0);
        let passive_compression_n = -dot(down, c);
        let passive_shear_n = dot(down, s);

        let extensor_force_n = moment_nm / self.extensor_moment_arm_m;
        let (ext, flex) = if extensor_force_n >= 0.0 { (extensor_force_n, 0.0) } else { (0.0, -extensor_force_n) };
        let compression_n = ext * self.extensor_angle_neutral_rad.cos() + flex + passive_compression_n;
        let shear_n_neutral = passive_shear_n - ext * self.extensor_angle_neutral_rad.sin();
        let shear_n_flexed = passive_shear_n - ext * self.extensor_angle_flexed_rad.sin();

        let bw_n = body_mass * GRAVITY_M_S2;
        let back = |p: [f64; 2]| [sign * p[0], p[1]];
        Ok(L5s1Load {
            trunk_angle_rad,
            l5s1: back(l5),
            upper_body_com: back(com),
            load_point: load_point.map(back),
            upper_body_mass_kg: m_ub,
            moment_nm,
            extensor_force_n,
            compression_n,
            shear_n_neutral,
            shear_n_flexed,
            moment_per_bw_m: moment_nm / bw_n,
            compression_bw: compression_n / bw_n,
            shear_neutral_bw: shear_n_neutral / bw_n,
            shear_flexed_bw: shear_n_flexed / bw_n,
            compression_zone: LimitZone::compression(compression_n),
            shear_zone_neutral: LimitZone::shear(shear_n_neutral),
            shear_zone_flexed: LimitZone::shear(shear_n_flexed),
        })
    }

    /// Checks the constants (callers may build their own model).
    pub fn validate(&self) -> Result<(), LoadError> {
        let bad = |field: &'static str, value: f64| LoadError::InvalidModel { field, value };
        if let UpperBodyMass::Fraction(f) = self.upper_body_mass
            && !(0.3..=0.8).contains(&f)
        {
            return Err(bad("upper_body_mass", f));
        }
        let checks: [(&'static str, f64, f64, f64); 7] = [
            ("l5s1_above_mid_hip_per_height", self.l5s1_above_mid_hip_per_height, 0.0, 0.1),
            ("upper_body_com_fraction", self.upper_body_com_fraction, 0.0, 1.0),
            ("extensor_moment_arm_m", self.extensor_moment_arm_m, 0.01, 0.2),
            ("extensor_angle_neutral_rad", self.extensor_angle_neutral_rad, 0.0, 0.5),
            ("extensor_angle_flexed_rad", self.extensor_angle_flexed_rad, 0.0, 0.5),
            ("front_rack_offset_per_height", self.front_rack_offset_per_height, 0.0, 0.2),
            ("hands_below_shoulder_per_height", self.hands_below_shoulder_per_height, 0.0, 0.6),
        ];
        for (field, value, lo, hi) in checks {
            if !(lo..=hi).contains(&value) {
                return Err(bad(field, value));
            }
        }
        Ok(())
    }
}

/// Quasi-static L5/S1 load with [`LoadModel::REFERENCE`].
pub fn l5s1_static(lifter: &Lifter, load: &ExternalLoad, pose: &SagittalPose) -> Result<L5s1Load, LoadError> {
    LoadModel::REFERENCE.static_load(lifter, load, pose)
}

/// L5/S1 load with inertial terms, with [`LoadModel::REFERENCE`].
pub fn l5s1_dynamic(
    lifter: &Lifter,
    load: &ExternalLoad,
    pose: &SagittalPose,
    accel: &Accelerations,
) -> Result<L5s1Load, LoadError> {
    LoadModel::REFERENCE.dynamic_load(lifter, load, pose, accel)
}

/// The idealised posture behind the reference table, facing +x: mid-hip at the origin,
/// mid-shoulder 0.288·H up the trunk at `trunk_angle_rad` from the vertical (forward positive),
/// the head in line with the trunk 0.118·H beyond the shoulders, and for `Hands` the wrists hanging
/// 0.333·H straight under the shoulders (no wrists otherwise). With [`LoadModel::REFERENCE`] this
/// puts L5/S1 at 0.045·H, the upper-body centre of mass 0.135·H and the shoulders 0.243·H from it.
pub fn reference_posture(lifter: &Lifter, position: LoadPosition, trunk_angle_rad: f64) -> SagittalPose {
    let h = lifter.height_m;
    let c = [trunk_angle_rad.sin(), trunk_angle_rad.cos()];
    let shoulder = scale(c, REFERENCE_TRUNK_LENGTH_PER_HEIGHT * h);
    SagittalPose {
        mid_hip: [0.0, 0.0],
        mid_shoulder: shoulder,
        head: Some(add(shoulder, scale(c, REFERENCE_HEAD_ABOVE_SHOULDER_PER_HEIGHT * h))),
        hands: match position {
            LoadPosition::Hands => {
                Some([shoulder[0], shoulder[1] - LoadModel::REFERENCE.hands_below_shoulder_per_height * h])
            }
            _ => None,
        },
        facing: Facing::PositiveX,
    }
}

/// Accelerations, in m/s², of a uniformly sampled, already low-pass-filtered position series
/// (`[x, y]` in metres, `dt_s` seconds apart) by the central second difference
/// a_i = (p_{i+1} − 2·p_i + p_{i−1}) / dt². The first and last samples repeat their neighbour's
/// value. Needs at least 3 samples. Filter first (research §4.3: 4–6 Hz Butterworth): the second
/// difference amplifies noise by about 4/dt².
pub fn accelerations_central_difference(positions_m: &[[f64; 2]], dt_s: f64) -> Result<Vec<[f64; 2]>, LoadError> {
    if !(dt_s.is_finite() && dt_s > 0.0) {
        return Err(LoadError::NotPositive { field: "dt_s", value: dt_s });
    }
    if positions_m.len() < 3 {
        return Err(LoadError::TooFewSamples { n_samples: positions_m.len(), min_samples: 3 });
    }
    for (index, p) in positions_m.iter().enumerate() {
        if let Some(&value) = p.iter().find(|v| !v.is_finite()) {
            return Err(LoadError::NotFiniteSample { field: "positions_m", index, value });
        }
    }
    let inv_dt2 = 1.0 / (dt_s * dt_s);
    let n = positions_m.len();
    let mut out = Vec::with_capacity(n);
    out.push([0.0; 2]);
    for w in positions_m.windows(3) {
        out.push([0, 1].map(|k| (w[2][k] - 2.0 * w[1][k] + w[0][k]) * inv_dt2));
    }
    out.push(out[n - 2]);
    out[0] = out[1];
    Ok(out)
}

/// Why a load could not be computed, naming the input at fault.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum LoadError {
    #[error("`{field}` must be a finite number, got {value}")]
    NotFinite { field: &'static str, value: f64 },
    #[error("`{field}` must be a finite number above 0, got {value}")]
    NotPositive { field: &'static str, value: f64 },
    #[error("`{field}` = {value} {unit} is outside the accepted {min}..={max} {unit}")]
    OutOfRange { field: &'static str, value: f64, min: f64, max: f64, unit: &'static str },
    #[error("`load.mass_kg` is {mass_kg} kg but `load.position` is none; give where the load is held")]
    LoadWithoutPosition { mass_kg: f64 },
    #[error(
        "`pose.mid_shoulder` is {trunk_length_m} m from `pose.mid_hip`, outside the plausible \
         {min_m}..={max_m} m for this height"
    )]
    ImplausibleTrunkLength { trunk_length_m: f64, min_m: f64, max_m: f64 },
    #[error(
        "`pose.mid_shoulder` and `pose.mid_hip` give a trunk angle of {:.1} deg from vertical (forward \
         positive), outside the plausible {:.0}..={:.0} deg: hips above the shoulders, or `pose.facing` \
         the wrong way",
        trunk_angle_rad.to_degrees(),
        min_rad.to_degrees(),
        max_rad.to_degrees()
    )]
    ImplausibleTrunkAngle { trunk_angle_rad: f64, min_rad: f64, max_rad: f64 },
    #[error("`{field}[{index}]` must be finite, got {value}")]
    NotFiniteSample { field: &'static str, index: usize, value: f64 },
    #[error("need at least {min_samples} samples, got {n_samples}")]
    TooFewSamples { n_samples: usize, min_samples: usize },
    #[error("model constant `{field}` = {value} is outside its plausible range")]
    InvalidModel { field: &'static str, value: f64 },
}

fn finite(field: &'static str, value: f64) -> Result<f64, LoadError> {
    if value.is_finite() { Ok(value) } else { Err(LoadError::NotFinite { field, value }) }
}

fn finite_point(field: &'static str, p: [f64; 2]) -> Result<[f64; 2], LoadError> {
    finite(field, p[0])?;
    finite(field, p[1])?;
    Ok(p)
}

fn in_range(field: &'static str, value: f64, (min, max): (f64, f64), unit: &'static str) -> Result<(), LoadError> {
    finite(field, value)?;
    if (min..=max).contains(&value) { Ok(()) } else { Err(LoadError::OutOfRange { field, value, min, max, unit }) }
}

fn validate_lifter(lifter: &Lifter) -> Result<(), LoadError> {
    in_range("lifter.body_mass_kg", lifter.body_mass_kg, BODY_MASS_RANGE_KG, "kg")?;
    in_range("lifter.height_m", lifter.height_m, HEIGHT_RANGE_M, "m")
}

fn validate_load(load: &ExternalLoad) -> Result<(), LoadError> {
    in_range("load.mass_kg", load.mass_kg, LOAD_MASS_RANGE_KG, "kg")?;
    if load.position == LoadPosition::None && load.mass_kg > 0.0 {
        return Err(LoadError::LoadWithoutPosition { mass_kg: load.mass_kg });
    }
    Ok(())
}

fn validate_accelerations(accel: &Accelerations) -> Result<(), LoadError> {
    for (field, a) in [("accel.upper_body_com_m_s2", accel.upper_body_com_m_s2), ("accel.load_m_s2", accel.load_m_s2)] {
        finite_point(field, a)?;
        in_range(field, norm(a), (0.0, MAX_ACCELERATION_M_S2), "m/s^2 (magnitude)")?;
    }
    Ok(())
}

fn add(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] + b[0], a[1] + b[1]]
}

fn sub(a: [f64; 2], b: [f64; 2]) -> [f64; 2] {
    [a[0] - b[0], a[1] - b[1]]
}

fn scale(a: [f64; 2], k: f64) -> [f64; 2] {
    [a[0] * k, a[1] * k]
}

fn dot(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[0] + a[1] * b[1]
}

/// z component of the 2D cross product a × b (counter-clockwise positive; in the forward frame,
/// x anterior and y up, that is an extensor moment).
fn cross(a: [f64; 2], b: [f64; 2]) -> f64 {
    a[0] * b[1] - a[1] * b[0]
}

fn norm(a: [f64; 2]) -> f64 {
    a[0].hypot(a[1])
}

// ---------------------------------------------------------------------------------------------
// de Leva 1996 segment table
// ---------------------------------------------------------------------------------------------

/// A body segment of de Leva 1996, Table 4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Segment {
    /// Head and neck, vertex → C7.
    HeadNeck,
    /// Whole trunk, C7 → mid hip joint centres (= upper + middle + lower trunk in mass).
    Trunk,
    /// Upper trunk, suprasternale → xiphoid.
    UpperTrunk,
    /// Middle trunk, xiphoid → omphalion.
    MiddleTrunk,
    /// Lower trunk, omphalion → mid hip joint centres.
    LowerTrunk,
    /// Upper arm, shoulder → elbow joint centre (one side).
    UpperArm,
    /// Forearm, elbow → wrist joint centre (one side).
    Forearm,
    /// Hand, wrist joint centre → third metacarpal head (one side).
    Hand,
    /// Thigh, hip → knee joint centre (one side).
    Thigh,
    /// Shank, knee joint centre → lateral malleolus (one side).
    Shank,
    /// Foot, heel → tip of the longest toe (one side).
    Foot,
}

/// One row of de Leva's table for one sex.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentParameters {
    pub segment: Segment,
    /// Landmark the segment starts from (the one the centre of mass is measured from).
    pub from: &'static str,
    /// Landmark the segment ends at.
    pub to: &'static str,
    /// Segment mass as a fraction of body mass (dimensionless).
    pub mass_fraction: f64,
    /// Centre of mass as a fraction of the segment length, measured from `from` (dimensionless).
    pub com_from_start_fraction: f64,
    /// Mean segment length in de Leva's sample, in metres (scale by stature / `stature_m`).
    pub length_m: f64,
}

/// de Leva 1996 segment parameters for one sex.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DeLevaTable {
    pub sex: Sex,
    /// Mean stature of the sample, in metres.
    pub stature_m: f64,
    /// Mean body mass of the sample, in kilograms.
    pub body_mass_kg: f64,
    pub segments: [SegmentParameters; 11],
}

impl DeLevaTable {
    /// The row for `segment` (every segment has one).
    pub fn segment(&self, segment: Segment) -> &SegmentParameters {
        // Rows are stored in `Segment` declaration order.
        &self.segments[segment as usize]
    }
}

/// Source of [`DE_LEVA_1996_MALE`] and [`DE_LEVA_1996_FEMALE`].
pub const DE_LEVA_1996_SOURCE: &str = "de Leva P. (1996) Adjustments to Zatsiorsky-Seluyanov's segment inertia parameters. \
     J Biomech 29(9):1223-1230, Table 4 (research/movement.md §4.1)";

const fn row(
    segment: Segment,
    from: &'static str,
    to: &'static str,
    mass_fraction: f64,
    com_from_start_fraction: f64,
    length_m: f64,
) -> SegmentParameters {
    SegmentParameters { segment, from, to, mass_fraction, com_from_start_fraction, length_m }
}

/// de Leva 1996, Table 4, male (73.0 kg, 1.741 m).
pub const DE_LEVA_1996_MALE: DeLevaTable = DeLevaTable {
    sex: Sex::Male,
    stature_m: 1.741,
    body_mass_kg: 73.0,
    segments: [
        row(Segment::HeadNeck, "vertex", "C7", 0.0694, 0.5002, 0.2429),
        row(Segment::Trunk, "C7", "mid hip joint centre", 0.4346, 0.5138, 0.6033),
        row(Segment::UpperTrunk, "suprasternale", "xiphoid", 0.1596, 0.2999, 0.1707),
        row(Segment::MiddleTrunk, "xiphoid", "omphalion", 0.1633, 0.4502, 0.2155),
        row(Segment::LowerTrunk, "omphalion", "mid hip joint centre", 0.1117, 0.6115, 0.1457),
        row(Segment::UpperArm, "shoulder joint centre", "elbow joint centre", 0.0271, 0.5772, 0.2817),
        row(Segment::Forearm, "elbow joint centre", "wrist joint centre", 0.0162, 0.4574, 0.2689),
        row(Segment::Hand, "wrist joint centre", "third metacarpale", 0.0061, 0.7900, 0.0862),
        row(Segment::Thigh, "hip joint centre", "knee joint centre", 0.1416, 0.4095, 0.4222),
        row(Segment::Shank, "knee joint centre", "lateral malleolus", 0.0433, 0.4459, 0.4340),
        row(Segment::Foot, "heel", "toe tip", 0.0137, 0.4415, 0.2581),
    ],
};

/// de Leva 1996, Table 4, female (61.9 kg, 1.735 m).
pub const DE_LEVA_1996_FEMALE: DeLevaTable = DeLevaTable {
    sex: Sex::Female,
    stature_m: 1.735,
    body_mass_kg: 61.9,
    segments: [
        row(Segment::HeadNeck, "vertex", "C7", 0.0668, 0.4841, 0.2437),
        row(Segment::Trunk, "C7", "mid hip joint centre", 0.4257, 0.4964, 0.6148),
        row(Segment::UpperTrunk, "suprasternale", "xiphoid", 0.1545, 0.2077, 0.1425),
        row(Segment::MiddleTrunk, "xiphoid", "omphalion", 0.1465, 0.4512, 0.2053),
        row(Segment::LowerTrunk, "omphalion", "mid hip joint centre", 0.1247, 0.4920, 0.1815),
        row(Segment::UpperArm, "shoulder joint centre", "elbow joint centre", 0.0255, 0.5754, 0.2751),
        row(Segment::Forearm, "elbow joint centre", "wrist joint centre", 0.0138, 0.4559, 0.2643),
        row(Segment::Hand, "wrist joint centre", "third metacarpale", 0.0056, 0.7474, 0.0780),
        row(Segment::Thigh, "hip joint centre", "knee joint centre", 0.1478, 0.3612, 0.3685),
        row(Segment::Shank, "knee joint centre", "lateral malleolus", 0.0481, 0.4416, 0.4323),
        row(Segment::Foot, "heel", "toe tip", 0.0129, 0.4014, 0.2283),
    ],
};

/// The de Leva 1996 table for `sex`.
pub fn de_leva_1996(sex: Sex) -> &'static DeLevaTable {
    match sex {
        Sex::Male => &DE_LEVA_1996_MALE,
        Sex::Female => &DE_LEVA_1996_FEMALE,
    }
}
