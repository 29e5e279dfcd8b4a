"""Repetition (RP): blocks pasted twice, near-duplicate paragraphs, doubled lines and words,
repetitive documents, and the same article saved under two names.

Every within-file check is linear in the article: blocks, lines and n-grams are hashed,
never compared pairwise. The cross-file check summarises each article as a small MinHash
signature in the per-file step and compares signatures once (see `duplicates` below)."""

from __future__ import annotations

import bisect
import operator
import re
import struct
import zlib
from array import array
from collections import Counter
from itertools import accumulate, compress, islice, repeat
from os.path import commonprefix
from typing import Any, Iterable, Iterator, Mapping, NamedTuple

from lint.article import Article, Block
from lint.checks import corpus_check, check
from lint.finding import Applicability, Edit, Fix, Hit
from lint.text import WORD_RE

# Blocks whose repetition is damage; code, raw HTML, tables and rules repeat legitimately.
_BLOCK_KINDS = ("paragraph", "list", "quote", "heading")
_HAS_TEXT = re.compile(r"[^\W_]")
_TABLE_OR_RULE = re.compile(r"^\s*(?:\||(?:[-*_=~`]\s*){3,}$)")


def normalise(text: str) -> str:
    """Case and white space do not make two blocks different. (str.split() and the regular
    expression \\s agree on what white space is: both ask Py_UNICODE_ISSPACE.)"""
    return " ".join(text.split()).casefold()


# -- the family's one tokenisation ----------------------------------------------------------
#
# Every rule here compares words as WORD_RE finds them, casefolded, with ’ read as ' (both
# join the parts of a word, so the reading does not move a word's edges). The words are
# kept as UTF-8 bytes: RP106 hashes bytes, and equality is the same either way.
#
# WORD_RE over every character costs more than the rest of the family together, so the
# text is tokenised as bytes: ASCII letters and digits stay, ' and - stay where they join
# two of them, every other ASCII character becomes a space, and bytes.split() cuts the
# tokens; so do the commonest non-ASCII characters outside words (see _SEPARATORS). An
# ASCII token is a word as it stands (lower() is casefold() in ASCII); the few others (with
# a non-ASCII character: é, €) go through WORD_RE together. The result is the same list,
# built at C speed.

MARK = b"\x00"  # ends the words of each piece in a token list; never a word (not alphanumeric)

_ASCII_TOKENS = bytes(c if c >= 0x80 or chr(c).isalnum() or c in b"'-\x00" else 0x20 for c in range(256))
# Literal patterns: re.sub() finds them faster than bytes.replace() does.
_RIGHT_QUOTE = re.compile("’".encode())


def _separators(lead: bytes) -> re.Pattern[bytes]:
    """The characters whose UTF-8 form is `lead` and one byte more that are neither letters
    nor digits nor ’: WORD_RE cuts words at each of them, and a joiner next to one joins
    nothing, so read as spaces they leave the same words."""
    tails = bytes(b for b in range(0x80, 0xC0)
                  if not (char := (lead + bytes((b,))).decode()).isalnum() and char != "’")
    return re.compile(re.escape(lead) + b"[" + tails + b"]")


# General Punctuation's quotes, dashes, bullets, ellipsis and spaces (U+2000-U+203F), and
# Latin-1's (no-break space, « », ©, °): a pattern each, to start with a literal
_SEPARATORS = (_separators(b"\xe2\x80"), _separators(b"\xc2"))
_FALSE = re.compile(b"\x00")  # finds the False entries of bytes(map(predicate, items))
_WORD_OR_MARK = re.compile(f"{WORD_RE.pattern}|\x00")
_WORD_OR_BREAK = re.compile(f"{WORD_RE.pattern}|\x01")


def fold_pieces(pieces: list[str]) -> list[bytes]:
    """The words of each piece (WORD_RE, casefolded, ’ read as ', UTF-8), each piece's words
    followed by MARK."""
    if not pieces:
        return []
    text = " \x00 ".join(pieces) + " \x00"
    if text.count("\x00") != len(pieces):  # a NUL in the text: MARK would be ambiguous
        result: list[bytes] = []
        for piece in pieces:
            result.extend(_fold_exactly(WORD_RE.findall(piece.replace("’", "'"))))
            result.append(MARK)
        return result
    return _fold_fast(text) or _fold_exactly(_WORD_OR_MARK.findall(text.replace("’", "'")))


def _fold_exactly(words: list[str]) -> list[bytes]:
    return list(map(str.encode, map(str.casefold, words)))


