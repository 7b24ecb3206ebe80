"""The CPU maths libraries are pinned before torch computes, a person's own value is kept,
and the numerics enter the store key."""

import dataclasses
import os
import subprocess
import sys

import pytest

from core import numerics, runs
from core.gan.config import GANConfig


def test_has_avx2_reads_the_flags_line(tmp_path):
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("model name : X\nflags : fpu sse2 avx avx2 fma\n")
    assert numerics.has_avx2(cpuinfo)
    cpuinfo.write_text("model name : avx2 in a name\nflags : fpu sse2 avx avx2x\n")
    assert not numerics.has_avx2(cpuinfo)
    assert not numerics.has_avx2(tmp_path / "missing")


def test_nothing_is_pinned_off_x86(monkeypatch):
    monkeypatch.setattr(numerics.platform, "machine", lambda: "arm64")
    assert numerics.pinned_here() == {}


def test_torch_is_not_told_avx2_on_a_cpu_without_it(monkeypatch):
    monkeypatch.setattr(numerics.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(numerics, "has_avx2", lambda: False)
    assert numerics.pinned_here() == {"MKL_CBWR": "COMPATIBLE", "ONEDNN_MAX_CPU_ISA": "AVX2"}


def test_a_value_the_person_set_is_kept(monkeypatch):
    monkeypatch.setattr(numerics.platform, "machine", lambda: "x86_64")
    monkeypatch.setenv("MKL_CBWR", "AUTO")
    monkeypatch.delenv("ONEDNN_MAX_CPU_ISA", raising=False)
    numerics.pin()
    assert os.environ["MKL_CBWR"] == "AUTO"
    assert os.environ["ONEDNN_MAX_CPU_ISA"] == "AVX2"


def test_the_numerics_are_part_of_the_store_key(monkeypatch):
    cfg = dataclasses.replace(GANConfig(), seed=3)
    pinned = runs.key_for(cfg)
    monkeypatch.setenv("MKL_CBWR", "AUTO")
    assert runs.key_for(cfg) != pinned


@pytest.mark.skipif(not numerics.pinned_here(), reason="the pins apply to x86-64 CPUs")
def test_importing_core_pins_torch_before_it_computes():
    env = {k: v for k, v in os.environ.items() if k not in numerics.PINNED}
    code = ("import torch, core, os; torch.ones(2) @ torch.ones(2); "
            "print(os.environ['MKL_CBWR'], torch.backends.cpu.get_cpu_capability())")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout.split()
    assert out[0] == "COMPATIBLE"
    if numerics.has_avx2():
        assert out[1] == "AVX2"
