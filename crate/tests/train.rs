#![cfg(not(target_arch = "wasm32"))]
//! Short real trainings: the loop learns, is reproducible, and resumes exactly.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use burn::module::{Module, ModuleVisitor, Param};
use burn::prelude::*;
use irad::data::protocol::{source_normals, split_target};
use irad::data::{Domain, ImageSet};
use irad::model::{IradConfig, TrainingNets};
use irad::score::Networks;
use irad::train::{DetectorKind, LossWeights, TrainConfig, Trainer, evaluate, fit_detector};

/// burn's CPU backend keeps one process-wide RNG: trainings in parallel threads would interleave draws.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn digits(normal: &str, n_t: usize) -> (ImageSet, ImageSet, ImageSet) {
    let m = Domain::Mnist.load().expect("MNIST — run scripts/fetch-data.sh");
    let o = Domain::Optdigits.load().expect("optdigits — run scripts/fetch-data.sh");
    let src = m.subset(&source_normals(&m, normal).unwrap());
    let split = split_target(&o, normal, n_t, 0).unwrap();
    (src, o.subset(&split.train), o.subset(&split.test))
}

fn trainer<'a>(config: TrainConfig, src: &'a ImageSet, tgt: &'a ImageSet, ckpt: Option<std::path::PathBuf>) -> Trainer<'a> {
    Trainer {
        config,
        source: src,
        target: tgt,
        device: Device::flex().autodiff(),
        checkpoint: ckpt,
        progress: false,
        stop: Arc::new(AtomicBool::new(false)),
    }
}

#[test]
fn short_training_learns_and_detects() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (src, tgt, test) = digits("0", 10);
    let config = TrainConfig {
        model: IradConfig::default(),
        weights: LossWeights::default(),
        lr: 5e-4,
        batch: 32,
        epochs: 3,
        seed: 0,
        max_steps_per_epoch: Some(8),
    };
    let out = trainer(config, &src, &tgt, None).run(false, &mut |_, _| None).unwrap();
    assert!(!out.interrupted);
    assert_eq!(out.history.len(), 3);
    let (first, last) = (out.history[0].cycle, out.history[2].cycle);
    assert!(last < 0.9 * first, "reconstruction loss should fall: epoch 1 {first:.4} → epoch 3 {last:.4}");
    let d = Device::flex();
    // The trained networks in inference mode; each detector below gets its own copy.
    let networks = || Networks::new(out.nets.scoring().valid().to_device(&d), 64, &d);
    let (scorer, cal) = fit_detector(networks(), &src, &tgt, 0, DetectorKind::IsolationForest);
    let report = evaluate(&scorer, &test, "0");
    assert_eq!(report.n_normal + report.n_anomalous, 1_787);
    eprintln!("short training: cycle {first:.4} → {last:.4}, AUROC {:.3}", report.auroc);
    assert!(report.auroc > 0.7, "AUROC {:.3} should clearly beat chance", report.auroc);
    assert!(cal.threshold > 0.0 && cal.threshold < 1.0);

    // The same networks with the target-feature SVM: it detects, its leave-one-out threshold
    // lets most held-out normals through, and it survives a bundle round trip.
    let (svm, cal) = fit_detector(networks(), &src, &tgt, 0, DetectorKind::FeatureSvm);
    assert_eq!(svm.detector.name(), "one-class-svm");
    let report = evaluate(&svm, &test, "0");
    eprintln!("feature SVM: AUROC {:.3}, {:.0}% of normals pass", report.auroc, 100.0 * report.normal_accepted);
    assert!(report.auroc > 0.7, "feature-SVM AUROC {:.3}", report.auroc);
    assert!(report.normal_accepted > 0.6, "only {:.0}% of held-out normals pass", 100.0 * report.normal_accepted);
    assert_eq!(cal.quantile, 1.0);
    let json = serde_json::to_string(&svm.detector).unwrap();
    let back: irad::detector::Detector = serde_json::from_str(&json).unwrap();
    let feats = svm.networks.forward_all(&test.images[..64 * 1024], 64).features;
    assert_eq!(back.score(&feats, &[]), svm.detector.score(&feats, &[]));

    // The paired detector reads the pixels too: it detects, lets most held-out normals through,
    // and refitting it on the same normals (browser adaptation) reproduces it.
    let (pair, cal) = fit_detector(networks(), &src, &tgt, 0, DetectorKind::PairedSvm);
    assert_eq!(pair.detector.name(), "paired-svm");
    let report = evaluate(&pair, &test, "0");
    eprintln!("paired SVM: AUROC {:.3}, {:.0}% of normals pass", report.auroc, 100.0 * report.normal_accepted);
    assert!(report.auroc > 0.9, "paired-SVM AUROC {:.3}", report.auroc);
    assert!(report.normal_accepted > 0.6, "only {:.0}% of held-out normals pass", 100.0 * report.normal_accepted);
    let tf = pair.networks.forward_all(&tgt.images, 64).features;
    let (again, t) = irad::detector::refit(&tf, &tgt.images, 1.0, &pair.detector);
    assert_eq!((again, t), (pair.detector.clone(), cal.threshold));
}

