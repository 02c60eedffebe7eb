"""Wide-base against wide-tip ConvACs on a local and a global task (lesson 07), and the full-size run.

Levine et al. (ICLR 2018) predict from min cuts that a contiguous partition (left |
right) is served by the deep layers' widths and an interleaved one (even | odd) by the
early layers', and tested it by training two channel arrangements, "wide-base" and
"wide-tip", at equal parameter counts. Here the same, on :func:`tnlite.data.sequences`:

- the local task relates neighbours' full symbols: the even | odd partition needs rank M
  per pair, which layer 0's width r_0 must carry (wide-base has r_0 = M, wide-tip 2);
- the global task relates each input's coarse bit to its partner in the other half: the
  left | right partition needs rank up to 2**(N/2), which the top widths must carry.

Each run: a ConvAC with C = 2 class scores, started from ``tnlite.train.positive``,
trained by ``tnlite.train.fit`` (Born-rule cross-entropy, Adam) with the validation set
choosing the model (early stopping), scored on a separate test set.

Usage (the full-size table in docs/results_width_design.md)::

    python -m tnlite.experiments.width_design            # writes docs/results_width_design.md
    python -m tnlite.experiments.width_design --quick    # the lesson's settings, printed only
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

from ..convac import ConvAC
from ..data import sequences
from ..train import evaluate, fit, positive

__all__ = ["DESIGNS", "FULL", "LESSON", "TABLE", "relation_ceiling", "run", "table"]

#: The committed results table of the full-size run (only a run without --quick writes it by default).
TABLE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "docs",
                     "results_width_design.md")

#: The two channel arrangements at each size: parameter counts (with C = 2 and M = 4)
#: 172 / 176 at N = 8 and 348 / 352 at N = 16, equal within 3 %.
DESIGNS = {
    8: {"wide-base": (4, 2, 2), "wide-tip": (2, 4, 8)},
    16: {"wide-base": (4, 2, 2, 2), "wide-tip": (2, 2, 4, 16)},
}

#: The lesson's settings (each run ~0.3 s of CPU), and the script's two runs: the lesson's
#: experiment itself with 20 seeds (its seeds 0, 1, 2 among them), and the same at N = 16 with more data.
LESSON = dict(N=8, M=4, noise=0.1, n_train=2000, n_val=1000, n_test=1000, steps=500, lr=0.01, batch=100,
              eval_every=25, patience=8, seeds=(0, 1, 2))
FULL = (dict(LESSON, seeds=tuple(range(20))),
        dict(N=16, M=4, noise=0.1, n_train=8000, n_val=2000, n_test=4000, steps=3000, lr=0.01, batch=100,
             eval_every=50, patience=12, seeds=tuple(range(10))))


def relation_ceiling(k, noise):
    """Test accuracy of the best classifier that sees only k of the global task's relations (and nothing else).

    A relation of class 1 is kept with probability 1 - noise, and a broken one still has
    equal coarse bits half the time: equal bits with probability q1 = 1 - noise/2 in
    class 1 and q0 = 1/2 in class 0, independently per relation. The best classifier
    counts the equal pairs m and picks the likelier class: sum over m of
    max(C(k, m) q0**m (1-q0)**(k-m), C(k, m) q1**m (1-q1)**(k-m)) / 2 (balanced classes).
    """
    q0, q1 = 0.5, 1.0 - noise / 2
    return sum(0.5 * math.comb(k, m) * max(q0**m * (1 - q0) ** (k - m), q1**m * (1 - q1) ** (k - m))
               for m in range(k + 1))


def split(task, N, M, noise, n_train, n_val, n_test, rng=0):
    """Train, validation and test sets of one task, from one seeded draw."""
    X, y = sequences(N, M, task, n_train + n_val + n_test, rng=rng, noise=noise)
    a, b = n_train, n_train + n_val
    return (X[:a], y[:a]), (X[a:b], y[a:b]), (X[b:], y[b:])


def run(widths, sets, seed, N, M, steps, lr, batch, eval_every, patience, progress=False, **_):
    """Train one design from seed `seed` on `sets` = (train, val, test): (test accuracy, trained ConvAC, FitResult)."""
    (X, y), val, (Xs, ys) = sets
    net = positive(ConvAC.random(N, M, widths, rng=seed, C=2), rng=seed)
    res = fit(net, X, y, steps=steps, lr=lr, batch=batch, rng=seed, val=val, patience=patience,
              eval_every=eval_every, progress=progress)
    return evaluate(res.model, Xs, ys)[1], res.model, res


def table(settings=LESSON, report=None):
    """Test accuracies {task: {design: [one per seed]}} and the trained models, for `settings`.

    `report(task, design, seed, accuracy)` is called after each run (for a progress line).
    """
    N, seeds = settings["N"], settings["seeds"]
    acc, models = {}, {}
    for task in ("global", "local"):
        sets = split(task, N, settings["M"], settings["noise"], settings["n_train"], settings["n_val"],
                     settings["n_test"])
        acc[task] = {}
        for name, widths in DESIGNS[N].items():
            acc[task][name] = []
            for seed in seeds:
                a, model, _ = run(widths, sets, seed, **settings)
                acc[task][name].append(a)
                models[(task, name, seed)] = model
                if report is not None:
                    report(task, name, seed, a)
    return acc, models


def _section(acc, settings):
    """A markdown table (mean +- standard error, min-max) and the per-seed accuracies of one run."""
    N, k = settings["N"], len(settings["seeds"])
    lines = [f"## N = {N}, {k} seeds", "",
             "Settings: " + ", ".join(f"{key}={v}" for key, v in settings.items() if key != "seeds") + ".", "",
             "| design | widths | parameters | global task (left \\| right) | local task (even \\| odd) |",
             "|---|---|---|---|---|"]
    for name, widths in DESIGNS[N].items():
        n_params = ConvAC.random(N, settings["M"], widths, rng=0, C=2).n_params
        cells = []
        for task in ("global", "local"):
            a = np.array(acc[task][name])
            cells.append(f"{a.mean():.3f} +- {a.std(ddof=1) / np.sqrt(k):.3f} ({a.min():.3f}-{a.max():.3f})")
        lines.append(f"| {name} | {widths} | {n_params} | {cells[0]} | {cells[1]} |")
    lines.append("")
    for task, ahead in (("global", "wide-tip"), ("local", "wide-base")):
        b, w = np.array(acc[task]["wide-base"]), np.array(acc[task]["wide-tip"])
        diff, err = b.mean() - w.mean(), np.sqrt(b.var(ddof=1) / k + w.var(ddof=1) / k)
        wins = int(np.sum((w > b) if ahead == "wide-tip" else (b > w)))
        lines.append(f"- {task} task: wide-base minus wide-tip {diff:+.3f} +- {err:.3f} (standard error of the mean); "
                     f"{ahead} (the min cuts' pick) ahead in {wins} of {k} seeds (same seed, same data).")
    ceiling = relation_ceiling(1, settings["noise"])
    slack = 3 * math.sqrt(ceiling * (1 - ceiling) / settings["n_test"])
    above = {d: int(np.sum(np.array(acc["global"][d]) > ceiling + slack)) for d in DESIGNS[N]}
    lines.append(f"- global task, one relation's ceiling {ceiling:.3f} (+ 3 test-set standard errors = "
                 f"{ceiling + slack:.3f}): runs above it, wide-base {above['wide-base']} of {k}, "
                 f"wide-tip {above['wide-tip']} of {k}.")
    lines += ["", "Per seed (test accuracy):", ""]
    for task in ("global", "local"):
        for name in DESIGNS[N]:
            lines.append(f"- {task}, {name}: " + ", ".join(f"{a:.3f}" for a in acc[task][name]))
    return lines + [""]


def _markdown(results, seconds, command):
    lines = ["# Wide-base against wide-tip: the full-size runs", "",
             f"Regenerate with `{command}` (about {seconds / 60:.0f} minutes of CPU on one core). Test "
             "accuracy of each design on each task (lesson 07, tnlite/experiments/width_design.py): one training "
             "per seed, the validation set choosing the model (early stopping), accuracy on a held-out test set; "
             "mean +- standard error of the mean over the seeds, and min-max.", ""]
    for acc, settings in results:
        lines += _section(acc, settings)
    return "\n".join(lines)


def main(argv=None):
    p = argparse.ArgumentParser(description="wide-base against wide-tip ConvACs, full size")
    p.add_argument("--quick", action="store_true",
                   help="the lesson's settings (seconds), for a smoke run: printed, written only with --output")
    p.add_argument("--output", default=None,
                   help=f"markdown table to write (default {TABLE} for the full run; a quick run never writes there)")
    args = p.parse_args(argv)
    runs = (LESSON,) if args.quick else FULL
    out = args.output if args.quick else (args.output or TABLE)
    if args.quick and out is not None and os.path.abspath(out) == os.path.abspath(TABLE):
        raise SystemExit(f"--quick does not overwrite the committed full-size table {TABLE}; pick another --output")
    total = sum(2 * len(DESIGNS[s["N"]]) * len(s["seeds"]) for s in runs)
    done, start = [0], time.process_time()

    def report(task, name, seed, a):
        done[0] += 1
        bar = "#" * (30 * done[0] // total)
        print(f"\r[{bar:<30}] {done[0]}/{total} runs, last: {task} {name} seed {seed}: test acc {a:.3f}   ",
              end="", file=sys.stderr, flush=True)

    results = [(table(settings, report)[0], settings) for settings in runs]
    print(file=sys.stderr)
    command = "python -m tnlite.experiments.width_design" + (" --quick" if args.quick else "")
    text = _markdown(results, time.process_time() - start, command)
    if out is not None:
        with open(out, "w") as f:
            f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
