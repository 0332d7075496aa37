"""HTML bodies to plain text: the reader's line and paragraph breaks survive, markup does not."""

from __future__ import annotations

import pytest

from services.ingest.html_text import body_text, html_to_text, looks_like_html


def test_paragraphs_become_blank_lines_and_br_a_line_break() -> None:
    html = "<p>Hi Ana,</p><p>Thanks for <b>waiting</b>.<br>Refund sent &amp; confirmed.</p>"
    assert html_to_text(html) == "Hi Ana,\n\nThanks for waiting.\nRefund sent & confirmed."


def test_mail_client_divs_keep_one_line_each_and_empty_divs_a_blank_line() -> None:
    html = "<div>Hi,</div><div>my order arrived broken.</div><div><br></div><div>Jonas</div>"
    assert html_to_text(html) == "Hi,\nmy order arrived broken.\n\nJonas"


def test_list_items_are_lines() -> None:
    assert html_to_text("<p>Steps:</p><ul><li>one</li><li>two</li></ul>") == "Steps:\n\none\ntwo"


def test_scripts_styles_and_head_are_dropped() -> None:
    html = ("<html><head><title>x</title><style>p{color:red}</style></head>"
            "<body><script>alert(1)</script><p>visible</p></body></html>")
    assert html_to_text(html) == "visible"


def test_source_whitespace_folds_like_a_browser() -> None:
    assert html_to_text("<p>a\n   b\t\tc&nbsp;&nbsp;d</p>") == "a b c d"


def test_preformatted_text_keeps_its_lines() -> None:
    assert html_to_text("<pre>line 1\nline 2</pre>") == "line 1\nline 2"


def test_broken_html_does_not_raise() -> None:
    assert html_to_text("<p>unclosed <b>bold <i>and <div>more") == "unclosed bold and\nmore"


@pytest.mark.parametrize(("text", "is_html"), [
    ("<p>hello</p>", True),
    ("I <3 this shop", False),
    ("if a < b and c > d", False),
    ("line<br/>break", True),
])
def test_markup_detection(text: str, is_html: bool) -> None:
    assert looks_like_html(text) is is_html


def test_plain_text_is_tidied_not_parsed() -> None:
    assert body_text("I <3 you\r\n\r\n\r\n  bye  now ", html=None) == "I <3 you\n\nbye now"
