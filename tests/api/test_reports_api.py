"""Uploading a yearly quality report over the REST API: the upload is checked at once (400 with the
file's name and nothing stored when it cannot become a report), accepted with 202 and a status
address, processed by the background job (in-process in tests), and its figures are listed with
where in the report each came from. The same file twice is one report."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from reporting.models import Figure, Report
from tasks_registry.models import Jurisdiction

REPORTS = "/api/v1/reports/"
FIGURES = "/api/v1/figures/"

# Written for these tests in the genre of a city's 职业教育质量年度报告: prose, then an annex table.
KAIFENG_2023 = """开封市职业教育质量年度报告

（2023 年度）

开封市教育局

一、基本情况

2023 年，全市共有中等职业学校 21 所，在校生 4.6 万人，专任教师 2380 人。

二、服务贡献

全年开展职业技能培训 5.2 万人次，比上年增加 0.4 万人次；取证 1.8 万人。2024 年计划培训 6 万人次。

附表 1

人才培养质量计分卡

名称：河南省开封市(410200)

序号	指标	单位	2023年
1	毕业生人数	人	14210
2	其中：毕业生升学人数	人	8120
"""

# Reports whose title names no place: they cannot be placed unless the uploader says whose they are.
NO_PLACE_2023 = """职业教育质量年度报告

（2023 年度）

一、基本情况

全市共有中等职业学校 9 所，在校生 1.2 万人。
"""
YEAR_ONLY_TITLE = """2023年职业教育质量年度报告

一、基本情况

