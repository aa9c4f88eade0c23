"""Review of progress entries (tasks_registry.services): nobody reviews their own entry, whichever
way they reach the service (admin, workbench, API)."""

import pytest
from django.core.exceptions import PermissionDenied

from tasks_registry import services
from tasks_registry.models import ProgressStatus
from tests.factories import ProgressEntryFactory, SupervisorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_entry():
    # An administrator who also belongs to a department can both record and review.
    author = UserFactory.create(is_superuser=True)
    entry = ProgressEntryFactory.create(
        created_by=author, department=author.department, status=ProgressStatus.SUBMITTED
    )
    return author, entry


def test_an_author_may_not_approve_their_own_entry(own_entry):
    author, entry = own_entry

    with pytest.raises(PermissionDenied, match="不能审核自己填报的内容"):
        services.progress_entry_approve(entry=entry, by=author)

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED and entry.reviewed_by is None


def test_an_author_may_not_return_their_own_entry(own_entry):
    author, entry = own_entry

    with pytest.raises(PermissionDenied, match="不能退回自己填报的内容"):
        services.progress_entry_return(entry=entry, by=author, comment="数据有误")

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.SUBMITTED and entry.review_comment == ""


def test_another_supervisor_approves_it(own_entry):
    _, entry = own_entry
    reviewer = SupervisorFactory.create()

    services.progress_entry_approve(entry=entry, by=reviewer)

    entry.refresh_from_db()
    assert entry.status == ProgressStatus.APPROVED and entry.reviewed_by == reviewer
