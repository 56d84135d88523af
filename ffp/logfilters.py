"""Logging filters: what must never reach a log."""

import logging
import re

# "GET /people/search/?name=Ann+Smith HTTP/1.1" -> "GET /people/search/ HTTP/1.1"
_QUERY = re.compile(r"\?[^\s\"]*")


class NoQueryStrings(logging.Filter):
    """Drops query strings from the request lines Django's development server logs (django.server): people search
    by name and date of birth, and a log is a copy of them that nothing disposes of. gunicorn's access log has
    its own format for this (ffp.gunicorn_conf)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_QUERY.sub("", arg) if isinstance(arg, str) else arg for arg in record.args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = _QUERY.sub("", record.msg)
        return True
