// The demo page, driven like a person would: load, try labelled samples, compare scores with the
// native CLI, move the threshold, read the ROC/AUROC, load another bundle, adapt, drop bad files,
// and check that no request left the page's origin. Screenshots land in tests/out/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ROOT, OUT, serve, browser, parity } from "./helpers.mjs";

let server, b, page;
const requests = [];

before(async () => {
  server = await serve(join(ROOT, "dist"));
  b = await browser();
  page = await b.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on("request", (r) => requests.push(r.url()));
  await page.goto(`${server.url}/`);
  await page.waitForFunction(() => document.body.dataset.ready, null, { timeout: 180_000 });
  assert.equal(await page.evaluate(() => document.body.dataset.ready), "true", await page.textContent("#model"));
});
after(async () => { await b?.close(); server?.close(); });

const scored = () => page.evaluate(() => window.irad.items.filter((i) => i.result).length);

test("the page loads the default model and says what it is", async () => {
  const text = await page.textContent("#model");
  assert.match(text, /normal class:\s*“0”/);
  assert.match(text, /mnist .*optdigits/);
  assert.match(text, /backend:\s*(cpu|webgpu)/);
  await page.screenshot({ path: join(OUT, "page-loaded.png") });
});

test("samples are scored exactly as the native CLI scores them", async () => {
  await page.click("#samples");
  await page.waitForFunction((n) => window.irad.items.filter((i) => i.result).length === n, parity.images.length, { timeout: 120_000 });
  const items = await page.evaluate(() => window.irad.items.map((i) => ({ name: i.name, score: i.result.score, label: i.label })));
  for (const want of parity.images) {
    const got = items.find((i) => want.file.endsWith(i.name));
    assert.ok(got, `sample ${want.file} missing from the page`);
    assert.ok(Math.abs(got.score - want.score) <= 1e-4, `${want.file}: page ${got.score} vs CLI ${want.score}`);
    assert.equal(got.label, want.file.includes("/normal/") ? "normal" : "anomaly");
  }
  const auroc = parseFloat(await page.getAttribute("#auroc", "data-auroc"));
  assert.ok(await page.isVisible("#roc"), "ROC shown for labelled images");
  assert.ok(auroc > 0.5, `AUROC ${auroc}`);
  await page.screenshot({ path: join(OUT, "page-samples.png"), fullPage: true });
});

test("the threshold slider updates the counts live", async () => {
  const before = await page.textContent("#counts");
  await page.$eval("#thr", (el) => { el.value = el.min; el.dispatchEvent(new Event("input")); });
  const low = await page.textContent("#counts");
  assert.match(low, new RegExp(`^${parity.images.length} flagged`), low);
  await page.$eval("#thr", (el) => { el.value = el.max; el.dispatchEvent(new Event("input")); });
  assert.match(await page.textContent("#counts"), /^0 flagged/);
  await page.click("#thrreset");
  assert.equal(await page.textContent("#counts"), before);
});

test("clicking a card shows input, reconstruction and residual heatmap", async () => {
  await page.click(".card.normal, .card.anomaly");
  await page.waitForSelector("#detail:not([hidden])");
  assert.match(await page.textContent("#dtext"), /score -?\d+\.\d+ vs threshold -?\d+\.\d+/);
  // The bundle's own residual AUROC says how far to trust the picture.
  assert.match(await page.textContent("#dtext"), /verdict uses the (isolation-forest|one-class-svm|paired-svm) score; the residual alone reaches AUROC \d+\.\d%/);
  await page.screenshot({ path: join(OUT, "page-detail.png"), fullPage: true });
});

test("bad files get inline errors and the rest is still scored", async () => {
  const n = await scored();
  await page.setInputFiles("#pick", [
    { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not an image") },
    { name: "empty.png", mimeType: "image/png", buffer: Buffer.alloc(0) },
    { name: "good.png", mimeType: "image/png", buffer: Buffer.from(parity.images[0].png) },
  ]);
  await page.waitForFunction((k) => window.irad.items.filter((i) => i.result).length === k, n + 3);
  const errs = await page.$$eval(".card.error .err", (els) => els.map((e) => e.textContent));
  assert.equal(errs.length, 2, JSON.stringify(errs));
  assert.ok(errs.some((e) => e.includes("notes.txt")) && errs.some((e) => e.includes("empty")), JSON.stringify(errs));
  await page.screenshot({ path: join(OUT, "page-errors.png"), fullPage: true });
});

test("adapting to my domain refits the detector in the browser", async () => {
  const normals = parity.images.filter((i) => i.file.includes("/normal/")).map((i, k) => ({ name: `mine-${k}.png`, mimeType: "image/png", buffer: Buffer.from(i.png) }));
  await page.$eval("details.more", (d) => (d.open = true));
  const thrBefore = await page.evaluate(() => window.irad.threshold);
  await page.setInputFiles("#adaptpick", normals);
  await page.waitForFunction(() => /adapted on|failed/.test(document.querySelector("#adaptinfo").textContent), null, { timeout: 60_000 });
  const info = await page.textContent("#adaptinfo");
  assert.match(info, new RegExp(`adapted on ${normals.length} normal images`), info);
  assert.notEqual(await page.evaluate(() => window.irad.threshold), thrBefore);
  assert.ok(await page.evaluate(() => window.irad.scorer.adapted));
  await page.screenshot({ path: join(OUT, "page-adapted.png"), fullPage: true });
  await page.click("#restore");
  await page.waitForFunction(() => !window.irad.scorer.adapted);
});

test("another bundle can be loaded, and a broken one is refused with a message", async () => {
  await page.$eval("details.more", (d) => (d.open = true));
  await page.setInputFiles("#bundlepick", { name: "broken.irad", mimeType: "application/octet-stream", buffer: Buffer.from("IRADBNDL garbage") });
  await page.waitForFunction(() => document.querySelector("#bundleinfo").textContent.includes("could not load"));
  assert.match(await page.textContent("#bundleinfo"), /broken\.irad.*bundle/);
  await page.setInputFiles("#bundlepick", join(ROOT, "models/default.irad"));
  await page.waitForFunction(() => document.querySelector("#bundleinfo").textContent.startsWith("loaded"));
  assert.match(await page.textContent("#model"), /default\.irad/);
});

test("no request left the page's origin", () => {
  const foreign = requests.filter((u) => !u.startsWith(server.url) && !u.startsWith("blob:") && !u.startsWith("data:"));
  assert.deepEqual(foreign, []);
  assert.ok(requests.length > 3);
});
