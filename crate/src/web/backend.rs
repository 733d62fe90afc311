//! Choosing the device: WebGPU through burn-wgpu when a usable adapter exists, else burn's CPU
//! backend. The WebGPU device is initialised once per page (a second init fails in burn).

use std::cell::RefCell;

use burn::tensor::Device;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Clone)]
pub struct BackendInfo {
    pub kind: &'static str,
    pub reason: String,
    pub device: Device,
}

thread_local! {
    static WEBGPU: RefCell<Option<Device>> = const { RefCell::new(None) };
}

fn get(v: &JsValue, k: &str) -> Option<JsValue> {
    Reflect::get(v, &JsValue::from_str(k)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// Probe `navigator.gpu.requestAdapter()` ourselves first: without WebGPU, wgpu would trap
/// instead of returning an error. Returns (description, is_fallback_adapter).
async fn probe_adapter() -> Result<(String, bool), String> {
    let nav = get(&js_sys::global(), "navigator").ok_or("no navigator")?;
    let gpu = get(&nav, "gpu").ok_or("navigator.gpu is missing (this browser has no WebGPU)")?;
    let request: js_sys::Function =
        get(&gpu, "requestAdapter").and_then(|f| f.dyn_into().ok()).ok_or("navigator.gpu.requestAdapter is missing")?;
    let promise: js_sys::Promise = request.call0(&gpu).map_err(|e| format!("requestAdapter failed: {e:?}"))?.into();
    let adapter = JsFuture::from(promise).await.map_err(|e| format!("requestAdapter failed: {e:?}"))?;
    if adapter.is_null() || adapter.is_undefined() {
        return Err("navigator.gpu.requestAdapter() returned no adapter".into());
    }
    let fallback = get(&adapter, "isFallbackAdapter").and_then(|v| v.as_bool()).unwrap_or(false);
    let info = get(&adapter, "info");
    let field = |k: &str| info.as_ref().and_then(|i| get(i, k)).and_then(|v| v.as_string()).filter(|s| !s.is_empty());
    let desc = [field("vendor"), field("architecture"), field("description")].into_iter().flatten().collect::<Vec<_>>().join(" ");
    let software = fallback || desc.to_lowercase().contains("swiftshader");
    Ok((if desc.is_empty() { "unnamed adapter".into() } else { desc }, software))
}

async fn webgpu_device() -> Result<Device, String> {
    if let Some(d) = WEBGPU.with(|w| w.borrow().clone()) {
        return Ok(d);
    }
    let device = Device::wgpu_options().init_async().await.map_err(|e| format!("WebGPU device creation failed: {e:?}"))?;
    WEBGPU.with(|w| *w.borrow_mut() = Some(device.clone()));
    Ok(device)
}

fn cpu(reason: String) -> BackendInfo {
    BackendInfo { kind: "cpu", reason, device: Device::flex() }
}

/// `wanted`: "auto" | "webgpu" | "cpu".
pub async fn select(wanted: &str) -> Result<BackendInfo, String> {
    if !matches!(wanted, "auto" | "webgpu" | "cpu") {
        return Err(format!("backend `{wanted}`: expected \"auto\", \"webgpu\" or \"cpu\""));
    }
    if wanted == "cpu" {
        return Ok(cpu("CPU requested".into()));
    }
    let (desc, software) = match probe_adapter().await {
        Ok(p) => p,
        Err(e) => return Ok(cpu(format!("WebGPU unavailable: {e}"))),
    };
    if software && wanted == "auto" {
        // Measured here: software WebGPU (SwiftShader) runs ~60× slower than the CPU path.
        return Ok(cpu(format!("only a software WebGPU adapter ({desc}) was found; the CPU path is faster")));
    }
    match webgpu_device().await {
        Ok(device) => Ok(BackendInfo { kind: "webgpu", reason: format!("WebGPU adapter: {desc}"), device }),
        Err(e) => Ok(cpu(e)),
    }
}
