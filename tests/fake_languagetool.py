"""A stand-in LanguageTool server on loopback for the GR tests.

It answers POST /v2/check the way LanguageTool's HTTP API does (the JSON that
RuleMatchesAsJsonSerializer writes: software, warnings, language, matches with message,
shortMessage, replacements, offset, length, context, sentence, type, rule with id,
description, issueType and category), with a handful of toy rules applied to the text it
receives. Offsets and lengths are computed the way Java computes them: in UTF-16 code
units (a character outside the BMP counts two)."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MISSPELLED = {"recieve": "receive", "teh": "the", "wierd": "weird", "adress": "address",
              "Strasse": "Straße", "definately": "definitely"}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def toy_rules(text: str):
    """(start, end, rule id, issue type, category, message, replacements) in code points."""
    for m in re.finditer(r"\b\w+\b", text):
        if m.group() in MISSPELLED:
            yield (m.start(), m.end(), "MORFOLOGIK_RULE_EN_US", "misspelling", "TYPOS",
                   "Possible spelling mistake found.", [MISSPELLED[m.group()], m.group() + "s"])
    for m in re.finditer(r"\b(\w+) \1\b", text, re.I):
        yield (m.start(), m.end(), "ENGLISH_WORD_REPEAT_RULE", "duplication", "MISC",
               "Possible typo: you repeated a word.", [m.group(1)])
    for m in re.finditer(r"\b(?:He|She|It) (go)\b", text):
        yield (m.start(1), m.end(1), "HE_VERB_AGR", "grammar", "GRAMMAR",
               "The pronoun ‘He’ is usually used with a third-person or a past tense verb.", ["goes", "went"])
    for m in re.finditer(r"(?:^|\n\n)([a-z]\w*)", text):
        word = m.group(1)
        yield (m.start(1), m.end(1), "UPPERCASE_SENTENCE_START", "typographical", "CASING",
               "This sentence does not start with an uppercase letter.", [word[:1].upper() + word[1:]])
    for m in re.finditer(r"错字", text):  # a CJK "misspelling", to test offsets after wide text
        yield (m.start(), m.end(), "ZH_TOY_RULE", "misspelling", "TYPOS", "Toy CJK rule.", ["正字"])


class FakeLanguageTool:
    def __init__(self, *, delay: float = 0.0, status: int = 200, body: bytes | None = None,
                 known_languages: tuple[str, ...] | None = None):
        self.delay = delay
        self.status = status
        self.body = body
        self.known_languages = known_languages
        self.requests: list[dict[str, str]] = []
        self.connections: set[tuple[str, int]] = set()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, like LanguageTool's server

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                fake.connections.add(self.client_address)
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode("utf-8"),
                                                   keep_blank_values=True))
                fake.requests.append(form)
                if fake.delay:
                    time.sleep(fake.delay)
                if self.path != "/v2/check":
                    return self._send(404, b"Not found")
                if fake.body is not None or fake.status != 200:
                    return self._send(fake.status, fake.body or b"Error: internal error")
                language = form.get("language", "")
                if fake.known_languages is not None and language not in fake.known_languages:
                    return self._send(400, f"Error: '{language}' is not a language code known to "
                                           "LanguageTool. Supported language codes are: ...".encode())
                answer = fake.answer(form.get("text", ""), language)
                self._send(200, json.dumps(answer).encode("utf-8"), "application/json")

            def _send(self, status: int, body: bytes, kind: str = "text/plain"):
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> "FakeLanguageTool":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def units(self, text: str) -> int:
        return utf16_len(text)

    def answer(self, text: str, language: str) -> dict:
        matches = []
        for start, end, rule_id, issue, category, message, replacements in sorted(toy_rules(text)):
            before = max(0, start - 40)
            prefix = "..." if before else ""
            suffix = "..." if end + 40 < len(text) else ""
            context = prefix + text[before:end + 40].replace("\n", " ") + suffix
            matches.append({
                "message": message,
                "shortMessage": "",
                "replacements": [{"value": r} for r in replacements],
                "offset": self.units(text[:start]),
                "length": self.units(text[start:end]),
                "context": {"text": context, "offset": self.units(prefix + text[before:start]),
                            "length": self.units(text[start:end])},
                "sentence": text[start:end],
                "type": {"typeName": "Other"},
                "rule": {"id": rule_id, "description": message, "issueType": issue,
                         "category": {"id": category, "name": category.title()}},
                "ignoreForIncompleteSentence": False,
                "contextForSureMatch": 0,
            })
        code = language if language != "auto" else "en-US"
        return {
            "software": {"name": "LanguageTool", "version": "6.6", "buildDate": "2025-03-27",
                         "apiVersion": 1, "premium": False, "status": ""},
            "warnings": {"incompleteResults": False},
            "language": {"name": code, "code": code,
                         "detectedLanguage": {"name": "English (US)", "code": "en-US", "confidence": 0.9}},
            "matches": matches,
            "sentenceRanges": [],
        }
