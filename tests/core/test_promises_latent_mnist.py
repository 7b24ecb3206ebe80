"""The MNIST VAE keeps its promise over 5 seeds (slow; run in CI). The largest latent run,
in a file of its own so that another worker trains it beside the other presets."""

import pytest

from tests.core.promise_seeds import assert_promise_over_seeds


@pytest.mark.slow
@pytest.mark.parametrize("name", ["vae.mnist"])
def test_preset_keeps_its_promise_over_seeds(name):
    assert_promise_over_seeds(name)
