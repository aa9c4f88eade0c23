"""The people the reporting tests sign in as: a supervisor and a 市教育局 clerk."""

import pytest

from accounts.models import Role, User
from tasks_registry.models import Department
from tests.factories import SupervisorFactory, UserFactory


@pytest.fixture
def supervisor(reference_data) -> User:
    return SupervisorFactory.create(username="duban")


@pytest.fixture
def staff(reference_data) -> User:
    return UserFactory.create(
        username="jiaoyu",
        department=Department.objects.get(name="市教育局"),
        role=Role.DEPARTMENT_STAFF,
        is_staff=True,
    )
