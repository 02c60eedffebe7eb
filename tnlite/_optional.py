"""The notebook stack is optional: `tnlite` itself needs only numpy and scipy.

`tnlite.diagrams` draws with matplotlib and `tnlite.widgets` builds ipywidgets panels;
both are in the ``lab`` extra. `require` turns a missing one into an ImportError that
says how to install it, instead of a bare "No module named 'ipywidgets'" from deep inside.
"""
from __future__ import annotations

import importlib

INSTALL_HINT = "pip install tnlite[lab]  (from a clone of the course: pip install -e '.[lab]', or make lab)"


def require(module, *packages):
    """Import each of `packages`, or raise ImportError naming `module`, the missing one and the fix."""
    for package in packages:
        try:
            importlib.import_module(package)
        except ImportError as exc:
            raise ImportError(
                f"{module} needs {' and '.join(packages)}, the course's notebook stack, and {package} is not "
                f"installed ({exc}). Install it with: {INSTALL_HINT}"
            ) from exc
