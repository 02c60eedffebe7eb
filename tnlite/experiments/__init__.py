"""Experiments too long for a lesson, run as scripts: ``python -m tnlite.experiments.<name>``.

- :mod:`.width_design`: wide-base against wide-tip ConvACs on a local and a global task
  (lesson 07), at lesson size as functions and at full size as a script.
- :mod:`.capstone`: every architecture at equal parameter budgets fitted to Ising ground states
  (lesson 10), with the fidelity ceiling each one's min cut sets.
"""
