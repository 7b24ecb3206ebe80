"""Benchmarks of the GAN lab (issue 5, 'Speed')."""

from __future__ import annotations

import dataclasses
import time

import torch
import torch.nn.functional as F
from torch import nn

from bench.harness import Figure, benchmark
from core import presets, toy2d
from core.device import one_cpu_thread
from core.gan import POOL_SIZE, GANConfig, train_gan
from core.gan_seeds import train_ensemble

GAN_LAB_STEPS_PER_S = 60.0      # GAN Lab in the browser: about 60 iterations a second


def _healthy(quick: bool) -> GANConfig:
    cfg = presets.get("gan.healthy").config
    return dataclasses.replace(cfg, steps=300) if quick else cfg


def _net(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:], strict=True):
        layers += [nn.Linear(a, b), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


def bare_loop(cfg: GANConfig) -> float:
    """Algorithm 1 with the same nets, Adam and minibatches, and nothing recorded: seconds."""
    torch.manual_seed(cfg.seed)
    G = _net([cfg.noise_dim, *[cfg.g_hidden] * cfg.g_layers, 2])
    D = _net([2, *[cfg.d_hidden] * cfg.d_layers, 1])
    opt_g = torch.optim.Adam(G.parameters(), lr=cfg.lr_g, betas=(cfg.beta1, cfg.beta2))
    opt_d = torch.optim.Adam(D.parameters(), lr=cfg.lr_d, betas=(cfg.beta1, cfg.beta2))
    pool = torch.as_tensor(toy2d.sample(cfg.data, POOL_SIZE, 0))
    m = cfg.batch_size
    start = time.perf_counter()
    for _ in range(cfg.steps):
        for _ in range(cfg.k):
            with torch.no_grad():
                fake = G(torch.randn(m, cfg.noise_dim))
            logit = D(torch.cat([pool[torch.randint(POOL_SIZE, (m,))], fake]))
            loss_d = F.softplus(-logit[:m]).mean() + F.softplus(logit[m:]).mean()
            opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            opt_d.step()
        loss_g = F.softplus(-D(G(torch.randn(m, cfg.noise_dim)))).mean()
        opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        opt_g.step()
    return time.perf_counter() - start


@benchmark("gan.train_healthy")
def train_healthy(quick: bool) -> Figure:
    cfg = _healthy(quick)
    train_gan(GANConfig.tiny())                   # warm-up: imports, first kernels
    ours = train_gan(cfg).train_seconds
    with one_cpu_thread(torch.device("cpu")):    # the same thread count as ours
        bare = bare_loop(cfg)
    return Figure(ours, "s", "bare PyTorch loop, same nets", bare, bare / ours,
                  target="<= 8 s and >= 0.9x the bare loop",
                  passed=(ours <= 8 and bare / ours >= 0.9) if not quick else None,
                  details=f"{cfg.steps} steps; ours records the histories and the film")


@benchmark("gan.healthy_steps_per_s")
def healthy_steps_per_s(quick: bool) -> Figure:
    cfg = _healthy(quick)
    train_gan(GANConfig.tiny())
    rate = cfg.steps / train_gan(cfg).train_seconds
    return Figure(rate, "steps/s", "GAN Lab (browser)", GAN_LAB_STEPS_PER_S,
                  rate / GAN_LAB_STEPS_PER_S, target=">= 8x GAN Lab",
                  passed=rate >= 8 * GAN_LAB_STEPS_PER_S if not quick else None,
                  details="with the film and the mode metrics recorded")


@benchmark("gan.ensemble_16")
def ensemble_16(quick: bool) -> Figure:
    cfg = dataclasses.replace(_healthy(quick), steps=300 if quick else 1500)
    seeds = list(range(16))
    train_ensemble(GANConfig.tiny(), [0, 1])
    ours = train_ensemble(cfg, seeds).train_seconds
    one_by_one = sum(train_ensemble(cfg, [s]).train_seconds for s in seeds)
    return Figure(ours, "s", "16 runs one after another", one_by_one, one_by_one / ours,
                  target=">= 2x", passed=one_by_one / ours >= 2 if not quick else None,
                  details=f"gan.healthy, {cfg.steps} steps, 16 seeds")
