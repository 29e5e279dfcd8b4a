"""Encoding damage (EN1xx): bytes that are not UTF-8, mojibake, replacement characters,
control, bidirectional and invisible characters, byte-order marks, leaked HTML entities,
literal escape sequences and mixed line endings.

Most text is ASCII or ordinary accented prose, so every check starts with a cheap test
(`str.isascii`, one character-class regex) and only then looks closer. ftfy and
charset-normalizer are imported inside the functions that need them."""

from __future__ import annotations

import bisect
import codecs
import functools
import importlib
import re
import unicodedata
import weakref
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from lint import derived
from lint.article import Article
from lint.checks import check
from lint.finding import Applicability, Edit, Fix, Hit
from lint.lazyre import lazy

# -- helpers --------------------------------------------------------------------------------


def _hex(data: bytes) -> str:
    return " ".join(f"{b:02X}" for b in data)


@functools.lru_cache(maxsize=64)  # a codec lookup and several regexes, for a handful of names
def encoding_label(name: str) -> str:
    """A codec name as people know it: cp1252 -> Windows-1252, mac_roman -> MacRoman."""
    try:
        name = codecs.lookup(name).name
    except LookupError:
        pass
    name = name.replace("sloppy-", "")
    m = re.fullmatch(r"(?:cp|windows-)(125\d)", name)
    if m:
        return f"Windows-{m.group(1)}"
    m = re.fullmatch(r"iso8859-(\d+)", name)
    if m:
        return "Latin-1" if m.group(1) == "1" else f"ISO-8859-{m.group(1)}"
    special = {"latin-1": "Latin-1", "mac-roman": "MacRoman", "macroman": "MacRoman",
               "mac-cyrillic": "MacCyrillic", "koi8-r": "KOI8-R", "koi8-u": "KOI8-U",
               "shift_jis": "Shift JIS", "cp932": "Shift JIS (Windows-932)", "gb18030": "GB18030",
               "big5": "Big5", "euc_jp": "EUC-JP", "euc_kr": "EUC-KR", "cp437": "CP437 (DOS)",
               "cp850": "CP850 (DOS)", "utf-16-le": "UTF-16-LE", "utf-16-be": "UTF-16-BE",
               "utf-32-le": "UTF-32-LE", "utf-32-be": "UTF-32-BE"}
    return special.get(name, name.upper())


def _code_spans(article: Article) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(inline code spans, code blocks) of a Markdown article, as sorted (start, end)."""
    inline, blocks = [], []
    text = article.text
    for span in article.nonprose:
        if span.kind != "code":
            continue
        at_line_start = span.start == 0 or text[span.start - 1] in "\r\n"
        body = text[span.start:span.end]
        if at_line_start and (body.lstrip(" ").startswith(("```", "~~~")) or body.startswith(("    ", "\t"))):
            blocks.append((span.start, span.end))
        else:
            inline.append((span.start, span.end))
    return inline, blocks


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(spans, (start, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _all_code(article: Article) -> list[tuple[int, int]]:
    inline, blocks = _code_spans(article)
    return sorted(inline + blocks)


_MARKUP_KINDS = frozenset({"code", "url", "link", "image", "template", "comment"})


def _in_markup(article: Article, start: int, end: int) -> bool:
    """Inside Markdown code, a URL or link target, a template tag or a comment (front
    matter and prose count as text)."""
    spans = article.nonprose
    i = bisect.bisect_right([s.start for s in spans], start) - 1
    return i >= 0 and spans[i].start <= start < spans[i].end and spans[i].kind in _MARKUP_KINDS


# -- EN101 not UTF-8 ------------------------------------------------------------------------

def guess_encoding(article: Article, preferred: tuple[str, ...]) -> str | None:
    """The likely encoding of a file that is not valid UTF-8, or None.

    charset-normalizer ranks the candidates. Several single-byte code pages decode the
    bytes found identically; among those the most common (the first in `preferred`) is
    named, so that "é" in a mostly-UTF-8 file is not blamed on Mac Central European."""
    from charset_normalizer import from_bytes

    bad = [e.data for e in article.decode_errors]
    matches: list[tuple[str, float]] = []
    for match in from_bytes(article.raw):
        try:
            matches.append((codecs.lookup(match.encoding).name, match.chaos))
        except LookupError:
            continue
    wanted = [codecs.lookup(p).name for p in preferred]

    def decodes(enc: str) -> list[str] | None:
        try:
            return [b.decode(enc) for b in bad]
        except (UnicodeDecodeError, LookupError):
            return None

    # Short texts leave several code pages tied on charset-normalizer's "chaos" score:
    # among the near-best, take the most common one.
    best = min((chaos for _, chaos in matches), default=0.0)
    near = [enc for enc, chaos in matches if chaos <= best + 0.02]
    candidates = ([e for e in wanted if e in near] or [e for e in wanted if any(e == m for m, _ in matches)]
                  or near)
    for guess in candidates:
        reading = decodes(guess)
        if reading is None:
            continue
        for common in wanted:  # the most common code page that reads these bytes alike
            if decodes(common) == reading:
                return common
        return guess
    return next((common for common in wanted if decodes(common) is not None), None)


@check("encoding.not-utf8")
def not_utf8(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    if article.encoding != "utf-8":
        label = encoding_label(article.encoding)
        yield Hit(0, 0, {"found": label},
                  message=f"file is encoded as {label} (with a byte-order mark), not UTF-8",
                  fix=Fix((Edit(0, len(article.text), article.text),), encoding="utf-8"))
        return
    errors = article.decode_errors
    if not errors:
        return
    preferred = tuple(params.get("likely-encodings") or ("cp1252",))
    encoding = guess_encoding(article, preferred)
    label = encoding_label(encoding) if encoding else "an unknown encoding"
    fix = None
    if encoding:
        pieces, pos = [], 0
        for e in errors:
            pieces.append(article.text[pos:e.start])
            pieces.append(e.data.decode(encoding, errors="replace"))
            pos = e.end
        pieces.append(article.text[pos:])
        repaired = "".join(pieces)
        if "\ufffd" not in repaired or article.text.count("\ufffd") > len(errors):
            fix = Fix((Edit(0, len(article.text), repaired),), encoding="utf-8")
    limit = int(params.get("max-reports", 20))
    for i, e in enumerate(errors[:limit]):
        reading = e.data.decode(encoding, errors="replace") if encoding else "?"
        more = ""
        if i == limit - 1 and len(errors) > limit:
            more = f" ({len(errors) - limit} more runs not shown)"
        yield Hit(e.start, e.end,
                  {"bytes": _hex(e.data), "encoding": label, "reading": reading, "more": more,
                   "count": len(errors)},
                  fix=fix if i == 0 else None)


# -- EN102 mojibake -------------------------------------------------------------------------

_WINDOW = 32  # characters of context on each side of a candidate (ftfy needs whole words)
_MAX_WINDOW = 2000  # merged windows stop growing here
_cache: "weakref.WeakKeyDictionary[Article, list]" = weakref.WeakKeyDictionary()
_patterns: dict[str, re.Pattern] = {}


def _ftfy_tables_key() -> str:
    """What identifies ftfy's tables without importing ftfy (~100 ms with its dependencies):
    the location, size and time of its chardata module."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("ftfy")
    if spec is None or not spec.submodule_search_locations:
        return "no-ftfy"
    path = os.path.join(list(spec.submodule_search_locations)[0], "chardata.py")
    try:
        st = os.stat(path)
    except OSError:
        return "no-chardata"
    return derived.key_of(path, str(st.st_size), str(st.st_mtime_ns))


