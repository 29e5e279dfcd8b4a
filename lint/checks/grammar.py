"""Grammar, spelling and style through LanguageTool (GR1xx): an opt-in family.

LanguageTool is a Java server. This module talks to one over its documented HTTP API
(POST /v2/check, https://languagetool.org/http-api/): a server the user names (param
`server` or the LANGUAGETOOL_URL environment variable: self-hosted, the Docker image, or
the public API), or a local one that language-tool-python starts (param `local: true`,
the `grammar` extra). Nothing here runs, and nothing is imported, unless a GR rule is
enabled.

Only prose is sent: front matter, code, URLs, HTML, tables and Markdown markup are left
out, and every character of the text sent keeps the offset it came from in Article.text,
so each match lands on the right line and column. LanguageTool is written in Java and its
offsets and lengths count UTF-16 code units (RuleMatch.getFromPos() on a Java String):
an emoji or any character outside the Basic Multilingual Plane counts twice. They are
turned into code points before they are mapped back.

Every GR rule of one file shares one request per chunk of text: the answer is kept per
Article and request parameters, and each rule takes the matches of its issue types. One
HTTP connection (keep-alive) per server serves the whole run. Every request has a
timeout; a server that cannot be reached or that refuses the request ends the run with
one line (CheckSetupError), never a hang and never a finding on every file."""

from __future__ import annotations

import http.client
import json
import os
import re
import socket
import threading
import urllib.parse
import weakref
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from lint.article import Article
from lint.checks import check
from lint.errors import CheckSetupError
from lint.finding import Edit, Fix, Hit

ENV_URL = "LANGUAGETOOL_URL"
# Stands in for inline code, a URL or a template tag inside a sentence, so that
# "run `make` first" still reads as a sentence. Matches that touch it are dropped.
PLACEHOLDER = "X"
_PARAGRAPH_BREAK = "\n\n"

# -- the text sent: prose only, with a map back to Article.text ---------------------------


@dataclass
class ProseText:
    """The text sent to LanguageTool and where each of its characters came from."""

    text: str
    origin: list[int]      # origin[i]: offset in Article.text of text[i]
    opaque: bytearray      # 1 where text[i] stands for something that is not prose
    paragraphs: list[int]  # where each paragraph starts in text

    def to_article(self, start: int, end: int) -> tuple[int, int] | None:
        """The Article.text span of text[start:end]; None when it touches non-prose."""
        if start < 0 or end > len(self.text) or end < start:
            return None
        if any(self.opaque[start:end]):
            return None
        if end == start:
            offset = self.origin[start] if start < len(self.origin) else self.origin[-1] + 1
            return offset, offset
        return self.origin[start], self.origin[end - 1] + 1


_LINE_PREFIX_MD = re.compile(
    r"[ \t]*(?:>[ \t]?)*[ \t]*(?:(?P<item>[-*+\u2022]|\d{1,9}[.)])[ \t]+|(?P<heading>#{1,6})(?:[ \t]+|$))?")
_LINE_PREFIX_TXT = re.compile(r"[ \t]*(?:(?P<item>[-*+\u2022]|\d{1,9}[.)])[ \t]+)?")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_EMPHASIS = re.compile(r"(?<![\w*_~\\])(?:[*_]{1,3}|~~)(?=[^\s*_~])|(?<=[^\s*_~\\])(?:[*_]{1,3}|~~)(?![\w*_~])")
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
_HARD_BREAK = re.compile(r"\\$")
# Non-prose inside a sentence: what it becomes in the text sent.
_PLACEHOLDER_KINDS = ("code", "url", "template")
_PROSE_BLOCKS = ("paragraph", "list", "quote", "heading")
_SPACE = " \t\r\n\f\v"
_WHITE_RUN = re.compile(r"[ \t\r\n\f\v]+")


