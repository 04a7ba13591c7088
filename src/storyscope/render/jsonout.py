"""The brief as JSON (the schema in storyscope/schema/brief.schema.json)."""

from __future__ import annotations

import json

from ..model import Brief


def render_json(brief: Brief) -> str:
    return json.dumps(brief.to_dict(), indent=2, ensure_ascii=False)
