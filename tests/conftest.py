"""Test order: the long trainings first.

``make test`` hands each worker a file at a time (pytest-xdist, ``--dist loadfile``), in the
order the tests are collected. The promise checks train every preset on 5 seeds (minutes per
file); collected last, one of them could leave a worker training alone at the end while the
other idles. Started first, the many short files fill in around them.
"""

# the longest first, by what they train (seconds of one core on the 2-core CI machine)
LONGEST = ("test_promises_diffusion_digits", "test_promises_gan_phase", "test_promises_gan_game",
           "test_promises_latent_mnist", "test_promises_gan_players", "test_promises_latent",
           "test_promises_diffusion_2d")


def pytest_collection_modifyitems(items):
    def rank(item):
        name = item.path.stem
        return LONGEST.index(name) if name in LONGEST else len(LONGEST)

    items.sort(key=rank)   # stable: the rest keep their order
