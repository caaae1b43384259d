//! Command-line interface definitions (clap).

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "spotter",
    version,
    about = "Spotter watches your back on leg day: does this back pain need a doctor, and how soon?",
    long_about = "Spotter watches your back on leg day. It asks about the warning signs that mean back pain \
                  needs a doctor (now, today, or in the next days) and otherwise says it is safe to manage \
                  yourself. It runs offline; your answers never leave this machine.\n\n\
                  Spotter is not a diagnosis. If you feel very unwell, call your emergency number.",
    after_help = "Examples:\n  spotter demo                                    run on the built-in examples\n  \
                  spotter check                                   answer the questions in the terminal\n  \
                  spotter triage --answers examples/intake-self-care.json\n  \
                  spotter triage --answers - --format json < answers.json"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use colour: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn write_global(self) {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
        .write_global();
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run Spotter on its built-in example data and print what a person would see
    #[command(after_help = "Examples:\n  spotter demo\n  spotter demo --format json")]
    Demo(DemoArgs),

    /// Triage from an answers file: the tier, every warning sign found, and what to do next
    #[command(after_help = "Examples:\n  spotter triage --answers examples/intake-self-care.json\n  \
                  spotter triage --answers examples/intake-emergency.json --format json\n  \
                  cat answers.json | spotter triage --answers -\n\n\
                  The file is a JSON object of item id to value, e.g. {\"saddle_numbness\": false, \"pain_now\": 4}.\n\
                  These safety-critical items must be present: the eight cauda-equina items, leg_weakness,\n\
                  numbness_tingling, major_trauma and chest_or_abdominal_pain. Run `spotter check` to be asked\n\
                  instead. Exit codes: 0 result printed, 2 invalid or incomplete answers (nothing printed on stdout).")]
    Triage(TriageArgs),

    /// Why your back took the load: the causes your answers point to, best first
    #[command(after_help = "Examples:\n  spotter explain --answers examples/plan-seed-story.json\n  \
                  spotter explain --answers answers.json --format json\n\n\
                  Triage runs first: at `urgent` or `emergency` no causes are given, only what to do.\n\
                  Cause-finder items (all optional): exercises_today, pain_exercise, pain_moment, warmed_up,\n\
                  sitting_hours_per_day, toe_touch, straight_leg_raise_deg, thomas_test,\n\
                  single_leg_bridge_hold_s, observations. Exit codes as for triage.")]
    Explain(ExplainArgs),

    /// Your personal leg-day plan: warm-up, cues for today's lifts, stretches, strength, habits
    #[command(after_help = "Examples:\n  spotter plan --answers examples/plan-seed-story.json\n  \
                  spotter plan --answers answers.json --minutes 8 --format json\n  \
                  spotter plan --answers answers.json --card card.pdf      (or card.png, card.svg)\n  \
                  spotter plan --answers answers.json --play              (then play the warm-up)\n\n\
                  The warm-up fills --minutes exactly (5 to 10, default 5.5). At `see_professional` the plan holds\n\
                  gentle mobility and habits only; at `urgent` or `emergency` there is no plan, only what to do.")]
    Plan(PlanArgs),

    /// Play your warm-up with a timer: get-ready countdown, big clock, "switch legs", a bell at each change
    #[command(after_help = "Examples:\n  spotter warmup --answers examples/plan-seed-story.json\n  \
                  spotter warmup --answers answers.json --minutes 8\n  \
                  spotter warmup --answers answers.json --plain --speed 60   (one line per change, 60 times faster)\n\n\
                  Keys in the full-screen player: space pause/resume, n or right arrow skip, q or Esc quit.\n\
                  When standard output is not a terminal, the player prints one line per change instead.")]
    Warmup(WarmupArgs),

    /// Measure a squat, hinge or lunge set from a video, keypoints or motion capture, rep by rep, down to the L5/S1 load
    #[command(after_help = "Examples:\n  \
                  spotter analyze examples/squat-side-gym-3s.mp4 --exercise back_squat --body-mass 80 --height 1.78 --keyframes frames/\n  \
                  spotter analyze set.mov --exercise back_squat --body-mass 80 --height 1.80 --load 100 --keypoints-out set.json --plot set.svg\n  \
                  spotter analyze keypoints.json --exercise back_squat --body-mass 80 --height 1.80 --load 100 --load-position back\n  \
                  spotter analyze m01_s01_e01_positions.txt.gz --exercise bodyweight_squat --body-mass 75 --height 1.75 --format json\n  \
                  spotter analyze keypoints.csv --exercise romanian_deadlift --body-mass 70 --height 1.70 --load 60 --load-position hands --plot set.svg\n\n\
                  INPUT is a video (.mp4, .mov, .m4v, .avi, .mkv, .webm: the pose step runs first, as `spotter pose`),\n\
                  keypoint JSON (spec or MediaPipe form), keypoint CSV, or a UI-PRMD Vicon marker file (.txt or .txt.gz).\n\
                  Film from the side, at hip height: the view decides what can be measured.")]
    Analyze(AnalyzeArgs),

    /// Find the lifter's landmarks in a video (BlazePose, run on this machine) and save them as keypoint JSON
    #[command(after_help = "Examples:\n  spotter pose examples/squat-side-gym-3s.mp4 -o squat.keypoints.json\n  \
                  spotter pose set.mov -o set.json --model lite --stats timings.json\n\n\
                  The models come from the npm package @mediapipe/pose, which `bash scripts/setup.sh` installs.\n\
                  Film from the side, the whole body in view, phone still at hip height.")]
    Pose(PoseArgs),

    /// Answer the questions one by one in the terminal, then get the result
    #[command(after_help = "Examples:\n  spotter check\n  spotter check --save my-answers.json\n  \
                  printf 'y\\n...' | spotter check          (answers can be piped in, one per line)\n\n\
                  Answer y or n, a number, or the number of a choice; `?` repeats the help, `skip` leaves a\n\
                  question that is not safety-critical unanswered, `b` goes back one question.")]
    Check(CheckArgs),

    /// Your pain diary: log a day, save a check, see what your own record says over time
    #[command(subcommand)]
    Diary(DiaryCommand),

    /// Everything the diary holds, as JSON (re-importable) or CSV (one row a day)
    #[command(after_help = "Examples:\n  spotter export --format json -o diary.json\n  spotter export --format csv > diary.csv\n  spotter export --format fhir -o diary.fhir.json")]
    Export(ExportArgs),

    /// The web app on this machine: the check, the plan and the card in a browser (a phone on the same network needs TLS)
    #[command(after_help = "Examples:\n  spotter serve                      (http://127.0.0.1:8080)\n  spotter serve --addr 127.0.0.1:0   (a free port; the first line says which)\n\n\
                  The first line on standard output is `listening on http://HOST:PORT`. Ctrl-C or SIGTERM stops it after\n\
                  the requests in flight. A network address (not 127.0.0.1 or [::1]) needs TLS, which is not built yet.")]
    Serve(ServeArgs),

    /// A consistent copy of the diary database (SQLite), safe while other commands write to it
    #[command(after_help = "Examples:\n  spotter backup ~/spotter-backup.db")]
    Backup(BackupArgs),
}

