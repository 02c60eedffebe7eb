"""Shared test settings: headless matplotlib, hypothesis without wall-clock deadlines."""
import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from hypothesis import HealthCheck, settings  # noqa: E402

# No deadline: timing belongs to `make bench`, not to tests that flake on a shared machine.
settings.register_profile(
    "course", deadline=None, max_examples=25, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("course")
