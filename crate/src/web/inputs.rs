//! JS values → bytes or preprocessed pixels, with errors that name the input.

use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::preprocess::{MAX_SIDE, prepare_gray, preprocess_bytes};

fn name_of(v: &JsValue, index: usize) -> String {
    Reflect::get(v, &JsValue::from_str("name"))
        .ok()
        .and_then(|n| n.as_string())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| format!("image #{index}"))
}

/// Bytes of a `Uint8Array`, `ArrayBuffer`, `Blob`/`File`, or a URL string (fetched).
pub async fn bytes_of(v: &JsValue, what: &str) -> Result<Vec<u8>, String> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        return Ok(a.to_vec());
    }
    if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(b).to_vec());
    }
    if let Some(blob) = v.dyn_ref::<web_sys::Blob>() {
        let buf = JsFuture::from(blob.array_buffer()).await.map_err(|e| format!("cannot read {what}: {e:?}"))?;
        return Ok(Uint8Array::new(&buf).to_vec());
    }
    if let Some(url) = v.as_string() {
        let global = js_sys::global();
        let fetch = Reflect::get(&global, &JsValue::from_str("fetch"))
            .ok()
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
            .ok_or_else(|| "fetch is not available here".to_string())?;
        let resp = JsFuture::from(js_sys::Promise::from(fetch.call1(&global, &JsValue::from_str(&url)).map_err(|e| format!("{e:?}"))?))
            .await
            .map_err(|e| format!("cannot fetch {what} from {url}: {e:?}"))?;
        let resp: web_sys::Response = resp.dyn_into().map_err(|_| format!("fetching {url} gave no response"))?;
        if !resp.ok() {
            return Err(format!("cannot fetch {what} from {url}: HTTP {}", resp.status()));
        }
        let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?).await.map_err(|e| format!("{e:?}"))?;
        return Ok(Uint8Array::new(&buf).to_vec());
    }
    Err(format!("{what}: expected bytes (Uint8Array/ArrayBuffer), a Blob/File or a URL string"))
}

/// One image (encoded bytes, Blob/File, or ImageData) → network input.
pub async fn preprocess(v: &JsValue, index: usize) -> Result<Vec<f32>, String> {
    let name = name_of(v, index);
    if let Some(img) = v.dyn_ref::<web_sys::ImageData>() {
        let (w, h) = (img.width(), img.height());
        if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE {
            return Err(format!("{name}: ImageData of {w}×{h} is outside 1..={MAX_SIDE} pixels per side"));
        }
        let rgba = img.data().0;
        let gray: Vec<f32> = rgba
            .chunks_exact(4)
            .map(|p| (0.2126 * p[0] as f32 + 0.7152 * p[1] as f32 + 0.0722 * p[2] as f32) / 255.0 * (p[3] as f32 / 255.0))
            .collect();
        return Ok(prepare_gray(&gray, w as usize, h as usize));
    }
    let bytes = bytes_of(v, &name).await?;
    preprocess_bytes(&bytes, &name).map_err(|e| e.to_string())
}
