//! Pictures: ROC curves (SVG, plotters) and reconstruction / residual heatmap PNGs.

use std::path::Path;

use plotters::prelude::*;

use crate::error::{IradError, Result};
use crate::metrics::RocPoint;
use crate::model::IMAGE_SIZE;

type Chart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>>;

/// A captioned chart with room for axis labels: every plot here has the same frame.
fn chart<'a, 'b>(root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>, title: &str, x: std::ops::Range<f64>, y: std::ops::Range<f64>) -> std::result::Result<Chart<'a, 'b>, String> {
    ChartBuilder::on(root)
        .caption(title, ("sans-serif", 18))
        .margin(16)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(x, y)
        .map_err(|e| e.to_string())
}

/// Draw the legend at `pos` and write the file.
fn finish<'a, 'b: 'a>(mut chart: Chart<'a, 'b>, root: &DrawingArea<SVGBackend<'b>, plotters::coord::Shift>, pos: SeriesLabelPosition) -> std::result::Result<(), String> {
    chart
        .configure_series_labels()
        .position(pos)
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .draw()
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// Draw one or more ROC curves with the chance diagonal.
pub fn roc_svg(path: &Path, title: &str, curves: &[(String, &[RocPoint])]) -> Result<()> {
    let err = |e: String| IradError::Invalid(format!("drawing {}: {e}", path.display()));
    let root = SVGBackend::new(path, (560, 520)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let mut chart = chart(&root, title, 0f64..1f64, 0f64..1f64).map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("false positive rate (normals flagged)")
        .y_desc("true positive rate (anomalies flagged)")
        .draw()
        .map_err(|e| err(e.to_string()))?;
    chart
        .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.3)))
        .map_err(|e| err(e.to_string()))?;
    for (i, (label, pts)) in curves.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        chart
            .draw_series(LineSeries::new(pts.iter().map(|p| (p.fpr, p.tpr)), color.stroke_width(2)))
            .map_err(|e| err(e.to_string()))?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
    }
    finish(chart, &root, SeriesLabelPosition::LowerRight).map_err(err)
}

/// A perceptual dark→bright ramp (black, purple, orange, yellow-white) for residuals in [0, 1].
pub fn heat(v: f32) -> [u8; 3] {
    const STOPS: [[f32; 3]; 5] = [[0.0, 0.0, 0.02], [0.34, 0.06, 0.43], [0.73, 0.21, 0.33], [0.98, 0.55, 0.04], [0.99, 1.0, 0.64]];
    let x = v.clamp(0.0, 1.0) * (STOPS.len() - 1) as f32;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let t = x - i as f32;
    let c = |k: usize| ((STOPS[i][k] * (1.0 - t) + STOPS[i + 1][k] * t) * 255.0).round() as u8;
    [c(0), c(1), c(2)]
}

/// Save a 32×32 map (values in [0, 1]) as a PNG upscaled `scale`×, gray or heat-mapped.
pub fn save_map(path: &Path, values: &[f32], scale: u32, heatmap: bool) -> Result<()> {
    let side = IMAGE_SIZE as u32;
    let img = image::RgbImage::from_fn(side * scale, side * scale, |x, y| {
        let v = values[((y / scale) * side + x / scale) as usize];
        if heatmap {
            image::Rgb(heat(v))
        } else {
            let g = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            image::Rgb([g, g, g])
        }
    });
    img.save(path).map_err(|e| IradError::Invalid(format!("writing {}: {e}", path.display())))
}

