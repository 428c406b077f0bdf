"""Settings for benchmarks: the project's, without the API's rate limit (a benchmark sends
thousands of requests from one address) and with the query log that DEBUG keeps switched off.
With BENCH_MEMORY_PROBE=1, `/__bench/memory` reports the answering worker's memory
(bench/memprobe.py).

    DJANGO_SETTINGS_MODULE=bench.settings
"""

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE, REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}

if os.environ.get("BENCH_MEMORY_PROBE") == "1":
    MIDDLEWARE = ["bench.memprobe.MemoryProbeMiddleware", *MIDDLEWARE]
