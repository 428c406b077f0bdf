import logging


def test_debug_logging_state():
    for name in ["", "core", "core.outages", "core.mail", "celery"]:
        lg = logging.getLogger(name)
        print("LOGSTATE", repr(name), lg.disabled, lg.level, lg.getEffectiveLevel(), lg.propagate, lg.handlers, lg.filters)
