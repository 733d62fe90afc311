// The demo page: uses the npm package (pkg/) exactly as any app would.
import init, { Scorer, preprocess } from "./pkg/irad.js";

const $ = (id) => document.getElementById(id);
const state = { scorer: null, items: [], threshold: 0.5, calibrated: 0.5, selected: null, msPerImage: null };
window.irad = state; // for tests and the curious

// ---------- drawing helpers ----------
const HEAT = [[0, 0, 5], [87, 15, 110], [186, 54, 85], [250, 140, 10], [252, 255, 163]];
// How far to trust the picture: the verdict comes from the detector score; the reconstruction is
// a secondary signal whose held-out AUROC the bundle records (short-trained models draw roughly).
function residualNote() {
  const m = state.scorer && state.scorer.info.provenance.metrics;
  if (!m || m.auroc_residual == null) return "";
  return ` The verdict uses the ${state.scorer.detector} score; the residual alone reaches AUROC ${(100 * m.auroc_residual).toFixed(1)}% on this model's held-out target images.`;
}
function heat(v) {
  const x = Math.min(1, Math.max(0, v)) * (HEAT.length - 1);
  const i = Math.min(HEAT.length - 2, Math.floor(x)), t = x - i;
  return HEAT[i].map((c, k) => Math.round(c * (1 - t) + HEAT[i + 1][k] * t));
}
function drawMap(canvas, values, mode) { // values: 1024 in [0,1]
  const tmp = new OffscreenCanvas(32, 32), tctx = tmp.getContext("2d");
  const img = tctx.createImageData(32, 32);
  for (let i = 0; i < 1024; i++) {
    const [r, g, b] = mode === "heat" ? heat(values[i]) : Array(3).fill(Math.round(255 * Math.min(1, Math.max(0, values[i]))));
    img.data.set([r, g, b, 255], 4 * i);
  }
  tctx.putImageData(img, 0, 0);
  const ctx = canvas.getContext("2d");
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

// ---------- model ----------
async function loadModel(source, label) {
  const t0 = performance.now();
  const scorer = source ? await Scorer.load(source) : await Scorer.default();
  const ms = performance.now() - t0;
  if (state.scorer) state.scorer.free();
  state.scorer = scorer;
  state.calibrated = state.threshold = scorer.threshold;
  const info = scorer.info, p = info.provenance;
  const auroc = p.metrics && p.metrics.auroc != null ? (100 * p.metrics.auroc).toFixed(1) : "?";
  $("model").innerHTML = "";
  const parts = [
    ["model", label || "default bundle"],
    ["normal class", `“${p.normal_class}”`],
    ["trained on", `${p.source} (all normals) → ${p.target} (${p.n_target} normals)`],
    ["detector", scorer.detector],
    ["AUROC on held-out target", `${auroc}%`],
    ["backend", `${scorer.backend} — ${scorer.backendReason}`],
    ["loaded in", `${ms.toFixed(0)} ms`],
  ];
  for (const [k, v] of parts) {
    const span = document.createElement("span");
    span.innerHTML = `<b></b> `; span.firstChild.textContent = k + ":"; span.append(v);
    $("model").append(span);
  }
  $("model").dataset.backend = scorer.backend;
  $("thr").value = state.threshold;
  $("restore").disabled = true;
  $("adaptinfo").textContent = "";
  if (state.items.length) await rescoreAll();
  render();
}

// ---------- inputs ----------
function labelFromPath(path) {
  const parts = path.toLowerCase().split("/");
  if (parts.includes("normal")) return "normal";
  if (parts.includes("anomaly") || parts.includes("anomalous")) return "anomaly";
  return null;
}
async function filesFromDataTransfer(dt) {
  const out = [];
  const walk = async (entry, path) => {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ file, path: path + file.name });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((res, rej) => reader.readEntries(res, rej));
        if (!batch.length) break;
        for (const e of batch) await walk(e, path + entry.name + "/");
      }
    }
  };
  const entries = [...dt.items].map((i) => i.webkitGetAsEntry && i.webkitGetAsEntry()).filter(Boolean);
  if (entries.length) for (const e of entries) await walk(e, "");
  else for (const f of dt.files) out.push({ file: f, path: f.name });
  return out;
}

