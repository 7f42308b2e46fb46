"""The post-mortem parser (pure: markdown-it-py + PyYAML, no file I/O, no clock).

``parse_document(source, path, options)`` turns one Markdown document into a
:class:`~sync.core.model.ParseResult`; it never raises. Diagnostic codes are listed in
:mod:`sync.core.parse.codes`.
"""

from __future__ import annotations

from sync.core.parse.document import parse_document
from sync.core.parse.options import ParseOptions

__all__ = ["ParseOptions", "parse_document"]
