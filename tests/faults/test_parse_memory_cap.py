"""Reading an upload in a job may grow its process by at most JOB_PARSE_MEMORY_MB
(config/memory.py): a .docx small on disk whose XML costs far more to parse ends 失败 with the
reason, leaves no file and no figure, and the process's own limit is back as it was afterwards
(the worker goes on)."""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import zipfile

import pytest
from lxml import etree

from config.memory import ParseMemoryExceeded, parse_memory_capped
from policytext.formats import DocumentError
from policytext.formats.word import read_docx
from reporting import services
from reporting.models import Report
from tests.conftest import ROOT
from tests.document_builders import docx_from_text

pytestmark = pytest.mark.skipif(
    not hasattr(resource, "RLIMIT_AS"), reason="RLIMIT_AS 仅在 Linux 上可用"
)


def heavy_docx(megabytes: int) -> bytes:
    """Our own one-paragraph report, its body swollen to ``megabytes`` of XML paragraphs of varied
    characters: it compresses about 3:1 (fastest deflate), so neither the size nor the zip-bomb
    ratio refuses it, while python-docx needs many times its size in memory to read it."""
    small = docx_from_text("洛宁县职业教育质量年度报告（2023 年度）\n全县中职在校生 3200 人。")
    rng = random.Random(16)
    alphabet = "职业教育质量年度报告学校专业教师学生培训就业实训基地产教融合校企合作"
    paragraph = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"
    parts, size = [], 0
    while size < megabytes * 1024 * 1024:
        text = "".join(rng.choices(alphabet, k=200))
        parts.append(paragraph.format(text))
        size += len(parts[-1].encode())
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(small)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                body = data.decode()
                end = body.rindex("<w:sectPr")  # after our paragraphs, before the page setup
                data = (body[:end] + "".join(parts) + body[end:]).encode()
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
    return out.getvalue()


# Run in a process of its own: a process that has parsed big files before keeps their freed memory
# mapped, and reusing it does not count against the cap; a fresh worker child starts as this does.
PROCESS = """
import json, resource
from reporting import services
from reporting.models import Figure
before = resource.getrlimit(resource.RLIMIT_AS)
data = open({path!r}, "rb").read()
report, created = services.report_upload_create(
    name="洛宁县2023年报告.docx", data=data, enqueue=False
)
stored = report.file.name
services.report_process(report_id=report.pk)
report.refresh_from_db()
print(json.dumps({{
    "created": created, "status": report.get_status_display(), "message": report.message,
    "file_left": report.file.storage.exists(stored), "file_name": report.file.name,
    "figures": Figure.objects.count(),
    "limit_restored": resource.getrlimit(resource.RLIMIT_AS) == before,
    "grows_again": len(bytearray(256 * 1024 * 1024)) > 0,
}}, ensure_ascii=False))
"""


def test_a_report_too_costly_to_read_ends_failed_with_no_file_and_the_limit_restored(tmp_path):
    path = tmp_path / "heavy.docx"
    path.write_bytes(heavy_docx(24))
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
        "CELERY_BROKER_URL": "memory://",
        "JOB_PARSE_MEMORY_MB": "64",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    manage("migrate", "--verbosity", "0")
    outcome = json.loads(manage("shell", "-c", PROCESS.format(path=str(path))).splitlines()[-1])

    assert outcome["created"] and outcome["status"] == "失败"
    assert outcome["message"].startswith(
        "洛宁县2023年报告.docx：文件内容过大：读取它所需的内存超过上限（64 MB）"
    )
    assert not outcome["file_left"] and outcome["file_name"] == ""
    assert outcome["figures"] == 0
    assert outcome["limit_restored"] and outcome["grows_again"]


@pytest.mark.django_db
def test_a_refused_report_uploaded_again_is_stored_anew_and_read(reference_data):
    # Refused (no entity in its title): its file is not kept; the same file uploaded again with
    # the entity named is stored again and read.
    data = docx_from_text("职业教育质量年度报告（2023 年度）\n全县中职在校生 3200 人。")
    report, _ = services.report_upload_create(name="报告.docx", data=data, enqueue=False)
    stored = report.file.name
    services.report_process(report_id=report.pk)
    report.refresh_from_db()
    assert report.get_status_display() == "失败" and "报告主体" in report.message
    assert not report.file.name and not report.file.storage.exists(stored)

    again, retried = services.report_upload_create(
        name="报告.docx", data=data, entity="洛宁县", enqueue=False
    )
    assert retried and again.pk == report.pk
    assert again.file.storage.exists(again.file.name)
    services.report_process(report_id=report.pk)

    done = Report.objects.get(pk=report.pk)
    assert done.get_status_display() == "已完成", done.message
    assert done.figures.exists()


def test_the_cap_turns_a_failed_allocation_into_its_message_and_restores_the_limit(settings):
    settings.JOB_PARSE_MEMORY_MB = 32
    before = resource.getrlimit(resource.RLIMIT_AS)

    with pytest.raises(ParseMemoryExceeded, match="超过上限（32 MB）"), parse_memory_capped():
        bytearray(512 * 1024 * 1024)

    assert resource.getrlimit(resource.RLIMIT_AS) == before


@pytest.mark.parametrize(
    "refused",
    [
        # what lxml raises when libxml2 cannot allocate mid-parse (seen reading a .docx under a
        # 80 MB cap): the text says nothing, the code is XML_ERR_NO_MEMORY
        pytest.param(lambda: etree.XMLSyntaxError("unknown error", 2, 0, 0), id="libxml2"),
        pytest.param(lambda: MemoryError("Unable to allocate output buffer."), id="python"),
    ],
)
def test_an_allocation_refused_inside_a_reader_is_the_caps_message_not_a_damaged_file(
    settings, monkeypatch, refused
):
    settings.JOB_PARSE_MEMORY_MB = 256
    report = docx_from_text("洛宁县职业教育质量年度报告（2023 年度）")

    def open_under_the_cap(stream):
        raise refused()

    monkeypatch.setattr("docx.Document", open_under_the_cap)
    with pytest.raises(ParseMemoryExceeded, match="超过上限（256 MB）"), parse_memory_capped():
        read_docx(report)


def test_a_malformed_part_is_still_the_files_fault(monkeypatch):
    report = docx_from_text("洛宁县职业教育质量年度报告（2023 年度）")

    def malformed(stream):
        raise etree.XMLSyntaxError("Opening and ending tag mismatch: b line 1 and a", 76, 1, 11)

    monkeypatch.setattr("docx.Document", malformed)
    with pytest.raises(DocumentError, match="无法打开 Word 文件"):
        read_docx(report)
