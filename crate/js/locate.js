// Where the default bundle lives: beside this package's files (pkg/default.irad).
// wasm-bindgen copies this file to pkg/snippets/<crate-hash>/js/locate.js.
export function default_bundle_url() {
  return new URL("../../../default.irad", import.meta.url).href;
}