def _fold_fast(text: str) -> list[bytes] | None:
    """fold_pieces over text with MARKs in place (and no other NUL), at C speed; None when
    much of the text is not ASCII (WORD_RE over the whole text is then cheaper)."""
    data = text.encode("utf-8")
    ascii_only = data.isascii()
    if not ascii_only:
        data = _RIGHT_QUOTE.sub(b"'", data)  # ’ joins like ': "don’t" stays ASCII
        for separators in _SEPARATORS:
            data = separators.sub(b" ", data)
        ascii_only = data.isascii()
    data = _LOOSE_JOINER.sub(b" ", data.lower().translate(_ASCII_TOKENS))
    if ascii_only:
        return data.split()
    high = data.translate(_HIGH_BYTES)
    if 4 * high.count(1) > len(data):
        return None
    # The tokens that hold a non-ASCII byte (found with bytes.find: tokens are cut at
    # spaces only), read with one WORD_RE pass over all of them, a \x01 after each one's
    # words (the text holds no ASCII control character but the NULs of MARKs).
    spans = []
    at = high.find(1)
    while at != -1:
        start = data.rfind(b" ", 0, at) + 1
        end = data.find(b" ", at)  # there is one: the text ends with " \x00"
        spans.append((start, end))
        at = high.find(1, end)
    joined = "\x01".join([data[start:end].decode() for start, end in spans]) + "\x01"
    words = _fold_exactly(_WORD_OR_BREAK.findall(joined))
    result: list[bytes] = []
    done = taken = 0
    for start, end in spans:
        result += data[done:start].split()
        stop = words.index(b"\x01", taken)
        result += words[taken:stop]
        taken = stop + 1
        done = end
    result += data[done:].split()
    return result


_HIGH_BYTES = bytes(c >= 0x80 for c in range(256))


# A ' or - joins only between two letters or digits. After the translation its neighbours
# are letters, digits, bytes >= 0x80 (of non-ASCII tokens, which WORD_RE reads), joiners
# or spaces: one that is not between two of the first three kinds is a space too. Then
# every ASCII token is a word as WORD_RE finds it. (The pattern starts with a character
# class: the search skips to each joiner at C speed.)
_LOOSE_JOINER = re.compile(rb"['-](?:(?<![0-9a-z\x80-\xff]['-])|(?![0-9a-z\x80-\xff]))")


class Words(NamedTuple):
    """The words of the body, found once for the whole family (see fold_pieces), pieces in
    order, each piece's words followed by MARK in `flat`: the blocks, with the gaps
    between them as pieces of their own when a gap holds a word."""

    flat: list[bytes]
    ends: list[int]  # the index of each MARK
    firsts: list[int]  # block k's words are flat[firsts[k]:stops[k]]
    stops: list[int]
    # every word of the body in order, pieces alike: the layout is regular (blocks in order,
    # from the body's start, no word across a block's edge); else body_words scans again
    regular: bool

    def block(self, k: int) -> list[bytes]:
        return self.flat[self.firsts[k]:self.stops[k]]

    def size(self, k: int) -> int:
        return self.stops[k] - self.firsts[k]

    def block_at(self, at: int) -> int | None:
        """The block whose words hold flat[at], if any."""
        k = bisect.bisect_left(self.stops, at)
        return k if k < len(self.stops) and at >= self.firsts[k] else None


def shared_words(article: Article) -> Words:
    return article.memo(("repetition", "words"), lambda: _words(article))


def _words(article: Article) -> Words:
    prose = article.prose_text
    blocks = article.blocks
    starts = list(map(_START, blocks))
    ends_ = list(map(_END, blocks))
    cuts = [article.body_start] * (2 * len(blocks) + 2)
    cuts[1:-1:2] = starts
    cuts[2:-1:2] = ends_
    cuts[-1] = len(prose)
    regular = cuts == sorted(cuts)
    block_texts = list(map(prose.__getitem__, map(slice, starts, ends_)))
    gaps = list(map(prose.__getitem__, map(slice, cuts[0::2], cuts[1::2]))) if regular else []
    if regular and _HAS_TEXT.search("".join(gaps)):
        pieces = [""] * (2 * len(blocks) + 1)  # gap, block, gap, ..., block, gap
        pieces[0::2] = gaps
        pieces[1::2] = block_texts
    else:
        pieces = block_texts  # no gap holds a word (or body_words will scan the body again)
    flat = fold_pieces(pieces)
    ends = []
    at = -1
    index = flat.index
    for _ in range(len(pieces)):
        at = index(MARK, at + 1)
        ends.append(at)
    stops = ends[1::2] if len(pieces) > len(blocks) else ends
    before = ends[0::2] if len(pieces) > len(blocks) else [-1] + ends
    firsts = list(map(operator.add, before[:len(blocks)], repeat(1)))
    if regular and blocks:
        regular = _no_word_across(prose, starts, ends_)
    return Words(flat, ends, firsts, stops, regular)


_START = operator.attrgetter("start")
_END = operator.attrgetter("end")


