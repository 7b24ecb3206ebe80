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