def prose_text(article: Article) -> ProseText:
    """Build the text sent for an article: its prose blocks (paragraphs, lists, quotes,
    headings) without markup, paragraphs separated by a blank line."""
    out: list[str] = []
    origin: list[int] = []
    opaque = bytearray()
    paragraphs: list[int] = []
    text = article.text
    spans = [s for s in article.nonprose if s.kind != "frontmatter"]
    span_index = 0

    def add(chars: str, at: int, *, hidden: bool = False) -> None:
        """Append chars (from Article offset at on); white space runs become one space."""
        flag = b"\x01" if hidden else b"\x00"
        pos = 0
        for m in _WHITE_RUN.finditer(chars):
            if m.start() > pos:
                out.extend(chars[pos:m.start()])
                origin.extend(range(at + pos, at + m.start()))
                opaque.extend(flag * (m.start() - pos))
            if out and out[-1] not in _SPACE:
                out.append(" ")
                origin.append(at + m.start())
                opaque.extend(flag)
            pos = m.end()
        if pos < len(chars):
            out.extend(chars[pos:])
            origin.extend(range(at + pos, at + len(chars)))
            opaque.extend(flag * (len(chars) - pos))

    def new_paragraph() -> None:
        while out and out[-1] == " ":
            out.pop(), origin.pop(), opaque.pop()
        if out and out[-1] != "\n":
            at = origin[-1] + 1
            for _ in _PARAGRAPH_BREAK:
                out.append("\n")
                origin.append(at)
                opaque.append(1)
        if not paragraphs or paragraphs[-1] != len(out):
            paragraphs.append(len(out))

    prefix = _LINE_PREFIX_MD if article.markdown else _LINE_PREFIX_TXT
    for block in article.blocks:
        if block.kind not in _PROSE_BLOCKS:
            continue
        new_paragraph()
        for line_index in range(article.line_of(block.start), article.line_of(block.end) + 1):
            start, end = article.lines[line_index]
            start, end = max(start, block.start), min(end, block.end)
            line = text[start:end]
            if block.kind == "heading" and article.markdown and _SETEXT_UNDERLINE.match(line):
                continue
            m = prefix.match(line)
            if m.group("item") and block.kind == "list":
                new_paragraph()  # each list item is a paragraph of its own
            content_start = start + m.end()
            if block.kind == "heading" and article.markdown:
                closing = _CLOSING_HASHES.search(text, content_start, end)
                if closing:
                    end = closing.start()
            if _HARD_BREAK.search(text, content_start, end) and article.markdown:
                end -= 1
            # the line's prose and non-prose pieces; Markdown emphasis and escapes are
            # found on the whole line, so that `**[a link](url)**` loses both its `**`
            markup = _markup(text, content_start, end) if article.markdown else []
            while span_index < len(spans) and spans[span_index].end <= content_start:
                span_index += 1
            pos = content_start
            j = span_index
            while pos < end:
                span = spans[j] if j < len(spans) else None
                if span is None or span.start >= end:
                    _add_prose(text, pos, end, markup, add)
                    break
                if span.start > pos:
                    _add_prose(text, pos, span.start, markup, add)
                span_end = span.end
                if span.kind in _PLACEHOLDER_KINDS:
                    if span.kind == "url" and out and out[-1] == "<" and text.startswith(">", span.end):
                        out.pop(), origin.pop(), opaque.pop()  # <https://...> or <name@host>
                        span_end += 1
                    add(PLACEHOLDER, max(span.start, pos), hidden=True)
                elif span.kind == "link" and text.startswith("]", span.start):
                    _drop_open_bracket(out, origin, opaque)
                pos = max(pos, span_end)
                j += 1
            add(" ", end)  # a line break inside a paragraph reads as a space
    while out and out[-1] in _SPACE:
        out.pop(), origin.pop(), opaque.pop()
    paragraphs = [p for p in paragraphs if p < len(out)]
    return ProseText("".join(out), origin, opaque, paragraphs)


