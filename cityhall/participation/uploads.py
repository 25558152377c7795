"""What a proposal's attachment may be: a JPEG, PNG or PDF up to 5 MB, recognised by its first bytes
(the name and the browser's claimed type are not trusted), never anything executable or scriptable
(PDFs with JavaScript or launch actions are refused). Pure: bytes in, a verdict out."""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 5
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"%PDF-", "application/pdf", (".pdf",)),
)
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|OpenAction|AA)\b")


def safe_name(name: str) -> str:
    """The file's base name without paths, control characters or anything but a plain name."""
    name = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    name = re.sub(r"[^\w.\- ()가-힣]", "_", name).strip(" .")
    return name[:120] or "file"


def check(name: str, data: bytes) -> tuple[str, str]:
    """(safe name, content type), or ValueError with a Korean message saying what is wrong."""
    shown = safe_name(name)
    if not data:
        raise ValueError(_("'%(name)s': 빈 파일입니다.") % {"name": shown})
    if len(data) > MAX_BYTES:
        raise ValueError(
            _("'%(name)s': 파일이 너무 큽니다 (%(size)s MB, 5 MB까지).")
            % {"name": shown, "size": f"{len(data) / 1024 / 1024:.1f}"}
        )
    for magic, content_type, suffixes in SIGNATURES:
        if data.startswith(magic):
            if not shown.lower().endswith(suffixes):
                raise ValueError(
                    _("'%(name)s': 파일 이름의 확장자가 내용(%(type)s)과 다릅니다.")
                    % {"name": shown, "type": content_type}
                )
            if content_type == "application/pdf" and PDF_ACTIVE.search(data):
                raise ValueError(
                    _("'%(name)s': 스크립트나 실행 동작이 든 PDF는 받을 수 없습니다.") % {"name": shown}
                )
            return shown, content_type
    raise ValueError(_("'%(name)s': JPEG, PNG, PDF 파일만 올릴 수 있습니다.") % {"name": shown})
