"""Transformations on affine loop nests, and the loop and dependence analysis they share."""
