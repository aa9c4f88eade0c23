"""Uploaded files: what their bytes must look like, and how they are handed out.

Nothing under MEDIA_ROOT is ever served from a public address (MEDIA_URL): every uploaded file is
reached through a download view of the app it belongs to, which first asks that app's selectors
whether the user may see the record, and answers 404 otherwise. This module holds what those
views share:

- ProtectedFileField, whose ``.url`` is that download view, so the admin's widgets, read-only
  fields and templates link to it and never to /media/;
- file_response, the answer: always an attachment, its type from an allow-list, nosniff, and the
  bytes sent by Django, or by nginx (X-Accel-Redirect) or Apache (X-Sendfile) per FILE_SERVE;
  each download recorded in the audit trail (audit.services.audit_record);
- content_mismatch, the check that a file's bytes are what its extension says (magic bytes).
"""

from __future__ import annotations

import codecs
import unicodedata
import zipfile
from typing import IO, Any
from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.urls import reverse

from audit.models import AuditAction
from audit.services import audit_record

# Content types a download may carry. Anything else (.html, .svg, .zip, .md, …) goes out as
# application/octet-stream, so that no browser renders or runs it, whatever it contains.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "doc": "application/msword",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
OCTET_STREAM = "application/octet-stream"


def extension_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def content_type_for(name: str) -> str:
    return CONTENT_TYPES.get(extension_of(name), OCTET_STREAM)


# ---------------------------------------------------------------------------------------------
# Is the content what the extension says?

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003 .doc and Excel .xls (compound file)
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
# The part every Word or Excel file of the Office Open XML format contains.
_OOXML_PART = {"docx": ("word/", "Word"), "xlsx": ("xl/", "Excel")}
_HEAD = 64 * 1024


def content_mismatch(*, name: str, fh: IO[bytes]) -> str | None:
    """Why the bytes of ``fh`` are not a file of the type ``name``'s extension says, in Chinese,
    or None when they are (or when the extension has no known signature). Reads the first 64 KB,
    and for .docx/.xlsx the zip's directory only (never a member, so a zip bomb costs nothing
    here); leaves ``fh`` at its start."""
    extension = extension_of(name)
    fh.seek(0)
    head = fh.read(_HEAD)
    try:
        if extension == "pdf":
            # The header may follow a little junk (the PDF reference allows 1024 bytes).
            return None if b"%PDF-" in head[:1024] else "不是 PDF 文件（开头没有 %PDF 标记）"
        if extension in ("doc", "xls"):
            kind = "Word 97-2003" if extension == "doc" else "Excel 97-2003"
            return None if head.startswith(_OLE) else f"不是 {kind} 文件"
        if extension in _OOXML_PART:
            part, kind = _OOXML_PART[extension]
            if not head.startswith(_ZIP):
                return f"不是 {kind} 文件（.{extension} 应为 zip 格式）"
            fh.seek(0)
            try:
                names = zipfile.ZipFile(fh).namelist()
            except (zipfile.BadZipFile, OSError, ValueError):
                return f"{kind} 文件已损坏，无法读取"
            return None if any(n.startswith(part) for n in names) else f"不是 {kind} 文件"
        if extension == "zip":
            return None if head.startswith(_ZIP) else "不是 zip 压缩文件"
        if extension == "png":
            return None if head.startswith(_PNG) else "不是 PNG 图片"
        if extension in ("jpg", "jpeg"):
            return None if head.startswith(_JPEG) else "不是 JPEG 图片"
        if extension == "txt":
            return _text_mismatch(head)
        return None
    finally:
        fh.seek(0)


def _text_mismatch(head: bytes) -> str | None:
    if b"\x00" in head:
        return "不是文本文件（含二进制内容）"
    for encoding in ("utf-8-sig", "gb18030"):
        # Incremental, so that a character cut at the 64 KB boundary is not an error.
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
            return None
        except UnicodeDecodeError:
            continue
    return "不是 UTF-8 或 GBK 编码的文本"


# ---------------------------------------------------------------------------------------------
# Links: a file field whose .url is its download view


class ProtectedFieldFile(FieldFile):
    @property
    def url(self) -> str:
        """The download view of the record holding the file, never MEDIA_URL: what the admin's
        file widget, read-only fields and templates link to."""
        if not self.name:
            raise ValueError(f"“{self.field.name}”没有文件")  # as FieldFile.url says it
        if self.instance.pk is None:
            return ""
        field = self.field
        assert isinstance(field, ProtectedFileField)
        return reverse(field.download_view, args=[self.instance.pk])


class ProtectedFileField(models.FileField):
    """A FileField served only through ``download_view`` (a URL name taking the record's pk)."""

    attr_class = ProtectedFieldFile

    def __init__(self, *args: Any, download_view: str = "", **kwargs: Any) -> None:
        self.download_view = download_view
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        # Stored exactly as a FileField: how a file is linked is no business of the schema, so
        # migrations (and the history tables) keep seeing a plain FileField.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.FileField", args, kwargs


# ---------------------------------------------------------------------------------------------
# The answer


def download_name(name: str) -> str:
    """A file name fit for a header: its last path part, without control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c for c in base if unicodedata.category(c)[0] != "C").strip()
    return cleaned or "file"


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one per RFC 5987 (filename*), which
    every current browser prefers, so that 双师型认定名单.pdf is saved under its Chinese name."""
    ascii_name = "".join(c for c in filename if c.isascii() and c not in '"\\;').strip()
    if not ascii_name or ascii_name.startswith("."):
        extension = extension_of(filename)
        ascii_name = f"file.{extension}" if extension.isascii() and extension else "file"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def file_response(
    *, request: HttpRequest, record: models.Model, file: FieldFile, filename: str
) -> HttpResponseBase:
    """Hand out ``file`` of ``record`` (already checked to be the user's to see) as a download
    named ``filename``, recorded in the audit trail. 404 if the file is not on disk."""
    filename = download_name(filename)
    content_type = content_type_for(filename)
    name = file.name or ""
    mode = settings.FILE_SERVE
    response: HttpResponseBase
    if mode == "django":
        try:
            handle = file.storage.open(name, "rb")
        except (OSError, ValueError) as exc:
            raise Http404("文件不存在或已被删除") from exc
        response = FileResponse(handle, content_type=content_type)
    else:
        if not name or not file.storage.exists(name):
            raise Http404("文件不存在或已被删除")
        response = HttpResponse(content_type=content_type)
        if mode == "x-accel":
            # nginx sends the bytes from its `internal` location (unescaping the URI); Django
            # only decided who may.
            prefix = settings.X_ACCEL_PREFIX.rstrip("/")
            response["X-Accel-Redirect"] = f"{prefix}/{quote(name)}"
        else:
            # Percent-encoded, as mod_xsendfile unescapes it (XSendFileUnescape, on by default):
            # a header carries no Chinese name as it stands.
            response["X-Sendfile"] = quote(file.path)
    # Recorded before a byte goes out: a download the trail cannot hold is not made.
    audit_record(
        action=AuditAction.DOWNLOAD,
        request=request,
        obj=record,
        detail={"file": filename, "path": request.path, "serve": mode},
    )
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Even were a browser to open it in place, nothing in it may run or reach anything.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    # The file is this user's to see, not a shared cache's to keep.
    response["Cache-Control"] = "private, no-store"
    return response
