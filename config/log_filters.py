"""Logging filters. The development server logs every request line, and a search URL carries
the address someone typed (/zoeken/?address=...): the query string is cut off before it is
written. gunicorn's access log is set the same way in gunicorn.conf.py."""

import logging


class WithoutQueryStrings(logging.Filter):
    """Removes "?..." from the request line of django.server's records."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str):
            line = record.args[0]
            if "?" in line:
                method_path, _query, rest = line.partition("?")
                protocol = rest.rsplit(" ", 1)[-1] if " " in rest else ""
                record.args = (f"{method_path} {protocol}".rstrip(), *record.args[1:])
        return True
