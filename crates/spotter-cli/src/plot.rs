//! `spotter analyze --plot`: trunk lean, knee flexion, hip height and L5/S1 compression over time,
//! with each rep shaded, as an SVG drawn with plotters.

use plotters::prelude::*;
use spotter_motion::analysis::Analysis;
use std::path::Path;

/// One panel: a series, its label with unit, and its colour.
struct Panel<'a> {
    label: &'a str,
    values: Vec<Option<f64>>,
    colour: RGBColor,
}

/// Draws the plot and writes it to `path` whole or not at all (an error says why, for the caller
/// to put after the flag and path).
pub fn write_svg(path: &Path, an: &Analysis) -> Result<(), String> {
    let mut svg = String::new();
    draw_svg(&mut svg, an)?;
    crate::output::write_atomic_io(path, |w| w.write_all(svg.as_bytes())).map_err(|e| format!("cannot write it: {e}"))
}

/// Draws the plot as an SVG document into `svg`.
fn draw_svg(svg: &mut String, an: &Analysis) -> Result<(), String> {
    let s = &an.series;
    let panels = [
        Panel { label: "trunk lean (deg)", values: s.trunk_lean_deg.clone(), colour: RGBColor(200, 60, 40) },
        Panel { label: "knee flexion (deg)", values: s.knee_flexion_deg.clone(), colour: RGBColor(40, 110, 200) },
        Panel { label: "hip height from standing (m)", values: s.hip_height_m.clone(), colour: RGBColor(60, 150, 60) },
        Panel { label: "L5/S1 compression (N)", values: s.compression_n.clone(), colour: RGBColor(130, 60, 160) },
    ];
    let t_end = s.t_s.last().copied().unwrap_or(1.0).max(1e-3);
    let root = SVGBackend::with_string(svg, (900, 760)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| e.to_string())?;
    let title = format!("{}: {} (shaded)", an.movement.id(), if an.rep_count == 1 { "1 rep".to_string() } else { format!("{} reps", an.rep_count) });
    let root = root.titled(&title, ("sans-serif", 20)).map_err(|e| e.to_string())?;
    for (area, p) in root.split_evenly((panels.len(), 1)).iter().zip(&panels) {
        let known: Vec<f64> = p.values.iter().flatten().copied().collect();
        let (lo, hi) = known.iter().fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| (a.min(v), b.max(v)));
        let (lo, hi) = if lo.is_finite() { (lo, if hi > lo { hi } else { lo + 1.0 }) } else { (0.0, 1.0) };
        let pad = (hi - lo) * 0.08;
        let mut chart = ChartBuilder::on(area)
            .margin(8)
            .x_label_area_size(24)
            .y_label_area_size(60)
            .caption(p.label, ("sans-serif", 14))
            .build_cartesian_2d(0.0..t_end, (lo - pad)..(hi + pad))
            .map_err(|e| e.to_string())?;
        chart.configure_mesh().x_desc("time (s)").light_line_style(WHITE).draw().map_err(|e| e.to_string())?;
        for r in &an.reps {
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(r.start_s, lo - pad), (r.end_s, hi + pad)],
                    RGBColor(230, 230, 240).filled(),
                )))
                .map_err(|e| e.to_string())?;
        }
        // One line per run of known values.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let mut runs = Vec::new();
        for (t, v) in s.t_s.iter().zip(&p.values) {
            match v {
                Some(v) => run.push((*t, *v)),
                None if !run.is_empty() => runs.push(std::mem::take(&mut run)),
                None => {}
            }
        }
        if !run.is_empty() {
            runs.push(run);
        }
        for run in runs {
            chart.draw_series(LineSeries::new(run, p.colour.stroke_width(2))).map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())?;
    Ok(())
}
