"""Renderers of a brief: JSON, Markdown, self-contained HTML. They only read the Brief's records."""

from .html import render_html
from .markdown import render_markdown
from .jsonout import render_json

RENDERERS = {"json": render_json, "markdown": render_markdown, "html": render_html}

__all__ = ["RENDERERS", "render_html", "render_json", "render_markdown"]
