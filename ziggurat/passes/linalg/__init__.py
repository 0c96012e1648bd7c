"""Transformations on linalg ops: tiling, elementwise fusion, generalization."""
