"""신구조문대비표: the old/new article comparison every revision of a 자치법규 carries.

A pure function of two versions' articles. Articles are matched by their number (제3조, 제3조의2);
an article only in the old version is deleted (개정안 column: ``<삭 제>``), one only in the new
version is added (현행 column: ``<신 설>``), and in an article whose text changed the phrases that
differ are marked on both sides (underlined in the documents) — words removed in the 현행 column,
words written in the 개정안 column. Unchanged articles are left out, as the tables do, unless asked
for (then the 개정안 column reads ``(현행과 같음)``).

Words are compared (split on spaces, line breaks kept), as a reader of a 대비표 compares them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

ADDED_MARK = "<신 설>"
DELETED_MARK = "<삭 제>"
SAME_MARK = "(현행과 같음)"
BREAK = "\n"  # a line break between paragraphs (항·호), kept as a word of its own

_NUMBER = re.compile(r"^제(\d+)조(?:의(\d+))?$")
_TOKEN = re.compile(r"\n|[^\s]+")


@dataclass(frozen=True)
class Article:
    """One article: its number (``제3조``, ``제3조의2``), its heading (``목적``) and its text; the
    text's lines are its paragraphs (항) and items (호)."""

    number: str
    title: str = ""
    text: str = ""

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Article:
        return cls(
            number=str(data["number"]).strip(), title=str(data.get("title", "")).strip(), text=data["text"]
        )

    def to_data(self) -> dict[str, str]:
        return {"number": self.number, "title": self.title, "text": self.text}

    @property
    def full_text(self) -> str:
        heading = f"{self.number}({self.title})" if self.title else self.number
        return f"{heading} {self.text}".strip()


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False  # a changed phrase: underlined in the documents


@dataclass(frozen=True)
class Row:
    """One row of the table: the article's number, its change and both columns as segments."""

    number: str
    change: str  # "changed" | "added" | "deleted" | "unchanged"
    old: tuple[Segment, ...]
    new: tuple[Segment, ...]

    @property
    def old_text(self) -> str:
        return "".join(s.text for s in self.old)

    @property
    def new_text(self) -> str:
        return "".join(s.text for s in self.new)


CHANGE_LABELS = {"changed": "개정", "added": "신설", "deleted": "삭제", "unchanged": "현행과 같음"}


def article_key(number: str) -> tuple[int, int, str]:
    """Sort key of an article number: 제3조 < 제3조의2 < 제4조; unknown shapes after the numbered ones."""
    match = _NUMBER.match(number.replace(" ", ""))
    if not match:
        return (10**6, 0, number)
    return (int(match.group(1)), int(match.group(2) or 0), "")


def valid_article_number(number: str) -> bool:
    return bool(_NUMBER.match(number.replace(" ", "")))


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _segments(tokens: list[str], flags: list[bool]) -> tuple[Segment, ...]:
    """Rebuild text from words (one space between words, none around line breaks), merging runs of the
    same flag; the spaces between a marked and an unmarked word belong to the unmarked side."""
    parts: list[Segment] = []
    for i, (word, flag) in enumerate(zip(tokens, flags, strict=True)):
        if i > 0 and word != BREAK and tokens[i - 1] != BREAK:
            same = flags[i - 1] == flag
            parts.append(Segment(" ", flag if same else False))
        parts.append(Segment(word, flag))
    merged: list[Segment] = []
    for part in parts:
        if merged and merged[-1].marked == part.marked:
            merged[-1] = Segment(merged[-1].text + part.text, part.marked)
        else:
            merged.append(part)
    return tuple(merged)


def phrase_diff(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Both texts as segments, the words that differ marked."""
    a, b = _tokens(old), _tokens(new)
    old_flags, new_flags = [True] * len(a), [True] * len(b)
    matcher = SequenceMatcher(a=a, b=b, autojunk=False)
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            old_flags[block.a + k] = False
            new_flags[block.b + k] = False
    return _segments(a, old_flags), _segments(b, new_flags)


def compare(
    old: list[Article] | list[dict[str, Any]],
    new: list[Article] | list[dict[str, Any]],
    *,
    include_unchanged: bool = False,
) -> list[Row]:
    """The comparison table of two versions, in article order."""
    olds = {a.number: a for a in (_article(x) for x in old)}
    news = {a.number: a for a in (_article(x) for x in new)}
    rows: list[Row] = []
    for number in sorted(olds.keys() | news.keys(), key=article_key):
        before, after = olds.get(number), news.get(number)
        if before is None and after is not None:
            rows.append(Row(number, "added", (Segment(ADDED_MARK),), (Segment(after.full_text, True),)))
        elif after is None and before is not None:
            rows.append(Row(number, "deleted", (Segment(before.full_text, True),), (Segment(DELETED_MARK),)))
        elif before is not None and after is not None:
            if before.full_text == after.full_text:
                if include_unchanged:
                    rows.append(Row(number, "unchanged", (Segment(before.full_text),), (Segment(SAME_MARK),)))
                continue
            old_segments, new_segments = phrase_diff(before.full_text, after.full_text)
            rows.append(Row(number, "changed", old_segments, new_segments))
    return rows


def _article(value: Article | dict[str, Any]) -> Article:
    return value if isinstance(value, Article) else Article.from_data(value)


def phrase_pattern(phrase: str, *, regex: bool = False) -> re.Pattern[str]:
    """The search pattern: the phrase as written, or a regular expression (``만\\s?(\\d+)세``)."""
    return re.compile(phrase if regex else re.escape(phrase))


def replace_phrase(
    articles: list[dict[str, Any]], phrase: str, replacement: str, *, regex: bool = False
) -> tuple[list[dict[str, str]], int]:
    """The articles with every occurrence of ``phrase`` replaced (a bulk revision's draft) and how many
    places changed. Headings count too. With ``regex``, ``replacement`` may use groups (``\\1세``)."""
    pattern = phrase_pattern(phrase, regex=regex)
    if not regex:
        replacement = replacement.replace("\\", "\\\\")
    out, count = [], 0
    for data in articles:
        article = _article(data)
        title, n_title = pattern.subn(replacement, article.title)
        text, n_text = pattern.subn(replacement, article.text)
        count += n_title + n_text
        out.append({"number": article.number, "title": title, "text": text})
    return out, count
