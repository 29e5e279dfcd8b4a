"""Repetition (RP): blocks pasted twice, near-duplicate paragraphs, doubled lines and words,
repetitive documents, and the same article saved under two names.

Every within-file check is linear in the article: blocks, lines and n-grams are hashed,
never compared pairwise. The cross-file check summarises each article as a small MinHash
signature in the per-file step and compares signatures once (see `duplicates` below)."""

from __future__ import annotations

import bisect
import operator
import re
from collections import Counter
from typing import Any, Iterator, Mapping

from lint.article import Article, Block
from lint.checks import corpus_check, check
from lint.finding import Edit, Fix, Hit
from lint.text import WORD_RE

# Blocks whose repetition is damage; code, raw HTML, tables and rules repeat legitimately.
_BLOCK_KINDS = ("paragraph", "list", "quote", "heading")
_HAS_TEXT = re.compile(r"[^\W_]")
_TABLE_OR_RULE = re.compile(r"^\s*(?:\||(?:[-*_=~`]\s*){3,}$)")


def normalise(text: str) -> str:
    """Case and white space do not make two blocks different. (str.split() and the regular
    expression \\s agree on what white space is: both ask Py_UNICODE_ISSPACE.)"""
    return " ".join(text.split()).casefold()


def block_words(article: Article) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """The prose words of each of article.blocks, found once for the whole family: as
    written, casefolded, and casefolded with ’ read as '. Lists are shared: do not modify."""
    return article.memo(("repetition", "block-words"), lambda: _block_words(article))


def _block_words(article: Article) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    prose = article.prose_text
    findall = WORD_RE.findall
    raw = [findall(prose, b.start, b.end) for b in article.blocks]
    folded = [list(map(str.casefold, words)) for words in raw]
    if "’" not in prose:
        return raw, folded, folded
    # a word holds no space, and casefolding makes none: fold a block's words in one call
    apostrophe = []
    for words in folded:
        joined = " ".join(words)
        apostrophe.append(joined.replace("’", "'").split(" ") if "’" in joined else words)
    return raw, folded, apostrophe


def body_words(article: Article) -> list[str]:
    """The casefolded words (’ read as ') of all prose from the body's start, blocks and
    the text between them alike: WORD_RE over prose_text[body_start:], casefolded."""
    return article.memo(("repetition", "body-words"), lambda: _body_words(article))


def _body_words(article: Article) -> list[str]:
    prose = article.prose_text
    blocks = article.blocks
    pos = article.body_start
    _, _, folded = block_words(article)
    words: list[str] = []
    for block, block_folded in zip(blocks, folded):
        # The words of a block are the words of the text there only if no word crosses its
        # edges; blocks are cut at line ends, so that holds, but it is checked, not assumed.
        if block.start < pos or not (_edge(prose, block.start) and _edge(prose, block.end)):
            return list(map(str.casefold, WORD_RE.findall(prose.replace("’", "'"), article.body_start)))
        if block.start > pos:
            words.extend(_fold(WORD_RE.findall(prose, pos, block.start)))
        words.extend(block_folded)
        pos = block.end
    words.extend(_fold(WORD_RE.findall(prose, pos)))
    return words


def _edge(text: str, at: int) -> bool:
    return at <= 0 or at >= len(text) or text[at - 1].isspace() or text[at].isspace()


def _fold(words: list[str]) -> list[str]:
    return [w.casefold().replace("’", "'") for w in words]


def _lines(article: Article, start: int, end: int) -> str:
    first = article.position(start)[0]
    last = article.position(max(start, end - 1))[0]
    return f"line {first}" if first == last else f"lines {first}–{last}"


# -- RP101 repeated block -----------------------------------------------------------------


def _candidate_blocks(article: Article) -> list[Block]:
    return [b for b in article.blocks if b.kind in _BLOCK_KINDS]


_ENDS_PARAGRAPH = re.compile(r"""[.!?:…]['"”’»)\]*_]*$""")


def _is_block(article: Article, block: Block, key: str, words: int, params: Mapping[str, Any]) -> bool:
    if len(key) < int(params.get("min-chars", 40)):
        return False
    if words < int(params.get("min-words", 8)):
        return False
    if block.kind == "paragraph" and not _ENDS_PARAGRAPH.search(key):
        # A line of hard-wrapped text is not a paragraph: it ends mid-sentence and the next
        # line follows after a single line break.
        following = article.text[block.end:block.end + 4]
        return following.count("\n") + following.count("\r") - following.count("\r\n") >= 2 \
            or block.end == len(article.text)
    return True


