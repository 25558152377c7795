"""Exports: the committee's decision list (XLSX, personal data masked) and the payment file for the
bank's bulk transfer (대량이체: CSV in CP949, the encoding Korean banking portals read; one row per
payee with bank code, account number, holder, amount and the memo shown on the payee's statement).
The payment file must carry the full account number (the bank cannot pay a masked one): it carries
no resident number, only 정책기획과 can download it, and every download is audited."""

from __future__ import annotations

import csv
import io

from cityhall.core import personal_data
from cityhall.core.exports import HwpxReport, Sheet, workbook

from . import personal, selectors
from .models import CompensationYear


def decisions_xlsx(year: CompensationYear) -> bytes:
    rows = selectors.application_rows(year)
    sheet = Sheet(
        title="심의결정",
        note=(
            f"{year.year}년 군소음 피해 보상금 지급대상 및 보상금액 (지역소음대책심의위원회)"
            " · 개인정보 마스킹"
        ),
        headers=[
            "접수번호",
            "성명",
            "주민등록번호",
            "구역",
            "전입일",
            "상태",
            "산정액(원)",
            "결정액(원)",
            "예시",
        ],
        rows=[
            [
                r.number,
                r.name,
                r.resident_number,
                f"{r.zone}종",
                r.moved_in_on.isoformat(),
                r.status_label,
                r.computed_amount,
                r.decided_amount,
                "예시" if r.sample else "",
            ]
            for r in rows
        ],
    )
    total = sum(r.decided_amount or 0 for r in rows)
    summary = Sheet(title="합계", headers=["인원", "결정액 합계(원)"], rows=[[len(rows), total]])
    return workbook([sheet, summary])


def decisions_hwpx(year: CompensationYear) -> bytes:
    """The committee's decision list as a 한글 document (agenda attachment), personal data masked."""
    rows = selectors.application_rows(year)
    report = HwpxReport()
    report.title(f"{year.year}년 군소음 피해 보상금 지급대상 및 보상금액(안)")
    report.paragraph(
        f"{year.area} · 보상 대상 기간 {year.residence_year}.1.1.~12.31. · 규칙표 {year.rule_version.code}"
        + (" · 예시 자료" if year.sample else "")
    )
    report.heading("1. 구역별 현황")
    zones = selectors.zone_totals(year)
    report.table(
        ["구역", "인원", "금액(원)"],
        [[f"{z.zone}종", z.applicants, z.amount] for z in zones]
        + [["합계", sum(z.applicants for z in zones), sum(z.amount for z in zones)]],
        widths=[2, 1, 2],
    )
    report.heading("2. 지급대상자 (개인정보 마스킹)")
    report.table(
        ["접수번호", "성명", "구역", "전입일", "상태", "금액(원)"],
        [
            [
                r.number,
                r.name,
                f"{r.zone}종",
                r.moved_in_on.isoformat(),
                r.status_label,
                r.decided_amount if r.decided_amount is not None else r.computed_amount,
            ]
            for r in rows
        ],
        widths=[1, 1, 1, 2, 1, 2],
    )
    return report.to_bytes()


PAYMENT_HEADERS = ["은행코드", "은행명", "계좌번호", "예금주", "이체금액", "받는분통장표시"]


def payments_csv(year: CompensationYear) -> tuple[bytes, int, int]:
    """The bank file, its row count and total."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(PAYMENT_HEADERS)
    count = total = 0
    for app in selectors.payment_rows(year):
        writer.writerow(
            [
                app.bank_code,
                personal.BANKS.get(app.bank_code, ""),
                personal_data.decrypt(app.account_number),
                app.account_holder or app.name,
                app.decided_amount,
                f"김포시군소음보상{year.year}",
            ]
        )
        count += 1
        total += app.decided_amount or 0
    return out.getvalue().encode("cp949"), count, total
