"""Experiments too long for a lesson, run as scripts: ``python -m tnlite.experiments.<name>``.

- :mod:`.width_design`: wide-base against wide-tip ConvACs on a local and a global task
  (lesson 07), at lesson size as functions and at full size as a script.
"""
