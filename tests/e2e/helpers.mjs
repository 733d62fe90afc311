// Shared helpers: a loopback static server, Debian's Chromium via playwright-core, fixtures.
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { readFileSync, mkdirSync, statSync } from "node:fs";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const OUT = join(ROOT, "tests/out");
mkdirSync(OUT, { recursive: true });

const tools = join(process.env.IRAD_CACHE || join(process.env.HOME, ".cache/irad"), "tools/");
export const { chromium } = createRequire(tools)("playwright-core");

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png", ".irad": "application/octet-stream" };

/** Serve `dir` on 127.0.0.1 (random port). Resolves to { url, close }. */
export function serve(dir) {
  const server = createServer((req, res) => {
    const path = join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    let file = path;
    try { if (statSync(file).isDirectory()) file = join(file, "index.html"); } catch {}
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] || "application/octet-stream" });
      res.end(body);
    } catch { res.writeHead(404); res.end("not found"); }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok({ url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() })));
}

export async function browser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--enable-unsafe-webgpu", "--disable-gpu-sandbox", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** The native CLI's scores of the sample images (crate/tests/fixtures/parity.json). */
export const parity = JSON.parse(readFileSync(join(ROOT, "crate/tests/fixtures/parity.json"), "utf8"));
