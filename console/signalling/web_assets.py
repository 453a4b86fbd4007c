"""The citizen page's data files, generated from the code tables (`python -m` this module)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from console.core.codes import DisputeCategory

WEB_ROOT = Path(__file__).resolve().parents[2] / "resources" / "web"
CATEGORIES = WEB_ROOT / "categories.json"


def categories_json() -> str:
    """The dispute categories as the page lists them: code plus Chinese and English labels."""
    rows = [{"code": c.code, "zh": c.zh, "en": c.en} for c in DisputeCategory]
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def write(root: Path = WEB_ROOT) -> Path:
    path = root / CATEGORIES.name
    path.write_text(categories_json(), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    print(write())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
