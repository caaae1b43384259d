//! Spotter's printable leg-day card: the personal plan on one A5 page, rendered with typst to PDF
//! (to print and keep in the gym bag), PNG (documentation image) or SVG. Plan in, bytes out: this
//! crate does no IO. The template (`templates/card.typ`) is compiled in; fonts come embedded from
//! typst's own assets (Libertinus Serif), never from the system, so the output is the same on
//! every machine.
//!
//! The card is worded in [`card`] and handed to the template as JSON in `sys.inputs.data`. If it
//! does not fit on one page, the template is asked again with a tighter layout, fewer cues per lift
//! and smaller type (see [`Fit`] and [`FITS`]) until it does; each drill's one-line how-to is the
//! last thing to go.

pub mod card;
pub mod clinician;
pub mod keyframe;

pub use card::Card;

use serde::Serialize;
use spotter_coach::Plan;
use spotter_kb::Kb;
use std::sync::LazyLock;
use typst::diag::SourceDiagnostic;
use typst::foundations::{Dict, IntoValue, Smart};
use typst::layout::{Frame, FrameItem};
use typst_as_lib::typst_kit_options::TypstKitFontOptions;
use typst_as_lib::{TypstAsLibError, TypstEngine, TypstTemplateMainFile};
use typst_layout::PagedDocument;

/// The typst template of the card.
const TEMPLATE: &str = include_str!("../templates/card.typ");

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReportError {
    /// The template did not compile (a bug in the template or the data it was given).
    #[error("the card template failed: {0}")]
    Template(String),
    /// Even the smallest type and the fewest details left more than one page.
    #[error("the card does not fit on one page even with the smallest type: it took {pages} pages")]
    DoesNotFit { pages: usize },
    #[error("PDF export of the card failed: {0}")]
    Pdf(String),
    #[error("PNG encoding of the card failed: {0}")]
    Png(String),
    /// A key frame's pixels or overlay points are unusable.
    #[error("key frame: {0}")]
    Frame(String),
    #[error("pixels per point must be from {min} to {max}, got {got}")]
    Scale { got: f32, min: f32, max: f32 },
}

/// How much the template may print, from the roomiest to the most compact. Sizes in points.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Fit {
    /// Body text size, in points; headings scale with it.
    pub size_pt: f32,
    /// Less space between sections, rows and list items (the same words).
    pub tight: bool,
    /// Print each warm-up drill's first cue.
    pub warmup_cues: bool,
    /// Print the first cue of stretches, strength work and habits (cautions are always printed).
    pub notes: bool,
    /// Cues printed per lift.
    pub max_cues: usize,
    /// Lifts printed with their cues; the rest are named on one line.
    pub max_lifts: usize,
}

const fn fit(size_pt: f32, tight: bool, how_tos: bool, max_cues: usize, max_lifts: usize) -> Fit {
    Fit { size_pt, tight, warmup_cues: how_tos, notes: how_tos, max_cues, max_lifts }
}

/// The fits tried, from the most wanted; the first that gives one page is used. Large type and
/// each drill's one-line how-to matter most in the gym: the card is first tried with everything at
/// 10, 9.5 and 9 pt, then with a tighter layout, then with fewer cues per lift (the first cues
/// are the main ones), only then with type below 9 pt, then with fewer lifts in full (the rest
/// named on one line). The how-tos of the warm-up, stretches, strength work and habits go only
/// when even 6 pt with one cue for five lifts does not fit. The red flags, cautions and the
/// disclaimer are always printed. Each fit holds no more than the one before it, so the list can
/// be searched by halves.
pub const FITS: [Fit; 17] = [
    fit(10.0, false, true, 4, 99),
    fit(9.5, false, true, 4, 99),
    fit(9.0, false, true, 4, 99),
    fit(9.0, true, true, 4, 99),
    fit(9.0, true, true, 3, 99),
    fit(9.0, true, true, 2, 99),
    fit(8.5, true, true, 2, 99),
    fit(8.0, true, true, 2, 99),
    fit(8.0, true, true, 1, 99),
    fit(7.5, true, true, 1, 99),
    fit(7.0, true, true, 1, 99),
    fit(7.0, true, true, 1, 8),
    fit(6.5, true, true, 1, 8),
    fit(6.5, true, true, 1, 5),
    fit(6.0, true, true, 1, 5),
    Fit { size_pt: 6.0, tight: true, warmup_cues: true, notes: false, max_cues: 1, max_lifts: 5 },
    fit(6.0, true, false, 1, 5),
];

/// Pixels per point accepted by [`card_png`] (1.0 is 72 dpi; 4.0 is 288 dpi).
pub const PNG_SCALE: std::ops::RangeInclusive<f32> = 0.25..=10.0;

static ENGINE: LazyLock<TypstEngine<TypstTemplateMainFile>> = LazyLock::new(|| engine(TEMPLATE));

/// A typst engine for one compiled-in template, with typst's embedded fonts only (never the
/// system's), so the output is the same on every machine. Every template of this crate uses it.
pub(crate) fn engine(template: &'static str) -> TypstEngine<TypstTemplateMainFile> {
    TypstEngine::builder()
        .main_file(template)
        .search_fonts_with(TypstKitFontOptions::default().include_system_fonts(false).include_embedded_fonts(true))
        .build()
}

/// The card as a one-page PDF.
pub fn card_pdf(kb: &Kb, plan: &Plan<'_>) -> Result<Vec<u8>, ReportError> {
    lay_out(kb, plan)?.pdf()
}

