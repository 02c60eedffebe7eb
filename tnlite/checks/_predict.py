"""What the prediction tasks share: reading the reader's dict of numbers, explaining a wrong one.

A prediction task asks for numbers stated before any computation: a rank, an entropy, a
bond dimension, a width allocation. Its checker computes the truth itself (exactly where it
can: ranks mod p of random integer networks, min cuts by max-flow) and, for a wrong number,
says which reasoning gives that number and what the right reasoning is.
"""
from __future__ import annotations

import math

from ..tensors import rank_mod_p
from ._common import _keyed_dict, _scalar, _Wrong


def _predictions(got, keys):
    """The reader's dict restricted to `keys`; _Wrong if it is not a dict or misses one."""
    if got is None:
        raise _Wrong("your function returned None", "did you forget the `return` statement?")
    _keyed_dict(got, keys)
    return {k: got[k] for k in keys}


def _number(value, case):
    """One real number from the reader's entry."""
    v = _scalar(value, case, "your entry")
    if isinstance(v, complex) or not math.isfinite(v):
        raise _Wrong(f"{case}: your entry {v!r} is not a finite real number")
    return v


def _fmt_num(v):
    return str(int(v)) if float(v).is_integer() else f"{v:.4g}"


def _judge_rank(case, pred, rank, why, candidates=()):
    """Raise _Wrong unless `pred` equals the integer `rank`.

    `candidates` are (value, what) pairs: a value a plausible line of reasoning gives and the
    sentence that names that reasoning; `why` says where the right number comes from.
    """
    if pred == rank:
        return
    for value, what in candidates:
        if value != rank and pred == value:
            raise _Wrong(f"{case}: you predicted {_fmt_num(pred)}: {what}. {why}")
    if rank > 1 and abs(pred - math.log2(rank)) < 1e-9:
        raise _Wrong(f"{case}: you predicted {_fmt_num(pred)} = log2 of the rank: that is the bound in bits. {why}",
                     f"give the rank itself, 2**{pred:g}")
    side = "more" if pred > rank else "less"
    raise _Wrong(f"{case}: you predicted {_fmt_num(pred)}, {side} than the rank. {why}")


def _describe_cut(mc, bond=lambda u, v, d: f"of dimension {d}", leg=lambda j, d: f"of dimension {d}"):
    """The cut edges of a tnlite.mincut.MinCut in words, e.g. '2 bonds of dimension 3 and an open leg of dimension 2'.

    `bond(u, v, d)` and `leg(j, d)` label an edge; edges with the same label are counted together.
    """
    groups = {}
    for u, v, d in mc.edges:
        key = ("open leg", leg(u[1], d)) if isinstance(u, tuple) and len(u) == 2 and u[0] == "leg" \
            else ("bond", bond(u, v, d))
        groups[key] = groups.get(key, 0) + 1
    words = []
    for (kind, label), n in groups.items():
        article = ("an " if kind[0] in "aeiou" else "a ") if label.startswith("of ") else ""
        words.append(f"{n} {kind}s {label}" if n > 1 else f"{article}{kind} {label}")
    return " and ".join(words) or "no bond at all"


def _judge_cut_predictions(got, partitions, A, cut_of, what, candidates, describe=_describe_cut, show_rows=True):
    """Judge predicted ranks {name: rank} against the exact ranks of the integer tensor A (mod p).

    `cut_of(rows)` is the network's MinCut, named in the explanation (`describe` puts it in words);
    `candidates(name, rows)` the plausible wrong values with their reasoning; `what` names A;
    `show_rows=False` when the partition's name already says what P is.
    """
    for name, rows in partitions.items():
        case = f"partition {name} (P = {rows})" if show_rows else f"partition {name}"
        rank, mc = rank_mod_p(A, rows), cut_of(rows)
        why = f"The min cut passes through {describe(mc)}: rank <= {mc.rank_bound}; the rank of {what} is {rank}."
        _judge_rank(case, _number(got[name], case), rank, why, candidates(name, rows))
