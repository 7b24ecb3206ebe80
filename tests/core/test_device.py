import pytest
import torch

from core.device import DeviceError, choose_device, describe, limit_threads


def test_choose_device_auto_is_cpu_without_a_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    monkeypatch.delenv("GENLAB_DEVICE", raising=False)
    assert choose_device().type == "cpu"
    assert describe(choose_device()).startswith("CPU")


def test_choose_device_reads_env_case_insensitively(monkeypatch):
    monkeypatch.setenv("GENLAB_DEVICE", " CPU ")
    assert choose_device().type == "cpu"


def test_choose_device_rejects_unknown_names_with_the_choices(monkeypatch):
    monkeypatch.setenv("GENLAB_DEVICE", "tpu")
    with pytest.raises(DeviceError, match="GENLAB_DEVICE='tpu' is not a device: use one of"):
        choose_device()
    with pytest.raises(DeviceError, match="--device='gpu' is not a device"):
        choose_device("gpu")


def test_choose_device_cuda_without_cuda_says_so(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no CUDA GPU; use cpu or auto"):
        choose_device("cuda")


def test_limit_threads_rejects_a_bad_count(monkeypatch):
    monkeypatch.setenv("GENLAB_TORCH_THREADS", "many")
    with pytest.raises(DeviceError, match="positive whole number"):
        limit_threads()
