;; The dense work of a layer of fused neurons over a block of rows, in WebAssembly SIMD (f64x2).
;;
;; Exactness: every sum is one lane, and each lane adds its terms one by one in graph mode's order
;; (a multiply, then an add: two roundings, as JavaScript's `t += x * y`; no fused multiply-add).
;; Lanes are different neurons (forward) or different weights and inputs (backward), never two
;; parts of one sum. Activations are applied by JavaScript, so that Math.tanh and Math.exp stay V8's.
;;
;; Addresses are byte offsets into the imported memory, which holds the replay's data, grad and
;; pre arrays and the scratch below. Layout of the scratch, for a layer of n neurons (n2 = n
;; rounded up to even) reading K inputs:
;;   wt: the weights transposed, wt[k·n2 + j] = w_j[k], a zero column for j = n when n is odd;
;;   b:  the biases, b[j];
;;   z:  forward's results, z[r·n2 + j] = dot + bias of neuron j in row r;
;;   g:  backward's grads into each neuron's dot, g[r·n2 + j];
;;   a table of n i32 byte addresses: each neuron's weights (in data) or weight grads (in grad);
;;   a list of i32s: the nonzero inputs of each row (nonzeros), or the rows of each block of four
;;   inputs (blockRows), which forwardSparse and weightGrads read.
;; Row r of the inputs (or of their grads) starts at x + r·xs.
(module
  (import "env" "memory" (memory 1))

  ;; z[r][j] = (Σ_k x[r][k]·w_j[k], k ascending) + b[j], for all rows and neurons.
  (func (export "forward")
    (param $wt i32) (param $b i32) (param $n2 i32) (param $K i32)
    (param $x i32) (param $xs i32) (param $rows i32) (param $z i32)
    (local $r i32) (local $j i32) (local $k i32) (local $xr i32) (local $wk i32) (local $zr i32) (local $line i32)
    (local $s v128) (local $w0 v128) (local $w1 v128) (local $b0 v128) (local $b1 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $line (i32.shl (local.get $n2) (i32.const 3)))
    ;; Four rows at a time, four neurons (two lane pairs) at a time: eight sums side by side.
    (block $rows4done
      (loop $rows4
        (br_if $rows4done (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $n2)))
            (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
            (local.set $a4 (v128.const f64x2 0 0)) (local.set $a5 (v128.const f64x2 0 0))
            (local.set $a6 (v128.const f64x2 0 0)) (local.set $a7 (v128.const f64x2 0 0))
            (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))))
            (local.set $wk (i32.add (local.get $wt) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $k (i32.const 0))
            (if (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $n2))
              (then
                ;; two pairs of neurons
                (block $kdone
                  (loop $kloop
                    (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
                    (local.set $w0 (v128.load (local.get $wk)))
                    (local.set $w1 (v128.load offset=16 (local.get $wk)))
                    (local.set $s (v128.load64_splat (local.get $xr)))
                    (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (local.get $w0))))
                    (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (local.get $w1))))
                    (local.set $s (v128.load64_splat (i32.add (local.get $xr) (local.get $xs))))
                    (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (local.get $w0))))
                    (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (local.get $w1))))
                    (local.set $s (v128.load64_splat (i32.add (local.get $xr) (i32.shl (local.get $xs) (i32.const 1)))))
                    (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $s) (local.get $w0))))
                    (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $s) (local.get $w1))))
                    (local.set $s (v128.load64_splat (i32.add (local.get $xr) (i32.mul (local.get $xs) (i32.const 3)))))
                    (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $s) (local.get $w0))))
                    (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $s) (local.get $w1))))
                    (local.set $xr (i32.add (local.get $xr) (i32.const 8)))
                    (local.set $wk (i32.add (local.get $wk) (local.get $line)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kloop)))
                (local.set $b0 (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $b1 (v128.load offset=16 (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $zr (i32.add (local.get $z) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                (v128.store (local.get $zr) (f64x2.add (local.get $a0) (local.get $b0)))
                (v128.store offset=16 (local.get $zr) (f64x2.add (local.get $a1) (local.get $b1)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a2) (local.get $b0)))
                (v128.store offset=16 (local.get $zr) (f64x2.add (local.get $a3) (local.get $b1)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a4) (local.get $b0)))
                (v128.store offset=16 (local.get $zr) (f64x2.add (local.get $a5) (local.get $b1)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a6) (local.get $b0)))
                (v128.store offset=16 (local.get $zr) (f64x2.add (local.get $a7) (local.get $b1)))
                (local.set $j (i32.add (local.get $j) (i32.const 4))))
              (else
                ;; the last pair of neurons
                (block $kdone1
                  (loop $kloop1
                    (br_if $kdone1 (i32.ge_s (local.get $k) (local.get $K)))
                    (local.set $w0 (v128.load (local.get $wk)))
                    (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load64_splat (local.get $xr)) (local.get $w0))))
                    (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load64_splat (i32.add (local.get $xr) (local.get $xs))) (local.get $w0))))
                    (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (v128.load64_splat (i32.add (local.get $xr) (i32.shl (local.get $xs) (i32.const 1)))) (local.get $w0))))
                    (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (v128.load64_splat (i32.add (local.get $xr) (i32.mul (local.get $xs) (i32.const 3)))) (local.get $w0))))
                    (local.set $xr (i32.add (local.get $xr) (i32.const 8)))
                    (local.set $wk (i32.add (local.get $wk) (local.get $line)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $kloop1)))
                (local.set $b0 (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $zr (i32.add (local.get $z) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                (v128.store (local.get $zr) (f64x2.add (local.get $a0) (local.get $b0)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a2) (local.get $b0)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a4) (local.get $b0)))
                (local.set $zr (i32.add (local.get $zr) (local.get $line)))
                (v128.store (local.get $zr) (f64x2.add (local.get $a6) (local.get $b0)))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))))
            (br $jloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; The last rows, one at a time, a pair of neurons at a time.
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $jdone2
          (loop $jloop2
            (br_if $jdone2 (i32.ge_s (local.get $j) (local.get $n2)))
            (local.set $a0 (v128.const f64x2 0 0))
            (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))))
            (local.set $wk (i32.add (local.get $wt) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $k (i32.const 0))
            (block $kdone2
              (loop $kloop2
                (br_if $kdone2 (i32.ge_s (local.get $k) (local.get $K)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load64_splat (local.get $xr)) (v128.load (local.get $wk)))))
                (local.set $xr (i32.add (local.get $xr) (i32.const 8)))
                (local.set $wk (i32.add (local.get $wk) (local.get $line)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $kloop2)))
            (v128.store
              (i32.add (local.get $z) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3)))
              (f64x2.add (local.get $a0) (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $jloop2)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; The weights transposed for forward: wt[k·n2 + j] = w_j[k] for every neuron j < n and weight
  ;; k < K, and wt[k·n2 + n] = 0 when n is odd (the pad lane). `table` holds each neuron's address
  ;; of its first weight. Two neurons' two weights at a time: two loads, two shuffles, two stores.
  (func (export "transpose")
    (param $table i32) (param $n i32) (param $K i32) (param $wt i32) (param $n2 i32)
    (local $j i32) (local $k i32) (local $a i32) (local $b i32) (local $pad i32) (local $out i32) (local $line i32)
    (local $va v128) (local $vb v128)
    (local.set $line (i32.shl (local.get $n2) (i32.const 3)))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $n)))
        (local.set $a (i32.load (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))
        ;; The last neuron of an odd n pairs with the pad lane, which takes zeros.
        (local.set $pad (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $n)))
        (local.set $b (if (result i32) (local.get $pad)
          (then (local.get $a))
          (else (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))))
        (local.set $out (i32.add (local.get $wt) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $K)))
            (local.set $va (v128.load (local.get $a)))
            (local.set $vb (if (result v128) (local.get $pad) (then (v128.const i64x2 0 0)) (else (v128.load (local.get $b)))))
            (v128.store (local.get $out) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $va) (local.get $vb)))
            (v128.store (i32.add (local.get $out) (local.get $line))
              (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $va) (local.get $vb)))
            (local.set $a (i32.add (local.get $a) (i32.const 16)))
            (local.set $b (i32.add (local.get $b) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (i32.shl (local.get $line) (i32.const 1))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $kloop)))
        ;; An odd K's last weight.
        (if (i32.lt_s (local.get $k) (local.get $K))
          (then
            (f64.store (local.get $out) (f64.load (local.get $a)))
            (f64.store offset=8 (local.get $out) (if (result f64) (local.get $pad) (then (f64.const 0)) (else (f64.load (local.get $b)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $jloop))))

  ;; Where each row's inputs are not zero: list[r·(K+1)] = how many, and list[r·(K+1) + 1 + i] the
  ;; byte offset (8k) of the i-th, k ascending. ±0 is left out; NaN and ±∞ are kept. Returns how
  ;; many there are in all rows. Every offset is stored, and the count moves on only past a nonzero.
  (func (export "nonzeros")
    (param $x i32) (param $xs i32) (param $rows i32) (param $K i32) (param $list i32) (result i32)
    (local $r i32) (local $k i32) (local $xr i32) (local $head i32) (local $c i32) (local $total i32)
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))))
        (local.set $head (i32.add (local.get $list) (i32.shl (i32.mul (local.get $r) (i32.add (local.get $K) (i32.const 1))) (i32.const 2))))
        (local.set $c (i32.const 0))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $K)))
            (i32.store offset=4 (i32.add (local.get $head) (i32.shl (local.get $c) (i32.const 2))) (i32.shl (local.get $k) (i32.const 3)))
            (local.set $c (i32.add (local.get $c)
              (f64.ne (f64.load (i32.add (local.get $xr) (i32.shl (local.get $k) (i32.const 3)))) (f64.const 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
        (i32.store (local.get $head) (local.get $c))
        (local.set $total (i32.add (local.get $total) (local.get $c)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))
    (local.get $total))

  ;; forward over the inputs `nonzeros` listed: z[r][j] = (Σ x[r][k]·w_j[k], k ascending, over the
  ;; nonzero x[r][k]) + b[j]. The same bits as forward when every weight is finite: a sum starts at
  ;; +0 and a term ±0·w is ±0, and adding ±0 to a sum that is not -0 changes nothing — a sum that
  ;; starts at +0 never becomes -0 (only -0 + -0 is -0). One row at a time, four pairs of neurons.
  (func (export "forwardSparse")
    (param $wt i32) (param $b i32) (param $n2 i32) (param $K i32)
    (param $x i32) (param $xs i32) (param $rows i32) (param $z i32) (param $list i32)
    (local $r i32) (local $j i32) (local $i i32) (local $count i32) (local $xr i32) (local $head i32)
    (local $off i32) (local $wk i32) (local $zr i32)
    (local $s v128) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $xr (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))))
        (local.set $head (i32.add (local.get $list) (i32.shl (i32.mul (local.get $r) (i32.add (local.get $K) (i32.const 1))) (i32.const 2))))
        (local.set $count (i32.load (local.get $head)))
        (local.set $zr (i32.add (local.get $z) (i32.shl (i32.mul (local.get $r) (local.get $n2)) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_s (local.get $j) (local.get $n2)))
            (local.set $a0 (v128.const f64x2 0 0)) (local.set $a1 (v128.const f64x2 0 0))
            (local.set $a2 (v128.const f64x2 0 0)) (local.set $a3 (v128.const f64x2 0 0))
            (local.set $i (i32.const 0))
            (if (i32.le_s (i32.add (local.get $j) (i32.const 8)) (local.get $n2))
              (then
                ;; four pairs of neurons
                (block $idone
                  (loop $iloop
                    (br_if $idone (i32.ge_s (local.get $i) (local.get $count)))
                    (local.set $off (i32.load offset=4 (i32.add (local.get $head) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $s (v128.load64_splat (i32.add (local.get $xr) (local.get $off))))
                    (local.set $wk (i32.add (i32.add (local.get $wt) (i32.mul (local.get $off) (local.get $n2))) (i32.shl (local.get $j) (i32.const 3))))
                    (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (v128.load (local.get $wk)))))
                    (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $wk)))))
                    (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (v128.load offset=32 (local.get $wk)))))
                    (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (v128.load offset=48 (local.get $wk)))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $iloop)))
                (local.set $wk (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $off (i32.add (local.get $zr) (i32.shl (local.get $j) (i32.const 3))))
                (v128.store (local.get $off) (f64x2.add (local.get $a0) (v128.load (local.get $wk))))
                (v128.store offset=16 (local.get $off) (f64x2.add (local.get $a1) (v128.load offset=16 (local.get $wk))))
                (v128.store offset=32 (local.get $off) (f64x2.add (local.get $a2) (v128.load offset=32 (local.get $wk))))
                (v128.store offset=48 (local.get $off) (f64x2.add (local.get $a3) (v128.load offset=48 (local.get $wk))))
                (local.set $j (i32.add (local.get $j) (i32.const 8))))
              (else
                ;; one pair of neurons
                (block $idone1
                  (loop $iloop1
                    (br_if $idone1 (i32.ge_s (local.get $i) (local.get $count)))
                    (local.set $off (i32.load offset=4 (i32.add (local.get $head) (i32.shl (local.get $i) (i32.const 2)))))
                    (local.set $a0 (f64x2.add (local.get $a0)
                      (f64x2.mul (v128.load64_splat (i32.add (local.get $xr) (local.get $off)))
                        (v128.load (i32.add (i32.add (local.get $wt) (i32.mul (local.get $off) (local.get $n2))) (i32.shl (local.get $j) (i32.const 3)))))))
                    (local.set $i (i32.add (local.get $i) (i32.const 1)))
                    (br $iloop1)))
                (v128.store (i32.add (local.get $zr) (i32.shl (local.get $j) (i32.const 3)))
                  (f64x2.add (local.get $a0) (v128.load (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 3))))))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))))
            (br $jloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

;; 1 when the `count` numbers from address `at` (count even) are all finite: v - v is 0 for a
  ;; finite v and NaN for ±∞ and NaN, and a NaN stays in the sum.
  (func (export "finite") (param $at i32) (param $count i32) (result i32)
    (local $end i32) (local $acc v128)
    (local.set $end (i32.add (local.get $at) (i32.shl (local.get $count) (i32.const 3))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $acc (f64x2.add (local.get $acc) (f64x2.sub (v128.load (local.get $at)) (v128.load (local.get $at)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))
    (i64x2.all_true (f64x2.eq (local.get $acc) (v128.const f64x2 0 0))))

  ;; The rows weightGrads takes for each block of four inputs (k = 4·kb, kb < K/4):
  ;; list[kb·(rows+1)] = how many, then those rows, last first — every row, or with `skipZeros`
  ;; only the rows where one of the block's four inputs is not ±0 (NaN and ±∞ are kept).
  (func (export "blockRows")
    (param $x i32) (param $xs i32) (param $rows i32) (param $K i32) (param $list i32) (param $skipZeros i32)
    (local $kb i32) (local $blocks i32) (local $r i32) (local $head i32) (local $c i32) (local $xr i32)
    (local.set $blocks (i32.shr_s (local.get $K) (i32.const 2)))
    (block $kdone
      (loop $kloop
        (br_if $kdone (i32.ge_s (local.get $kb) (local.get $blocks)))
        (local.set $head (i32.add (local.get $list) (i32.shl (i32.mul (local.get $kb) (i32.add (local.get $rows) (i32.const 1))) (i32.const 2))))
        (local.set $c (i32.const 0))
        (local.set $r (local.get $rows))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.eqz (local.get $r)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            ;; Every row is written; the count moves on past a row that is kept.
            (i32.store offset=4 (i32.add (local.get $head) (i32.shl (local.get $c) (i32.const 2))) (local.get $r))
            (local.set $xr (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $kb) (i32.const 5))))
            (local.set $c (i32.add (local.get $c)
              (i32.or (i32.eqz (local.get $skipZeros))
                (v128.any_true (v128.or
                  (f64x2.ne (v128.load (local.get $xr)) (v128.const f64x2 0 0))
                  (f64x2.ne (v128.load offset=16 (local.get $xr)) (v128.const f64x2 0 0)))))))
            (br $rloop)))
        (i32.store (local.get $head) (local.get $c))
        (local.set $kb (i32.add (local.get $kb) (i32.const 1)))
        (br $kloop))))

  ;; Each weight's grad, w_j[k]: += g[r][j]·x[r][k] for r from the last row to the first — for
  ;; the blocks of four weights, over the rows `blockRows` listed: when it left out a row whose
  ;; four inputs are ±0 (only while every g is finite), that row's terms are ±0, which change no
  ;; grad (a grad that starts at +0 never becomes -0; see backwardRows in compile.ts).
  ;; `table` holds each neuron's address of its first weight grad.
  (func (export "weightGrads")
    (param $g i32) (param $n2 i32) (param $n i32) (param $K i32)
    (param $x i32) (param $xs i32) (param $rows i32) (param $table i32) (param $list i32)
    (local $at i32) (local $end i32)
    (local $j i32) (local $k i32) (local $r i32) (local $xr i32) (local $gr i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $s v128) (local $x0 v128) (local $x1 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    ;; Four neurons at a time, four weights each (two lane pairs): eight sums side by side.
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
        (local.set $p0 (i32.load (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $p1 (i32.load offset=4 (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $p2 (i32.load offset=8 (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $p3 (i32.load offset=12 (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
            (local.set $a0 (v128.load (local.get $p0))) (local.set $a1 (v128.load offset=16 (local.get $p0)))
            (local.set $a2 (v128.load (local.get $p1))) (local.set $a3 (v128.load offset=16 (local.get $p1)))
            (local.set $a4 (v128.load (local.get $p2))) (local.set $a5 (v128.load offset=16 (local.get $p2)))
            (local.set $a6 (v128.load (local.get $p3))) (local.set $a7 (v128.load offset=16 (local.get $p3)))
            (local.set $at (i32.add (local.get $list) (i32.shl (i32.mul (i32.shr_s (local.get $k) (i32.const 2)) (i32.add (local.get $rows) (i32.const 1))) (i32.const 2))))
            (local.set $end (i32.add (local.get $at) (i32.shl (i32.load (local.get $at)) (i32.const 2))))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $at) (local.get $end)))
                (local.set $at (i32.add (local.get $at) (i32.const 4)))
                (local.set $r (i32.load (local.get $at)))
                (local.set $xr (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $k) (i32.const 3))))
                (local.set $gr (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                (local.set $x0 (v128.load (local.get $xr)))
                (local.set $x1 (v128.load offset=16 (local.get $xr)))
                (local.set $s (v128.load64_splat (local.get $gr)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat offset=8 (local.get $gr)))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat offset=16 (local.get $gr)))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $s) (local.get $x1))))
                (local.set $s (v128.load64_splat offset=24 (local.get $gr)))
                (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $s) (local.get $x0))))
                (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $s) (local.get $x1))))
                (br $rloop)))
            (v128.store (local.get $p0) (local.get $a0)) (v128.store offset=16 (local.get $p0) (local.get $a1))
            (v128.store (local.get $p1) (local.get $a2)) (v128.store offset=16 (local.get $p1) (local.get $a3))
            (v128.store (local.get $p2) (local.get $a4)) (v128.store offset=16 (local.get $p2) (local.get $a5))
            (v128.store (local.get $p3) (local.get $a6)) (v128.store offset=16 (local.get $p3) (local.get $a7))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 32)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 32)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 32)))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kloop)))
        (call $weightGradsScalar (local.get $g) (local.get $n2) (local.get $j) (i32.add (local.get $j) (i32.const 4)) (local.get $k) (local.get $K)
          (local.get $x) (local.get $xs) (local.get $rows) (local.get $table))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $jloop)))
    (call $weightGradsScalar (local.get $g) (local.get $n2) (local.get $j) (local.get $n) (i32.const 0) (local.get $K)
      (local.get $x) (local.get $xs) (local.get $rows) (local.get $table)))

  ;; weightGrads for neurons j0…j1-1 and weights k0…k1-1, one sum at a time.
  (func $weightGradsScalar
    (param $g i32) (param $n2 i32) (param $j0 i32) (param $j1 i32) (param $k0 i32) (param $k1 i32)
    (param $x i32) (param $xs i32) (param $rows i32) (param $table i32)
    (local $j i32) (local $k i32) (local $r i32) (local $p i32) (local $acc f64)
    (local.set $j (local.get $j0))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $k (local.get $k0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $k1)))
            (local.set $p (i32.add (i32.load (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $acc (f64.load (local.get $p)))
            (local.set $r (local.get $rows))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.eqz (local.get $r)))
                (local.set $r (i32.sub (local.get $r) (i32.const 1)))
                (local.set $acc (f64.add (local.get $acc)
                  (f64.mul
                    (f64.load (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                    (f64.load (i32.add (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $k) (i32.const 3)))))))
                (br $rloop)))
            (f64.store (local.get $p) (local.get $acc))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $jloop))))

  ;; Each input's grad, x[r][k]: += g[r][j]·w_j[k] for j from the last neuron to the first.
  ;; `table` holds each neuron's address of its first weight; row r's input grads start at gx + r·xs.
  (func (export "inputGrads")
    (param $g i32) (param $n2 i32) (param $n i32) (param $K i32)
    (param $gx i32) (param $xs i32) (param $rows i32) (param $table i32)
    (local $r i32) (local $k i32) (local $j i32) (local $q i32) (local $wj i32) (local $gr i32) (local $line i32)
    (local $s v128) (local $w0 v128) (local $w1 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $line (i32.shl (local.get $n2) (i32.const 3)))
    ;; Four rows at a time, four inputs each (two lane pairs): eight sums side by side.
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.gt_s (i32.add (local.get $k) (i32.const 4)) (local.get $K)))
            (local.set $q (i32.add (i32.add (local.get $gx) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $a0 (v128.load (local.get $q))) (local.set $a1 (v128.load offset=16 (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (local.set $a2 (v128.load (local.get $q))) (local.set $a3 (v128.load offset=16 (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (local.set $a4 (v128.load (local.get $q))) (local.set $a5 (v128.load offset=16 (local.get $q)))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (local.set $a6 (v128.load (local.get $q))) (local.set $a7 (v128.load offset=16 (local.get $q)))
            (local.set $j (local.get $n))
            (block $jdone
              (loop $jloop
                (br_if $jdone (i32.eqz (local.get $j)))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (local.set $wj (i32.add (i32.load (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))) (i32.shl (local.get $k) (i32.const 3))))
                (local.set $w0 (v128.load (local.get $wj)))
                (local.set $w1 (v128.load offset=16 (local.get $wj)))
                (local.set $gr (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                (local.set $s (v128.load64_splat (local.get $gr)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $s) (local.get $w0))))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $s) (local.get $w1))))
                (local.set $gr (i32.add (local.get $gr) (local.get $line)))
                (local.set $s (v128.load64_splat (local.get $gr)))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $s) (local.get $w0))))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $s) (local.get $w1))))
                (local.set $gr (i32.add (local.get $gr) (local.get $line)))
                (local.set $s (v128.load64_splat (local.get $gr)))
                (local.set $a4 (f64x2.add (local.get $a4) (f64x2.mul (local.get $s) (local.get $w0))))
                (local.set $a5 (f64x2.add (local.get $a5) (f64x2.mul (local.get $s) (local.get $w1))))
                (local.set $gr (i32.add (local.get $gr) (local.get $line)))
                (local.set $s (v128.load64_splat (local.get $gr)))
                (local.set $a6 (f64x2.add (local.get $a6) (f64x2.mul (local.get $s) (local.get $w0))))
                (local.set $a7 (f64x2.add (local.get $a7) (f64x2.mul (local.get $s) (local.get $w1))))
                (br $jloop)))
            (local.set $q (i32.add (i32.add (local.get $gx) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $k) (i32.const 3))))
            (v128.store (local.get $q) (local.get $a0)) (v128.store offset=16 (local.get $q) (local.get $a1))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (v128.store (local.get $q) (local.get $a2)) (v128.store offset=16 (local.get $q) (local.get $a3))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (v128.store (local.get $q) (local.get $a4)) (v128.store offset=16 (local.get $q) (local.get $a5))
            (local.set $q (i32.add (local.get $q) (local.get $xs)))
            (v128.store (local.get $q) (local.get $a6)) (v128.store offset=16 (local.get $q) (local.get $a7))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $kloop)))
        (call $inputGradsScalar (local.get $g) (local.get $n2) (local.get $n) (local.get $r) (i32.add (local.get $r) (i32.const 4)) (local.get $k) (local.get $K)
          (local.get $gx) (local.get $xs) (local.get $table))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rloop)))
    (call $inputGradsScalar (local.get $g) (local.get $n2) (local.get $n) (local.get $r) (local.get $rows) (i32.const 0) (local.get $K)
      (local.get $gx) (local.get $xs) (local.get $table)))

  ;; inputGrads for rows r0…r1-1 and inputs k0…k1-1, one sum at a time.
  (func $inputGradsScalar
    (param $g i32) (param $n2 i32) (param $n i32) (param $r0 i32) (param $r1 i32) (param $k0 i32) (param $k1 i32)
    (param $gx i32) (param $xs i32) (param $table i32)
    (local $r i32) (local $k i32) (local $j i32) (local $q i32) (local $acc f64)
    (local.set $r (local.get $r0))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_s (local.get $r) (local.get $r1)))
        (local.set $k (local.get $k0))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $k1)))
            (local.set $q (i32.add (i32.add (local.get $gx) (i32.mul (local.get $r) (local.get $xs))) (i32.shl (local.get $k) (i32.const 3))))
            (local.set $acc (f64.load (local.get $q)))
            (local.set $j (local.get $n))
            (block $jdone
              (loop $jloop
                (br_if $jdone (i32.eqz (local.get $j)))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (local.set $acc (f64.add (local.get $acc)
                  (f64.mul
                    (f64.load (i32.add (local.get $g) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n2)) (local.get $j)) (i32.const 3))))
                    (f64.load (i32.add (i32.load (i32.add (local.get $table) (i32.shl (local.get $j) (i32.const 2)))) (i32.shl (local.get $k) (i32.const 3)))))))
                (br $jloop)))
            (f64.store (local.get $q) (local.get $acc))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $kloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop)))))
