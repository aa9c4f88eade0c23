"""The zip-bomb guard: an Office package is refused from its directory alone when it would
unpack to far more than any task list or report, before anything is decompressed."""

import io
import zipfile

import pytest

from policytext.formats import DocumentError
from policytext.formats.limits import check_zip
from policytext.formats.sheet import read_xlsx
from policytext.formats.word import read_docx
from tests.policytext.formats.office_support import tasklist_docx

MB = 1024 * 1024


def _bomb(megabytes: int) -> bytes:
    """A package shaped like a .docx whose document part is ``megabytes`` of zeros: written in
    chunks, it compresses to about a thousandth of that and never sits in memory whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b'<?xml version="1.0"?><Types/>')
        with archive.open("word/document.xml", "w") as member:
            chunk = bytes(MB)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb(300)


def test_a_zip_bomb_docx_is_refused_before_it_is_unpacked(bomb):
    assert len(bomb) < 2 * MB
    with pytest.raises(DocumentError) as refused:
        read_docx(bomb)
    assert str(refused.value) == "文件解压后过大（约 300 MB），可能已损坏或被构造，拒绝读取"


def test_a_zip_bomb_xlsx_is_refused_the_same_way(bomb):
    with pytest.raises(DocumentError, match=r"文件解压后过大（约 300 MB）"):
        read_xlsx(bomb)


def test_a_large_member_compressed_beyond_the_ratio_is_refused_under_the_total():
    with pytest.raises(DocumentError) as refused:
        read_docx(_bomb(20))
    message = str(refused.value)
    assert message.startswith("文件解压后过大（其中 word/document.xml 约 20 MB，压缩比约 ")
    assert message.endswith("），可能已损坏或被构造，拒绝读取")


def test_the_limits_are_parameters():
    with pytest.raises(DocumentError, match="过大"):
        check_zip(tasklist_docx(), max_total=1000, max_ratio=100)
    check_zip(tasklist_docx(), max_total=10 * MB, max_ratio=100)


def test_an_ordinary_word_file_passes_the_guard():
    assert read_docx(tasklist_docx()).lines


def test_data_that_is_not_a_zip_is_left_to_the_reader_to_call_damaged():
    check_zip(b"not a zip at all", max_total=MB, max_ratio=100)
