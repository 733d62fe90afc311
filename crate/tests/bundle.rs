#![cfg(not(target_arch = "wasm32"))]
//! The model bundle: round trip, and every way a file can be wrong.

use burn::prelude::*;
use irad::bundle::{Bundle, BundleMeta, Calibration, FORMAT_VERSION, InputSpec, Provenance};
use irad::detector::{Detector, Features, IsolationForest, IsolationForestConfig};
use irad::model::{IradConfig, ScoringNets};
use irad::{IradError, Scorer};

fn make(latent_meta: usize, latent_weights: usize) -> Bundle {
    let d = Device::flex();
    d.seed(1);
    let nets = ScoringNets::new(&IradConfig { latent: latent_weights, dropout: 0.5 }, &d);
    let feats = Features::new(latent_meta, (0..latent_meta * 50).map(|i| (i % 7) as f32).collect());
    let det = Detector::IsolationForest(IsolationForest::fit(&feats, &IsolationForestConfig { trees: 5, ..Default::default() }));
    let meta = BundleMeta {
        config: IradConfig { latent: latent_meta, dropout: 0.5 },
        input: InputSpec::default(),
        calibration: Calibration { threshold: 0.5, quantile: 0.95, residual_threshold: 0.1 },
        provenance: Provenance { normal_class: "3".into(), ..Default::default() },
    };
    Bundle::new(meta, det, nets).unwrap()
}

#[test]
fn round_trip_scores_identically() {
    let b = make(16, 16);
    let bytes = b.to_bytes();
    let back = Bundle::from_bytes(&bytes).unwrap();
    assert_eq!(back.meta, b.meta);
    assert_eq!(back.detector, b.detector);
    let d = Device::flex();
    let x: Vec<f32> = (0..2048).map(|i| ((i * 37 % 255) as f32 / 127.5) - 1.0).collect();
    let s1 = Scorer::new(&b, &d).unwrap().score(&x);
    let s2 = Scorer::new(&back, &d).unwrap().score(&x);
    assert_eq!(s1, s2);
    assert_eq!(s1.len(), 2);
    // Written atomically to disk and read back.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("m.irad");
    b.write(&p).unwrap();
    assert_eq!(std::fs::read(&p).unwrap(), bytes);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
}

#[test]
fn garbage_is_not_a_bundle() {
    for junk in [&b""[..], b"hello", b"\x89PNG\r\n\x1a\n0000000000000000000000000000000000000000000"] {
        match Bundle::from_bytes(junk) {
            Err(IradError::BundleFormat(m)) => assert!(m.contains("IRADBNDL"), "{m}"),
            other => panic!("expected BundleFormat, got {other:?}"),
        }
    }
}

#[test]
fn truncated_files_say_so() {
    let bytes = make(16, 16).to_bytes();
    for cut in [10, 40, 44, 100, bytes.len() / 2, bytes.len() - 1] {
        match Bundle::from_bytes(&bytes[..cut]) {
            Err(IradError::BundleTruncated(_)) => {}
            other => panic!("cut at {cut}: expected BundleTruncated, got {:?}", other.map(|_| ())),
        }
    }
}

