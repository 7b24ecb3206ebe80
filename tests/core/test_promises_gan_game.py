"""The GAN presets of a healthy or a failing game keep their promise over 5 seeds (slow; run in CI)."""

import pytest

from tests.core.promise_seeds import assert_promise_over_seeds


@pytest.mark.slow
@pytest.mark.parametrize("name", ["gan.healthy", "gan.collapse", "gan.oscillation"])
def test_preset_keeps_its_promise_over_seeds(name):
    assert_promise_over_seeds(name)
