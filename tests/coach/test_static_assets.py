"""The style and script the coach's pages share (``/static/coach.css``, ``/static/coach.js``).

Served without a token, with their types and ``nosniff``; every page links both with the nonce
its Content-Security-Policy names (and the policy stays nonce-only); no page defines again a
function of ``window.Rapport`` or restates a rule of ``coach.css`` (the same selector with the
same value: a page may override a shared rule, not repeat it).
"""

from __future__ import annotations

import re

import pytest

from services.coach.web.page_shell import STATIC
from tests.coach.conftest import CoachHarness

STYLE = "/static/coach.css"
SCRIPT = "/static/coach.js"
# Each page in web/static, opened as a browser opens it on a reload: bare, without a token.
PAGES = {"home.html": "/practice", "practice.html": "/practice/some-drill",
         "lines.html": "/lines", "gratitude.html": "/gratitude", "lead.html": "/team",
         "roleplay.html": "/roleplay/some-roleplay"}
_INLINE_SCRIPT = re.compile(r"<script nonce=\"\{\{NONCE\}\}\">(.*?)</script>", re.S)
_INLINE_STYLE = re.compile(r"<style nonce=\"\{\{NONCE\}\}\">(.*?)</style>", re.S)
# What a script defines at any depth: a function, or a const, let or var binding (destructuring
# what Rapport holds, ``const {$, el} = Rapport``, defines nothing new).
_DEFINITION = re.compile(r"\bfunction\s+([\w$]+)|\b(?:const|let|var)\s+([\w$]+)\s*=")


def page_source(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def test_every_page_in_static_is_checked() -> None:
    assert sorted(PAGES) == sorted(path.name for path in STATIC.glob("*.html"))


@pytest.mark.kafka
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_shared_files_are_served_without_a_token_with_their_types(
        coach: CoachHarness) -> None:
    for path, media_type, name in ((STYLE, "text/css", "coach.css"),
                                   (SCRIPT, "text/javascript", "coach.js")):
        response = coach.client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"] == f"{media_type}; charset=utf-8"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["cache-control"] == "no-cache"
        assert response.text == page_source(name)
        # A browser revalidates its copy: unchanged, it gets a 304 and keeps it.
        etag = response.headers["etag"]
        again = coach.client.get(path, headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert coach.client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200
    assert coach.client.get("/static/home.html").status_code == 404  # only the two files
    paths = coach.client.get("/openapi.json").json()["paths"]
    assert STYLE not in paths
    assert SCRIPT not in paths


@pytest.mark.kafka
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_page_links_both_with_its_own_nonce(coach: CoachHarness) -> None:
    nonces = set()
    for name, path in PAGES.items():
        response = coach.client.get(path)
        assert response.status_code == 200, path
        policy = dict(part.strip().split(" ", 1)
                      for part in response.headers["content-security-policy"].split(";"))
        match = re.fullmatch(r"'nonce-([A-Za-z0-9_-]+)'", policy["script-src"])
        assert match, (name, policy["script-src"])  # nonce-only: no 'self', no host
        nonce = match.group(1)
        assert policy["style-src"] == f"'nonce-{nonce}'", name
        assert nonce not in nonces, name  # a fresh nonce per response
        nonces.add(nonce)
        body = response.text
        link = f'<link rel="stylesheet" nonce="{nonce}" href="{STYLE}">'
        shared = f'<script nonce="{nonce}" src="{SCRIPT}"></script>'
        assert body.count(link) == 1, name
        assert body.count(shared) == 1, name
        # The page's own style and script come after the shared ones: they build on them.
        assert body.index(link) < body.index(f'<style nonce="{nonce}">') < body.index("</head>")
        assert body.index(shared) < body.index(f'<script nonce="{nonce}">'), name


def shared_functions() -> set[str]:
    """The members of ``window.Rapport``, as coach.js returns them."""
    script = page_source("coach.js")
    returned = re.search(r"return Object\.freeze\(\{(.*?)\}\);", script, re.S)
    assert returned, "coach.js should return its namespace with Object.freeze({...})"
    names = {name.strip() for name in returned.group(1).split(",") if name.strip()}
    defined = {a or b for a, b in _DEFINITION.findall(script)}
    assert names <= defined, f"Rapport lists what coach.js does not define: {names - defined}"
    return names


def test_no_page_defines_a_function_of_the_shared_script_again() -> None:
    names = shared_functions()
    assert {"signIn", "claims", "request", "api", "el", "$", "showError"} <= names
    for name in PAGES:
        scripts = _INLINE_SCRIPT.findall(page_source(name))
        assert scripts, name
        inline = "\n".join(scripts)
        again = {a or b for a, b in _DEFINITION.findall(inline)} & names
        assert not again, f"{name} defines again what Rapport holds: {sorted(again)}"
        # The token, the API and its errors go through Rapport, not copies of it.
        for copied in ('sessionStorage.setItem("rapport-token"', "atob(", "fetch(",
                       "history.replaceState"):
            assert copied not in inline, f"{name}: {copied}"
        assert "Rapport.signIn()" in inline, name


def css_declarations(css: str, context: str = "") -> set[tuple[str, str, str, str]]:
    """(at-rule, selector, property, value) for every declaration: one selector of a list at a
    time, white space folded, comments left out."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found: set[tuple[str, str, str, str]] = set()
    position = 0
    while (opening := css.find("{", position)) != -1:
        prelude = " ".join(css[position:opening].split())
        depth, end = 1, opening + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(css[end], 0)
            end += 1
        block = css[opening + 1:end - 1]
        if prelude.startswith("@"):
            found |= css_declarations(block, prelude)
        else:
            for declaration in block.split(";"):
                if ":" not in declaration:
                    continue
                prop, value = (" ".join(part.split()) for part in declaration.split(":", 1))
                for selector in prelude.split(","):
                    found.add((context, " ".join(selector.split()), prop, value))
        position = end
    return found


def test_the_css_parser_reads_lists_and_at_rules() -> None:
    parsed = css_declarations("/* x */ a, b:hover { color: red; margin: 0 1px }\n"
                              "@media (max-width: 40rem) { a { color: blue; } }")
    assert parsed == {("", "a", "color", "red"), ("", "b:hover", "color", "red"),
                      ("", "a", "margin", "0 1px"), ("", "b:hover", "margin", "0 1px"),
                      ("@media (max-width: 40rem)", "a", "color", "blue")}


def test_no_page_restates_a_rule_of_the_shared_stylesheet() -> None:
    shared = css_declarations(page_source("coach.css"))
    assert ("", ":root", "font-family", "system-ui, sans-serif") in shared
    for name in PAGES:
        styles = _INLINE_STYLE.findall(page_source(name))
        assert len(styles) == 1, name
        again = css_declarations(styles[0]) & shared
        assert not again, f"{name} restates what coach.css says: {sorted(again)}"