/// The card as a PNG image, `pixels_per_pt` pixels per typographic point (A5 at 2.0 is 839 × 1191
/// pixels).
pub fn card_png(kb: &Kb, plan: &Plan<'_>, pixels_per_pt: f32) -> Result<Vec<u8>, ReportError> {
    check_scale(pixels_per_pt)?;
    lay_out(kb, plan)?.png(pixels_per_pt)
}

/// The card as an SVG document (text as outlined glyphs, so no fonts are needed to view it).
pub fn card_svg(kb: &Kb, plan: &Plan<'_>) -> Result<String, ReportError> {
    Ok(lay_out(kb, plan)?.svg())
}

/// Words and lays the card out once, for exporting it in more than one format: with the first
/// of [`FITS`] that gives one page.
pub fn lay_out(kb: &Kb, plan: &Plan<'_>) -> Result<LaidCard, ReportError> {
    let card = Card::new(kb, plan);
    // Most cards fit at once. Otherwise the fits are searched by halves (each holds no more than
    // the one before), a handful of layouts instead of one per fit.
    let first = layout(&card, FITS[0])?;
    if first.pages() == 1 {
        return Ok(first);
    }
    let last = layout(&card, FITS[FITS.len() - 1])?;
    if last.pages() != 1 {
        return Err(ReportError::DoesNotFit { pages: last.pages() });
    }
    // FITS[lo] does not fit, FITS[hi] (laid out in `best`) does.
    let (mut lo, mut hi, mut best) = (0, FITS.len() - 1, last);
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        let laid = layout(&card, FITS[mid])?;
        if laid.pages() == 1 {
            (hi, best) = (mid, laid);
        } else {
            lo = mid;
        }
    }
    Ok(best)
}

/// A card laid out on its page, ready to export.
pub struct LaidCard {
    doc: PagedDocument,
    fit: Fit,
    warnings: Vec<String>,
}

impl std::fmt::Debug for LaidCard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LaidCard").field("pages", &self.pages()).field("fit", &self.fit).finish_non_exhaustive()
    }
}

impl LaidCard {
    /// Number of pages: 1 for every card [`lay_out`] returns.
    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }

    /// The fit that made the card one page.
    pub fn fit(&self) -> Fit {
        self.fit
    }

    /// Warnings from the template (none expected; the tests check).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The words on the page in layout order, separated by single spaces (words are never
    /// hyphenated). For tests and for checking what a card says without looking at it.
    pub fn text(&self) -> String {
        frame_text(self.doc.pages().iter().map(|p| &p.frame))
    }

    pub fn pdf(&self) -> Result<Vec<u8>, ReportError> {
        let options = typst_pdf::PdfOptions { creator: Smart::Custom(Some("Spotter".into())), ..Default::default() };
        typst_pdf::pdf(&self.doc, &options).map_err(|d| ReportError::Pdf(describe(&d)))
    }

    /// The first page as PNG at `pixels_per_pt` (see [`PNG_SCALE`]).
    pub fn png(&self, pixels_per_pt: f32) -> Result<Vec<u8>, ReportError> {
        check_scale(pixels_per_pt)?;
        let options =
            typst_render::RenderOptions { pixel_per_pt: f64::from(pixels_per_pt).into(), render_bleed: false };
        let pixmap = typst_render::render(&self.doc.pages()[0], &options);
        pixmap.encode_png().map_err(|e| ReportError::Png(e.to_string()))
    }

    pub fn svg(&self) -> String {
        typst_svg::svg(&self.doc.pages()[0], &typst_svg::SvgOptions::default())
    }
}

/// Width and height in pixels of a PNG image, from its header; `None` if `png` is not a PNG.
pub fn png_size_px(png: &[u8]) -> Option<(u32, u32)> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") || png.get(12..16) != Some(b"IHDR") {
        return None;
    }
    let be = |at: usize| png.get(at..at + 4).and_then(|b| b.try_into().ok()).map(u32::from_be_bytes);
    Some((be(16)?, be(20)?))
}

/// The words in `frames` in layout order, separated by single spaces.
pub(crate) fn frame_text<'a>(frames: impl Iterator<Item = &'a Frame>) -> String {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => {
                    out.push_str(t.text.as_str());
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    for f in frames {
        walk(f, &mut out);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub(crate) fn check_scale(pixels_per_pt: f32) -> Result<(), ReportError> {
    if PNG_SCALE.contains(&pixels_per_pt) {
        Ok(())
    } else {
        Err(ReportError::Scale { got: pixels_per_pt, min: *PNG_SCALE.start(), max: *PNG_SCALE.end() })
    }
}

/// Lays the card out with one fit, however many pages that takes.
pub(crate) fn layout(card: &Card, fit: Fit) -> Result<LaidCard, ReportError> {
    #[derive(Serialize)]
    struct Input<'a> {
        card: &'a Card,
        fit: Fit,
    }
    let data = serde_json::to_string(&Input { card, fit }).expect("a card is plain strings and lists");
    let mut inputs = Dict::new();
    inputs.insert("data".into(), data.into_value());
    let warned = ENGINE.compile_with_input(inputs);
    let warnings = warned.warnings.iter().map(|w| w.message.to_string()).collect();
    let doc: PagedDocument = warned.output.map_err(|e| ReportError::Template(describe_lib(e)))?;
    Ok(LaidCard { doc, fit, warnings })
}

pub(crate) fn describe(diags: &[SourceDiagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            let hints: String = d.hints.iter().map(|h| format!(" (hint: {})", h.v)).collect();
            format!("{}{hints}", d.message)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn describe_lib(e: TypstAsLibError) -> String {
    match e {
        TypstAsLibError::TypstSource(d) => describe(&d),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