/// Where the diary is: `--db` or `SPOTTER_DB` (`sqlite:PATH`, a file path, or `postgres://...`);
/// by default `spotter.db` in `$XDG_DATA_HOME/spotter/` (else `~/.local/share/spotter/`).
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// The diary database: sqlite:PATH, a file path, or a postgres:// URL (default: spotter.db in
    /// your data folder)
    #[arg(long, value_name = "URL", env = "SPOTTER_DB", hide_env_values = true)]
    pub db: Option<std::ffi::OsString>,
}

#[derive(Debug, Subcommand)]
pub enum DiaryCommand {
    /// Log one day: pain, training, warm-up (an entry JSON file, or flags)
    #[command(after_help = "Examples:\n  spotter diary add --date 2026-12-01 --pain 4 --worst 6 --trained --exercises back_squat,walking_lunge --no-warm-up --pain-after 6\n  \
                  spotter diary add --pain 3            (today, a rest day)\n  \
                  spotter diary add --entry day.json\n\n\
                  One entry a date: a second one is refused unless --replace (the old version is kept).")]
    Add(DiaryAddArgs),
    /// Run triage on an answers file, as `spotter triage` does, and save the answers with the result
    #[command(after_help = "Examples:\n  spotter diary check --answers answers.json\n  spotter diary check --answers answers.json --date 2026-12-01 --format json")]
    Check(DiaryCheckArgs),
    /// The logged days, in date order
    List(DiaryListArgs),
    /// What your record says now: the time-based warning signs, the triage they give, alerts, warm-up adherence
    Status(DiaryStatusArgs),
    /// Read back a JSON export of Spotter's (importing the same file twice adds nothing twice)
    Import(DiaryImportArgs),
}