全市共有中等职业学校 9 所，在校生 1.2 万人。
"""


def line_of(text: str, fragment: str) -> int:
    [line] = [n for n, row in enumerate(text.split("\n"), start=1) if fragment in row]
    return line


def report_file(name: str, text: str | bytes) -> SimpleUploadedFile:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/plain")


def stored_files() -> list[Path]:
    media = Path(django_settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content.decode()
    body = response.json()
    assert list(body) == ["error"]
    error = body["error"]
    assert set(error) == {"status", "code", "message", "fields"}
    assert error["status"] == status
    assert is_chinese(error["message"]), error["message"]
    return error


@pytest.fixture
def upload(clients, reference_data, django_capture_on_commit_callbacks):
    """POST a report as ``role``; the background job runs when the request's transaction commits."""

    def send(name: str, text: str | bytes, *, role: str = "staff", **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return clients[role].post(
                REPORTS, {"file": report_file(name, text), **fields}, format="multipart"
            )

    return send


# ---------------------------------------------------------------------------------------------
# Accepted


@pytest.mark.django_db
def test_an_upload_is_accepted_with_202_and_its_status_url_shows_it_done_with_figures(
    upload, clients
):
    before = Report.objects.count()

    response = upload("开封市2023年质量报告.txt", KAIFENG_2023)

    assert response.status_code == 202, response.content.decode()
    body = response.json()
    assert body["duplicate"] is False
    assert is_chinese(body["message"])
    assert body["status_url"] == f"http://testserver{REPORTS}{body['id']}/"
    assert response["Location"] == body["status_url"]
    assert Report.objects.count() == before + 1

    status = clients["staff"].get(body["status_url"])

    assert status.status_code == 200
    report = status.json()
    assert (report["status"], report["status_display"]) == ("done", "已完成"), report["message"]
    assert report["jurisdiction"]["name"] == "开封市"
    assert (report["year"], report["title"], report["original_name"]) == (
        2023,
        "开封市职业教育质量年度报告",
        "开封市2023年质量报告.txt",
    )
    assert report["figure_count"] == Figure.objects.filter(report_id=body["id"]).count() >= 7
    assert report["linked_count"] >= 7
    assert report["message"].startswith(f"识别 {report['figure_count']} 个数据")
    assert report["figures_url"] == f"http://testserver{FIGURES}?report={body['id']}"


@pytest.mark.django_db
def test_the_reports_figures_are_listed_with_where_each_came_from(upload, clients):
    report_id = upload("开封市2023年质量报告.txt", KAIFENG_2023).json()["id"]

    response = clients["office"].get(FIGURES, {"report": report_id, "page_size": 100})

    assert response.status_code == 200
    body = response.json()
    rows = body["results"]
    assert body["count"] == len(rows) == Figure.objects.filter(report_id=report_id).count()
    assert {r["report"] for r in rows} == {report_id}
    seen = {
        (r["indicator"]["code"] if r["indicator"] else None, r["kind"], Decimal(str(r["value"]))): r
        for r in rows
    }

    training_line = line_of(KAIFENG_2023, "5.2 万人次")
    training = seen[("training_sessions", "actual", Decimal("52000"))]
    assert (training["line"], training["table_row"], training["unit"], training["year"]) == (
        training_line,
        None,
        "人次",
        2023,
    )
    assert "5.2 万人次" in training["text"]
    assert training["kind_display"] and is_chinese(training["kind_display"])
    assert training["jurisdiction"]["name"] == "开封市"

    planned = seen[("training_sessions", "plan", Decimal("60000"))]
    assert (planned["line"], planned["year"]) == (training_line, 2024)

    change = seen[("training_sessions", "change", Decimal("4000"))]
    assert change["line"] == training_line

    graduates = seen[("graduates", "actual", Decimal("14210"))]
    assert (graduates["line"], graduates["table_row"]) == (line_of(KAIFENG_2023, "毕业生人数"), 1)
    assert graduates["table_title"]

    enrollment = seen[("enrollment", "actual", Decimal("46000"))]
    assert (enrollment["line"], enrollment["table_row"]) == (
        line_of(KAIFENG_2023, "在校生 4.6 万人"),
        None,
    )


@pytest.mark.django_db
def test_the_figures_list_of_one_report_leaves_out_other_reports(upload, clients, world):
    report_id = upload("开封市2023年质量报告.txt", KAIFENG_2023).json()["id"]

    rows = clients["staff"].get(FIGURES, {"report": report_id, "page_size": 100}).json()["results"]

    assert world.figure.pk not in {r["id"] for r in rows}


@pytest.mark.django_db
def test_the_same_bytes_uploaded_again_answer_200_as_a_duplicate_and_make_no_second_report(upload):
    first = upload("开封市2023年质量报告.txt", KAIFENG_2023).json()
    count = Report.objects.count()
    figures = Figure.objects.count()

    again = upload("另一个名字.txt", KAIFENG_2023, role="supervisor")

    assert again.status_code == 200, again.content.decode()
    body = again.json()
    assert (body["duplicate"], body["id"], body["status"]) == (True, first["id"], "done")
    assert body["status_url"] == first["status_url"]
    assert "已上传过" in body["message"]
    assert Report.objects.count() == count
    assert Figure.objects.count() == figures


@pytest.mark.django_db
def test_the_uploader_can_name_the_entity_when_the_title_does_not(upload, clients):
    response = upload("年度报告.txt", NO_PLACE_2023, entity="开封市")

    assert response.status_code == 202, response.content.decode()
    report = clients["staff"].get(response.json()["status_url"]).json()
    assert report["status"] == "done", report["message"]
    assert (report["jurisdiction"]["name"], report["year"]) == ("开封市", 2023)


@pytest.mark.django_db
def test_the_uploader_can_give_the_year(upload, clients):
    response = upload("开封市报告.txt", KAIFENG_2023.replace("（2023 年度）", ""), year=2023)

    assert response.status_code == 202, response.content.decode()
    report = clients["staff"].get(response.json()["status_url"]).json()
    assert (report["status"], report["year"]) == ("done", 2023), report["message"]


# ---------------------------------------------------------------------------------------------
# Refused: 400 naming the file, nothing stored


# Refused in the request: what is cheap to tell (size, empty, type). Reading the file is the
# worker's job: one that cannot be read is accepted and ends 失败 with the reason (FAILED below).
REFUSED = [
    pytest.param("开封市2023年报告.txt", b"", "文件是空的", id="empty"),
    pytest.param("开封市2023年报告.exe", b"MZ\x90\x00", "不支持的文件类型", id="wrong-type"),
]
FAILED = [
    pytest.param(
        "开封市2023年报告.txt", bytes(range(0x80, 0x100)) * 8, "无法识别文件编码", id="undecodable"
    ),
    pytest.param("开封市2023年报告.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", "PDF", id="pdf"),
    pytest.param("年度报告.txt", YEAR_ONLY_TITLE.encode(), "报告主体", id="entity-not-recognised"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), REFUSED)
def test_a_file_that_cannot_become_a_report_is_refused_with_its_name_and_nothing_is_stored(
    upload, name, data, reason
):
    before = Report.objects.count()

    response = upload(name, data)

    error = error_of(response, 400)
    assert name in error["message"]
    assert reason in error["message"]
    assert list(error["fields"]) == ["file"]
    assert error["fields"]["file"][0].startswith(f"{name}：")
    assert Report.objects.count() == before
    assert stored_files() == []


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data", "reason"), FAILED)
def test_a_file_that_cannot_be_read_is_accepted_and_its_status_says_failed_with_the_reason(
    upload, clients, name, data, reason
):
    response = upload(name, data)

    assert response.status_code == 202, response.content.decode()
    report = clients["staff"].get(response.json()["status_url"]).json()
    assert (report["status"], report["status_display"]) == ("failed", "失败")
    assert report["message"].startswith(f"{name}：")
    assert reason in report["message"]
    assert Figure.objects.filter(report_id=report["id"]).count() == 0


@pytest.mark.django_db
def test_a_failed_report_uploaded_again_with_its_entity_is_processed_again(upload, clients):
    first = upload("年度报告.txt", YEAR_ONLY_TITLE)
    assert clients["staff"].get(first.json()["status_url"]).json()["status"] == "failed"

    again = upload("年度报告.txt", YEAR_ONLY_TITLE, entity="开封市")

    assert again.status_code == 202, again.content.decode()
    assert again.json()["id"] == first.json()["id"]
    report = clients["staff"].get(again.json()["status_url"]).json()
    assert report["status"] == "done", report["message"]
    assert report["jurisdiction"]["name"] == "开封市"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title",
    [
        "职业教育质量年度报告（2023年度）",
        "中等职业教育质量年度报告（2023年度）",
        "本市职业教育质量年度报告（2023年度）",
    ],
    ids=["zhiye-jiaoyu", "zhongdeng", "benshi"],
)
def test_a_report_whose_title_names_no_place_is_refused_rather_than_filed_under_a_made_up_place(
    upload, title
):
    """“职业教育”, “中等” and “本市” are not the names of a city, county or school."""
    before = (Report.objects.count(), Jurisdiction.objects.count())

    response = upload(
        "年度报告.txt", f"{title}\n\n一、基本情况\n\n全市共有中等职业学校 9 所，在校生 1.2 万人。\n"
    )

    assert response.status_code == 202, response.content.decode()
    report = Report.objects.get(pk=response.json()["id"])
    assert report.get_status_display() == "失败"
    assert "年度报告.txt" in report.message
    assert "报告主体" in report.message
    assert (report.jurisdiction, Jurisdiction.objects.count()) == (None, before[1])


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_with_its_name(upload, settings):
    settings.REPORT_MAX_BYTES = 100
    before = Report.objects.count()

    response = upload("开封市2023年质量报告.txt", KAIFENG_2023)

    error = error_of(response, 400)
    assert "开封市2023年质量报告.txt" in error["message"]
    assert "超过上限" in error["message"]
    assert Report.objects.count() == before
    assert stored_files() == []


