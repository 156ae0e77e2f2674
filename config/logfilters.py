"""Log filters."""

import logging


class DropQueryString(logging.Filter):
    """Request lines without their query string: on /sso/callback/ it carries the single sign-on code.

    For the development server's request log (logger django.server), whose first
    argument is the request line ("GET /path?query HTTP/1.1").
    """

    def filter(self, record):
        if record.args and isinstance(record.args, tuple) and isinstance(record.args[0], str) and "?" in record.args[0]:
            method, _, rest = record.args[0].partition(" ")
            path, _, version = rest.rpartition(" ")
            record.args = (f"{method} {path.partition('?')[0]} {version}", *record.args[1:])
        return True
