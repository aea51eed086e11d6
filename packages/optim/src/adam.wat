;; Adam's update in WebAssembly SIMD (f64x2): two parameters at a time, each lane doing for its
;; parameter what the JavaScript loop in adam.ts does, the same operations in the same order.
;; IEEE multiplication, addition, division and square root round the same in a SIMD lane as in
;; scalar code, so the results are the same to the bit; what SIMD gains is two divisions and two
;; square roots per instruction, which bound this loop.
;;
;; Addresses are byte offsets into the imported memory; p, g, m and v each hold n numbers (n even).
(module
  (import "env" "memory" (memory 1))

  ;; For each i: g' = g + weightDecay·p (Adam, when weightDecay ≠ 0) or p' = decay·p (AdamW),
  ;; m = β₁m + (1-β₁)g', v = β₂v + ((1-β₂)g')g', p = p' - (stepSize·m) / (√v / bias2Sqrt + eps).
  ;; $mode: 0 plain Adam, 1 Adam with weight decay in the gradient, 2 AdamW.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $n i32)
    (param $beta1 f64) (param $beta2 f64) (param $stepSize f64) (param $bias2Sqrt f64) (param $eps f64)
    (param $mode i32) (param $weightDecay f64) (param $decay f64)
    (local $at i32) (local $end i32)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128)
    (local $ss v128) (local $bs v128) (local $e v128) (local $wd v128) (local $dc v128)
    (local $pi v128) (local $gi v128) (local $mi v128) (local $vi v128)
    (local.set $b1 (f64x2.splat (local.get $beta1)))
    (local.set $c1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $b2 (f64x2.splat (local.get $beta2)))
    (local.set $c2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $ss (f64x2.splat (local.get $stepSize)))
    (local.set $bs (f64x2.splat (local.get $bias2Sqrt)))
    (local.set $e (f64x2.splat (local.get $eps)))
    (local.set $wd (f64x2.splat (local.get $weightDecay)))
    (local.set $dc (f64x2.splat (local.get $decay)))
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $at) (local.get $end)))
        (local.set $pi (v128.load (i32.add (local.get $p) (local.get $at))))
        (local.set $gi (v128.load (i32.add (local.get $g) (local.get $at))))
        (if (i32.eq (local.get $mode) (i32.const 2))
          (then (local.set $pi (f64x2.mul (local.get $pi) (local.get $dc))))
          (else
            (if (i32.eq (local.get $mode) (i32.const 1))
              (then (local.set $gi (f64x2.add (local.get $gi) (f64x2.mul (local.get $wd) (local.get $pi))))))))
        (local.set $mi (f64x2.add
          (f64x2.mul (local.get $b1) (v128.load (i32.add (local.get $m) (local.get $at))))
          (f64x2.mul (local.get $c1) (local.get $gi))))
        (local.set $vi (f64x2.add
          (f64x2.mul (local.get $b2) (v128.load (i32.add (local.get $v) (local.get $at))))
          (f64x2.mul (f64x2.mul (local.get $c2) (local.get $gi)) (local.get $gi))))
        (v128.store (i32.add (local.get $m) (local.get $at)) (local.get $mi))
        (v128.store (i32.add (local.get $v) (local.get $at)) (local.get $vi))
        (v128.store (i32.add (local.get $p) (local.get $at))
          (f64x2.sub (local.get $pi)
            (f64x2.div
              (f64x2.mul (local.get $ss) (local.get $mi))
              (f64x2.add (f64x2.div (f64x2.sqrt (local.get $vi)) (local.get $bs)) (local.get $e)))))
        (local.set $at (i32.add (local.get $at) (i32.const 16)))
        (br $next)))))
