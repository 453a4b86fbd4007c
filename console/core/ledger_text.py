"""The ledger's search terms: the one rule that turns case text and typed queries into terms.

A term is two neighbouring characters of one run of letters or digits (any script, so a CJK
run of 矛盾纠纷 gives 矛盾 盾纠 纠纷 and the number LJ-2026-000123 gives lj 20 02 26 00 01 12
23). ASCII letters are lowercased; nothing else changes length or shape. Every piece of text
that contains a query as a substring therefore holds all the query's terms, so the index
finds a superset of the old `LIKE '%text%'` matches and the store keeps `LIKE` on that small
set as the exact check. A query without a term (one character, punctuation) has no index
help and falls back to `LIKE` alone.
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


def terms(text: str) -> list[str]:
    """The distinct bigrams of `text`'s runs, in order of first appearance."""
    seen: dict[str, None] = {}
    for run in runs(normalise(text)):
        for i in range(len(run) - 1):
            seen.setdefault(run[i : i + 2], None)
    return list(seen)


def index_body(fields: Iterable[str | None]) -> str:
    """The stored term list of a case: each field on its own, so no term spans two fields."""
    seen: dict[str, None] = {}
    for field in fields:
        for term in terms(field or ""):
            seen.setdefault(term, None)
    return " ".join(seen)


def case_body(title: str, summary: str | None, number: str) -> str:
    """The term list of a case's searchable fields (title, summary, number)."""
    return index_body((title, summary, number))


def query_terms(query: str) -> list[str]:
    """The terms a query needs; empty when the index cannot narrow it down."""
    return terms(query.strip())


def is_exact_term(query: str) -> bool:
    """True when holding the query's one term means containing the query, as `LIKE` sees it.

    That is a query of exactly two letters or digits whose case no folding can change
    (CJK, digits, or already lowercase ASCII): then the index alone gives the exact answer
    on a store whose `LIKE` ignores ASCII case.
    """
    q = query.strip()
    if len(q) != 2 or not all(ch.isalnum() for ch in q):
        return False
    return all(ch.isascii() or ch.lower() == ch.upper() for ch in q)
