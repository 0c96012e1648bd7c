"""Facts about the systolic matrix unit that the compiler and the simulator share.

`config` (the machine's sizes and latencies), `isa` (its instructions and their
field limits), `array` (when the array, its weight path and buffers are busy)
and `cost` (the cycle estimates the planner ranks tilings by). The passes
under `ziggurat.passes.mxu` and the simulator under `ziggurat.targets.mxu` both
read them from here, so each rule is written once.
"""
