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


def test_choose_device_reads_env_when_no_argument(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("GENLAB_DEVICE", "cuda")
    with pytest.raises(DeviceError, match="GENLAB_DEVICE='cuda'"):
        choose_device()


def test_choose_device_argument_wins_over_env(monkeypatch):
    monkeypatch.setenv("GENLAB_DEVICE", "tpu")
    assert choose_device("cpu") == torch.device("cpu")


def test_choose_device_mps_without_mps_says_so(monkeypatch):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    with pytest.raises(DeviceError, match="no Apple GPU.*use cpu or auto"):
        choose_device("mps")


@pytest.mark.parametrize("name", ["cuda:", "cuda:x", "cuda:-1", "cpu:0"])
def test_choose_device_rejects_malformed_indices(name):
    with pytest.raises(DeviceError, match="not a device"):
        choose_device(name)


def test_choose_device_cuda_index_beyond_the_count_says_so(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    with pytest.raises(DeviceError, match="has 1 CUDA device"):
        choose_device("cuda:1")
    assert choose_device("CUDA:0") == torch.device("cuda", 0)


def test_limit_threads_applies_the_count(monkeypatch):
    calls = []
    monkeypatch.setattr(torch, "set_num_threads", calls.append)
    monkeypatch.setenv("GENLAB_TORCH_THREADS", " 2 ")
    limit_threads()
    assert calls == [2]


def test_limit_threads_does_nothing_when_unset(monkeypatch):
    monkeypatch.setattr(torch, "set_num_threads", lambda n: pytest.fail("should not be called"))
    monkeypatch.delenv("GENLAB_TORCH_THREADS", raising=False)
    limit_threads()


def test_one_cpu_thread_trains_on_one_thread_then_restores_the_default(monkeypatch):
    from core import device

    monkeypatch.delenv("GENLAB_TORCH_THREADS", raising=False)
    with device.one_cpu_thread():
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == device._TORCH_DEFAULT


def test_a_big_job_takes_one_thread_while_another_model_trains(monkeypatch):
    import threading

    from core.device import cores, one_cpu_thread, thread_budget

    monkeypatch.delenv("GENLAB_TORCH_THREADS", raising=False)
    assert thread_budget() == cores()
    inside, release = threading.Event(), threading.Event()

    def other_job():
        with one_cpu_thread():
            inside.set()
            release.wait(10)

    job = threading.Thread(target=other_job)
    job.start()
    try:
        inside.wait(10)
        assert thread_budget() == 1
    finally:
        release.set()
        job.join()
    assert thread_budget() == cores()


def test_thread_budget_is_every_core_unless_the_host_sets_one(monkeypatch):

    from core.device import cores, thread_budget

    monkeypatch.delenv("GENLAB_TORCH_THREADS", raising=False)
    assert thread_budget() == cores()
    monkeypatch.setenv("GENLAB_TORCH_THREADS", "1")
    assert thread_budget() == 1


def test_a_block_nested_in_a_one_thread_trainer_leaves_it_on_one_thread(monkeypatch):
    # the latent digits run trains a VAE (a one-thread trainer) inside its own one-thread block:
    # when the inner block ended, the outer run went on with every core
    monkeypatch.delenv("GENLAB_TORCH_THREADS", raising=False)
    from core.device import cpu_threads, one_cpu_thread

    default = torch.get_num_threads()
    outer = default + 1   # a count the default cannot stand in for
    with cpu_threads(outer):
        with one_cpu_thread():
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == outer
        with one_cpu_thread(), one_cpu_thread():
            pass
        assert torch.get_num_threads() == outer
    assert torch.get_num_threads() == default