def _mojibake_classes() -> tuple[str, str, str, str, str]:
    """The character classes of the prefilters, from ftfy's tables: the UTF-8 leads of two,
    three and four bytes, the continuation bytes, and the leads whose 0xA0 continuation
    often became a space (see _mojibake_patterns)."""
    from ftfy.chardata import ALTERED_UTF8_RE, UTF8_CLUES as clues

    cont = clues["utf8_continuation"].replace(" ", "")
    spaced = []
    for c in clues["utf8_first_of_2"]:
        # A no-break space that became a space is a Windows-1252 / Latin-1 accident
        # (ftfy's restore_byte_a0); in the other code pages a capital letter before a
        # space is ordinary text.
        for enc in ("latin-1", "sloppy-windows-1252"):
            try:
                if ALTERED_UTF8_RE.match(c.encode(enc) + b" "):
                    spaced.append(c)
                    break
            except UnicodeEncodeError:
                continue
    return (clues["utf8_first_of_2"], clues["utf8_first_of_3"], clues["utf8_first_of_4"], cont,
            "".join(spaced))


# ftfy's clues leave out MacRoman, which ftfy still repairs. Its readings of the UTF-8 leads
# of Latin-1 letters and symbols (C2, C3) and of punctuation (E2), followed by a
# continuation byte, are the MacRoman candidates.
_MAC_LEADS = bytes([0xC2, 0xC3, 0xE2]).decode("mac_roman")


@functools.lru_cache(maxsize=None)
def _classes() -> tuple[str, str, str, str, str]:
    """_mojibake_classes, from the derived cache: ftfy is imported only to fill it."""
    key = derived.key_of(_ftfy_tables_key(), Path(__file__).read_bytes())
    return derived.load("en-mojibake-classes", key, _mojibake_classes)


@functools.lru_cache(maxsize=None)
def _leads() -> frozenset[str]:
    """Every character a prefilter candidate starts with. Text with none of them (most
    text: curly quotes and dashes are continuation readings) needs no pattern compiled."""
    f2, f3, f4, _, spaced = _classes()
    return frozenset(f2 + f3 + f4 + spaced + _MAC_LEADS)


def _mojibake_patterns() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    """Fast prefilters built from ftfy's own tables (chardata.UTF8_CLUES): a character that
    single-byte code pages produce from a UTF-8 lead byte, followed by one they produce from
    a continuation byte; or, for the leads whose continuation 0xA0 (a no-break space) is
    often turned into a space, the lead followed by a space. The first pattern also runs
    over the non-ASCII characters alone (see _profile); ftfy's UTF8_DETECTOR_RE then
    confirms each candidate in the full text. The classes come from the derived cache, so
    that ftfy is imported only when there is a candidate to confirm."""
    if not _patterns:
        f2, f3, f4, cont, spaced = _classes()
        lead = f2 + f3 + f4
        _patterns["pair"] = re.compile(f"[{lead}][{cont}]")
        mac_cont = bytes(range(0x80, 0xC0)).decode("mac_roman")
        _patterns["mac"] = re.compile(f"[{re.escape(_MAC_LEADS)}][{re.escape(mac_cont)}]")
        _patterns["shape"] = re.compile(f"[{f2}][{cont}]|[{f3}][{cont}]{{2}}|[{f4}][{cont}]{{3}}")
        _patterns["any"] = re.compile(f"[{spaced}] |[{lead}][{cont}]")
        _patterns["spaced"] = re.compile(f"[{spaced}]")
        _patterns["spaced-text"] = re.compile(f"[{spaced}] ")
        firsts = {"pair": lead, "any": spaced + lead, "mac": _MAC_LEADS, "spaced-text": spaced}
        # (_matches looks for them among the characters outside ASCII only)
        _firsts.update({name: frozenset(chars) for name, chars in firsts.items()
                        if not any(map(str.isascii, chars))})
    return _patterns["pair"], _patterns["shape"], _patterns["spaced"]


# What every match of a two-character pattern starts with, for _matches: the patterns whose
# first characters are all outside ASCII
_firsts: dict[str, frozenset[str]] = {}
# Trying the pattern at one place costs about as much as its scan over this many characters
_SCAN_COST = 100