def repeated_runs(article: Article, params: Mapping[str, Any]) -> list[tuple[int, int, int]]:
    """(later_start, earlier_start, length) in block indexes: maximal runs of consecutive
    blocks that repeat an earlier run block for block. A run must hold at least one block
    long enough to count (a lone repeated heading or "Share" is not a repeated block)."""
    raw, _, _ = block_words(article)
    blocks, sizes = [], []
    for b, words in zip(article.blocks, raw):
        if b.kind in _BLOCK_KINDS:
            blocks.append(b)
            sizes.append(len(words))
    keys = [normalise(b.text) for b in blocks]
    counts = Counter(keys)
    # only a block that occurs twice can start a run: measure only those
    big = [counts[k] > 1 and _is_block(article, b, k, n, params) for b, k, n in zip(blocks, keys, sizes)]
    first: dict[str, int] = {}
    runs: list[tuple[int, int, int]] = []
    i = 0
    taken = 0  # blocks before this index already belong to a reported run
    while i < len(blocks):
        k = first.get(keys[i]) if big[i] else None
        if k is None or k >= i:
            first.setdefault(keys[i], i)
            i += 1
            continue
        # grow forward: the copy must stay before the run that repeats it
        n = 1
        while i + n < len(blocks) and k + n < i and keys[i + n] == keys[k + n]:
            n += 1
        # and backward over short blocks (a repeated heading that opens the run)
        back = 0
        while i - back - 1 >= taken and k - back - 1 >= 0 and k - back - 1 < i - back - 1 \
                and keys[i - back - 1] == keys[k - back - 1] and not big[i - back - 1]:
            back += 1
        start = i - back
        if sum(sizes[start:i + n]) \
                >= int(params.get("min-run-words", 15)):
            runs.append((start, k - back, n + back))
        for j in range(i, i + n):
            first.setdefault(keys[j], j)
        i += n
        taken = i
    return [(s, e, n) for s, e, n in runs]


def _delete_blocks(article: Article, blocks: list[Block], first: int, last: int) -> Edit:
    """Delete blocks[first..last] and one separator, so that the text around stays clean:
    the separator after the run when a block follows, else the one before it."""
    start, end = blocks[first].start, blocks[last].end
    following = next((b for b in article.blocks if b.start >= end), None)
    if following is not None:
        return Edit(start, following.start, "")
    previous = [b for b in article.blocks if b.end <= start]
    if previous:
        return Edit(previous[-1].end, end, "")
    return Edit(start, end, "")


