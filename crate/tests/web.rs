//! Browser tests (wasm-bindgen-test in headless Chromium): the committed default bundle loads,
//! scores equal the native CLI's on both backends, and bad inputs give errors, never panics.
#![cfg(target_arch = "wasm32")]

use irad::web::Scorer;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const BUNDLE: &[u8] = include_bytes!("../../models/default.irad");

#[derive(serde::Deserialize)]
struct Parity {
    images: Vec<ParityImage>,
}
#[derive(serde::Deserialize)]
struct ParityImage {
    file: String,
    png: Vec<u8>,
    score: f32,
    #[serde(rename = "residualScore")]
    residual_score: f32,
    #[serde(rename = "isAnomaly")]
    is_anomaly: bool,
}

fn parity() -> Parity {
    serde_json::from_str(include_str!("fixtures/parity.json")).unwrap()
}

fn opts(backend: &str) -> Option<Object> {
    let o = Object::new();
    Reflect::set(&o, &"backend".into(), &backend.into()).unwrap();
    Some(o)
}

fn bytes(b: &[u8]) -> JsValue {
    Uint8Array::from(b).into()
}

fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &k.into()).unwrap()
}

async fn load(backend: &str) -> Scorer {
    Scorer::load(bytes(BUNDLE), opts(backend)).await.map_err(JsValue::from).expect("default bundle loads")
}

async fn check_parity(s: &Scorer, tol: f32) {
    let p = parity();
    let imgs = Array::new();
    for i in &p.images {
        imgs.push(&bytes(&i.png));
    }
    let out = s.score(imgs.into()).await.map_err(JsValue::from).unwrap();
    assert_eq!(out.length() as usize, p.images.len());
    for (i, want) in p.images.iter().enumerate() {
        let r = out.get(i as u32);
        assert_eq!(get(&r, "ok").as_bool(), Some(true), "{}: {:?}", want.file, get(&r, "error"));
        let score = get(&r, "score").as_f64().unwrap() as f32;
        let resid = get(&r, "residualScore").as_f64().unwrap() as f32;
        assert!((score - want.score).abs() <= tol, "{} on {}: score {score} vs native {}", want.file, s.backend(), want.score);
        assert!((resid - want.residual_score).abs() <= tol, "{}: residual {resid} vs native {}", want.file, want.residual_score);
        assert_eq!(get(&r, "isAnomaly").as_bool(), Some(want.is_anomaly));
        assert_eq!(js_sys::Float32Array::from(get(&r, "reconstruction")).length(), 1024);
    }
}

#[wasm_bindgen_test]
async fn cpu_scores_equal_native() {
    let s = load("cpu").await;
    assert_eq!(s.backend(), "cpu");
    let info = s.info().map_err(JsValue::from).unwrap();
    let prov = get(&info, "provenance");
    assert_eq!(get(&prov, "normal_class").as_string().as_deref(), Some("0"));
    check_parity(&s, 1e-4).await;
}

#[wasm_bindgen_test]
async fn webgpu_scores_equal_native() {
    // Headless Chromium here has SwiftShader's software adapter; "webgpu" forces it.
    let s = load("webgpu").await;
    assert_eq!(s.backend(), "webgpu", "reason: {}", s.backend_reason());
    check_parity(&s, 1e-3).await;
    // "auto" sees the software adapter and prefers the CPU, saying why.
    let a = load("auto").await;
    assert_eq!(a.backend(), "cpu");
    assert!(a.backend_reason().contains("software"), "{}", a.backend_reason());
}

fn png_header(w: u32, h: u32) -> Vec<u8> {
    // A valid signature + IHDR claiming w×h, and no image data.
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&w.to_be_bytes());
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    v.extend_from_slice(&13u32.to_be_bytes());
    v.extend_from_slice(&ihdr);
    // CRC of the chunk type + data.
    let mut crc = 0xFFFF_FFFFu32;
    for &b in &ihdr {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    v.extend_from_slice(&(!crc).to_be_bytes());
    v
}

fn png16() -> Vec<u8> {
    let img = image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_fn(20, 20, |x, y| image::Luma([((x * y * 160) % 65535) as u16]));
    let mut out = std::io::Cursor::new(vec![]);
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn animated_gif() -> Vec<u8> {
    let mut out = vec![];
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        for k in 0..3u8 {
            let frame = image::RgbaImage::from_fn(16, 16, |x, _| image::Rgba([x as u8 * 16, k * 80, 0, 255]));
            enc.encode_frame(image::Frame::new(frame)).unwrap();
        }
    }
    out
}

#[wasm_bindgen_test]
async fn bad_inputs_are_errors_and_the_scorer_keeps_working() {
    let s = load("cpu").await;
    let p = parity();
    let cases: Vec<(&str, Vec<u8>, bool)> = vec![
        ("zero-byte file", vec![], false),
        ("text file", b"just some notes, not an image".to_vec(), false),
        ("20000x20000 header", png_header(20000, 20000), false),
        ("truncated PNG", p.images[0].png[..20].to_vec(), false),
        ("animated GIF", animated_gif(), false),
        // A 16-bit PNG is a valid grayscale image: converted and scored.
        ("16-bit PNG", png16(), true),
    ];
    let imgs = Array::new();
    for (_, b, _) in &cases {
        imgs.push(&bytes(b));
    }
    imgs.push(&bytes(&p.images[0].png));
    let out = s.score(imgs.into()).await.map_err(JsValue::from).unwrap();
    for (i, (what, _, ok)) in cases.iter().enumerate() {
        let r = out.get(i as u32);
        assert_eq!(get(&r, "ok").as_bool(), Some(*ok), "{what}: {:?}", get(&r, "error"));
        if !ok {
            let e = get(&r, "error").as_string().unwrap();
            assert!(!e.is_empty());
            if what.starts_with("animated") {
                assert!(e.contains("animated"), "{e}");
            }
            if what.starts_with("20000") {
                assert!(e.contains("20000×20000") && e.contains("at most"), "{e}");
            }
        }
    }
    // The good image in the same batch still gets the native score, and later calls work.
    let last = out.get(cases.len() as u32);
    assert!((get(&last, "score").as_f64().unwrap() as f32 - p.images[0].score).abs() <= 1e-4);
    check_parity(&s, 1e-4).await;
}

#[wasm_bindgen_test]
async fn corrupt_and_truncated_bundles_are_refused() {
    let mut corrupt = BUNDLE.to_vec();
    let mid = corrupt.len() / 2;
    corrupt[mid] ^= 0xFF;
    for (what, b) in [("corrupt", corrupt), ("truncated", BUNDLE[..BUNDLE.len() / 3].to_vec()), ("garbage", b"hello".to_vec())] {
        match Scorer::load(bytes(&b), opts("cpu")).await {
            Ok(_) => panic!("{what} bundle loaded"),
            Err(e) => {
                let msg = format!("{:?}", JsValue::from(e));
                assert!(msg.contains("bundle"), "{what}: {msg}");
            }
        }
    }
    // And a good one still loads afterwards.
    let _ = load("cpu").await;
}
