"""Data migrations of reporting: figures stored before their precision was (0004) get it from the
number as written in their sentence or table row."""

from __future__ import annotations

import importlib
from decimal import Decimal as D

import pytest
from django.apps import apps

from reporting.models import Figure, FigureMethod
from tests.factories import FigureFactory

precision_0004 = importlib.import_module("reporting.migrations.0004_figure_precision")


@pytest.mark.django_db
def test_figures_stored_before_precision_get_it_from_the_number_as_written():
    prose = FigureFactory(value=D("80000"), text="全市中等职业学校在校生 8 万人，办学规模稳定。")
    drop = FigureFactory(value=D("-3000"), text="毕业生 2.1 万人，比上年减少 0.3 万人。")
    row = FigureFactory(
        value=D("32607500"),
        text="5 | 年财政专项拨款 | 万元 | 3260.75",
        method=FigureMethod.TABLE,
    )
    bracketed = FigureFactory(
        value=D("14300"), text="3 | 在校生（万人） | 1.43", method=FigureMethod.TABLE
    )
    matrix = FigureFactory(
        value=D("14300"), text="合计 | 5 | 1.43", method=FigureMethod.TABLE, label="在校生（万人）"
    )
    share = FigureFactory(
        value=D("41.2"), text="2 | “双师型”教师占比 | % | 41.2", method=FigureMethod.TABLE
    )
    corrected = FigureFactory(value=D("78412"), text="全市中职在校生 7.8 万人。")
    ratio = FigureFactory(value=D("18.2"), text="生师比 18.2:1。", method=FigureMethod.RATIO)

    precision_0004.fill_precision(apps, None)

    def precision(figure: Figure) -> D:
        figure.refresh_from_db()
        return figure.precision

    assert precision(prose) == D("5000")
    assert precision(drop) == D("500")
    assert precision(row) == D("50")  # 3260.75 万元: to the hundredth of 万
    assert precision(bracketed) == D("50")
    assert precision(share) == D("0.05")
    assert precision(corrected) == 0  # a reviewer's value: not in the text, exact
    assert precision(ratio) == 0  # a ratio is computed, not written
    # A unit in a matrix table's column header is not in the row: read as exact.
    assert precision(matrix) == 0
