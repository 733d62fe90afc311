//! The experiment runner (native): the digits protocol over classes × seeds × n_t for IRAD and
//! raw-pixel baselines, one JSON line per finished cell (resumable), plus a Markdown table.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::data::ImageSet;
use crate::data::protocol::oversample;
use crate::detector::{IsolationForest, IsolationForestConfig, OneClassSvm, OneClassSvmConfig, pixels};
use crate::error::{IradError, Result};
use crate::metrics::auroc;
use crate::train::EvalPoint;

/// One finished run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Method: `irad`, `irad-residual`, `if-raw-source`, `if-raw-source+target`, `if-raw-target`, …
    pub method: String,
    pub class: String,
    pub seed: u64,
    pub n_t: usize,
    pub auroc: f64,
    /// Target-test AUROC of the product's score after each epoch (when evaluated).
    #[serde(default)]
    pub epoch_aurocs: Vec<Option<f64>>,
    /// Every score after each epoch, with the source-validation AUROC used for selection.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub points: Vec<Option<EvalPoint>>,
    #[serde(default)]
    pub seconds: f64,
}

impl RunRecord {
    pub fn key(&self) -> (String, String, u64, usize) {
        (self.method.clone(), self.class.clone(), self.seed, self.n_t)
    }
}

/// Records already in `path` (a missing file is an empty run; a torn last line is ignored).
pub fn load_records(path: &Path) -> Result<Vec<RunRecord>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(vec![]),
        Err(e) => return Err(IradError::io(format!("reading {}", path.display()), e)),
    };
    Ok(text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect())
}

/// Append one record and flush it, so a killed run keeps every finished cell.
pub fn append_record(path: &Path, r: &RunRecord) -> Result<()> {
    // A run killed mid-write leaves a torn last line: start on a fresh line after it.
    let torn = std::fs::read(path).map(|b| !b.is_empty() && !b.ends_with(b"\n")).unwrap_or(false);
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| IradError::io(format!("opening {}", path.display()), e))?;
    // One write call per line: several runners may append to the same file.
    let line = format!("{}{}\n", if torn { "\n" } else { "" }, serde_json::to_string(r).expect("record serialises"));
    f.write_all(line.as_bytes())
        .and_then(|_| f.sync_data())
        .map_err(|e| IradError::io(format!("writing {}", path.display()), e))
}

/// Which cells of a grid are still to run.
pub fn pending<'a>(done: &[RunRecord], method: &str, cells: &'a [(String, u64, usize)]) -> Vec<&'a (String, u64, usize)> {
    let have: BTreeSet<_> = done.iter().map(|r| r.key()).collect();
    cells.iter().filter(|(c, s, n)| !have.contains(&(method.to_string(), c.clone(), *s, *n))).collect()
}

/// The evaluation point with the largest `key` (the first on ties), if any has one.
fn best_by(points: &[EvalPoint], key: fn(&EvalPoint) -> Option<f64>) -> Option<&EvalPoint> {
    points.iter().filter(|p| key(p).is_some()).fold(None, |b, p| match b {
        Some(b) if key(b) >= key(p) => Some(b),
        _ => Some(p),
    })
}

/// The table rows one IRAD run yields: `method` (the bundle's score), `-residual`, and the
/// per-point scores (`-svm`, `-hybrid`, `-svm-rbf`, `-svm-pair`, `-paired`) at the last evaluation point;
/// when there are several points, also the point chosen without target test images by source
/// validation (`-val…`) and by cross-domain validation (`-tval…`).
pub fn derived_rows(method: &str, auroc: f64, auroc_residual: f64, points: &[EvalPoint]) -> Vec<(String, f64)> {
    // The scores every evaluation point carries, named after `prefix`.
    fn point_rows(rows: &mut Vec<(String, f64)>, prefix: &str, p: &EvalPoint) {
        rows.push((format!("{prefix}-svm"), p.auroc_svm));
        for (suffix, v) in [("hybrid", p.auroc_hybrid), ("svm-rbf", p.auroc_svm_rbf), ("svm-pair", p.auroc_svm_pair), ("paired", p.auroc_paired)] {
            if let Some(v) = v {
                rows.push((format!("{prefix}-{suffix}"), v));
            }
        }
    }
    let mut rows = vec![(method.to_string(), auroc), (format!("{method}-residual"), auroc_residual)];
    if let Some(last) = points.last() {
        point_rows(&mut rows, method, last);
    }
    if points.len() < 2 {
        return rows;
    }
    let rules: [(&str, fn(&EvalPoint) -> Option<f64>); 2] = [("val", |p| p.source_val), ("tval", |p| p.target_val)];
    for (rule, key) in rules {
        if let Some(b) = best_by(points, key) {
            rows.push((format!("{method}-{rule}"), b.auroc));
            point_rows(&mut rows, &format!("{method}-{rule}"), b);
        }
    }
    rows
}

