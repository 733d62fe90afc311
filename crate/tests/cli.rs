#![cfg(not(target_arch = "wasm32"))]
//! The `irad` binary end to end: train → eval → score, and its errors on bad input.

use std::path::Path;
use std::process::{Command, Output};

fn irad(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_irad")).args(args).output().expect("run irad")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn digit_png(path: &Path, seed: u32) {
    let img = image::GrayImage::from_fn(28, 28, |x, y| {
        let (dx, dy) = (x as i32 - 14, y as i32 - 14);
        let r2 = dx * dx + dy * dy;
        image::Luma([if (40 + seed as i32..90 + seed as i32).contains(&r2) { 255 } else { 0 }])
    });
    img.save(path).unwrap();
}

#[test]
fn train_eval_score_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bundle = d.join("m.irad");
    let o = irad(&[
        "train", "--epochs", "1", "--max-steps", "2", "--batch", "8", "--latent", "16", "--normal-class", "1", "--quiet", "--out",
        bundle.to_str().unwrap(),
    ]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "train failed: {err}");
    assert!(out.contains("AUROC"), "{out}");
    assert!(bundle.exists());
    assert!(d.join("m.report/roc.svg").exists() && d.join("m.report/report.json").exists());

    let o = irad(&["eval", bundle.to_str().unwrap(), "--out-dir", d.join("ev").to_str().unwrap()]);
    let (out, err) = text(&o);
    assert!(o.status.success(), "eval failed: {err}");
    assert!(out.contains("AUROC"), "{out}");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(d.join("ev/report.json")).unwrap()).unwrap();
    assert_eq!(report["n_normal"].as_u64().unwrap() + report["n_anomalous"].as_u64().unwrap(), 1_787);
    let svg = std::fs::read_to_string(d.join("ev/roc.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("AUROC"));

    // Score: two good images, one corrupt, one missing → the good ones are scored, exit code 1.
    digit_png(&d.join("a.png"), 0);
    digit_png(&d.join("b.png"), 30);
    std::fs::write(d.join("bad.png"), b"\x89PNG\r\n\x1a\nbroken").unwrap();
    let o = irad(&[
        "score", bundle.to_str().unwrap(),
        d.join("a.png").to_str().unwrap(), d.join("bad.png").to_str().unwrap(),
        d.join("missing.png").to_str().unwrap(), d.join("b.png").to_str().unwrap(),
        "--images", d.join("maps").to_str().unwrap(),
    ]);
    let (out, err) = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}\n{err}");
    assert!(out.contains("a.png") && out.contains("b.png"), "{out}");
    assert!(err.contains("bad.png") && err.contains("missing.png"), "{err}");
    assert!(d.join("maps/a.recon.png").exists() && d.join("maps/b.residual.png").exists());
    let heat = image::open(d.join("maps/a.residual.png")).unwrap();
    assert_eq!((heat.width(), heat.height()), (256, 256));

    // JSON lines carry the same verdicts.
    let o = irad(&["score", bundle.to_str().unwrap(), d.join("a.png").to_str().unwrap(), "--json"]);
    let line: serde_json::Value = serde_json::from_str(text(&o).0.lines().next().unwrap()).unwrap();
    assert!(line["score"].as_f64().unwrap() > 0.0);
    assert_eq!(line["isAnomaly"].as_bool().unwrap(), line["score"].as_f64().unwrap() > line["threshold"].as_f64().unwrap());
}

#[test]
fn errors_name_the_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();

    let o = irad(&["score", d.join("nope.irad").to_str().unwrap(), "x.png"]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("nope.irad"), "{err}");

    std::fs::write(d.join("junk.irad"), b"definitely not a model").unwrap();
    let o = irad(&["info", d.join("junk.irad").to_str().unwrap()]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("junk.irad") && err.contains("not an irad model bundle"), "{err}");

    let o = irad(&["train", "--source", "no-such-domain"]);
    let err = text(&o).1;
    assert!(!o.status.success());
    assert!(err.contains("no-such-domain") && err.contains("mnist"), "{err}");

    let o = irad(&["train", "--n-target", "100000", "--epochs", "1", "--quiet", "--out", d.join("x.irad").to_str().unwrap()]);
    let err = text(&o).1;
    assert_eq!(o.status.code(), Some(2));
    assert!(err.contains("n_t = 100000"), "{err}");
    assert!(!d.join("x.irad").exists(), "nothing written on failure");

    let o = irad(&["train", "--normal-class", "x", "--quiet"]);
    assert!(text(&o).1.contains("`x`"));

    let o = irad(&["--help"]);
    let out = text(&o).0;
    for cmd in ["train", "eval", "score", "info"] {
        assert!(out.contains(cmd), "{out}");
    }
}
