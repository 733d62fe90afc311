//! The `irad` command line (native only): train, eval, score, info.

pub mod plot;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

use burn::tensor::Device;
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::bundle::{Bundle, BundleMeta, InputSpec, Provenance};
use crate::data::protocol::{source_normals, source_validation, split_target};
use crate::data::{Domain, ImageSet};
use crate::error::{IradError, Result};
use crate::fsutil::write_atomic;
use crate::model::IradConfig;
use crate::score::{Networks, Scorer};
use crate::train::{LossWeights, TrainConfig, Trainer, eval_point, evaluate, fit_detector};

#[derive(Parser, Debug)]
#[command(name = "irad", version, about = "IRAD anomaly detection with domain adaptation: train natively, score anywhere")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Train on source normals + a few target normals; write a model bundle.
    Train(TrainArgs),
    /// Evaluate a bundle: AUROC (anomaly = positive), JSON report and ROC curve.
    Eval(EvalArgs),
    /// Score image files with a bundle.
    Score(ScoreArgs),
    /// Write sample target-domain images (normal and anomalous) as PNGs, from the held-out split.
    Samples(SamplesArgs),
    /// Run the protocol over classes × seeds × n_t (IRAD and raw-pixel baselines), resumably.
    Experiment(ExperimentArgs),
    /// Measure training-step time and native scoring throughput; prints a Markdown table.
    Bench(BenchArgs),
    /// Show what a bundle holds.
    Info {
        /// Model bundle written by `irad train`.
        bundle: PathBuf,
    },
}

/// The detector on the shared features.
#[derive(Clone, Copy, Debug, Default, ValueEnum, PartialEq)]
pub enum DetectorArg {
    /// Isolation Forest on source + oversampled target features (the design's).
    #[default]
    Iforest,
    /// One-class SVM (RBF) on the target normals' features, standardised with source statistics.
    FeatureSvm,
    /// That feature SVM plus a one-class SVM on the target normals' raw pixels, combined per
    /// image (each score in units of its leave-one-out spread on the normals).
    PairedSvm,
}

/// Which trained state goes into the bundle.
#[derive(Clone, Copy, Debug, Default, ValueEnum, PartialEq)]
pub enum Select {
    /// The state after the last epoch.
    #[default]
    Last,
    /// The epoch with the best source-validation AUROC (held-out source normals vs other
    /// source classes).
    SourceVal,
    /// The epoch with the best cross-domain validation AUROC: target normals vs held-out source
    /// anomalies, scored by an Isolation Forest fitted on source normals only. Uses no target
    /// test image.
    CrossDomain,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq)]
pub enum Backend {
    /// burn's CPU backend (flex).
    Cpu,
    /// burn-wgpu (needs a build with `--features gpu` and a GPU or lavapipe).
    Wgpu,
}

#[derive(Args, Debug, Clone)]
pub struct DeviceArgs {
    /// Compute backend.
    #[arg(long, value_enum, default_value_t = Backend::Cpu)]
    pub backend: Backend,
}

impl DeviceArgs {
    pub fn device(&self) -> Result<Device> {
        match self.backend {
            Backend::Cpu => Ok(Device::flex()),
            #[cfg(feature = "gpu")]
            Backend::Wgpu => Ok(Device::wgpu(Default::default())),
            #[cfg(not(feature = "gpu"))]
            Backend::Wgpu => Err(IradError::Invalid("this irad was built without `--features gpu`; use --backend cpu".into())),
        }
    }
}

