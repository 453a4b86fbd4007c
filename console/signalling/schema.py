"""Writes the protocol's JSON Schema (client and server messages) under resources/signalling/.

Run `python -m console.signalling.schema` after changing protocol.py; a test fails while the
published schema differs from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from console.signalling import protocol

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "resources" / "signalling"
FILES = {
    "client-messages.schema.json": protocol.client_message,
    "server-messages.schema.json": protocol.server_message,
}


def render() -> dict[str, str]:
    out = {}
    for name, adapter in FILES.items():
        schema = adapter.json_schema(by_alias=True)
        schema["$id"] = f"urn:four-in-one-console:signalling:v{protocol.VERSION}:{name}"
        schema["title"] = name.removesuffix(".schema.json")
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    return out


def main() -> int:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (SCHEMA_DIR / name).write_text(text, encoding="utf-8")
        print(f"wrote {SCHEMA_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