async function addFiles(list) {
  const fresh = list.map(({ file, path }) => ({ file, name: path || file.name, label: labelFromPath(path || file.name), result: null, before: null }));
  state.items.push(...fresh);
  await scoreItems(fresh);
}

async function scoreItems(items) {
  const CHUNK = 16;
  const bar = $("progress");
  bar.hidden = false;
  let done = 0, total = items.length, t0 = performance.now();
  for (let i = 0; i < items.length; i += CHUNK) {
    const chunk = items.slice(i, i + CHUNK);
    const res = await state.scorer.score(chunk.map((it) => it.file));
    chunk.forEach((it, k) => (it.result = res[k]));
    done += chunk.length;
    bar.querySelector(".bar").style.width = `${(100 * done) / total}%`;
    bar.querySelector("span").textContent = `scored ${done} / ${total}`;
    render();
    await new Promise((r) => setTimeout(r, 0)); // let the page breathe between chunks
  }
  state.msPerImage = (performance.now() - t0) / Math.max(1, total);
  bar.querySelector("span").textContent = `scored ${total} images, ${state.msPerImage.toFixed(1)} ms per image (${state.scorer.backend})`;
  render();
}
async function rescoreAll() {
  for (const it of state.items) it.before = it.result;
  await scoreItems(state.items);
}

