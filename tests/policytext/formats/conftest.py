import pytest

from tests.policytext.formats.office_support import (
    annex_xlsx,
    soffice_convert,
    tasklist_docx,
    tasklist_xlsx,
)


@pytest.fixture(scope="session")
def as_doc(tmp_path_factory) -> dict[str, bytes]:
    """The Word test documents saved as .doc by LibreOffice (one run for all of them)."""
    return soffice_convert({"清单.docx": tasklist_docx()}, "doc", tmp_path_factory.mktemp("doc"))


@pytest.fixture(scope="session")
def as_xls(tmp_path_factory) -> dict[str, bytes]:
    """The workbooks saved as .xls by LibreOffice (one run for all of them)."""
    return soffice_convert(
        {"清单.xlsx": tasklist_xlsx(), "报告.xlsx": annex_xlsx()},
        "xls",
        tmp_path_factory.mktemp("xls"),
    )
