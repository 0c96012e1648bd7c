"""Conversions from one level to the next: linalg to affine loops and to the mxu,
affine to scf, parallel loops to devices, device ops to each target's dialect.
"""
