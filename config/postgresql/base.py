"""Django's PostgreSQL backend with a health check that costs no round trip when the
connection is healthy (CONN_HEALTH_CHECKS, settings.DATABASES).

Django's check sends `SELECT 1` before the first query of every request: on the API's hot path
that was a second round trip beside the key's query, a tenth of a /match/ request's time on 2
sync workers (py-spy). A connection the server has closed (a restart, a terminated backend)
has something to read: the server's FATAL message, then end of file. A healthy idle connection
has nothing. So the socket is polled without waiting, and only a connection with something
to read gets Django's own check, which reads it and closes the connection if it is dead.
"""

from __future__ import annotations

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        raw = self.connection
        if raw is None or raw.closed:
            return False
        try:
            readable, _, _ = select.select([raw.fileno()], [], [], 0)
        except (OSError, ValueError):  # the socket is gone
            return False
        # Something to read while idle: an error, end of file, or a notice; Django's check
        # (SELECT 1) tells which.
        return bool(super().is_usable()) if readable else True
