"""Timings of the build, the suggested codes and the package at scale (``python -m analysis benchmark``)."""