#[derive(Debug, Args)]
pub struct DiaryAddArgs {
    /// An entry as JSON (`-` for standard input), as spec/memory.md writes it; or use the flags
    #[arg(long, value_name = "FILE", conflicts_with_all = ["date", "pain", "worst", "trained", "exercises", "warmed_up", "no_warm_up", "pain_after", "night_pain", "onset", "note"])]
    pub entry: Option<PathBuf>,
    /// The day (YYYY-MM-DD; default today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Pain now, 0 to 10
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub pain: Option<i64>,
    /// Worst pain of the last 24 hours, 0 to 10
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub worst: Option<i64>,
    /// You trained that day
    #[arg(long)]
    pub trained: bool,
    /// Exercises of the session, comma-separated ids (back_squat,walking_lunge)
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub exercises: Vec<String>,
    /// You did the warm-up first
    #[arg(long = "warmed-up", conflicts_with = "no_warm_up")]
    pub warmed_up: bool,
    /// You skipped the warm-up
    #[arg(long = "no-warm-up")]
    pub no_warm_up: bool,
    /// Pain after training, 0 to 10
    #[arg(long = "pain-after", value_name = "N", allow_negative_numbers = true)]
    pub pain_after: Option<i64>,
    /// The pain was worse at night
    #[arg(long = "night-pain")]
    pub night_pain: bool,
    /// The day the pain began (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub onset: Option<String>,
    /// A note, at most 2,000 characters
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Replace the entry of that date (the old version is kept)
    #[arg(long)]
    pub replace: bool,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct DiaryCheckArgs {
    /// The answers: a JSON file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,
    /// The day of the check (YYYY-MM-DD; default today)
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct DiaryListArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: TableFormat,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct DiaryStatusArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct DiaryImportArgs {
    /// A JSON export of Spotter's (`spotter export --format json`), or `-` for standard input
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// json (everything, re-importable), csv (one row a day), fhir (FHIR R4 Bundle) or pdf (a one-page summary for a clinician)
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// The file to write (default: standard output; a PDF needs -o)
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With --format pdf: a name to print on the summary (none by default)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Where to listen, HOST:PORT (port 0 picks a free one)
    #[arg(long, value_name = "HOST:PORT", default_value = "127.0.0.1:8080")]
    pub addr: String,
    /// Where the server keeps its files (default: spotter/ in your data folder)
    #[arg(long = "data-dir", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// TLS certificate (PEM), with --tls-key
    #[arg(long = "tls-cert", value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// TLS private key (PEM), with --tls-cert
    #[arg(long = "tls-key", value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// `self-signed`: make a certificate once and keep it in the data folder
    #[arg(long, value_name = "MODE", value_parser = ["self-signed"])]
    pub tls: Option<String>,
    /// The largest video upload, in bytes
    #[arg(long = "max-upload", value_name = "BYTES")]
    pub max_upload: Option<u64>,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Where the copy goes (a new file)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    Text,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    /// FHIR R4: a collection Bundle of QuestionnaireResponses (checks) and LOINC 72514-3 Observations (pain)
    Fhir,
    /// One black-and-white A4 page for a clinician: the pain chart, days, checks, alerts
    Pdf,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct TriageArgs {
    /// The answers: a JSON file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The answers: a JSON file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// The JSON of `spotter analyze`: its measured faults count as observations
    #[arg(long, value_name = "FILE")]
    pub analysis: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The answers: a JSON file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// The JSON of `spotter analyze`: its measured faults count as observations
    #[arg(long, value_name = "FILE")]
    pub analysis: Option<PathBuf>,

    /// Warm-up budget in minutes, 5 to 10 (default 5.5, the seed's quick routine)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub minutes: Option<f64>,

    /// Also write the one-page printable card: FILE.pdf, FILE.png or FILE.svg
    #[arg(long, value_name = "FILE")]
    pub card: Option<PathBuf>,

    /// Then play the warm-up with the timer (as `spotter warmup`)
    #[arg(long)]
    pub play: bool,

    /// Also write reminders any calendar imports (iCalendar, FILE.ics): the warm-up before each
    /// leg day, and the sitting breaks on work days
    #[arg(long, value_name = "FILE")]
    pub ics: Option<PathBuf>,

    /// With --ics: the days you train legs, such as mon,thu
    #[arg(long = "leg-days", value_name = "DAYS", value_delimiter = ',', requires = "ics")]
    pub leg_days: Vec<String>,

    /// With --ics: when a leg-day session starts, HH:MM (the warm-up starts 15 minutes before)
    #[arg(long = "session-time", value_name = "HH:MM", default_value = "18:00", requires = "ics")]
    pub session_time: String,

    /// With --ics: your work days, for the sitting breaks (`none` for no breaks)
    #[arg(long = "work-days", value_name = "DAYS", value_delimiter = ',', default_value = "mon,tue,wed,thu,fri", requires = "ics")]
    pub work_days: Vec<String>,

    /// With --ics: your working hours, HH:MM-HH:MM
    #[arg(long = "work-hours", value_name = "HH:MM-HH:MM", default_value = "09:00-17:00", requires = "ics")]
    pub work_hours: String,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct WarmupArgs {
    /// The answers: a JSON file, or `-` for standard input
    #[arg(long, value_name = "FILE")]
    pub answers: PathBuf,

    /// Warm-up budget in minutes, 5 to 10 (default 5.5)
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub minutes: Option<f64>,

    /// Clock speed, 0.01 to 1000000: 1 is real time, 60 makes a minute pass in a second
    #[arg(long, default_value = "1", value_name = "X", allow_negative_numbers = true)]
    pub speed: f64,

    /// One line per change instead of the full-screen player
    #[arg(long)]
    pub plain: bool,

    /// Get-ready countdown before the first drill, 0 to 600 seconds (0: none)
    #[arg(long, default_value = "5", value_name = "S", allow_negative_numbers = true, value_parser = get_ready_seconds)]
    pub get_ready: u32,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Keypoint JSON or CSV, a UI-PRMD marker file (.txt or .txt.gz), or a video (.mp4, .mov, ...)
    pub input: PathBuf,

    /// Exercise id (squat, hinge or lunge pattern), e.g. back_squat, romanian_deadlift, split_squat
    #[arg(long, value_name = "ID")]
    pub exercise: String,

    /// Body mass in kilograms, 20 to 350
    #[arg(long, value_name = "KG", allow_negative_numbers = true)]
    pub body_mass: f64,

    /// Body height in metres, 1.0 to 2.5 (also sets the scale of keypoints)
    #[arg(long, value_name = "M", allow_negative_numbers = true)]
    pub height: f64,

    /// External load in kilograms, 0 to 1000
    #[arg(long, value_name = "KG", default_value = "0", allow_negative_numbers = true)]
    pub load: f64,

    /// Where the load is held: back, front_rack, hands, none (default: none without a load, back with one)
    #[arg(long, value_name = "P")]
    pub load_position: Option<LoadPositionArg>,

    /// Sex for the segment table (de Leva 1996)
    #[arg(long, value_enum, default_value = "male")]
    pub sex: SexArg,

    /// Add inertial terms to the load model (quasi-static by default)
    #[arg(long)]
    pub dynamic: bool,

    /// Write angle and load curves with reps shaded to this SVG file
    #[arg(long, value_name = "FILE")]
    pub plot: Option<PathBuf>,

    /// For a video: write the frame at the bottom of each rep, with the skeleton and angles drawn, as PNGs into this folder
    #[arg(long, value_name = "DIR")]
    pub keyframes: Option<PathBuf>,

    /// For a video: also save the keypoints the pose step found (JSON), to analyse again without the video
    #[arg(long, value_name = "FILE")]
    pub keypoints_out: Option<PathBuf>,

    #[command(flatten)]
    pub pose: PoseModelArgs,

    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// How the pose step runs (for video input).
#[derive(Debug, Clone, Args)]
pub struct PoseModelArgs {
    /// Pose landmark model for video input: lite is fastest, heavy most accurate
    #[arg(long, value_enum, default_value = "full")]
    pub model: ModelArg,

    /// Threads for the pose networks, 1 to 64 (default: every core but one, at most 4; the other core decodes the video)
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = thread_count)]
    pub threads: Option<usize>,

    /// Folder holding the BlazePose model files (else $SPOTTER_MODELS, then node_modules/@mediapipe/pose near here or near the program)
    #[arg(long, value_name = "DIR")]
    pub models: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Lite,
    Full,
    Heavy,
}

#[derive(Debug, Args)]
pub struct PoseArgs {
    /// The video (any file ffmpeg decodes: MP4, MOV, H.264, HEVC ...)
    pub video: PathBuf,

    /// Where to write the keypoints (JSON, the form `spotter analyze` reads)
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Also write the timings and diagnostics of the run as JSON
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,

    /// No progress bar and no summary on standard error
    #[arg(long, short)]
    pub quiet: bool,

    #[command(flatten)]
    pub pose: PoseModelArgs,
}

/// Load positions as the spec names them (`front_rack`, with an underscore).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum LoadPositionArg {
    Back,
    FrontRack,
    Hands,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SexArg {
    Male,
    Female,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The JSON of `spotter analyze`: its measured faults count as observations
    #[arg(long, value_name = "FILE")]
    pub analysis: Option<PathBuf>,

    /// Output format of the result (with json, the questions go to standard error)
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,

    /// Save your answers to this file (refused if it exists, unless --force)
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,

    /// Overwrite the --save file if it exists
    #[arg(long, requires = "save")]
    pub force: bool,

    /// Save the result in your diary without asking (by default the check offers it at the end)
    #[arg(long)]
    pub record: bool,

    #[command(flatten)]
    pub db: DbArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// The largest `--get-ready` countdown, seconds.
pub const MAX_GET_READY_SECONDS: u32 = 600;

/// The most `--threads` for the pose networks.
pub const MAX_THREADS: usize = 64;

/// `--get-ready S`: whole seconds, 0 to [`MAX_GET_READY_SECONDS`]; a negative number is read as a
/// number (and refused by its range), not as a flag.
fn get_ready_seconds(s: &str) -> Result<u32, String> {
    match whole_number(s) {
        Some(n) if (0..=i128::from(MAX_GET_READY_SECONDS)).contains(&n) => Ok(n as u32),
        Some(n) => Err(format!("must be 0 to {MAX_GET_READY_SECONDS} seconds, got {n}")),
        None => Err(format!("must be a whole number of seconds, 0 to {MAX_GET_READY_SECONDS}")),
    }
}

/// `--threads N`: 1 to [`MAX_THREADS`].
fn thread_count(s: &str) -> Result<usize, String> {
    match whole_number(s) {
        Some(n) if (1..=MAX_THREADS as i128).contains(&n) => Ok(n as usize),
        Some(n) => Err(format!("must be 1 to {MAX_THREADS}, got {n}")),
        None => Err(format!("must be a whole number, 1 to {MAX_THREADS}")),
    }
}

/// A whole number in decimal digits with an optional sign (no fraction, no exponent).
fn whole_number(s: &str) -> Option<i128> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    if digits.is_empty() || digits.len() > 30 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("spotter").chain(args.iter().copied()))
    }

    #[test]
    fn negative_numbers_are_values_of_every_numeric_flag() {
        let Command::Analyze(a) = parse(&["analyze", "k.json", "--exercise", "back_squat", "--body-mass", "-5", "--height", "-1.8", "--load", "-10"]).unwrap().command else {
            panic!("analyze")
        };
        assert_eq!((a.body_mass, a.height, a.load), (-5.0, -1.8, -10.0));
        let Command::Plan(p) = parse(&["plan", "--answers", "a.json", "--minutes", "-5"]).unwrap().command else { panic!("plan") };
        assert_eq!(p.minutes, Some(-5.0));
        let Command::Warmup(w) = parse(&["warmup", "--answers", "a.json", "--minutes", "-6", "--speed", "-1e3"]).unwrap().command else {
            panic!("warmup")
        };
        assert_eq!((w.minutes, w.speed), (Some(-6.0), -1000.0));
    }

    #[test]
    fn whole_number_flags_say_their_range() {
        let err = |args: &[&str]| parse(args).unwrap_err().to_string();
        let e = err(&["warmup", "--answers", "a.json", "--get-ready", "-5"]);
        assert!(e.contains("'--get-ready <S>'") && e.contains("must be 0 to 600 seconds, got -5"), "{e}");
        let e = err(&["warmup", "--answers", "a.json", "--get-ready", "2.5"]);
        assert!(e.contains("must be a whole number of seconds, 0 to 600"), "{e}");
        for (n, said) in [("-1", "got -1"), ("0", "got 0"), ("65", "got 65"), ("99999999999999999999999", "got 99999999999999999999999")] {
            let e = err(&["pose", "v.mp4", "-o", "k.json", "--threads", n]);
            assert!(e.contains("'--threads <N>'") && e.contains(&format!("must be 1 to 64, {said}")), "{n}: {e}");
        }
        let e = err(&["pose", "v.mp4", "-o", "k.json", "--threads", "two"]);
        assert!(e.contains("must be a whole number, 1 to 64"), "{e}");
        let Command::Pose(p) = parse(&["pose", "v.mp4", "-o", "k.json", "--threads", "64"]).unwrap().command else { panic!("pose") };
        assert_eq!(p.pose.threads, Some(64));
        let Command::Warmup(w) = parse(&["warmup", "--answers", "a.json", "--get-ready", "0"]).unwrap().command else { panic!("warmup") };
        assert_eq!(w.get_ready, 0);
    }

    #[test]
    fn a_flag_after_a_numeric_flag_is_still_a_flag() {
        // `allow_negative_numbers` takes only numbers: a forgotten value is not swallowed.
        let e = parse(&["analyze", "k.json", "--exercise", "back_squat", "--body-mass", "--height", "1.8"]).unwrap_err();
        assert!(e.to_string().contains("--body-mass <KG>"), "{e}");
    }
}