def _no_word_across(prose: str, starts: list[int], ends: list[int]) -> bool:
    """The words of a piece are the words of the text there only if no word crosses its
    edges. Blocks are cut at line ends, so that holds, but it is checked, not assumed: at
    each edge inside the text, one of the two characters around it is white space (first
    the character before each start and the one after each end, all at once)."""
    before = list(map(operator.sub, starts, repeat(1)))
    if before[0] < 0:  # sorted: only the first ones can be
        before = [c for c in before if c >= 0]
    after = ends if ends[-1] < len(prose) else [c for c in ends if c < len(prose)]
    edges = before + after
    if not edges or "".join(map(prose.__getitem__, edges)).isspace():
        return True
    cuts = [c for pair in zip(starts, ends) for c in pair]
    around = " ".join([prose[c - 1:c + 1] for c in cuts if 0 < c < len(prose)])
    return _TWO_NON_SPACE.search(around) is None


_TWO_NON_SPACE = re.compile(r"\S\S")


def word_codes(article: Article) -> list[int]:
    """The CRC-32 of each item of shared_words(article).flat (RP104 and RP106 compare
    words by these)."""
    return article.memo(("repetition", "codes"), lambda: list(map(zlib.crc32, shared_words(article).flat)))


def body_codes(article: Article) -> list[int]:
    """The CRC-32 of each of body_words(article)."""
    return article.memo(("repetition", "body-codes"), lambda: _body_codes(article))


def _body_codes(article: Article) -> list[int]:
    found = shared_words(article)
    if not found.regular:
        return list(map(zlib.crc32, body_words(article)))
    codes = word_codes(article)
    body: list[int] = []
    start = 0
    for end in found.ends:
        body += codes[start:end]
        start = end + 1
    return body


def body_words(article: Article) -> list[bytes]:
    """The words (see fold_pieces) of all prose from the body's start, blocks and the text
    between them alike: WORD_RE over prose_text[body_start:]."""
    return article.memo(("repetition", "body-words"), lambda: _body_words(article))


def _body_words(article: Article) -> list[bytes]:
    found = shared_words(article)
    if not found.regular:
        return fold_pieces([article.prose_text[article.body_start:]])[:-1]
    body: list[bytes] = []
    start = 0
    for end in found.ends:
        body += found.flat[start:end]
        start = end + 1
    return body


def _lines(article: Article, start: int, end: int) -> str:
    first = article.position(start)[0]
    last = article.position(max(start, end - 1))[0]
    return f"line {first}" if first == last else f"lines {first}–{last}"


# -- RP101 repeated block -----------------------------------------------------------------


def _squeezed(text: str) -> bytes:
    """A key coarser than normalise(): case folded, every white space character dropped."""
    return "".join(text.casefold().split()).encode("utf-8", "surrogatepass")


