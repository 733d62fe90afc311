//! The digits protocol of the design (§2), as a reusable split.
//!
//! For normal class k, seed s and n_t: source train = every source image of class k; target
//! normal train = n_t target images of class k drawn with seed s; target test = every other target
//! image (class k normal, the rest anomalous). For optdigits with the reference's seeds and n_t,
//! the exact indices of `optdigits-splits.json` are used (numpy's generator); otherwise a seeded
//! ChaCha permutation of the class rows.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::ImageSet;
use crate::error::{IradError, Result};

#[derive(Debug, Clone, PartialEq)]
pub struct TargetSplit {
    /// Target normals used for training.
    pub train: Vec<usize>,
    /// Everything else: the evaluation set.
    pub test: Vec<usize>,
}

fn reference_splits() -> &'static BTreeMap<String, Vec<usize>> {
    static SPLITS: OnceLock<BTreeMap<String, Vec<usize>>> = OnceLock::new();
    SPLITS.get_or_init(|| {
        #[derive(serde::Deserialize)]
        struct File {
            splits: BTreeMap<String, Vec<usize>>,
        }
        let f: File = serde_json::from_str(include_str!("../../data/optdigits-splits.json")).expect("embedded splits parse");
        f.splits
    })
}

/// Split `target` for normal class `normal`: `n_t` training normals drawn with `seed`.
pub fn split_target(target: &ImageSet, normal: &str, n_t: usize, seed: u64) -> Result<TargetSplit> {
    let class_rows = target.indices_of(normal);
    if class_rows.is_empty() {
        let mut labels: Vec<&str> = target.labels.iter().map(|s| s.as_str()).collect();
        labels.sort();
        labels.dedup();
        return Err(IradError::Invalid(format!(
            "target {} has no images labelled `{normal}` (labels: {})",
            target.name,
            labels.join(", ")
        )));
    }
    if n_t == 0 || n_t >= class_rows.len() {
        return Err(IradError::Invalid(format!(
            "n_t = {n_t} target normals requested; class `{normal}` of {} has {} images, so n_t must be in 1..{}",
            target.name,
            class_rows.len(),
            class_rows.len()
        )));
    }
    let key = format!("k{normal}_s{seed}_nt{n_t}");
    let train: Vec<usize> = match reference_splits().get(&key) {
        Some(idx) if target.name == "optdigits" => idx.clone(),
        _ => {
            let mut perm = class_rows.clone();
            perm.shuffle(&mut ChaCha8Rng::seed_from_u64(seed ^ 0x1AAD_5EED));
            perm.truncate(n_t);
            perm
        }
    };
    let mut is_train = vec![false; target.len()];
    for &i in &train {
        is_train[i] = true;
    }
    let test = (0..target.len()).filter(|&i| !is_train[i]).collect();
    Ok(TargetSplit { train, test })
}

/// Source rows of the normal class.
pub fn source_normals(source: &ImageSet, normal: &str) -> Result<Vec<usize>> {
    let idx = source.indices_of(normal);
    if idx.is_empty() {
        return Err(IradError::Invalid(format!("source {} has no images labelled `{normal}`", source.name)));
    }
    Ok(idx)
}

/// A source-domain validation set for model selection: up to `per_side` images of the normal
/// class and `per_side` of the other classes, taken from the **end** of a held-out source split
/// (the start of MNIST's test split is what the MNIST-M-style target is made from), seeded.
pub fn source_validation(held_out: &ImageSet, normal: &str, per_side: usize, seed: u64) -> ImageSet {
    use rand::seq::SliceRandom;
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5A11_DA7E);
    let tail = held_out.len() / 2..held_out.len();
    let (mut norm, mut anom): (Vec<usize>, Vec<usize>) = tail.partition(|&i| held_out.labels[i] == normal);
    norm.shuffle(&mut rng);
    anom.shuffle(&mut rng);
    norm.truncate(per_side);
    anom.truncate(per_side);
    norm.extend(anom);
    held_out.subset(&norm)
}

/// Oversample `rows` with replacement to `n` entries (seeded).
pub fn oversample(rows: &[usize], n: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    use rand::RngExt;
    (0..n).map(|_| rows[rng.random_range(0..rows.len())]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toy(labels: &[&str]) -> ImageSet {
        let mut s = ImageSet { name: "toy".into(), ..Default::default() };
        for (i, l) in labels.iter().enumerate() {
            s.push(vec![0.0; 1024], l.to_string(), format!("#{i}"));
        }
        s
    }

    #[test]
    fn split_is_seeded_and_disjoint() {
        let t = toy(&["0", "1", "0", "0", "1", "0", "0", "2"]);
        let a = split_target(&t, "0", 2, 3).unwrap();
        assert_eq!(a, split_target(&t, "0", 2, 3).unwrap());
        assert_eq!(a.train.len(), 2);
        assert!(a.train.iter().all(|&i| t.labels[i] == "0"));
        assert_eq!(a.train.len() + a.test.len(), t.len());
        assert!(a.test.iter().all(|i| !a.train.contains(i)));
        let others: Vec<_> = (0..20).map(|s| split_target(&t, "0", 2, s).unwrap().train).collect();
        assert!(others.iter().any(|o| o != &a.train), "seed must matter");
    }

    #[test]
    fn split_errors_name_the_problem() {
        let t = toy(&["0", "1", "0"]);
        let e = split_target(&t, "7", 1, 0).unwrap_err().to_string();
        assert!(e.contains("`7`") && e.contains("0, 1"), "{e}");
        let e = split_target(&t, "0", 5, 0).unwrap_err().to_string();
        assert!(e.contains("n_t = 5"), "{e}");
    }

    #[test]
    fn reference_splits_are_embedded() {
        let s = reference_splits();
        assert_eq!(s.len(), 60);
        assert_eq!(s["k0_s0_nt10"][..3], [1716, 825, 1494]);
    }
}