def _matches(name: str, text: str, rest: str) -> list[int]:
    """Where _patterns[name] matches in text, as finditer finds them. Every match is two
    characters long and starts with one of _firsts[name]: when `rest` (the text's
    characters outside ASCII, _profile) holds few of those, only the places where they
    stand are tried, found by str.find (many times faster than the pattern's scan, which
    tests every character)."""
    pattern, firsts = _patterns[name], _firsts.get(name)
    if firsts is None:
        return [m.start() for m in pattern.finditer(text)]
    here = firsts.intersection(rest)
    if not here:
        return []
    if sum(map(rest.count, here)) * _SCAN_COST > len(text):
        return [m.start() for m in pattern.finditer(text)]
    starts: list[int] = []
    for at in sorted(_occurrences(text, here)):
        if (not starts or at >= starts[-1] + 2) and pattern.match(text, at):
            starts.append(at)
    return starts


def _occurrences(text: str, chars: Iterable[str]) -> Iterator[int]:
    for char in chars:
        at = text.find(char)
        while at >= 0:
            yield at
            at = text.find(char, at + 1)


_ASCII_OK = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_SPACE = lazy(r"\s")
_profiles: "weakref.WeakKeyDictionary[Article, tuple[str, frozenset]]" = weakref.WeakKeyDictionary()
# Every character some EN rule looks for, outside printable ASCII.
_RARE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u115f\u1160\u17b4\u17b5"
                   "\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u3164"
                   "\ufe00-\ufe0f\ufeff\uffa0\ufffd\U000e0000-\U000e007f]")


def _profile(article: Article) -> tuple[str, frozenset]:
    """The article's characters outside printable ASCII (and other than tab and line
    breaks), in order, and the set of rare characters among them. Deleting ASCII bytes from
    UTF-8 is a C loop over bytes and never splits a multi-byte character, so prose that is
    mostly ASCII costs almost nothing here. Characters that were apart in the text may be
    adjacent here: prefilters over it may over-match, never miss."""
    cached = _profiles.get(article)
    if cached is not None:
        return cached
    if article.encoding == "utf-8" and not article.decode_errors:
        data = article.raw[3:] if article.bom else article.raw
    else:
        data = article.text.encode("utf-8", "surrogatepass")
    rest = data.translate(None, _ASCII_OK).decode("utf-8", "replace")
    result = (rest, frozenset(_RARE.findall(rest)))
    _profiles[article] = result
    return result


def _windows(text: str, starts: list[int]) -> list[tuple[int, int]]:
    """Merged windows around candidates, widened to white space (at most _WINDOW chars),
    plus one following space (a lost 0xA0 byte)."""
    windows: list[tuple[int, int]] = []
    for pos in starts:
        lo = max(0, pos - _WINDOW)
        left = text.rfind(" ", lo, pos)
        nl = max(text.rfind("\n", lo, pos), text.rfind("\t", lo, pos))
        start = max(left, nl) + 1 if max(left, nl) >= 0 else lo
        hi = min(len(text), pos + 2 + _WINDOW)
        m = _SPACE.search(text, pos + 2, hi)
        end = m.end() if m else hi
        if m and text[m.start()] == " ":  # take the word after a possible lost no-break space
            m2 = _SPACE.search(text, m.end(), hi)
            end = m2.start() if m2 else hi
        if windows and start <= windows[-1][1]:
            if end - windows[-1][0] <= _MAX_WINDOW:
                windows[-1] = (windows[-1][0], max(end, windows[-1][1]))
                continue
            start = windows[-1][1]  # a wholly damaged text: keep the diffs small
            if start >= end:
                continue
        windows.append((start, end))
    return windows


@functools.lru_cache(maxsize=1024)
def _lost_byte_readings(damaged: str) -> tuple[str, ...]:
    """What a damaged span ending in a space can have been. ftfy assumes the space was a
    no-break space (byte 0xA0); the byte can also have been one Windows-1252 cannot show at
    all (0x81, 0x8D, 0x8F, 0x90, 0x9D), which pipelines drop: "â€" + 0x9D is a closing
    quote. Only visible punctuation and symbols count as readings."""
    importlib.import_module("ftfy.bad_codecs")  # registers the sloppy-windows-* codecs

    try:
        head = damaged[:-1].encode("sloppy-windows-1252")
    except UnicodeEncodeError:
        return ()
    undefined = []
    for b in range(0x80, 0xA0):
        try:
            bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            undefined.append(b)
    readings = []
    for b in [0xA0] + undefined:
        try:
            reading = (head + bytes([b])).decode("utf-8")
        except UnicodeDecodeError:
            continue
        if reading and unicodedata.category(reading[-1])[0] in "PS" and reading not in readings:
            readings.append(reading)
    return tuple(readings)


def _likely_lost_byte(text: str, start: int, damaged: str, repair: str) -> str:
    """ftfy's reading of a lost byte, unless the line has a quotation left open and a
    closing quote is one of the readings."""
    readings = _lost_byte_readings(damaged)
    closers = [r for r in readings if unicodedata.category(r[-1]) == "Pf"]
    if not closers:
        return repair
    line = text[text.rfind("\n", 0, start) + 1:start]

    def count(mark: str) -> int:  # the mark itself and its own mojibake
        return line.count(mark) + line.count(mark.encode("utf-8").decode("sloppy-windows-1252"))

    for closer in closers:
        opener = {"”": "“", "’": "‘", "»": "«"}.get(closer[-1])
        if opener and count(opener) > count(closer[-1]):
            return closer + " "  # the dropped byte was not the space: the space stays
    return repair


def _explain(steps) -> tuple[str, bool]:
    """A human reading of ftfy's plan, and whether its repair is a guess (a lost byte)."""
    encodings = [enc for action, enc in steps if action == "encode"]
    guess = any(enc in ("restore_byte_a0", "replace_lossy_sequences") for action, enc in steps
                if action == "transcode")
    names = []
    for enc in encodings:
        label = encoding_label(enc)
        names.append("Windows-1252 or Latin-1" if label == "Latin-1" else label)
    if not names:
        return "UTF-8 read as a single-byte code page", guess
    return "UTF-8 read as " + ", then again as ".join(names), guess


