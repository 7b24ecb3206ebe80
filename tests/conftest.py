"""How ``make test`` shares the tests between its workers (pytest-xdist, ``--dist loadgroup``).

A test file goes to one worker as a whole (it may keep a trained model for its tests), except
the promise checks: each (preset, seed) is a test, grouped by the preset its promise reads,
so the many minutes of preset training spread evenly over the workers. The longest trainings
start first; the short files fill in around them, so no worker trains alone at the end.
"""

import pytest

import core  # noqa: F401  (first: it pins torch's CPU numerics before any test computes)

# the presets whose 5 seeds train longest, longest first (one core of the 2-core CI machine)
LONGEST = ("diffusion.digits_cfg", "gan.phase", "diffusion.digits", "vae.mnist", "gan.healthy",
           "gan.oscillation", "gan.collapse", "gan.weak_d", "gan.minimax", "gan.strong_d")


def _group(item: pytest.Item) -> str | None:
    mark = item.get_closest_marker("xdist_group")
    return mark.args[0] if mark else None


@pytest.hookimpl(tryfirst=True)   # before xdist reads the groups
def pytest_collection_modifyitems(items):
    for item in items:
        if _group(item) is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))

    def rank(item):
        group = _group(item)
        if group in LONGEST:
            return LONGEST.index(group)
        return len(LONGEST) if "promise" in item.path.stem else len(LONGEST) + 1

    items.sort(key=rank)   # stable: the rest keep their order
