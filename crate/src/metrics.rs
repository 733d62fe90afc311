//! AUROC and ROC points, with anomalies as the positive class.

use serde::{Deserialize, Serialize};

/// One point of a ROC curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RocPoint {
    pub fpr: f64,
    pub tpr: f64,
    pub threshold: f32,
}

/// 0-based ranks of `v` in ascending order, ties sharing their mean rank.
pub fn ranks(v: &[f32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..v.len()).collect();
    idx.sort_by(|&a, &b| v[a].total_cmp(&v[b]));
    let mut r = vec![0.0; v.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && v[idx[j + 1]] == v[idx[i]] {
            j += 1;
        }
        for &k in &idx[i..=j] {
            r[k] = (i + j) as f64 / 2.0;
        }
        i = j + 1;
    }
    r
}

/// Area under the ROC curve; `scores` higher = more anomalous, `anomalous[i]` = positive.
/// Ties count one half (Mann–Whitney). `None` when one class is absent.
pub fn auroc(scores: &[f32], anomalous: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), anomalous.len());
    let pos = anomalous.iter().filter(|&&a| a).count();
    let neg = anomalous.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Average ranks over ties, then the rank-sum statistic.
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            if anomalous[k] {
                rank_sum_pos += avg_rank;
            }
        }
        i = j + 1;
    }
    let u = rank_sum_pos - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos as f64 * neg as f64))
}

/// ROC curve points, from (0, 0) to (1, 1), one per distinct threshold.
pub fn roc_curve(scores: &[f32], anomalous: &[bool]) -> Vec<RocPoint> {
    let pos = anomalous.iter().filter(|&&a| a).count().max(1) as f64;
    let neg = anomalous.iter().filter(|&&a| !a).count().max(1) as f64;
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let mut pts = vec![RocPoint { fpr: 0.0, tpr: 0.0, threshold: f32::INFINITY }];
    let (mut tp, mut fp) = (0.0, 0.0);
    for (n, &i) in order.iter().enumerate() {
        if anomalous[i] { tp += 1.0 } else { fp += 1.0 }
        let last_of_tie = n + 1 == order.len() || scores[order[n + 1]] != scores[i];
        if last_of_tie {
            pts.push(RocPoint { fpr: fp / neg, tpr: tp / pos, threshold: scores[i] });
        }
    }
    pts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auroc_known_values() {
        assert_eq!(auroc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), Some(1.0));
        assert_eq!(auroc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]), Some(0.0));
        // sklearn.metrics.roc_auc_score([0,0,1,1],[0.1,0.4,0.35,0.8]) == 0.75
        assert_eq!(auroc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
        // All tied: 0.5.
        assert_eq!(auroc(&[1.0; 4], &[false, true, false, true]), Some(0.5));
        assert_eq!(auroc(&[1.0, 2.0], &[true, true]), None);
    }

    #[test]
    fn roc_area_matches_auroc() {
        let s = [0.1, 0.4, 0.35, 0.8, 0.5, 0.5, 0.2];
        let a = [false, false, true, true, true, false, false];
        let pts = roc_curve(&s, &a);
        let area: f64 = pts.windows(2).map(|w| (w[1].fpr - w[0].fpr) * (w[1].tpr + w[0].tpr) / 2.0).sum();
        assert!((area - auroc(&s, &a).unwrap()).abs() < 1e-12);
        assert_eq!(pts.last().map(|p| (p.fpr, p.tpr)), Some((1.0, 1.0)));
    }
}