_BAD_REPAIR = lazy("[\ufffd\x80-\x9f\ue000-\uf8ff]")


def mojibake_spans(article: Article) -> list[tuple[int, int, str, str, bool]]:
    """(start, end, repair, explanation, repair_is_a_guess) for every confirmed span of
    mojibake; computed once per article (EN104 reads it too)."""
    if article in _cache:
        return _cache[article]
    text = article.text
    found: list[tuple[int, int, str, str, bool]] = []
    _cache[article] = found
    if text.isascii():
        return found
    rest, _ = _profile(article)
    if _leads().isdisjoint(rest):
        return found
    pair, shape, spaced = _mojibake_patterns()
    # Whole UTF-8 sequences (lead and all its continuations) among the non-ASCII
    # characters; the pair pattern finds places to try quickly.
    mac = _patterns["mac"]
    whole = any(shape.match(rest, m.start()) for m in pair.finditer(rest))
    macroman = mac.search(rest) is not None
    # A lead letter before a space ("voilÃ  tout"): rest has lost the letters between, so
    # look for the lead character there and for the pair in the text.
    lost_a0 = spaced.search(rest) is not None and bool(_matches("spaced-text", text, rest))
    if not whole and not lost_a0 and not macroman:
        return found
    starts = _matches("any" if lost_a0 else "pair", text, rest)
    mac_starts = _matches("mac", text, rest) if macroman else []
    if not starts and not mac_starts:
        # The candidates in rest were characters of different words ("café “"): nothing
        # for ftfy to confirm, so no need to import it.
        return found
    from ftfy.chardata import UTF8_DETECTOR_RE

    # ftfy's own detector, with its look-behind, confirms the cheap candidates.
    starts = [s for s in starts if UTF8_DETECTOR_RE.match(text, s)]
    if macroman:
        starts = sorted(set(starts).union(mac_starts))
    for start, end in _windows(text, starts):
        for i1, i2, repair, why, guess in _window_repairs(text[start:end]):
            damaged = text[start + i1:start + i2]
            if guess and repair and damaged.endswith(" "):
                repair = _likely_lost_byte(text, start + i1, damaged, repair)
            found.append((start + i1, start + i2, repair, why, guess))
    return found


@functools.lru_cache(maxsize=4096)
def _window_repairs(window: str) -> tuple[tuple[int, int, str, str, bool], ...]:
    """(start, end, repair, explanation, repair_is_a_guess) of the damaged runs in a window
    of text, in window offsets: a function of the window alone, remembered because the same
    damage recurs from file to file ("â€™" in every post of an archive), and ftfy and the
    alignment cost most of EN102's time. The caller settles what a lost byte was (that
    needs the text around the window)."""
    from ftfy import fix_encoding_and_explain
    from ftfy.badness import is_bad

    if not is_bad(window):
        return ()
    fixed, steps = fix_encoding_and_explain(window)
    if fixed == window or not steps:
        return ()
    import difflib

    matcher = difflib.SequenceMatcher(None, window, fixed, autojunk=False)
    regions: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        gap = window[regions[-1][1]:i1] if regions else " "
        if len(gap) <= 2 and not any(c.isspace() for c in gap):  # one damaged run
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2])
    repairs = []
    for i1, i2, j1, j2 in regions:
        if i1 == i2 or j1 == j2:  # "Â°" -> "°" aligns as a deletion: show the whole pair
            if i2 < len(window) and j2 < len(fixed):
                i2, j2 = i2 + 1, j2 + 1
            elif i1 > 0 and j1 > 0:
                i1, j1 = i1 - 1, j1 - 1
        damaged, repair = window[i1:i2], fixed[j1:j2]
        if not damaged.strip() or damaged.isascii():
            continue
        if _stray_script(repair, window):
            continue
        span_fix, span_steps = fix_encoding_and_explain(damaged)
        if span_fix == repair and span_steps:
            steps_used = span_steps
        else:
            steps_used = steps
        if all(action in ("apply", "transcode") for action, _ in steps_used) and not any(
                enc == "decode_inconsistent_utf8" for _, enc in steps_used):
            continue  # only C1 controls were touched: EN104's business
        why, guess = _explain(steps_used)
        if _BAD_REPAIR.search(repair) or (not repair.isascii() and is_bad(repair)):
            repair, guess = "", True  # nothing, or only a layer of the damage, comes back
        repairs.append((i1, i2, repair, why, guess))
    return tuple(repairs)


@functools.lru_cache(maxsize=4096)
def _script(c: str) -> str:
    if "\u1e00" <= c <= "\u1e9f":  # Latin Extended Additional outside Vietnamese: rare letters
        return "LATIN-EXTENDED"
    try:
        return unicodedata.name(c).split(" ", 1)[0]
    except ValueError:
        return ""


def _stray_script(repair: str, window: str) -> bool:
    """A repair that yields one lone letter of a script found nowhere around it (an Arabic
    letter inside Latin line noise) is a coincidence of bytes, not mojibake: real damage to
    non-Latin text repairs into words."""
    letters = [c for c in repair if c.isalpha() and not c.isascii()]
    scripts = {_script(c) for c in letters} - {"LATIN", ""}
    for script in scripts:
        if sum(1 for c in letters if _script(c) == script) >= 2:
            continue
        if any(_script(c) == script for c in window if c.isalpha() and not c.isascii()
               and c not in repair):
            continue
        return True
    return False


_OPEN_QUOTES = "\"'`“‘«„‚‹"
_CLOSE_QUOTES = "\"'`”’»“‘›"


