// RUN: ziggurat-opt %s --split-input-file --verify-diagnostics

// The cuda verifiers: each message says what is wrong and what is allowed.

cuda.kernel @k(%a: memref<64xf32, #device.memory_space<global>>) max_threads(128) {
}
func.func @too_many_threads(%a: memref<64xf32, #device.memory_space<global>>) {
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'cuda.launch' op launches 256 threads per block; '@k' allows at most 128 (its max_threads)}}
  cuda.launch @k blocks(%c1, %c1, %c1) threads(%c256, %c1, %c1) shared(%c0) args(%a : memref<64xf32, #device.memory_space<global>>)
  return
}

// -----

cuda.kernel @k() {
}
func.func @over_1024() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'cuda.launch' op launches 4096 threads per block; '@k' allows at most 1024}}
  cuda.launch @k blocks(%c1, %c1, %c1) threads(%c64, %c64, %c1) shared(%c0)
  return
}

// -----

// expected-error @+1 {{'cuda.kernel' op max_threads(2048) is outside [1, 1024] (threads per block)}}
cuda.kernel @k() max_threads(2048) {
}

// -----

// expected-error @+1 {{'cuda.kernel' op uses 65536 bytes of static shared memory; a block may have at most 49152 (use cuda.dynamic_shared_memory for more)}}
cuda.kernel @k() {
  %t = cuda.shared_memory : memref<128x128xf32, #device.memory_space<shared>>
}

// -----

cuda.kernel @k() sm(80) {
  %t = cuda.dynamic_shared_memory offset 0 : memref<256x256xf32, #device.memory_space<shared>>
}
func.func @too_much_dynamic_shared() {
  %c1 = arith.constant 1 : index
  %bytes = arith.constant 262144 : index
  // expected-error @+1 {{'cuda.launch' op needs 262144 bytes of shared memory per block; sm_80 has at most 166912}}
  cuda.launch @k blocks(%c1, %c1, %c1) threads(%c1, %c1, %c1) shared(%bytes)
  return
}

// -----

cuda.kernel @divergent(%a: memref<64xf32, #device.memory_space<global>>) {
  %tx = cuda.thread_id x
  %c32 = arith.constant 32 : index
  %low = arith.cmpi ult, %tx, %c32 : index
  scf.if %low {
    // expected-error @+1 {{'cuda.barrier' op is in divergent code: the enclosing 'scf.if' depends on the thread id, so some threads of the block may never reach the barrier}}
    cuda.barrier
  }
}

// -----

// expected-error @+1 {{'cuda.kernel' op argument #0 is a memref in memory space 'host'; kernels take global memory (#device.memory_space<global>)}}
cuda.kernel @host_buffer(%a: memref<64xf32>) {
}

// -----

func.func @outside() {
  // expected-error @+1 {{'cuda.barrier' op must be nested in a 'cuda.kernel'}}
  cuda.barrier
  return
}

// -----

cuda.kernel @k(%a: memref<64xf32, #device.memory_space<global>>) {
}
func.func @wrong_args(%a: memref<32xf32, #device.memory_space<global>>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'cuda.launch' op passes (memref<32xf32, #device.memory_space<global>>) to '@k', which takes (memref<64xf32, #device.memory_space<global>>)}}
  cuda.launch @k blocks(%c1, %c1, %c1) threads(%c1, %c1, %c1) shared(%c0) args(%a : memref<32xf32, #device.memory_space<global>>)
  return
}

// -----

cuda.kernel @k(%q: memref<16x6xi8, #device.memory_space<global>>) {
  %i0 = arith.constant 0 : index
  %zi = arith.constant 0 : i32
  // expected-error @+1 {{'cuda.dp4a' op expects the left operand's last dimension to be static and a multiple of 4 (four i8 are read as one aligned 32-bit word)}}
  %p = cuda.dp4a %q[%i0, %i0], %q[%i0, %i0], %zi : memref<16x6xi8, #device.memory_space<global>>, memref<16x6xi8, #device.memory_space<global>>
}
