;; The loops of reglab-live.js's MLP passes, in WebAssembly: row-major float64 arrays at byte offsets of the memory.
;; gemm_nt: C (n x m) = A (n x K) . B^T, with B (m x K), in blocks of 2 rows x 4 columns, two products per f64x2
;; instruction; for even K a block's eight pair sums are added up two at a time by shuffles (calling $fin for each
;; cost a tenth of a training). The others are the elementwise loops, each the twin of the JavaScript loop it replaces, operation for
;; operation (so the two give the same bits). Assembled into _static/reglab-live.js by `node wasm/build.js`
;; (wabt); tests/test_browser_trainers.py checks that the two agree.
(module
  (import "env" "memory" (memory 1))

  (func $dot (param $a i32) (param $b i32) (param $K i32) (result f64)
    (local $acc v128) (local $end i32) (local $s f64)
    (local.set $end (i32.add (local.get $a) (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $pairs
        (br_if $done (i32.ge_u (local.get $a) (local.get $end)))
        (local.set $acc (f64x2.add (local.get $acc)
          (f64x2.mul (v128.load (local.get $a)) (v128.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $pairs)))
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (i32.and (local.get $K) (i32.const 1))
      (then (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))))
    (local.get $s))

  (func $fin (param $acc v128) (param $a i32) (param $b i32) (param $odd i32) (result f64)
    (local $s f64)
    (local.set $s (f64.add (f64x2.extract_lane 0 (local.get $acc)) (f64x2.extract_lane 1 (local.get $acc))))
    (if (local.get $odd)
      (then (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))))
    (local.get $s))

  (func (export "gemm_nt") (param $A i32) (param $B i32) (param $C i32) (param $n i32) (param $m i32) (param $K i32)
    (local $rs i32) (local $ke i32) (local $odd i32) (local $i i32) (local $j i32) (local $k i32)
    (local $a0 i32) (local $a1 i32) (local $b0 i32) (local $b1 i32) (local $b2 i32) (local $b3 i32)
    (local $c0 i32) (local $c1 i32)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (local.set $rs (i32.shl (local.get $K) (i32.const 3)))
    (local.set $ke (i32.shl (i32.and (local.get $K) (i32.const -2)) (i32.const 3)))
    (local.set $odd (i32.and (local.get $K) (i32.const 1)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $n)))
        (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $a1 (i32.add (local.get $a0) (local.get $rs)))
        (local.set $c0 (i32.add (local.get $C) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 3))))
        (local.set $c1 (i32.add (local.get $c0) (i32.shl (local.get $m) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (i32.add (local.get $j) (i32.const 3)) (local.get $m)))
            (local.set $b0 (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $rs))))
            (local.set $b1 (i32.add (local.get $b0) (local.get $rs)))
            (local.set $b2 (i32.add (local.get $b1) (local.get $rs)))
            (local.set $b3 (i32.add (local.get $b2) (local.get $rs)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_u (local.get $k) (local.get $ke)))
                (local.set $x0 (v128.load (i32.add (local.get $a0) (local.get $k))))
                (local.set $x1 (v128.load (i32.add (local.get $a1) (local.get $k))))
                (local.set $y0 (v128.load (i32.add (local.get $b0) (local.get $k))))
                (local.set $y1 (v128.load (i32.add (local.get $b1) (local.get $k))))
                (local.set $y2 (v128.load (i32.add (local.get $b2) (local.get $k))))
                (local.set $y3 (v128.load (i32.add (local.get $b3) (local.get $k))))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $ks)))
            (if (local.get $odd)
              (then
                (f64.store offset=0 (local.get $c0) (call $fin (local.get $s00) (i32.add (local.get $a0) (local.get $ke)) (i32.add (local.get $b0) (local.get $ke)) (local.get $odd)))
                (f64.store offset=8 (local.get $c0) (call $fin (local.get $s01) (i32.add (local.get $a0) (local.get $ke)) (i32.add (local.get $b1) (local.get $ke)) (local.get $odd)))
                (f64.store offset=16 (local.get $c0) (call $fin (local.get $s02) (i32.add (local.get $a0) (local.get $ke)) (i32.add (local.get $b2) (local.get $ke)) (local.get $odd)))
                (f64.store offset=24 (local.get $c0) (call $fin (local.get $s03) (i32.add (local.get $a0) (local.get $ke)) (i32.add (local.get $b3) (local.get $ke)) (local.get $odd)))
                (f64.store offset=0 (local.get $c1) (call $fin (local.get $s10) (i32.add (local.get $a1) (local.get $ke)) (i32.add (local.get $b0) (local.get $ke)) (local.get $odd)))
                (f64.store offset=8 (local.get $c1) (call $fin (local.get $s11) (i32.add (local.get $a1) (local.get $ke)) (i32.add (local.get $b1) (local.get $ke)) (local.get $odd)))
                (f64.store offset=16 (local.get $c1) (call $fin (local.get $s12) (i32.add (local.get $a1) (local.get $ke)) (i32.add (local.get $b2) (local.get $ke)) (local.get $odd)))
                (f64.store offset=24 (local.get $c1) (call $fin (local.get $s13) (i32.add (local.get $a1) (local.get $ke)) (i32.add (local.get $b3) (local.get $ke)) (local.get $odd))))
              (else
              (v128.store offset=0 (local.get $c0) (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s00) (local.get $s01))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s00) (local.get $s01))))
              (v128.store offset=16 (local.get $c0) (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s02) (local.get $s03))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s02) (local.get $s03))))
              (v128.store offset=0 (local.get $c1) (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s10) (local.get $s11))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s10) (local.get $s11))))
              (v128.store offset=16 (local.get $c1) (f64x2.add (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s12) (local.get $s13))
                (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s12) (local.get $s13))))))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 32)))
            (local.set $c1 (i32.add (local.get $c1) (i32.const 32)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols)))
        (block $tail_done
          (loop $tail
            (br_if $tail_done (i32.ge_s (local.get $j) (local.get $m)))
            (local.set $b0 (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $rs))))
            (f64.store (local.get $c0) (call $dot (local.get $a0) (local.get $b0) (local.get $K)))
            (f64.store (local.get $c1) (call $dot (local.get $a1) (local.get $b0) (local.get $K)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
            (local.set $c1 (i32.add (local.get $c1) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $tail)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows)))
    (if (i32.lt_s (local.get $i) (local.get $n))
      (then
        (local.set $a0 (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $rs))))
        (local.set $c0 (i32.add (local.get $C) (i32.shl (i32.mul (local.get $i) (local.get $m)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $last_done
          (loop $last
            (br_if $last_done (i32.ge_s (local.get $j) (local.get $m)))
            (f64.store (local.get $c0)
              (call $dot (local.get $a0) (i32.add (local.get $B) (i32.mul (local.get $j) (local.get $rs))) (local.get $K)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 8)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $last))))))
  ;; tanh(x) = (e - 1) / (e + 1), e = exp(2x) = 2^(k/128) (reglab-live.js's TANH_TABLE at $tab) times a degree-4
  ;; polynomial in the remainder r = 2x - k ln2/128; x is clipped to +-19.5, where tanh is +-1 to double precision.
  ;; k is 2x 128/ln2 rounded by adding and subtracting 1.5 * 2^52, whose low 32 bits are then k itself (cheaper than
  ;; floor and a conversion, in the pairs' version below)
  (func $tanh (param $x f64) (param $tab i32) (result f64)
    (local $y f64) (local $kr f64) (local $k f64) (local $r f64) (local $e f64)
    (local.set $y (f64.mul (f64.const 2) (f64.max (f64.const -19.5) (f64.min (f64.const 19.5) (local.get $x)))))
    (local.set $kr (f64.add (f64.mul (local.get $y) (f64.const 184.6649652337873)) (f64.const 6755399441055744)))
    (local.set $k (f64.sub (local.get $kr) (f64.const 6755399441055744)))
    (local.set $r (f64.sub (f64.sub (local.get $y) (f64.mul (local.get $k) (f64.const 0.0054152123630046844)))
                           (f64.mul (local.get $k) (f64.const -1.4880111899595594e-11))))
    (local.set $e (f64.mul
      (f64.load (i32.add (local.get $tab) (i32.shl (i32.add (i32.wrap_i64 (i64.reinterpret_f64 (local.get $kr))) (i32.const 7202)) (i32.const 3))))
      (f64.add (f64.const 1) (f64.mul (local.get $r)
        (f64.add (f64.const 1) (f64.mul (local.get $r)
          (f64.add (f64.const 0.5) (f64.mul (local.get $r)
            (f64.add (f64.const 0.16666666666666666) (f64.mul (local.get $r) (f64.const 0.041666666666666664)))))))))))
    (f64.div (f64.sub (local.get $e) (f64.const 1)) (f64.add (local.get $e) (f64.const 1))))

  ;; z[i, j] = act(z[i, j] + b[j]) for an n x m block z; act 0: none, 1: ReLU (max with 0), 2: tanh
  (func (export "bias_act") (param $z i32) (param $b i32) (param $n i32) (param $m i32) (param $act i32) (param $tab i32)
    (local $end i32) (local $j i32) (local $x f64)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $x (f64.add (f64.load (local.get $z))
                               (f64.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
        (if (i32.eq (local.get $act) (i32.const 1)) (then (local.set $x (f64.max (local.get $x) (f64.const 0)))))
        (if (i32.eq (local.get $act) (i32.const 2)) (then (local.set $x (call $tanh (local.get $x) (local.get $tab)))))
        (f64.store (local.get $z) (local.get $x))
        (local.set $z (i32.add (local.get $z) (i32.const 8)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (if (i32.eq (local.get $j) (local.get $m)) (then (local.set $j (i32.const 0))))
        (br $each))))

  ;; z[t] *= mask[t] for count numbers (count even: the arena keeps every array 16-byte aligned and padded)
  (func (export "mul") (param $z i32) (param $mask i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (v128.store (local.get $z) (f64x2.mul (v128.load (local.get $z)) (v128.load (local.get $mask))))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 16)))
        (br $each))))

  ;; up[t] *= the activation's slope at the stored output a[t] = act(z) * mask[t] (mask 0: no dropout mask);
  ;; tanh (act 2): (1 - (a * inv)^2) * mask, or 1 - a^2; ReLU (act 1): (a > 0) * mask, or (a > 0); two at a time,
  ;; then the last one of an odd count alone
  (func (export "slope") (param $up i32) (param $a i32) (param $mask i32) (param $count i32) (param $act i32) (param $inv f64)
    (local $end i32) (local $pairs i32) (local $t f64) (local $s f64) (local $tv v128) (local $sv v128)
    (local.set $end (i32.add (local.get $up) (i32.shl (local.get $count) (i32.const 3))))
    (local.set $pairs (i32.add (local.get $up) (i32.shl (i32.and (local.get $count) (i32.const -2)) (i32.const 3))))
    (block $pairs_done
      (loop $pair
        (br_if $pairs_done (i32.ge_u (local.get $up) (local.get $pairs)))
        (local.set $tv (v128.load (local.get $a)))
        (if (i32.eq (local.get $act) (i32.const 2))
          (then
            (if (local.get $mask)
              (then
                (local.set $tv (f64x2.mul (local.get $tv) (f64x2.splat (local.get $inv))))
                (local.set $sv (f64x2.mul (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $tv) (local.get $tv)))
                                          (v128.load (local.get $mask)))))
              (else (local.set $sv (f64x2.sub (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $tv) (local.get $tv)))))))
          (else
            (local.set $sv (v128.and (f64x2.gt (local.get $tv) (f64x2.splat (f64.const 0))) (f64x2.splat (f64.const 1))))
            (if (local.get $mask) (then (local.set $sv (f64x2.mul (local.get $sv) (v128.load (local.get $mask))))))))
        (v128.store (local.get $up) (f64x2.mul (v128.load (local.get $up)) (local.get $sv)))
        (local.set $up (i32.add (local.get $up) (i32.const 16)))
        (local.set $a (i32.add (local.get $a) (i32.const 16)))
        (if (local.get $mask) (then (local.set $mask (i32.add (local.get $mask) (i32.const 16)))))
        (br $pair)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $up) (local.get $end)))
        (local.set $t (f64.load (local.get $a)))
        (if (i32.eq (local.get $act) (i32.const 2))
          (then
            (if (local.get $mask)
              (then
                (local.set $t (f64.mul (local.get $t) (local.get $inv)))
                (local.set $s (f64.mul (f64.sub (f64.const 1) (f64.mul (local.get $t) (local.get $t))) (f64.load (local.get $mask)))))
              (else (local.set $s (f64.sub (f64.const 1) (f64.mul (local.get $t) (local.get $t)))))))
          (else
            (local.set $s (f64.convert_i32_u (f64.gt (local.get $t) (f64.const 0))))
            (if (local.get $mask) (then (local.set $s (f64.mul (local.get $s) (f64.load (local.get $mask))))))))
        (f64.store (local.get $up) (f64.mul (f64.load (local.get $up)) (local.get $s)))
        (local.set $up (i32.add (local.get $up) (i32.const 8)))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (if (local.get $mask) (then (local.set $mask (i32.add (local.get $mask) (i32.const 8)))))
        (br $each))))

  ;; dst (cols x rows) = src (rows x cols) transposed
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32)
    (local $r i32) (local $c i32) (local $out i32)
    (block $rows_done
      (loop $each_row
        (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $out (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 3))))
        (local.set $c (i32.const 0))
        (block $cols_done
          (loop $each_col
            (br_if $cols_done (i32.ge_s (local.get $c) (local.get $cols)))
            (f64.store (local.get $out) (f64.load (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 8)))
            (local.set $out (i32.add (local.get $out) (i32.shl (local.get $rows) (i32.const 3))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $each_col)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $each_row))))

  ;; bias_act's tanh for an even row length m, two numbers at a time: $tanh written out on both lanes of a pair (the
  ;; same operations lane by lane, so the same bits; a call per pair cost 3 % of a training)
  (func (export "bias_tanh_pairs") (param $z i32) (param $b i32) (param $n i32) (param $m i32) (param $tab i32)
    (local $end i32) (local $j i32)
    (local $x v128) (local $y v128) (local $k v128) (local $r v128) (local $idx v128) (local $t v128) (local $p v128) (local $e v128)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (local.set $x (f64x2.add (v128.load (local.get $z)) (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
    (local.set $y (f64x2.mul (f64x2.splat (f64.const 2))
      (f64x2.max (f64x2.splat (f64.const -19.5)) (f64x2.min (f64x2.splat (f64.const 19.5)) (local.get $x)))))
    (local.set $idx (f64x2.add (f64x2.mul (local.get $y) (f64x2.splat (f64.const 184.6649652337873)))
                               (f64x2.splat (f64.const 6755399441055744))))
    (local.set $k (f64x2.sub (local.get $idx) (f64x2.splat (f64.const 6755399441055744))))
    (local.set $r (f64x2.sub (f64x2.sub (local.get $y) (f64x2.mul (local.get $k) (f64x2.splat (f64.const 0.0054152123630046844))))
                             (f64x2.mul (local.get $k) (f64x2.splat (f64.const -1.4880111899595594e-11)))))
    (local.set $t (f64x2.replace_lane 1
      (f64x2.splat (f64.load (i32.add (local.get $tab) (i32.shl (i32.add (i32x4.extract_lane 0 (local.get $idx)) (i32.const 7202)) (i32.const 3)))))
      (f64.load (i32.add (local.get $tab) (i32.shl (i32.add (i32x4.extract_lane 2 (local.get $idx)) (i32.const 7202)) (i32.const 3))))))
    (local.set $p (f64x2.add (f64x2.splat (f64.const 0.16666666666666666))
                             (f64x2.mul (local.get $r) (f64x2.splat (f64.const 0.041666666666666664)))))
    (local.set $p (f64x2.add (f64x2.splat (f64.const 0.5)) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $p (f64x2.add (f64x2.splat (f64.const 1)) (f64x2.mul (local.get $r) (local.get $p))))
    (local.set $e (f64x2.mul (local.get $t) (local.get $p)))
    (local.set $x (f64x2.div (f64x2.sub (local.get $e) (f64x2.splat (f64.const 1))) (f64x2.add (local.get $e) (f64x2.splat (f64.const 1)))))
        (v128.store (local.get $z) (local.get $x))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (if (i32.eq (local.get $j) (local.get $m)) (then (local.set $j (i32.const 0))))
        (br $each))))

  ;; bias_act's ReLU for an even row length m, two numbers at a time
  (func (export "bias_relu_pairs") (param $z i32) (param $b i32) (param $n i32) (param $m i32)
    (local $end i32) (local $j i32)
    (local.set $end (i32.add (local.get $z) (i32.shl (i32.mul (local.get $n) (local.get $m)) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
        (v128.store (local.get $z) (f64x2.max
          (f64x2.add (v128.load (local.get $z)) (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))))
          (f64x2.splat (f64.const 0))))
        (local.set $z (i32.add (local.get $z) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (if (i32.eq (local.get $j) (local.get $m)) (then (local.set $j (i32.const 0))))
        (br $each))))

  ;; A dropout mask: mask[t] = (u >= rate) * keep for count uniforms u from mulberry32 (reglab-live.js's
  ;; seededUniform) whose state is $a; returns the state after them
  (func (export "fill_mask") (param $mask i32) (param $count i32) (param $rate f64) (param $keep f64) (param $a i32)
    (result i32)
    (local $end i32) (local $t i32) (local $u f64)
    (local.set $end (i32.add (local.get $mask) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $mask) (local.get $end)))
        (local.set $a (i32.add (local.get $a) (i32.const 0x6D2B79F5)))
        (local.set $t (i32.mul (i32.xor (local.get $a) (i32.shr_u (local.get $a) (i32.const 15)))
                               (i32.or (local.get $a) (i32.const 1))))
        (local.set $t (i32.xor (i32.add (local.get $t)
                                        (i32.mul (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 7)))
                                                 (i32.or (local.get $t) (i32.const 61))))
                               (local.get $t)))
        (local.set $u (f64.div (f64.convert_i32_u (i32.xor (local.get $t) (i32.shr_u (local.get $t) (i32.const 14))))
                               (f64.const 4294967296)))
        (f64.store (local.get $mask)
          (f64.mul (f64.convert_i32_u (f64.ge (local.get $u) (local.get $rate))) (local.get $keep)))
        (local.set $mask (i32.add (local.get $mask) (i32.const 8)))
        (br $each)))
    (local.get $a))

  ;; One Adam step on count parameters (a pair at a time; arrays are padded to even lengths with zeros): the
  ;; gradient plus, on weights (w = 1), wd * theta and l1 * sign(theta); b1, b2: the bias corrections
  (func (export "adam") (param $theta i32) (param $grad i32) (param $m i32) (param $v i32) (param $w i32)
    (param $count i32) (param $lr f64) (param $beta1 f64) (param $c1 f64) (param $beta2 f64) (param $c2 f64)
    (param $b1 f64) (param $b2 f64) (param $eps f64) (param $wd f64) (param $l1 f64)
    (local $end i32) (local $t v128) (local $g v128) (local $mm v128) (local $vv v128) (local $one v128)
    (local.set $one (f64x2.splat (f64.const 1)))
    (local.set $end (i32.add (local.get $theta) (i32.shl (i32.and (i32.add (local.get $count) (i32.const 1)) (i32.const -2)) (i32.const 3))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $theta) (local.get $end)))
        (local.set $t (v128.load (local.get $theta)))
        (local.set $g (f64x2.add (v128.load (local.get $grad))
          (f64x2.mul (v128.load (local.get $w)) (f64x2.mul (f64x2.splat (local.get $wd)) (local.get $t)))))
        (if (f64.gt (local.get $l1) (f64.const 0))
          (then (local.set $g (f64x2.add (local.get $g) (f64x2.mul (v128.load (local.get $w))
            (f64x2.mul (f64x2.splat (local.get $l1))
              (f64x2.sub (v128.and (f64x2.gt (local.get $t) (f64x2.splat (f64.const 0))) (local.get $one))
                         (v128.and (f64x2.lt (local.get $t) (f64x2.splat (f64.const 0))) (local.get $one)))))))))
        (local.set $mm (f64x2.add (f64x2.mul (f64x2.splat (local.get $beta1)) (v128.load (local.get $m)))
                                  (f64x2.mul (f64x2.splat (local.get $c1)) (local.get $g))))
        (local.set $vv (f64x2.add (f64x2.mul (f64x2.splat (local.get $beta2)) (v128.load (local.get $v)))
                                  (f64x2.mul (f64x2.mul (f64x2.splat (local.get $c2)) (local.get $g)) (local.get $g))))
        (v128.store (local.get $m) (local.get $mm))
        (v128.store (local.get $v) (local.get $vv))
        (v128.store (local.get $theta) (f64x2.sub (local.get $t)
          (f64x2.div (f64x2.mul (f64x2.splat (local.get $lr)) (f64x2.div (local.get $mm) (f64x2.splat (local.get $b1))))
                     (f64x2.add (f64x2.sqrt (f64x2.div (local.get $vv) (f64x2.splat (local.get $b2))))
                                (f64x2.splat (local.get $eps))))))
        (local.set $theta (i32.add (local.get $theta) (i32.const 16)))
        (local.set $grad (i32.add (local.get $grad) (i32.const 16)))
        (local.set $m (i32.add (local.get $m) (i32.const 16)))
        (local.set $v (i32.add (local.get $v) (i32.const 16)))
        (local.set $w (i32.add (local.get $w) (i32.const 16)))
        (br $each))))

  ;; C (n x m) = A (n x K) . B, with B (K x m) and m even: for the layers with few inputs (K = 1 or 2), two
  ;; columns at a time, each a sum over k in order
  (func (export "gemm_nn_small") (param $A i32) (param $B i32) (param $C i32) (param $n i32) (param $m i32) (param $K i32)
    (local $i i32) (local $j i32) (local $k i32) (local $a i32) (local $acc v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $j) (local.get $m)))
            (local.set $acc (v128.const i64x2 0 0))
            (local.set $a (local.get $A))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $acc (f64x2.add (local.get $acc) (f64x2.mul (f64x2.splat (f64.load (local.get $a)))
                  (v128.load (i32.add (local.get $B)
                    (i32.shl (i32.add (i32.mul (local.get $k) (local.get $m)) (local.get $j)) (i32.const 3)))))))
                (local.set $a (i32.add (local.get $a) (i32.const 8)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks)))
            (v128.store (local.get $C) (local.get $acc))
            (local.set $C (i32.add (local.get $C) (i32.const 16)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $cols)))
        (local.set $A (i32.add (local.get $A) (i32.shl (local.get $K) (i32.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; C (n x m) = A^T . B, with A (K x n) and B (K x m), n even and m a multiple of 8: a layer's weight gradient
  ;; (its inputs^T . its deltas) without transposing either; blocks of 2 rows x 8 columns, sums over k in order
  (func (export "gemm_tn") (param $A i32) (param $B i32) (param $C i32) (param $n i32) (param $m i32) (param $K i32)
    (local $i i32) (local $j i32) (local $k i32) (local $a i32) (local $b i32) (local $c i32)
    (local $x0 v128) (local $x1 v128) (local $y0 v128) (local $y1 v128) (local $y2 v128) (local $y3 v128)
    (local $s00 v128) (local $s01 v128) (local $s02 v128) (local $s03 v128)
    (local $s10 v128) (local $s11 v128) (local $s12 v128) (local $s13 v128)
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cols
            (br_if $cols_done (i32.ge_s (local.get $j) (local.get $m)))
            (local.set $s00 (v128.const i64x2 0 0)) (local.set $s01 (v128.const i64x2 0 0))
            (local.set $s02 (v128.const i64x2 0 0)) (local.set $s03 (v128.const i64x2 0 0))
            (local.set $s10 (v128.const i64x2 0 0)) (local.set $s11 (v128.const i64x2 0 0))
            (local.set $s12 (v128.const i64x2 0 0)) (local.set $s13 (v128.const i64x2 0 0))
            (local.set $a (i32.add (local.get $A) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $b (i32.add (local.get $B) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $x0 (f64x2.splat (f64.load (local.get $a))))
                (local.set $x1 (f64x2.splat (f64.load offset=8 (local.get $a))))
                (local.set $y0 (v128.load (local.get $b)))
                (local.set $y1 (v128.load offset=16 (local.get $b)))
                (local.set $y2 (v128.load offset=32 (local.get $b)))
                (local.set $y3 (v128.load offset=48 (local.get $b)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $x0) (local.get $y0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $x0) (local.get $y1))))
                (local.set $s02 (f64x2.add (local.get $s02) (f64x2.mul (local.get $x0) (local.get $y2))))
                (local.set $s03 (f64x2.add (local.get $s03) (f64x2.mul (local.get $x0) (local.get $y3))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $x1) (local.get $y0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $x1) (local.get $y1))))
                (local.set $s12 (f64x2.add (local.get $s12) (f64x2.mul (local.get $x1) (local.get $y2))))
                (local.set $s13 (f64x2.add (local.get $s13) (f64x2.mul (local.get $x1) (local.get $y3))))
                (local.set $a (i32.add (local.get $a) (i32.shl (local.get $n) (i32.const 3))))
                (local.set $b (i32.add (local.get $b) (i32.shl (local.get $m) (i32.const 3))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks)))
            (local.set $c (i32.add (local.get $C) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $m)) (local.get $j)) (i32.const 3))))
            (v128.store offset=0 (local.get $c) (local.get $s00))
            (v128.store offset=16 (local.get $c) (local.get $s01))
            (v128.store offset=32 (local.get $c) (local.get $s02))
            (v128.store offset=48 (local.get $c) (local.get $s03))
            (local.set $c (i32.add (local.get $c) (i32.shl (local.get $m) (i32.const 3))))
            (v128.store offset=0 (local.get $c) (local.get $s10))
            (v128.store offset=16 (local.get $c) (local.get $s11))
            (v128.store offset=32 (local.get $c) (local.get $s12))
            (v128.store offset=48 (local.get $c) (local.get $s13))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $rows))))

  ;; out[j] = the sum over rows of A[row, j], for A (rows x m) with m even (a layer's bias gradient)
  (func (export "column_sums") (param $A i32) (param $out i32) (param $rows i32) (param $m i32)
    (local $j i32) (local $r i32) (local $a i32) (local $acc v128)
    (block $cols_done
      (loop $cols
        (br_if $cols_done (i32.ge_s (local.get $j) (local.get $m)))
        (local.set $acc (v128.const i64x2 0 0))
        (local.set $a (i32.add (local.get $A) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $r (i32.const 0))
        (block $rows_done
          (loop $each
            (br_if $rows_done (i32.ge_s (local.get $r) (local.get $rows)))
            (local.set $acc (f64x2.add (local.get $acc) (v128.load (local.get $a))))
            (local.set $a (i32.add (local.get $a) (i32.shl (local.get $m) (i32.const 3))))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $each)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols))))
)
