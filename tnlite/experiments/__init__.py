"""Experiments too long for a lesson, run as scripts with a progress bar (``python -m tnlite.experiments.NAME``).

Each writes a results table to docs/ with its seeds, spread and the command that regenerates it.
"""
