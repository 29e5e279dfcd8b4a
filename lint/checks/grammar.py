"""Grammar, spelling and style through LanguageTool (GR1xx): an opt-in family.

LanguageTool is a Java server. This module talks to one over its documented HTTP API
(POST /v2/check, https://languagetool.org/http-api/): a server the user names (param
`server` or the LANGUAGETOOL_URL environment variable: self-hosted, the Docker image, or
the public API), or a local one that language-tool-python starts (param `local: true`,
the `grammar` extra). Nothing here runs, and nothing is imported, unless a GR rule is
enabled.

Only prose is sent: front matter, code, URLs, HTML, tables and Markdown markup are left
out, and every character of the text sent keeps the offset it came from in Article.text
(lint.prose.prose_paragraphs), so each match lands on the right line and column; matches
that touch a placeholder (inline code, a URL) are dropped. LanguageTool is written in Java and its
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
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from lint.article import Article
from lint.checks import check
from lint.errors import CheckSetupError
from lint.finding import Edit, Fix, Hit
from lint.prose import PlainProse, prose_paragraphs

ENV_URL = "LANGUAGETOOL_URL"

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
    """Forget connections and the local server (tests)."""
    with _STATE_LOCK:
        for client in _CLIENTS.values():
            client.close()
        _CLIENTS.clear()
        _LOCAL.clear()


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
    server = _server_url(params)

    def ask_server() -> list[Match]:
        client = _client(server, timeout)
        prose = prose_paragraphs(article)
        found: list[Match] = []
        for start, end in _chunks(prose, max_chars):
            chunk = prose.text[start:end]
            if not chunk.strip():
                continue
            answer = _ask(client, dict(form, text=chunk), params,
                          declared=language != _configured_language(params))
            found.extend(_map_matches(article, prose, start, chunk, answer))
        return found

    return article.memo(("grammar", server, timeout, max_chars, tuple(sorted(form.items()))), ask_server)


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


def _chunks(prose: PlainProse, max_chars: int) -> Iterator[tuple[int, int]]:
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


def _map_matches(article: Article, prose: PlainProse, base: int, chunk: str, answer: Any) -> Iterator[Match]:
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
