"""Code generation shared by targets: what several emitters print the same way."""
