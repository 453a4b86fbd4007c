"""The protocol models: round trips, strictness, and the published JSON Schema is current."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from console.signalling import protocol, schema


def test_published_schema_is_current() -> None:
    for name, text in schema.render().items():
        published = (schema.SCHEMA_DIR / name).read_text(encoding="utf-8")
        assert published == text, f"run `python -m console.signalling.schema` ({name} is stale)"


def test_every_message_type_is_in_the_schema() -> None:
    client = json.loads((schema.SCHEMA_DIR / "client-messages.schema.json").read_text())
    text = json.dumps(client)
    for t in protocol.CLIENT_TYPES:
        assert f'"{t}"' in text


@pytest.mark.parametrize(
    "raw",
    [
        '{"v":1,"type":"ping","id":"1","extra":true}',  # unknown field
        '{"v":2,"type":"ping","id":"1"}',  # future version
        '{"v":1,"type":"call.hold","id":"1","ticket":"T1","on":"maybe"}',  # wrong type
        '{"v":1,"type":"teleport","id":"1"}',  # unknown type
        '{"v":1,"type":"ping","id":""}',  # empty id
    ],
)
def test_strict_validation(raw: str) -> None:
    with pytest.raises(ValidationError):
        protocol.client_message.validate_json(raw)


def test_relayed_uses_from_on_the_wire() -> None:
    msg = protocol.Relayed(id="9", from_="s1", kind="sdp.offer", sdp="v=0")
    wire = msg.model_dump_json(by_alias=True)
    assert '"from":"s1"' in wire
    assert protocol.server_message.validate_json(wire) == msg