/// Which target images are training normals and which are held out (the digits protocol).
#[derive(Args, Debug, Clone)]
pub struct SplitArgs {
    /// Target domain: mnist, mnist-test, optdigits, fashion, fashion-test, or a folder DIR/<label>/*.png.
    #[arg(long, default_value = "optdigits")]
    pub target: Domain,
    /// Label of the normal class (a digit for the built-in sets, a sub-folder name for folders).
    #[arg(long, default_value = "0")]
    pub normal_class: String,
    /// Number of target normals used for training (n_t); the rest of the target is held out.
    #[arg(long, default_value_t = 10)]
    pub n_target: usize,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

#[derive(Args, Debug, Clone)]
pub struct TrainArgs {
    /// Source domain (same forms as --target).
    #[arg(long, default_value = "mnist")]
    pub source: Domain,
    #[command(flatten)]
    pub split: SplitArgs,
    #[arg(long, default_value_t = 15)]
    pub epochs: usize,
    #[arg(long, default_value_t = 48)]
    pub batch: usize,
    #[arg(long, default_value_t = 1e-4)]
    pub lr: f64,
    /// Latent size L.
    #[arg(long, default_value_t = 64)]
    pub latent: usize,
    /// Weight of the cycle (reconstruction) terms.
    #[arg(long, default_value_t = 1.0)]
    pub alpha: f32,
    /// Weight of the disentanglement and similarity terms (the reference code uses 0).
    #[arg(long, default_value_t = 0.5)]
    pub beta: f32,
    /// Weight of the latent domain-confusion terms (0 turns the latent critic off).
    #[arg(long, default_value_t = 1.0)]
    pub latent_weight: f32,
    /// Leave out the random-style images x_rnd = G(z + E_sh(x_s)).
    #[arg(long)]
    pub no_random_style: bool,
    /// Cap the steps per epoch (quick runs).
    #[arg(long)]
    pub max_steps: Option<usize>,
    /// Evaluate AUROC on the target test split after every epoch (AUROC-vs-epoch curve).
    #[arg(long)]
    pub eval_every_epoch: bool,
    /// Detector stored in the bundle.
    #[arg(long, value_enum, default_value_t = DetectorArg::Iforest)]
    pub detector: DetectorArg,
    /// Which epoch's networks to keep (anything but `last` evaluates after every epoch).
    #[arg(long, value_enum, default_value_t = Select::Last)]
    pub select: Select,
    /// Evaluate after the last epoch even without --eval-every-epoch (the experiment runner).
    #[arg(skip)]
    pub eval_last: bool,
    /// Held-out source-domain images for a validation AUROC after every epoch (with
    /// --eval-every-epoch); default: MNIST's test split when the source is MNIST.
    #[arg(long)]
    pub source_val: Option<Domain>,
    /// Where to write the bundle.
    #[arg(long, short, default_value = "model.irad")]
    pub out: PathBuf,
    /// Checkpoint file (default: <out>.ckpt); written after every epoch and on Ctrl-C.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// Continue from the checkpoint if it exists.
    #[arg(long)]
    pub resume: bool,
    /// Write the evaluation report (JSON) and ROC curve (SVG) next to the bundle.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub report: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub device: DeviceArgs,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Model bundle.
    pub bundle: PathBuf,
    /// Evaluate on this whole set instead of the bundle's own target test split.
    #[arg(long)]
    pub target: Option<Domain>,
    /// Normal class for --target (default: the bundle's).
    #[arg(long)]
    pub normal_class: Option<String>,
    /// Directory for report.json and roc.svg.
    #[arg(long, default_value = "eval")]
    pub out_dir: PathBuf,
    #[command(flatten)]
    pub device: DeviceArgs,
}

#[derive(Args, Debug)]
pub struct ScoreArgs {
    /// Model bundle.
    pub bundle: PathBuf,
    /// Image files (PNG, JPEG, GIF, BMP, WebP).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Write <name>.recon.png and <name>.residual.png (heatmap) here.
    #[arg(long)]
    pub images: Option<PathBuf>,
    /// One JSON object per line instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub device: DeviceArgs,
}

#[derive(Args, Debug)]
pub struct ExperimentArgs {
    /// Output folder: runs.jsonl (one line per finished cell), table.md, auroc_by_class.svg.
    #[arg(long, default_value = "results/digits")]
    pub dir: PathBuf,
    /// Label for the IRAD runs in the table (use one per ablation).
    #[arg(long, default_value = "irad")]
    pub method: String,
    /// Normal classes, comma-separated.
    #[arg(long, default_value = "0,1,2,3,4,5,6,7,8,9", value_delimiter = ',')]
    pub classes: Vec<String>,
    #[arg(long, default_value = "0,1,2", value_delimiter = ',')]
    pub seeds: Vec<u64>,
    #[arg(long = "n-targets", default_value = "10", value_delimiter = ',')]
    pub n_targets: Vec<usize>,
    /// Also run the raw-pixel Isolation Forest baselines on the same splits.
    #[arg(long)]
    pub baselines: bool,
    /// Skip IRAD training (baselines only).
    #[arg(long)]
    pub no_irad: bool,
    /// Methods drawn in auroc_by_class_nt<N>.svg, in this order (default: the raw-pixel
    /// baselines and this run's main rows: METHOD, METHOD-tval, METHOD-tval-paired).
    #[arg(long, value_delimiter = ',')]
    pub plot_methods: Vec<String>,
    /// Training settings for the IRAD runs (class, seed and n_t are set per cell).
    #[command(flatten)]
    pub train: TrainArgs,
}

#[derive(Args, Debug)]
pub struct BenchArgs {
    /// Timed training steps (after warm-up).
    #[arg(long, default_value_t = 20)]
    pub steps: usize,
    #[arg(long, default_value_t = 3)]
    pub warmup: usize,
    #[arg(long, default_value_t = 48)]
    pub batch: usize,
    #[arg(long, default_value_t = 64)]
    pub latent: usize,
    /// Bundle to time scoring with (batches of 1, 16, 128).
    #[arg(long, default_value = "models/default.irad")]
    pub bundle: PathBuf,
    #[command(flatten)]
    pub device: DeviceArgs,
}

#[derive(Args, Debug)]
pub struct SamplesArgs {
    /// Samples come from the held-out part of this split.
    #[command(flatten)]
    pub split: SplitArgs,
    /// Images per group (normal; anomalous, spread over the other classes).
    #[arg(long, default_value_t = 6)]
    pub count: usize,
    /// Output folder; gets normal/ and anomaly/ sub-folders.
    #[arg(long, default_value = "web/samples")]
    pub out: PathBuf,
    /// Also write a contact sheet PNG here (normals on top, anomalies below, 3× enlarged).
    #[arg(long)]
    pub sheet: Option<PathBuf>,
}

fn revision() -> String {
    std::process::Command::new("git")
        .args(["-C", env!("CARGO_MANIFEST_DIR"), "rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn load_domain(d: &Domain, quiet: bool) -> Result<ImageSet> {
    let t = Instant::now();
    let set = d.load()?;
    if !quiet {
        eprintln!("loaded {d}: {} images in {:.1}s", set.len(), t.elapsed().as_secs_f64());
    }
    Ok(set)
}

/// Everything a finished training produces (used by the CLI and the experiment runner).
pub struct TrainResult {
    pub bundle: Bundle,
    pub report: crate::train::EvalReport,
    pub seconds_per_step: f64,
    pub epoch_evals: Vec<Option<crate::train::EvalPoint>>,
    pub interrupted: bool,
}

/// Train → fit detector → evaluate on the target test split → bundle.
pub fn train_bundle(a: &TrainArgs, stop: Arc<AtomicBool>) -> Result<TrainResult> {
    let device = a.device.device()?;
    let source_all = load_domain(&a.source, a.quiet)?;
    let target_all = load_domain(&a.split.target, a.quiet)?;
    let source = source_all.subset(&source_normals(&source_all, &a.split.normal_class)?);
    let split = split_target(&target_all, &a.split.normal_class, a.split.n_target, a.split.seed)?;
    let target = target_all.subset(&split.train);
    let test = target_all.subset(&split.test);
    let config = TrainConfig {
        model: IradConfig { latent: a.latent, ..Default::default() },
        weights: LossWeights { alpha: a.alpha, beta: a.beta, latent: a.latent_weight, random_style: !a.no_random_style },
        lr: a.lr,
        batch: a.batch,
        epochs: a.epochs,
        seed: a.split.seed,
        max_steps_per_epoch: a.max_steps,
    };
    let inference = device.clone();
    let trainer = Trainer {
        config: config.clone(),
        source: &source,
        target: &target,
        device: device.clone().autodiff(),
        checkpoint: Some(a.checkpoint.clone().unwrap_or_else(|| a.out.with_extension("ckpt"))),
        progress: !a.quiet,
        stop,
    };
    if !a.quiet {
        eprintln!(
            "training on {} source normals (class {}) + {} target normals; {} epochs × {} steps",
            source.len(),
            a.split.normal_class,
            target.len(),
            a.epochs,
            trainer.steps_per_epoch()
        );
    }
    let val_domain = a.source_val.clone().or_else(|| matches!(a.source, Domain::Mnist).then_some(Domain::MnistTest));
    let evaluating = a.eval_every_epoch || a.eval_last || a.select != Select::Last;
    if a.select != Select::Last && val_domain.is_none() {
        return Err(IradError::Invalid(format!("--select {:?} needs held-out source images: pass --source-val", a.select)));
    }
    let source_val = match (&val_domain, evaluating) {
        (Some(d), true) => Some(source_validation(&load_domain(d, a.quiet)?, &a.split.normal_class, 500, a.split.seed)),
        _ => None,
    };
    // The best state so far under --select: (criterion, epoch, networks).
    let mut best: Option<(f64, usize, crate::model::ScoringNets)> = None;
    let mut per_epoch = |epoch: usize, nets: &crate::model::TrainingNets| -> Option<crate::train::EvalPoint> {
        let wanted = a.eval_every_epoch || a.select != Select::Last || (a.eval_last && epoch + 1 == a.epochs);
        if !wanted {
            return None;
        }
        let networks = Networks::new(nets.scoring().valid().to_device(&inference), a.latent, &inference);
        let p = eval_point(&networks, &source, &target, &test, &a.split.normal_class, source_val.as_ref(), a.split.seed);
        let criterion = match a.select {
            Select::Last => None,
            Select::SourceVal => p.source_val,
            Select::CrossDomain => p.target_val,
        };
        if let Some(c) = criterion
            && best.as_ref().is_none_or(|(b, _, _)| c > *b)
        {
            best = Some((c, epoch, networks.nets));
        }
        Some(p)
    };
    use burn::module::Module;
    let outcome = trainer.run(a.resume, &mut per_epoch)?;
    let (nets, selected_epoch) = match best {
        Some((_, epoch, nets)) => (nets, epoch + 1),
        None => (outcome.nets.scoring().valid().to_device(&inference), outcome.history.len()),
    };
    let networks = Networks::new(nets, a.latent, &inference);
    let kind = match a.detector {
        DetectorArg::Iforest => crate::train::DetectorKind::IsolationForest,
        DetectorArg::FeatureSvm => crate::train::DetectorKind::FeatureSvm,
        DetectorArg::PairedSvm => crate::train::DetectorKind::PairedSvm,
    };
    let (scorer, calibration) = fit_detector(networks, &source, &target, a.split.seed, kind);
    let report = evaluate(&scorer, &test, &a.split.normal_class);
    let mut provenance = Provenance {
        source: a.source.to_string(),
        target: a.split.target.to_string(),
        normal_class: a.split.normal_class.clone(),
        seed: a.split.seed,
        n_target: a.split.n_target,
        epochs: outcome.history.len(),
        revision: revision(),
        command: std::env::args().collect::<Vec<_>>().join(" "),
        ..Default::default()
    };
    provenance.training.insert("config".into(), serde_json::to_value(&config).unwrap_or_default());
    provenance.metrics.insert("auroc".into(), report.auroc);
    provenance.metrics.insert("auroc_residual".into(), report.auroc_residual);
    provenance.metrics.insert("seconds_per_step".into(), outcome.seconds_per_step);
    provenance.training.insert("selected_epoch".into(), serde_json::json!(selected_epoch));
    provenance.training.insert("select".into(), serde_json::json!(format!("{:?}", a.select)));
    let meta = BundleMeta { config: config.model, input: InputSpec::default(), calibration, provenance };
    let bundle = Bundle::new(meta, scorer.detector.clone(), scorer.networks.nets.clone())?;
    Ok(TrainResult {
        bundle,
        report,
        seconds_per_step: outcome.seconds_per_step,
        epoch_evals: outcome.evals,
        interrupted: outcome.interrupted,
    })
}

fn write_report(dir: &Path, title: &str, report: &crate::train::EvalReport) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| IradError::io(format!("creating {}", dir.display()), e))?;
    let json = serde_json::to_vec_pretty(report).expect("report serialises");
    write_atomic(&dir.join("report.json"), &json)?;
    plot::roc_svg(&dir.join("roc.svg"), title, &[(format!("AUROC {:.3}", report.auroc), &report.roc)])
}

fn print_report(r: &crate::train::EvalReport) {
    println!(
        "AUROC {:.4} (residual score {:.4}) on {} normal + {} anomalous images; at the calibrated threshold {:.1}% of normals pass, {:.1}% of anomalies are flagged",
        r.auroc,
        r.auroc_residual,
        r.n_normal,
        r.n_anomalous,
        100.0 * r.normal_accepted,
        100.0 * r.anomalies_flagged
    );
    let per: Vec<String> = r.per_label.iter().map(|(k, v)| format!("{k}: {v:.3}")).collect();
    println!("per anomalous class: {}", per.join("  "));
}

pub fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Command::Train(a) => {
            let stop = Arc::new(AtomicBool::new(false));
            let s = stop.clone();
            let _ = ctrlc::set_handler(move || {
                eprintln!("\nstopping after this step; the checkpoint will be kept (rerun with --resume)");
                s.store(true, std::sync::atomic::Ordering::SeqCst);
            });
            let t = Instant::now();
            let r = train_bundle(&a, stop)?;
            if r.interrupted {
                eprintln!("interrupted: no bundle written; continue with the same command plus --resume");
                return Ok(130);
            }
            r.bundle.write(&a.out)?;
            let dir = a.out.with_extension("report");
            if a.report {
                write_report(&dir, &format!("{} → {}, normal class {}", a.source, a.split.target, a.split.normal_class), &r.report)?;
            }
            print_report(&r.report);
            if a.eval_every_epoch {
                let curve = |f: &dyn Fn(&crate::train::EvalPoint) -> Option<f64>| {
                    r.epoch_evals.iter().map(|v| v.as_ref().and_then(f).map_or("-".into(), |v| format!("{v:.3}"))).collect::<Vec<_>>().join(" ")
                };
                println!("AUROC by epoch: {}", curve(&|p| Some(p.auroc)));
                println!("  one-class SVM on target features: {}", curve(&|p| Some(p.auroc_svm)));
                println!("  residual: {}", curve(&|p| Some(p.auroc_residual)));
                println!("  source validation: {}", curve(&|p| p.source_val));
                println!("  cross-domain validation: {}", curve(&|p| p.target_val));
            }
            println!(
                "wrote {} ({:.1} MB) in {:.0}s, {:.3}s per step{}",
                a.out.display(),
                std::fs::metadata(&a.out).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0),
                t.elapsed().as_secs_f64(),
                r.seconds_per_step,
                if a.report { format!("; report in {}", dir.display()) } else { String::new() }
            );
            Ok(0)
        }
        Command::Eval(a) => {
            let bundle = Bundle::read(&a.bundle)?;
            let device = a.device.device()?;
            let scorer = Scorer::new(&bundle, &device)?;
            let p = &bundle.meta.provenance;
            let normal = a.normal_class.clone().unwrap_or_else(|| p.normal_class.clone());
            let (set, what) = match &a.target {
                Some(d) => (load_domain(d, false)?, format!("all of {d}")),
                None => {
                    let d: Domain = p.target.parse().map_err(|e: String| {
                        IradError::Invalid(format!("the bundle's target `{}` cannot be loaded here ({e}); pass --target", p.target))
                    })?;
                    let all = load_domain(&d, false)?;
                    let split = split_target(&all, &p.normal_class, p.n_target, p.seed)?;
                    (all.subset(&split.test), format!("the {d} test split (seed {}, n_t {})", p.seed, p.n_target))
                }
            };
            eprintln!("evaluating on {what}, normal class {normal}");
            let report = evaluate(&scorer, &set, &normal);
            write_report(&a.out_dir, &format!("{} (normal {normal})", a.bundle.display()), &report)?;
            print_report(&report);
            println!("wrote {0}/report.json and {0}/roc.svg", a.out_dir.display());
            Ok(0)
        }
        Command::Score(a) => score_files(&a),
        Command::Samples(a) => write_samples(&a),
        Command::Bench(a) => bench(&a),
        Command::Experiment(a) => experiment(&a),
        Command::Info { bundle } => {
            let b = Bundle::read(&bundle)?;
            println!("{}", serde_json::to_string_pretty(&b.meta).expect("meta serialises"));
            println!("detector: {}; weights: {:.1} MB", b.detector.name(), b.weights_len() as f64 / 1e6);
            Ok(0)
        }
    }
}