/// Per-class AUROC (mean over seeds, ×100) of several methods at one n_t: one line each.
pub fn auroc_by_class_svg(path: &Path, title: &str, series: &[(String, Vec<(usize, f64)>)]) -> Result<()> {
    let err = |e: String| IradError::Invalid(format!("drawing {}: {e}", path.display()));
    let root = SVGBackend::new(path, (760, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let lo = series.iter().flat_map(|(_, v)| v.iter().map(|p| p.1)).fold(100.0f64, f64::min).min(90.0);
    // Room below the data for the legend.
    let mut chart = chart(&root, title, -0.5f64..9.5f64, (lo - 4.0 - 2.5 * series.len() as f64).floor().max(0.0)..100.5f64).map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("normal class")
        .y_desc("AUROC ×100")
        .light_line_style(TRANSPARENT)
        .x_labels(10)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(|e| err(e.to_string()))?;
    for (i, (label, pts)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        let pts: Vec<(f64, f64)> = pts.iter().map(|(c, v)| (*c as f64, *v)).collect();
        chart
            .draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
            .map_err(|e| err(e.to_string()))?
            .label(label.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(2)));
        chart
            .draw_series(pts.iter().map(|p| Circle::new(*p, 3, color.filled())))
            .map_err(|e| err(e.to_string()))?;
    }
    finish(chart, &root, SeriesLabelPosition::LowerLeft).map_err(err)
}

/// Curves over training (x = evaluation point, y = AUROC ×100): thin lines per run, thick means.
pub fn curves_svg(path: &Path, title: &str, x_desc: &str, series: &[(String, Vec<Vec<f64>>)]) -> Result<()> {
    let err = |e: String| IradError::Invalid(format!("drawing {}: {e}", path.display()));
    let root = SVGBackend::new(path, (760, 480)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let n = series.iter().flat_map(|(_, runs)| runs.iter().map(|r| r.len())).max().unwrap_or(1).max(2);
    let lo = series.iter().flat_map(|(_, runs)| runs.iter().flatten()).copied().fold(100.0f64, f64::min);
    let mut chart = chart(&root, title, 0.8f64..n as f64 + 0.2, (lo - 2.0).floor().max(0.0)..100.5f64).map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc("AUROC ×100")
        .light_line_style(TRANSPARENT)
        .x_labels(n)
        .x_label_formatter(&|x| format!("{x:.0}"))
        .draw()
        .map_err(|e| err(e.to_string()))?;
    for (i, (label, runs)) in series.iter().enumerate() {
        let color = Palette99::pick(i).to_rgba();
        for r in runs {
            chart
                .draw_series(LineSeries::new(r.iter().enumerate().map(|(k, v)| (k as f64 + 1.0, *v)), color.mix(0.18)))
                .map_err(|e| err(e.to_string()))?;
        }
        let mean: Vec<(f64, f64)> = (0..n)
            .filter_map(|k| {
                let v: Vec<f64> = runs.iter().filter_map(|r| r.get(k).copied()).collect();
                (!v.is_empty()).then(|| (k as f64 + 1.0, v.iter().sum::<f64>() / v.len() as f64))
            })
            .collect();
        chart
            .draw_series(LineSeries::new(mean, color.stroke_width(3)))
            .map_err(|e| err(e.to_string()))?
            .label(format!("{label} (mean of {})", runs.len()))
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color.stroke_width(3)));
    }
    finish(chart, &root, SeriesLabelPosition::LowerLeft).map_err(err)
}

/// Rows of 32×32 network inputs ([-1, 1]) as one grayscale PNG, each enlarged `scale`×, 4 px apart.
pub fn contact_sheet(path: &Path, rows: &[Vec<&[f32]>], scale: u32) -> Result<()> {
    let (side, gap) = (IMAGE_SIZE as u32 * scale, 4u32);
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0) as u32;
    let (w, h) = (gap + cols * (side + gap), gap + rows.len() as u32 * (side + gap));
    let img = image::GrayImage::from_fn(w.max(1), h.max(1), |x, y| {
        let (c, r) = ((x.saturating_sub(gap)) / (side + gap), (y.saturating_sub(gap)) / (side + gap));
        let (ix, iy) = (x.saturating_sub(gap) % (side + gap), y.saturating_sub(gap) % (side + gap));
        match rows.get(r as usize).and_then(|row| row.get(c as usize)) {
            Some(px) if x >= gap && y >= gap && ix < side && iy < side => {
                let v = px[((iy / scale) * IMAGE_SIZE as u32 + ix / scale) as usize];
                image::Luma([(((v + 1.0) / 2.0).clamp(0.0, 1.0) * 255.0).round() as u8])
            }
            _ => image::Luma([255]),
        }
    });
    img.save(path).map_err(|e| IradError::Invalid(format!("writing {}: {e}", path.display())))
}
