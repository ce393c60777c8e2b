/* reglab-live: the book's explorers retrained in the browser, with no server and no download.
 *
 * Twins of reglab's NumPy trainers (tests/test_browser_trainers.py runs them under Node and compares them with
 * reglab): train.sweep_linear_regression (minibatch SGD with an L2 or L1 penalty), train.sweep_classifier
 * (full-batch Adam on a small MLP, inverted dropout) and capacity.fit_polynomial (least squares on Legendre
 * features). Each explorer's data, initial weights and minibatch orders come from reglab inside the page
 * (reglab.browser_trainers), so the browser reproduces the notebook's numbers. Only dropout masks differ: the
 * browser draws them from its own seeded generator. The classifier's loops run in WebAssembly SIMD where the
 * browser has it (wasm/kernels.wat), in plain JavaScript elsewhere; both are tested against reglab. The website
 * ships this file without its whole-line comments (_ext/reader_site.py's strip_js_comments).
 */
(function (root, factory) {
  if (typeof module === "object" && module.exports) module.exports = factory();
  else root.reglabLive = factory();
}(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // ------------------------------------------------------------------ data from the page

  function decodeBytes(b64) {
    /* The bytes of a base64 text, as a Uint8Array. */
    if (typeof atob !== "function") return new Uint8Array(Buffer.from(b64, "base64"));
    var text = atob(b64), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function decode(b64, type) {
    /* A little-endian float64 (or "f32", or "u8") array sent as base64, as a Float64Array. */
    var bytes = decodeBytes(b64);
    if (type === "f32") return Float64Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4));
    if (type === "u8") return Float64Array.from(bytes);
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  }

  function unpack(spec) {
    /* Replace every {"f64" | "f32" | "u8": base64} in a spec by its Float64Array, in place. */
    Object.keys(spec).forEach(function (key) {
      var value = spec[key];
      if (value && typeof value === "object") {
        if (typeof value.f64 === "string") spec[key] = decode(value.f64);
        else if (typeof value.f32 === "string") spec[key] = decode(value.f32, "f32");
        else if (typeof value.u8 === "string") spec[key] = decode(value.u8, "u8");
        else unpack(value);
      }
    });
    return spec;
  }

  function seededUniform(seed) {
    /* Uniform numbers in [0, 1) from a seed (mulberry32): the browser's dropout masks. The kernels' fill_mask draws
       the same numbers from state() and hands the new state back with skipTo. */
    var state = seed >>> 0;
    var next = function () {
      state = (state + 0x6D2B79F5) >>> 0;
      var t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    next.state = function () { return state; };
    next.skipTo = function (value) { state = value >>> 0; };
    return next;
  }

  function checkSetting(setting, name, low, high) {
    /* setting[name] (0 when absent), refused unless a number from low to high. */
    var value = setting && name in setting ? setting[name] : 0;
    if (typeof value !== "number" || !isFinite(value) || value < low || value > high)
      throw new RangeError(name + " must be a number from " + low + " to " + high + "; got " + JSON.stringify(value));
    return value;
  }

  // ------------------------------------------------------------------ linear regression (Chapter 2)

  function halfMse(X, y, n, d, w, b) {
    var total = 0;
    for (var i = 0; i < n; i++) {
      var r = b - y[i], row = i * d;
      for (var j = 0; j < d; j++) r += X[row + j] * w[j];
      total += r * r;
    }
    return 0.5 * total / n;
  }

  function trainRegression(spec, setting) {
    /* Minibatch SGD on half MSE + weight_decay/2 ||w||^2 + l1 ||w||_1 (proximal), as train.sweep_linear_regression. */
    var wd = checkSetting(setting, "weight_decay", 0, Infinity);
    var l1 = checkSetting(setting, "l1", 0, Infinity);
    var d = spec.num_features, n = spec.train.y.length, X = spec.train.X, y = spec.train.y;
    var lr = spec.lr, B = spec.batch_size, E = spec.num_epochs, orders = spec.orders;
    var w = Float64Array.from(spec.w0), b = 0, grad = new Float64Array(d), residual = new Float64Array(B);
    var decay = 1 - lr * wd, shrink = lr * l1;
    var out = {train_loss: [], test_loss: [], val_loss: [], w_norm: []};
    function record() {
      var norm = 0;
      for (var j = 0; j < d; j++) norm += w[j] * w[j];
      out.w_norm.push(Math.sqrt(norm));
      out.train_loss.push(halfMse(X, y, n, d, w, b));
      ["test", "val"].forEach(function (split) {
        var part = spec[split];
        if (part) out[split + "_loss"].push(halfMse(part.X, part.y, part.y.length, d, w, b));
      });
    }
    record();
    for (var epoch = 0; epoch < E; epoch++) {
      for (var start = 0; start < n; start += B) {
        var m = Math.min(B, n - start), mean = 0;
        grad.fill(0);
        for (var r = 0; r < m; r++) {
          var i = orders[epoch * n + start + r], row = i * d, z = b - y[i];
          for (var j = 0; j < d; j++) z += X[row + j] * w[j];
          residual[r] = z;
          mean += z;
        }
        for (r = 0; r < m; r++) {
          var rowr = orders[epoch * n + start + r] * d, g = residual[r] / m;
          for (j = 0; j < d; j++) grad[j] += g * X[rowr + j];
        }
        b -= lr * mean / m;
        for (j = 0; j < d; j++) {
          var v = decay * w[j] - lr * grad[j];
          if (l1 > 0) v = v > shrink ? v - shrink : (v < -shrink ? v + shrink : 0);
          w[j] = v;
        }
      }
      record();
    }
    out.w = w;
    out.b = b;
    return out;
  }

  // ------------------------------------------------------------------ MLP classifier (Chapters 2 and 3)

  // The WebAssembly kernels' tanh reads a table of 2^(i/128): e = exp(2x) is a table entry times a degree-4
  // polynomial, and tanh = (e - 1) / (e + 1), within 6e-16 of Math.tanh and three times as fast. Built on first use.
  var TANH_TABLE_LENGTH = 14405, tanhTable = null;

  function tanhTableValues() {
    if (!tanhTable) {
      tanhTable = new Float64Array(TANH_TABLE_LENGTH);
      for (var i = 0; i < TANH_TABLE_LENGTH; i++) tanhTable[i] = Math.pow(2, (i - 7202) / 128);
    }
    return tanhTable;
  }

  // The passes' loops (matrix products, bias and activation, masks, slopes, transposes, Adam) run in WebAssembly
  // SIMD (wasm/kernels.wat, assembled below; about twice as fast in all) on arrays in an Arena's memory, and as the
  // plain JavaScript loops beside each call otherwise (browsers without WebAssembly SIMD, or arrays elsewhere).
  var KERNELS_WASM = "AGFzbQEAAAABWQpgA39/fwF8YAR7f39/AXxgBn9/f39/fwBgAnx/AXxgA39/fwBgBn9/f39/fABgBH9/f38AYAV/f39/fwBgBX9/fHx/AX9gEH9/f39/f3x8fHx8fHx8fHwAAg8BA2VudgZtZW1vcnkCAAEDEA8AAQIDAgQFBgcGCAkCAgYHjwEMB2dlbW1fbnQAAghiaWFzX2FjdAAEA211bAAFBXNsb3BlAAYJdHJhbnNwb3NlAAcPYmlhc190YW5oX3BhaXJzAAgPYmlhc19yZWx1X3BhaXJzAAkJZmlsbF9tYXNrAAoEYWRhbQALDWdlbW1fbm5fc21hbGwADAdnZW1tX3RuAA0LY29sdW1uX3N1bXMADgrDHg9vAwF7AX8BfCAAIAJBfnFBA3RqIQQCQANAIAAgBE8NASADIAD9AAQAIAH9AAQA/fIB/fABIQMgAEEQaiEAIAFBEGohAQwACwsgA/0hACAD/SEBoCEFIAJBAXEEQCAFIAArAwAgASsDAKKgIQULIAULKAEBfCAA/SEAIAD9IQGgIQQgAwRAIAQgASsDACACKwMAoqAhBAsgBAuyCAIOfw57IAVBA3QhBiAFQX5xQQN0IQcgBUEBcSEIAkADQCAJQQFqIANODQEgACAJIAZsaiEMIAwgBmohDSACIAkgBGxBA3RqIRIgEiAEQQN0aiETQQAhCgJAA0AgCkEDaiAETg0BIAEgCiAGbGohDiAOIAZqIQ8gDyAGaiEQIBAgBmohEf0MAAAAAAAAAAAAAAAAAAAAACEa/QwAAAAAAAAAAAAAAAAAAAAAIRv9DAAAAAAAAAAAAAAAAAAAAAAhHP0MAAAAAAAAAAAAAAAAAAAAACEd/QwAAAAAAAAAAAAAAAAAAAAAIR79DAAAAAAAAAAAAAAAAAAAAAAhH/0MAAAAAAAAAAAAAAAAAAAAACEg/QwAAAAAAAAAAAAAAAAAAAAAISFBACELAkADQCALIAdPDQEgDCALav0ABAAhFCANIAtq/QAEACEVIA4gC2r9AAQAIRYgDyALav0ABAAhFyAQIAtq/QAEACEYIBEgC2r9AAQAIRkgGiAUIBb98gH98AEhGiAbIBQgF/3yAf3wASEbIBwgFCAY/fIB/fABIRwgHSAUIBn98gH98AEhHSAeIBUgFv3yAf3wASEeIB8gFSAX/fIB/fABIR8gICAVIBj98gH98AEhICAhIBUgGf3yAf3wASEhIAtBEGohCwwACwsgCARAIBIgGiAMIAdqIA4gB2ogCBABOQMAIBIgGyAMIAdqIA8gB2ogCBABOQMIIBIgHCAMIAdqIBAgB2ogCBABOQMQIBIgHSAMIAdqIBEgB2ogCBABOQMYIBMgHiANIAdqIA4gB2ogCBABOQMAIBMgHyANIAdqIA8gB2ogCBABOQMIIBMgICANIAdqIBAgB2ogCBABOQMQIBMgISANIAdqIBEgB2ogCBABOQMYBSASIBogG/0NAAECAwQFBgcQERITFBUWFyAaIBv9DQgJCgsMDQ4PGBkaGxwdHh/98AH9CwQAIBIgHCAd/Q0AAQIDBAUGBxAREhMUFRYXIBwgHf0NCAkKCwwNDg8YGRobHB0eH/3wAf0LBBAgEyAeIB/9DQABAgMEBQYHEBESExQVFhcgHiAf/Q0ICQoLDA0ODxgZGhscHR4f/fAB/QsEACATICAgIf0NAAECAwQFBgcQERITFBUWFyAgICH9DQgJCgsMDQ4PGBkaGxwdHh/98AH9CwQQCyASQSBqIRIgE0EgaiETIApBBGohCgwACwsCQANAIAogBE4NASABIAogBmxqIQ4gEiAMIA4gBRAAOQMAIBMgDSAOIAUQADkDACASQQhqIRIgE0EIaiETIApBAWohCgwACwsgCUECaiEJDAALCyAJIANIBEAgACAJIAZsaiEMIAIgCSAEbEEDdGohEkEAIQoCQANAIAogBE4NASASIAwgASAKIAZsaiAFEAA5AwAgEkEIaiESIApBAWohCgwACwsLC9QBAQV8RAAAAAAAAABARAAAAAAAgDPARAAAAAAAgDNAIACkpaIhAiACRP6CK2VHFWdAokQAAAAAAAA4Q6AhAyADRAAAAAAAADhDoSEEIAIgBEQAAAAAQy52P6KhIAREAAAAEGFcsL2ioSEFIAEgA72nQaI4akEDdGorAwBEAAAAAAAA8D8gBUQAAAAAAADwPyAFRAAAAAAAAOA/IAVEVVVVVVVVxT8gBURVVVVVVVWlP6KgoqCioKKgoiEGIAZEAAAAAAAA8D+hIAZEAAAAAAAA8D+gowt8AgJ/AXwgACACIANsQQN0aiEGAkADQCAAIAZPDQEgACsDACABIAdBA3RqKwMAoCEIIARBAUYEQCAIRAAAAAAAAAAApSEICyAEQQJGBEAgCCAFEAMhCAsgACAIOQMAIABBCGohACAHQQFqIQcgByADRgRAQQAhBwsMAAsLC0ABAX8gACACQQN0aiEDAkADQCAAIANPDQEgACAA/QAEACAB/QAEAP3yAf0LBAAgAEEQaiEAIAFBEGohAQwACwsL+wIDAn8CfAJ7IAAgA0EDdGohBiAAIANBfnFBA3RqIQcCQANAIAAgB08NASAB/QAEACEKIARBAkYEQCACBEAgCiAF/RT98gEhCkQAAAAAAADwP/0UIAogCv3yAf3xASAC/QAEAP3yASELBUQAAAAAAADwP/0UIAogCv3yAf3xASELCwUgCkQAAAAAAAAAAP0U/UpEAAAAAAAA8D/9FP1OIQsgAgRAIAsgAv0ABAD98gEhCwsLIAAgAP0ABAAgC/3yAf0LBAAgAEEQaiEAIAFBEGohASACBEAgAkEQaiECCwwACwsCQANAIAAgBk8NASABKwMAIQggBEECRgRAIAIEQCAIIAWiIQhEAAAAAAAA8D8gCCAIoqEgAisDAKIhCQVEAAAAAAAA8D8gCCAIoqEhCQsFIAhEAAAAAAAAAABkuCEJIAIEQCAJIAIrAwCiIQkLCyAAIAArAwAgCaI5AwAgAEEIaiEAIAFBCGohASACBEAgAkEIaiECCwwACwsLWQEDfwJAA0AgBCABTg0BIAMgBEEDdGohBkEAIQUCQANAIAUgAk4NASAGIAArAwA5AwAgAEEIaiEAIAYgAUEDdGohBiAFQQFqIQUMAAsLIARBAWohBAwACwsLowMCAn8IeyAAIAIgA2xBA3RqIQUCQANAIAAgBU8NASAA/QAEACABIAZBA3Rq/QAEAP3wASEHRAAAAAAAAABA/RREAAAAAACAM8D9FEQAAAAAAIAzQP0UIAf99AH99QH98gEhCCAIRP6CK2VHFWdA/RT98gFEAAAAAAAAOEP9FP3wASELIAtEAAAAAAAAOEP9FP3xASEJIAggCUQAAAAAQy52P/0U/fIB/fEBIAlEAAAAEGFcsL39FP3yAf3xASEKIAQgC/0bAEGiOGpBA3RqKwMA/RQgBCAL/RsCQaI4akEDdGorAwD9IgEhDERVVVVVVVXFP/0UIApEVVVVVVVVpT/9FP3yAf3wASENRAAAAAAAAOA//RQgCiAN/fIB/fABIQ1EAAAAAAAA8D/9FCAKIA398gH98AEhDUQAAAAAAADwP/0UIAogDf3yAf3wASENIAwgDf3yASEOIA5EAAAAAAAA8D/9FP3xASAORAAAAAAAAPA//RT98AH98wEhByAAIAf9CwQAIABBEGohACAGQQJqIQYgBiADRgRAQQAhBgsMAAsLC2MBAn8gACACIANsQQN0aiEEAkADQCAAIARPDQEgACAA/QAEACABIAVBA3Rq/QAEAP3wAUQAAAAAAAAAAP0U/fUB/QsEACAAQRBqIQAgBUECaiEFIAUgA0YEQEEAIQULDAALCwt8AgJ/AXwgACABQQN0aiEFAkADQCAAIAVPDQEgBEH1863pBmohBCAEIARBD3ZzIARBAXJsIQYgBiAGIAZBB3ZzIAZBPXJsaiAGcyEGIAYgBkEOdnO4RAAAAAAAAPBBoyEHIAAgByACZrggA6I5AwAgAEEIaiEADAALCyAEC8UCAgF/BXtEAAAAAAAA8D/9FCEVIAAgBUEBakF+cUEDdGohEAJAA0AgACAQTw0BIAD9AAQAIREgAf0ABAAgBP0ABAAgDv0UIBH98gH98gH98AEhEiAPRAAAAAAAAAAAZARAIBIgBP0ABAAgD/0UIBFEAAAAAAAAAAD9FP1KIBX9TiARRAAAAAAAAAAA/RT9SSAV/U798QH98gH98gH98AEhEgsgB/0UIAL9AAQA/fIBIAj9FCAS/fIB/fABIRMgCf0UIAP9AAQA/fIBIAr9FCAS/fIBIBL98gH98AEhFCACIBP9CwQAIAMgFP0LBAAgACARIAb9FCATIAv9FP3zAf3yASAUIAz9FP3zAf3vASAN/RT98AH98wH98QH9CwQAIABBEGohACABQRBqIQEgAkEQaiECIANBEGohAyAEQRBqIQQMAAsLC6sBAgR/AXsCQANAIAYgA04NAUEAIQcCQANAIAcgBE4NAf0MAAAAAAAAAAAAAAAAAAAAACEKIAAhCUEAIQgCQANAIAggBU4NASAKIAkrAwD9FCABIAggBGwgB2pBA3Rq/QAEAP3yAf3wASEKIAlBCGohCSAIQQFqIQgMAAsLIAIgCv0LBAAgAkEQaiECIAdBAmohBwwACwsgACAFQQN0aiEAIAZBAWohBgwACwsLlAQCBn8OewJAA0AgBiADTg0BQQAhBwJAA0AgByAETg0B/QwAAAAAAAAAAAAAAAAAAAAAIRL9DAAAAAAAAAAAAAAAAAAAAAAhE/0MAAAAAAAAAAAAAAAAAAAAACEU/QwAAAAAAAAAAAAAAAAAAAAAIRX9DAAAAAAAAAAAAAAAAAAAAAAhFv0MAAAAAAAAAAAAAAAAAAAAACEX/QwAAAAAAAAAAAAAAAAAAAAAIRj9DAAAAAAAAAAAAAAAAAAAAAAhGSAAIAZBA3RqIQkgASAHQQN0aiEKQQAhCAJAA0AgCCAFTg0BIAkrAwD9FCEMIAkrAwj9FCENIAr9AAQAIQ4gCv0ABBAhDyAK/QAEICEQIAr9AAQwIREgEiAMIA798gH98AEhEiATIAwgD/3yAf3wASETIBQgDCAQ/fIB/fABIRQgFSAMIBH98gH98AEhFSAWIA0gDv3yAf3wASEWIBcgDSAP/fIB/fABIRcgGCANIBD98gH98AEhGCAZIA0gEf3yAf3wASEZIAkgA0EDdGohCSAKIARBA3RqIQogCEEBaiEIDAALCyACIAYgBGwgB2pBA3RqIQsgCyAS/QsEACALIBP9CwQQIAsgFP0LBCAgCyAV/QsEMCALIARBA3RqIQsgCyAW/QsEACALIBf9CwQQIAsgGP0LBCAgCyAZ/QsEMCAHQQhqIQcMAAsLIAZBAmohBgwACwsLeQIDfwF7AkADQCAEIANODQH9DAAAAAAAAAAAAAAAAAAAAAAhByAAIARBA3RqIQZBACEFAkADQCAFIAJODQEgByAG/QAEAP3wASEHIAYgA0EDdGohBiAFQQFqIQUMAAsLIAEgBEEDdGogB/0LBAAgBEECaiEEDAALCws=";
  var wasmModule = null;
  var wasmWanted = true;

  function wasmKernels() {
    /* The compiled kernels' module, or null where WebAssembly or its SIMD instructions are missing. */
    if (!wasmWanted || typeof WebAssembly !== "object") return null;
    if (wasmModule === null) {
      try {
        var bytes = decodeBytes(KERNELS_WASM);
        wasmModule = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : false;
      } catch (err) { wasmModule = false; }
    }
    return wasmModule || null;
  }

  function useWasm(flag) {
    /* Turn the WebAssembly kernels on or off (tests compare both); returns whether they are available. */
    wasmWanted = !!flag;
    return !!wasmKernels();
  }

  function dot(x, xo, y, yo, length) {
    /* x[xo..xo+length) . y[yo..yo+length), with four running sums (about twice as fast as one in V8). */
    var s0 = 0, s1 = 0, s2 = 0, s3 = 0, k = 0;
    for (; k + 3 < length; k += 4) {
      s0 += x[xo + k] * y[yo + k];
      s1 += x[xo + k + 1] * y[yo + k + 1];
      s2 += x[xo + k + 2] * y[yo + k + 2];
      s3 += x[xo + k + 3] * y[yo + k + 3];
    }
    for (; k < length; k++) s0 += x[xo + k] * y[yo + k];
    return (s0 + s1) + (s2 + s3);
  }

  function gemmJS(A, ai, B, bi, C, ci, n, m, K) {
    /* C (n x m) = A (n x K) . B^T (B is m x K), row-major from element offsets ai, bi, ci; in blocks of 2 rows x
       4 columns, so that each loaded number serves several products. */
    var i = 0, j, k;
    for (; i + 1 < n; i += 2) {
      var a0 = ai + i * K, a1 = a0 + K, c0 = ci + i * m, c1 = c0 + m;
      for (j = 0; j + 3 < m; j += 4) {
        var b0 = bi + j * K, b1 = b0 + K, b2 = b1 + K, b3 = b2 + K;
        var s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (k = 0; k < K; k++) {
          var x0 = A[a0 + k], x1 = A[a1 + k], y0 = B[b0 + k], y1 = B[b1 + k], y2 = B[b2 + k], y3 = B[b3 + k];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        }
        C[c0 + j] = s00; C[c0 + j + 1] = s01; C[c0 + j + 2] = s02; C[c0 + j + 3] = s03;
        C[c1 + j] = s10; C[c1 + j + 1] = s11; C[c1 + j + 2] = s12; C[c1 + j + 3] = s13;
      }
      for (; j < m; j++) {
        C[c0 + j] = dot(A, a0, B, bi + j * K, K);
        C[c1 + j] = dot(A, a1, B, bi + j * K, K);
      }
    }
    for (; i < n; i++) for (j = 0; j < m; j++) C[ci + i * m + j] = dot(A, ai + i * K, B, bi + j * K, K);
  }

  function Arena(lengths) {
    /* Float64Arrays of the given lengths, carved from one WebAssembly memory when the kernels are available
       (so the passes' loops run there), else plain arrays. arena.arrays[i] has lengths[i] numbers. */
    var module = wasmKernels(), total = module ? TANH_TABLE_LENGTH + 1 : 0;
    lengths.forEach(function (length) { total += length + 1; });   // +1: keep every array 16-byte aligned
    this.buffer = null;
    this.kernels = null;
    if (module) {
      var memory = new WebAssembly.Memory({initial: Math.ceil((8 * total + 16) / 65536)});
      this.buffer = memory.buffer;
      this.kernels = new WebAssembly.Instance(module, {env: {memory: memory}}).exports;
    }
    var offset = 0, buffer = this.buffer;
    var carve = function (length) {
      if (!buffer) return new Float64Array(length);
      var array = new Float64Array(buffer, offset, length);
      offset += 8 * (length + (length & 1));
      return array;
    };
    this.tanhTable = buffer ? carve(TANH_TABLE_LENGTH) : null;   // only the kernels read it
    if (buffer) this.tanhTable.set(tanhTableValues());
    this.arrays = lengths.map(carve);
  }

  Arena.prototype.holds = function (array) { return this.buffer !== null && array.buffer === this.buffer; };

  Arena.prototype.gemm = function (A, ai, B, bi, C, ci, n, m, K) {
    /* C = A . B^T (see gemmJS); in WebAssembly when worth it and all three arrays are in this arena. */
    if (K >= 4 && this.holds(A) && this.holds(B) && this.holds(C))
      this.kernels.gemm_nt(A.byteOffset + 8 * ai, B.byteOffset + 8 * bi, C.byteOffset + 8 * ci, n, m, K);
    else gemmJS(A, ai, B, bi, C, ci, n, m, K);
  };

  Arena.prototype.gemmSmall = function (A, B, bi, C, n, m, K) {
    /* C (n x m) = A (n x K) . B[bi..] (K x m), for few inputs K: no transpose, in WebAssembly when it can. */
    if (m % 2 === 0 && this.holds(A) && this.holds(B) && this.holds(C))
      return this.kernels.gemm_nn_small(A.byteOffset, B.byteOffset + 8 * bi, C.byteOffset, n, m, K);
    for (var i = 0; i < n; i++) for (var j = 0; j < m; j++) {
      var total = 0;
      for (var k = 0; k < K; k++) total += A[i * K + k] * B[bi + k * m + j];
      C[i * m + j] = total;
    }
  };

  Arena.prototype.biasAct = function (z, theta, bo, n, m, act) {
    /* z[i, j] = act(z[i, j] + theta[bo + j]); act 0: none, 1: ReLU, 2: tanh. */
    var count = n * m, i, j, t;
    if (act === 1 && m % 2 === 0 && this.holds(z) && this.holds(theta))
      return this.kernels.bias_relu_pairs(z.byteOffset, theta.byteOffset + 8 * bo, n, m);
    if (act === 2 && m % 2 === 0 && this.holds(z) && this.holds(theta))
      return this.kernels.bias_tanh_pairs(z.byteOffset, theta.byteOffset + 8 * bo, n, m, this.tanhTable.byteOffset);
    if (this.holds(z) && this.holds(theta))
      return this.kernels.bias_act(z.byteOffset, theta.byteOffset + 8 * bo, n, m, act, this.tanhTable.byteOffset);
    for (i = 0; i < n; i++) for (j = 0; j < m; j++) z[i * m + j] += theta[bo + j];
    // separate loops without data-dependent branches: random signs defeat branch prediction
    if (act === 2) for (t = 0; t < count; t++) z[t] = Math.tanh(z[t]);
    else if (act === 1) for (t = 0; t < count; t++) z[t] = Math.max(z[t], 0);
  };

  Arena.prototype.mul = function (z, mask, count) {
    /* z[t] *= mask[t]. */
    if (this.holds(z) && this.holds(mask)) return this.kernels.mul(z.byteOffset, mask.byteOffset, count);
    for (var t = 0; t < count; t++) z[t] *= mask[t];
  };

  Arena.prototype.adam = function (run, lr, beta1, beta2, b1, b2, eps) {
    /* One Adam step of run's parameters, with its L2 (and L1) penalty on the weights; b1, b2: bias corrections. */
    var theta = run.theta, grad = run.grad, m = run.m, v = run.v, isWeight = run.isWeight, wd = run.wd, l1 = run.l1;
    if (this.holds(theta))
      return this.kernels.adam(theta.byteOffset, grad.byteOffset, m.byteOffset, v.byteOffset, run.weightMask.byteOffset,
                               theta.length, lr, beta1, 1 - beta1, beta2, 1 - beta2, b1, b2, eps, wd, l1);
    for (var p = 0; p < theta.length; p++) {
      var g = grad[p];
      if (isWeight[p]) {
        g += wd * theta[p];
        if (l1 > 0) g += l1 * (theta[p] > 0 ? 1 : (theta[p] < 0 ? -1 : 0));
      }
      m[p] = beta1 * m[p] + (1 - beta1) * g;
      v[p] = beta2 * v[p] + (1 - beta2) * g * g;
      theta[p] -= lr * (m[p] / b1) / (Math.sqrt(v[p] / b2) + eps);
    }
  };

  Arena.prototype.fillMask = function (mask, rate, keep, uniform) {
    /* mask[t] = keep where the next uniform number is at least rate, else 0; in WebAssembly for seededUniform's. */
    if (this.holds(mask) && uniform.skipTo)
      return uniform.skipTo(this.kernels.fill_mask(mask.byteOffset, mask.length, rate, keep, uniform.state()));
    for (var t = 0; t < mask.length; t++) mask[t] = +(uniform() >= rate) * keep;
  };

  Arena.prototype.slope = function (up, a, mask, count, act, inv) {
    /* up[k] *= d act / d z, from the stored output a = act(z) * keep (keep: mask[k], 0 or 1 / (1 - rate) = 1 / inv). */
    var k, t;
    if (this.holds(up) && this.holds(a) && (!mask || this.holds(mask)))
      return this.kernels.slope(up.byteOffset, a.byteOffset, mask ? mask.byteOffset : 0, count, act, inv);
    if (act === 2) {
      if (mask) for (k = 0; k < count; k++) { t = a[k] * inv; up[k] *= (1 - t * t) * mask[k]; }
      else for (k = 0; k < count; k++) up[k] *= 1 - a[k] * a[k];
    } else if (mask) for (k = 0; k < count; k++) up[k] *= +(a[k] > 0) * mask[k];
    else for (k = 0; k < count; k++) up[k] *= +(a[k] > 0);
  };

  Arena.prototype.transpose = function (source, so, rows, cols, target) {
    /* target (cols x rows) = the rows x cols block of source starting at so, transposed. */
    if (this.holds(source) && this.holds(target))
      this.kernels.transpose(source.byteOffset + 8 * so, rows, cols, target.byteOffset);
    else transpose(source, so, rows, cols, target);
    return target;
  };

  function transpose(source, so, rows, cols, target) {
    /* target (cols x rows) = the rows x cols block of source starting at so, transposed. */
    for (var r = 0; r < rows; r++) for (var c = 0; c < cols; c++) target[c * rows + r] = source[so + r * cols + c];
    return target;
  }

  function layerOffsets(sizes) {
    /* Offsets of each layer's W (n_in x n_out, row-major) and b in one flat parameter vector, as reglab.models. */
    var W = [], b = [], offset = 0;
    for (var l = 0; l + 1 < sizes.length; l++) {
      W.push(offset);
      offset += sizes[l] * sizes[l + 1];
      b.push(offset);
      offset += sizes[l + 1];
    }
    return {W: W, b: b, size: offset};
  }

  function Net(sizes, activation, arena, scratch) {
    /* The forward and backward passes of an MLP; scratch: [WT, aT, dT] from the arena, each at least
       widest^2, widest x rows and widest x rows (rows: the most examples a backward pass sees). */
    var offsets = layerOffsets(sizes);
    this.sizes = sizes;
    this.tanh = activation === "tanh";
    this.W = offsets.W;
    this.b = offsets.b;
    this.size = offsets.size;
    this.arena = arena;
    this.WT = scratch[0];
    this.aT = scratch[1];
    this.dT = scratch[2];
    this.keepScale = 1;   // dropout's 1 / (1 - rate): the backward pass divides the stored outputs by it
  }

  Net.prototype.forward = function (theta, X, n, acts, masks) {
    /* Logits of n inputs; acts[l] keeps hidden layer l's output (after its mask). */
    var sizes = this.sizes, L = sizes.length - 1, a = X, arena = this.arena;
    for (var l = 0; l < L; l++) {
      var din = sizes[l], dout = sizes[l + 1], z = acts[l], hidden = l < L - 1;
      if (din < 4 && arena.buffer) arena.gemmSmall(a, theta, this.W[l], z, n, dout, din);
      else arena.gemm(a, 0, arena.transpose(theta, this.W[l], din, dout, this.WT), 0, z, 0, n, dout, din);
      arena.biasAct(z, theta, this.b[l], n, dout, hidden ? (this.tanh ? 2 : 1) : 0);
      if (hidden && masks) arena.mul(z, masks[l], n * dout);
      a = z;
    }
    return a;
  };

  Net.prototype.backward = function (theta, X, n, acts, dlogits, masks, grad, delta, up) {
    /* Gradient of the loss into grad, given d loss / d logits; delta and up are scratch (n x widest layer). */
    var sizes = this.sizes, L = sizes.length - 1, aT = this.aT, dT = this.dT, arena = this.arena, i, j;
    for (i = 0; i < n; i++) delta[i] = dlogits[i];
    for (var l = L - 1; l >= 0; l--) {
      var din = sizes[l], dout = sizes[l + 1], W = this.W[l], bo = this.b[l];
      var a = l ? acts[l - 1] : X;
      if (dout % 8 === 0 && din % 2 === 0 && arena.holds(a) && arena.holds(delta)) {
        arena.kernels.column_sums(delta.byteOffset, grad.byteOffset + 8 * bo, n, dout);             // dL/db
        arena.kernels.gemm_tn(a.byteOffset, delta.byteOffset, grad.byteOffset + 8 * W, din, dout, n);  // dL/dW
      } else {
        arena.transpose(a, 0, n, din, aT);
        arena.transpose(delta, 0, n, dout, dT);
        for (j = 0; j < dout; j++) {
          var total = 0;
          for (i = 0; i < n; i++) total += dT[j * n + i];
          grad[bo + j] = total;
        }
        arena.gemm(aT, 0, dT, 0, grad, W, din, dout, n);      // dL/dW = a^T . delta
      }
      if (!l) break;
      if (dout === 1 && arena.buffer) arena.gemmSmall(delta, theta, W, up, n, din, 1);   // W^T (1 x din) is W (din x 1)
      else arena.gemm(delta, 0, theta, W, up, 0, n, din, dout);          // dL/da = delta . W^T
      arena.slope(up, a, masks ? masks[l - 1] : null, n * din, this.tanh ? 2 : 1, 1 / this.keepScale);
      var swap = delta; delta = up; up = swap;
    }
  };

  function bce(logits, y, n, dlogits) {
    /* Mean binary cross-entropy from logits; its gradient into dlogits when given; also the accuracy. */
    var loss = 0, correct = 0;
    for (var i = 0; i < n; i++) {
      var z = logits[i];
      loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i] * z;
      if ((z > 0) === (y[i] > 0.5)) correct++;
      if (dlogits) dlogits[i] = (1 / (1 + Math.exp(-z)) - y[i]) / n;
    }
    return {loss: loss / n, acc: correct / n};
  }

  function bceGradient(logits, y, n, dlogits) {
    /* bce's gradient alone, for the epochs whose loss is not recorded (its logarithms cost 2 % of a training). */
    for (var i = 0; i < n; i++) dlogits[i] = (1 / (1 + Math.exp(-logits[i])) - y[i]) / n;
  }

  var ARENAS = typeof WeakMap === "function" ? new WeakMap() : null;

  function arenaFor(spec, lengths) {
    /* One arena per spec and layout, reused by its trainings: an explorer trains one value at a time (a new slider
       move abandons the training before it), and a fresh 2 MB memory per move would cost the page garbage
       collections. */
    var key = lengths.join(",") + (wasmKernels() ? "|wasm" : "|js"), arenas = ARENAS && ARENAS.get(spec);
    if (!arenas && ARENAS) ARENAS.set(spec, arenas = {});
    if (!arenas) return new Arena(lengths);
    return arenas[key] || (arenas[key] = new Arena(lengths));
  }

  function Classifier(spec, setting, uniform) {
    /* A training in progress (full-batch Adam, as train.sweep_classifier); step(k) trains up to k more epochs. */
    var rate = checkSetting(setting, "drop_rate", 0, 0.99);
    this.wd = checkSetting(setting, "weight_decay", 0, Infinity);
    this.l1 = checkSetting(setting, "l1", 0, Infinity);
    var sizes = spec.sizes, n = spec.train.y.length, widest = Math.max.apply(null, sizes.slice(1));
    var hidden = sizes.slice(1), size = layerOffsets(sizes).size;
    var evalRows = Math.max(n, spec.val ? spec.val.y.length : 0, spec.test.y.length);
    // one arena holds every array the passes touch: parameters, Adam's moments, activations, masks, scratch
    var lengths = [size, size, size, size, widest * widest, widest * n, widest * n, n * widest, n * widest, n, size];
    hidden.forEach(function (w) { lengths.push(n * w); });
    hidden.forEach(function (w) { lengths.push(evalRows * w); });
    if (rate > 0) hidden.slice(0, -1).forEach(function (w) { lengths.push(n * w); });
    // the inputs of every split, and the grid's points, in the arena too (so the first layer runs there)
    var splits = ["train", "val", "test"].filter(function (name) { return spec[name]; });
    var firstInput = lengths.length;
    splits.forEach(function (name) { lengths.push(spec[name].X.length); });
    lengths.push(sizes[0] * evalRows);
    var arena = arenaFor(spec, lengths), arrays = arena.arrays, L = hidden.length;
    this.inputs = {};
    for (var s = 0; s < splits.length; s++) {
      this.inputs[splits[s]] = arrays[firstInput + s];
      this.inputs[splits[s]].set(spec[splits[s]].X);
    }
    this.gridPoints = arrays[firstInput + splits.length];
    this.spec = spec;
    this.net = new Net(sizes, spec.activation, arena, arrays.slice(4, 7));
    this.rate = rate;
    this.keepScale = this.net.keepScale = rate > 0 ? 1 / (1 - rate) : 1;
    this.uniform = uniform || seededUniform(spec.seed || 0);
    this.theta = arrays[0];
    this.theta.set(spec.params0);
    arrays[2].fill(0);   // Adam's moments start at 0 (the arena may hold an earlier training's)
    arrays[3].fill(0);
    this.grad = arrays[1];
    this.m = arrays[2];
    this.v = arrays[3];
    this.delta = arrays[7];
    this.up = arrays[8];
    this.dlogits = arrays[9];
    this.weightMask = arrays[10];   // 1 for a weight, 0 for a bias: the penalties apply to weights only
    this.acts = arrays.slice(11, 11 + L);
    this.evalActs = arrays.slice(11 + L, 11 + 2 * L);
    this.evalRows = evalRows;
    this.masks = rate > 0 ? arrays.slice(11 + 2 * L, firstInput) : null;
    this.isWeight = new Uint8Array(this.net.size);
    for (var l = 0; l < this.net.W.length; l++) {
      this.isWeight.fill(1, this.net.W[l], this.net.b[l]);
      this.weightMask.fill(1, this.net.W[l], this.net.b[l]);
    }
    this.step_ = 0;
    this.out = {epochs: [], train_loss: [], masked_loss: [], val_loss: [], test_loss: [], train_acc: [],
                val_acc: [], test_acc: [], w_norm: []};
  }

  Classifier.prototype.done = function () { return this.step_ > this.spec.num_epochs; };

  Classifier.prototype.evaluate = function (split) {
    var part = this.spec[split], n = part.y.length;
    return bce(this.net.forward(this.theta, this.inputs[split], n, this.evalActs, null), part.y, n, null);
  };

  Classifier.prototype.step = function (count) {
    var spec = this.spec, E = spec.num_epochs, n = spec.train.y.length, theta = this.theta, grad = this.grad;
    var lr = spec.lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, out = this.out;
    for (var c = 0; c < count && this.step_ <= E; c++) {
      var step = this.step_;
      if (this.masks) {
        for (var l = 0; l < this.masks.length; l++) {
          this.net.arena.fillMask(this.masks[l], this.rate, this.keepScale, this.uniform);
        }
      }
      var logits = this.net.forward(theta, this.inputs.train, n, this.acts, this.masks);
      if (step % spec.record_every === 0 || step === E) {
        var masked = bce(logits, spec.train.y, n, this.dlogits);
        out.epochs.push(step);
        out.masked_loss.push(masked.loss);
        var train = this.masks ? this.evaluate("train") : masked;
        out.train_loss.push(train.loss);
        out.train_acc.push(train.acc);
        var splits = spec.val ? ["val", "test"] : ["test"];
        for (var s = 0; s < splits.length; s++) {
          var result = this.evaluate(splits[s]);
          out[splits[s] + "_loss"].push(result.loss);
          out[splits[s] + "_acc"].push(result.acc);
        }
        out.w_norm.push(this.weightNorm());
      } else bceGradient(logits, spec.train.y, n, this.dlogits);
      this.step_++;
      if (step === E) break;
      this.net.backward(theta, this.inputs.train, n, this.acts, this.dlogits, this.masks, grad, this.delta, this.up);
      var b1 = 1 - Math.pow(beta1, step + 1), b2 = 1 - Math.pow(beta2, step + 1);
      this.net.arena.adam(this, lr, beta1, beta2, b1, b2, eps);
    }
    return this;
  };

  Classifier.prototype.weightNorm = function () {
    var total = 0;
    for (var p = 0; p < this.theta.length; p++) if (this.isWeight[p]) total += this.theta[p] * this.theta[p];
    return Math.sqrt(total);
  };

  Classifier.prototype.gridProbs = function () {
    /* Probability of class 1 on the grid x grid (rows follow the second feature), as models.plane_points. */
    var g = this.spec.grid, k = g.length, total = k * k, chunk = this.evalRows, pts = this.gridPoints;
    var probs = new Float64Array(total);
    for (var start = 0; start < total; start += chunk) {
      var rows = Math.min(chunk, total - start);
      for (var i = 0; i < rows; i++) {
        pts[2 * i] = g[(start + i) % k];
        pts[2 * i + 1] = g[Math.floor((start + i) / k)];
      }
      var logits = this.net.forward(this.theta, pts, rows, this.evalActs, null);
      for (i = 0; i < rows; i++) probs[start + i] = 1 / (1 + Math.exp(-logits[i]));
    }
    return probs;
  };

  function trainClassifier(spec, setting, uniform) {
    /* The whole training at once; returns the curves and the final parameters. */
    var run = new Classifier(spec, setting, uniform).step(Infinity);
    run.out.params = Float64Array.from(run.theta);
    return run.out;
  }

  // ------------------------------------------------------------------ polynomial fits (Chapter 0)

  function legendre(x, degree) {
    /* Legendre features P_0..P_degree of 2x - 1, as numpy.polynomial.legendre.legvander. */
    var t = 2 * x - 1, row = [1];
    if (degree > 0) row.push(t);
    for (var k = 2; k <= degree; k++) row.push(((2 * k - 1) * t * row[k - 1] - (k - 1) * row[k - 2]) / k);
    return row;
  }

  function householderQR(A, rows, cols) {
    /* In-place Householder QR of a row-major rows x cols matrix (rows >= cols); returns the reflectors' norms. */
    var diag = new Float64Array(cols);
    for (var k = 0; k < cols; k++) {
      var norm = 0;
      for (var i = k; i < rows; i++) norm += A[i * cols + k] * A[i * cols + k];
      norm = Math.sqrt(norm);
      if (A[k * cols + k] < 0) norm = -norm;
      diag[k] = -norm;
      if (norm === 0) continue;
      for (i = k; i < rows; i++) A[i * cols + k] /= norm;
      A[k * cols + k] += 1;
      for (var j = k + 1; j < cols; j++) {
        var s = 0;
        for (i = k; i < rows; i++) s += A[i * cols + k] * A[i * cols + j];
        s = -s / A[k * cols + k];
        for (i = k; i < rows; i++) A[i * cols + j] += s * A[i * cols + k];
      }
    }
    return diag;
  }

  function applyQt(A, diag, rows, cols, v) {
    for (var k = 0; k < cols; k++) {
      if (diag[k] === 0) continue;
      var s = 0;
      for (var i = k; i < rows; i++) s += A[i * cols + k] * v[i];
      s = -s / A[k * cols + k];
      for (i = k; i < rows; i++) v[i] += s * A[i * cols + k];
    }
  }

  function fitPolynomial(x, y, degree) {
    /* Least-squares coefficients on Legendre features; the minimum-norm fit when there are fewer points. */
    var n = x.length, p = degree + 1, A, diag, k, i, j;
    if (n >= p) {
      A = new Float64Array(n * p);
      for (i = 0; i < n; i++) A.set(legendre(x[i], degree), i * p);
      diag = householderQR(A, n, p);
      var v = Float64Array.from(y);
      applyQt(A, diag, n, p, v);
      var coef = new Float64Array(p);
      for (k = p - 1; k >= 0; k--) {
        var s = v[k];
        for (j = k + 1; j < p; j++) s -= A[k * p + j] * coef[j];
        coef[k] = s / diag[k];
      }
      return coef;
    }
    // fewer points than coefficients: A^T = QR, then the minimum-norm solution is Q (R^T)^-1 y
    A = new Float64Array(p * n);
    for (i = 0; i < n; i++) {
      var row = legendre(x[i], degree);
      for (k = 0; k < p; k++) A[k * n + i] = row[k];
    }
    diag = householderQR(A, p, n);
    var z = new Float64Array(p);
    for (k = 0; k < n; k++) {
      var t = y[k];
      for (j = 0; j < k; j++) t -= A[j * n + k] * z[j];
      z[k] = t / diag[k];
    }
    // multiply by Q = H_0 H_1 ... H_{n-1}: apply the reflectors in reverse order
    for (k = n - 1; k >= 0; k--) {
      var dot = 0;
      for (i = k; i < p; i++) dot += A[i * n + k] * z[i];
      dot = -dot / A[k * n + k];
      for (i = k; i < p; i++) z[i] += dot * A[i * n + k];
    }
    return z;
  }

  function predictPolynomial(coef, x) {
    var row = legendre(x, coef.length - 1), total = 0;
    for (var k = 0; k < coef.length; k++) total += coef[k] * row[k];
    return total;
  }

  function meanSquaredError(coef, xs, ys) {
    var total = 0;
    for (var i = 0; i < xs.length; i++) { var r = predictPolynomial(coef, xs[i]) - ys[i]; total += r * r; }
    return total / xs.length;
  }

  function capacityCurve(data, maxDegree) {
    /* Training and dev error of every degree from 0 to maxDegree, as capacity.capacity_curve. */
    var out = {train_error: [], val_error: [], fits: []};
    for (var d = 0; d <= maxDegree; d++) {
      var coef = fitPolynomial(data.train.x, data.train.y, d);
      out.fits.push(coef);
      out.train_error.push(meanSquaredError(coef, data.train.x, data.train.y));
      out.val_error.push(meanSquaredError(coef, data.val.x, data.val.y));
    }
    return out;
  }

  var api = {decode: decode, unpack: unpack, useWasm: useWasm, Arena: Arena, seededUniform: seededUniform, trainRegression: trainRegression,
             Classifier: Classifier, trainClassifier: trainClassifier, fitPolynomial: fitPolynomial,
             predictPolynomial: predictPolynomial, capacityCurve: capacityCurve, legendre: legendre, label: label};

  // ------------------------------------------------------------------ drawing on a canvas

  var COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
  var RDBU_R = [[5, 48, 97], [33, 102, 172], [67, 147, 195], [146, 197, 222], [209, 229, 240], [247, 247, 247],
                [253, 219, 199], [244, 165, 130], [214, 96, 77], [178, 24, 43], [103, 0, 31]];
  var FONT = "13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

  function label(value) {
    /* A slider value written briefly, as plotting.lambda_label: '0', '0.003', '3', '1e-04'. */
    if (value === 0) return "0";
    var text = Number(value.toPrecision(2));
    if (Math.abs(value) < 1e-4 || Math.abs(value) >= 1e16) return text.toExponential().replace(/e([+-])(\d)$/, "e$10$2");
    return String(text);
  }

  function pyExp(x) {
    /* x in Python's "{:.2e}" form: 8.94e-04. */
    return x.toExponential(2).replace(/e([+-])(\d)$/, "e$10$2");
  }

  function percent(x) { return (100 * x).toFixed(1) + "%"; }

  function ticks(lo, hi, log) {
    if (log) {
      var out = [];
      for (var e = Math.ceil(Math.log10(lo)); e <= Math.floor(Math.log10(hi)); e++) out.push(Math.pow(10, e));
      var step = Math.ceil(out.length / 6);
      return out.filter(function (_, i) { return i % step === 0; });
    }
    var raw = (hi - lo) / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), unit = [1, 2, 2.5, 5, 10].map(function (m) {
      return m * mag; }).find(function (u) { return u >= raw; });
    var list = [];
    for (var t = Math.ceil(lo / unit) * unit; t <= hi + unit * 1e-9; t += unit) list.push(Math.abs(t) < unit * 1e-9 ? 0 : t);
    return list;
  }

  function tickText(t, log) {
    if (log) return "1e" + Math.round(Math.log10(t));
    return String(Number(t.toPrecision(6)));
  }

  function Panel(ctx, box, opts) {
    /* One axes: box {x, y, w, h} in CSS pixels; opts: xlim, ylim, xlog, ylog, title, xlabel, ylabel. */
    this.ctx = ctx;
    this.opts = opts;
    var left = 58, bottom = 42, top = 24;
    this.px = {x: box.x + left, y: box.y + top, w: box.w - left - 10, h: box.h - top - bottom};
  }

  Panel.prototype.sx = function (x) {
    var o = this.opts, lo = o.xlim[0], hi = o.xlim[1];
    var f = o.xlog ? (Math.log(x) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (x - lo) / (hi - lo);
    return this.px.x + f * this.px.w;
  };

  Panel.prototype.sy = function (y) {
    var o = this.opts, lo = o.ylim[0], hi = o.ylim[1];
    y = Math.min(Math.max(y, lo), hi);
    var f = o.ylog ? (Math.log(y) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (y - lo) / (hi - lo);
    return this.px.y + (1 - f) * this.px.h;
  };

  Panel.prototype.frame = function () {
    var c = this.ctx, p = this.px, o = this.opts, self = this;
    c.save();
    c.font = FONT;
    c.fillStyle = "#222";
    c.strokeStyle = "#444";
    c.lineWidth = 1;
    c.strokeRect(p.x, p.y, p.w, p.h);
    c.textAlign = "center";
    c.textBaseline = "top";
    ticks(o.xlim[0], o.xlim[1], o.xlog).forEach(function (t) {
      var x = self.sx(t);
      c.beginPath(); c.moveTo(x, p.y + p.h); c.lineTo(x, p.y + p.h + 4); c.stroke();
      c.fillText(tickText(t, o.xlog), x, p.y + p.h + 6);
    });
    c.fillText(o.xlabel || "", p.x + p.w / 2, p.y + p.h + 24);
    c.textAlign = "right";
    c.textBaseline = "middle";
    ticks(o.ylim[0], o.ylim[1], o.ylog).forEach(function (t) {
      var y = self.sy(t);
      c.beginPath(); c.moveTo(p.x - 4, y); c.lineTo(p.x, y); c.stroke();
      c.fillText(tickText(t, o.ylog), p.x - 6, y);
    });
    c.save();
    c.translate(p.x - 46, p.y + p.h / 2);
    c.rotate(-Math.PI / 2);
    c.textAlign = "center";
    c.fillText(o.ylabel || "", 0, 0);
    c.restore();
    c.textAlign = "left";
    c.textBaseline = "bottom";
    c.font = "bold " + FONT;
    c.fillText(o.title || "", p.x, p.y - 6, p.w);
    c.restore();
  };

  Panel.prototype.clip = function (draw) {
    var c = this.ctx, p = this.px;
    c.save();
    c.beginPath();
    c.rect(p.x, p.y, p.w, p.h);
    c.clip();
    draw(c);
    c.restore();
  };

  Panel.prototype.line = function (xs, ys, color, width, dash) {
    var self = this;
    this.clip(function (c) {
      c.strokeStyle = color;
      c.lineWidth = width || 2;
      c.setLineDash(dash || []);
      c.beginPath();
      for (var i = 0; i < ys.length; i++) {
        var x = self.sx(xs[i]), y = self.sy(ys[i]);
        if (i) c.lineTo(x, y); else c.moveTo(x, y);
      }
      c.stroke();
    });
  };

  Panel.prototype.dots = function (xs, ys, colors, radius) {
    var self = this;
    this.clip(function (c) {
      c.strokeStyle = "#000";
      c.lineWidth = 0.6;
      for (var i = 0; i < xs.length; i++) {
        c.fillStyle = typeof colors === "string" ? colors : colors[i];
        c.beginPath();
        c.arc(self.sx(xs[i]), self.sy(ys[i]), radius || 3, 0, 2 * Math.PI);
        c.fill();
        c.stroke();
      }
    });
  };

  Panel.prototype.legend = function (items, corner) {
    var c = this.ctx, p = this.px, h = 18, w = 0;
    c.save();
    c.font = FONT;
    items.forEach(function (item) { w = Math.max(w, c.measureText(item[0]).width); });
    var x0 = corner.indexOf("right") >= 0 ? p.x + p.w - w - 40 : p.x + 6;
    var y0 = corner.indexOf("lower") >= 0 ? p.y + p.h - h * items.length - 6 : p.y + 6;
    c.fillStyle = "rgba(255,255,255,0.85)";
    c.fillRect(x0, y0, w + 34, h * items.length + 4);
    items.forEach(function (item, i) {
      var y = y0 + 2 + h * i + h / 2;
      c.strokeStyle = item[1]; c.lineWidth = 2; c.setLineDash(item[2] || []);
      c.beginPath(); c.moveTo(x0 + 4, y); c.lineTo(x0 + 24, y); c.stroke();
      c.fillStyle = "#222"; c.textBaseline = "middle"; c.textAlign = "left";
      c.fillText(item[0], x0 + 30, y);
    });
    c.restore();
  };

  function rdbu(p) {
    var f = Math.min(Math.max(p, 0), 1) * (RDBU_R.length - 1), i = Math.min(Math.floor(f), RDBU_R.length - 2), t = f - i;
    return RDBU_R[i].map(function (a, k) { return a + t * (RDBU_R[i + 1][k] - a); });
  }

  Panel.prototype.heatmap = function (probs, k) {
    /* probs (k x k, rows follow y) painted with RdBu_r at 65 % over white, and its 0.5 contour (marching squares). */
    var image = document.createElement("canvas");
    image.width = image.height = k;
    var ictx = image.getContext("2d"), data = ictx.createImageData(k, k);
    for (var r = 0; r < k; r++) for (var col = 0; col < k; col++) {
      var rgb = rdbu(probs[r * k + col]), o = 4 * ((k - 1 - r) * k + col);
      for (var ch = 0; ch < 3; ch++) data.data[o + ch] = 255 + 0.65 * (rgb[ch] - 255);
      data.data[o + 3] = 255;
    }
    ictx.putImageData(data, 0, 0);
    var p = this.px, g = this.opts.grid, self = this;
    this.ctx.imageSmoothingEnabled = true;
    this.ctx.drawImage(image, p.x, p.y, p.w, p.h);
    this.clip(function (c) {
      c.strokeStyle = "#000";
      c.lineWidth = 1.5;
      c.beginPath();
      function at(r, col) { return probs[r * k + col] - 0.5; }
      function point(r0, c0, r1, c1) {
        var a = at(r0, c0), b = at(r1, c1), t = a / (a - b);
        return [self.sx(g[c0] + t * (g[c1] - g[c0])), self.sy(g[r0] + t * (g[r1] - g[r0]))];
      }
      for (var r = 0; r + 1 < k; r++) for (var col = 0; col + 1 < k; col++) {
        var cut = [];
        [[r, col, r, col + 1], [r, col + 1, r + 1, col + 1], [r + 1, col + 1, r + 1, col], [r + 1, col, r, col]]
          .forEach(function (e) { if ((at(e[0], e[1]) > 0) !== (at(e[2], e[3]) > 0)) cut.push(point(e[0], e[1], e[2], e[3])); });
        for (var i = 0; i + 1 < cut.length; i += 2) { c.moveTo(cut[i][0], cut[i][1]); c.lineTo(cut[i + 1][0], cut[i + 1][1]); }
      }
      c.stroke();
    });
  };

  Panel.prototype.bars = function (edges, counts, color) {
    var self = this;
    this.clip(function (c) {
      c.fillStyle = color;
      for (var i = 0; i < counts.length; i++) {
        if (!counts[i]) continue;
        var x0 = self.sx(edges[i]), x1 = self.sx(edges[i + 1]), y = self.sy(counts[i]);
        c.fillRect(x0, y, x1 - x0, self.sy(self.opts.ylim[0]) - y);
      }
    });
  };

  Panel.prototype.vline = function (x, color, dash) {
    var c = this.ctx, p = this.px, sx = this.sx(x);
    c.save(); c.strokeStyle = color; c.lineWidth = 1.5; c.setLineDash(dash || []);
    c.beginPath(); c.moveTo(sx, p.y); c.lineTo(sx, p.y + p.h); c.stroke(); c.restore();
  };

  function layout(canvas, count, aspect) {
    /* Size the canvas to its box: panels side by side when there is room, stacked on a phone; returns the boxes. */
    var width = Math.max(canvas.parentNode.clientWidth, 240), wide = width >= 620;
    var panelW = wide ? width / count : width, panelH = Math.min(Math.round(panelW * aspect), 340);
    if (wide) panelH = Math.max(panelH, 240);
    var height = wide ? panelH : panelH * count, ratio = window.devicePixelRatio || 1;
    canvas.style.width = width + "px";
    canvas.style.height = height + "px";
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    var ctx = canvas.getContext("2d");
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, width, height);
    var boxes = [];
    for (var i = 0; i < count; i++)
      boxes.push(wide ? {x: i * panelW, y: 0, w: panelW, h: panelH} : {x: 0, y: i * panelH, w: panelW, h: panelH});
    return {ctx: ctx, boxes: boxes};
  }

  function range(n) { var out = []; for (var i = 0; i < n; i++) out.push(i); return out; }

  // ------------------------------------------------------------------ the explorers' pictures and status lines

  var PICTURES = {
    regression: function (canvas, spec, run, setting) {
      var lay = layout(canvas, 3, 0.75), ctx = lay.ctx, epochs = range(run.train_loss.length);
      var E = epochs.length - 1, w = run.w, zeros = 0, edges = [], counts = new Array(60).fill(0);
      for (var i = 0; i <= 60; i++) edges.push(-3 + 0.1 * i);
      for (i = 0; i < w.length; i++) {
        if (w[i] === 0) zeros++;
        counts[Math.min(59, Math.max(0, Math.floor((Math.min(Math.max(w[i], -3), 3) + 3) / 0.1)))]++;
      }
      var loss = new Panel(ctx, lay.boxes[0], {xlim: [0, E], ylim: [1e-6, 1e3], ylog: true, xlabel: "epoch",
        ylabel: "half mean squared error", title: "Loss per epoch (" + setting.penalty + ", λ = " + label(setting.value) + ")"});
      loss.frame();
      loss.line(epochs, run.train_loss, COLORS[0]);
      loss.line(epochs, run.test_loss, COLORS[1]);
      loss.legend([["training loss", COLORS[0]], ["test loss", COLORS[1]]], "lower left");
      var norm = new Panel(ctx, lay.boxes[1], {xlim: [0, E], ylim: [0, 15], xlabel: "epoch", ylabel: "‖w‖₂",
        title: "Size of the weights"});
      norm.frame();
      norm.line(epochs, run.w_norm, COLORS[2]);
      var hist = new Panel(ctx, lay.boxes[2], {xlim: [-3, 3], ylim: [0, 200], xlabel: "final weight value",
        ylabel: "number of weights", title: "Final weights: " + zeros + " of " + w.length + " exactly 0"});
      hist.bars(edges, counts, COLORS[3]);
      hist.frame();
      return setting.penalty + ", λ = " + label(setting.value) + ": final training loss " +
        pyExp(run.train_loss[E]) + ", test loss " + pyExp(run.test_loss[E]) + ", ‖w‖₂ = " +
        run.w_norm[E].toFixed(3) + ", " + zeros + " of " + w.length + " weights exactly 0";
    },
    classifier: function (canvas, spec, run, setting, probs) {
      var lay = layout(canvas, 2, 0.9), ctx = lay.ctx, g = spec.grid, k = g.length, X = spec.train.X, y = spec.train.y;
      var dropout = setting.name === "drop rate", last = run.train_acc.length - 1;
      var name = dropout ? "drop rate " + setting.value : setting.penalty + ", λ = " + label(setting.value);
      var board = new Panel(ctx, lay.boxes[0], {xlim: [g[0], g[k - 1]], ylim: [g[0], g[k - 1]], grid: g,
        xlabel: "first feature (standardised)", ylabel: "second feature (standardised)",
        title: "Decision boundary (" + name + ")"});
      if (probs) board.heatmap(probs, k);
      var xs = [], ys = [], colors = [];
      for (var i = 0; i < y.length; i++) { xs.push(X[2 * i]); ys.push(X[2 * i + 1]); colors.push(y[i] > 0.5 ? "#b2182b" : "#2166ac"); }
      board.dots(xs, ys, colors, 3.5);
      board.frame();
      var acc = new Panel(ctx, lay.boxes[1], {xlim: [0, spec.num_epochs], ylim: [0.4, 1.02],
        xlabel: "epoch (one full-batch Adam step)", ylabel: "accuracy",
        title: last < 0 ? "Accuracy" : "Accuracy: train " + percent(run.train_acc[last]) + ", test " + percent(run.test_acc[last])});
      acc.frame();
      acc.line(run.epochs, run.train_acc, COLORS[0]);
      acc.line(run.epochs, run.test_acc, COLORS[1]);
      acc.legend([["training accuracy", COLORS[0]], ["test accuracy", COLORS[1]]], "lower right");
      if (last < 0) return name + ": training…";
      var train = run.train_acc[last], test = run.test_acc[last];
      if (dropout) {
        var gap = 100 * (train - test);
        return name + ": training accuracy " + percent(train) + ", test accuracy " + percent(test) + " (gap " +
          (gap >= 0 ? "+" : "") + gap.toFixed(1) + "%), all measured with dropout off";
      }
      return name + ": training accuracy " + percent(train) +
        ", test accuracy " + percent(test) + ", ‖W‖₂ = " + run.w_norm[last].toFixed(2);
    },
    capacity: function (canvas, spec, fit, setting) {
      var lay = layout(canvas, 2, 0.8), ctx = lay.ctx, data = fit.data, d = setting.degree, curve = fit.curve;
      var xs = spec.curve_x, prediction = Array.prototype.map.call(xs, function (x) {
        return Math.min(Math.max(predictPolynomial(curve.fits[d], x), -3), 3); });
      var left = new Panel(ctx, lay.boxes[0], {xlim: [0, 1], ylim: [-2, 2], xlabel: "input x", ylabel: "target y",
        title: "Degree " + d + ", " + data.train.x.length + " training points"});
      left.frame();
      left.line(xs, spec.truth, "#808080", 1.5, [6, 4]);
      left.line(xs, prediction, COLORS[1]);
      left.dots(data.train.x, data.train.y, COLORS[0], 3.5);
      left.legend([["true curve sin(2πx)", "#808080", [6, 4]], ["fitted polynomial", COLORS[1]]], "lower left");
      var degrees = range(spec.max_degree + 1), limits = [3e-3, 30];
      var right = new Panel(ctx, lay.boxes[1], {xlim: [-0.5, spec.max_degree + 0.5], ylim: limits, ylog: true,
        xlabel: "polynomial degree (model capacity)", ylabel: "mean squared error (log scale)",
        title: "Train error " + curve.train_error[d].toFixed(3) + ", dev error " + curve.val_error[d].toFixed(3)});
      right.frame();
      right.line(degrees, curve.train_error, COLORS[0]);
      right.line(degrees, curve.val_error, COLORS[1]);
      right.dots(degrees, curve.train_error, COLORS[0], 2.5);
      right.dots(degrees, curve.val_error, COLORS[1], 2.5);
      right.vline(d, "#000", [2, 3]);
      right.legend([["training error", COLORS[0]], ["dev (validation) error", COLORS[1]]], "upper left");
      var best = 0;
      curve.val_error.forEach(function (e, i) { if (e < curve.val_error[best]) best = i; });
      return data.train.x.length + " training points, degree " + d + ": training error " +
        curve.train_error[d].toFixed(3) + ", dev error " + curve.val_error[d].toFixed(3) +
        " (lowest dev error at degree " + best + "; noise variance 0.09)";
    }
  };

  // ------------------------------------------------------------------ binding an explorer to its slider

  var queued = [], channel = null;

  function yieldThen(task) {
    /* Run task after the page has had a turn (a MessageChannel message: setTimeout(0) waits >= 4 ms when nested). */
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = function () { queued.shift()(); };
    }
    queued.push(task);
    channel.port2.postMessage(0);
  }

  function Explorer(root, api, data) {
    /* A scrubber upgraded to a live explorer: its slider retrains the model in this page. */
    var spec = api.unpack(data);
    this.root = root;
    this.spec = spec;
    this.range = root.querySelector("input[type=range]");
    this.out = root.querySelector("output");
    this.status = root.querySelector(".reglab-live-status");
    this.canvas = document.createElement("canvas");
    this.canvas.className = "reglab-live-canvas";
    this.canvas.setAttribute("role", "img");
    var img = root.querySelector("img");
    img.parentNode.insertBefore(this.canvas, img);
    img.style.display = "none";
    this.job = 0;
    this.timings = [];
    this.cache = {};
    this.paused = null;    // the classifier training a newer move stopped, with its setting's key
    this.started = 0;      // classifier trainings started from scratch
    this.penalty = spec.penalties ? spec.penalties[0] : null;
    var self = this;
    this.engaged = false;   // the reader has moved the slider: from then on, train its other values ahead
    this.direction = 1;     // the way the slider last moved (+1 right, -1 left): values that way are trained first
    this.index = Number(this.range.value);
    this.range.addEventListener("input", function (event) {
      var index = Number(self.range.value);
      if (index !== self.index) self.direction = index > self.index ? 1 : -1;
      self.index = index;
      self.engaged = true;
      self.retrain(event.timeStamp);
    });
    root.querySelectorAll("input[name$=-penalty]").forEach(function (radio) {
      radio.addEventListener("change", function (event) {
        self.engaged = true;
        self.penalty = radio.value;
        self.retrain(event.timeStamp);
      });
    });
    window.addEventListener("resize", function () { if (self.last) self.draw(self.last.run, self.last.probs); });
    root.classList.add("reglab-live-on");
    this.retrain(null);
  }

  Explorer.prototype.setting = function () {
    /* The setting the slider shows now; the readout and the announced value follow it. */
    var index = Number(this.range.value);
    this.out.textContent = this.spec.labels[index];
    this.range.setAttribute("aria-valuetext", this.spec.name + " = " + this.spec.labels[index]);
    return this.settingAt(index);
  };

  Explorer.prototype.settingAt = function (index) {
    /* The trainer's setting for the slider's index-th value (and the penalty chosen now). */
    var spec = this.spec, value = spec.values[index];
    if (spec.kind === "capacity") return spec.slider === "degree" ? {degree: value, num_train: spec.fixed}
      : {degree: spec.fixed, num_train: value};
    var setting = {name: spec.name, value: value, penalty: this.penalty};
    if (spec.kind === "classifier" && spec.name === "drop rate") setting.drop_rate = value;
    else if (this.penalty === "L1") setting.l1 = value;
    else setting.weight_decay = value;
    return setting;
  };

  Explorer.prototype.draw = function (run, probs) {
    var text = PICTURES[this.spec.kind](this.canvas, this.spec, run, this.current, probs);
    this.status.textContent = text;
    this.canvas.setAttribute("aria-label", this.spec.title + ". " + text);
    return text;
  };

  Explorer.prototype.forget = function () {
    /* Drop every trained result and stop a training in progress (the next move trains from scratch). */
    this.job++;
    this.cache = {};
    this.paused = null;
  };

  Explorer.prototype.key = function (setting) {
    return [setting.penalty, setting.value, setting.degree, setting.num_train].join("|");
  };

  Explorer.prototype.finish = function (started, result) {
    var self = this, job = this.job;
    this.last = result;
    var text = this.draw(result.run, result.probs);
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (job !== self.job) return;
        var record = {value: self.out.textContent, status: text, cached: !!result.cached,
                      ms: started === null ? null : performance.now() - started};
        self.timings.push(record);
        self.root.dataset.state = "done";
        self.root.dispatchEvent(new CustomEvent("reglab-painted", {detail: record}));
        self.prefetch(job);
      }, 0);
    });
  };

  var SLICE_MS = 30;   // training ahead runs in slices this long, so slider moves and scrolling stay answered
  // The training a reader waits for runs its first slice this long: each yield to the page costs a frame (5-10 ms on
  // a long chapter), and a slice this long still answers a move within a tenth of a second or so.
  var FIRST_SLICE_MS = 120;

  Explorer.prototype.train = function (setting, job, progress, done, firstSliceMs) {
    /* Train for setting in slices of SLICE_MS (the first one firstSliceMs), yielding to the page between them; stop
       if job is superseded. */
    var self = this, spec = this.spec, budget = firstSliceMs || SLICE_MS;
    if (spec.kind === "regression") return done({run: api.trainRegression(spec, setting)});
    if (spec.kind === "capacity") {
      var data = spec.sets[String(setting.num_train)];
      return done({run: {data: data, curve: api.capacityCurve(data, spec.max_degree)}});
    }
    // A training stopped by a newer move is finished, not restarted, if the reader comes back to its value (a
    // second quick press lands on the value being trained ahead). Only the latest one is kept: the next one reuses
    // its memory (arenaFor).
    var key = this.key(setting), paused = this.paused, run;
    if (paused && paused.key === key) run = paused.run;
    else { run = new api.Classifier(spec, setting); this.started++; }
    this.paused = {key: key, run: run};
    function slice() {
      if (job !== self.job) return;
      var until = performance.now() + budget;
      budget = SLICE_MS;
      while (!run.done() && performance.now() < until) run.step(5);
      if (run.done()) {
        if (self.paused && self.paused.run === run) self.paused = null;
        return done({run: run.out, probs: run.gridProbs()});
      }
      if (progress) progress(run.out);
      yieldThen(slice);
    }
    slice();
  };

  Explorer.prototype.retrain = function (started) {
    /* Retrain for the slider's value (or take it from the prefetched ones); a newer move cancels a running one. */
    var self = this, job = ++this.job, setting = this.setting(), lastPaint = performance.now();
    this.current = setting;
    this.root.dataset.state = "training";
    var cached = this.cache[this.key(setting)];
    if (cached) return this.finish(started, {run: cached.run, probs: cached.probs, cached: true});
    this.train(setting, job, function (partial) {
      // a slow device shows the training as it goes; a fast one paints once, at the end
      if (performance.now() - lastPaint > 250) { self.draw(partial, null); lastPaint = performance.now(); }
    }, function (result) {
      self.cache[self.key(setting)] = result;
      self.finish(started, result);
    }, FIRST_SLICE_MS);
  };

  Explorer.prototype.prefetch = function (job) {
    /* While the reader looks, train the slider's other values, nearest first (the way the slider last moved first),
       so that later moves paint at once.
       Until the reader uses the slider, only its two neighbours (one press away): a reader who scrolls past costs
       little CPU, and these trainings also get the browser's optimising compilers through the training code, which
       makes a page's first two or three trainings up to twice as slow as later ones. */
    var self = this, index = Number(this.range.value), spec = this.spec;
    var todo = spec.values.map(function (_, i) { return i; }).filter(function (i) { return i !== index; })
      .sort(function (a, b) { return Math.abs(a - index) - Math.abs(b - index) || (b - a) * self.direction; })
      .filter(function (i) { return self.engaged || Math.abs(i - index) === 1; });
    var next = todo.map(function (i) { return self.settingAt(i); })
      .filter(function (setting) { return !self.cache[self.key(setting)]; });
    (function one() {
      var setting = next.shift();
      if (!setting || job !== self.job) return;
      self.train(setting, job, null, function (result) { self.cache[self.key(setting)] = result; yieldThen(one); });
    })();
  };

  function upgrade(root, data) {
    if (root.reglabExplorer) return root.reglabExplorer;
    try {
      root.reglabExplorer = new Explorer(root, api, data);
    } catch (err) {  // the precomputed figure stays, and says why in the console
      root.dataset.state = "failed";
      if (window.console) console.error("reglab-live: could not start the explorer", err);
    }
    return root.reglabExplorer;
  }

  function load(root) {
    /* The explorer's data: inline, or (on the website) a script in _static/live/ loaded now (works from file://). */
    var holder = root.querySelector("script.reglab-live-spec"), source = holder.getAttribute("data-src");
    if (!source) return upgrade(root, JSON.parse(holder.textContent));
    if (root.dataset.state) return;
    root.dataset.state = "loading";
    var key = source.replace(/^.*\//, "").replace(/\.js$/, ""), script = document.createElement("script");
    script.src = source;
    script.onload = function () { upgrade(root, window.reglabLiveSpecs[key]); };
    script.onerror = function () { root.dataset.state = "failed"; };
    document.head.appendChild(script);
  }

  function start() {
    /* Start each explorer when it comes within a screen or so of the viewport: its data is loaded only then. */
    var roots = document.querySelectorAll(".reglab-live");
    if (!("IntersectionObserver" in window)) return roots.forEach(load);
    var watch = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { watch.unobserve(entry.target); load(entry.target); }
      });
    }, {rootMargin: "600px 0px"});
    roots.forEach(function (root) { watch.observe(root); });
  }

  if (typeof document !== "undefined") {
    api.load = load;
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
  return api;
}));
