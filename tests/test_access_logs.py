"""Request logs never carry a query string: a search URL holds the address someone typed."""

import logging
import runpy
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent
SECRET = "address=Kerkstraat+5%2C+9000+Gent"


def gunicorn_line(path: str, query: str, status: str = "200 OK") -> str:
    """The access-log line gunicorn writes with gunicorn.conf.py's format for a GET of
    `path?query`, sent from a page whose Referer carries the same query."""
    access_log_format = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"]
    config = Config()
    config.set("access_log_format", access_log_format)
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "RAW_URI": f"{path}?{query}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"http://127.0.0.1{path}?{query}",
        "HTTP_USER_AGENT": "Firefox",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status=status, response_length=512, sent=512, headers=[])
    atoms = Logger(config).atoms(
        response, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=12)
    )
    return access_log_format % atoms


def test_gunicorn_logs_the_path_without_the_query_or_the_referer():
    line = gunicorn_line("/zoeken/", SECRET)
    assert '"GET /zoeken/ HTTP/1.1" 200 512' in line
    assert "Kerkstraat" not in line


def test_the_development_server_logs_the_path_without_the_query(caplog):
    with caplog.at_level(logging.INFO, logger="django.server"):
        logger = logging.getLogger("django.server")
        record = logger.makeRecord(
            "django.server",
            logging.INFO,
            __file__,
            1,
            '"%s" %s %s',
            (f"GET /zoeken/?{SECRET} HTTP/1.1", "200", "512"),
            None,
        )
        for handler in logger.handlers:
            for log_filter in handler.filters:
                log_filter.filter(record)
    assert record.getMessage() == '"GET /zoeken/ HTTP/1.1" 200 512'
