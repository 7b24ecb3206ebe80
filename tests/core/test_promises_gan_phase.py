"""The learning-rate phase diagram keeps its promise over 5 seeds (slow; run in CI). Each
seed is a 50-GAN batched run, so it has a file of its own that another worker trains beside
the other presets."""

import pytest

from tests.core.promise_seeds import assert_promise_over_seeds


@pytest.mark.slow
def test_phase_diagram_keeps_its_promise_over_seeds():
    assert_promise_over_seeds("gan.phase")