def _quoted(text: str, start: int, end: int) -> bool:
    """text[start:end] stands alone between quotes (« &amp; », "&amp;", `\u2019`)."""
    before = text[max(0, start - 3):start].rstrip(" \u00a0\u202f")
    after = text[end:end + 3].lstrip(" \u00a0\u202f")
    return bool(before) and bool(after) and before[-1] in _OPEN_QUOTES and after[0] in _CLOSE_QUOTES


def _mentioned(article: Article, start: int, end: int, repair: str,
               blocks: list[tuple[int, int]]) -> bool:
    """Mojibake shown on purpose: quoted next to its repair on the same line ("â€“" is an en
    dash ("–")), or in a code block that also shows the repaired text."""
    text = article.text
    if repair and blocks:
        i = bisect.bisect_right(blocks, (start, float("inf"))) - 1
        if i >= 0 and blocks[i][0] <= start and end <= blocks[i][1]:
            lo, hi = blocks[i]
            return repair in text[lo:start] or repair in text[end:hi]
    if start and end < len(text) and text[start - 1] in _OPEN_QUOTES and text[end] in _CLOSE_QUOTES:
        line_start, line_end = article.lines[article.line_of(start)]
        return bool(repair) and (repair in text[line_start:start - 1] or repair in text[end + 1:line_end])
    return False


