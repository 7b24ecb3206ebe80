"""The slow promise checks: a preset's promise on each of promises.SEEDS, through the store.

Runs go through ``runs.load_or_train``, as on the page and in the CLI, so the runs the page
opens on are the ones checked, and a second ``make test`` (or an AppTest of the same default)
reads them from the test store instead of training again.
"""

import dataclasses

from core import presets, runs
from core.promises import SEEDS, missed


def assert_promise_over_seeds(name: str) -> None:
    """The promise holds on exactly the seeds the preset says (its default among them, at
    least 4 of 5); the failure message lists what each missing seed missed."""
    preset = presets.get(name)
    held, misses = [], {}
    for seed in SEEDS:
        result = runs.load_or_train(dataclasses.replace(preset.config, seed=seed))
        report = presets.keep_promise(preset, result.metrics(), seed, runs.load_or_train)
        if report["held"]:
            held.append(seed)
        else:
            misses[seed] = missed(report)
    assert tuple(held) == preset.holds_on, (name, held, misses)
    assert preset.config.seed in held and len(held) >= 4, (name, held, misses)
