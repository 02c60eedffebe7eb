"""Data with known dependency structure, a small real data set, and how entangled a data set is.

- :mod:`.synthetic`: seeded tasks whose label ties inputs together in pairs, across
  left | right ("global") or across even | odd ("local"): :func:`sequences` (1D),
  :func:`images` (2D), :func:`partners`.
- :mod:`.digits`: the 8x8 handwritten digits that ship with scikit-learn, plain, placed
  on a larger canvas (global) or with shuffled 2x2 patches (local): :func:`digits`.
- :mod:`.entanglement`: the entanglement of the empirical data tensor across a
  partition (Alexander et al., NeurIPS 2023): :func:`entanglement`, :func:`schmidt_values`.
"""
from .digits import VARIANTS, digits
from .entanglement import entanglement, schmidt_values
from .synthetic import TASKS, images, partners, population, sequences

__all__ = ["TASKS", "VARIANTS", "digits", "entanglement", "images", "partners", "population", "schmidt_values",
           "sequences"]