fn score_files(a: &ScoreArgs) -> Result<i32> {
    let bundle = Bundle::read(&a.bundle)?;
    let device = a.device.device()?;
    let scorer = Scorer::new(&bundle, &device)?;
    let mut good: Vec<(PathBuf, Vec<f32>)> = vec![];
    let mut failed = 0;
    for f in &a.files {
        let res = std::fs::read(f)
            .map_err(|e| IradError::io(format!("reading {}", f.display()), e))
            .and_then(|b| crate::preprocess::preprocess_bytes(&b, &f.display().to_string()));
        match res {
            Ok(px) => good.push((f.clone(), px)),
            Err(e) => {
                failed += 1;
                if a.json {
                    println!("{}", serde_json::json!({"file": f.display().to_string(), "error": e.to_string()}));
                } else {
                    eprintln!("skipped: {e}");
                }
            }
        }
    }
    if let Some(dir) = &a.images {
        std::fs::create_dir_all(dir).map_err(|e| IradError::io(format!("creating {}", dir.display()), e))?;
    }
    if !a.json && !good.is_empty() {
        println!("{:<40} {:>8} {:>9}  verdict", "file", "score", "threshold");
    }
    for chunk in good.chunks(64) {
        let images: Vec<f32> = chunk.iter().flat_map(|(_, px)| px.iter().copied()).collect();
        for ((path, _), s) in chunk.iter().zip(scorer.score(&images)) {
            if let Some(dir) = &a.images {
                let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "image".into());
                plot::save_map(&dir.join(format!("{stem}.recon.png")), &s.reconstruction, 8, false)?;
                plot::save_map(&dir.join(format!("{stem}.residual.png")), &s.residual, 8, true)?;
            }
            if a.json {
                println!(
                    "{}",
                    serde_json::json!({"file": path.display().to_string(), "score": s.score, "threshold": s.threshold,
                        "isAnomaly": s.is_anomaly, "residualScore": s.residual_score})
                );
            } else {
                println!(
                    "{:<40} {:>8.5} {:>9.5}  {}",
                    path.display(),
                    s.score,
                    s.threshold,
                    if s.is_anomaly { "ANOMALY" } else { "normal" }
                );
            }
        }
    }
    if failed > 0 {
        eprintln!("{failed} of {} files could not be scored", a.files.len());
        return Ok(1);
    }
    Ok(0)
}

