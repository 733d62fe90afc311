// Browser speed benchmark (not a test): time from Scorer.load to the first score, and images/s for
// batches of 1, 16 and 128, on WebGPU (SwiftShader here) and on the CPU path, in headless Chromium.
// Usage: node scripts/bench-browser.mjs   (after scripts/build-wasm.sh). Prints a Markdown table.
import { mkdtempSync, cpSync, writeFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { ROOT, serve, browser, parity } from "../tests/e2e/helpers.mjs";

const dir = mkdtempSync(join(tmpdir(), "irad-bench-"));
cpSync(join(ROOT, "pkg"), join(dir, "pkg"), { recursive: true });
writeFileSync(join(dir, "bench.html"), `<!doctype html><script type="module">
  import init, { Scorer } from "./pkg/irad.js";
  window.run = async (backend) => {
    await init();
    const png = new Uint8Array(${JSON.stringify(parity.images[0].png)});
    const t0 = performance.now();
    const s = await Scorer.default({ backend });
    const tLoad = performance.now();
    await s.score(png);
    const tFirst = performance.now();
    const out = { backend: s.backend, reason: s.backendReason, loadMs: tLoad - t0, firstMs: tFirst - tLoad };
    for (const b of [1, 16, 128]) {
      const batch = Array(b).fill(png);
      await s.score(batch);
      const reps = Math.max(2, Math.ceil(64 / b));
      const t = performance.now();
      for (let i = 0; i < reps; i++) await s.score(batch);
      out["b" + b] = (reps * b) / ((performance.now() - t) / 1000);
    }
    s.free();
    return out;
  };
</script>`);
const server = await serve(dir);
const rows = [];
for (const backend of (process.env.BACKENDS || "cpu,webgpu").split(",")) {
  const b = await browser();
  const page = await b.newPage();
  page.on("console", (m) => process.env.VERBOSE && console.error(`[${backend}] ${m.text()}`));
  page.on("crash", () => console.error(`[${backend}] the page crashed`));
  await page.goto(`${server.url}/bench.html`);
  await page.waitForFunction(() => window.run);
  try {
    rows.push(await page.evaluate((bk) => window.run(bk), backend));
  } catch (e) {
    console.error(`[${backend}] failed: ${e.message}`);
  }
  await b.close();
}
server.close();
const wasm = readFileSync(join(ROOT, "pkg/irad_bg.wasm"));
console.log(`| backend (headless Chromium) | load → ready | first score | B=1 img/s | B=16 img/s | B=128 img/s |`);
console.log(`|---|---|---|---|---|---|`);
for (const r of rows)
  console.log(`| ${r.backend} (${r.reason}) | ${r.loadMs.toFixed(0)} ms | ${r.firstMs.toFixed(0)} ms | ${r.b1.toFixed(1)} | ${r.b16.toFixed(1)} | ${r.b128.toFixed(1)} |`);
console.log(`\n.wasm: ${(wasm.length / 1e6).toFixed(1)} MB raw, ${(gzipSync(wasm, { level: 9 }).length / 1e6).toFixed(2)} MB gzipped; default.irad ${(statSync(join(ROOT, "pkg/default.irad")).size / 1e6).toFixed(1)} MB`);
