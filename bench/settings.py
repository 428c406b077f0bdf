"""Settings for benchmarks: the project's, without the API's rate limit (a benchmark sends
thousands of requests from one address) and with the query log that DEBUG keeps switched off.

    DJANGO_SETTINGS_MODULE=bench.settings
"""

from config.settings import *  # noqa: F403
from config.settings import REST_FRAMEWORK

REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_CLASSES": []}
