// Assembles wasm/kernels.wat with wabt and writes its bytes, as base64, into _static/reglab-live.js (KERNELS_WASM).
//   node wasm/build.js          rewrite the embedded module
//   node wasm/build.js --check  exit 1 unless the embedded module is this source's
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "..");
const SOURCE = path.join(__dirname, "kernels.wat");
const TARGET = path.join(ROOT, "_static", "reglab-live.js");
const PATTERN = /var KERNELS_WASM = "([^"]*)";/;

async function main() {
  const wabt = await require(path.join(ROOT, "node_modules", "wabt"))();
  const module = wabt.parseWat("kernels.wat", fs.readFileSync(SOURCE, "utf8"), {simd: true});
  module.validate();
  const b64 = Buffer.from(module.toBinary({}).buffer).toString("base64");
  const js = fs.readFileSync(TARGET, "utf8");
  const found = js.match(PATTERN);
  if (!found) throw new Error(`no KERNELS_WASM line in ${TARGET}`);
  if (process.argv.includes("--check")) {
    if (found[1] !== b64) {
      console.error("_static/reglab-live.js's KERNELS_WASM is not wasm/kernels.wat assembled: run node wasm/build.js");
      process.exit(1);
    }
    console.log(`KERNELS_WASM matches wasm/kernels.wat (${b64.length} base64 characters)`);
    return;
  }
  fs.writeFileSync(TARGET, js.replace(PATTERN, `var KERNELS_WASM = "${b64}";`));
  console.log(`wrote ${b64.length} base64 characters into ${path.relative(ROOT, TARGET)}`);
}

main().catch(err => { console.error(err); process.exit(1); });
