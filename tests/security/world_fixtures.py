"""The API tests' small world (tests/api/conftest.py) and a token client per role, for the
security tests that need them: ``from tests.security.world_fixtures import …_fixture``."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.api.conftest import ROLES, World, token_client, world_build


@pytest.fixture(name="world")
def world_fixture(db) -> World:
    cache.clear()  # throttling counts live in the cache; tests must not share them
    return world_build()


@pytest.fixture(name="clients")
def clients_fixture(world: World) -> dict[str, APIClient]:
    return {role: token_client(world.users.get(role)) for role in ROLES}