fn mean_std(v: &[f64]) -> (f64, f64) {
    let m = v.iter().sum::<f64>() / v.len() as f64;
    let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len().max(2) - 1) as f64;
    (m, if v.len() > 1 { var.sqrt() } else { 0.0 })
}

/// Markdown: one column per (method, n_t), one row per class (mean ± std over seeds, ×100),
/// and a mean row (mean over classes of the per-class means).
pub fn render_table(records: &[RunRecord]) -> String {
    let mut by: BTreeMap<(String, usize), BTreeMap<String, Vec<f64>>> = BTreeMap::new();
    for r in records {
        by.entry((r.method.clone(), r.n_t)).or_default().entry(r.class.clone()).or_default().push(r.auroc * 100.0);
    }
    let classes: BTreeSet<String> = records.iter().map(|r| r.class.clone()).collect();
    let cols: Vec<&(String, usize)> = by.keys().collect();
    let mut out = String::from("| class |");
    for (m, n) in &cols {
        out += &format!(" {m} (n_t={n}) |");
    }
    out += "\n|---|";
    out += &"---|".repeat(cols.len());
    out += "\n";
    for c in &classes {
        out += &format!("| {c} |");
        for col in &cols {
            match by[*col].get(c) {
                Some(v) => {
                    let (m, s) = mean_std(v);
                    out += &if v.len() > 1 { format!(" {m:.1} ± {s:.1} |") } else { format!(" {m:.1} |") };
                }
                None => out += " – |",
            }
        }
        out += "\n";
    }
    out += "| **mean** |";
    for col in &cols {
        let per_class: Vec<f64> = by[*col].values().map(|v| mean_std(v).0).collect();
        out += &format!(" **{:.1}** |", mean_std(&per_class).0);
    }
    out += "\n";
    out
}