def _markup(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Emphasis markers, backslash escapes and footnote marks on a line, as Article offsets."""
    line = text[start:end]
    found = sorted((start + m.start(), start + m.end())
                   for pattern in (_EMPHASIS, _ESCAPE, _FOOTNOTE) for m in pattern.finditer(line))
    return found


def _add_prose(text: str, start: int, end: int, markup: list[tuple[int, int]], add) -> None:
    pos = start
    for s, e in markup:
        if e <= pos or s >= end:
            continue
        if s > pos:
            add(text[pos:s], pos)
        pos = max(pos, min(e, end))
    if pos < end:
        add(text[pos:end], pos)


def _drop_open_bracket(out: list[str], origin: list[int], opaque: bytearray) -> None:
    """A link's target was left out: drop the `[` that opened its text."""
    for i in range(len(out) - 1, max(-1, len(out) - 2000), -1):
        if out[i] == "[":
            del out[i], origin[i], opaque[i]
            return
        if out[i] == "\n":
            return


# -- UTF-16 offsets --------------------------------------------------------------------


def utf16_to_codepoints(text: str) -> list[int] | None:
    """A table from UTF-16 code unit offsets to code point offsets for text (one entry per
    unit, plus the end), or None when the two agree (no character outside the BMP)."""
    if text.isascii() or max(text) < "\U00010000":
        return None
    table: list[int] = []
    for i, ch in enumerate(text):
        table.append(i)
        if ord(ch) > 0xFFFF:
            table.append(i)  # a unit inside a surrogate pair belongs to its character
    table.append(len(text))
    return table


def _to_codepoints(table: list[int] | None, offset: int, *, end: bool = False) -> int:
    if table is None:
        return offset
    offset = max(0, min(offset, len(table) - 1))
    cp = table[offset]
    # an end inside a surrogate pair includes the whole character
    if end and offset > 0 and table[offset - 1] == cp and offset < len(table) - 1:
        cp += 1
    return cp


# -- the server ------------------------------------------------------------------------


class _Client:
    """One keep-alive HTTP connection to one LanguageTool server (per process)."""

    def __init__(self, url: str, timeout: float):
        self.url = url
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise CheckSetupError(f"LanguageTool server {url!r} is not an http:// or https:// URL")
        self.https = parts.scheme == "https"
        self.host = parts.hostname
        try:
            self.port = parts.port
        except ValueError:
            raise CheckSetupError(f"LanguageTool server {url!r} has an invalid port") from None
        path = parts.path.rstrip("/")
        if path.endswith("/check"):
            path = path[: -len("/check")]
        if not path.endswith("/v2"):
            path += "/v2"
        self.check_path = path + "/check"
        self.timeout = timeout
        self.connection: http.client.HTTPConnection | None = None
        self.pid = os.getpid()
        self.lock = threading.Lock()

    def _connect(self) -> http.client.HTTPConnection:
        cls = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        connection = cls(self.host, self.port, timeout=min(self.timeout, 10.0))
        connection.connect()
        connection.sock.settimeout(self.timeout)
        return connection

    def check(self, form: Mapping[str, str]) -> dict:
        body = urllib.parse.urlencode(form).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                   "Accept": "application/json", "User-Agent": "copydesk"}
        with self.lock:
            if self.pid != os.getpid():  # a forked worker: the socket is the parent's
                self.connection, self.pid = None, os.getpid()
            for attempt in (1, 2):
                reused = self.connection is not None
                try:
                    if self.connection is None:
                        self.connection = self._connect()
                    self.connection.request("POST", self.check_path, body, headers)
                    response = self.connection.getresponse()
                    data = response.read()
                except (socket.timeout, TimeoutError):
                    self.close()
                    raise CheckSetupError(f"LanguageTool at {self.url} did not answer within "
                                          f"{self.timeout:g} s (param timeout)") from None
                except (http.client.HTTPException, OSError) as exc:
                    self.close()
                    if reused and attempt == 1:
                        continue  # the server closed an idle keep-alive connection
                    raise CheckSetupError(f"cannot reach LanguageTool at {self.url}: {_reason(exc)}") from None
                if response.will_close:
                    self.close()
                break
        if response.status != 200:
            raise _HTTPError(response.status, data.decode("utf-8", "replace"))
        try:
            return json.loads(data)
        except ValueError:
            raise CheckSetupError(f"{self.url} did not answer like a LanguageTool server "
                                  f"(not JSON: {_first_line(data.decode('utf-8', 'replace'))!r})") from None

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class _HTTPError(Exception):
    def __init__(self, status: int, body: str):
        super().__init__(f"HTTP {status}: {_first_line(body)}")
        self.status = status
        self.body = body


