"""What the peers section measures the gateway's cached read against, started, checked and
warmed: the ceiling (``bench.ceiling``, the gateway's answers as static bytes) and Hive
Gateway with and without its response cache (``bench.hive``). A Hive that cannot run, or
whose answers are not the gateway's, is kept as absent, with the reason.
"""

import contextlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench import documents, hive
from bench.clients import BenchError, GraphQL
from bench.lab import Lab, graphql_body
from bench.processes import Service, ServiceFailed, start_ceiling

GATEWAY, HIVE_CACHED, HIVE, CEILING = "gateway", "hive_cached", "hive", "ceiling"
LABELS = {
    GATEWAY: "gateway",
    HIVE_CACHED: "Hive Gateway + responseCaching",
    HIVE: "Hive Gateway, no response cache",
    CEILING: "aiohttp ceiling",
}


@dataclass(frozen=True)
class Contender:
    key: str
    service: Service | None
    bodies: Sequence[Mapping[str, object]]
    query: str
    #: Why it is not measured, when it is not.
    absent: str | None = None

    @property
    def label(self) -> str:
        return LABELS[self.key]


async def start(lab: Lab, stack: contextlib.AsyncExitStack) -> list[Contender]:
    """The gateway (warmed), the ceiling and both Hive Gateways, in that order; what is
    started stops when ``stack`` closes."""
    sessions = lab.data.read_sessions
    ours = [graphql_body(documents.PEER_CHECKOUT_SESSION, {"id": s}) for s in sessions]
    await lab.warm(lab.gateway, ours)
    answers = await _answers(lab, ours)
    gateway = Contender(GATEWAY, lab.gateway, ours, documents.PEER_CHECKOUT_SESSION)
    ceiling = await _ceiling(lab, stack, ours, answers)
    hive_cached, hive_plain = await _hive(lab, stack, answers)
    return [gateway, hive_cached, hive_plain, ceiling]


async def _answers(lab: Lab, bodies: Sequence[Mapping[str, object]]) -> dict[str, str]:
    """The gateway's answer to each body, byte for byte, by session id."""
    answers: dict[str, str] = {}
    for body in bodies:
        async with lab.http.post(lab.gateway.url, json=body, headers=lab.gateway.headers) as got:
            text = await got.text()
        variables = body["variables"]
        assert isinstance(variables, Mapping)
        answers[str(variables["id"])] = text
    return answers


async def _ceiling(
    lab: Lab,
    stack: contextlib.AsyncExitStack,
    bodies: Sequence[Mapping[str, object]],
    answers: Mapping[str, str],
) -> Contender:
    path = lab.driver.workdir / "ceiling-answers.json"
    path.write_text(json.dumps(answers))
    service = await start_ceiling(lab.driver.workdir, path)
    stack.push_async_callback(service.stop)
    return Contender(CEILING, service, bodies, "(static answers)")


async def _hive(
    lab: Lab, stack: contextlib.AsyncExitStack, answers: Mapping[str, str]
) -> tuple[Contender, Contender]:
    """Both Hive Gateways, started, checked against the gateway's answers and warmed; or,
    when that cannot be done, both absent with the reason."""
    bodies = [graphql_body(documents.HIVE_CHECKOUT_SESSION, {"id": s}) for s in answers]
    reason = hive.missing()
    if reason is None:
        try:
            supergraph = await hive.compose(lab.driver.workdir, lab.emulator.url)
        except hive.PeerFailed as exc:
            reason = str(exc)
    if reason is not None:
        return _absent_hive(HIVE_CACHED, bodies, reason), _absent_hive(HIVE, bodies, reason)
    cached = await _one_hive(lab, stack, True, supergraph, bodies, answers)
    plain = await _one_hive(lab, stack, False, supergraph, bodies, answers)
    return cached, plain


def _absent_hive(key: str, bodies: Sequence[Mapping[str, object]], reason: str) -> Contender:
    return Contender(key, None, bodies, documents.HIVE_CHECKOUT_SESSION, reason)


async def _one_hive(
    lab: Lab,
    stack: contextlib.AsyncExitStack,
    caching: bool,
    supergraph: Path,
    bodies: Sequence[Mapping[str, object]],
    answers: Mapping[str, str],
) -> Contender:
    key = HIVE_CACHED if caching else HIVE
    try:
        service = await hive.start_hive(lab.driver.workdir, supergraph, caching)
    except ServiceFailed as exc:
        return _absent_hive(key, bodies, str(exc).splitlines()[0])
    stack.push_async_callback(service.stop)
    wrong = await _wrong_answer(lab, service, answers)
    if wrong is not None:
        return _absent_hive(key, bodies, wrong)
    await lab.warm(service, bodies)
    return Contender(key, service, bodies, documents.HIVE_CHECKOUT_SESSION)


async def _wrong_answer(lab: Lab, service: Service, answers: Mapping[str, str]) -> str | None:
    """Why one of the peer's answers is not the gateway's, or None when all are."""
    client = GraphQL(lab.http, service.url, service.headers)
    for session, text in answers.items():
        try:
            theirs = await client.data(documents.HIVE_CHECKOUT_SESSION, {"id": session})
        except BenchError as exc:
            return str(exc)[:500]
        if not same_answer(json.loads(text)["data"], theirs):
            return f"its answer differs from the gateway's: {json.dumps(theirs)[:400]}"
    return None


def same_answer(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    """The same data, the amount's value compared as a number: Yuno's OpenAPI types it a
    number (``26.9``), the gateway a ``Decimal`` string (``"26.90"``)."""
    return bool(_normalized(ours) == _normalized(theirs))


def _normalized(data: Mapping[str, Any]) -> Any:
    session = data.get("checkoutSession")
    if not isinstance(session, Mapping) or not isinstance(session.get("amount"), Mapping):
        return data
    amount = {**session["amount"], "value": Decimal(str(session["amount"]["value"]))}
    return {**data, "checkoutSession": {**session, "amount": amount}}
