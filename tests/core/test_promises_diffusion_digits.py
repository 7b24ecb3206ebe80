"""The digit diffusion presets keep their promise over 5 seeds (slow; run in CI)."""

import pytest

from tests.core.promise_seeds import assert_promise_over_seeds


@pytest.mark.slow
@pytest.mark.parametrize("name", ["diffusion.digits", "diffusion.digits_cfg", "diffusion.latent"])
def test_preset_keeps_its_promise_over_seeds(name):
    assert_promise_over_seeds(name)
