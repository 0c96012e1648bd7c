"""An example ziggurat plugin: the `poly` dialect, its lowering to arith, and a C emitter."""
