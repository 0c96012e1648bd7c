// EXPECT: 3:3: scf.yield expected 1 args, but got 0
func.func @f(%lb: index, %ub: index, %st: index, %x: f32) -> f32 {
  %r = scf.for %i = %lb to %ub step %st iter_args(%acc = %x) -> (f32) {
    scf.yield
  }
  return %r : f32
}
