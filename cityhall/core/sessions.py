"""Sessions in the database (Django's engine), read with one fixed statement.

Every signed-in request reads its session row. Django's engine builds that query with the ORM each
time, which costs three times the query itself (about 0.4 ms of CPU against 0.12 ms on PostgreSQL;
on voting day a tenth of a ballot's server time). Writes, expiry and ``clearsessions`` stay Django's.
"""

from __future__ import annotations

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    def load(self) -> dict:
        connection = connections[router.db_for_read(self.model)]
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s",  # noqa: S608 - the model's table
                [self.session_key, connection.ops.adapt_datetimefield_value(timezone.now())],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's engine: an unknown or expired key starts a new session
            return {}
        return self.decode(row[0])
