"""Benchmarks of the compare panel (issue 13, 'Speed'): compare.ring cold, all three families.

The reference is the same members trained one at a time: what the comparison would cost
without the batched ensembles (each family's E members in one loop, core.compare)."""

from __future__ import annotations

import dataclasses
import time

import torch

from bench.harness import Figure, benchmark, same_threads
from core import presets
from core.compare.config import CompareConfig
from core.compare.ring_diffusion import train_ring_diffusion
from core.compare.ring_vae import train_ring_vae
from core.compare.train import _plane_gan, train_compare

CPU = torch.device("cpu")


def _one_at_a_time(cfg: CompareConfig) -> float:
    """Seconds to train every member of every family alone, as E separate runs."""
    seeds, scales = cfg.members()
    start = time.perf_counter()
    for seed, scale in zip(seeds, scales, strict=True):
        train_ring_vae([seed], [scale], steps=cfg.steps)
        train_ring_diffusion([seed], [scale], steps=cfg.steps, device=CPU)
        _plane_gan([seed], [scale], cfg.steps, CPU, None, (0.0, 1.0), "ring")
    return time.perf_counter() - start


@benchmark("compare.ring_cold")
def ring_cold(quick: bool) -> Figure:
    """compare.ring from an empty store: the three families, 6 members each, measured."""
    cfg = presets.get("compare.ring").config
    if quick:
        cfg = dataclasses.replace(cfg, steps=200)
    train_compare(CompareConfig.tiny())              # warm-up: imports, first kernels
    with same_threads(1):                            # the trainer's own budget
        start = time.perf_counter()
        result = train_compare(cfg)
        ours = time.perf_counter() - start
    with same_threads(1):
        reference = _one_at_a_time(cfg)
    m = result.metrics()
    seconds = ", ".join(f"{f} {m[f + '.train_seconds']:.1f} s" for f in ("vae", "gan",
                                                                          "diffusion"))
    return Figure(ours, "s", "the same members one at a time", reference, reference / ours,
                  target="<= 30 s cold on the 2-core CPU", passed=ours <= 30 if not quick else None,
                  details=f"ours is the whole cold run (training, sampling, measuring), the "
                          f"reference training alone; {cfg.steps} steps, "
                          f"{len(cfg.members()[0])} members a family, one "
                          f"CPU thread; training: {seconds}; modes covered vae "
                          f"{m['vae.modes_covered']:.0f}, gan {m['gan.modes_covered']:.0f}, "
                          f"diffusion {m['diffusion.modes_covered']:.0f}")
