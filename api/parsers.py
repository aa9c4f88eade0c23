"""Request-body parsers of the API."""

from __future__ import annotations

from typing import Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser. JSON nested deeper than Python's recursion limit (``[[[[…]]]]`` 50 000
    deep, a few hundred kilobytes) makes the decoder raise RecursionError, which DRF does not
    catch: it is the caller's malformed input, so it answers 400 like any other bad JSON."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON 嵌套层数过深，无法读取") from None
