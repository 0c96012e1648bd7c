// The example plugin's ops, as used in docs/plugins.md.

// 1 - 2x + 3x^2
func.func @quadratic(%x: f64) -> f64 {
  %y = poly.eval %x [1.0, -2.0, 3.0] : f64
  func.return %y : f64
}

// exp(t) near 0, by its [1/1] Padé approximant (1 + t/2) / (1 - t/2)
func.func @exp_approx(%t: f32) -> f32 {
  %e = poly.rational %t [1.0, 0.5] / [1.0, -0.5] : f32
  func.return %e : f32
}
