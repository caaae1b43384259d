//! `spotter diary add|check|list|status|import`, `spotter export` and `spotter backup`: flags
//! and files into the application layer's diary (`spotter_app::diary`), results rendered as text,
//! JSON or CSV. Today's date comes from the clock here, at the edge.

use crate::cli::{
    BackupArgs, DbArgs, DiaryAddArgs, DiaryCheckArgs, DiaryCommand, DiaryImportArgs, DiaryListArgs, DiaryStatusArgs, ExportArgs,
    ExportFormat, Format, TableFormat,
};
use crate::style::{self, paint};
use crate::{input_error, read_input_limited};
use spotter_app::diary::{DiaryAppError, DiaryBook, backup, entries_csv};
use spotter_diary::{Date, MAX_DIARY_BYTES, MAX_ENTRY_BYTES};
use spotter_kb::Kb;
use spotter_store::{Environment, Location};
use std::io::Write;

pub fn run(kb: &Kb, c: &DiaryCommand) -> anyhow::Result<()> {
    match c {
        DiaryCommand::Add(a) => add(kb, a),
        DiaryCommand::Check(a) => check(kb, a),
        DiaryCommand::List(a) => list(kb, a),
        DiaryCommand::Status(a) => status(kb, a),
        DiaryCommand::Import(a) => import(kb, a),
    }
}

/// Today where the person is (the machine's local time zone).
pub fn today() -> Date {
    spotter_app::diary::today()
}

pub fn location(db: &DbArgs) -> anyhow::Result<Location> {
    let home = std::env::var_os("HOME");
    let xdg = std::env::var_os("XDG_DATA_HOME");
    // `--db` and SPOTTER_DB arrive through clap (the flag wins); the default file otherwise.
    let env = Environment { spotter_db: None, xdg_data_home: xdg.as_deref(), home: home.as_deref() };
    let (loc, _) = spotter_store::resolve(db.db.as_deref(), env).map_err(|e| input_error(format!("--db: {e}")))?;
    Ok(loc)
}

pub fn open_book(db: &DbArgs) -> anyhow::Result<DiaryBook> {
    open(db)
}

fn open(db: &DbArgs) -> anyhow::Result<DiaryBook> {
    DiaryBook::open(&location(db)?).map_err(app_error)
}

pub fn app_error(e: DiaryAppError) -> anyhow::Error {
    if e.is_bad_input() { input_error(e.to_string()) } else { anyhow::anyhow!(e.to_string()) }
}

fn date_flag(flag: &str, text: &Option<String>) -> anyhow::Result<Date> {
    match text {
        None => Ok(today()),
        Some(t) => Date::parse(t).map_err(|e| input_error(format!("{flag} {t}: {e}"))),
    }
}

/// The entry JSON that the flags describe (checked by the same reader as an entry file).
fn entry_from_flags(a: &DiaryAddArgs) -> anyhow::Result<String> {
    let Some(pain) = a.pain else {
        return Err(input_error("give --pain N (0 to 10) for the day, or the whole entry with --entry FILE"));
    };
    let mut e = serde_json::Map::new();
    e.insert("date".into(), date_flag("--date", &a.date)?.to_string().into());
    e.insert("pain_now".into(), pain.into());
    if let Some(w) = a.worst {
        e.insert("pain_worst_24h".into(), w.into());
    }
    e.insert("trained".into(), a.trained.into());
    if !a.exercises.is_empty() {
        e.insert("exercises".into(), a.exercises.clone().into());
    }
    if a.warmed_up || a.no_warm_up {
        e.insert("warmed_up".into(), a.warmed_up.into());
    }
    if let Some(p) = a.pain_after {
        e.insert("pain_after_training".into(), p.into());
    }
    if a.night_pain {
        e.insert("worse_at_night".into(), true.into());
    }
    if let Some(o) = &a.onset {
        e.insert("onset_date".into(), o.clone().into());
    }
    if let Some(n) = &a.note {
        e.insert("note".into(), n.clone().into());
    }
    Ok(serde_json::Value::Object(e).to_string())
}

fn add(kb: &Kb, a: &DiaryAddArgs) -> anyhow::Result<()> {
    let (text, what) = match &a.entry {
        Some(path) => (read_input_limited(path, MAX_ENTRY_BYTES, "--entry")?, format!("--entry {}", path.display())),
        None => (entry_from_flags(a)?, "the entry".to_string()),
    };
    let book = open(&a.db)?;
    let id = book.add_entry_json(kb, &text, &what, today(), a.replace).map_err(app_error)?;
    writeln!(anstream::stdout(), "{id}")?;
    Ok(())
}

fn check(kb: &Kb, a: &DiaryCheckArgs) -> anyhow::Result<()> {
    let date = date_flag("--date", &a.date)?;
    if date > today() {
        return Err(input_error(format!("--date {date}: the date is in the future")));
    }
    let book = open(&a.db)?;
    let answers = crate::read_answers(kb, &a.answers)?;
    let t = spotter_app::triage(kb, &answers);
    let result = serde_json::to_string_pretty(&t.doc)?;
    let mut out = anstream::stdout();
    // The result is printed only once the check is stored for good.
    book.record_check(kb, date, answers.clone(), &result).map_err(app_error)?;
    crate::render::write_result(&mut out, kb, &answers, a.format)?;
    if a.format == Format::Text {
        writeln!(out, "\n{}", paint(style::DIM, &format!("Saved in your diary for {}.", date.in_words())))?;
    }
    Ok(())
}

