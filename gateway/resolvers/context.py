"""What one GraphQL request carries: its loaders, the shared upstream, and its request id."""

import uuid
from dataclasses import dataclass, field

from gateway.auth import ANONYMOUS, Principal
from gateway.events import EventBus
from gateway.loaders import RequestLoaders, Upstream


@dataclass(frozen=True)
class SdkConfig:
    """What a front-end SDK needs: Yuno's public key and which Yuno it talks to."""

    public_api_key: str
    environment: str
    api_base_url: str


@dataclass
class ItemBudget:
    """List items (``_entities`` representations...) one HTTP request may still carry,
    across every operation of a batch."""

    limit: int
    spent: int = 0

    def spend(self, items: int) -> bool:
        self.spent += items
        return self.spent <= self.limit


@dataclass
class Context:
    upstream: Upstream
    sdk: SdkConfig
    bus: EventBus
    principal: Principal = ANONYMOUS
    connection_params: dict[str, object] | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    budget: ItemBudget | None = None
    loaders: RequestLoaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = RequestLoaders(self.upstream)
