import csv, io
import pytest
from django.urls import get_resolver, reverse
pytestmark = pytest.mark.django_db

def test_explore(world, clients):
    ns = get_resolver().namespace_dict["api"][1]
    names = sorted(k for k in ns.reverse_dict if isinstance(k, str) and k.endswith("-list"))
    print(names)
    for n in names:
        r = clients["supervisor"].get(reverse(f"api:{n}"), {"format": "csv"})
        print(n, r.status_code, r["Content-Disposition"])
        print(r.content.decode("utf-8-sig").splitlines()[0])
