"""The extract stage: RawDoc (HTML page or plain text) -> Article.

``extract`` is the orchestrator (its docstring lists the steps); the modules
follow them: ``encoding`` (bytes to text), ``html`` (trafilatura plus lead
recovery and structured metadata), ``plaintext`` (headline and boilerplate
lines of scraped text), ``metadata`` (JSON-LD, OpenGraph, dates, outlet),
``language`` (ISO 639-1 code).
"""

from storyscope.extract.encoding import decode_bytes
from storyscope.extract.language import detect_language
from storyscope.extract.pipeline import content_hash, extract
from storyscope.extract.plaintext import CleanText, clean_text

__all__ = ["extract", "decode_bytes", "clean_text", "CleanText", "content_hash", "detect_language"]
