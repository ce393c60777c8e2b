// Runs _static/reglab-live.js's trainers on the cases of a JSON file (from tests/test_browser_trainers.py) and
// writes their results as JSON: node tests/js/run_trainers.js cases.json results.json [module.js]
// A case with "kernels": "javascript" runs without the WebAssembly kernels; each result says which ran ("wasm").
"use strict";
const fs = require("fs");
const path = require("path");
const live = require(process.argv[4] ? path.resolve(process.argv[4])
                     : path.join(__dirname, "..", "..", "_static", "reglab-live.js"));

function streamFrom(values) {
  let i = 0;
  return () => {
    if (i >= values.length) throw new Error(`the test's uniform stream ran out after ${values.length} numbers`);
    return values[i++];
  };
}

function run(item) {
  const wasm = live.useWasm(item.kernels !== "javascript");
  const spec = live.unpack(item.spec);
  const start = process.hrtime.bigint();
  let result;
  if (spec.kind === "regression") result = live.trainRegression(spec, item.setting);
  else if (spec.kind === "classifier") {
    const uniforms = item.uniforms ? streamFrom(live.decode(item.uniforms.f64)) : undefined;
    result = live.trainClassifier(spec, item.setting, uniforms);
  } else if (spec.kind === "capacity") {
    const set = spec.sets[String(item.setting.num_train)];
    result = live.capacityCurve(set, spec.max_degree);
  } else throw new Error(`unknown kind ${spec.kind}`);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const plain = {};
  for (const [key, value] of Object.entries(result)) {
    plain[key] = ArrayBuffer.isView(value) ? Array.from(value)
      : Array.isArray(value) ? value.map(v => (ArrayBuffer.isView(v) ? Array.from(v) : v)) : value;
  }
  live.useWasm(true);
  return {result: plain, ms, wasm};
}

function main() {
  const [casesFile, outFile] = process.argv.slice(2);
  const cases = JSON.parse(fs.readFileSync(casesFile, "utf8"));
  const out = cases.map(item => {
    try { return run(item); } catch (err) { live.useWasm(true); return {error: String(err && err.message || err)}; }
  });
  fs.writeFileSync(outFile, JSON.stringify(out));
}

main();
