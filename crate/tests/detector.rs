#![cfg(not(target_arch = "wasm32"))]
//! The detectors against scikit-learn on committed fixtures: Isolation Forest scores
//! (`scripts/make_iforest_fixture.py`) and the raw-pixel baselines' AUROC
//! (`scripts/make_baseline_fixture.py`).

use irad::detector::{Features, IsolationForest, IsolationForestConfig};
use irad::metrics::ranks;

#[derive(serde::Deserialize)]
struct Fixture {
    dim: usize,
    train: Vec<f32>,
    test: Vec<f32>,
    neg_score_samples_first: Vec<f32>,
    neg_score_samples_mean: Vec<f32>,
}

fn spearman(a: &[f32], b: &[f32]) -> f64 {
    let (ra, rb) = (ranks(a), ranks(b));
    let n = ra.len() as f64;
    let (ma, mb) = (ra.iter().sum::<f64>() / n, rb.iter().sum::<f64>() / n);
    let cov: f64 = ra.iter().zip(&rb).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f64 = ra.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f64 = rb.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn scores_rank_like_scikit_learn() {
    let fx: Fixture = serde_json::from_str(include_str!("fixtures/iforest_sklearn.json")).unwrap();
    let train = Features::new(fx.dim, fx.train);
    let test = Features::new(fx.dim, fx.test);
    let forests: Vec<Vec<f32>> = (0..10)
        .map(|seed| IsolationForest::fit(&train, &IsolationForestConfig { seed, ..Default::default() }).anomaly_scores(&test))
        .collect();
    let mean: Vec<f32> = (0..test.len()).map(|i| forests.iter().map(|f| f[i]).sum::<f32>() / 10.0).collect();
    // Ten-forest means: the implementation, with Monte-Carlo noise averaged away.
    let rho = spearman(&mean, &fx.neg_score_samples_mean);
    assert!(rho >= 0.99, "rank correlation of 10-forest means with scikit-learn: {rho:.4} < 0.99");
    // Single forests agree as well as two scikit-learn seeds agree with each other (~0.97).
    for f in &forests {
        let rho1 = spearman(f, &fx.neg_score_samples_first);
        assert!(rho1 >= 0.95, "single forest vs scikit-learn: {rho1:.4}");
    }
    // Same scale (both are 2^(-E[h]/c(256))): means within 0.01.
    let avg = |v: &[f32]| v.iter().sum::<f32>() / v.len() as f32;
    assert!((avg(&mean) - avg(&fx.neg_score_samples_mean)).abs() < 0.01, "{} vs {}", avg(&mean), avg(&fx.neg_score_samples_mean));
}

/// The raw-pixel baselines of the reference results (one-class SVM and Isolation Forest on a
/// handful of target normals) against scikit-learn on real optdigits cells
/// (`scripts/make_baseline_fixture.py`): AUROC within 0.5 point.
#[test]
fn baselines_match_scikit_learn_auroc() {
    use irad::detector::{OneClassSvm, OneClassSvmConfig};
    use irad::metrics::auroc;

    #[derive(serde::Deserialize)]
    struct Cell {
        normal: u8,
        train_rows: Vec<usize>,
        svm_auroc: f64,
        if_auroc_mean: f64,
    }
    #[derive(serde::Deserialize)]
    struct Baselines {
        dim: usize,
        pixels: Vec<f32>,
        labels: Vec<u8>,
        cells: Vec<Cell>,
    }
    let fx: Baselines = serde_json::from_str(include_str!("fixtures/baselines_sklearn.json")).unwrap();
    let all = Features::new(fx.dim, fx.pixels.iter().map(|v| v / 16.0 * 2.0 - 1.0).collect());
    for cell in &fx.cells {
        let train = all.select(&cell.train_rows);
        let test_rows: Vec<usize> = (0..fx.labels.len()).filter(|i| !cell.train_rows.contains(i)).collect();
        let test = all.select(&test_rows);
        let anomalous: Vec<bool> = test_rows.iter().map(|&i| fx.labels[i] != cell.normal).collect();

        let svm = OneClassSvm::fit(&train, &OneClassSvmConfig::default());
        let svm_auc = auroc(&svm.anomaly_scores(&test), &anomalous).unwrap();
        assert!(
            (svm_auc - cell.svm_auroc).abs() * 100.0 <= 0.5,
            "one-class SVM, class {}: {:.2} vs scikit-learn {:.2}",
            cell.normal,
            svm_auc * 100.0,
            cell.svm_auroc * 100.0
        );

        // Single forests on 10 rows vary by 2–3 points: compare 300-forest means.
        let if_auc = (0..300)
            .map(|seed| {
                let f = IsolationForest::fit(&train, &IsolationForestConfig { seed, ..Default::default() });
                auroc(&f.anomaly_scores(&test), &anomalous).unwrap()
            })
            .sum::<f64>()
            / 300.0;
        assert!(
            (if_auc - cell.if_auroc_mean).abs() * 100.0 <= 0.5,
            "Isolation Forest (300-forest mean), class {}: {:.2} vs scikit-learn {:.2}",
            cell.normal,
            if_auc * 100.0,
            cell.if_auroc_mean * 100.0
        );
    }
}
