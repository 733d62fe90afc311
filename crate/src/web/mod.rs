//! The wasm-bindgen facade: a thin layer over `bundle`, `preprocess` and `score`. Everything the
//! browser computes goes through the same code as the native CLI.

mod backend;
mod inputs;

use js_sys::{Array, Float32Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::bundle::Bundle;
use crate::model::IMAGE_PIXELS;
use crate::score::Scorer as CoreScorer;

pub use backend::BackendInfo;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/** An image to score: encoded bytes (PNG, JPEG, GIF, BMP, WebP), a Blob/File, or decoded ImageData. */
export type ImageInput = Uint8Array | ArrayBuffer | Blob | File | ImageData;
/** One image's result: a score, or the reason it could not be scored. */
export type ScoreResult =
  | { ok: true; score: number; threshold: number; isAnomaly: boolean; residualScore: number;
      /** 32×32 row-major, values in [0, 1] */ reconstruction: Float32Array;
      /** 32×32 row-major |input − reconstruction|, values in [0, 1] */ residual: Float32Array }
  | { ok: false; error: string };
/** Options of Scorer.load / Scorer.default. */
export interface LoadOptions { backend?: "auto" | "webgpu" | "cpu" }
"#;

/// Runs when the module is instantiated: installs the panic hook (panics reach the console
/// with their message).
#[wasm_bindgen(start)]
pub fn start() {
    // Any panic reaches the console with its message instead of a bare `unreachable`.
    console_error_panic_hook::set_once();
}

#[wasm_bindgen(module = "/js/locate.js")]
extern "C" {
    /// URL of the default bundle shipped beside the package's `.wasm`.
    fn default_bundle_url() -> String;
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

/// Scores images with an IRAD model bundle, on WebGPU or the CPU.
#[wasm_bindgen]
pub struct Scorer {
    core: CoreScorer,
    bundle: Bundle,
    backend: BackendInfo,
}

#[wasm_bindgen]
impl Scorer {
    /// Load a bundle from bytes (`Uint8Array`/`ArrayBuffer`), a `Blob`/`File`, or a URL string.
    /// `options.backend`: `"auto"` (default: WebGPU on a hardware adapter, else CPU),
    /// `"webgpu"` (use WebGPU even on a software adapter; falls back to CPU if none) or `"cpu"`.
    pub async fn load(
        #[wasm_bindgen(unchecked_param_type = "Uint8Array | ArrayBuffer | Blob | string")] source: JsValue,
        #[wasm_bindgen(unchecked_param_type = "LoadOptions")] options: Option<Object>,
    ) -> Result<Scorer, JsError> {
        let bytes = inputs::bytes_of(&source, "bundle").await.map_err(|e| JsError::new(&e))?;
        let bundle = Bundle::from_bytes(&bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let wanted = options
            .and_then(|o| Reflect::get(&o, &JsValue::from_str("backend")).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| "auto".into());
        let backend = backend::select(&wanted).await.map_err(|e| JsError::new(&e))?;
        let core = CoreScorer::new(&bundle, &backend.device).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Scorer { core, bundle, backend })
    }

    /// Load the default bundle shipped with the package (`default.irad` beside the `.wasm`).
    #[wasm_bindgen(js_name = "default")]
    pub async fn default_bundle(
        #[wasm_bindgen(unchecked_param_type = "LoadOptions")] options: Option<Object>,
    ) -> Result<Scorer, JsError> {
        Self::load(JsValue::from_str(&default_bundle_url()), options).await
    }

    /// `"webgpu"` or `"cpu"`.
    #[wasm_bindgen(getter)]
    pub fn backend(&self) -> String {
        self.backend.kind.to_string()
    }

    /// The WebGPU adapter's description, or why the CPU is used.
    #[wasm_bindgen(getter, js_name = "backendReason")]
    pub fn backend_reason(&self) -> String {
        self.backend.reason.clone()
    }

    /// Decision threshold on the score (calibrated on the training normals).
    #[wasm_bindgen(getter)]
    pub fn threshold(&self) -> f32 {
        self.core.threshold
    }

    /// The detector on the shared features: `isolation-forest`, `one-class-svm` or `paired-svm`
    /// (feature SVM + raw-pixel SVM).
    #[wasm_bindgen(getter)]
    pub fn detector(&self) -> String {
        self.core.detector.name().to_string()
    }

    /// The bundle's metadata: config, calibration, provenance and metrics.
    #[wasm_bindgen(getter)]
    pub fn info(&self) -> Result<JsValue, JsError> {
        let ser = serde_wasm_bindgen::Serializer::json_compatible();
        serde::Serialize::serialize(&self.bundle.meta, &ser).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Score one image or an array of images. An image is encoded bytes (PNG, JPEG, GIF, BMP,
    /// WebP as `Uint8Array`/`ArrayBuffer`), a `Blob`/`File`, or an `ImageData`. Resolves to an
    /// array with, per image, `{ok: true, score, threshold, isAnomaly, residualScore,
    /// reconstruction, residual}` (32×32 `Float32Array`s in [0, 1]) or `{ok: false, error}`.
    pub async fn score(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImageInput | ImageInput[]")] images: JsValue,
    ) -> Result<Array, JsError> {
        let list: Vec<JsValue> = if Array::is_array(&images) { Array::from(&images).to_vec() } else { vec![images] };
        let mut prepared: Vec<Result<Vec<f32>, String>> = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            prepared.push(inputs::preprocess(item, i).await);
        }
        let good: Vec<f32> = prepared.iter().filter_map(|p| p.as_ref().ok()).flat_map(|v| v.iter().copied()).collect();
        let mut scores = Vec::with_capacity(good.len() / IMAGE_PIXELS);
        for chunk in good.chunks(64 * IMAGE_PIXELS) {
            scores.extend(self.core.score_async(chunk).await.map_err(|e| JsError::new(&e.to_string()))?);
        }
        let mut scores = scores.into_iter();
        let out = Array::new();
        for p in prepared {
            let o = Object::new();
            match p {
                Ok(_) => {
                    let s = scores.next().expect("one score per prepared image");
                    set(&o, "ok", &JsValue::TRUE);
                    set(&o, "score", &JsValue::from_f64(s.score as f64));
                    set(&o, "threshold", &JsValue::from_f64(s.threshold as f64));
                    set(&o, "isAnomaly", &JsValue::from_bool(s.is_anomaly));
                    set(&o, "residualScore", &JsValue::from_f64(s.residual_score as f64));
                    set(&o, "reconstruction", &Float32Array::from(s.reconstruction.as_slice()).into());
                    set(&o, "residual", &Float32Array::from(s.residual.as_slice()).into());
                }
                Err(e) => {
                    set(&o, "ok", &JsValue::FALSE);
                    set(&o, "error", &JsValue::from_str(&e));
                }
            }
            out.push(&o);
        }
        Ok(out)
    }

    /// Shared-encoder features (L per image) of one image or an array, for client-side
    /// adaptation. Bad images give `null`.
    pub async fn features(
        &self,
        #[wasm_bindgen(unchecked_param_type = "ImageInput | ImageInput[]")] images: JsValue,
    ) -> Result<Array, JsError> {
        let list: Vec<JsValue> = if Array::is_array(&images) { Array::from(&images).to_vec() } else { vec![images] };
        let out = Array::new();
        for (i, item) in list.iter().enumerate() {
            match inputs::preprocess(item, i).await {
                Ok(px) => {
                    let b = self.core.networks.forward_async(&px).await.map_err(|e| JsError::new(&e.to_string()))?;
                    out.push(&Float32Array::from(b.features.data.as_slice()).into());
                }
                Err(_) => {
                    out.push(&JsValue::NULL);
                }
            }
        }
        Ok(out)
    }
}

#[wasm_bindgen]
impl Scorer {
    /// Adapt to your own domain: refit the bundle's kind of detector on a few normal images of
    /// it (their shared features, and their pixels for a paired SVM) and recalibrate the
    /// threshold on them.
    /// Returns the number of images used; bad images are skipped. `restore()` undoes it.
    pub async fn adapt(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "ImageInput[]")] normals: JsValue,
    ) -> Result<u32, JsError> {
        let list: Vec<JsValue> = if Array::is_array(&normals) { Array::from(&normals).to_vec() } else { vec![normals] };
        let mut px = vec![];
        for (i, item) in list.iter().enumerate() {
            if let Ok(v) = inputs::preprocess(item, i).await {
                px.extend(v);
            }
        }
        let n = px.len() / IMAGE_PIXELS;
        if n < 2 {
            return Err(JsError::new(&format!("adaptation needs at least 2 readable normal images, got {n}")));
        }
        let out = self.core.networks.forward_async(&px).await.map_err(|e| JsError::new(&e.to_string()))?;
        let (detector, threshold) = crate::detector::refit(&out.features, &px, crate::detector::ADAPT_QUANTILE, &self.bundle.detector);
        self.core.detector = detector;
        self.core.threshold = threshold;
        Ok(n as u32)
    }

    /// Undo `adapt`: back to the bundle's own detector and threshold.
    pub fn restore(&mut self) {
        self.core.detector = self.bundle.detector.clone();
        self.core.threshold = self.bundle.meta.calibration.threshold;
    }

    /// Whether the detector currently comes from `adapt` rather than the bundle.
    #[wasm_bindgen(getter)]
    pub fn adapted(&self) -> bool {
        self.core.detector != self.bundle.detector
    }
}

/// Preprocess one image exactly as the scorer does: 1024 values in [-1, 1] (32×32).
#[wasm_bindgen]
pub async fn preprocess(
    #[wasm_bindgen(unchecked_param_type = "ImageInput")] image: JsValue,
) -> Result<Float32Array, JsError> {
    inputs::preprocess(&image, 0).await.map(|v| Float32Array::from(v.as_slice())).map_err(|e| JsError::new(&e))
}