@check("encoding.mojibake")
def mojibake(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    spans = mojibake_spans(article)
    if not spans:
        return
    inline, blocks = _code_spans(article) if article.markdown else ([], [])
    for start, end, repair, why, guess in spans:
        if inline and _inside(inline, start, end):
            continue  # `Ã©` in inline code is an article talking about mojibake
        if _mentioned(article, start, end, repair, blocks):
            continue
        found = article.text[start:end]
        data = {"found": found, "fixed": repair or "?", "why": why}
        if not repair:
            yield Hit(start, end, data,
                      message=f"encoding damage: {found!r} ({why}) cannot be repaired: "
                              "bytes were lost; retype it")
        elif guess:
            yield Hit(start, end, data,
                      message=f"encoding damage: {found!r} probably reads as {repair!r} "
                              f"({why}, with a byte lost)",
                      fix=Fix((Edit(start, end, repair),), applicability=Applicability.UNSAFE))
        else:
            yield Hit(start, end, data, fix=Fix((Edit(start, end, repair),)))


# -- EN103 replacement character ------------------------------------------------------------

_FFFD = lazy("\ufffd+")
_NAMES_FFFD = lazy(r"U\+FFFD|replacement char", re.I)


@check("encoding.replacement-character")
def replacement_character(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if text.isascii() or "\ufffd" not in _profile(article)[1]:
        return
    decoded = {i for e in article.decode_errors for i in range(e.start, e.end)}  # EN101's
    code = _all_code(article) if article.markdown else []
    for m in _FFFD.finditer(text):
        chars = [i for i in range(m.start(), m.end()) if i not in decoded]
        if not chars:
            continue
        start, end = chars[0], chars[-1] + 1
        if code and _inside(code, start, end):
            continue  # an article about encodings shows the character in code
        line_start, line_end = article.lines[article.line_of(start)]
        if _NAMES_FFFD.search(text, line_start, line_end):
            continue  # "the replacement character U+FFFD � is used": named, not damage
        yield Hit(start, end, {"count": end - start, "found": text[start:end]})


# -- EN104 control characters ---------------------------------------------------------------

_CONTROL = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]+")


@check("encoding.control-character")
def control_character(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if not any(c < " " or "\x7f" <= c <= "\x9f" for c in _profile(article)[1]):
        return
    allowed = set(params.get("allow") or ())
    moji = None
    for m in _CONTROL.finditer(text):
        run = m.group()
        if allowed and all(f"U+{ord(c):04X}" in allowed for c in run):
            continue
        if any("\x80" <= c <= "\x9f" for c in run):
            if moji is None:
                moji = mojibake_spans(article)
            if any(s <= m.start() and m.end() <= e for s, e, *_ in moji):
                continue  # part of a mojibake span, reported with its repair there
        names = ", ".join(f"U+{ord(c):04X}" for c in run)
        c1 = all("\x80" <= c <= "\x9f" for c in run)
        if c1:
            try:
                meant = run.encode("latin-1").decode("cp1252")
            except UnicodeDecodeError:
                meant = None
            if meant:
                yield Hit(m.start(), m.end(), {"codes": names, "meant": meant},
                          message=f"control character {names}: Windows-1252 text read as Latin-1; "
                                  f"it stands for {meant!r}",
                          fix=Fix((Edit(m.start(), m.end(), meant),)))
                continue
        yield Hit(m.start(), m.end(), {"codes": names},
                  fix=Fix((Edit(m.start(), m.end(), ""),)))


# -- EN105 bidirectional controls -----------------------------------------------------------

_BIDI = lazy("[\u202a-\u202e\u2066-\u2069]")
_RTL = lazy("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
_OPENERS = {"\u202a": "pdf", "\u202b": "pdf", "\u202d": "pdf", "\u202e": "pdf",
            "\u2066": "pdi", "\u2067": "pdi", "\u2068": "pdi"}
_NAMES = {"\u202a": "LEFT-TO-RIGHT EMBEDDING", "\u202b": "RIGHT-TO-LEFT EMBEDDING",
          "\u202c": "POP DIRECTIONAL FORMATTING", "\u202d": "LEFT-TO-RIGHT OVERRIDE",
          "\u202e": "RIGHT-TO-LEFT OVERRIDE", "\u2066": "LEFT-TO-RIGHT ISOLATE",
          "\u2067": "RIGHT-TO-LEFT ISOLATE", "\u2068": "FIRST STRONG ISOLATE",
          "\u2069": "POP DIRECTIONAL ISOLATE"}


def _balanced(line: str) -> bool:
    stack = []
    for c in _BIDI.findall(line):
        if c in _OPENERS:
            stack.append(_OPENERS[c])
        elif not stack or stack.pop() != ("pdf" if c == "\u202c" else "pdi"):
            return False
    return not stack


@check("encoding.bidi-control")
def bidi_control(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if text.isascii() or not any(c in _NAMES for c in _profile(article)[1]):
        return
    allow_rtl = bool(params.get("allow-balanced-in-rtl", True))
    for line_start, line_end in article.lines:
        line = text[line_start:line_end]
        if not _BIDI.search(line):
            continue
        balanced = _balanced(line)
        if allow_rtl and balanced and _RTL.search(line):
            continue
        for m in _BIDI.finditer(line):
            c = m.group()
            yield Hit(line_start + m.start(), line_start + m.end(),
                      {"code": f"U+{ord(c):04X}", "name": _NAMES[c],
                       "balanced": "" if balanced else ", unbalanced on its line"})


# -- EN106 byte-order mark ------------------------------------------------------------------

@check("encoding.byte-order-mark")
def byte_order_mark(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    # Before front matter the mark is FM103's (content-before-front-matter), which knows
    # the generators that skip it; a header without an opening delimiter (toto's, Kirby's
    # fields) is read with the mark in its first key.
    block = article.front_matter
    if article.bom and article.encoding == "utf-8" and (
            block is None or block.kind == "kirby" or block.kind == "yaml" and block.start == block.content_start):
        yield Hit(0, 0, {"where": "at the start of the file"},
                  message="UTF-8 byte-order mark at the start of the file",
                  fix=Fix(remove_bom=True))
    text = article.text
    if text.isascii() or "\ufeff" not in _profile(article)[1]:
        return
    for m in re.finditer("\ufeff+", text):
        yield Hit(m.start(), m.end(), {"where": "inside the text"},
                  message="byte-order mark (U+FEFF) inside the text, left by joining files",
                  fix=Fix((Edit(m.start(), m.end(), ""),)))


# -- EN107 invisible characters -------------------------------------------------------------

# Always invisible junk in an article. U+200B (zero-width space) separates words in Thai,
# Khmer, Lao, Burmese and some CJK typesetting; the joiners shape Arabic, Indic and emoji.
_INVISIBLE = lazy(
    "[\u00ad\u034f\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2060-\u2064\u3164\ufe00-\ufe0f"
    "\uffa0\U000e0000-\U000e007f]+")
_INVISIBLE_NAMES = {
    "\u00ad": "SOFT HYPHEN", "\u034f": "COMBINING GRAPHEME JOINER", "\u115f": "HANGUL CHOSEONG FILLER",
    "\u1160": "HANGUL JUNGSEONG FILLER", "\u17b4": "KHMER VOWEL INHERENT AQ",
    "\u17b5": "KHMER VOWEL INHERENT AA", "\u180e": "MONGOLIAN VOWEL SEPARATOR",
    "\u200b": "ZERO WIDTH SPACE", "\u200c": "ZERO WIDTH NON-JOINER", "\u200d": "ZERO WIDTH JOINER",
    "\u200e": "LEFT-TO-RIGHT MARK", "\u200f": "RIGHT-TO-LEFT MARK", "\u2060": "WORD JOINER",
    "\u2061": "FUNCTION APPLICATION", "\u2062": "INVISIBLE TIMES", "\u2063": "INVISIBLE SEPARATOR",
    "\u2064": "INVISIBLE PLUS", "\u3164": "HANGUL FILLER", "\uffa0": "HALFWIDTH HANGUL FILLER",
}


def _complex_script(c: str) -> bool:
    """Scripts whose writing uses joiners or zero-width spaces legitimately."""
    o = ord(c)
    return (0x0590 <= o <= 0x08FF or 0x0900 <= o <= 0x0DFF or 0x0E00 <= o <= 0x0FFF
            or 0x1000 <= o <= 0x109F or 0x1780 <= o <= 0x18AF or 0x1A00 <= o <= 0x1CFF
            or 0x2E80 <= o <= 0x9FFF or 0xA800 <= o <= 0xABFF or 0xAC00 <= o <= 0xD7AF
            or 0xF900 <= o <= 0xFAFF or 0xFB1D <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF
            or 0x11000 <= o <= 0x11FFF or 0x20000 <= o <= 0x3FFFF)


def _emoji(c: str) -> bool:
    o = ord(c)
    return (o >= 0x1F000 or 0x2190 <= o <= 0x2BFF or o in (0x00A9, 0x00AE, 0x203C, 0x2049, 0x2122,
                                                          0x2139, 0x3030, 0x303D, 0x3297, 0x3299)
            or 0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF or o == 0x20E3)


def _legitimate_invisible(text: str, start: int, end: int) -> bool:
    run = text[start:end]
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    context = before + after
    if all(c in "\u200c\u200d\ufe0e\ufe0f" or "\U000e0020" <= c <= "\U000e007f" for c in run):
        # Joiners and variation selectors inside emoji sequences, and tag sequences after
        # a flag (England, Scotland, Wales), are how those emoji are spelled.
        if any(_emoji(c) for c in context) or before == "\ufe0f":
            return True
        if any(_complex_script(c) for c in context) and all(c in "\u200c\u200d" for c in run):
            return True
    if all(c == "\u200b" for c in run) and any(_complex_script(c) for c in context):
        return True
    if run == "\u00ad" * len(run) and not (before.isalpha() and after.isalpha()):
        return True  # a soft hyphen outside a word is a character table or a mention
    if all(c in "\u200e\u200f" for c in run) and before.isspace() and after.isspace():
        return True  # standing alone between spaces: a table of characters, not paste damage
    if all(c in "\u200e\u200f" for c in run):
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if _RTL.search(text, line_start, line_end if line_end >= 0 else len(text)):
            return True  # direction marks belong to right-to-left text
    if all("\ufe00" <= c <= "\ufe0f" for c in run) and before and not before.isascii():
        return True  # text/emoji presentation of the character before
    return False


@check("encoding.invisible-character")
def invisible_character(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if text.isascii() or not any(_INVISIBLE.match(c) for c in _profile(article)[1]):
        return
    for m in _INVISIBLE.finditer(text):
        if _legitimate_invisible(text, m.start(), m.end()):
            continue
        run = m.group()
        names = ", ".join(dict.fromkeys(
            f"U+{ord(c):04X} {_INVISIBLE_NAMES.get(c, 'TAG CHARACTER' if ord(c) > 0xE0000 else 'VARIATION SELECTOR')}"
            for c in run))
        yield Hit(m.start(), m.end(), {"names": names, "count": len(run)},
                  fix=Fix((Edit(m.start(), m.end(), ""),)))


# -- EN108 HTML entities --------------------------------------------------------------------

_ENTITY = lazy(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_HTML_TAG = lazy(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_DOUBLE = lazy(r"&amp;(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});", re.I)


@check("encoding.html-entity")
def html_entity(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if "&" not in text:
        return
    import html  # its entity table is large: imported when a text has an ampersand

    keys = params.get("front-matter-keys") or ()
    if article.markdown:
        # Entities are Markdown syntax; only a double escape is damage.
        doubles = []
        for m in _DOUBLE.finditer(text):
            found = m.group()
            once = "&" + found[5:]
            if html.unescape(once) == once:
                continue  # &amp;foo; where &foo; is no entity: an ampersand before a word
            if _in_markup(article, m.start(), m.end()):
                continue  # code shows markup on purpose
            doubles.append((m.start(), m.end()))
            yield Hit(m.start(), m.end(), {"found": found, "fixed": once, "shown": repr(once),
                                           "how": "escaped twice"},
                      fix=Fix((Edit(m.start(), m.end(), once),)))
        yield from _front_matter_entities(article, keys, doubles)
        return
    scope = text[article.body_start:]
    base = article.body_start
    for m in _ENTITY.finditer(scope):
        found = m.group()
        fixed = _decoded(found)
        if fixed is None:
            continue
        start, end = base + m.start(), base + m.end()
        if _quoted(text, start, end):
            continue  # write "&amp;" for an ampersand: the entity is named, not leaked
        line_start, line_end = article.lines[article.line_of(start)]
        if _HTML_TAG.search(text, line_start, line_end):
            continue  # a line of HTML source shown in the text keeps its entities
        yield Hit(base + m.start(), base + m.end(),
                  {"found": found, "fixed": fixed, "shown": _shown(fixed), "how": "in plain text"},
                  fix=Fix((Edit(base + m.start(), base + m.end(), fixed),)))
    yield from _front_matter_entities(article, keys, [])


def _shown(fixed: str) -> str:
    return "a no-break space" if fixed == "\xa0" else repr(fixed)


def _decoded(found: str) -> str | None:
    """The character an entity stands for; None for no entity ("R&D;") or a control
    character (&#1; is no character anyone meant to write)."""
    import html

    fixed = html.unescape(found)
    if fixed == found or (len(fixed) == 1 and (ord(fixed) < 0x20 or 0x7F <= ord(fixed) <= 0x9F)):
        return None
    return fixed


# A URL inside a front matter value: "&amp;" in its query string is often a leftover too,
# but a link that works as written is left alone.
_VALUE_URL = lazy(r"(?:(?:https?|ftp)://|www\.)[^\s\"'<>]+", re.I)


def _front_matter_entities(article: Article, keys: Iterable[str],
                           reported: list[tuple[int, int]]) -> Iterator[Hit]:
    """Entities in the front matter values readers see (a title, a description, tags):
    feeds, <title>, social cards and JSON show them as typed or escape them again, even
    where the Markdown body would decode them. Values that hold HTML markup are HTML on
    purpose; entities in URLs, named in quotes, or `reported` already (double escapes)
    are left alone."""
    block = article.front_matter
    if (block is None or not block.is_mapping or not keys
            or article.text.find("&", block.content_start, block.content_end) < 0):
        return
    wanted = {str(k).lower() for k in keys}
    for key, value in block.data.items():
        if not isinstance(key, str) or key.lower() not in wanted:
            continue
        if isinstance(value, str):
            paths = [((key,), value)]
        elif isinstance(value, list):
            paths = [((key, i), item) for i, item in enumerate(value) if isinstance(item, str)]
        else:
            continue
        for path, item in paths:
            if "&" in item and not _HTML_TAG.search(item):
                yield from _value_entities(article, path, item, reported)


def _value_entities(article: Article, path: tuple, value: str,
                    reported: list[tuple[int, int]]) -> Iterator[Hit]:
    block = article.front_matter
    span = block.locate(path)
    if span is None:
        return
    text = article.text
    start, end = span.value_start, span.value_end
    quote = text[start] if start < end and text[start] in "'\"" else ""
    inner = (start + 1, end - 1) if quote else (start, end)
    urls = [m.span() for m in _VALUE_URL.finditer(text, start, end)]
    found_here = []
    for m in _ENTITY.finditer(text, start, end):
        found = m.group()
        fixed = _decoded(found)
        if fixed is None or found not in value:
            continue
        if any(s <= m.start() and m.end() <= e for s, e in urls + reported):
            continue
        if _quoted(text[inner[0]:inner[1]], m.start() - inner[0], m.end() - inner[0]):
            continue  # tags: ["&amp;"] names the entity
        found_here.append((m.start(), m.end(), found, fixed))
    if not found_here:
        return
    edits = [(s, e, _in_scalar(fixed, quote)) for s, e, _, fixed in found_here]
    # The fixes of one value are applied together: offer them only if together, and each
    # alone, they leave the front matter reading as before but for the decoded entities.
    together = _fix_holds(article, path, span.value_start, value, found_here, edits)
    for one, edit in zip(found_here, edits):
        s, e, found, fixed = one
        holds = together and _fix_holds(article, path, span.value_start, value, [one], [edit])
        yield Hit(s, e, {"found": found, "fixed": fixed, "shown": _shown(fixed),
                         "how": f"in the front matter's {path[0]}"},
                  fix=Fix((Edit(s, e, edit[2]),)) if holds else None)


def _in_scalar(fixed: str, quote: str) -> str:
    """The decoded character as it must be written inside the value's quotes."""
    if quote == "'":
        return fixed.replace("'", "''")
    if quote == '"':
        return fixed.replace("\\", "\\\\").replace('"', '\\"')
    return fixed


def _fix_holds(article: Article, path: tuple, value_start: int, value: str, entities: list,
               edits: list) -> bool:
    """The front matter re-parsed with `edits` applied: the value at `path` is `value` with
    those entities decoded, and every other key is as it was."""
    from lint import frontmatter

    block = article.front_matter
    # The whole text: a Kirby file's fields stand on both sides of its body.
    edited = article.text
    for s, e, replacement in sorted(edits, reverse=True):
        edited = edited[:s] + replacement + edited[e:]
    expected = value
    for s, _, found, fixed in sorted(entities, reverse=True):
        # the n-th occurrence of the entity in the value is its n-th in the file's text
        at = -1
        for _ in range(article.text.count(found, value_start, s) + 1):
            at = expected.find(found, at + 1)
            if at < 0:
                return False
        expected = expected[:at] + fixed + expected[at + len(found):]
    parsed = frontmatter.split(edited, markdown=article.markdown)
    if parsed is None or parsed.error is not None or not parsed.is_mapping:
        return False
    new = parsed.data
    old = block.data
    key = path[0]
    if new.keys() != old.keys() or any(new[k] != old[k] for k in old if k != key):
        return False
    if len(path) == 1:
        return new[key] == expected
    items = new[key]
    return (isinstance(items, list) and len(items) == len(old[key])
            and items[path[1]] == expected
            and all(a == b for i, (a, b) in enumerate(zip(items, old[key])) if i != path[1]))


# -- EN109 literal escape sequences ---------------------------------------------------------

# Starts with a literal backslash, so the regex engine skips to candidates quickly.
_ESCAPE = lazy(r"\\(?:u[0-9a-fA-F]{4}(?:\\u[0-9a-fA-F]{4})*|U[0-9a-fA-F]{8}(?:\\U[0-9a-fA-F]{8})*"
                     r"|x[0-9a-fA-F]{2}(?:\\x[0-9a-fA-F]{2})+)")


def _decode_escape(found: str) -> str | None:
    try:
        if found.startswith("\\x"):
            data = bytes(int(h, 16) for h in re.findall(r"\\x([0-9a-fA-F]{2})", found))
            value = data.decode("utf-8")
        else:
            value = found.encode("ascii").decode("unicode_escape")
            value = value.encode("utf-16", "surrogatepass").decode("utf-16")
    except (UnicodeDecodeError, UnicodeEncodeError, ValueError):
        return None
    if value.isascii() or any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        return None  # \u0041 and \u000a are code, not a character that lost its way
    return value


@check("encoding.literal-escape")
def literal_escape(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if "\\" not in text:
        return
    for m in _ESCAPE.finditer(text):
        if m.start() and text[m.start() - 1] == "\\":
            continue  # "\\u2019" is an escaped backslash: the text shows the escape on purpose
        found = m.group()
        value = _decode_escape(found)
        if value is None:
            continue
        before = text[m.start() - 1] if m.start() else " "
        after = text[m.end()] if m.end() < len(text) else " "
        if not (before.isalnum() or after.isalnum()) and all(
                unicodedata.category(c) in ("Pi", "Pf", "Po", "Ps", "Pe") for c in value):
            continue  # "replace \\u2019 with a quote": the escape is named, not leaked
        if article.markdown and _in_markup(article, m.start(), m.end()):
            continue  # in code, URLs and templates an escape is usually meant
        if _decoded_by_front_matter(article, m.start()):
            continue  # "\U0001F609" in a double-quoted YAML string: the parser reads 😉
        yield Hit(m.start(), m.end(), {"found": found, "fixed": value},
                  fix=Fix((Edit(m.start(), m.end(), value),)))


def _decoded_by_front_matter(article: Article, offset: int) -> bool:
    """The escape at `offset` lies in a front matter value its parser decodes: a
    double-quoted YAML, TOML or JSON string (a plain or single-quoted scalar keeps it as
    typed), or a Kirby field that holds a blocks editor's JSON."""
    block = article.front_matter
    if block is None or block.error is not None or not (block.content_start <= offset < block.content_end):
        return False
    inside = [span for span in block.spans.values() if span.value_start <= offset < span.value_end]
    if not inside:
        return False
    innermost = max(inside, key=lambda span: span.value_start)
    if block.kind == "kirby":
        from lint.frontmatter import kirby_blocks

        return kirby_blocks(article.text[innermost.value_start:innermost.value_end])
    return article.text[innermost.value_start] == '"'


# -- EN110 mixed line endings ---------------------------------------------------------------

_ENDINGS = {"\r\n": "CRLF", "\n": "LF", "\r": "CR"}


@check("encoding.mixed-line-endings")
def mixed_line_endings(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    text = article.text
    if "\r" not in text:
        return
    counts: dict[str, int] = {}
    terminators: list[tuple[int, int, str]] = []
    for m in re.finditer(r"\r\n|\r|\n", text):
        counts[m.group()] = counts.get(m.group(), 0) + 1
        terminators.append((m.start(), m.end(), m.group()))
    if len(counts) < 2:
        return
    newline = article.newline
    minority = [t for t in terminators if t[2] != newline]
    summary = ", ".join(f"{n} {_ENDINGS[k]}" for k, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    first = minority[0]
    edits = tuple(Edit(s, e, newline) for s, e, _ in minority)
    yield Hit(first[0], first[1],
              {"counts": summary, "majority": _ENDINGS[newline], "found": _ENDINGS[first[2]],
               "count": len(minority)},
              fix=Fix(edits))
