"""When and how long to wait before trying a Yuno call again.

Only calls that cannot move money twice are retried: reads, and writes that carry an
idempotency key (Yuno answers a repeated key with the first outcome). Back-off is exponential
with full jitter, bounded both in attempts and in total time.
"""

import random
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff: float = 0.05
    max_backoff: float = 1.0
    deadline: float = 25.0
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def delay(self, attempt: int) -> float:
        """Seconds to sleep before attempt number ``attempt + 1`` (``attempt`` starts at 1)."""
        ceiling = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        return self.rng.uniform(0, ceiling)


def is_retry_safe(method: str, idempotency_key: str | None) -> bool:
    return method == "GET" or idempotency_key is not None
