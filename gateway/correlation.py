"""What is known of the request being served, for everything done on its behalf.

Context variables: tasks a request starts inherit them. The edge sets the request id
(``app.py``), the Yuno client sends it as ``X-Request-ID`` and the log formatter writes it
on every line; demand control (``schema.cost``) sets a call count that the Yuno client
adds each call to; tracing sets the tracer the fields that call Yuno open spans with. They
live here, below all of those, importing nothing of ours.
"""

from contextvars import ContextVar
from dataclasses import dataclass

from opentelemetry.trace import Tracer

current_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


@dataclass
class CallCount:
    """Yuno calls made for one operation (retries of a call are one call)."""

    count: int = 0


yuno_calls: ContextVar[CallCount | None] = ContextVar("yuno_calls", default=None)


#: The tracer of the operation being run (``tracing``); None when tracing is off.
active_tracer: ContextVar[Tracer | None] = ContextVar("active_tracer", default=None)
