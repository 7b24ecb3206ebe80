"""The benchmark contract: a table, and with --json {name: {value, unit, reference,
reference_value, ratio}}.

No timing is asserted here; the benchmarks report ratios, the tests only the contract.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_quick_writes_the_contracted_json(tmp_path):
    target = tmp_path / "bench.json"
    out = subprocess.run([sys.executable, "-m", "bench", "--quick", "--only", "curves",
                          "--json", str(target)], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    assert "ngjordan.curves_vs_sklearn" in out.stdout
    figures = json.loads(target.read_text())
    figure = figures["ngjordan.curves_vs_sklearn"]
    assert {"value", "unit", "reference", "reference_value", "ratio"} <= set(figure)
    assert figure["ratio"] > 0


def test_bench_unknown_name_exits_2_with_the_list():
    out = subprocess.run([sys.executable, "-m", "bench", "--only", "nope"], cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "ngjordan.curves_vs_sklearn" in out.stderr and "Traceback" not in out.stderr


def test_the_torch_func_reference_computes_what_the_batched_mlp_computes():
    # gan.batched_mlp_vs_torch_func times two ways of one computation: with the same weights
    # they must give the same discriminator outputs, or the ratio compares unlike things
    import torch
    from torch.func import functional_call, stack_module_state, vmap

    from bench.gan import _net
    from core.gan.mlp import mlp

    sizes, members = [2, 16, 16, 1], 3
    nets = [_net(sizes) for _ in range(members)]
    weights, buffers = stack_module_state(nets)
    params = []
    for i in range(0, len(sizes) - 1):
        params += [weights[f"{2 * i}.weight"].transpose(1, 2),
                   weights[f"{2 * i}.bias"].unsqueeze(1)]
    x = torch.randn(members, 5, 2)
    base = nets[0].to("meta")
    theirs = vmap(lambda w, b, xi: functional_call(base, (w, b), (xi,)))(weights, buffers, x)
    assert torch.allclose(mlp(params, x, "tanh"), theirs, atol=1e-5)
