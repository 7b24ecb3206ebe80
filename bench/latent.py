"""Benchmarks of the latent-space explorer (issue: 'Speed and memory')."""

from __future__ import annotations

import time

import numpy as np
import torch

from bench.harness import Figure, benchmark, best_of, best_pair, repeats, same_threads
from core import presets
from core.images import image_set
from core.latent.config import AEConfig
from core.latent.losses import loss_terms
from core.latent.nets import Autoencoder, decode, load_model
from core.latent.train import train_autoencoder

TIMED_PRESETS = ("ae.plain", "ae.denoising", "ae.dropout", "ae.sparse", "vae.digits", "vae.mnist")


def bare_loop(cfg) -> float:
    """The same network, optimiser and minibatches with no bookkeeping: seconds."""
    data = image_set(cfg.data)
    torch.manual_seed(cfg.seed)
    model = Autoencoder(cfg, data.X_train.shape[1])
    optimiser = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    X = torch.as_tensor(data.X_train)
    with same_threads(1):                     # the same thread count as the trainer
        return _timed_loop(cfg, model, optimiser, X)


def _timed_loop(cfg, model, optimiser, X) -> float:
    start = time.perf_counter()
    for _ in range(cfg.epochs):
        for batch in torch.randperm(len(X)).split(cfg.batch_size):
            x = X[batch]
            noisy = (x + cfg.noise * torch.randn_like(x)).clamp(0, 1) \
                if cfg.model == "denoising" else x
            loss = loss_terms(model, noisy, x)["loss"]
            optimiser.zero_grad(set_to_none=True)
            loss.backward()
            optimiser.step()
    return time.perf_counter() - start


def _training(name: str):
    def run(quick: bool) -> Figure:
        cfg = presets.get(name).config
        if quick:
            cfg = type(cfg)(**{**cfg.__dict__, "epochs": 5})
        train_autoencoder(AEConfig.tiny(cfg.model))   # warm-up: imports, data, first kernels
        n = repeats(quick, 2 if cfg.data == "mnist" else 3)

        def ours() -> float:
            with same_threads(1):                      # the trainer's own budget
                return train_autoencoder(cfg).train_seconds

        ours_s, bare_s = best_pair(ours, lambda: bare_loop(cfg), n)
        limit = 60 if cfg.data == "mnist" else 5
        return Figure(ours_s, "s", "bare PyTorch loop, same net", bare_s, bare_s / ours_s,
                      target=f"<= {limit} s and >= 0.9x the bare loop",
                      passed=(ours_s <= limit and bare_s / ours_s >= 0.9) if not quick else None,
                      details=f"{cfg.epochs} epochs; both time the training loop alone, best "
                              f"of {n} each, one thread each")
    return run


for _name in TIMED_PRESETS:
    benchmark(f"latent.train_{_name}")(_training(_name))


@benchmark("latent.decode_click")
def decode_click(quick: bool) -> Figure:
    """Server time to answer a click on the latent map: decode one z (model cached)."""
    cfg = presets.get("vae.digits").config
    result = train_autoencoder(type(cfg)(**{**cfg.__dict__, "epochs": 2}))
    model = load_model(cfg, result)
    z = np.zeros((1, 2), dtype=np.float32)
    threads = torch.get_num_threads()     # the server's default, where a click is answered
    ours = best_of(lambda: decode(model, z), repeat=50, threads=threads)
    with torch.no_grad():
        bare = best_of(lambda: model.decoder(torch.zeros(1, 2)), repeat=50, threads=threads)
    return Figure(ours * 1e3, "ms", "bare decoder call", bare * 1e3, bare / ours,
                  target="< 50 ms", passed=ours < 0.05,
                  details=f"best of 50 each, {threads} thread(s) each")
