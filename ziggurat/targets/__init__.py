"""Targets: emitters, runtimes and simulators, one package per target."""