fn params(nets: &TrainingNets) -> Vec<f32> {
    struct V(Vec<f32>);
    impl ModuleVisitor for V {
        fn visit_float<const D: usize>(&mut self, p: &Param<Tensor<D>>) {
            self.0.extend(p.val().into_data().convert::<f32>().try_into_vec::<f32>().unwrap());
        }
    }
    // `valid()` syncs BatchNorm running statistics (their newest update is buffered until then).
    let mut v = V(vec![]);
    nets.valid().visit(&mut v);
    v.0
}

#[test]
fn training_is_reproducible_and_resumes_exactly() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let (src, tgt, _) = digits("3", 10);
    let src = src.subset(&(0..200).collect::<Vec<_>>());
    let config = TrainConfig {
        model: IradConfig { latent: 16, dropout: 0.5 },
        weights: LossWeights::default(),
        lr: 1e-3,
        batch: 16,
        epochs: 2,
        seed: 7,
        max_steps_per_epoch: Some(3),
    };
    let dir = tempfile::tempdir().unwrap();
    let straight = trainer(config.clone(), &src, &tgt, None).run(false, &mut |_, _| None).unwrap();
    let again = trainer(config.clone(), &src, &tgt, None).run(false, &mut |_, _| None).unwrap();
    assert_eq!(params(&straight.nets), params(&again.nets), "same seed, same weights");

    // "Ctrl-C" after the first epoch: the stop flag is raised from the epoch callback.
    let ckpt = dir.path().join("run.ckpt");
    let t = trainer(config.clone(), &src, &tgt, Some(ckpt.clone()));
    let stop = t.stop.clone();
    let first = t.run(false, &mut |_, _| {
        stop.store(true, Ordering::SeqCst);
        None
    })
    .unwrap();
    assert!(first.interrupted);
    assert!(ckpt.exists(), "checkpoint kept on stop");
    let resumed = trainer(config.clone(), &src, &tgt, Some(ckpt.clone())).run(true, &mut |_, _| None).unwrap();
    assert!(!resumed.interrupted);
    assert_eq!(resumed.history.len(), 2);
    assert_eq!(resumed.history, straight.history, "same losses epoch by epoch");
    let (a, b) = (params(&resumed.nets), params(&straight.nets));
    let worst = a.iter().zip(&b).map(|(x, y)| (x - y).abs()).enumerate().fold((0, 0f32), |m, (i, v)| if v > m.1 { (i, v) } else { m });
    assert_eq!(worst.1, 0.0, "resumed run differs from the uninterrupted one at parameter {} by {}", worst.0, worst.1);

    // A checkpoint from other settings is refused, not silently reused.
    let other = TrainConfig { lr: 2e-3, ..config };
    let e = trainer(other, &src, &tgt, Some(ckpt)).run(true, &mut |_, _| None).err().expect("must refuse");
    assert!(e.to_string().contains("other data or settings"), "{e}");
}
