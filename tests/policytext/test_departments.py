import pytest


@pytest.mark.parametrize("written", ["市人社局", "市人力资源和社会保障局", "市人力资源社会保障局"])
def test_short_forms_resolve_to_one_official_name(catalogue, written):
    resolved = catalogue.resolve(written)
    assert resolved.known and resolved.name == "市人力资源和社会保障局"


def test_a_city_named_before_a_body_is_that_citys_body(catalogue):
    other = catalogue.resolve("洛阳市人社局")
    assert (other.name, other.known, other.kind) == ("洛阳市人社局", False, "municipal")
    own = catalogue.resolve("洛阳市人社局", place="洛阳市")
    assert (own.name, own.known) == ("市人力资源和社会保障局", True)


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("省人社厅", "省人力资源社会保障厅"),
        ("省人力资源和社会保障厅", "省人力资源社会保障厅"),
        ("省发展和改革委员会", "省发展改革委"),
        ("团省委", "团省委"),
        ("县教体局", "县教育体育局"),
        ("县人社局", "县人力资源和社会保障局"),
        ("团县委", "共青团县委"),
    ],
)
def test_province_and_county_bodies_are_in_the_catalogue(catalogue, written, name):
    resolved = catalogue.resolve(written)
    assert resolved.known and resolved.name == name


@pytest.mark.parametrize(
    ("written", "level", "name"),
    [
        ("教育厅", "province", "省教育厅"),
        ("教体局", "county", "县教育体育局"),
        ("财政局", "city", "市财政局"),
    ],
)
def test_a_name_without_level_word_is_read_at_the_plans_level(catalogue, written, level, name):
    assert catalogue.resolve(written, level=level).name == name


@pytest.mark.parametrize(
    ("written", "of"),
    [
        ("山西省发展和改革委员会", "省发展改革委"),
        ("内蒙古自治区教育厅", "省教育厅"),
        ("兰考县教体局", "县教育体育局"),
        ("金水区人民政府", "县人民政府"),
    ],
)
def test_bodies_of_other_governments_keep_their_names(catalogue, written, of):
    resolved = catalogue.resolve(written)
    assert (resolved.name, resolved.of, resolved.known) == (written, of, False)


@pytest.mark.parametrize(
    "written", ["各地有关部门", "相关省份有关部门", "各省辖市人民政府", "各乡（镇）人民政府"]
)
def test_placeholders_are_groups(catalogue, written):
    assert catalogue.resolve(written).kind == "group"


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
