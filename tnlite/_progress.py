"""The one-line progress report of a training run (tnlite.train.fit): a widget in a notebook, text elsewhere."""
from __future__ import annotations

import sys


class Progress:
    """One line of progress: an ipywidgets bar in a notebook kernel, a carriage-return line elsewhere."""

    def __init__(self, steps, report=None):
        self.steps, self.every, self.widget, self.report = steps, max(1, steps // 50), None, report
        if report is not None:
            return
        try:
            from IPython import get_ipython

            if get_ipython() is not None and "IPKernelApp" in get_ipython().config:
                import ipywidgets
                from IPython.display import display

                self.bar = ipywidgets.IntProgress(min=0, max=steps, description="training")
                self.label = ipywidgets.Label()
                self.widget = ipywidgets.HBox([self.bar, self.label])
                display(self.widget)
        except ImportError:  # pragma: no cover - IPython ships with the lab extra
            pass

    def _text(self, step, value, val_acc):
        acc = f", val acc {val_acc:.3f}" if val_acc is not None else ""
        return f"step {step}/{self.steps}: loss {value:.4f}{acc}"

    def update(self, step, value, val_acc):
        if self.report is not None:
            return self.report(step, value, val_acc)
        if step % self.every and step != self.steps:
            return
        if self.widget is not None:
            self.bar.value, self.label.value = step, self._text(step, value, val_acc)
        else:
            print("\r" + self._text(step, value, val_acc), end="", file=sys.stderr, flush=True)

    def close(self, stopped):
        if self.report is not None:
            return
        if self.widget is not None:
            self.label.value += f" ({stopped})"
        else:
            print(f" ({stopped})", file=sys.stderr, flush=True)
