"""신구조문대비표: hand-worked comparisons of two versions, word by word."""

from cityhall.legal.comparison import (
    ADDED_MARK,
    DELETED_MARK,
    SAME_MARK,
    Segment,
    article_key,
    compare,
    phrase_diff,
    replace_phrase,
)

OLD = [
    {"number": "제1조", "title": "목적", "text": "이 조례는 김포시 청년 지원에 관한 사항을 정한다."},
    {"number": "제3조", "title": "지원대상", "text": "시장은 만 65세 이상인 사람에게 교통비를 지원한다."},
    {"number": "제4조", "title": "위원회", "text": "위원회를 둔다."},
]
NEW = [
    {"number": "제1조", "title": "목적", "text": "이 조례는 김포시 청년 지원에 관한 사항을 정한다."},
    {"number": "제3조", "title": "지원대상", "text": "시장은 65세 이상인 사람에게 교통비를 지원한다."},
    {"number": "제3조의2", "title": "협력", "text": "시장은 관계 기관과 협력한다."},
]


def test_the_changed_word_is_marked_on_the_old_side_only():
    rows = compare(OLD, NEW)
    assert [(r.number, r.change) for r in rows] == [
        ("제3조", "changed"),
        ("제3조의2", "added"),
        ("제4조", "deleted"),
    ]
    changed = rows[0]
    assert changed.old == (
        Segment("제3조(지원대상) 시장은 "),
        Segment("만", True),
        Segment(" 65세 이상인 사람에게 교통비를 지원한다."),
    )
    assert changed.new == (Segment("제3조(지원대상) 시장은 65세 이상인 사람에게 교통비를 지원한다."),)


def test_added_and_deleted_articles_carry_the_table_marks():
    rows = {r.number: r for r in compare(OLD, NEW)}
    assert rows["제3조의2"].old_text == ADDED_MARK == "<신 설>"
    assert rows["제3조의2"].new == (Segment("제3조의2(협력) 시장은 관계 기관과 협력한다.", True),)
    assert rows["제4조"].old == (Segment("제4조(위원회) 위원회를 둔다.", True),)
    assert rows["제4조"].new_text == DELETED_MARK == "<삭 제>"


def test_unchanged_articles_are_left_out_unless_asked_for():
    assert "제1조" not in [r.number for r in compare(OLD, NEW)]
    rows = compare(OLD, NEW, include_unchanged=True)
    assert rows[0].number == "제1조" and rows[0].change == "unchanged"
    assert rows[0].new_text == SAME_MARK


def test_a_replaced_phrase_is_marked_on_both_sides():
    old, new = phrase_diff("위원은 5명 이내로 구성한다.", "위원은 7명 이상 9명 이내로 구성한다.")
    assert old == (Segment("위원은 "), Segment("5명", True), Segment(" 이내로 구성한다."))
    assert new == (Segment("위원은 "), Segment("7명 이상 9명", True), Segment(" 이내로 구성한다."))


def test_line_breaks_between_paragraphs_are_kept():
    old, new = phrase_diff("① 가\n② 나", "① 가\n② 다")
    assert "".join(s.text for s in old) == "① 가\n② 나"
    assert new == (Segment("① 가\n② "), Segment("다", True))


def test_article_order_puts_branch_articles_after_their_parent():
    numbers = ["제10조", "제2조의2", "제2조", "제1조"]
    assert sorted(numbers, key=article_key) == ["제1조", "제2조", "제2조의2", "제10조"]


def test_replace_phrase_counts_each_place_and_uses_groups():
    articles = [
        {"number": "제3조", "title": "지원", "text": "만 65세 이상 또는 만19세 미만인 사람"},
        {"number": "제4조", "title": "", "text": "해당 없음"},
    ]
    out, count = replace_phrase(articles, r"만\s?(\d+)세", r"\1세", regex=True)
    assert count == 2
    assert out[0]["text"] == "65세 이상 또는 19세 미만인 사람"
    assert out[1]["text"] == "해당 없음"
    # A literal phrase is taken as written (a backslash in the replacement stays one).
    out, count = replace_phrase(articles, "해당 없음", r"a\1")
    assert (out[1]["text"], count) == (r"a\1", 1)
