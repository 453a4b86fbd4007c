"""Rules of a mediation room that the server enforces and the mediator's screen explains."""

from __future__ import annotations

from collections.abc import Iterable

MESH_MAX_PEOPLE = 4
"""Up to this many people a room runs peer-to-peer (each sends to every other); above it,
through a media server (Janus), since a 2-core workstation cannot encode for more."""
JANUS_DEFAULT_PUBLISHERS = 8
"""A Janus room's publisher limit unless the room says otherwise (Janus's own default is 3)."""
MEDIA_BACKENDS = ("mesh", "janus")


def missing_consent(people: Iterable[tuple[str, bool, bool]]) -> list[str]:
    """Names of the admitted people who have not consented to recording.

    `people` is (name, admitted, consented) per seat. Recording may run only while this is
    empty: everyone present must have agreed, and a new arrival pauses it until they do.
    """
    return [name for name, admitted, consented in people if admitted and not consented]


def offers_to(me: str, peer: str) -> bool:
    """Of two seats, the one with the smaller session id sends the offer (no glare)."""
    return me < peer