#[test]
fn newer_version_is_refused() {
    let mut bytes = make(16, 16).to_bytes();
    bytes[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    match Bundle::from_bytes(&bytes) {
        Err(IradError::BundleVersion { found, supported }) => assert_eq!((found, supported), (FORMAT_VERSION + 1, FORMAT_VERSION)),
        other => panic!("expected BundleVersion, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn flipped_bytes_are_detected_and_never_panic() {
    let bytes = make(16, 16).to_bytes();
    for pos in (44..bytes.len()).step_by(bytes.len() / 97) {
        let mut b = bytes.clone();
        b[pos] ^= 0x5A;
        match Bundle::from_bytes(&b) {
            Err(IradError::BundleCorrupt(m)) => assert!(m.contains("checksum"), "{m}"),
            other => panic!("flip at {pos}: expected BundleCorrupt, got {:?}", other.map(|_| ())),
        }
    }
    let mut b = bytes.clone();
    b.extend_from_slice(b"trailing");
    assert!(matches!(Bundle::from_bytes(&b), Err(IradError::BundleCorrupt(_))));
}

#[test]
fn mismatched_shapes_are_a_typed_error() {
    // Metadata says L = 8 but the weights are for L = 16: caught when the weights are applied.
    let b = make(8, 16);
    let back = Bundle::from_bytes(&b.to_bytes()).expect("header and metadata are consistent");
    match back.nets(&Device::flex()) {
        Err(IradError::BundleShape(_)) => {}
        other => panic!("expected BundleShape, got {:?}", other.map(|_| ())),
    }
    match Scorer::new(&back, &Device::flex()) {
        Err(e) => assert!(e.to_string().contains("do not fit"), "{e}"),
        Ok(_) => panic!("a mismatched bundle must not load"),
    }
}

#[test]
fn the_committed_default_bundle_loads_and_scores_like_its_fixture() {
    #[derive(serde::Deserialize)]
    struct Img {
        file: String,
        score: f32,
        #[serde(rename = "isAnomaly")]
        is_anomaly: bool,
    }
    #[derive(serde::Deserialize)]
    struct Parity {
        images: Vec<Img>,
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundle = Bundle::read(&root.join("models/default.irad")).expect("models/default.irad loads");
    assert_eq!(bundle.meta.provenance.normal_class, "0");
    assert!(bundle.meta.provenance.metrics["auroc"] > 0.8);
    let scorer = Scorer::new(&bundle, &Device::flex()).unwrap();
    let p: Parity = serde_json::from_str(include_str!("fixtures/parity.json")).unwrap();
    for img in &p.images {
        let bytes = std::fs::read(root.join(&img.file)).unwrap();
        let x = irad::preprocess::preprocess_bytes(&bytes, &img.file).unwrap();
        let s = &scorer.score(&x)[0];
        assert!((s.score - img.score).abs() < 1e-6, "{}: {} vs {}", img.file, s.score, img.score);
        assert_eq!(s.is_anomaly, img.is_anomaly);
    }
}

#[test]
fn a_paired_detector_round_trips_and_a_wrong_pixel_member_is_refused() {
    use irad::detector::{OneClassSvmConfig, PairedSvm};
    let d = Device::flex();
    let nets = || ScoringNets::new(&IradConfig { latent: 8, dropout: 0.5 }, &d);
    let meta = make(8, 8).meta;
    let feats = Features::new(8, (0..8 * 6).map(|i| ((i * 7) % 11) as f32 / 11.0).collect());
    let pixels = |dim: usize| (0..dim * 6).map(|i| ((i * 5) % 13) as f32 / 13.0).collect::<Vec<f32>>();
    let paired = |dim: usize| {
        let px = Features::new(dim, pixels(dim));
        Detector::PairedSvm(PairedSvm::fit(&feats, &OneClassSvmConfig::default(), None, &px, &OneClassSvmConfig::default()).0)
    };
    let ok = Bundle::new(meta.clone(), paired(1024), nets()).unwrap();
    let back = Bundle::from_bytes(&ok.to_bytes()).unwrap();
    assert_eq!(back.detector.name(), "paired-svm");
    let (a, b) = (ok.detector.score(&feats, &pixels(1024)), back.detector.score(&feats, &pixels(1024)));
    assert!(a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= 1e-4 * x.abs().max(1.0)), "{a:?} vs {b:?}");
    // The detector file is the bundle author's word: a pixel member for other image sizes would
    // only fail while scoring, so loading refuses it and says why.
    match Bundle::new(meta, paired(100), nets()) {
        Err(IradError::BundleShape(m)) => assert!(m.contains("pixel member takes 100"), "{m}"),
        other => panic!("expected BundleShape, got {:?}", other.map(|_| ())),
    }
}
