"""Input checks for tnlite's public functions, in one place.

Each check names the argument, says what it got and what it needs. Public functions
call these once at their boundary; internal helpers trust their callers.
"""
from __future__ import annotations

import math
import numbers
import operator
import reprlib
from collections.abc import Mapping

import numpy as np

#: Largest dense tensor tnlite will build, in entries (2**26 complex128 = 1 GiB).
MAX_DENSE_ENTRIES = 2**26


def guard_dense(shape, what="tensor"):
    """Refuse to build a dense array of `shape` if it has more than MAX_DENSE_ENTRIES.

    Call this *before* allocating. Sizes are computed with Python ints, so
    they cannot overflow.

    Parameters
    ----------
    shape : sequence of int
        Non-negative dimensions (Python or numpy ints; bools and floats are refused).
    what : str
        What would be built, for the message ("random state", "MPS contraction", ...).

    Returns
    -------
    int
        The number of entries, at most MAX_DENSE_ENTRIES.

    Raises
    ------
    TypeError
        `shape` is not a sequence of integers.
    ValueError
        A dimension is negative, or the array would have more than MAX_DENSE_ENTRIES
        entries (the message gives the shape and the number of entries).
    """
    try:
        dims = list(shape)
    except TypeError:
        raise TypeError(f"shape must be a sequence of ints, got {type(shape).__name__} {reprlib.repr(shape)}") from None
    for k, s in enumerate(dims):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, (numbers.Integral, np.integer)):
            raise TypeError(f"shape must hold ints, got {s!r} ({type(s).__name__}) at position {k} of {reprlib.repr(shape)}")
        dims[k] = int(s)
        if dims[k] < 0:
            raise ValueError(f"shape must hold non-negative ints, got {dims[k]} at position {k} of {reprlib.repr(tuple(dims))}")
    if 0 in dims:
        size = 0
    else:
        # exact product while it is small; past 10**30 only its logarithm (the exact product
        # of a million dims would take seconds of big-int arithmetic just to say "too big")
        size, log10 = 1, 0.0
        for s in dims:
            if size <= 10**30:
                size *= s
            log10 += math.log10(s)
    if size > MAX_DENSE_ENTRIES:
        shown = f"{dims[0]}^{len(dims)}" if len(set(dims)) == 1 and len(dims) > 3 else " x ".join(map(str, dims))
        if len(shown) > 80:
            shown = f"{len(dims)} axes, {shown[:60]} ..."
        _refuse(what, size, log10, shown)
    _check_axes(len(dims), what)
    return size


#: numpy's largest number of axes (64 in numpy 2, 32 before).
_MAX_AXES = getattr(np, "MAXDIMS", None) or (64 if np.lib.NumpyVersion(np.__version__) >= "2.0.0" else 32)


def _refuse(what, size, log10, shown):
    count = f"{size:,}" if log10 < 30 else f"about 10^{log10:.0f}"
    raise ValueError(
        f"refusing to build a dense {what} of {count} entries (shape {shown}); "
        f"the limit is tnlite.MAX_DENSE_ENTRIES = {MAX_DENSE_ENTRIES:,}. "
        "Use a smaller N or a tensor-network method that never goes dense."
    )


def _check_axes(n, what):
    if n > _MAX_AXES:  # a tensor of size 0 or 1 with that many axes: numpy cannot hold it
        raise ValueError(f"refusing to build a dense {what} with {n:,} axes: numpy arrays have at most "
                         f"{_MAX_AXES}. Use a tensor-network method that never goes dense.")


def guard_uniform(d, N, what="tensor"):
    """:func:`guard_dense` of the shape (d,) * N, decided without building that shape.

    ``(d,) * N`` is itself an allocation that grows with N (800 MB at N = 10**8, a
    MemoryError at 2**40): far past the limit, d**N is judged from d and N alone.

    Parameters
    ----------
    d, N : int
        Non-negative ints (the callers have checked them).

    Returns
    -------
    int
        d**N, at most MAX_DENSE_ENTRIES.
    """
    if d >= 2 and N * math.log2(d) > 100:  # 2**100 entries and more: no shape, no big power formed
        _refuse(what, None, N * math.log10(d), f"{d}^{N}" if N > 3 else " x ".join([str(d)] * N))
    if d <= 1:
        _check_axes(N, what)
    return guard_dense((d,) * N, what)  # N <= 100 here


