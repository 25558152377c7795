"""Exports: the committee's decision list (XLSX, personal data masked) and the payment file for the
bank's bulk transfer (대량이체: CSV in CP949, the encoding Korean banking portals read; one row per
payee with bank code, account number, holder, amount and the memo shown on the payee's statement).
The payment file must carry the full account number (the bank cannot pay a masked one): it carries
no resident number, only 정책기획과 can download it, and every download is audited."""

from __future__ import annotations

import csv
import io

from cityhall.core.exports import Sheet, workbook

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
                personal.decrypt(app.account_number),
                app.account_holder or app.name,
                app.decided_amount,
                f"김포시군소음보상{year.year}",
            ]
        )
        count += 1
        total += app.decided_amount or 0
    return out.getvalue().encode("cp949"), count, total