// ---------- rendering ----------
function isAnomaly(it) { return it.result && it.result.ok && it.result.score > state.threshold; }
function auroc(items) {
  const pos = items.filter((i) => i.label === "anomaly"), neg = items.filter((i) => i.label === "normal");
  if (!pos.length || !neg.length) return null;
  let u = 0;
  for (const p of pos) for (const n of neg) u += p.result.score > n.result.score ? 1 : p.result.score === n.result.score ? 0.5 : 0;
  return u / (pos.length * neg.length);
}
function fitSlider(scored) {
  // The slider spans the scores actually seen (and the threshold), so every position matters.
  const vals = [...scored.map((i) => i.result.score), state.threshold, state.calibrated];
  const thr = $("thr");
  thr.min = (Math.min(...vals) - 0.02).toFixed(4);
  thr.max = (Math.max(...vals) + 0.02).toFixed(4);
  thr.value = state.threshold;
}
function render() {
  const scored = state.items.filter((i) => i.result && i.result.ok);
  fitSlider(scored);
  $("thrval").textContent = state.threshold.toFixed(4);
  const flagged = scored.filter(isAnomaly).length, bad = state.items.filter((i) => i.result && !i.result.ok).length;
  $("counts").textContent = scored.length
    ? `${flagged} flagged as anomalies, ${scored.length - flagged} normal${bad ? `, ${bad} unreadable` : ""}`
    : "";
  drawHistogram(scored);
  drawRoc(scored.filter((i) => i.label));
  const grid = $("grid");
  grid.replaceChildren(...state.items.map(card));
}
function card(it) {
  const div = document.createElement("div");
  div.className = "card";
  const img = document.createElement("img");
  img.alt = it.name;
  img.src = it.url || (it.url = URL.createObjectURL(it.file));
  div.append(img);
  const name = document.createElement("div");
  name.className = "name"; name.textContent = it.name;
  div.append(name);
  if (!it.result) {
    div.append(Object.assign(document.createElement("div"), { className: "pending", textContent: "scoring…" }));
  } else if (!it.result.ok) {
    div.classList.add("error");
    div.append(Object.assign(document.createElement("div"), { className: "err", textContent: it.result.error }));
  } else {
    const a = isAnomaly(it);
    div.classList.add(a ? "anomaly" : "normal");
    const s = document.createElement("div");
    s.className = "score";
    s.textContent = `score ${it.result.score.toFixed(4)}`;
    if (it.before && it.before.ok) s.textContent += ` (was ${it.before.score.toFixed(4)})`;
    div.append(s, Object.assign(document.createElement("span"), { className: "badge", textContent: a ? "anomaly" : "normal" }));
    const lab = document.createElement("button");
    lab.className = "label"; lab.type = "button";
    lab.textContent = it.label ? `labelled ${it.label}` : "label?";
    lab.title = "click to cycle the true label: unknown → normal → anomaly";
    lab.onclick = (e) => { e.stopPropagation(); it.label = it.label === null ? "normal" : it.label === "normal" ? "anomaly" : null; render(); };
    div.append(lab);
    div.onclick = () => showDetail(it);
  }
  return div;
}
function drawHistogram(scored) {
  const c = $("hist"), ctx = c.getContext("2d");
  ctx.clearRect(0, 0, c.width, c.height);
  if (!scored.length) return;
  const lo = Math.min(...scored.map((i) => i.result.score), state.threshold) - 0.01;
  const hi = Math.max(...scored.map((i) => i.result.score), state.threshold) + 0.01;
  const bins = 30, w = c.width / bins, counts = { normal: Array(bins).fill(0), anomaly: Array(bins).fill(0), none: Array(bins).fill(0) };
  for (const it of scored) {
    const b = Math.min(bins - 1, Math.floor(((it.result.score - lo) / (hi - lo)) * bins));
    counts[it.label || "none"][b]++;
  }
  const max = Math.max(1, ...counts.normal.map((v, i) => v + counts.anomaly[i] + counts.none[i]));
  const colors = { normal: "#3b82f6", anomaly: "#ef4444", none: "#9ca3af" };
  for (let i = 0; i < bins; i++) {
    let y = c.height - 14;
    for (const k of ["none", "normal", "anomaly"]) {
      const h = ((c.height - 24) * counts[k][i]) / max;
      ctx.fillStyle = colors[k];
      ctx.fillRect(i * w + 1, y - h, w - 2, h);
      y -= h;
    }
  }
  const x = ((state.threshold - lo) / (hi - lo)) * c.width;
  ctx.strokeStyle = "#dc2626"; ctx.lineWidth = 2;
  ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, c.height - 14); ctx.stroke();
  ctx.fillStyle = "#374151"; ctx.font = "11px sans-serif";
  ctx.fillText(lo.toFixed(3), 2, c.height - 2);
  ctx.fillText(hi.toFixed(3), c.width - 36, c.height - 2);
}
function drawRoc(labelled) {
  const a = auroc(labelled);
  $("rocfig").hidden = a === null;
  if (a === null) return;
  const c = $("roc"), ctx = c.getContext("2d"), n = c.width;
  ctx.clearRect(0, 0, n, n);
  ctx.strokeStyle = "#d1d5db"; ctx.beginPath(); ctx.moveTo(0, n); ctx.lineTo(n, 0); ctx.stroke();
  const sorted = [...labelled].sort((x, y) => y.result.score - x.result.score);
  const P = labelled.filter((i) => i.label === "anomaly").length, N = labelled.length - P;
  let tp = 0, fp = 0;
  ctx.strokeStyle = "#2563eb"; ctx.lineWidth = 2; ctx.beginPath(); ctx.moveTo(0, n);
  for (const it of sorted) {
    it.label === "anomaly" ? tp++ : fp++;
    ctx.lineTo((fp / N) * n, n - (tp / P) * n);
  }
  ctx.stroke();
  // The current threshold's operating point.
  const tpr = labelled.filter((i) => i.label === "anomaly" && isAnomaly(i)).length / P;
  const fpr = labelled.filter((i) => i.label === "normal" && isAnomaly(i)).length / N;
  ctx.fillStyle = "#dc2626"; ctx.beginPath(); ctx.arc(fpr * n, n - tpr * n, 4, 0, 7); ctx.fill();
  $("auroc").textContent = `ROC of ${labelled.length} labelled images — AUROC ${(100 * a).toFixed(1)}%`;
  $("auroc").dataset.auroc = a.toFixed(6);
}
async function showDetail(it) {
  state.selected = it;
  $("detail").hidden = false;
  $("dtitle").textContent = it.name;
  const x = await preprocess(it.file);
  drawMap($("din"), x.map((v) => (v + 1) / 2), "gray");
  drawMap($("drec"), it.result.reconstruction, "gray");
  drawMap($("dres"), it.result.residual, "heat");
  $("dtext").textContent = `score ${it.result.score.toFixed(4)} vs threshold ${state.threshold.toFixed(4)} → ${isAnomaly(it) ? "anomaly" : "normal"}; mean residual ${it.result.residualScore.toFixed(4)}. Bright residual = where the model could not explain the image.` + residualNote();
}

