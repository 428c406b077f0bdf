"""gunicorn.conf.py: workers give large freed buffers back (config/allocator.py), and are
replaced after many requests as a safety net."""

import runpy
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_workers_tune_malloc_after_the_fork_and_are_replaced_now_and_then():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert callable(config["post_fork"])
    assert config["max_requests"] == 10_000
    assert 0 < config["max_requests_jitter"] < config["max_requests"]


def test_malloc_tune_applies_on_glibc():
    # In a process of its own: mallopt changes the allocator of the process that calls it.
    completed = subprocess.run(
        [sys.executable, "-c", "from config.allocator import malloc_tune; print(malloc_tune())"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert completed.stdout.strip() == "True"
