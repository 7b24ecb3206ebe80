"""Benchmarks of the diffusion panel (issue 6, 'Speed')."""

from __future__ import annotations

import dataclasses
import time

import torch

from bench.harness import Figure, benchmark, best_of
from core import presets, toy2d
from core.device import one_cpu_thread
from core.diffusion import (
    DATA_SEED,
    EVAL_SAMPLES,
    POOL_SIZE,
    DiffusionConfig,
    build_net,
    ddpm_sample,
    net_eps,
    sample_2d,
    train_diffusion,
)
from core.diffusion_digits import DigitsDiffusionConfig, train_digits_diffusion
from core.schedules import make_schedule


def _ring(quick: bool) -> DiffusionConfig:
    cfg = presets.get("diffusion.ring").config
    return dataclasses.replace(cfg, steps=300) if quick else cfg


def bare_loop(cfg: DiffusionConfig) -> float:
    """L_simple with the same net, Adam and minibatches, and nothing recorded: seconds."""
    torch.manual_seed(cfg.seed)
    net = build_net(cfg)
    optimiser = torch.optim.Adam(net.parameters(), lr=cfg.lr)
    alpha_bar = torch.as_tensor(make_schedule(cfg.schedule, cfg.T).alpha_bar, dtype=torch.float32)
    pool = torch.as_tensor(toy2d.sample(cfg.data, POOL_SIZE, DATA_SEED))
    g = torch.Generator().manual_seed(cfg.seed)
    B = cfg.batch_size
    start = time.perf_counter()
    for _ in range(cfg.steps):
        x0 = pool[torch.randint(POOL_SIZE, (B,), generator=g)]
        t = torch.randint(1, cfg.T + 1, (B,), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        ab = alpha_bar[t][:, None]
        loss = ((net(ab.sqrt() * x0 + (1 - ab).sqrt() * eps, t) - eps) ** 2).mean()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()
        optimiser.step()
    return time.perf_counter() - start


@benchmark("diffusion.train_ring")
def train_ring(quick: bool) -> Figure:
    cfg = _ring(quick)
    train_diffusion(DiffusionConfig.tiny())          # warm-up: imports, first kernels
    result = train_diffusion(cfg)
    ours = result.train_seconds
    with one_cpu_thread():                           # as train_diffusion runs
        bare = bare_loop(cfg)
    return Figure(ours, "s", "bare PyTorch loop, same net", bare, bare / ours,
                  target="<= 5 s to 8 modes and <= 5 % off the data, >= 0.9x the bare loop",
                  passed=(ours <= 5 and bare / ours >= 0.9 and result.modes_covered == 8
                          and result.off_data_fraction <= 0.05) if not quick else None,
                  details=f"{cfg.steps} steps on one CPU thread: "
                          f"{result.modes_covered:.0f} modes, "
                          f"{result.off_data_fraction:.1%} off the data, mmd2 {result.mmd2:.4f}")


@benchmark("diffusion.sample_2500")
def sample_2500(quick: bool) -> Figure:
    """DDPM, T = 100, 2,500 points with 300 trajectories recorded vs the bare sampler."""
    cfg = DiffusionConfig.tiny(T=100, hidden=64, layers=3, t_dim=32, fourier=16)
    net = build_net(cfg).eval()
    schedule = make_schedule("linear", 100)
    repeat = 2 if quick else 5
    g = torch.Generator().manual_seed(0)
    with one_cpu_thread():                           # as train_diffusion samples
        ours = best_of(lambda: sample_2d(net, schedule, EVAL_SAMPLES, 0, "ddpm", n_record=300),
                       repeat)
        bare = best_of(lambda: ddpm_sample(net_eps(net), schedule,
                                           torch.randn((EVAL_SAMPLES, 2), generator=g), g),
                       repeat)
    return Figure(ours, "s", "the sampler without trajectories", bare, bare / ours,
                  target="<= 0.3 s", passed=ours <= 0.3 if not quick else None,
                  details=f"the presets' net, one CPU thread, best of {repeat}")


@benchmark("diffusion.train_digits")
def train_digits(quick: bool) -> Figure:
    """diffusion.digits_cfg and diffusion.latent: training time, and their quality."""
    pixel = presets.get("diffusion.digits_cfg").config
    latent = presets.get("diffusion.latent").config
    if quick:
        pixel, latent = (dataclasses.replace(c, steps=200, samples_per_class=5)
                         for c in (pixel, latent))
    train_digits_diffusion(DigitsDiffusionConfig.tiny())
    p, lat = train_digits_diffusion(pixel), train_digits_diffusion(latent)
    return Figure(p.train_seconds, "s", "latent diffusion (same steps)", lat.train_seconds,
                  lat.train_seconds / p.train_seconds, target="<= 90 s",
                  passed=max(p.train_seconds, lat.train_seconds) <= 90 if not quick else None,
                  details=(f"pixel: agreement {p.classifier_agreement:.3f}, diversity "
                           f"{p.diversity:.3f}, sampling {p.sample_seconds:.2f} s; latent: "
                           f"agreement {lat.classifier_agreement:.3f}, diversity "
                           f"{lat.diversity:.3f}, sampling {lat.sample_seconds:.2f} s "
                           f"(+ VAE training {lat.vae_train_seconds:.1f} s)"))
