// RUN: ziggurat-opt %s --split-input-file -p lower-affine | FileCheck %s

// floordiv rounds towards negative infinity: negative dividends are mirrored
// around -1 before arith.divsi (which rounds towards zero) and back after.
// CHECK-LABEL: func.func @floordiv
// CHECK-SAME: (%[[x:.*]]: index)
// CHECK-NEXT:   %[[c4:.*]] = arith.constant 4 : index
// CHECK-NEXT:   %[[m1:.*]] = arith.constant -1 : index
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[neg:.*]] = arith.cmpi slt, %[[x]], %[[c0]] : index
// CHECK-NEXT:   %[[mir:.*]] = arith.subi %[[m1]], %[[x]] : index
// CHECK-NEXT:   %[[dvd:.*]] = arith.select %[[neg]], %[[mir]], %[[x]] : index
// CHECK-NEXT:   %[[q:.*]] = arith.divsi %[[dvd]], %[[c4]] : index
// CHECK-NEXT:   %[[qm:.*]] = arith.subi %[[m1]], %[[q]] : index
// CHECK-NEXT:   %[[r:.*]] = arith.select %[[neg]], %[[qm]], %[[q]] : index
// CHECK-NEXT:   func.return %[[r]] : index
func.func @floordiv(%x: index) -> index {
  %r = affine.apply affine_map<(d0) -> (d0 floordiv 4)>(%x)
  return %r : index
}

// -----

// ceildiv: (x <= 0) ? -((-x) / c) : (x - 1) / c + 1.
// CHECK-LABEL: func.func @ceildiv
// CHECK-SAME: (%[[x:.*]]: index)
// CHECK-NEXT:   %[[c4:.*]] = arith.constant 4 : index
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[c1:.*]] = arith.constant 1 : index
// CHECK-NEXT:   %[[np:.*]] = arith.cmpi sle, %[[x]], %[[c0]] : index
// CHECK-NEXT:   %[[neg:.*]] = arith.subi %[[c0]], %[[x]] : index
// CHECK-NEXT:   %[[dec:.*]] = arith.subi %[[x]], %[[c1]] : index
// CHECK-NEXT:   %[[dvd:.*]] = arith.select %[[np]], %[[neg]], %[[dec]] : index
// CHECK-NEXT:   %[[q:.*]] = arith.divsi %[[dvd]], %[[c4]] : index
// CHECK-NEXT:   %[[nq:.*]] = arith.subi %[[c0]], %[[q]] : index
// CHECK-NEXT:   %[[iq:.*]] = arith.addi %[[q]], %[[c1]] : index
// CHECK-NEXT:   %[[r:.*]] = arith.select %[[np]], %[[nq]], %[[iq]] : index
func.func @ceildiv(%x: index) -> index {
  %r = affine.apply affine_map<(d0) -> (d0 ceildiv 4)>(%x)
  return %r : index
}

// -----

// mod is never negative: a negative remainder is shifted up by the divisor.
// CHECK-LABEL: func.func @mod
// CHECK-SAME: (%[[x:.*]]: index)
// CHECK-NEXT:   %[[s:.*]] = arith.constant 5 : index
// CHECK-NEXT:   %[[rem:.*]] = arith.remsi %[[x]], %[[s]] : index
// CHECK-NEXT:   %[[c0:.*]] = arith.constant 0 : index
// CHECK-NEXT:   %[[neg:.*]] = arith.cmpi slt, %[[rem]], %[[c0]] : index
// CHECK-NEXT:   %[[up:.*]] = arith.addi %[[rem]], %[[s]] : index
// CHECK-NEXT:   %[[r:.*]] = arith.select %[[neg]], %[[up]], %[[rem]] : index
func.func @mod(%x: index) -> index {
  %r = affine.apply affine_map<(d0) -> (d0 mod 5)>(%x)
  return %r : index
}

// -----

// CHECK-LABEL: func.func @min_max
// CHECK-SAME: (%[[x:.*]]: index, %[[y:.*]]: index)
// CHECK-NEXT:   %[[c3:.*]] = arith.constant 3 : index
// CHECK-NEXT:   %[[xy:.*]] = arith.muli %[[x]], %[[c3]] : index
// CHECK-NEXT:   %[[c7:.*]] = arith.constant 7 : index
// CHECK-NEXT:   %[[a:.*]] = arith.minsi %[[xy]], %[[y]] : index
// CHECK-NEXT:   %[[mn:.*]] = arith.minsi %[[a]], %[[c7]] : index
// CHECK-NEXT:   %[[d:.*]] = arith.subi %[[x]], %[[y]] : index
// CHECK-NEXT:   %[[mx:.*]] = arith.maxsi %[[d]], %[[y]] : index
// CHECK-NEXT:   func.return %[[mn]], %[[mx]] : index, index
func.func @min_max(%x: index, %y: index) -> (index, index) {
  %mn = affine.min affine_map<(d0)[s0] -> (d0 * 3, s0, 7)>(%x)[%y]
  %mx = affine.max affine_map<(d0, d1) -> (d0 - d1, d1)>(%x, %y)
  return %mn, %mx : index, index
}