// ---------- wiring ----------
function wire() {
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", async (e) => { e.preventDefault(); drop.classList.remove("over"); await addFiles(await filesFromDataTransfer(e.dataTransfer)); });
  document.addEventListener("paste", async (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (files.length) await addFiles(files.map((f, i) => ({ file: f, path: f.name || `pasted-${i}.png` })));
  });
  $("pick").onchange = async (e) => { await addFiles([...e.target.files].map((f) => ({ file: f, path: f.webkitRelativePath || f.name }))); e.target.value = ""; };
  $("samples").onclick = async () => {
    const list = await (await fetch("samples/index.json")).json();
    const items = await Promise.all(list.map(async (p) => ({ file: new File([await (await fetch(`samples/${p}`)).blob()], p.split("/").pop(), { type: "image/png" }), path: p })));
    await addFiles(items);
  };
  $("thr").oninput = (e) => { state.threshold = parseFloat(e.target.value); render(); };
  $("thrreset").onclick = () => { state.threshold = state.calibrated; $("thr").value = state.threshold; render(); };
  $("closedetail").onclick = () => ($("detail").hidden = true);
  $("bundlepick").onchange = async (e) => {
    const f = e.target.files[0];
    if (!f) return;
    try { await loadModel(f, f.name); $("bundleinfo").textContent = `loaded ${f.name}`; }
    catch (err) { $("bundleinfo").textContent = `could not load ${f.name}: ${err.message || err}`; }
    e.target.value = "";
  };
  $("adaptpick").onchange = async (e) => {
    const files = [...e.target.files];
    e.target.value = "";
    const before = auroc(state.items.filter((i) => i.label && i.result?.ok));
    try {
      const n = await state.scorer.adapt(files);
      state.calibrated = state.threshold = state.scorer.threshold;
      $("thr").value = state.threshold;
      await rescoreAll();
      const after = auroc(state.items.filter((i) => i.label && i.result?.ok));
      const fmt = (v) => (v === null ? "n/a" : `${(100 * v).toFixed(1)}%`);
      $("adaptinfo").textContent = `adapted on ${n} normal images of your domain; AUROC before ${fmt(before)} → after ${fmt(after)} (labelled images only)`;
      $("restore").disabled = false;
    } catch (err) { $("adaptinfo").textContent = `adaptation failed: ${err.message || err}`; }
  };
  $("restore").onclick = async () => {
    state.scorer.restore();
    state.calibrated = state.threshold = state.scorer.threshold;
    $("thr").value = state.threshold;
    await rescoreAll();
    $("adaptinfo").textContent = "back to the model's own detector";
    $("restore").disabled = true;
  };
}

await init();
wire();
try {
  await loadModel(null);
  document.body.dataset.ready = "true";
} catch (err) {
  $("model").textContent = `Could not load the model: ${err.message || err}`;
  document.body.dataset.ready = "error";
}