def guard_length(n, name, what, power=1):
    """Refuse `n` when n**power inputs would not fit MAX_DENSE_ENTRIES.

    A network over N inputs builds per-input lists (``phys_dims``, the positions' order),
    a partition lists its particles; with N past the limit those lists alone outgrow it,
    and N = 2**40 or 2**63 would end in a MemoryError or an OverflowError. Decided from the
    sizes alone, before anything of length N is built. `power` is 2 for the side of a grid
    of side**2 inputs.

    Returns
    -------
    int
        `n`.
    """
    if n**power > MAX_DENSE_ENTRIES:
        limit = math.isqrt(MAX_DENSE_ENTRIES) if power == 2 else MAX_DENSE_ENTRIES
        raise ValueError(f"{name} must be at most {limit:,} ({what} must fit tnlite.MAX_DENSE_ENTRIES = "
                         f"{MAX_DENSE_ENTRIES:,}), got {n:,}")
    return n


def as_int(x, name, minimum=None):
    """`x` as a Python int (bools refused), at least `minimum` if given."""
    if isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be an integer, got the bool {x!r}")
    if not isinstance(x, numbers.Integral):
        try:
            x = operator.index(x)
        except TypeError:
            raise TypeError(f"{name} must be an integer, got {type(x).__name__} {x!r}") from None
    x = int(x)
    if minimum is not None and x < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {x}")
    return x


def as_flag(x, name):
    """`x` as a bool; only True/False (or numpy bools) are accepted, so 'yes' or 1 are not."""
    if not isinstance(x, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(x).__name__} {x!r}")
    return bool(x)