/// Held-out target images as 32×32 PNGs (exactly the network's input grid, so nothing is lost).
fn write_samples(a: &SamplesArgs) -> Result<i32> {
    let all = load_domain(&a.split.target, true)?;
    let split = split_target(&all, &a.split.normal_class, a.split.n_target, a.split.seed)?;
    let normal: Vec<usize> = split.test.iter().copied().filter(|&i| all.labels[i] == a.split.normal_class).take(a.count).collect();
    // Anomalies: round-robin over the other labels, so every class shows up.
    let mut labels: Vec<String> = all.labels.iter().filter(|l| **l != a.split.normal_class).cloned().collect();
    labels.sort();
    labels.dedup();
    let mut anomalies = vec![];
    let mut k = 0;
    while anomalies.len() < a.count && !labels.is_empty() {
        let l = &labels[k % labels.len()];
        if let Some(&i) = split.test.iter().find(|&&i| &all.labels[i] == l && !anomalies.contains(&i)) {
            anomalies.push(i);
        }
        k += 1;
        if k > a.count * labels.len() {
            break;
        }
    }
    let mut index = vec![];
    for (group, rows) in [("normal", &normal), ("anomaly", &anomalies)] {
        let dir = a.out.join(group);
        std::fs::create_dir_all(&dir).map_err(|e| IradError::io(format!("creating {}", dir.display()), e))?;
        for &i in rows.iter() {
            let px = all.image(i);
            let img = image::GrayImage::from_fn(32, 32, |x, y| {
                image::Luma([(((px[(y * 32 + x) as usize] + 1.0) / 2.0).clamp(0.0, 1.0) * 255.0).round() as u8])
            });
            let path = dir.join(format!("{}-digit{}-row{i}.png", a.split.target, all.labels[i]));
            img.save(&path).map_err(|e| IradError::Invalid(format!("writing {}: {e}", path.display())))?;
            index.push(format!("{group}/{}", path.file_name().unwrap().to_string_lossy()));
        }
    }
    if let Some(path) = &a.sheet {
        plot::contact_sheet(path, &[normal.iter().map(|&i| all.image(i)).collect(), anomalies.iter().map(|&i| all.image(i)).collect()], 3)?;
        println!("contact sheet: {}", path.display());
    }
    // A static page cannot list folders: it reads this index.
    write_atomic(&a.out.join("index.json"), &serde_json::to_vec_pretty(&index).expect("index serialises"))?;
    println!("wrote {} normal and {} anomalous images to {}", normal.len(), anomalies.len(), a.out.display());
    Ok(0)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Training-step and scoring speed on this machine (the numbers behind results/speed.md).
fn bench(a: &BenchArgs) -> Result<i32> {
    use crate::model::TrainingNets;
    use crate::train::step::{Optimizers, train_step};
    let device = a.device.device()?;
    let ad = device.clone().autodiff();
    let mnist = load_domain(&Domain::Mnist, true)?;
    let src = mnist.subset(&source_normals(&mnist, "0")?);
    let threads = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    ad.seed(0);
    let mut nets = TrainingNets::new(&IradConfig { latent: a.latent, ..Default::default() }, &ad);
    let mut opt = Optimizers::adam();
    let weights = LossWeights::default();
    let mut times = vec![];
    for s in 0..a.warmup + a.steps {
        let idx: Vec<usize> = (s * a.batch..(s + 1) * a.batch).map(|i| i % src.len()).collect();
        let xs = Networks::batch_tensor(&src.subset(&idx).images, &ad);
        let xt = Networks::batch_tensor(&src.subset(&idx).images, &ad);
        let t = Instant::now();
        let (n, _) = train_step(nets, &mut opt, xs, xt, &weights, 1e-4);
        nets = n;
        if s >= a.warmup {
            times.push(t.elapsed().as_secs_f64());
        }
    }
    let step = median(times.clone());
    let steps_per_epoch = src.len().div_ceil(a.batch);
    println!("| what | value |\n|---|---|");
    println!("| backend / threads | {:?} / {threads} |", a.device.backend);
    println!("| training step (batch {}, L = {}), median of {} | {:.3} s |", a.batch, a.latent, a.steps, step);
    println!("| training step, mean | {:.3} s |", times.iter().sum::<f64>() / times.len() as f64);
    println!("| one epoch (MNIST class 0: {} steps), estimated | {:.0} s |", steps_per_epoch, step * steps_per_epoch as f64);
    println!("| peak memory (training) | {:.0} MB |", peak_rss_mb());
    if a.bundle.exists() {
        let bundle = Bundle::read(&a.bundle)?;
        let scorer = Scorer::new(&bundle, &device)?;
        for b in [1usize, 16, 128] {
            let idx: Vec<usize> = (0..b).collect();
            let imgs = src.subset(&idx).images;
            let _ = scorer.score(&imgs);
            let reps = (256 / b).max(3);
            let t = Instant::now();
            for _ in 0..reps {
                let _ = scorer.score(&imgs);
            }
            let per = t.elapsed().as_secs_f64() / (reps * b) as f64;
            println!("| native scoring, batch {b} | {:.0} images/s |", 1.0 / per);
        }
    }
    Ok(0)
}

fn experiment(a: &ExperimentArgs) -> Result<i32> {
    use crate::experiment::{RunRecord, append_record, load_records, pending, raw_pixel_baselines, render_table};
    std::fs::create_dir_all(&a.dir).map_err(|e| IradError::io(format!("creating {}", a.dir.display()), e))?;
    let runs = a.dir.join("runs.jsonl");
    let cells: Vec<(String, u64, usize)> = a
        .n_targets
        .iter()
        .flat_map(|&n| a.seeds.iter().flat_map(move |&s| a.classes.iter().map(move |c| (c.clone(), s, n))))
        .collect();
    let stop = Arc::new(AtomicBool::new(false));
    let s = stop.clone();
    let _ = ctrlc::set_handler(move || s.store(true, std::sync::atomic::Ordering::SeqCst));
    if a.baselines {
        let done = load_records(&runs)?;
        let source_all = load_domain(&a.train.source, true)?;
        let target_all = load_domain(&a.train.split.target, true)?;
        let have: std::collections::BTreeSet<_> = done.iter().map(|r| r.key()).collect();
        for (class, seed, n_t) in pending(&done, "svm-raw-target", &cells).into_iter().cloned() {
            let t = Instant::now();
            let source = source_all.subset(&source_normals(&source_all, &class)?);
            let split = split_target(&target_all, &class, n_t, seed)?;
            let (target, test) = (target_all.subset(&split.train), target_all.subset(&split.test));
            for (method, auc) in raw_pixel_baselines(&source, &target, &test, &class, seed) {
                if have.contains(&(method.clone(), class.clone(), seed, n_t)) {
                    continue;
                }
                let r = RunRecord { method, class: class.clone(), seed, n_t, auroc: auc, epoch_aurocs: vec![], points: vec![], seconds: t.elapsed().as_secs_f64() };
                append_record(&runs, &r)?;
            }
            eprintln!("baselines class {class} seed {seed} n_t {n_t} done");
        }
    }
    if !a.no_irad {
        let done = load_records(&runs)?;
        let todo: Vec<_> = pending(&done, &a.method, &cells).into_iter().cloned().collect();
        eprintln!("{} IRAD runs to go ({} already done)", todo.len(), cells.len() - todo.len());
        for (k, (class, seed, n_t)) in todo.iter().enumerate() {
            let cell = a.dir.join(format!("{}-k{class}-s{seed}-nt{n_t}.irad", a.method));
            let split = SplitArgs { normal_class: class.clone(), seed: *seed, n_target: *n_t, ..a.train.split.clone() };
            let args = TrainArgs { split, out: cell.clone(), report: false, eval_last: true, resume: true, ..a.train.clone() };
            let t = Instant::now();
            let r = train_bundle(&args, stop.clone())?;
            if r.interrupted {
                eprintln!("stopped; rerun the same command to continue");
                return Ok(130);
            }
            let _ = std::fs::remove_file(cell.with_extension("ckpt"));
            let secs = t.elapsed().as_secs_f64();
            let points: Vec<crate::train::EvalPoint> = r.epoch_evals.iter().flatten().copied().collect();
            let rows = crate::experiment::derived_rows(&a.method, r.report.auroc, r.report.auroc_residual, &points);
            for (method, auc) in rows {
                let rec = RunRecord {
                    method,
                    class: class.clone(),
                    seed: *seed,
                    n_t: *n_t,
                    auroc: auc,
                    epoch_aurocs: r.epoch_evals.iter().map(|p| p.map(|p| p.auroc)).collect(),
                    points: r.epoch_evals.clone(),
                    seconds: secs,
                };
                append_record(&runs, &rec)?;
            }
            eprintln!("[{}/{}] {} class {class} seed {seed} n_t {n_t}: AUROC {:.4} ({secs:.0}s)", k + 1, todo.len(), a.method, r.report.auroc);
        }
    }
    let records = load_records(&runs)?;
    let table = render_table(&records);
    write_atomic(&a.dir.join("table.md"), table.as_bytes())?;
    draw_experiment_plots(&a.dir, &a.method, &a.plot_methods, &records)?;
    println!("{table}");
    Ok(0)
}

/// `auroc_by_class_nt<N>.svg` (`plot_methods`, or the baselines and `method`'s main rows, per
/// class) and `curves_<method>.svg` (every score of `method` over its evaluation points).
fn draw_experiment_plots(dir: &Path, method: &str, plot_methods: &[String], records: &[crate::experiment::RunRecord]) -> Result<()> {
    use std::collections::{BTreeMap, BTreeSet};
    // A chart with every row of a results folder is unreadable: a chosen few, in a fixed order.
    let wanted: Vec<String> = if plot_methods.is_empty() {
        let mut m: Vec<String> = ["if-raw-source", "if-raw-source+target", "if-raw-target", "svm-raw-target"].map(String::from).to_vec();
        m.extend([method.to_string(), format!("{method}-tval"), format!("{method}-tval-paired")]);
        m
    } else {
        plot_methods.to_vec()
    };
    let n_ts: BTreeSet<usize> = records.iter().map(|r| r.n_t).collect();
    for n_t in n_ts {
        let mut by: BTreeMap<&str, BTreeMap<usize, Vec<f64>>> = BTreeMap::new();
        for r in records.iter().filter(|r| r.n_t == n_t && wanted.contains(&r.method)) {
            if let Ok(c) = r.class.parse::<usize>() {
                by.entry(&r.method).or_default().entry(c).or_default().push(100.0 * r.auroc);
            }
        }
        let series: Vec<(String, Vec<(usize, f64)>)> = wanted
            .iter()
            .filter_map(|m| by.get(m.as_str()).map(|cls| (m.clone(), cls.iter().map(|(c, v)| (*c, v.iter().sum::<f64>() / v.len() as f64)).collect())))
            .collect();
        if !series.is_empty() {
            plot::auroc_by_class_svg(&dir.join(format!("auroc_by_class_nt{n_t}.svg")), &format!("AUROC per normal class, n_t = {n_t} (mean over seeds)"), &series)?;
        }
    }
    let runs: Vec<&crate::experiment::RunRecord> = records.iter().filter(|r| r.method == method && !r.epoch_aurocs.is_empty()).collect();
    if runs.is_empty() {
        return Ok(());
    }
    let pick = |f: &dyn Fn(&crate::experiment::RunRecord) -> Vec<f64>| -> Vec<Vec<f64>> { runs.iter().map(|r| f(r)).filter(|v| !v.is_empty()).collect() };
    let pts = |f: fn(&crate::train::EvalPoint) -> Option<f64>| move |r: &crate::experiment::RunRecord| -> Vec<f64> { r.points.iter().flatten().filter_map(f).map(|v| 100.0 * v).collect() };
    let mut series = vec![("target test, Isolation Forest".to_string(), pick(&|r| r.epoch_aurocs.iter().flatten().map(|v| 100.0 * v).collect()))];
    for (label, f) in [
        ("target test, one-class SVM", pts(|p| Some(p.auroc_svm))),
        ("target test, RBF SVM on features", pts(|p| p.auroc_svm_rbf)),
        ("target test, paired SVM (features + pixels)", pts(|p| p.auroc_paired)),
        ("source validation", pts(|p| p.source_val)),
        ("cross-domain validation", pts(|p| p.target_val)),
    ] {
        let v = pick(&f);
        if !v.is_empty() {
            series.push((label.to_string(), v));
        }
    }
    plot::curves_svg(&dir.join(format!("curves_{method}.svg")), &format!("{method}: AUROC over training"), "evaluation point (after each epoch)", &series)
}
