//! Isolation Forest (Liu, Ting & Zhou 2008) with scikit-learn's conventions: subsets of
//! min(256, n) rows drawn without replacement, depth limit ceil(log2(subset)), one random
//! non-constant feature per split, threshold uniform in [min, max), and
//! `score_samples = -2^(-E[h(x)] / c(subset))`. We return its negation (higher = anomalous).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::Features;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IsolationForestConfig {
    pub trees: usize,
    pub max_samples: usize,
    pub seed: u64,
}

impl Default for IsolationForestConfig {
    fn default() -> Self {
        Self { trees: 100, max_samples: 256, seed: 0 }
    }
}

/// One tree in pre-order: node `i`'s left child is `i + 1`, its right child `right[i]`.
/// A leaf has `feature == -1` and stores its sample count in `value`; a split stores its threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Tree {
    feature: Vec<i32>,
    value: Vec<f32>,
    right: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IsolationForest {
    pub dim: usize,
    pub subset: usize,
    trees: Vec<Tree>,
}

/// Average path length of an unsuccessful BST search over `n` points, c(n).
fn average_path_length(n: f64) -> f64 {
    if n <= 1.0 {
        0.0
    } else if n <= 2.0 {
        1.0
    } else {
        2.0 * ((n - 1.0).ln() + 0.577_215_664_901_532_9) - 2.0 * (n - 1.0) / n
    }
}

impl IsolationForest {
    pub fn fit(x: &Features, config: &IsolationForestConfig) -> Self {
        assert!(!x.is_empty(), "isolation forest: no training rows");
        let n = x.len();
        let subset = config.max_samples.min(n);
        let max_depth = (subset.max(2) as f64).log2().ceil() as usize;
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let trees = (0..config.trees)
            .map(|_| {
                let mut idx: Vec<usize> = rand::seq::index::sample(&mut rng, n, subset).into_vec();
                let mut tree = Tree { feature: vec![], value: vec![], right: vec![] };
                build(x, &mut idx, 0, max_depth, &mut rng, &mut tree);
                tree
            })
            .collect();
        Self { dim: x.dim, subset, trees }
    }

    /// Negated scikit-learn `score_samples`: in (0, 1], higher = more anomalous.
    pub fn anomaly_scores(&self, x: &Features) -> Vec<f32> {
        assert_eq!(x.dim, self.dim, "isolation forest fitted on {} features, got {}", self.dim, x.dim);
        let norm = average_path_length(self.subset as f64);
        (0..x.len())
            .map(|i| {
                let row = x.row(i);
                let total: f64 = self.trees.iter().map(|t| path_length(t, row)).sum();
                let mean = total / self.trees.len() as f64;
                2f64.powf(-mean / norm.max(f64::MIN_POSITIVE)) as f32
            })
            .collect()
    }
}

fn path_length(t: &Tree, row: &[f32]) -> f64 {
    let mut node = 0usize;
    let mut depth = 0.0;
    loop {
        let f = t.feature[node];
        if f < 0 {
            return depth + average_path_length(t.value[node] as f64);
        }
        node = if row[f as usize] <= t.value[node] { node + 1 } else { t.right[node] as usize };
        depth += 1.0;
    }
}

fn build(x: &Features, idx: &mut [usize], depth: usize, max_depth: usize, rng: &mut ChaCha8Rng, t: &mut Tree) {
    let me = t.feature.len();
    let leaf = |t: &mut Tree| {
        t.feature.push(-1);
        t.value.push(idx.len() as f32);
        t.right.push(0);
    };
    if depth >= max_depth || idx.len() < 2 {
        return leaf(t);
    }
    // Draw features without replacement until one is not constant on this node.
    let mut candidates: Vec<usize> = (0..x.dim).collect();
    let split = loop {
        if candidates.is_empty() {
            break None;
        }
        let f = candidates.swap_remove(rng.random_range(0..candidates.len()));
        let (lo, hi) = idx.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &i| {
            let v = x.row(i)[f];
            (lo.min(v), hi.max(v))
        });
        if hi > lo + 1e-7 {
            let mut thr = lo + (hi - lo) * rng.random::<f32>();
            if thr >= hi {
                thr = lo;
            }
            break Some((f, thr));
        }
    };
    let Some((f, thr)) = split else { return leaf(t) };
    // Partition: left = values <= threshold.
    let mut mid = 0;
    for k in 0..idx.len() {
        if x.row(idx[k])[f] <= thr {
            idx.swap(k, mid);
            mid += 1;
        }
    }
    t.feature.push(f as i32);
    t.value.push(thr);
    t.right.push(0);
    let (l, r) = idx.split_at_mut(mid);
    build(x, l, depth + 1, max_depth, rng, t);
    t.right[me] = t.feature.len() as u32;
    build(x, r, depth + 1, max_depth, rng, t);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob(n: usize, seed: u64) -> Features {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Features::new(4, (0..n * 4).map(|_| rng.random::<f32>() - 0.5).collect())
    }

    #[test]
    fn deterministic_for_a_seed() {
        let x = blob(500, 1);
        let c = IsolationForestConfig::default();
        let a = IsolationForest::fit(&x, &c);
        let b = IsolationForest::fit(&x, &c);
        assert_eq!(a, b);
        let other = IsolationForest::fit(&x, &IsolationForestConfig { seed: 7, ..c });
        assert_ne!(a, other);
        assert_eq!(a.anomaly_scores(&x), b.anomaly_scores(&x));
    }

    #[test]
    fn outliers_score_higher() {
        let x = blob(500, 2);
        let f = IsolationForest::fit(&x, &IsolationForestConfig::default());
        let probe = Features::new(4, vec![0.0, 0.0, 0.0, 0.0, 5.0, -5.0, 5.0, -5.0]);
        let s = f.anomaly_scores(&probe);
        assert!(s[1] > s[0] + 0.15, "{s:?}");
        assert!(s.iter().all(|&v| v > 0.0 && v <= 1.0));
    }

    #[test]
    fn constant_data_gives_leaves() {
        let x = Features::new(2, vec![1.0; 40]);
        let f = IsolationForest::fit(&x, &IsolationForestConfig { trees: 3, ..Default::default() });
        let s = f.anomaly_scores(&x);
        // All points identical: path = c(20) everywhere, score 0.5.
        assert!(s.iter().all(|&v| (v - 0.5).abs() < 1e-6), "{s:?}");
    }
}