def _reason(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "unknown host"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else "(empty answer)"
    return line if len(line) <= 200 else line[:200].rsplit(" ", 1)[0] + " ..."


_CLIENTS: dict[tuple[str, float], _Client] = {}
_LOCAL: dict[str, Any] = {}
_STATE_LOCK = threading.Lock()


def _client(url: str, timeout: float) -> _Client:
    with _STATE_LOCK:
        key = (url, timeout)
        if key not in _CLIENTS:
            _CLIENTS[key] = _Client(url, timeout)
        return _CLIENTS[key]


def _local_server(start_timeout: float) -> str:
    """The URL of a local LanguageTool that language-tool-python started (once per run)."""
    with _STATE_LOCK:
        if "url" in _LOCAL:
            return _LOCAL["url"]
        if "error" in _LOCAL:
            raise CheckSetupError(_LOCAL["error"])
        try:
            import language_tool_python  # the `grammar` extra; only for local: true
        except ImportError:
            _LOCAL["error"] = ("a local LanguageTool needs language-tool-python: "
                               "pip install 'copydesk[grammar]' (or set server / LANGUAGETOOL_URL)")
            raise CheckSetupError(_LOCAL["error"]) from None
        outcome: dict[str, Any] = {}

        def start() -> None:
            try:
                outcome["tool"] = language_tool_python.LanguageTool("auto")
            except BaseException as exc:  # noqa: BLE001 - reported as one line below
                outcome["error"] = exc

        thread = threading.Thread(target=start, name="copydesk-languagetool", daemon=True)
        thread.start()
        thread.join(start_timeout)
        if "tool" in outcome:
            tool = outcome["tool"]
            _LOCAL["tool"] = tool  # keeps the server alive; language-tool-python stops it at exit
            url = getattr(tool, "url", None) or getattr(tool, "_url")
            _LOCAL["url"] = url
            return url
        if thread.is_alive():
            reason = f"it did not start within {start_timeout:g} s (param start-timeout)"
        else:
            reason = _start_failure(outcome.get("error"))
        _LOCAL["error"] = (f"cannot start a local LanguageTool with language-tool-python: {reason} "
                           "(set server / LANGUAGETOOL_URL to use a running server)")
        raise CheckSetupError(_LOCAL["error"])


def _start_failure(exc: BaseException | None) -> str:
    if exc is None:
        return "unknown error"
    text = f"{type(exc).__name__}: {exc}"
    host = re.search(r"host='([^']+)'", text)
    if host and "Max retries exceeded" in text:  # requests' words for a failed download
        return (f"LanguageTool is not installed and downloading it from {host.group(1)} failed "
                f"({type(exc).__name__})")
    return _first_line(text)


def reset() -> None:
    """Forget connections, the local server and cached answers (tests)."""
    with _STATE_LOCK:
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()
        _LOCAL.clear()
    _ANSWERS.clear()


# -- one request per article -----------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """A LanguageTool match mapped onto Article.text."""

    start: int
    end: int
    message: str
    rule_id: str
    issue_type: str
    category: str
    replacements: tuple[str, ...]
    fixable: bool


_ANSWERS: "weakref.WeakKeyDictionary[Article, dict[tuple, list[Match]]]" = weakref.WeakKeyDictionary()
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")


def article_language(article: Article, params: Mapping[str, Any]) -> str:
    """The front matter's language (lang / language / locale) when it is a language tag,
    else the `language` param ("auto": LanguageTool detects it)."""
    declared = article.language
    configured = str(params.get("language") or "auto")
    if not declared or not _LANGUAGE_TAG.match(declared):
        return configured
    tag = declared.replace("_", "-")
    if "-" not in tag:  # "en": prefer the variant the configuration names (spelling needs one)
        for variant in list(params.get("preferred-variants") or ()) + [configured]:
            if variant.lower().startswith(tag.lower() + "-"):
                return variant
    return tag


def _server_url(params: Mapping[str, Any]) -> str:
    server = str(params.get("server") or "").strip() or os.environ.get(ENV_URL, "").strip()
    if server:
        return server
    if params.get("local"):
        return _local_server(float(params.get("start-timeout") or 60))
    raise CheckSetupError(f"no LanguageTool server: set the {ENV_URL} environment variable or the "
                          "rule's server param (or local = true to start one with language-tool-python)")


def _csv(value: Any) -> str:
    if isinstance(value, str):
        return value
    return ",".join(str(v) for v in value or ())


def _form(params: Mapping[str, Any], language: str) -> dict[str, str]:
    form = {"language": language}
    if language == "auto" and params.get("preferred-variants"):
        form["preferredVariants"] = _csv(params["preferred-variants"])
    if params.get("enable"):
        form["enabledRules"] = _csv(params["enable"])
    if params.get("disable"):
        form["disabledRules"] = _csv(params["disable"])
    if params.get("disable-categories"):
        form["disabledCategories"] = _csv(params["disable-categories"])
    if params.get("mother-tongue"):
        form["motherTongue"] = str(params["mother-tongue"])
    if params.get("picky"):
        form["level"] = "picky"
    return form


def matches(article: Article, params: Mapping[str, Any]) -> list[Match]:
    """Every LanguageTool match for an article, mapped onto Article.text; one request per
    chunk, shared by every GR rule that asks with the same request parameters."""
    timeout = float(params.get("timeout") or 30)
    language = article_language(article, params)
    form = _form(params, language)
    max_chars = int(params.get("max-chars") or 20000)
    key = (_server_url(params), timeout, max_chars, tuple(sorted(form.items())))
    cached = _ANSWERS.setdefault(article, {})
    if key in cached:
        return cached[key]
    client = _client(key[0], timeout)
    prose = prose_text(article)
    found: list[Match] = []
    for start, end in _chunks(prose, max_chars):
        chunk = prose.text[start:end]
        if not chunk.strip():
            continue
        answer = _ask(client, dict(form, text=chunk), params, declared=language != _configured_language(params))
        found.extend(_map_matches(article, prose, start, chunk, answer))
    cached[key] = found
    return found


def _configured_language(params: Mapping[str, Any]) -> str:
    return str(params.get("language") or "auto")


def _ask(client: _Client, form: dict[str, str], params: Mapping[str, Any], *, declared: bool) -> dict:
    try:
        return client.check(form)
    except _HTTPError as exc:
        if exc.status == 400 and declared:
            # the front matter named a language this server does not know: use the configured one
            retry = dict(form, language=_configured_language(params))
            retry.pop("preferredVariants", None)
            if retry["language"] == "auto" and params.get("preferred-variants"):
                retry["preferredVariants"] = _csv(params["preferred-variants"])
            return _ask(client, retry, params, declared=False)
        hint = ""
        if exc.status == 413 or "too long" in exc.body.lower() or "limit" in exc.body.lower():
            hint = " (lower the max-chars param)"
        raise CheckSetupError(f"LanguageTool at {client.url} refused the request: {exc}{hint}") from None


def _chunks(prose: ProseText, max_chars: int) -> Iterator[tuple[int, int]]:
    """Whole paragraphs, as many as fit in max_chars (a longer paragraph goes alone)."""
    bounds = prose.paragraphs + [len(prose.text)]
    start = bounds[0] if prose.paragraphs else 0
    end = start
    for nxt in bounds[1:]:
        if end > start and nxt - start > max_chars:
            yield start, end
            start = end
        end = nxt
    if end > start:
        yield start, end


def _map_matches(article: Article, prose: ProseText, base: int, chunk: str, answer: Any) -> Iterator[Match]:
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise CheckSetupError("the server did not answer like LanguageTool (no 'matches' list)")
    table = utf16_to_codepoints(chunk)
    for raw in answer["matches"]:
        try:
            offset, length = int(raw["offset"]), int(raw["length"])
        except (KeyError, TypeError, ValueError):
            continue
        start, end = _to_codepoints(table, offset), _to_codepoints(table, offset + length, end=True)
        span = prose.to_article(base + start, base + end)
        if span is None:
            continue
        rule = raw.get("rule") or {}
        category = (rule.get("category") or {}).get("id") or ""
        replacements = tuple(r.get("value", "") for r in raw.get("replacements") or ()
                             if isinstance(r, dict) and r.get("value") is not None)
        sent = prose.text[base + start:base + end]
        yield Match(start=span[0], end=span[1], message=str(raw.get("message") or "").strip(),
                    rule_id=str(rule.get("id") or ""), issue_type=str(rule.get("issueType") or "other"),
                    category=str(category), replacements=replacements,
                    fixable=bool(replacements) and article.text[span[0]:span[1]] == sent)


# -- the check -------------------------------------------------------------------------


@check("grammar.languagetool", external=True)
def languagetool(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    """The matches whose LanguageTool issue type is one of `issue-types` (and whose
    category is not in `ignore-categories`)."""
    wanted = {str(t).lower() for t in params.get("issue-types") or ()}
    ignored = {str(c).upper() for c in params.get("ignore-categories") or ()}
    if not wanted:
        return
    for m in matches(article, params):
        if m.issue_type.lower() not in wanted or m.category.upper() in ignored:
            continue
        replacement = m.replacements[0] if m.replacements else ""
        fix = None
        if m.fixable and replacement != article.text[m.start:m.end]:
            fix = Fix((Edit(m.start, m.end, replacement),))
        yield Hit(m.start, m.end, {
            "message": m.message.rstrip(". "),
            "rule_id": m.rule_id,
            "category": m.category,
            "issue_type": m.issue_type,
            "found": article.text[m.start:m.end],
            "suggestion": f" (suggestion: {replacement!r})" if replacement else "",
        }, fix=fix)
