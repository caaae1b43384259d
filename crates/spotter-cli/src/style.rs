//! Colours and text layout for the terminal. Styles are written as ANSI codes to an `anstream`
//! stream, which strips them when colour is off (not a terminal, NO_COLOR, --color never).

use anstyle::{AnsiColor, Color, Style};
use spotter_kb::Tier;

pub const ERROR: Style = Style::new().bold().fg_color(Some(Color::Ansi(AnsiColor::Red)));
pub const BOLD: Style = Style::new().bold();
pub const DIM: Style = Style::new().dimmed();
pub const HEADING: Style = Style::new().bold().underline();
pub const PROMPT: Style = Style::new().bold().fg_color(Some(Color::Ansi(AnsiColor::Cyan)));

/// The banner style of a tier: red, yellow, blue, green.
pub fn tier(t: Tier) -> Style {
    let bg = match t {
        Tier::Emergency => AnsiColor::Red,
        Tier::Urgent => AnsiColor::Yellow,
        Tier::SeeProfessional => AnsiColor::Blue,
        Tier::SelfCare => AnsiColor::Green,
    };
    let fg = if t == Tier::Urgent { AnsiColor::Black } else { AnsiColor::BrightWhite };
    Style::new().bold().bg_color(Some(Color::Ansi(bg))).fg_color(Some(Color::Ansi(fg)))
}

/// Text colour for a tier's name inside a line.
pub fn tier_text(t: Tier) -> Style {
    let c = match t {
        Tier::Emergency => AnsiColor::Red,
        Tier::Urgent => AnsiColor::Yellow,
        Tier::SeeProfessional => AnsiColor::Blue,
        Tier::SelfCare => AnsiColor::Green,
    };
    Style::new().bold().fg_color(Some(Color::Ansi(c)))
}

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{}{text}{}", style.render(), style.render_reset())
}

/// Width to wrap text at: $COLUMNS when set, else 88, within 40..=100.
pub fn width() -> usize {
    std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).unwrap_or(88).clamp(40, 100)
}

/// Wraps `text` at `width` columns, every line starting with `indent` (the first with `first`).
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::from(first);
    let mut line_len = first.chars().count();
    let mut empty = true;
    for word in text.split_whitespace() {
        let w = word.chars().count();
        if !empty && line_len + 1 + w > width {
            out.push_str(line.trim_end());
            out.push('\n');
            line = String::from(indent);
            line_len = indent.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_len += 1;
        }
        line.push_str(word);
        line_len += w;
        empty = false;
    }
    out.push_str(line.trim_end());
    out
}
