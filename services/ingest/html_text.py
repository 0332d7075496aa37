"""HTML message bodies to plain text, keeping the paragraph and line breaks a reader sees.

The scorer reads sentences; markup, scripts and quoted styling would only be noise. Uses the
standard library's ``html.parser`` (tolerant of the broken HTML mail clients produce).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements that start on a new line in a rendered page.
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "div", "dl", "dt", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav",
    "ol", "p", "pre", "section", "table", "tr", "ul",
})
# Their content is never shown to a reader.
_HIDDEN = frozenset({"head", "script", "style", "template", "title", "noscript"})
_PARAGRAPH = "\n\n"
_PARAGRAPH_BLOCKS = frozenset({"p", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "table"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n{3,}")
# Enough to tell markup from prose such as "I <3 you" or "a < b".
_MARKUP = re.compile(r"</?(?:p|br|div|span|a|b|i|u|em|strong|ul|ol|li|table|tr|td|blockquote|"
                     r"h[1-6]|img|pre|code|font|html|body)\b[^>]*>", re.IGNORECASE)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden_depth += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._break(tag)
            if tag == "pre":
                self._pre_depth += 1
        elif tag in {"td", "th"}:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCKS:
            self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag in _BLOCKS:
            self._break(tag)
            if tag == "pre":
                self._pre_depth = max(0, self._pre_depth - 1)

    def _break(self, tag: str) -> None:
        """A block boundary: a line break, or a blank line around paragraphs; never stacked."""
        wanted = _PARAGRAPH if tag in _PARAGRAPH_BLOCKS else "\n"
        tail = "".join(self.parts[-2:]).rstrip(" ")
        if not tail.endswith(wanted):
            self.parts.append(wanted if not tail.endswith("\n") else wanted[1:])

    def handle_data(self, data: str) -> None:
        if self._hidden_depth:
            return
        if self._pre_depth:
            self.parts.append(data.replace("\n", "\ue000"))  # protected from whitespace folding
        else:
            self.parts.append(_SPACES.sub(" ", data.replace("\n", " ")))


def html_to_text(html: str) -> str:
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return tidy_text("".join(collector.parts)).replace("\ue000", "\n")


def tidy_text(text: str) -> str:
    """Normalise line endings, trim each line, keep at most one blank line between paragraphs."""
    if "\n" not in text:  # one line (most chat messages): the same result, for less work
        return _SPACES.sub(" ", text).strip()
    lines = [_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    return _BLANK_LINES.sub(_PARAGRAPH, "\n".join(lines)).strip()


def looks_like_html(text: str) -> bool:
    return bool(_MARKUP.search(text))


def body_text(value: str, *, html: bool | None = None) -> str:
    """Plain text of a body: ``html=None`` decides by looking for markup."""
    is_html = looks_like_html(value) if html is None else html
    return html_to_text(value) if is_html else tidy_text(value)
