"""The task-list parser, construct by construct, then on whole documents."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policytext.tasklist import (
    TaskListError,
    decode,
    extract_targets,
    parse_deadline,
    parse_tasklist,
)
from tests.conftest import FIXTURES, ROOT, seed_file


def one_target(text, **kwargs):
    targets, _ = extract_targets(text, **kwargs)
    assert len(targets) == 1, [(t.label, t.value) for t in targets]
    return targets[0]


# --- comparisons ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "cmp"),
    [
        ("建设不少于 20 个实训基地。", "ge"),
        ("“双师型”教师占比达到 60% 以上。", "ge"),
        ("就业率不低于 95%。", "ge"),
        ("每个县区至少建设 1 所社区学院。", "ge"),
        ("在校生超过 5 万人。", "gt"),
        ("大班额比例不超过 5%。", "le"),
        ("班额控制在 45 人以内。", "le"),
        ("在校生 10 万人左右。", "approx"),
        ("培养 100 名优秀教师。", "eq"),
        ("培育 8-10 所示范学校。", "range"),
    ],
)
def test_it_reads_the_comparison_word(text, cmp):
    assert one_target(text).cmp == cmp


def test_a_comparison_before_a_list_distributes_over_it():
    targets, _ = extract_targets("每个县区至少建设1所社区学院和1个老年教育中心。")
    assert [(t.cmp, t.unit, t.per_unit) for t in targets] == [
        ("ge", "所", "县区"),
        ("ge", "个", "县区"),
    ]
    assert targets[1].label == "老年教育中心"


def test_range_keeps_both_ends_and_the_unit():
    t = one_target("遴选 6-8 所产教融合型职业院校。")
    assert (t.value, t.value_high, t.unit, t.label) == (
        Decimal(6),
        Decimal(8),
        "所",
        "产教融合型职业院校",
    )


# --- timing -----------------------------------------------------------------------------------


def test_yearly_recurrence_from_a_year_applies_to_the_whole_sentence():
    targets, _ = extract_targets(
        "2022 年起，全市职业院校每年开展技能培训不低于 10 万人次，取证 7 万人以上。"
    )
    assert [(t.value, t.unit, t.recurrence, t.from_year, t.due) for t in targets] == [
        (Decimal(100000), "人次", "annual", 2022, None),
        (Decimal(70000), "人", "annual", 2022, None),
    ]
    assert [t.label for t in targets] == ["技能培训", "取证"]


def test_nian_before_a_verb_is_yearly():
    t = one_target("年输送技术技能人才不低于 3 万人。")
    assert (t.recurrence, t.value) == ("annual", Decimal(30000))


def test_a_year_in_the_sentence_is_the_deadline():
    assert one_target("到 2024 年底，达标率达到 90% 以上。").due == 2024
    assert one_target("2022 年全市达标学校占比不低于 30%。").due == 2022


def test_a_month_deadline_becomes_the_last_day():
    assert one_target("2023 年 12 月底前建成 3 个基地。").due == "2023-12-31"


def test_the_task_deadline_applies_when_the_text_has_none():
    assert one_target("建成 3 个基地。", task_due=2025).due == 2025


def test_cumulative_period():
    t = one_target("2023—2025 年累计培训 15 万人次。")
    assert (t.cumulative, t.due, t.value) == ((2023, 2025), 2025, Decimal(150000))
    t = one_target("“十四五”期间累计建成 5 所。", plan_period=(2021, 2025))
    assert t.cumulative == (2021, 2025)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025年底", (2025, False)),
        ("2023年12月底前", ("2023-12-31", False)),
        ("2024年6月30日前", ("2024-06-30", False)),
        ("每年", (None, True)),
        ("长期坚持", (None, False)),
        ("2022—2025年", (2025, False)),
    ],
)
def test_deadline_column(text, expected):
    assert parse_deadline(text) == expected


# --- scope, funding ---------------------------------------------------------------------------


def test_a_bare_wan_in_a_funding_sentence_is_yuan_and_county_scope_is_kept():
    targets, _ = extract_targets("设立专项奖励资金（市级每年不低于 600 万，县区不低于 300 万）。")
    assert [(t.value, t.unit, t.per_unit, t.recurrence) for t in targets] == [
        (Decimal(6000000), "元", None, "annual"),
        (Decimal(3000000), "元", "县区", "annual"),
    ]
    assert targets[0].label == "专项奖励资金（市级）"


def test_per_school_scope():
    assert one_target("每所中职学校至少建设 2 个实训基地。").per_unit == "学校"


# --- what is not a target ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "兴办职业教育的投资可按投资额的 30% 抵免当年应缴教育费附加。",
        "职业学校可按编制总额 20% 左右的比例自主招聘兼职教师。",
        "对认定的企业给予 10 万元奖励。",
        "对学徒按每生每年 500 元的标准给予补助。",
        "招聘具备 3 年以上企业工作经历的人员。",
        "推进 1+X 证书制度试点。",
        "建设县、乡、村三级培训网络。",
        "推荐学校申报第二批省级项目。",
        "从两个渠道招聘专业课教师。",
        "2023 年 6 月底前出台实施意见。",
    ],
)
def test_policy_parameters_and_names_are_not_targets(text):
    targets, _ = extract_targets(text)
    assert targets == []


def test_a_bare_number_after_a_comparison_is_kept_for_review():
    t = one_target("年度考核得分不低于 90。")
    assert t.review is not None and "单位" in t.review


# --- whole documents --------------------------------------------------------------------------


@pytest.mark.seeds
def test_seed_task_list_reads_every_task_with_lead_and_targets(catalogue):
    parsed = parse_tasklist(
        decode(seed_file("004").read_bytes()), catalogue=catalogue, plan_period=(2021, 2025)
    )
    tasks = {t.number: t for t in parsed.tasks}
    assert len(tasks) == 27 and parsed.layout == "table"
    assert all(t.lead is not None for t in parsed.tasks)
    t16 = tasks["16"]
    assert t16.lead.name == "市教育局"
    assert "市财政局" in [b.name for b in t16.co]
    assert (t16.targets[0].cmp, t16.targets[0].value, t16.targets[0].unit) == (
        "ge",
        Decimal(60),
        "%",
    )
    assert [(t.value, t.recurrence, t.from_year) for t in tasks["20"].targets] == [
        (Decimal(100000), "annual", 2022),
        (Decimal(70000), "annual", 2022),
    ]
    assert tasks["12"].targets == [] and tasks["15"].targets == []  # tax credit, hiring ratio
    assert tasks["7"].lead.name == "市复建办" and not tasks["7"].lead.known
    assert "市复建办" in parsed.unknown_departments


_ANSWERS = [
    (p, FIXTURES / "tasklists")
    for p in sorted((ROOT / "tests" / "data" / "tasklists").glob("*.expected.json"))
] + [(p, p.parent) for p in sorted((ROOT / "tests" / "data" / "heldout").glob("*.expected.json"))]


@pytest.mark.parametrize(
    ("expected_path", "documents"), _ANSWERS, ids=lambda p: getattr(p, "stem", "")
)
def test_variant_task_lists_match_their_expected_answers(catalogue, expected_path, documents):
    # Other cities' lists in other layouts, with answers written by hand; the held-out set was
    # written by someone who had not seen the parser.
    stem = expected_path.name.removesuffix(".expected.json")
    source = next(p for p in documents.glob(stem + ".*") if not p.name.endswith(".expected.json"))
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    parsed = parse_tasklist(
        decode(source.read_bytes()), catalogue=catalogue, plan_period=(2021, 2025)
    )
    got = {t.number: t.as_json() for t in parsed.tasks}
    assert sorted(got) == sorted(t["number"] for t in expected["tasks"])
    fields = (
        "value",
        "value_high",
        "cmp",
        "unit",
        "per_unit",
        "recurrence",
        "from_year",
        "due",
        "cumulative",
    )
    for task in expected["tasks"]:
        g = got[task["number"]]
        assert (g["lead"], g["co"], g["groups"]) == (task["lead"], task["co"], task["groups"]), (
            task["number"]
        )
        assert [{f: t[f] for f in fields} for t in g["targets"]] == [
            {f: t[f] for f in fields} for t in task["targets"]
        ], task["number"]
    assert sorted(parsed.unknown_departments) == sorted(expected["unknown_departments"])


def test_a_row_without_responsible_unit_is_refused_with_its_line(catalogue):
    with pytest.raises(TaskListError, match=r"第 8 行.*没有负责单位"):
        parse_tasklist(
            decode((FIXTURES / "tasklists" / "bad_no_unit.txt").read_bytes()), catalogue=catalogue
        )


def test_a_document_without_task_rows_is_refused(catalogue):
    with pytest.raises(TaskListError, match="没有找到任务行"):
        parse_tasklist(
            decode((FIXTURES / "tasklists" / "bad_no_rows.txt").read_bytes()), catalogue=catalogue
        )


def test_encodings():
    text = "序号\t工作任务\t负责单位\n1\t建设 3 个基地。\t市教育局\n"
    assert decode(text.encode("gbk")) == text
    assert decode(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    with pytest.raises(TaskListError, match="编码"):
        decode(text.encode("utf-16"))


def test_a_row_broken_across_a_page_break_is_joined(catalogue):
    text = (
        "序号\t工作任务\t负责单位\n"
        "1\t建设 3 个基地，培育\n\n5 所示范学校。\t市教育局、市财政局\n"
        "2\t培养 100 名教师。\t市人社局\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert [t.number for t in parsed.tasks] == ["1", "2"]
    assert [t.value for t in parsed.tasks[0].targets] == [Decimal(3), Decimal(5)]
    assert parsed.tasks[0].co[0].name == "市财政局"


def test_paragraph_layout_with_responsibility_parenthesis(catalogue):
    text = (
        "一、提升办学条件\n"
        "1. 到 2024 年底建成 5 个实训基地。"
        "（牵头单位：市教育局；责任单位：市财政局、各县区政府；完成时限：2024年底）\n"
        "2. 每年培训 3 万人次。（责任单位：市人社局、市教育局）\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    first, second = parsed.tasks
    assert (first.lead.name, [b.name for b in first.co], [b.name for b in first.groups]) == (
        "市教育局",
        ["市财政局"],
        ["各县区人民政府"],
    )
    assert first.deadline == 2024 and first.targets[0].due == 2024
    assert (second.lead.name, second.targets[0].recurrence) == ("市人力资源和社会保障局", "annual")


def _shipped_catalogue():
    from policytext.departments import Catalogue

    entries = json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))["departments"]
    return Catalogue((e["name"], e["kind"], e["aliases"]) for e in entries)


_CATALOGUE = _shipped_catalogue()
_GENRE = st.sampled_from(
    [
        "序号",
        "\t",
        "\n",
        "工作任务",
        "负责单位",
        "牵头单位：",
        "（",
        "）",
        "市教育局",
        "、",
        "1",
        "2.",
        "建设",
        "8-10",
        "所",
        "万",
        "人次",
        "不低于",
        "%",
        "每年",
        "2022 年起",
        "。",
        "等市直有关部门",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=300), st.lists(_GENRE, max_size=60).map("".join)))
def test_arbitrary_text_is_read_or_refused_never_crashes(text):
    try:
        parsed = parse_tasklist(text, catalogue=_CATALOGUE)
    except TaskListError as exc:
        assert str(exc)  # a refusal always says why
    else:
        assert parsed.tasks and all(t.bodies for t in parsed.tasks)


# ---------------------------------------------------------------------------------------------
# Layouts of Word and Excel lists, and of paragraphs that name their bodies in other words


def _seen(parsed):
    return [
        (t.number, t.lead.name if t.lead else None, [c.name for c in t.co], t.deadline_text)
        for t in parsed.tasks
    ]


def test_a_paragraph_ending_in_lead_and_co_operating_words_names_its_bodies(catalogue):
    text = (
        "一、改善办学条件\n"
        "1. 到 2024 年底建成 5 个市级实训基地。（市教育局牵头，市财政局、市人社局配合）\n"
        "2. 每年开展职业技能培训不低于 3 万人次。（市人社局牵头，市教育局配合）\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert _seen(parsed) == [
        ("1", "市教育局", ["市财政局", "市人力资源和社会保障局"], ""),
        ("2", "市人力资源和社会保障局", ["市教育局"], ""),
    ]
    assert parsed.tasks[0].text == "到 2024 年底建成 5 个市级实训基地。"


def test_responsible_units_on_the_line_below_a_task_belong_to_it(catalogue):
    text = (
        "1. 到 2025 年培育 8-10 所市级高水平中职学校。\n"
        "责任单位：市教育局、市财政局\n"
        "完成时限：2025年底\n"
        "2. 职业院校“双师型”教师占比达到 60% 以上。\n"
        "牵头单位：市教育局\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert _seen(parsed) == [
        ("1", "市教育局", ["市财政局"], "2025年底"),
        ("2", "市教育局", [], ""),
    ]
    assert [t.targets[0].value for t in parsed.tasks] == [8, 60]


def test_a_note_under_the_table_is_not_part_of_the_last_task(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t完成时限\n"
        "1\t建成 5 个实训基地。\t市教育局\t2024年底\n"
        "2\t每年培训 3 万人次。\t市人社局\t长期坚持\n"
        "注：各县（市、区）参照本清单制定本地任务分工。\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert [t.deadline_text for t in parsed.tasks] == ["2024年底", "长期坚持"]
    assert parsed.tasks[-1].text == "每年培训 3 万人次。"


def test_a_heading_row_is_a_heading_whichever_cell_holds_it(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "\t一、改善办学条件\n"
        "1\t建成 5 个实训基地。\t市教育局\t市财政局\n"
        "\t\t二、提升教师素质\t\n"
        "2\t培养 100 名骨干教师。\t市教育局\t\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert _seen(parsed) == [("1", "市教育局", ["市财政局"], ""), ("2", "市教育局", [], "")]


def test_a_second_table_with_its_own_column_order_is_read_by_its_own_header(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t完成时限\n"
        "1\t建成 5 个实训基地。\t市教育局\t2024年底\n"
        "\n"
        "序号\t牵头单位\t完成时限\t工作任务\n"
        "2\t市人社局\t2025年底\t每年培训 3 万人次。\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert _seen(parsed) == [
        ("1", "市教育局", [], "2024年底"),
        ("2", "市人力资源和社会保障局", [], "2025年底"),
    ]
    assert parsed.tasks[1].text == "每年培训 3 万人次。"


def test_rows_under_a_merged_number_are_one_task(catalogue):
    # A Word or Excel 序号 merged over two rows comes out filled down into both.
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "1\t建成 5 个实训基地。\t市教育局\t市财政局\n"
        "1\t培育 3 所示范学校。\t市教育局\t市人社局\n"
        "2\t每年培训 3 万人次。\t市人社局\t\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    assert _seen(parsed) == [
        ("1", "市教育局", ["市财政局", "市人力资源和社会保障局"], ""),
        ("2", "市人力资源和社会保障局", [], ""),
    ]
    assert [(t.value, t.unit) for t in parsed.tasks[0].targets] == [(5, "个"), (3, "所")]
    assert parsed.warnings == []


def test_a_row_continued_on_the_next_page_of_a_table_is_joined_cell_by_cell(catalogue):
    # A PDF or Word table breaks a row at the page: the rest comes as a row of the same columns
    # with its number cell empty.
    text = (
        "序号\t工作任务\t负责单位\n"
        "1\t2022 年起，全市职\t市人社局、市教育局\n"
        "\t业院校每年开展技能培训不低于 10 万人次。\t等市直有关部门\n"
        "2\t培养 100 名骨干教师。\t市教育局\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    first = parsed.tasks[0]
    assert first.text == "2022 年起，全市职业院校每年开展技能培训不低于 10 万人次。"
    assert [(t.value, t.unit, t.recurrence) for t in first.targets] == [(100000, "人次", "annual")]
    assert [t.number for t in parsed.tasks] == ["1", "2"]


# --- the genre: what real lists word differently ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "截至 2022 年底，全县共有职业院校 9 所，在校生 2.4 万人。",
        "全区现有专任教师 860 人，其中“双师型”教师 410 人。",
        "目前已建成市级实训基地 14 个。",
        "全市共有中职学校 15 所。",
    ],
)
def test_a_baseline_is_not_a_target(text):
    targets, _ = extract_targets(text)
    assert targets == []


def test_the_target_after_a_baseline_in_the_same_sentence_is_kept():
    targets, _ = extract_targets(
        "截至 2022 年底，全县共有职业院校 9 所；到 2025 年，职业院校在校生达到 3 万人。"
    )
    assert [(t.label, t.value, t.due) for t in targets] == [
        ("职业院校在校生", Decimal(30000), 2025)
    ]


def test_a_deadline_before_a_count_makes_it_a_target():
    t = one_target("到 2025 年，全市共有省级高水平专业群 12 个。")
    assert (t.value, t.due, t.label) == (Decimal(12), 2025, "省级高水平专业群")


@pytest.mark.parametrize(
    "text",
    [
        "对新立项的市级骨干专业，每个专业支持建设经费 80 万元。",
        "在省级以上技能大赛中获一等奖的学校，一次性奖励 20 万元。",
        "对认定的示范基地给予分别不低于 150 万元、100 万元、50 万元的资金支持。",
        "示范校（甲类）每所每年 600 万元。",
        "企业自有资金投入在 50 万元以上的，按投入额的 5% 给予奖励。",
    ],
)
def test_grant_and_award_sizes_are_not_targets(text):
    targets, skipped = extract_targets(text)
    assert targets == [] and skipped


def test_a_fund_to_be_arranged_is_a_target_next_to_grant_sizes():
    targets, _ = extract_targets(
        "区财政每年安排实训基地建设资金不少于 1500 万元，对验收合格的基地一次性补助 30 万元。"
    )
    assert [(t.value, t.unit, t.cmp, t.recurrence) for t in targets] == [
        (Decimal(15000000), "元", "ge", "annual")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "新入职教师岗前培训不少于 120 学时。",
        "每学期组织 2 次教学质量检查，每季度通报 1 次进展。",
        "每两年举办一届全县职业技能大赛。",
        "依据汴政〔2021〕18 号文件，于 9 月 15 日前报送材料。",
    ],
)
def test_durations_frequencies_document_numbers_and_dates_are_not_targets(text):
    targets, _ = extract_targets(text)
    assert targets == []


def test_a_range_with_the_measure_word_on_both_ends():
    targets, _ = extract_targets("新建 3 所至 4 所公办中职学校，打造 15 个到 18 个特色专业。")
    assert [(t.value, t.value_high, t.cmp, t.unit, t.label) for t in targets] == [
        (Decimal(3), Decimal(4), "range", "所", "公办中职学校"),
        (Decimal(15), Decimal(18), "range", "个", "特色专业"),
    ]


def test_a_breakdown_under_a_yearly_total_is_yearly():
    targets, _ = extract_targets(
        "每年开展新型职业农民培训 4.5 万人次。其中，电商技能 1.2 万人次、家政服务 0.8 万人次。"
    )
    assert [(t.label, t.value, t.recurrence) for t in targets] == [
        ("新型职业农民培训", Decimal(45000), "annual"),
        ("电商技能", Decimal(12000), "annual"),
        ("家政服务", Decimal(8000), "annual"),
    ]


def test_a_breakdown_under_a_dated_total_keeps_its_date():
    targets, _ = extract_targets("到 2024 年培训退役军人 6000 人。其中，取得证书 4000 人。")
    assert [(t.value, t.due, t.recurrence) for t in targets] == [
        (Decimal(6000), 2024, "once"),
        (Decimal(4000), 2024, "once"),
    ]


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("高职院校生均财政拨款水平应不低于 15000 元。", "元"),
        ("城市教育费附加不低于 30% 用于职业教育。", "%"),
    ],
)
def test_a_standing_norm_holds_every_year(text, unit):
    t = one_target(text, task_due=2025)
    assert (t.unit, t.cmp, t.recurrence, t.due) == (unit, "ge", "annual", None)


def test_a_five_year_plan_period_is_a_deadline():
    assert one_target("“十四五”期间，新建 6 个公共实训基地。").due == 2025
    assert one_target("十三五末，中职在校生达到 5 万人。").due == 2020
    assert parse_deadline("“十四五”期间") == (2025, False)


def test_a_year_compared_with_is_not_the_deadline():
    t = one_target("到 2024 年，就业率较 2020 年提高 5 个百分点。")
    assert t.due == 2024


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("推进 20 个县级职教中心达标建设。", "县级职教中心达标建设"),
        ("带动各地新增 300 个技能培训点。", "技能培训点"),
        ("重点打造符合区域产业转型升级需要、校企合作紧密的 8 个示范性专业群。", "示范性专业群"),
        ("到 2025 年底技能人才占从业人员的比例在 30% 以上。", "技能人才占从业人员的比例"),
    ],
)
def test_a_label_says_what_is_counted(text, label):
    assert one_target(text).label == label


def test_all_townships_each_is_a_per_unit_target():
    t = one_target("所有乡镇至少建成 1 个成人文化技术学校。")
    assert (t.per_unit, t.cmp) == ("乡镇", "ge")
    assert one_target("每个县（市）重点办好 1 所职教中心。").per_unit == "县区"


# --- the genre: departments of any level ------------------------------------------------------


def _names(task):
    return (task.lead.name if task.lead else None, [b.name for b in task.co])


def test_a_provinces_list_names_its_own_bodies(catalogue):
    text = (
        "1. 每年培训 50 万人次。（牵头单位：省人力资源社会保障厅；"
        "责任单位：省教育厅、省发展改革委、省卫生健康委，各省辖市人民政府）\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    (task,) = parsed.tasks
    assert _names(task) == (
        "省人力资源社会保障厅",
        ["省教育厅", "省发展改革委", "省卫生健康委"],
    )
    assert [b.name for b in task.groups] == ["各省辖市人民政府"]
    assert parsed.unknown_departments == []


def test_a_countys_list_reads_short_names_at_its_own_level(catalogue):
    text = (
        "兰考县职业教育工作任务分工\n"
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "1\t建成 2 个实训基地。\t教体局\t县财政局、人社局\n"
    )
    (task,) = parse_tasklist(text, catalogue=catalogue).tasks
    assert _names(task) == ("县教育体育局", ["县财政局", "县人力资源和社会保障局"])


def test_another_citys_body_is_kept_as_that_citys(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "1\t建成 2 个实训基地。\t市教育局\t开封市人力资源和社会保障局、开封市人社局、市人社局\n"
    )
    parsed = parse_tasklist(text, catalogue=catalogue)
    (task,) = parsed.tasks
    # One body of Kaifeng under its first spelling, and the plan's own 市人社局 beside it.
    assert _names(task) == (
        "市教育局",
        ["开封市人力资源和社会保障局", "市人力资源和社会保障局"],
    )
    assert parsed.unknown_departments == ["开封市人力资源和社会保障局"]


def test_a_citys_own_name_before_its_body_is_the_plans_own_body(catalogue):
    text = (
        "开封市职业教育重点任务分工\n"
        "序号\t工作任务\t负责单位\n"
        "1\t建成 2 个实训基地。\t开封市教育局、开封市人社局\n"
    )
    (task,) = parse_tasklist(text, catalogue=catalogue).tasks
    assert _names(task) == ("市教育局", ["市人力资源和社会保障局"])
    parsed = parse_tasklist(text, catalogue=catalogue, issuer="郑州市人民政府")
    assert _names(parsed.tasks[0]) == ("开封市教育局", ["开封市人社局"])


def test_a_list_may_name_bodies_of_several_governments(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "1\t建设 3 个基地。\t财政部\t教育部\n"
        "2\t建设 5 个基地。\t湖北省发展和改革委员会\t湖北省教育厅\n"
        "3\t建设 4 个基地。\t宜昌市财政局\t宜昌市教育局\n"
    )
    tasks = parse_tasklist(text, catalogue=catalogue).tasks
    assert [_names(t) for t in tasks] == [
        ("财政部", ["教育部"]),
        ("湖北省发展和改革委员会", ["湖北省教育厅"]),
        ("宜昌市财政局", ["宜昌市教育局"]),
    ]


def test_a_group_in_the_lead_column_stays_the_lead(catalogue):
    text = (
        "序号\t工作任务\t牵头单位\t配合单位\n"
        "1\t每个乡镇建成 1 所成人学校。\t各县（市、区）人民政府\t市教育局、市财政局\n"
    )
    (task,) = parse_tasklist(text, catalogue=catalogue).tasks
    assert _names(task) == ("各县区人民政府", ["市教育局", "市财政局"])
    assert task.groups == []
    assert task.as_json()["lead"] == "各县区人民政府"


def test_placeholders_of_any_wording_are_groups(catalogue):
    text = (
        "序号\t工作任务\t责任部门\n1\t建设 3 个基地。\t教育部，各地有关部门、相关省份教育行政部门\n"
    )
    (task,) = parse_tasklist(text, catalogue=catalogue).tasks
    assert _names(task) == ("教育部", [])
    assert [b.name for b in task.groups] == ["各地有关部门", "相关省份教育行政部门"]


def test_each_city_of_a_province_is_a_per_unit_target():
    t = one_target("2024 年底前，各省辖市至少建成 1 个市域产教联合体。")
    assert (t.per_unit, t.cmp, t.due) == ("市", "ge", 2024)
