"""Limits applied to an uploaded file before a reader opens it.

An Office file (.docx, .xlsx) is a zip package, and a small upload can unpack to gigabytes (a
"zip bomb"). The sizes are read from the zip's directory only, before anything is decompressed;
that is enough because Python's zipfile, which python-docx and openpyxl read through, never hands
out more bytes for a member than its directory entry declares (a member that inflates further
fails its CRC check instead).
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat

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


# libxml2's XML_ERR_NO_MEMORY: lxml raises XMLSyntaxError with this code (and the text "unknown
# error") when an allocation fails mid-parse, as it does under a memory cap.
_LIBXML_NO_MEMORY = 2
_EXPAT_NO_MEMORY = expat.errors.codes[expat.errors.XML_ERROR_NO_MEMORY]


@contextlib.contextmanager
def failures_are_the_files(refusal: Callable[[Exception], DocumentError]) -> Iterator[None]:
    """Around a reader opening an untrusted file: whatever it raises is the file's fault, said as
    ``refusal(exc)``; except a refused allocation (a memory cap, config.memory), which is the
    caller's to report and is raised as MemoryError, however the parser it happened in said it.
    Without this a big file under the cap was, now and then, called damaged."""
    try:
        yield
    except MemoryError:
        raise
    except Exception as exc:
        if _allocation_failed(exc):
            raise MemoryError(f"读取文件时内存分配失败（{type(exc).__name__}）") from exc
        raise refusal(exc) from exc


def _allocation_failed(exc: BaseException) -> bool:
    from lxml import etree  # python-docx and openpyxl's parser

    seen: BaseException | None = exc
    for _ in range(5):  # the failure itself, or what a library wrapped it in
        if seen is None:
            return False
        if isinstance(seen, etree.XMLSyntaxError) and seen.code == _LIBXML_NO_MEMORY:
            return True
        if isinstance(seen, expat.ExpatError) and seen.code == _EXPAT_NO_MEMORY:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
