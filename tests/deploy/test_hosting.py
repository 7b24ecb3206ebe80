"""The hosting profile, serve.py's training settings, the replica script's arguments and the
container files: checks that need no server."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from deploy import serve

ROOT = Path(__file__).resolve().parents[2]


def flags() -> dict[str, str]:
    return dict(f.removeprefix("--").split("=", 1) for f in serve.profile_flags())


def test_hosting_profile_names_only_options_the_pinned_streamlit_has():
    from streamlit import config

    with serve.PROFILE.open("rb") as handle:
        names = [f"{s}.{o}" for s, opts in tomllib.load(handle).items() for o in opts]
    assert names and set(names) <= set(config._config_options_template)


def test_hosting_profile_is_set_for_a_shared_server():
    assert flags() == {**flags(), **{
        "server.headless": "true", "server.fileWatcherType": "none",
        "server.runOnSave": "false", "server.maxUploadSize": "5",
        "server.enableXsrfProtection": "true", "server.enableCORS": "true",
        "browser.gatherUsageStats": "false", "client.toolbarMode": "viewer",
        "client.showErrorDetails": "type"}}
    # pings well under the 60 s idle timeout of nginx and common load balancers
    assert 5 <= int(flags()["server.websocketPingInterval"]) < 60


def test_hosting_profile_keeps_the_upload_cap_of_config_toml():
    with (ROOT / ".streamlit" / "config.toml").open("rb") as handle:
        base = tomllib.load(handle)
    assert str(base["server"]["maxUploadSize"]) == flags()["server.maxUploadSize"]


def test_a_misspelt_option_is_refused_with_a_sentence(tmp_path, capsys):
    bad = tmp_path / "hosting.toml"
    bad.write_text('[server]\nfileWatcher = "none"\n')
    with pytest.raises(serve.ProfileError, match="no option 'server.fileWatcher'"):
        serve.profile_flags(bad)
    assert serve.main(["--profile", str(bad), "--dry-run"]) == 2
    assert "server.fileWatcher" in capsys.readouterr().err


@pytest.mark.parametrize("n_cores, mem_mb, replicas, jobs", [
    (1, None, 1, 1), (2, None, 1, 2), (4, 8192, 1, 4), (4, 8192, 2, 2), (3, 8192, 2, 1),
    (2, None, 4, 1),          # never below one
    (8, 2048, 1, 2),          # 2 GB: (2048 - 600) // 500 workers fit beside the server
    (8, 700, 1, 1),           # a tiny container still trains, one job at a time
])
def test_worker_settings_one_worker_per_core_on_one_thread(n_cores, mem_mb, replicas, jobs):
    assert serve.worker_settings(n_cores, mem_mb, replicas, {}) == {
        "GENLAB_JOBS": str(jobs), "GENLAB_TORCH_THREADS": "1"}


def test_worker_settings_keep_what_the_environment_sets():
    env = {"GENLAB_JOBS": "3", "GENLAB_TORCH_THREADS": " "}
    assert serve.worker_settings(8, None, 1, env) == {"GENLAB_JOBS": "3",
                                                      "GENLAB_TORCH_THREADS": "1"}


def test_cores_and_memory_follow_a_container_limit(tmp_path):
    affinity = serve.cores(tmp_path)   # no cgroup files there: the affinity mask
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert serve.cores(tmp_path) == min(affinity, 2)
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert serve.cores(tmp_path) == affinity

    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       16384000 kB\nMemFree: 1 kB\n")
    assert serve.memory_mb(tmp_path, meminfo) == 16000
    (tmp_path / "memory.max").write_text(f"{2 * 2**30}\n")
    assert serve.memory_mb(tmp_path, meminfo) == 2048
    assert serve.memory_mb(tmp_path / "none", tmp_path / "none") is None


def test_serve_refuses_a_bad_setting_with_its_sentence():
    env = {"PATH": "/usr/bin:/bin", "GENLAB_JOBS": "lots", "GENLAB_JOB_WORKERS": "forks"}
    done = subprocess.run([sys.executable, "deploy/serve.py", "--dry-run"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        "serve: GENLAB_JOBS must be a whole number from 1 to 64 (training worker processes), "
        f"not 'lots'; unset it to use {serve.settings.default_jobs()} (one per core).",
        "serve: GENLAB_JOB_WORKERS must be processes or threads, not 'forks'; unset it to train "
        "in worker processes."]


def test_serve_dry_run_prints_the_streamlit_command_and_its_settings():
    env = {"PATH": "/usr/bin:/bin", "GENLAB_JOBS": "3"}
    done = subprocess.run([sys.executable, "deploy/serve.py", "--dry-run", "--port", "9999",
                           "--address", "127.0.0.1", "--replicas", "2"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "GENLAB_JOBS=3 GENLAB_TORCH_THREADS=1" in done.stderr
    argv = done.stdout.split()
    assert argv[1:4] == ["-m", "ui.launch", "run"] and argv[4].endswith("streamlit_app.py")
    assert {"--server.port=9999", "--server.address=127.0.0.1",
            "--server.fileWatcherType=none"} <= set(argv)


@pytest.mark.parametrize("args, env, sentence", [
    ([], {}, "give a command"),
    (["restart"], {}, "unknown command 'restart'"),
    (["start", "80a"], {}, "PORT must be a number"),
    (["start", "65535"], {}, "PORT must be a number from 1 to 65533"),
    (["start", "8080", "9090"], {}, "one PORT at most"),
    (["start"], {"REPLICAS": "0"}, "REPLICAS must be a whole number"),
    (["start"], {"GENLAB_RUN_DIR": "/tmp/a b"}, "GENLAB_RUN_DIR="),
    (["stop", "now"], {}, "stop takes no argument"),
])
def test_replicas_script_answers_a_bad_argument_with_a_sentence(args, env, sentence):
    done = subprocess.run(["bash", "deploy/replicas.sh", *args], cwd=ROOT, capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", **env}, timeout=30)
    assert done.returncode == 2
    assert sentence in done.stderr and "usage: deploy/replicas.sh" in done.stderr


def test_replicas_script_stop_with_nothing_running_is_quiet(tmp_path):
    done = subprocess.run(["bash", "deploy/replicas.sh", "stop"], cwd=ROOT, text=True,
                          capture_output=True, env={"PATH": "/usr/bin:/bin",
                                                    "GENLAB_RUN_DIR": str(tmp_path)})
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_dockerfile_installs_the_pinned_cpu_torch_first():
    docker = (ROOT / "Dockerfile").read_text()
    pin = re.search(r"^torch==\S+", (ROOT / "requirements.txt").read_text(), re.M).group()
    torch_at = docker.index(f'"{pin}" --index-url https://download.pytorch.org/whl/cpu')
    assert torch_at < docker.index("-r requirements.txt")
    assert re.search(r"^FROM python:3\.11-slim", docker, re.M)
    assert re.search(r"^USER [1-9][0-9]*(:[0-9]+)?$", docker, re.M)   # numeric, not root
    assert "GENLAB_STORE=/data" in docker and re.search(r'^VOLUME \["?/data', docker, re.M)
    assert re.search(r"^HEALTHCHECK .*python.*/_stcore/health", docker, re.M | re.S)
    assert "deploy/serve.py" in docker and re.search(r"^EXPOSE 8501$", docker, re.M)


def test_dockerignore_keeps_local_state_out_of_the_image():
    ignored = {line.strip().rstrip("/") for line in
               (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", ".genlab-store", "artifacts", ".git", ".pytest_cache",
            ".ruff_cache", ".hypothesis", "deploy/run"} <= ignored


def test_cloud_requirements_pin_the_same_versions_with_the_cpu_torch():
    def pins(path: Path) -> dict[str, str]:
        lines = [ln.split("#")[0].strip() for ln in path.read_text().splitlines()]
        return dict(ln.split("==") for ln in lines if ln and not ln.startswith("-"))

    cloud_file = ROOT / "deploy" / "requirements-cloud.txt"
    cloud, base = pins(cloud_file), pins(ROOT / "requirements.txt")
    assert cloud == {**base, "torch": base["torch"] + "+cpu"}
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in cloud_file.read_text()
