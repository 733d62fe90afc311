// Write pkg/package.json: what wasm-pack knows plus what an npm package needs.
import { readFileSync, writeFileSync, existsSync } from "node:fs";
const cargo = readFileSync("Cargo.toml", "utf8");
const version = /\[workspace\.package\][^[]*?version = "([^"]+)"/s.exec(cargo)[1];
const pkg = {
  name: "irad",
  version,
  description: "IRAD anomaly detection with domain adaptation, scored in the browser on WebGPU (or the CPU): nothing leaves the page.",
  license: "MIT OR Apache-2.0",
  repository: { type: "git", url: "https://github.com/irad-rs/irad" },
  keywords: ["anomaly-detection", "domain-adaptation", "webgpu", "wasm", "burn"],
  type: "module",
  main: "irad.js",
  module: "irad.js",
  types: "irad.d.ts",
  files: ["irad_bg.wasm", "irad_bg.wasm.d.ts", "irad.js", "irad.d.ts", "default.irad", "snippets/", "README.md"],
  sideEffects: ["./snippets/*"],
};
for (const f of pkg.files) {
  if (!existsSync(`pkg/${f}`)) throw new Error(`pkg/${f} is missing: run scripts/build-wasm.sh`);
}
writeFileSync("pkg/package.json", JSON.stringify(pkg, null, 2) + "\n");
console.log(`pkg/package.json: irad@${version}`);
