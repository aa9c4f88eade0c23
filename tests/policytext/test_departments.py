import pytest


@pytest.mark.parametrize(
    "written", ["市人社局", "市人力资源和社会保障局", "市人力资源社会保障局", "洛阳市人社局"]
)
def test_short_forms_resolve_to_one_official_name(catalogue, written):
    resolved = catalogue.resolve(written)
    assert resolved.known and resolved.name == "市人力资源和社会保障局"


def test_it_splits_a_cell_and_separates_groups(catalogue):
    bodies = catalogue.split("市教育局、市人社局，各县（市、区）人民政府，有关职业院校")
    assert [b.name for b in bodies] == [
        "市教育局",
        "市人力资源和社会保障局",
        "各县区人民政府",
        "有关院校",
    ]
    assert [b.kind for b in bodies][-2:] == ["group", "group"]


def test_deng_closes_one_name_and_opens_a_group(catalogue):
    bodies = catalogue.split("市财政局等市直有关部门")
    assert [b.name for b in bodies] == ["市财政局", "市直有关部门"]


def test_run_together_names_are_split_when_every_piece_is_known(catalogue):
    bodies = catalogue.split("市发展和改革委员会市教育局等市直有关部门")
    assert [b.name for b in bodies] == ["市发展和改革委员会", "市教育局", "市直有关部门"]


def test_an_unknown_name_is_kept_as_written_and_marked(catalogue):
    (body,) = catalogue.split("市复建办")
    assert (body.name, body.known) == ("市复建办", False)


def test_a_lead_marker_is_not_part_of_the_name(catalogue):
    bodies = catalogue.split("市教育局（牵头）、市财政局")
    assert [b.name for b in bodies] == ["市教育局", "市财政局"]


def test_higher_education_is_not_split_at_deng(catalogue):
    (body,) = catalogue.split("南阳医学高等专科学校")
    assert body.name == "南阳医学高等专科学校"