@pytest.mark.django_db
def test_a_file_over_the_size_limit_is_refused_before_it_is_read_into_memory(
    clients, reference_data, settings, monkeypatch
):
    from django.core.files.uploadedfile import InMemoryUploadedFile
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(
        BOUNDARY, {"file": report_file("开封市2023年质量报告.txt", KAIFENG_2023)}
    )

    def never(self):
        raise AssertionError("an oversize upload was read")

    monkeypatch.setattr(InMemoryUploadedFile, "read", property(never))  # what the server received
    settings.REPORT_MAX_BYTES = 100

    error = error_of(clients["staff"].post(REPORTS, data=body, content_type=MULTIPART_CONTENT), 400)

    assert "开封市2023年质量报告.txt" in error["message"] and "超过上限" in error["message"]


@pytest.mark.django_db
def test_an_upload_without_a_file_is_refused_naming_the_field(clients, reference_data):
    before = Report.objects.count()

    response = clients["staff"].post(REPORTS, {"entity": "开封市"}, format="multipart")

    error = error_of(response, 400)
    assert list(error["fields"]) == ["file"]
    assert Report.objects.count() == before


@pytest.mark.django_db
def test_an_out_of_range_year_is_refused_naming_the_field(upload):
    before = Report.objects.count()

    response = upload("开封市2023年质量报告.txt", KAIFENG_2023, year=1990)

    error = error_of(response, 400)
    assert list(error["fields"]) == ["year"]
    assert Report.objects.count() == before


@pytest.mark.django_db
def test_the_supervision_office_cannot_upload_a_report(upload):
    before = Report.objects.count()

    response = upload("开封市2023年质量报告.txt", KAIFENG_2023, role="office")

    error_of(response, 403)
    assert Report.objects.count() == before
    assert stored_files() == []


@pytest.mark.django_db
def test_an_anonymous_caller_cannot_upload_a_report(upload):
    before = Report.objects.count()

    response = upload("开封市2023年质量报告.txt", KAIFENG_2023, role="anonymous")

    error_of(response, 401)
    assert Report.objects.count() == before
