"""Each generative-vs-discriminative preset keeps its promise over 5 seeds (slow; run in CI)."""

import pytest

from core import presets
from tests.core.promise_seeds import assert_promise_over_seeds


@pytest.mark.slow
@pytest.mark.parametrize("name", list(presets.labels("ngjordan.*")))
def test_preset_keeps_its_promise_over_seeds(name):
    assert_promise_over_seeds(name)