fn list(kb: &Kb, a: &DiaryListArgs) -> anyhow::Result<()> {
    let book = open(&a.db)?;
    let mut out = anstream::stdout();
    match a.format {
        TableFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &book.list_json().map_err(app_error)?)?;
            writeln!(out)?;
        }
        TableFormat::Csv => write!(out, "{}", entries_csv(&book.diary(kb).map_err(app_error)?))?,
        TableFormat::Text => {
            let diary = book.diary(kb).map_err(app_error)?;
            if diary.entries().is_empty() {
                writeln!(out, "The diary has no days yet. Log one with `spotter diary add --pain N`.")?;
            }
            for e in diary.entries() {
                let day = match &e.training {
                    Some(t) => {
                        let warm = match t.warmed_up {
                            Some(true) => ", warmed up",
                            Some(false) => ", no warm-up",
                            None => "",
                        };
                        let after = t.pain_after_training.map(|p| format!(", pain after {}", p.points())).unwrap_or_default();
                        format!("trained ({}){warm}{after}", if t.exercises.is_empty() { "-".to_string() } else { t.exercises.join(", ") })
                    }
                    None => "rest day".to_string(),
                };
                writeln!(out, "{}  pain {:>2}  {day}", e.date, e.pain_now.points())?;
            }
        }
    }
    Ok(())
}

fn status(kb: &Kb, a: &DiaryStatusArgs) -> anyhow::Result<()> {
    let book = open(&a.db)?;
    let diary = book.diary(kb).map_err(app_error)?;
    let st = spotter_diary::status(kb, &diary);
    let mut out = anstream::stdout();
    if a.format == Format::Json {
        serde_json::to_writer_pretty(&mut out, &st.to_json())?;
        writeln!(out)?;
        return Ok(());
    }
    let width = style::width();
    match &st.triage {
        Some(t) => {
            let info = kb.tier_info(t.triage.tier);
            writeln!(out, "{}", paint(style::tier(t.triage.tier), &format!("  {}  ", info.label.to_uppercase())))?;
            writeln!(out, "{}", paint(style::BOLD, &style::wrap(&info.headline, width, "", "")))?;
        }
        None => writeln!(out, "{}", style::wrap("No check saved yet: run `spotter diary check --answers FILE` once, so the diary has the warning signs to build on.", width, "", ""))?,
    }
    if !st.alerts.is_empty() {
        writeln!(out, "\n{}", paint(style::HEADING, "What your record says"))?;
        for al in &st.alerts {
            writeln!(out, "{}", style::wrap(&al.message, width, "  - ", "    "))?;
        }
    }
    if let Some(ad) = &st.adherence {
        writeln!(out, "\n{}", paint(style::HEADING, "Warm-up"))?;
        writeln!(out, "{}", style::wrap(&ad.message, width, "  ", "  "))?;
    }
    writeln!(out, "\n{}", paint(style::DIM, &style::wrap(&kb.disclaimer, width, "", "")))?;
    Ok(())
}

fn import(kb: &Kb, a: &DiaryImportArgs) -> anyhow::Result<()> {
    let text = read_input_limited(&a.file, MAX_DIARY_BYTES, "import")?;
    let book = open(&a.db)?;
    let c = book.import_json(kb, &text, &a.file.display().to_string(), today()).map_err(app_error)?;
    writeln!(
        anstream::stdout(),
        "{} new entries, {} already stored; {} new checks, {} already stored",
        c.entries_added, c.entries_already_stored, c.checks_added, c.checks_already_stored
    )?;
    Ok(())
}

pub fn export(kb: &Kb, a: &ExportArgs) -> anyhow::Result<()> {
    if let Some(path) = &a.output {
        crate::output::check_file("-o", path)?;
    }
    if a.name.is_some() && a.format != ExportFormat::Pdf {
        return Err(input_error("--name is printed on the PDF summary only: use it with --format pdf"));
    }
    if a.format == ExportFormat::Pdf {
        match &a.output {
            None => return Err(input_error("--format pdf writes a file: give it with -o FILE.pdf")),
            Some(path) => {
                crate::output::check_extension("-o", path, &["pdf"])?;
            }
        }
    }
    let book = open(&a.db)?;
    let text = match a.format {
        ExportFormat::Json => book.export_json(kb).map_err(app_error)?,
        ExportFormat::Csv => entries_csv(&book.diary(kb).map_err(app_error)?),
        ExportFormat::Fhir => {
            let bundle = spotter_app::diary::fhir_bundle(&book.diary(kb).map_err(app_error)?);
            serde_json::to_string_pretty(&bundle)? + "\n"
        }
        ExportFormat::Pdf => return export_pdf(kb, a, &book),
    };
    match &a.output {
        Some(path) => crate::output::write_atomic("-o", path, text.as_bytes()),
        None => Ok(write!(anstream::stdout(), "{text}")?),
    }
}

/// `export --format pdf -o FILE.pdf`: the one-page clinician summary.
fn export_pdf(kb: &Kb, a: &ExportArgs, book: &DiaryBook) -> anyhow::Result<()> {
    let Some(path) = &a.output else {
        return Err(input_error("--format pdf writes a file: give it with -o FILE.pdf"));
    };
    let diary = book.diary(kb).map_err(app_error)?;
    let pdf = spotter_app::diary::clinician_pdf(kb, &diary, a.name.as_deref()).map_err(|e| anyhow::anyhow!("the summary could not be made: {e}"))?;
    crate::output::write_atomic("-o", path, &pdf)?;
    writeln!(
        anstream::stdout(),
        "Summary written to {} (one A4 page, PDF: {} days, {} checks)",
        path.display(),
        diary.entries().len(),
        diary.checks().len()
    )?;
    Ok(())
}

pub fn backup_command(a: &BackupArgs) -> anyhow::Result<()> {
    let loc = location(&a.db)?;
    backup(&loc, &a.file).map_err(app_error)?;
    writeln!(anstream::stdout(), "Backup written to {}", a.file.display())?;
    Ok(())
}
