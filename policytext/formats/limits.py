"""Limits applied to an uploaded file before a reader opens it.

An Office file (.docx, .xlsx) is a zip package, and a small upload can unpack to gigabytes (a
"zip bomb"). The sizes are read from the zip's directory only, before anything is decompressed;
that is enough because Python's zipfile, which python-docx and openpyxl read through, never hands
out more bytes for a member than its directory entry declares (a member that inflates further
fails its CRC check instead).
"""

from __future__ import annotations

import io
import zipfile

from . import DocumentError

MAX_UNPACKED = 200 * 1024 * 1024  # a real task list or report unpacks to a few MB
MAX_RATIO = 100.0  # XML compresses 5–20:1; zeros or repeated text compress 1000:1
# A small member may compress very well (an empty styles part); only a large one is suspicious.
RATIO_FLOOR = 10 * 1024 * 1024


def check_not_empty(data: bytes) -> None:
    """Refuse a file of 0 bytes, which every reader would otherwise call damaged."""
    if not data:
        raise DocumentError("文件为空（0 字节），请检查文件后重新上传")


def check_zip(data: bytes, *, max_total: int, max_ratio: float) -> None:
    """Refuse a zip package that unpacks to more than ``max_total`` bytes in all, or has a member
    over 10 MB that is compressed more than ``max_ratio`` to one.

    Data that is not a zip at all passes: the reader that opens it says the file is damaged, in
    its own words (Word, Excel)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return
    total = sum(member.file_size for member in members)
    if total > max_total:
        raise DocumentError(f"文件解压后过大（约 {_size(total)}），可能已损坏或被构造，拒绝读取")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR and ratio > max_ratio:
            raise DocumentError(
                f"文件解压后过大（其中 {member.filename} 约 {_size(member.file_size)}，"
                f"压缩比约 {ratio:.0f}:1），可能已损坏或被构造，拒绝读取"
            )


def _size(n: int) -> str:
    if n >= 1024**3:
        return f"{n / 1024**3:.1f} GB"
    if n >= 10 * 1024**2:
        return f"{n / 1024**2:.0f} MB"
    if n >= 1024**2:
        return f"{n / 1024**2:.1f} MB"
    return f"{max(n // 1024, 1)} KB"
