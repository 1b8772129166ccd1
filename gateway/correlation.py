"""The id of the request being served, for everything that happens on its behalf.

A context variable: tasks a request starts inherit it. The edge sets it (``app.py``), the
Yuno client sends it as ``X-Request-ID`` and the log formatter writes it on every line, so
it lives here, below both, importing nothing of ours.
"""

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
