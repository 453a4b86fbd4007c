"""The ledger's search terms: the one rule that turns case text and typed queries into terms.

A term is two neighbouring characters of one run of letters or digits (any script, so the
run 矛盾纠纷 gives 矛盾 盾纠 纠纷 and the number LJ-2026-000123 gives lj, 20 02 26, 00 00
00 01 12 23). ASCII letters are lowercased; nothing else changes length or shape. A case's
term stream keeps the order, with a gap token between runs and fields.

A text that holds a query as a substring holds each of the query's runs as an unbroken
phrase of terms, so the index finds a superset of the old `LIKE '%text%'` matches and the
store keeps `LIKE` as the exact check on that set; where the phrase alone is exact (see
`is_exact`) the store may skip it. A query without a term (one character, punctuation) has
no index help and is `LIKE` alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def normalise(text: str) -> str:
    """ASCII lowercase only: same length, so positions and substrings are kept."""
    return text.translate(_ASCII_LOWER)


def runs(text: str) -> Iterator[str]:
    """Maximal runs of letters and digits (CJK characters are letters)."""
    start = -1
    for i, ch in enumerate(text):
        if ch.isalnum():
            if start < 0:
                start = i
        elif start >= 0:
            yield text[start:i]
            start = -1
    if start >= 0:
        yield text[start:]


def _bigrams(run: str) -> list[str]:
    return [run[i : i + 2] for i in range(len(run) - 1)]


def terms(text: str) -> list[str]:
    """The distinct bigrams of `text`'s runs, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in runs(normalise(text)):
        for term in _bigrams(run):
            seen.setdefault(term, None)
    return list(seen)


# Between runs and fields: one token no query term equals (terms have two characters), so
# a run of terms at neighbouring positions is one unbroken piece of one field.
GAP = "z"


def index_body(fields: Iterable[str | None]) -> str:
    """The stored term stream of a case: every run's bigrams in order, runs apart by `GAP`."""
    out: list[str] = []
    for field in fields:
        for run in runs(normalise(field or "")):
            if len(run) > 1:
                out.extend(_bigrams(run))
                out.append(GAP)
    return " ".join(out)


def case_body(title: str, summary: str | None, number: str) -> str:
    """The term stream of a case's searchable fields (title, summary, number)."""
    return index_body((title, summary, number))


def query_terms(query: str) -> list[str]:
    """The distinct terms a query needs; empty when the index cannot narrow it down."""
    return terms(query.strip())


def query_phrases(query: str) -> list[list[str]]:
    """Per run of two or more characters, its bigrams in order: each must appear unbroken."""
    return [_bigrams(run) for run in runs(normalise(query.strip())) if len(run) > 1]


def is_exact(query: str) -> bool:
    """True when the query's phrase appearing means it is a substring, as `LIKE` sees it in
    a store that ignores ASCII case only (SQLite).

    That is two or more characters, each an ASCII letter or digit or a CJK ideograph
    (U+3400-U+9FFF): those the FTS tokenizer takes as they are, folding ASCII case only.
    """
    q = query.strip()
    return len(q) >= 2 and all(
        (ch.isascii() and ch.isalnum()) or "\u3400" <= ch <= "\u9fff" for ch in q
    )