def as_nonnegative(x, name):
    """`x` as a finite float >= 0; bools, strings and arrays refused (TypeError), nan/inf/negative (ValueError)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a finite number >= 0, got {type(x).__name__} {x!r}")
    if not (math.isfinite(x) and x >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {x!r}")
    return float(x)


def as_real(x, name):
    """`x` as a finite Python float (bools, strings and arrays refused with a TypeError)."""
    if isinstance(x, (bool, str, np.bool_)) or not isinstance(x, (numbers.Real, np.floating, np.integer)) \
            or not np.isfinite(x):
        raise TypeError(f"{name} must be a finite real number, got {x!r}")
    return float(x)


def as_positive_real(x, name):
    """`x` as a finite float > 0 (TypeError for non-numbers, ValueError for the rest)."""
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        raise TypeError(f"{name} must be a real number > 0, got {x!r}")
    if not (math.isfinite(x) and x > 0):
        raise ValueError(f"{name} must be a positive number (finite and > 0), got {x!r}")
    return float(x)


def as_list(seq, name, what):
    """The items of the sequence `seq` as a list; a string, bytes, a mapping or a
    non-iterable is refused by a TypeError saying `name` must be `what`."""
    if isinstance(seq, (str, bytes, Mapping)):
        raise TypeError(f"{name} must be {what}, got {type(seq).__name__} {seq!r}")
    try:
        return list(seq)
    except TypeError:
        raise TypeError(f"{name} must be {what}, got {type(seq).__name__} {seq!r}") from None


def as_ints(seq, name, n=None, needs=None, minimum=1):
    """`seq` as a tuple of ints >= `minimum`, with exactly `n` entries when `n` is given.

    `needs` says why n (e.g. "N=16 needs log2(16)=4 (one per conv layer)"); strings,
    bools and non-sequences are refused by name.
    """
    items = as_list(seq, name, f"a sequence of {n} ints" if n is not None else "a sequence of ints")
    if n is not None and len(items) != n:
        raise ValueError(f"{name} has {len(items)} entries; {needs or f'it needs {n}'}")
    return tuple(as_int(x, f"{name}[{i}]", minimum=minimum) for i, x in enumerate(items))


def as_int_or_ints(x, name, n, needs=None, each=""):
    """One int >= 1 for all `n` places, or a sequence of `n` of them: a tuple of n ints.

    `each` says what one entry is for the TypeError (e.g. " (one per level)").
    """
    if isinstance(x, (numbers.Integral, np.integer)) and not isinstance(x, (bool, np.bool_)):
        return (as_int(x, name, minimum=1),) * n
    if isinstance(x, (str, bytes, Mapping, numbers.Number, np.ndarray)) and np.ndim(x) == 0 or x is None \
            or not hasattr(x, "__iter__"):
        raise TypeError(f"{name} must be an int or a sequence of {n} ints{each}, got {type(x).__name__} {x!r}")
    return as_ints(x, name, n, needs)


def as_cutoff(cutoff, name="cutoff"):
    """A relative truncation threshold in [0, 1)."""
    if isinstance(cutoff, (bool, np.bool_)) or not isinstance(cutoff, numbers.Real) or not 0 <= cutoff < 1:
        raise ValueError(f"{name} must be a number in [0, 1), got {cutoff!r}")
    return float(cutoff)


def as_power_of_two(x, name):
    """`x` as an int that is a power of two (>= 2); returns (x, log2 x)."""
    x = as_int(x, name, minimum=2)
    if x & (x - 1):
        raise ValueError(f"{name} must be a power of 2 (2, 4, 8, ...), got {x}")
    return x, x.bit_length() - 1


def as_array(A, name, ndim=None, min_ndim=None, finite=True):
    """`A` as a numeric ndarray; checks its number of axes when asked.

    Parameters
    ----------
    A : array_like
    name : str
        The argument's name, for messages.
    ndim, min_ndim : int, optional
        Required number of axes, or the least number.
    finite : bool
        Refuse nan and inf entries (float and complex arrays; ints and bools are always
        finite). One pass over the data, about as fast as ``A.sum()``; pass False for a
        big batch on a hot path, where nan in gives a visible nan out.
    """
    try:
        arr = np.asarray(A)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} must be array-like, got {type(A).__name__}: {exc}") from None
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
        raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} axes, got shape {arr.shape}")
    if min_ndim is not None and arr.ndim < min_ndim:
        raise ValueError(f"{name} must have at least {min_ndim} axes, got shape {arr.shape}")
    if finite and np.issubdtype(arr.dtype, np.inexact) and not all_finite(arr):
        raise ValueError(f"{name} has nan or inf entries")
    return arr


def as_linalg_dtype(arr, name):
    """`arr` itself, if numpy's linear algebra takes its dtype; float16, longdouble and
    clongdouble are refused by name (numpy would say "array type float16 is unsupported in
    linalg")."""
    if arr.dtype.char in "egG":
        raise TypeError(f"{name} has dtype {arr.dtype}, which numpy's linear algebra does not support: "
                        f"pass float32, float64, complex64 or complex128 (e.g. {name}.astype(numpy.float64))")
    return arr


def all_finite(arr):
    """True if every entry of the float/complex `arr` is finite.

    A nan or inf entry makes the sum non-finite, so a finite sum settles it without a
    boolean temporary (the case that matters: an honest array); only a non-finite sum,
    which may also be an overflow of finite entries, needs the entrywise test.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(arr.sum()):
            return True
    return bool(np.isfinite(arr).all())


def as_rows(rows, n_axes, name="rows"):
    """`rows` as a tuple of distinct axis indices in range(n_axes), order kept."""
    if isinstance(rows, (numbers.Integral, np.integer)) and not isinstance(rows, bool):
        rows = (rows,)
    if isinstance(rows, (Mapping, str)):  # iterating would silently use the keys / characters
        raise TypeError(f"{name} must be a sequence of axis indices, got {type(rows).__name__} {rows!r}")
    try:
        items = list(rows)
    except TypeError:
        raise TypeError(f"{name} must be a sequence of axis indices, got {type(rows).__name__}") from None
    out = []
    for r in items:
        if isinstance(r, bool) or not isinstance(r, (numbers.Integral, np.integer)):
            raise TypeError(f"{name} must hold integers, got {r!r} ({type(r).__name__})")
        r = int(r)
        if not 0 <= r < n_axes:
            raise ValueError(f"{name} has axis {r}, out of range for a tensor with {n_axes} axes (0..{n_axes - 1})")
        out.append(r)
    if len(set(out)) != len(out):
        dup = sorted({r for r in out if out.count(r) > 1})
        raise ValueError(f"{name} repeats axis {dup[0]}: each axis may appear once, got {tuple(out)}")
    return tuple(out)


def as_rng(rng, name="rng"):
    """A numpy Generator from a Generator or an int seed; None is refused so runs are reproducible."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise TypeError(f"{name} is required: pass a seed (e.g. {name}=0) or np.random.default_rng(seed)")
    if isinstance(rng, (numbers.Integral, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        if rng < 0:
            raise ValueError(f"{name} must be a numpy.random.Generator or an int seed >= 0, got {int(rng)}")
        return np.random.default_rng(int(rng))
    raise TypeError(f"{name} must be a numpy.random.Generator or an int seed, got {type(rng).__name__}")


def as_base(base, name="base"):
    """A logarithm base: a finite positive number other than 1."""
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"{name} must be a number (2 for bits, numpy.e for nats), got {base!r}")
    if not (math.isfinite(base) and base > 0) or base == 1:
        raise ValueError(f"{name} must be positive and not 1, and finite (2 for bits, numpy.e for nats), got {base}")
    return float(base)


def as_features(X, N, M, name="X"):
    """A batch of input features as a float/complex array of shape (B, N, M).

    Not checked for nan or inf: a batch is large and scored often, and a nan feature
    gives a visible nan score.
    """
    X = as_array(X, name, finite=False)
    if X.ndim == 2 and X.shape == (N, M):
        raise ValueError(f"{name} must have shape (B, {N}, {M}), got {X.shape}; for one sample use {name}[None]")
    if X.ndim != 3 or X.shape[1:] != (N, M):
        raise ValueError(f"{name} must have shape (B, N={N}, M={M}), got {X.shape}")
    return X


def as_real_array(a, name):
    """A real float64 copy of the array `a` (complex refused)."""
    if np.iscomplexobj(a):
        raise TypeError(f"{name} must be real, got dtype {a.dtype}")
    return np.array(a, dtype=np.float64)


def as_configs(configs, N, M, name="configs"):
    """A batch of basis configurations, shape (B, N); one (N,) row is promoted.

    `M` is the local dimension, one int for every site or a sequence of N per-site
    dimensions: column j must hold ints in range(M[j]).
    """
    dims = np.broadcast_to(np.asarray(M, dtype=np.int64), (N,))
    M = int(dims.max()) if N else 1
    c = as_array(configs, name)
    if c.ndim == 1:
        c = c[None, :]
    if c.ndim != 2 or c.shape[1] != N:
        raise ValueError(f"{name} must have shape (B, N={N}), got {np.shape(configs)}")
    c = as_whole_numbers(c, name, f"integers in 0..{M - 1}")
    if c.size and (c.min() < 0 or c.max() >= M):
        raise ValueError(f"{name} must hold values in 0..{M - 1}, got values from {c.min()} to {c.max()}")
    if c.size and np.any(c.max(axis=0) >= dims):
        j = int(np.argmax(c.max(axis=0) >= dims))
        raise ValueError(f"{name} column {j} must hold values in 0..{dims[j] - 1} (site {j} has dimension {dims[j]}), "
                         f"got {c[:, j].max()}")
    return c


def as_whole_numbers(a, name, what):
    """The array `a` itself if its dtype is integer, as int64 if it holds floats that are all
    whole numbers (the course's one rule: 3.0 is accepted where 3 is); otherwise a TypeError
    saying `name` must hold `what` and the dtype it has."""
    if np.issubdtype(a.dtype, np.integer):
        return a
    if np.issubdtype(a.dtype, np.floating) and np.all(a == np.round(a)):
        return a.astype(np.int64)
    raise TypeError(f"{name} must hold {what}, got dtype {a.dtype}")


from .exact import as_prime, as_residues  # noqa: E402  (the checks below use the ones above)
from .graphs import as_graph  # noqa: E402
from .networks import (as_conv_layers, as_mps_cores, as_overlap_geometry, as_overlap_weights, as_rac_weights,  # noqa: E402
                       as_deep_convac_sizes, as_rbm_weights, as_tree_cores)
from .training import as_data, as_labels, as_upstream  # noqa: E402
