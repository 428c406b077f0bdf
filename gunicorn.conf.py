"""gunicorn's settings file, read from the working directory (the image's /app) by default.

The access log leaves out query strings and the Referer: a search URL carries the address a
social worker typed for a client (/zoeken/?address=...), and the Referer of the next page
carries it again. Paths, status, size and timing are enough to run the site.
"""

# Like gunicorn's default format, with the path (%(U)s) instead of the request line and
# without the Referer (%(f)s).
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
