"""导入台账 on the workbench as a department clerk uses it: the upload form, the template, the
preview (nothing written), 确认导入 (written once, through the services), and the refusals."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import AuditAction, AuditEvent
from tasks_registry import services
from tasks_registry.models import ProgressEntry
from tests.factories import ProgressEntryFactory, SupervisorFactory
from tests.tasks_registry.test_ledger import World, ledger_xlsx

pytestmark = pytest.mark.django_db

URL = reverse("workbench:ledger")


def text(response) -> str:
    """What the page says, tags dropped, whitespace folded: what a person reads."""
    body = response.content.decode()
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def upload(data: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


def hidden(response, name: str) -> str:
    m = re.search(rf'name="{name}" value="([^"]+)"', response.content.decode())
    assert m, f"no hidden {name} on the page"
    return m.group(1)


@pytest.fixture
def world() -> World:
    return World()


@pytest.fixture
def clerk(world, client) -> Client:
    client.force_login(world.clerk)
    return client


@pytest.fixture
def rows(world) -> list[list[object]]:
    """One new value, one change of a draft (500 万元 → 600 万元), one refused row."""
    ProgressEntryFactory(target=world.money, created_by=world.clerk, value=Decimal("5000000"))
    return [
        [world.share.pk, "", "", 2023, "", "", "41.2%", "全市“双师型”教师 1680 人"],
        [world.money.pk, "", "", 2023, "", "", "600", "到位 600 万元"],
        [world.finance_target.pk, "", "", 2023, "", "", "50", ""],
    ]


def test_the_upload_form_names_the_format_and_columns(clerk):
    response = clerk.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert "Excel 工作簿（.xlsx）" in page
    for column in ("目标编号 或 任务序号", "年度", "季度", "完成值", "进展情况", "县区"):
        assert column in page
    assert f'href="{URL}?template=1"' in response.content.decode()


def test_the_template_is_the_departments_targets_and_its_export_is_audited(clerk, world):
    from openpyxl import load_workbook

    response = clerk.get(URL, {"template": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert world.share.label in labels and world.finance_target.label not in labels
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.detail["rows"] == len(labels)


def test_the_preview_shows_each_row_and_writes_nothing(clerk, rows):
    before = list(ProgressEntry.objects.values_list("pk", "value", "narrative"))
    response = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    page = text(response)
    assert response.status_code == 200
    assert "共 3 行：将新建 1 条、修改 1 条，拒绝 1 条。尚未写入任何数据" in page
    assert "新建草稿" in page and "41.2%" in page
    assert "500 万元 → 600 万元" in page
    assert "工作表“台账”第 4 行" in page
    assert "不属于本部门的任务" in page
    assert "保存为草稿" in page
    body = response.content.decode()
    assert '<table class="wb" id="ledger-rows">' in body
    assert 'data-label="说明"' in body
    assert ">确认导入</button>" in body
    assert list(ProgressEntry.objects.values_list("pk", "value", "narrative")) == before


def test_confirming_imports_the_accepted_rows_once(clerk, rows, world):
    preview = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    confirm = {"token": hidden(preview, "token"), "sha256": hidden(preview, "sha256")}
    response = clerk.post(URL, confirm, follow=True)
    assert "已导入 2 条（新建 1，修改 1），拒绝 1 条" in text(response)
    assert "草稿" in text(response)
    created = ProgressEntry.objects.get(target=world.share)
    assert (created.department, created.created_by, created.value) == (
        world.education,
        world.clerk,
        Decimal("41.2"),
    )
    assert ProgressEntry.objects.get(target=world.money).value == Decimal("6000000")
    assert ProgressEntry.objects.count() == 2

    again = clerk.post(URL, confirm)  # the same confirmation sent twice (a double click)
    assert again.status_code == 400
    assert "该预览已失效" in text(again)
    assert ProgressEntry.objects.count() == 2


def test_another_departments_clerk_cannot_confirm_someone_elses_preview(clerk, rows, world):
    preview = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    confirm = {"token": hidden(preview, "token"), "sha256": hidden(preview, "sha256")}
    other = Client()
    other.force_login(world.finance_clerk)
    response = other.post(URL, confirm)
    assert response.status_code == 400
    assert "该预览已失效（已导入、已过期或不是您上传的）" in text(response)
    assert not ProgressEntry.objects.filter(target=world.share).exists()


def test_a_wrong_file_hash_is_not_confirmed(clerk, rows, world):
    preview = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    response = clerk.post(URL, {"token": hidden(preview, "token"), "sha256": "0" * 64})
    assert response.status_code == 400
    assert not ProgressEntry.objects.filter(target=world.share).exists()


def test_a_failure_on_import_writes_nothing_and_says_why(clerk, rows, world, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"value": "完成值不合理"})

    monkeypatch.setattr(services, "progress_entry_update", refuse)
    preview = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    response = clerk.post(
        URL, {"token": hidden(preview, "token"), "sha256": hidden(preview, "sha256")}
    )
    assert response.status_code == 409
    assert "工作表“台账”第 3 行：完成值不合理。整个台账未导入" in text(response)
    assert not ProgressEntry.objects.filter(target=world.share).exists()
    assert ProgressEntry.objects.get(target=world.money).value == Decimal("5000000")


def test_a_change_since_the_preview_asks_to_confirm_again(clerk, rows, world):
    preview = clerk.post(URL, {"file": upload(ledger_xlsx(rows))})
    draft = ProgressEntry.objects.get(target=world.money)
    services.progress_entry_submit(entry=draft, by=world.clerk)
    response = clerk.post(
        URL, {"token": hidden(preview, "token"), "sha256": hidden(preview, "sha256")}
    )
    page = text(response)
    assert "自预览以来部分填报的状态发生了变化" in page
    assert "该期填报已提交审核，不能修改" in page
    assert not ProgressEntry.objects.filter(target=world.share).exists()
    # The new preview has its own token, and confirming it imports what it now says.
    confirmed = clerk.post(
        URL, {"token": hidden(response, "token"), "sha256": hidden(response, "sha256")}, follow=True
    )
    assert "已导入 1 条（新建 1，修改 0），拒绝 2 条" in text(confirmed)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("台账.pdf", b"%PDF-1.4\n%%EOF\n", "不是 Excel .xlsx 文件"),
        ("台账.xlsx", b"PK\x03\x04 broken", "无法打开 Excel 文件"),
    ],
)
def test_a_file_that_is_not_a_ledger_is_refused_in_chinese(clerk, name, data, message):
    response = clerk.post(URL, {"file": upload(data, name)})
    assert response.status_code == 400
    assert f"无法导入“{name}”" in text(response) and message in text(response)


def test_an_empty_file_is_refused_in_chinese(clerk):
    response = clerk.post(URL, {"file": upload(b"")})
    assert response.status_code == 400
    assert "文件是空的（0 字节），请检查后重新上传" in text(response)


def test_a_zip_bomb_is_refused(clerk):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (11 * 1024 * 1024))
    response = clerk.post(URL, {"file": upload(out.getvalue())})
    assert response.status_code == 400
    assert "文件解压后过大" in text(response)


def test_posting_without_a_file_asks_for_one(clerk):
    response = clerk.post(URL, {})
    assert response.status_code == 400
    assert "请选择要上传的台账文件" in text(response)


def test_a_supervisor_is_told_the_ledger_is_for_department_staff(client, world):
    client.force_login(SupervisorFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert ProgressEntry.objects.count() == 0
