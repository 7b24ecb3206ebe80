"""Benchmarks of the GAN lab (issue 5, 'Speed')."""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from bench.harness import Figure, benchmark, best, best_pair, repeats, same_threads
from core import presets, toy2d
from core.device import thread_budget
from core.gan.config import POOL_SIZE, GANConfig
from core.gan.mlp import init_mlp, mlp, sizes_d
from core.gan.seeds import train_ensemble
from core.gan.train import train_gan

# GAN Lab in the browser: about 60 iterations a second. A published figure, not measured
# here: a note beside the measured ratio, never its reference.
GAN_LAB_STEPS_PER_S = 60.0


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


def _ours(cfg: GANConfig) -> float:
    with same_threads(1):                        # train_gan's own budget, made explicit
        return train_gan(cfg).train_seconds


def _bare(cfg: GANConfig) -> float:
    with same_threads(1):
        return bare_loop(cfg)


@functools.cache
def _healthy_timings(quick: bool) -> tuple[GANConfig, float, float, int]:
    """gan.healthy trained by train_gan and by the bare loop: each side's best of n, one
    thread each (shared by the two benchmarks below)."""
    cfg, n = _healthy(quick), repeats(quick)
    train_gan(GANConfig.tiny())                  # warm-up: imports, first kernels
    ours, bare = best_pair(lambda: _ours(cfg), lambda: _bare(cfg), n)
    return cfg, ours, bare, n


@benchmark("gan.train_healthy")
def train_healthy(quick: bool) -> Figure:
    cfg, ours, bare, n = _healthy_timings(quick)
    return Figure(ours, "s", "bare PyTorch loop, same nets", bare, bare / ours,
                  target="<= 8 s and >= 0.9x the bare loop",
                  passed=(ours <= 8 and bare / ours >= 0.9) if not quick else None,
                  details=f"{cfg.steps} steps; ours records the histories and the film; "
                          f"best of {n} each, one thread each")


@benchmark("gan.healthy_steps_per_s")
def healthy_steps_per_s(quick: bool) -> Figure:
    cfg, ours, bare, n = _healthy_timings(quick)
    rate, bare_rate = cfg.steps / ours, cfg.steps / bare
    return Figure(rate, "steps/s", "bare PyTorch loop, same nets", bare_rate, rate / bare_rate,
                  target=f">= 8x GAN Lab, {8 * GAN_LAB_STEPS_PER_S:.0f} steps/s",
                  passed=rate >= 8 * GAN_LAB_STEPS_PER_S if not quick else None,
                  details=f"with the film and the mode metrics recorded; best of {n} each, "
                          f"one thread each. Note, not measured here: GAN Lab in the browser "
                          f"runs about {GAN_LAB_STEPS_PER_S:.0f} steps/s; this is "
                          f"{rate / GAN_LAB_STEPS_PER_S:.1f}x that")


@benchmark("gan.ensemble_16")
def ensemble_16(quick: bool) -> Figure:
    """16 seeds as one batched model against 16 runs one after another, both on one thread
    (the batching gain alone); the batched run on the app's thread budget as a second,
    labelled figure."""
    cfg = dataclasses.replace(_healthy(quick), steps=300 if quick else 1500)
    seeds, n = list(range(16)), repeats(quick, 2)
    train_ensemble(GANConfig.tiny(), [0, 1])

    def batched() -> float:
        # inside another thread block, thread_budget() gives a batched job one thread
        with same_threads(1):
            return train_ensemble(cfg, seeds).train_seconds

    def one_by_one() -> float:
        total = 0.0
        for seed in seeds:
            with same_threads(1):
                total += train_ensemble(cfg, [seed]).train_seconds
        return total

    ours, serial = best_pair(batched, one_by_one, n)
    details = f"gan.healthy, {cfg.steps} steps, 16 seeds; best of {n} each, one thread each"
    threads = thread_budget()
    if threads > 1:     # outside any block: the batched run takes the app's budget
        wide = best(lambda: train_ensemble(cfg, seeds).train_seconds, n)
        details += (f". On {threads} threads (the app's budget here) the batched run takes "
                    f"{wide:.3g} s: {ours / wide:.2f}x as fast as on one thread, and "
                    f"{serial / wide:.2f}x as fast as the 16 one-thread runs ({threads} "
                    "threads against one: not like for like)")
    return Figure(ours, "s", "16 runs one after another", serial, serial / ours,
                  target=">= 2x", passed=serial / ours >= 2 if not quick else None,
                  details=details)


@benchmark("gan.batched_mlp_vs_torch_func")
def batched_mlp_vs_torch_func(quick: bool) -> Figure:
    """The GAN ensemble's hand-written batched MLP (``core.gan.mlp``: one baddbmm a layer)
    against torch.func, vmap over functional_call of one nn.Module with the members' weights
    stacked: a forward and backward pass of 16 discriminators on one thread. The stock part
    replaces ours when this ratio falls below 1."""
    from torch.func import functional_call, stack_module_state, vmap

    cfg, members, n_points = GANConfig(), 16, 256
    sizes = sizes_d(cfg)
    ours_params = [p.requires_grad_() for p in init_mlp(sizes, list(range(members)), 1)]
    x = torch.randn(members, n_points, 2)
    nets = [_net(sizes) for _ in range(members)]     # tanh, the config's activation
    weights, buffers = stack_module_state(nets)
    base = nets[0].to("meta")

    def run_one(w: dict, b: dict, xi: torch.Tensor) -> torch.Tensor:
        return functional_call(base, (w, b), (xi,))

    def ours() -> None:
        out = mlp(ours_params, x, cfg.activation)
        torch.autograd.grad(out.sum(), ours_params)

    def stock() -> None:
        out = vmap(run_one)(weights, buffers, x)
        torch.autograd.grad(out.sum(), list(weights.values()))

    steps, n = (50 if quick else 300), repeats(quick, 3)

    def timed(step: Callable[[], None]) -> float:
        with same_threads(1):
            step()                                  # warm-up (vmap traces on its first call)
            start = time.perf_counter()
            for _ in range(steps):
                step()
            return time.perf_counter() - start

    mine, theirs = best_pair(lambda: timed(ours), lambda: timed(stock), n)
    return Figure(mine / steps * 1e3, "ms/step", "torch.func vmap(functional_call)",
                  theirs / steps * 1e3, theirs / mine, target=">= 1 (else use torch.func)",
                  passed=theirs >= mine,
                  details=f"{members} discriminators {sizes}, {n_points} points each, "
                          f"forward + backward, {cfg.activation}; best of {n} each, one thread")
