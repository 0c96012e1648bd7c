; the weights are read while the DMA may still be writing them: no token orders the two
load memory=spad, row=0, dram_addr=0x0, stride=16, rows=4, cols=16, dtype=i8
loadw row=0, rows=4, cols=16, dtype=i8
halt