/// Raw-pixel baselines on the same split: Isolation Forest on source normals only, on source +
/// oversampled target normals, on target normals only; one-class SVM (poly, γ = 1/d) on target
/// normals only. Returns (method, AUROC) pairs.
pub fn raw_pixel_baselines(source: &ImageSet, target: &ImageSet, test: &ImageSet, normal: &str, seed: u64) -> Vec<(String, f64)> {
    let feats = |s: &ImageSet| pixels(&s.images);
    let test_f = feats(test);
    let anomalous: Vec<bool> = test.labels.iter().map(|l| l != normal).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0xDE7EC7);
    let rows: Vec<usize> = (0..target.len()).collect();
    let over = target.subset(&oversample(&rows, source.len(), &mut rng));
    let cfg = IsolationForestConfig { seed, ..Default::default() };
    [
        ("if-raw-source", feats(source)),
        ("if-raw-source+target", feats(source).concat(&feats(&over))),
        ("if-raw-target", feats(target)),
    ]
    .into_iter()
    .map(|(name, train)| {
        let f = IsolationForest::fit(&train, &cfg);
        (name.to_string(), auroc(&f.anomaly_scores(&test_f), &anomalous).unwrap_or(f64::NAN))
    })
    .chain(std::iter::once({
        let svm = OneClassSvm::fit(&feats(target), &OneClassSvmConfig::default());
        ("svm-raw-target".to_string(), auroc(&svm.anomaly_scores(&test_f), &anomalous).unwrap_or(f64::NAN))
    }))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(method: &str, class: &str, seed: u64, n_t: usize, a: f64) -> RunRecord {
        RunRecord { method: method.into(), class: class.into(), seed, n_t, auroc: a, epoch_aurocs: vec![], points: vec![], seconds: 1.0 }
    }

    #[test]
    fn table_has_mean_and_std_per_class() {
        let rs = vec![rec("irad", "0", 0, 10, 0.90), rec("irad", "0", 1, 10, 0.80), rec("irad", "1", 0, 10, 0.70), rec("if", "0", 0, 10, 0.5)];
        let t = render_table(&rs);
        assert!(t.contains("| class | if (n_t=10) | irad (n_t=10) |"), "{t}");
        assert!(t.contains("| 0 | 50.0 | 85.0 ± 7.1 |"), "{t}");
        assert!(t.contains("| 1 | – | 70.0 |"), "{t}");
        // Mean over classes of per-class means: (85 + 70) / 2.
        assert!(t.contains("| **mean** | **50.0** | **77.5** |"), "{t}");
    }

    #[test]
    fn selection_rows_pick_the_best_validation_point_without_test_images() {
        let p = |auroc: f64, sv: f64, tv: f64| EvalPoint { auroc, auroc_svm: auroc / 2.0, auroc_residual: 0.5, source_val: Some(sv), target_val: Some(tv), auroc_hybrid: Some(auroc + 0.01), auroc_svm_rbf: None, auroc_svm_pair: None, auroc_paired: None };
        // Source validation peaks at point 3, cross-domain validation at point 1 (tied with 2).
        let pts = [p(0.90, 0.7, 0.8), p(0.80, 0.8, 0.8), p(0.70, 0.9, 0.1)];
        let rows: BTreeMap<String, f64> = derived_rows("m", 0.70, 0.6, &pts).into_iter().collect();
        assert_eq!(rows["m"], 0.70);
        assert_eq!(rows["m-residual"], 0.6);
        assert_eq!(rows["m-svm"], 0.35);
        assert_eq!(rows["m-hybrid"], 0.71);
        assert_eq!(rows["m-val"], 0.70);
        assert_eq!(rows["m-tval"], 0.90, "first point on ties");
        assert_eq!(rows["m-tval-svm"], 0.45);
        assert_eq!(rows["m-tval-hybrid"], 0.91);
        // One point: nothing to choose between, no selection rows.
        let one: Vec<String> = derived_rows("m", 0.7, 0.6, &pts[..1]).into_iter().map(|r| r.0).collect();
        assert_eq!(one, ["m", "m-residual", "m-svm", "m-hybrid"]);
    }

    #[test]
    fn resume_skips_finished_cells_and_survives_a_torn_line() {
        let dir = std::env::temp_dir().join(format!("irad-exp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("runs.jsonl");
        let _ = std::fs::remove_file(&p);
        append_record(&p, &rec("irad", "0", 0, 10, 0.9)).unwrap();
        append_record(&p, &rec("irad", "1", 0, 10, 0.8)).unwrap();
        std::fs::OpenOptions::new().append(true).open(&p).unwrap().write_all(b"{\"method\":\"irad\",\"cla").unwrap();
        let done = load_records(&p).unwrap();
        assert_eq!(done.len(), 2);
        // Appending after the torn line still yields a readable record.
        append_record(&p, &rec("irad", "5", 0, 10, 0.7)).unwrap();
        assert_eq!(load_records(&p).unwrap().len(), 3);
        let cells = vec![("0".to_string(), 0, 10), ("1".to_string(), 0, 10), ("2".to_string(), 0, 10), ("0".to_string(), 1, 10)];
        let todo: Vec<_> = pending(&done, "irad", &cells).into_iter().cloned().collect();
        assert_eq!(todo, vec![("2".to_string(), 0, 10), ("0".to_string(), 1, 10)]);
        assert_eq!(pending(&done, "other", &cells).len(), 4);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
