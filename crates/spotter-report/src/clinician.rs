//! The clinician summary of a pain diary: one black-and-white A4 page (spec/memory.md's PDF
//! export) with the pain chart and the training and warm-up days, the days logged, the checks with
//! their tiers and fired rules, the alerts, and a line saying the data is self-reported. No name
//! unless one is given.
//!
//! The words are made by the caller (the application layer, from the diary and its status) into a
//! [`ClinicianReport`]; this module only lays it out with `templates/clinician.typ`. When it does
//! not fit on one page, the type gets smaller, then the oldest days and checks are left to the full
//! export (the page says how many), until it does.

use crate::{ReportError, describe, describe_lib};
use serde::Serialize;
use std::sync::LazyLock;
use typst::foundations::{Dict, IntoValue, Smart};
use typst_as_lib::{TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

const TEMPLATE: &str = include_str!("../templates/clinician.typ");

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| crate::engine(TEMPLATE));

/// What the page says, in words and plain numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClinicianReport {
    pub title: String,
    /// "2026-11-16 to 2026-11-26".
    pub period: String,
    /// The lifter's name, only when one is given.
    pub name: Option<String>,
    /// "Self-reported by the lifter in Spotter; not a clinical record."
    pub self_reported: String,
    /// The status triage in one line ("Book a professional: ..."), when a check is saved.
    pub status: Option<String>,
    pub alerts: Vec<AlertRow>,
    pub chart: Chart,
    /// Newest last.
    pub days: Vec<DayRow>,
    /// Newest last.
    pub checks: Vec<CheckRow>,
    /// The warm-up comparison, as an observation of one person's record.
    pub adherence: Option<String>,
    /// The disclaimer and where the data came from.
    pub footer: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AlertRow {
    /// "Book a professional", "Note".
    pub label: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRow {
    pub date: String,
    pub pain_now: String,
    /// Empty when not logged.
    pub worst: String,
    /// "rest", or the exercises and whether warmed up.
    pub training: String,
    pub pain_after: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckRow {
    pub date: String,
    /// The tier's label.
    pub tier: String,
    /// "U5 cough or sneeze pain", one per fired rule.
    pub rules: Vec<String>,
}

/// The chart's data, in day indexes from its first day (0) and pains 0 to 10.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Chart {
    /// Days on the axis (the first to the last, inclusive).
    pub days: u32,
    pub first: String,
    pub last: String,
    /// Runs of consecutive logged days: (day index, pain now).
    pub segments: Vec<Vec<(u32, u8)>>,
    pub points: Vec<(u32, u8)>,
    /// Training days: (day index, warmed up first).
    pub training: Vec<(u32, bool)>,
}

/// A laid-out summary.
pub struct LaidSummary {
    doc: PagedDocument,
    /// Type size used, in points.
    pub size_pt: f32,
    /// Days and checks left to the full export to fit the page.
    pub days_left_out: usize,
    pub checks_left_out: usize,
    pub warnings: Vec<String>,
}

impl LaidSummary {
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        let options = typst_pdf::PdfOptions { creator: Smart::Custom(Some("Spotter".into())), ..Default::default() };
        typst_pdf::pdf(&self.doc, &options).map_err(|d| ReportError::Pdf(describe(&d)))
    }

    /// The page as PNG at `pixels_per_pt`, for looking at it.
    pub fn png(&self, pixels_per_pt: f32) -> Result<Vec<u8>, ReportError> {
        crate::check_scale(pixels_per_pt)?;
        let options = typst_render::RenderOptions { pixel_per_pt: f64::from(pixels_per_pt).into(), render_bleed: false };
        typst_render::render(&self.doc.pages()[0], &options).encode_png().map_err(|e| ReportError::Png(e.to_string()))
    }

    /// The words on the page, for tests.
    pub fn text(&self) -> String {
        crate::frame_text(self.doc.pages().iter().map(|p| &p.frame))
    }
}

/// The fits tried: type size in points, and how many of the newest days and checks are listed.
const FITS: [(f32, usize, usize); 8] =
    [(10.0, 60, 20), (9.5, 45, 15), (9.0, 35, 12), (9.0, 28, 10), (8.5, 21, 8), (8.0, 14, 6), (8.0, 10, 4), (7.5, 7, 3)];

fn lay(report: &ClinicianReport, size_pt: f32, max_days: usize, max_checks: usize) -> Result<LaidSummary, ReportError> {
    #[derive(Serialize)]
    struct Input<'a> {
        #[serde(flatten)]
        report: &'a ClinicianReport,
        size_pt: f32,
        days_left_out: usize,
        checks_left_out: usize,
    }
    let days_left_out = report.days.len().saturating_sub(max_days);
    let checks_left_out = report.checks.len().saturating_sub(max_checks);
    let shown = ClinicianReport {
        days: report.days[days_left_out..].to_vec(),
        checks: report.checks[checks_left_out..].to_vec(),
        ..report.clone()
    };
    let data = serde_json::to_string(&Input { report: &shown, size_pt, days_left_out, checks_left_out })
        .expect("a report is plain strings and numbers");
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    let warned = ENGINE.compile_with_input(inputs);
    let warnings = warned.warnings.iter().map(|w| w.message.to_string()).collect();
    let doc: PagedDocument = warned.output.map_err(|e| ReportError::Template(describe_lib(e)))?;
    Ok(LaidSummary { doc, size_pt, days_left_out, checks_left_out, warnings })
}

/// Lays the summary out on one page: the first fit that gives one page.
pub fn lay_out_summary(report: &ClinicianReport) -> Result<LaidSummary, ReportError> {
    let mut pages = 0;
    for (size, days, checks) in FITS {
        let laid = lay(report, size, days, checks)?;
        if laid.pages() == 1 {
            return Ok(laid);
        }
        pages = laid.pages();
    }
    Err(ReportError::DoesNotFit { pages })
}

/// The summary as a one-page PDF.
pub fn summary_pdf(report: &ClinicianReport) -> Result<Vec<u8>, ReportError> {
    lay_out_summary(report)?.pdf()
}
