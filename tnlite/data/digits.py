"""A small real data set without a download: the 8x8 handwritten digits, plain, made global or made local.

The 1,797 images of the UCI optical-recognition digits (Alpaydin & Kaynak 1998; 16 grey
levels 0..16) ship inside scikit-learn's wheel as ``sklearn/datasets/data/digits.csv.gz``;
this module reads that file with numpy (scikit-learn is found, never imported) and turns
it into inputs for the networks: pixel j = row * side + col, grey levels quantised to M
values and one-hot encoded, shape (n, side**2, M).

Two variants after the idea of Levine et al. (ICLR 2018), who trained on MNIST digits
made to need long-range or only short-range dependencies:

- ``"global"``: the digit is placed at a random position on a 16 x 16 dark canvas, so
  recognising it means relating pixels far apart, wherever it is;
- ``"local"``: the digit is cut into 2 x 2 patches whose positions are shuffled (a new
  shuffle per image), so the global arrangement is gone and only what lies inside a
  patch is left to recognise it by.
"""
from __future__ import annotations

import gzip
import importlib.util
import os

import numpy as np

from .._validate import as_int, as_rng
from ..features import one_hot

__all__ = ["VARIANTS", "digits"]

VARIANTS = ("plain", "global", "local")


def _path():
    spec = importlib.util.find_spec("sklearn")
    if spec is None or spec.origin is None:
        raise ImportError("tnlite.data.digits reads the digits that ship with scikit-learn, which is not installed: "
                          "pip install scikit-learn (it is in tnlite's [lab] extra)")
    return os.path.join(os.path.dirname(spec.origin), "datasets", "data", "digits.csv.gz")


def _load():
    with gzip.open(_path(), "rt") as f:
        table = np.loadtxt(f, delimiter=",")  # (1797, 65): 64 pixels 0..16, then the label
    return table[:, :64].reshape(-1, 8, 8), table[:, 64].astype(np.int64)


def _scrambled(images, rng):
    """Each image's 2x2 patches moved to a random permutation of the patch positions."""
    n = images.shape[0]
    patches = images.reshape(n, 4, 2, 4, 2).transpose(0, 1, 3, 2, 4).reshape(n, 16, 2, 2)  # (n, patch, 2, 2)
    perm = np.argsort(rng.random((n, 16)), axis=1)
    patches = np.take_along_axis(patches, perm[:, :, None, None], axis=1)
    return patches.reshape(n, 4, 4, 2, 2).transpose(0, 1, 3, 2, 4).reshape(n, 8, 8)


def _placed(images, rng):
    """Each image at a random position on a dark 16 x 16 canvas."""
    n = images.shape[0]
    canvas = np.zeros((n, 16, 16))
    r, c = rng.integers(0, 9, size=n), rng.integers(0, 9, size=n)
    rows = r[:, None, None] + np.arange(8)[None, :, None]
    cols = c[:, None, None] + np.arange(8)[None, None, :]
    canvas[np.arange(n)[:, None, None], rows, cols] = images
    return canvas


def digits(variant="plain", M=2, rng=0, classes=None):
    """The 8x8 digits as one-hot features of M grey levels.

    Parameters
    ----------
    variant : "plain", "global" or "local"
        See the module docstring; "global" gives 16 x 16 images (N = 256).
    M : int
        Grey levels after quantisation (>= 2): level = floor(pixel * M / 17).
    rng : numpy.random.Generator or int seed
        Positions (global) or patch shuffles (local); unused for "plain".
    classes : sequence of int, optional
        Keep only these digits, relabelled 0..len(classes)-1 in the order given.

    Returns
    -------
    X : ndarray, shape (n, side**2, M)
        side = 8, or 16 for "global".
    y : ndarray of int, shape (n,)
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    M, rng = as_int(M, "M", minimum=2), as_rng(rng)
    images, y = _load()
    if classes is not None:
        classes = [as_int(c, "classes[...]", minimum=0) for c in classes]
        bad = [c for c in classes if c > 9]
        if bad or len(set(classes)) != len(classes) or len(classes) < 2:
            raise ValueError(f"classes must be 2..10 distinct digits in 0..9, got {classes}")
        keep = np.isin(y, classes)
        lookup = np.full(10, -1)
        lookup[classes] = np.arange(len(classes))
        images, y = images[keep], lookup[y[keep]]
    if variant == "global":
        images = _placed(images, rng)
    elif variant == "local":
        images = _scrambled(images, rng)
    levels = np.minimum((images * M / 17).astype(np.int64), M - 1)
    return one_hot(levels.reshape(levels.shape[0], -1), M), y
