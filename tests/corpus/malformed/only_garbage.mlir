// EXPECT: 2:1: custom op 'Hello' is unknown
Hello, world! This is not MLIR.
