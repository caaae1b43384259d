//! The printable card of a plan, for any front end: the format asked for (PDF, PNG, SVG), the bytes,
//! and the words that say what was made ("PNG, 839 × 1191 pixels"). The CLI writes them to the
//! `--card` file; the web app sends them with the format's Content-Type.

use crate::AppError;
use spotter_coach::Plan;
use spotter_kb::Kb;

/// Pixels per point of the PNG card: 839 × 1191 for the A5 card, sharp on a phone screen.
pub const PNG_PIXELS_PER_PT: f32 = 2.0;

/// A format of the printable card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardFormat {
    Pdf,
    Png,
    Svg,
}

impl CardFormat {
    /// `pdf`, `png` or `svg` (a file extension or a query value).
    pub fn parse(s: &str) -> Option<CardFormat> {
        match s {
            "pdf" => Some(CardFormat::Pdf),
            "png" => Some(CardFormat::Png),
            "svg" => Some(CardFormat::Svg),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            CardFormat::Pdf => "application/pdf",
            CardFormat::Png => "image/png",
            CardFormat::Svg => "image/svg+xml",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            CardFormat::Pdf => "pdf",
            CardFormat::Png => "png",
            CardFormat::Svg => "svg",
        }
    }
}

/// A card made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardFile {
    pub format: CardFormat,
    pub bytes: Vec<u8>,
    /// What it is, for a message: `PDF`, `PNG, 839 × 1191 pixels`, `SVG`.
    pub what: String,
}

/// Lays the plan's card out on one page and exports it in `format` (typst: milliseconds of CPU).
pub fn render_card(kb: &Kb, plan: &Plan<'_>, format: CardFormat) -> Result<CardFile, AppError> {
    let failed = |e: spotter_report::ReportError| AppError::Failed(format!("the card could not be made: {e}"));
    let laid = spotter_report::lay_out(kb, plan).map_err(failed)?;
    let (bytes, what) = match format {
        CardFormat::Pdf => (laid.pdf().map_err(failed)?, "PDF".to_string()),
        CardFormat::Png => {
            let png = laid.png(PNG_PIXELS_PER_PT).map_err(failed)?;
            let what = spotter_report::png_size_px(&png).map_or("PNG".to_string(), |(w, h)| format!("PNG, {w} × {h} pixels"));
            (png, what)
        }
        CardFormat::Svg => (laid.svg().into_bytes(), "SVG".to_string()),
    };
    Ok(CardFile { format, bytes, what })
}
