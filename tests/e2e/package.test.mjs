// The npm package as an outside app uses it: `npm pack`, install the tarball into a throwaway app,
// score an image through the public API in headless Chromium, compare with the native CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, OUT, serve, browser, parity } from "./helpers.mjs";

test("packed npm package installs and scores like the CLI", async () => {
  const app = mkdtempSync(join(tmpdir(), "irad-app-"));
  execFileSync("npm", ["pack", "--silent", "--pack-destination", app], { cwd: join(ROOT, "pkg") });
  const tarball = readdirSync(app).find((f) => f.endsWith(".tgz"));
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  execFileSync("npm", ["install", "--silent", "--offline", "--no-audit", "--no-fund", `./${tarball}`], { cwd: app });
  const sample = parity.images[0];
  writeFileSync(join(app, "index.html"), `<!doctype html><script type="module">
    import init, { Scorer } from "./node_modules/irad/irad.js";
    await init();
    const scorer = await Scorer.default({ backend: "cpu" });
    const png = new Uint8Array(${JSON.stringify(sample.png)});
    const [r] = await scorer.score(png);
    window.result = { ok: r.ok, score: r.score, backend: scorer.backend, normal: scorer.info.provenance.normal_class };
  </script>`);
  const server = await serve(app);
  const b = await browser();
  try {
    const page = await b.newPage();
    const errors = [];
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`${server.url}/index.html`);
    const result = await page.waitForFunction(() => window.result, null, { timeout: 120_000 }).then((h) => h.jsonValue());
    assert.deepEqual(errors, []);
    assert.equal(result.ok, true);
    assert.equal(result.backend, "cpu");
    assert.equal(result.normal, "0");
    assert.ok(Math.abs(result.score - sample.score) <= 1e-4, `browser ${result.score} vs CLI ${sample.score}`);
    await page.screenshot({ path: join(OUT, "npm-consumer.png") });
  } finally {
    await b.close();
    server.close();
  }
});
