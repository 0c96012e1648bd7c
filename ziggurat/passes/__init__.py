"""Passes: rewrites from one level of IR to the next, and named pipelines."""
