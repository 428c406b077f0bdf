"""gunicorn's settings file, read from the working directory (the image's /app) by default.

The access log leaves out query strings and the Referer: a search URL carries the address a
social worker typed for a client (/zoeken/?address=...), and the Referer of the next page
carries it again. Paths, status, size and timing are enough to run the site.
"""

# Like gunicorn's default format, with the path (%(U)s) instead of the request line and
# without the Referer (%(f)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'

# Large freed buffers go back to the system instead of staying in the worker's heap
# (config/allocator.py). In each worker, before it loads the application.


def post_fork(server, worker):
    from config.allocator import malloc_tune

    if not malloc_tune():
        worker.log.info("malloc not tuned: the C library is not glibc")


# A safety net, not the fix: a worker is replaced after 10,000 requests (±1,000, so that the
# workers do not restart together), in case something else ever keeps memory. bench/soak.py
# switches it off (--max-requests 0) to measure the workers themselves.
max_requests = 10_000
max_requests_jitter = 1_000
