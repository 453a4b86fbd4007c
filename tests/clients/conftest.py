"""Client-side tests run a real signalling server on 127.0.0.1 and keep ICE on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from console.media.peer import set_ice_interfaces


@pytest.fixture
def loopback_ice() -> Iterator[None]:
    """aiortc gathers only loopback candidates: no packet leaves this machine."""
    set_ice_interfaces(["lo"])
    yield
    set_ice_interfaces(None)