@check("repetition.repeated-block")
def repeated_block(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    blocks = _candidate_blocks(article)
    for later, earlier, n in repeated_runs(article, params):
        start, end = blocks[later].start, blocks[later + n - 1].end
        first_start, first_end = blocks[earlier].start, blocks[earlier + n - 1].end
        lines = _lines(article, start, end)
        data = {"lines": lines, "verb": "repeats" if lines.startswith("line ") else "repeat",
                "first": _lines(article, first_start, first_end),
                "blocks": n, "unit": "block" if n == 1 else "blocks"}
        yield Hit(start, end, data, fix=Fix((_delete_blocks(article, blocks, later, later + n - 1),)),
                  related=((first_start, first_end, "first occurrence"),))


# -- RP102 near-duplicate paragraph -------------------------------------------------------


def _shingles(words: list[str], size: int) -> set[tuple[str, ...]]:
    if len(words) < size:
        return {tuple(words)}
    return set(zip(*(words[j:] for j in range(size))))


@check("repetition.near-duplicate-paragraph")
def near_duplicate_paragraph(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    min_words = int(params.get("min-words", 25))
    threshold = float(params.get("threshold", 0.45))
    size = int(params.get("shingle-size", 3))
    # A shingle shared by many paragraphs is a stock phrase, not evidence: skipping long
    # posting lists keeps this linear on long documents.
    max_postings = int(params.get("max-postings", 16))
    prose = article.prose_text
    _, _, folded = block_words(article)
    # A shingle's posting list is its first paragraph (`first`), then up to max-postings - 1
    # more (`more`): most shingles occur once, and are stored with C-level dict updates.
    first: dict[tuple[str, ...], int] = {}
    more: dict[tuple[str, ...], list[int]] = {}
    seen: list[tuple[Block, int, list[str]]] = []
    for block, words in zip(article.blocks, folded):
        if not block.is_prose or len(words) < min_words:
            continue
        shingles = _shingles(words, size)
        index = len(seen)
        best = None
        shared = first.keys() & shingles if max_postings > 0 else ()
        if shared:
            postings = list(map(first.__getitem__, shared))
            if max_postings > 1:
                again = more.keys() & shared
                for s in again:
                    extra = more[s]
                    postings.extend(extra)
                    if len(extra) + 1 < max_postings:
                        extra.append(index)
                for s in shared - again if again else shared:
                    more[s] = [index]
            overlap = Counter(postings)
            # ties go to the earliest paragraph
            for j in sorted(overlap):
                shared_count = overlap[j]
                other, other_size, other_words = seen[j]
                similarity = shared_count / (len(shingles) + other_size - shared_count)
                if similarity >= threshold and (best is None or similarity > best[0]) \
                        and other_words != words \
                        and not _template(prose, block, other):  # an exact repeat is RP101's
                    best = (similarity, other)
        seen.append((block, len(shingles), words))
        if max_postings > 0:
            first.update(dict.fromkeys(shingles - shared if shared else shingles, index))
        if best is not None:
            similarity, other = best
            lines = _lines(article, block.start, block.end)
            yield Hit(block.start, block.end,
                      {"lines": lines, "verb": "nearly repeats" if lines.startswith("line ") else "nearly repeat",
                       "first": _lines(article, other.start, other.end),
                       "similarity": f"{similarity:.0%}"},
                      related=((other.start, other.end, "similar paragraph"),))


def _template(prose: str, block: Block, other: Block) -> bool:
    """Two paragraphs that differ only in numbers and names are one template filled twice
    ("... new in Debian 7.0 ... Wheezy" / "... Debian 8.0 ... Jessie"), not a rewrite."""
    a = Counter(WORD_RE.findall(prose, block.start, block.end))
    b = Counter(WORD_RE.findall(prose, other.start, other.end))
    differ = (a - b) + (b - a)
    return all(w[:1].isupper() or any(c.isdigit() for c in w) for w in differ)


# -- RP103 repeated line ------------------------------------------------------------------


@check("repetition.repeated-line")
def repeated_line(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    """A short line (a URL, a heading, a list item, "Share") that repeats the line before
    it, blank lines aside. Long lines that are blocks of their own are RP101's."""
    max_words = int(params.get("max-words", 7))
    text, prose = article.text, article.prose_text
    code = [(s.start, s.end) for s in article.nonprose if s.kind in ("code", "frontmatter", "comment", "html")]
    ci = 0
    previous: tuple[int, int, str] | None = None
    for start, end in article.lines:
        if start < article.body_start:
            continue
        while ci < len(code) and code[ci][1] <= start:
            ci += 1
        if ci < len(code) and code[ci][0] <= start < code[ci][1]:
            previous = None
            continue
        line = text[start:end]
        if not line.strip():
            continue
        key = normalise(line)
        if (previous is not None and key == previous[2] and _HAS_TEXT.search(key)
                and not _TABLE_OR_RULE.match(line)
                and len(WORD_RE.findall(prose, start, end)) <= max_words):
            lead = len(line) - len(line.lstrip())
            yield Hit(start + lead, end, {"lines": _lines(article, start, end),
                                          "first": _lines(article, previous[0], previous[1]),
                                          "found": line.strip()},
                      related=((previous[0], previous[1], "first occurrence"),))
            previous = None  # three in a row: one finding per pair
            continue
        previous = (start, end, key)


# -- RP104 repeated word or phrase --------------------------------------------------------


def _allowed(params: Mapping[str, Any]) -> frozenset[str]:
    entries = params.get("allow-lexicon") or ()
    return frozenset(normalise(e) for e in entries)


@check("repetition.repeated-word")
def repeated_word(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    max_n = int(params.get("max-words", 4))
    language = (article.language or "").lower().replace("_", "-").split("-")[0]
    if language and language in (params.get("skip-languages") or ()):
        return  # reduplication is grammar there (Vietnamese "luôn luôn", Indonesian "anak anak")
    text, prose = article.text, article.prose_text
    blocks = article.blocks
    _, _, folded = block_words(article)
    # One search over all the blocks' words, a marker between blocks (equal to nothing, so no
    # repeat crosses it); ’ read as ' only adds candidates, which _doubled_at then checks.
    words: list[Any] = []
    offsets: list[int] = []
    owners: list[int] = []
    for b, block in enumerate(blocks):
        if block.is_prose or block.kind == "heading":
            offsets.append(len(words))
            owners.append(b)
            words.extend(folded[b])
            words.append(object())
    starts = _repeat_starts(words, max_n, folded=True)
    if not starts:
        return
    allow = _allowed(params)
    grouped: dict[int, list[int]] = {}
    for at in starts:
        k = bisect.bisect_right(offsets, at) - 1
        grouped.setdefault(owners[k], []).append(at - offsets[k])
    for b, starts in grouped.items():
        block = blocks[b]
        tokens = [(m.start(), m.end(), m.group().casefold())
                  for m in WORD_RE.finditer(prose, block.start, block.end)]
        i = -1
        for candidate in starts:
            if candidate < i:
                continue
            i = candidate
            found = _doubled_at(tokens, i, max_n, text)
            if found is None:
                continue
            n = found
            first = [t[2] for t in tokens[i:i + n]]
            phrase = text[tokens[i][0]:tokens[i + 2 * n - 1][1]]
            if normalise(phrase) in allow or _deliberate(tokens, i, n, text, block.start):
                i += 2 * n
                continue
            start, end = tokens[i][0], tokens[i + 2 * n - 1][1]
            yield Hit(start, end,
                      {"found": phrase, "what": "word" if n == 1 else "phrase",
                       "single": " ".join(first)},
                      fix=Fix((Edit(tokens[i + n - 1][1], end, ""),)))
            i += 2 * n


def _repeat_starts(words: list[Any], max_n: int, folded: bool = False) -> list[int]:
    """Indexes i where words[i:i+n] == words[i+n:i+2n] for some n <= max_n (casefolded
    unless they are already), found with C-level comparisons: most blocks have none, and
    the slow checks run only on these."""
    if not folded:
        words = list(map(str.casefold, words))
    found: set[int] = set()
    for n in range(1, max_n + 1):
        equal = bytes(map(operator.eq, words, words[n:]))
        run = b"\x01" * n
        at = equal.find(run)
        while at != -1:
            found.add(at)
            at = equal.find(run, at + 1)
    return sorted(found)


def _doubled_at(tokens: list[tuple[int, int, str]], i: int, max_n: int, text: str) -> int | None:
    """The smallest n such that tokens[i:i+n] is followed at once by the same n words,
    separated by white space only (in the real text: a code span or a comma between two
    copies makes them something else)."""
    for n in range(1, max_n + 1):
        if i + 2 * n > len(tokens):
            return None
        if any(tokens[i + j][2] != tokens[i + n + j][2] for j in range(n)):
            continue
        gaps = (text[tokens[j][1]:tokens[j + 1][0]] for j in range(i, i + 2 * n - 1))
        if all(_WORD_GAP.fullmatch(g) for g in gaps):
            return n
    return None


# One or two spaces, or one line break: wider gaps are table columns or layout.
_WORD_GAP = re.compile(r" {1,2}|[ \t]*\r?\n[ \t]*")
_SENTENCE_END = re.compile(r"[.!?:;…]['\"”’»)\]]*\s*$")


def _deliberate(tokens: list[tuple[int, int, str]], i: int, n: int, text: str,
                block_start: int) -> bool:
    words = tokens[i:i + 2 * n]
    if n == 1 and (words[0][2].isdigit() or (len(words[0][2]) == 1 and words[0][2] != "a")):
        return True  # "10 10" is a score or a table cell; "l l", "o o" are layout
    if text[words[0][0] - 1:words[0][0]] in ("-", "/", "."):
        return True  # "--vault vault", "-name name": an option and its argument
    if re.match(r"[./\\_@][^\W_]", text[words[-1][1]:words[-1][1] + 2]):
        return True  # "file file.txt": the second copy is part of a name
    first = text[words[0][0]:words[n - 1][1]]
    second = text[words[n][0]:words[2 * n - 1][1]]
    if first != second:
        # Only "The the" (a capital that starts a sentence) is a slip; "Sie sie" (German
        # formal "you" + "them"), "Anexa anexa" in a link list, "version\nVersion" are not.
        before = text[max(block_start, words[0][0] - 200):words[0][0]].rstrip().rstrip("#>*_-+ \t")
        at_start = not before.strip() or _SENTENCE_END.search(before) is not None
        if not (at_start and first[:1].isupper() and first[1:] == second[1:] and second[:1].islower()):
            return True
    elif first[:1].isupper() and second[:1].isupper():
        return True  # "Duran Duran", "Sirhan Sirhan", "Walla Walla": a name
    # "no no no", "on and on and on": a third copy is rhetoric, not a slip
    after = tokens[i + 2 * n] if i + 2 * n < len(tokens) else None
    if after is not None and after[2] == words[0][2] and not text[words[-1][1]:after[0]].strip():
        return True
    before = tokens[i - 1] if i > 0 else None
    if before is not None and before[2] == words[n - 1][2] and not text[before[1]:words[0][0]].strip():
        return True
    return False


# -- RP105 repetitive document ------------------------------------------------------------


def _dup_stats(items: list[str]) -> tuple[int, int]:
    """(count, characters) of the items that repeat an earlier one."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def repetition_measures(article: Article, floor: float = 0.0) -> dict[str, float]:
    """The Gopher repetition measures (Rae et al. 2021, appendix A, table A1) over the
    body's prose blocks: code, tables and raw HTML are left out, they repeat by nature."""
    blocks = [b for b in article.blocks if b.kind in _BLOCK_KINDS]
    paragraphs = [normalise(b.text) for b in blocks]
    lines = [normalise(line) for b in blocks for line in b.text.splitlines() if line.strip()]
    words = [w.casefold() for b in blocks for w in WORD_RE.findall(article.prose_text, b.start, b.end)]
    measures: dict[str, float] = {}
    total_chars = sum(map(len, paragraphs)) or 1
    total_lines_chars = sum(map(len, lines)) or 1
    count, chars = _dup_stats(paragraphs)
    measures["dup-paragraph-fraction"] = count / (len(paragraphs) or 1)
    measures["dup-paragraph-char-fraction"] = chars / total_chars
    count, chars = _dup_stats(lines)
    measures["dup-line-fraction"] = count / (len(lines) or 1)
    measures["dup-line-char-fraction"] = chars / total_lines_chars
    word_chars = sum(map(len, words)) or 1
    for n in (2, 3, 4):
        grams = Counter(zip(*(words[j:] for j in range(n))))
        gram, times = grams.most_common(1)[0] if grams else ((), 0)
        measures[f"top-{n}-gram-char-fraction"] = times * sum(map(len, gram)) / word_chars if times > 1 else 0.0
    for n in range(5, 11):
        measures[f"dup-{n}-gram-char-fraction"] = 0.0
    for n in range(5, 11):
        grams = Counter(zip(*(words[j:] for j in range(n))))
        repeated = {g for g, c in grams.items() if c > 1}
        if not repeated:
            break  # no longer n-gram can repeat either
        covered = bytearray(len(words))
        mark = b"\x01" * n
        for j in [j for j, gram in enumerate(zip(*(words[j:] for j in range(n)))) if gram in repeated]:
            covered[j:j + n] = mark
        fraction = sum(len(w) for w, c in zip(words, covered) if c) / word_chars
        measures[f"dup-{n}-gram-char-fraction"] = fraction
        if fraction <= floor:
            # a duplicated longer n-gram is made of duplicated shorter ones: once under the
            # lowest limit, none of the longer ones can exceed theirs
            break
    return measures


@check("repetition.repetitive-document")
def repetitive_document(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    min_words = int(params.get("min-words", 100))
    if len(WORD_RE.findall(article.prose_text, article.body_start)) < min_words:
        return
    limits: Mapping[str, float] = params.get("limits") or {}
    floor = min((float(v) for k, v in limits.items() if k.startswith("dup-") and "gram" in k), default=0.0)
    measures = repetition_measures(article, floor)
    over = [(name, measures[name], float(limit)) for name, limit in limits.items()
            if name in measures and measures[name] > float(limit)]
    if not over:
        return
    start = next((b.start for b in article.blocks), article.body_start)
    end = article.lines[article.line_of(start)][1]
    over.sort(key=lambda item: item[1] / item[2] if item[2] else float("inf"), reverse=True)
    shown = "; ".join(f"{name} {value:.2f} > {limit:.2f}" for name, value, limit in over[:2])
    more = f" (and {len(over) - 2} more measures)" if len(over) > 2 else ""
    yield Hit(start, end, {"detail": shown + more, "count": len(over)})


# -- RP106 duplicate article (cross-file) -------------------------------------------------

# The signatures, the comparison and the SQLite index live in lint/checks/_duplicates.py.
from lint.checks import _duplicates  # noqa: E402

corpus_check("repetition.duplicate-article", summarize=_duplicates.summarize,
             compare=_duplicates.compare, context=True)