def _squeezed_keys(texts: list[str]) -> list[bytes]:
    """A key for each text, two texts' keys equal exactly when their _squeezed() are.
    Casefolding an ASCII text is lower(), so the ASCII texts are keyed all at once with
    bytes operations (joined at NULs, which no text holds). A text with other characters
    is keyed alone only when some other text has the same blind key (see _FOLD_BLIND):
    else no text can share its key, and its bytes as lowered serve as one."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    if joined.count("\x00") != len(texts) - 1:
        return list(map(_squeezed, texts))
    data = joined.encode("utf-8", "surrogatepass")
    lowered = data.lower()
    keys = lowered.translate(None, _ASCII_SPACE + b"\r\n").split(b"\x00")
    if not data.isascii():
        blind = lowered.translate(None, _FOLD_BLIND + b"\n").split(b"\x00")
        counts = Counter(blind)
        for m in _FALSE.finditer(bytes(map(bytes.isascii, keys))):
            if counts[blind[m.start()]] > 1:
                keys[m.start()] = _squeezed(texts[m.start()])
    return keys


def _candidate_indexes(article: Article) -> list[int]:
    """Where in article.blocks the blocks whose repetition is damage are (_BLOCK_KINDS)."""
    return [k for k, b in enumerate(article.blocks) if b.kind in _BLOCK_KINDS]


def _candidate_blocks(article: Article) -> list[Block]:
    return list(map(article.blocks.__getitem__, _candidate_indexes(article)))


_ENDS_PARAGRAPH = re.compile(r"""[.!?:…]['"”’»)\]*_]*$""")


def _is_block(article: Article, block: Block, key: str, size: int, params: Mapping[str, Any]) -> bool:
    if len(key) < int(params.get("min-chars", 40)):
        return False
    if size < int(params.get("min-words", 8)):
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
    candidates = _candidate_indexes(article)
    blocks = _candidate_blocks(article)
    # Blocks with equal keys have equal squeezed keys: those find the few blocks that may
    # occur twice (most articles have none). Only those are keyed and counted; every other
    # block gets a key of its own (its index), and no run can hold it.
    squeezed = _squeezed_keys([b.text for b in blocks])
    if len(set(squeezed)) == len(squeezed):
        return []
    twice = Counter(squeezed)
    maybe = [i for i, key in enumerate(squeezed) if twice[key] > 1]
    keys: list[Any] = list(range(len(blocks)))
    for i in maybe:
        keys[i] = normalise(blocks[i].text)
    counts = Counter(keys[i] for i in maybe)
    found = shared_words(article)  # the family's tokenisation counts the words
    sizes = [0] * len(blocks)  # the words of a block that may repeat (no run holds another)
    big = [False] * len(blocks)
    for i in maybe:
        sizes[i] = found.size(candidates[i])
        # only a block that occurs twice and is long enough can start a run
        big[i] = counts[keys[i]] > 1 and _is_block(article, blocks[i], keys[i], sizes[i], params)
    if not any(big):
        return []
    first: dict[Any, int] = {}
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


def _in_other_sections(blocks: list[Block], later: int, earlier: int, n: int) -> bool:
    """The two copies sit in different sections, or are indented under different list
    items: a template filled in twice (the parameter list under each function of a
    reference page, an API described once for callbacks and once for promises, the same
    note under two options), not a pasting accident. Sections are told apart by the headings
    that enclose each copy, of levels above any heading the copy holds: a story pasted
    twice brings its own headings along, and its copies share the headings above them. A
    heading that ends a copy opens the next section: it is not one of the copy's own."""
    while n > 1 and blocks[later + n - 1].kind == "heading":
        n -= 1
    above = min((_heading_level(b) for b in blocks[later:later + n] if b.kind == "heading"), default=7)
    later_path = _section_path(blocks, later, above)
    earlier_path = _section_path(blocks, earlier, above)
    if later_path and earlier_path and later_path != earlier_path:
        return True
    later_item, earlier_item = _holding_item(blocks, later), _holding_item(blocks, earlier)
    return later_item is not None and earlier_item is not None and later_item != earlier_item


def _holding_item(blocks: list[Block], index: int) -> int | None:
    """The list block whose item holds blocks[index], a paragraph indented under it (the
    explanation under each option of a reference list is a section too), or None."""
    if blocks[index].text[:1] not in " \t":
        return None
    for k in range(index - 1, -1, -1):
        if blocks[k].kind == "list":
            return k
        if blocks[k].text[:1] not in " \t":
            return None  # the list ended
    return None


def _section_path(blocks: list[Block], index: int, above: int) -> list[str]:
    """The headings (normalised) that enclose blocks[index], innermost first, of levels
    under `above`."""
    path = []
    for block in reversed(blocks[:index]):
        if block.kind == "heading":
            level = _heading_level(block)
            if level < above:
                path.append(normalise(block.text))
                above = level
                if above == 1:
                    break
    return path


def _heading_level(heading: Block) -> int:
    text = heading.text.strip()
    if text.startswith("#"):
        return len(text) - len(text.lstrip("#"))
    return 1 if text.endswith("=") else 2  # a setext heading, underlined with = or -


@check("repetition.repeated-block")
def repeated_block(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    blocks = _candidate_blocks(article)
    for later, earlier, n in repeated_runs(article, params):
        if _in_other_sections(blocks, later, earlier, n):
            continue
        start, end = blocks[later].start, blocks[later + n - 1].end
        first_start, first_end = blocks[earlier].start, blocks[earlier + n - 1].end
        lines = _lines(article, start, end)
        data = {"lines": lines, "verb": "repeats" if lines.startswith("line ") else "repeat",
                "first": _lines(article, first_start, first_end),
                "blocks": n, "unit": "block" if n == 1 else "blocks"}
        yield Hit(start, end, data, fix=Fix((_delete_blocks(article, blocks, later, later + n - 1),)),
                  related=((first_start, first_end, "first occurrence"),))


# -- RP102 near-duplicate paragraph -------------------------------------------------------


def _shingles(words: list[bytes], size: int) -> set[tuple[bytes, ...]]:
    return set(_each_shingle(words, size))


def _each_shingle(words: list[bytes], size: int) -> Iterable[tuple[bytes, ...]]:
    if len(words) < size:
        return (tuple(words),)
    return zip(*(words[j:] for j in range(size)))


def _may_nearly_repeat(shingle_sets: list[set[tuple[bytes, ...]]], lengths: list[int], size: int,
                       threshold: float) -> list[int]:
    """The paragraphs (indexes into `shingle_sets`, of paragraphs of `lengths` words) that
    may share `threshold` of their shingles with an earlier one; the others cannot.

    A similarity c / (|A| + |B| - c) >= t needs c >= t * |A|: paragraph A must share that
    many shingles with the earlier paragraphs taken together. One set of all the shingles
    so far tells, by how much it grows, how many of A's are new; A has at most
    len(A) - size + 1. In most articles no paragraph passes, and this costs a fraction of
    the posting lists below. Anything that equal shingles share (_coded_shingles) can
    stand for the shingles: A then has at most as many new, and passes if it did before."""
    if threshold <= 0:
        return list(range(len(shingle_sets)))
    union: set[tuple[bytes, ...]] = set()
    possible = []
    for i, (shingles, length) in enumerate(zip(shingle_sets, lengths)):
        before = len(union)
        union.update(shingles)
        new = len(union) - before
        # new <= (1 - t) * |A| is needed; the 1 covers rounding
        if new <= (1 - threshold) * max(1, length - size + 1) + 1:
            possible.append(i)
    return possible


def _coded_shingles(codes: list[int], size: int) -> tuple[int, ...]:
    """An int for the shingle that starts at each word, made from the words' CRC-32 codes
    (word_codes) with whole-text operations: equal shingles have equal ints (a few unequal
    ones may share one). The codes are packed as the 32-bit limbs of one integer; shifted
    right by 32 * j bits, its limb i is code i + j, and by 32 * j + r bits (0 < r < 32), it
    holds bits of codes i + j and i + j + 1 only: XORed, those of the shingle's words mix
    them in order."""
    layout = f"<{len(codes)}I"
    whole = int.from_bytes(struct.pack(layout, *codes), "little")
    mixed = whole
    for j in range(1, size):
        mixed ^= (whole >> (32 * j)) ^ (whole >> (32 * (j - 1) + 1 + 7 * j % 31))
    return struct.unpack(layout, mixed.to_bytes(4 * len(codes), "little"))


def _may_match(shingles: list, words_of: list[list[bytes]], lengths: list[int], size: int,
               threshold: float) -> list[int]:
    """The paragraphs that may nearly repeat an earlier one (_may_nearly_repeat over each
    paragraph's shingles, or anything equal shingles share), none if all of them repeat
    one word for word (_only_copies)."""
    possible = _may_nearly_repeat(shingles, lengths, size, threshold)
    if possible and _only_copies(words_of[:possible[-1] + 1], possible):
        return []
    return possible


def _only_copies(paragraphs: list[list[bytes]], possible: list[int]) -> bool:
    """Whether every paragraph that may nearly repeat an earlier one (`possible`, indexes
    into `paragraphs`, each a list of words) repeats one word for word: then none has a
    finding (a paragraph pasted twice is RP101's), and the posting lists need not be built.

    Say copy A of paragraph B (B the first with those words) had a finding: a paragraph C,
    with other words and before A, sharing c >= t * |A| and c >= t * |C| shingles with it
    (see _may_nearly_repeat; a capped posting list only counts fewer). B has A's shingles.
    If C is before B, B shares c >= t * |B| with what precedes it, and may nearly repeat
    too; if C is after B, C shares c >= t * |C| with B, and so does the first paragraph
    with C's words, which is after B or precedes it (then B may nearly repeat again). So a
    paragraph that repeats none word for word may nearly repeat as well, by any test that
    lets through every paragraph sharing that many shingles with the earlier ones."""
    earlier: set[tuple[bytes, ...]] = set()
    scored = set(possible)
    for i, words in enumerate(paragraphs):
        key = tuple(words)
        if i in scored and key not in earlier:
            return False
        earlier.add(key)
    return True


@check("repetition.near-duplicate-paragraph")
def near_duplicate_paragraph(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    min_words = int(params.get("min-words", 25))
    threshold = float(params.get("threshold", 0.45))
    size = int(params.get("shingle-size", 3))
    # A shingle shared by many paragraphs is a stock phrase, not evidence: skipping long
    # posting lists keeps this linear on long documents.
    max_postings = int(params.get("max-postings", 16))
    if max_postings <= 0:
        return  # no posting lists: no paragraph is compared
    prose = article.prose_text
    found = shared_words(article)
    blocks = article.blocks
    paragraphs = [k for k, block in enumerate(blocks) if block.is_prose and found.size(k) >= min_words]
    lengths = list(map(found.size, paragraphs))
    words_of = list(map(found.block, paragraphs))
    # The union test runs over the shingles' codes (_coded_shingles): it lets through
    # every paragraph that a test over the shingles would, and seldom another, which the
    # posting lists then score to no finding.
    codes = _coded_shingles(word_codes(article), size)
    coded = [codes[found.firsts[k]:found.stops[k] - size + 1] for k in paragraphs]
    possible = _may_match(coded, words_of, lengths, size, threshold)
    if not possible:
        return
    # the posting lists are built as far as the last paragraph that may match, and only
    # those paragraphs are scored
    paragraphs = paragraphs[:possible[-1] + 1]
    shingle_sets = [_shingles(words, size) for words in words_of[:len(paragraphs)]]
    scored = set(possible)
    # Only the shingles of a scored paragraph are ever looked up: the other paragraphs
    # index those only (set & set reuses the stored hashes; a shingle is never hashed
    # again). A posting list holds the same paragraphs either way.
    wanted = set().union(*map(shingle_sets.__getitem__, possible))
    # A shingle's posting list is its first paragraph (`first`), then up to max-postings - 1
    # more (`more`): most shingles occur once, and are stored with C-level dict updates.
    first: dict[tuple[bytes, ...], int] = {}
    more: dict[tuple[bytes, ...], list[int]] = {}
    seen: list[tuple[Block, int, list[bytes], int]] = []  # block, shingles, words, block index
    for k, shingles, words in zip(paragraphs, shingle_sets, words_of):
        block = blocks[k]
        index = len(seen)
        best = None
        indexed = shingles if index in scored else shingles & wanted
        shared = first.keys() & indexed
        if shared and index not in scored:
            if max_postings > 1:  # the posting lists only
                again = more.keys() & shared
                for s in again:
                    extra = more[s]
                    if len(extra) + 1 < max_postings:
                        extra.append(index)
                for s in shared - again if again else shared:
                    more[s] = [index]
        elif shared:
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
                other, other_size, other_words, other_k = seen[j]
                similarity = shared_count / (len(shingles) + other_size - shared_count)
                # neither an exact repeat (RP101's) nor a template filled in twice
                if similarity >= threshold and (best is None or similarity > best[0]) \
                        and other_words != words \
                        and not _template(prose, block, other) \
                        and not _in_other_sections(blocks, k, other_k, 1):
                    best = (similarity, other)
        seen.append((block, len(shingles), words, k))
        first.update(dict.fromkeys(indexed - shared if shared else indexed, index))
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
    lines = article.lines
    in_code = _code_test(article)
    reported = -1  # the line of the last finding: it starts no pair (three in a row give one)
    for earlier, line_index in _twin_lines(article):
        if earlier == reported or lines[earlier][0] < article.body_start:
            continue
        # a line in code or raw HTML (or a blank line there) breaks the pair: nested
        # closing tags ("    </div>", "  </div>") are markup, however they are indented
        if any(in_code(_content_start(text, *lines[q])) for q in range(earlier, line_index + 1)):
            continue
        start, end = lines[line_index]
        first_start, first_end = lines[earlier]
        line = text[start:end]
        key = normalise(line)
        if (key == normalise(text[first_start:first_end]) and _HAS_TEXT.search(key)
                and not _TABLE_OR_RULE.match(line)
                and len(WORD_RE.findall(prose, start, end)) <= max_words):
            lead = len(line) - len(line.lstrip())
            yield Hit(start + lead, end, {"lines": _lines(article, start, end),
                                          "first": _lines(article, first_start, first_end),
                                          "found": line.strip()},
                      related=((first_start, first_end, "first occurrence"),))
            reported = line_index


def _content_start(text: str, start: int, end: int) -> int:
    """Where the line at start..end begins after its indentation (start if it is blank)."""
    rest = len(text[start:end].lstrip())
    return end - rest if rest else start


_ASCII_SPACE = b" \t\x0b\x0c\x1c\x1d\x1e\x1f"  # str.isspace() in ASCII, line breaks aside

# What casefolding cannot tell apart from other characters: white space, every byte of a
# character outside ASCII, and the ASCII letters that such a character may fold to ("ß"
# folds to "ss", "ﬁ" to "fi", the Kelvin sign to "k"). Dropped from a lowered text, the
# rest is the same as from its _squeezed() key: texts with equal keys have equal blind
# keys (tests check the letters against every character's casefold()).
_FOLD_LETTERS = b"afhijklnstwy"
_FOLD_BLIND = _ASCII_SPACE + b"\r" + _FOLD_LETTERS + bytes(range(0x80, 0x100))  # line ends aside


def _twin_lines(article: Article) -> list[tuple[int, int]]:
    """(earlier, later) indexes into article.lines of each two non-blank lines with only
    blank lines between them that could be the same line: equal once case is folded and
    all white space dropped (a coarser key than normalise()), as UTF-8. An ASCII line's
    key comes from bytes operations over the whole text; another line is keyed alone
    only when its blind key (see _FOLD_BLIND) is empty (it may be blank) or equals that of
    a line next to it: else it cannot equal one, and its bytes as lowered serve as its key."""
    text = article.text
    data = text.encode("utf-8", "surrogatepass")
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")  # Article.lines' line ends
    lowered = data.lower()
    keys = lowered.translate(None, _ASCII_SPACE).split(b"\n")
    pending: set[int] = set()  # lines outside ASCII keyed by their lowered bytes so far
    if not data.isascii():
        lines = article.lines
        blind = lowered.translate(None, _FOLD_BLIND).split(b"\n")
        for m in _FALSE.finditer(bytes(map(bytes.isascii, keys))):
            i = m.start()
            if blind[i]:
                pending.add(i)
            else:
                keys[i] = _squeezed(text[lines[i][0]:lines[i][1]])
    # a pending line is not blank (its blind key holds a character): its key can wait
    nonblank = list(compress(range(len(keys)), keys))
    if pending:
        near = list(map(blind.__getitem__, nonblank))
        for j in compress(range(len(near) - 1), map(operator.eq, near, near[1:])):
            for i in pending.intersection((nonblank[j], nonblank[j + 1])):
                keys[i] = _squeezed(text[lines[i][0]:lines[i][1]])
    texts = list(map(keys.__getitem__, nonblank))
    same = compress(range(len(texts) - 1), map(operator.eq, texts, texts[1:]))
    return [(nonblank[j], nonblank[j + 1]) for j in same]


def _code_test(article: Article):
    """offset -> whether it lies in code, front matter, a comment or raw HTML."""
    spans = sorted((s.start, s.end) for s in article.nonprose
                   if s.kind in ("code", "frontmatter", "comment", "html"))
    starts = [s for s, _ in spans]
    reach = list(accumulate((e for _, e in spans), max))  # the furthest end so far

    def in_code(offset: int) -> bool:
        i = bisect.bisect_right(starts, offset)
        return i > 0 and reach[i - 1] > offset

    return in_code


# -- RP104 repeated word or phrase --------------------------------------------------------


def _allowed(params: Mapping[str, Any]) -> frozenset[str]:
    entries = params.get("allow-lexicon") or ()
    return frozenset(normalise(e) for e in entries)


def _reduplicating(article: Article, params: Mapping[str, Any]) -> bool:
    """Whether the article is in a language where reduplication is grammar (Vietnamese
    "luôn luôn", Indonesian "anak anak"): the one its front matter, its path or its letters
    say, as readability finds it (most posts declare none)."""
    skip = params.get("skip-languages") or ()
    if not skip:
        return False
    from lint.checks.readability import language

    return language(article, {}).code in skip


@check("repetition.repeated-word")
def repeated_word(article: Article, params: Mapping[str, Any]) -> Iterator[Hit]:
    max_n = int(params.get("max-words", 4))
    text, prose = article.text, article.prose_text
    blocks = article.blocks
    # One search over the words of the whole body (see Words), no repeat across a MARK;
    # candidates outside prose blocks and headings are not looked at.
    shared = shared_words(article)
    starts = _coded_repeat_starts(word_codes(article), shared.flat, max_n, MARK)
    if not starts or _reduplicating(article, params):
        return
    allow = None
    grouped: dict[int, list[int]] = {}
    for at in starts:
        b = shared.block_at(at)
        if b is not None and (blocks[b].is_prose or blocks[b].kind == "heading"):
            grouped.setdefault(b, []).append(at - shared.firsts[b])
    for b, starts in grouped.items():
        block = blocks[b]
        # the block's words up to the last candidate's longest repeat and the word after it
        matches = list(islice(WORD_RE.finditer(prose, block.start, block.end), starts[-1] + 2 * max_n + 1))
        i = -1
        for candidate in starts:
            if candidate < i:
                continue
            i = candidate
            # the block's words around the candidate only: from the one before it to the
            # one after the longest repeat (j is i's index among them)
            skip = max(0, i - 1)
            j = i - skip
            tokens = [(m.start(), m.end(), m.group().casefold()) for m in matches[skip:i + 2 * max_n + 1]]
            found = _doubled_at(tokens, j, max_n, text)
            if found is None:
                continue
            n = found
            first = [t[2] for t in tokens[j:j + n]]
            phrase = text[tokens[j][0]:tokens[j + 2 * n - 1][1]]
            if allow is None:
                allow = _allowed(params)
            if normalise(phrase) in allow or _deliberate(tokens, j, n, text, block.start):
                i += 2 * n
                continue
            start, end = tokens[j][0], tokens[j + 2 * n - 1][1]
            # A word typed twice is a slip; a phrase said twice may be a construction the
            # checks above do not know (a title in lower case, a refrain): its deletion is
            # offered, not applied by --fix alone.
            yield Hit(start, end,
                      {"found": phrase, "what": "word" if n == 1 else "phrase",
                       "single": " ".join(first)},
                      fix=Fix((Edit(tokens[j + n - 1][1], end, ""),),
                              applicability=None if n == 1 else Applicability.UNSAFE))
            i += 2 * n


def _coded_repeat_starts(codes: list[int], words: list[bytes], max_n: int, boundary: bytes) -> list[int]:
    """_repeat_starts over words, with no repeat holding `boundary`, from the words' CRC-32
    codes: the codes packed as 32-bit limbs of one integer, XORed with itself shifted by n
    limbs, have a zero limb where word i equals word i+n, and n zero limbs in a row where
    a run of n words repeats. Equal words have equal codes; two words whose codes happen to
    agree give a candidate more, which the caller checks against the words."""
    packed = array("I", codes).tobytes()
    if len(packed) != 4 * len(codes):  # a platform whose C int is not 32 bits
        return _repeat_starts(words, max_n, folded=True, boundary=boundary)
    whole = int.from_bytes(packed, "little")
    found: set[int] = set()
    for n in range(1, max_n + 1):
        limit = len(packed) - 4 * n  # limbs beyond hold a code XOR nothing
        if limit <= 0:
            break
        xored = ((whole >> (32 * n)) ^ whole).to_bytes(len(packed), "little")
        zeros = bytes(4 * n)
        at = xored.find(zeros, 0, limit)
        while at != -1:
            if at % 4:  # zero bytes across limbs: not a run of equal codes
                at = xored.find(zeros, at + 1, limit)
                continue
            i = at // 4
            if boundary not in words[i:i + 2 * n]:
                found.add(i)
            at = xored.find(zeros, at + 4, limit)
    return sorted(found)


def _repeat_starts(words: list[Any], max_n: int, folded: bool = False,
                   boundary: Any = None) -> list[int]:
    """Indexes i where words[i:i+n] == words[i+n:i+2n] for some n <= max_n (casefolded
    unless they are already), found with C-level comparisons: most blocks have none, and
    the slow checks run only on these. No repeat holds a `boundary` item, if one is given."""
    if not folded:
        words = list(map(str.casefold, words))
    found: set[int] = set()
    for n in range(1, max_n + 1):
        equal = bytes(map(operator.eq, words, words[n:]))
        run = b"\x01" * n
        at = equal.find(run)
        while at != -1:
            if boundary is None or boundary not in words[at:at + 2 * n]:
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


# "X and X", "one by one", "day after day": with the link word once more before or after,
# they read as a doubled two-word phrase
_IDIOM_LINKS = frozenset({"and", "or", "by", "after"})


def _deliberate(tokens: list[tuple[int, int, str]], i: int, n: int, text: str,
                block_start: int) -> bool:
    words = tokens[i:i + 2 * n]
    if n == 1 and (words[0][2].isdigit() or (len(words[0][2]) == 1 and words[0][2] != "a")):
        return True  # "10 10" is a score or a table cell; "l l", "o o" are layout
    if n == 2 and (words[1][2] in _IDIOM_LINKS or words[0][2] in _IDIOM_LINKS):
        # "again and again and without": the idiom "again and again", then a clause; "more
        # diverse and more and more companies", "another task and another and another"
        return True
    if text[words[0][0] - 1:words[0][0]] in ("-", "/", ".", "_", ":"):
        # "--vault vault", "-name name": an option and its argument; "async_context
        # context", "v8::Function::Call call": the first copy ends a name
        return True
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
    if any(_capitalised(text[s:e]) for s, e, _ in words[1:n]):
        # "for Measure for Measure", "tickets for Love for Love": a capital inside a phrase
        # marks a title or a name the phrase runs into, which may well hold its first word
        return True
    # "no no no", "on and on and on": a third copy is rhetoric, not a slip; so is a third
    # copy with another particle on the same stem (Korean "요약에 요약에 요약을")
    after = tokens[i + 2 * n] if i + 2 * n < len(tokens) else None
    if after is not None and _same_stem(after[2], words[0][2]) and not text[words[-1][1]:after[0]].strip():
        return True
    before = tokens[i - 1] if i > 0 else None
    if before is not None and _same_stem(before[2], words[n - 1][2]) and not text[before[1]:words[0][0]].strip():
        return True
    return False


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and word != "I"  # the pronoun is no sign of a name


# Scripts that write a particle or an ending on its word, with no space: Hangul syllables,
# Hiragana. Elsewhere a different last letter makes another word ("and and any").
_PARTICLE = re.compile(r"[\uac00-\ud7a3\u3040-\u309f]{0,2}")


def _same_stem(word: str, other: str) -> bool:
    """The same word, or the same stem with other particles of at most two syllables and
    no longer than the stem ("사과가" and "사랑을" share a syllable, not a stem)."""
    if word == other:
        return True
    stem = len(commonprefix((word, other)))
    longest_ending = max(len(word), len(other)) - stem
    return (0 < stem and longest_ending <= stem
            and _PARTICLE.fullmatch(word, stem) is not None and _PARTICLE.fullmatch(other, stem) is not None)


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
