"""Parsing a departmental task list (各部门工作任务清单) into tasks, departments and targets.

Pure module: text in, dataclasses out. It reads the genre, not one file:
- tab tables with one 负责单位/责任单位 column (the first body named leads, the rest co-operate);
- tables with separate 牵头单位 / 配合单位 (or 责任单位) / 完成时限 columns;
- markdown tables with the same headers;
- numbered paragraphs ending in （牵头单位：…；责任单位：…；完成时限：…）;
- rows broken by blank page-break lines or wrapped onto several lines.
Bad input raises TaskListError with a Chinese message naming the line.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal

from . import cnnum, documents
from .departments import KIND_GROUP, LEVELS, Catalogue, Resolved


class TaskListError(documents.LocatedError):
    """The document cannot be read as a task list. ``line`` is 1-based, or None for the file."""


# ---------------------------------------------------------------------------------------------
# Results


@dataclass
class ParsedTarget:
    label: str
    value: Decimal
    value_high: Decimal | None
    cmp: str  # ge gt le lt eq approx range
    unit: str
    per_unit: str | None
    recurrence: str  # once | annual
    from_year: int | None
    due: int | str | None  # a year, an ISO date, or None for the plan end
    cumulative: tuple[int, int] | None
    source: str  # the sentence it came from
    start: int  # offsets of the figure in the task text
    end: int
    review: str | None = None  # why a person should look at it, if unsure

    def as_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "value": cnnum.to_json_number(self.value),
            "value_high": cnnum.to_json_number(self.value_high),
            "cmp": self.cmp,
            "unit": self.unit,
            "per_unit": self.per_unit,
            "recurrence": self.recurrence,
            "from_year": self.from_year,
            "due": self.due,
            "cumulative": (
                {"from": self.cumulative[0], "to": self.cumulative[1]} if self.cumulative else None
            ),
            "source": self.source,
            "span": [self.start, self.end],
            "review": self.review,
        }


@dataclass
class ParsedTask:
    number: str
    text: str
    line: int
    responsibility: str
    bodies: list[Resolved]
    deadline_text: str = ""
    deadline: int | str | None = None
    deadline_annual: bool = False
    lead_given: bool = False  # the document named the lead explicitly (牵头单位)
    targets: list[ParsedTarget] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # figures read as policy parameters
    # A group written in the 牵头单位 column (各县（市、区）人民政府) leads; elsewhere a group
    # only stands beside the bodies.
    named_lead: Resolved | None = None

    @property
    def lead(self) -> Resolved | None:
        if self.named_lead is not None:
            return self.named_lead
        for body in self.bodies:
            if body.kind != KIND_GROUP:
                return body
        return None

    @property
    def co(self) -> list[Resolved]:
        lead = self.lead
        return [b for b in self.bodies if b is not lead and b.kind != KIND_GROUP]

    @property
    def groups(self) -> list[Resolved]:
        lead = self.lead
        return [b for b in self.bodies if b.kind == KIND_GROUP and b is not lead]

    def as_json(self) -> dict[str, object]:
        lead = self.lead
        return {
            "number": self.number,
            "text": self.text,
            "line": self.line,
            "lead": lead.name if lead else None,
            "co": [b.name for b in self.co],
            "groups": [b.name for b in self.groups],
            "deadline": self.deadline,
            "deadline_text": self.deadline_text or None,
            "targets": [t.as_json() for t in self.targets],
        }


@dataclass
class ParsedTaskList:
    layout: str
    tasks: list[ParsedTask]
    warnings: list[dict[str, object]]

    @property
    def unknown_departments(self) -> list[str]:
        seen: dict[str, None] = {}
        for task in self.tasks:
            for body in task.bodies:
                if not body.known:
                    seen.setdefault(body.name)
        return list(seen)


# ---------------------------------------------------------------------------------------------
# Decoding


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) or GBK; anything else is refused rather than garbled."""
    try:
        return documents.decode_text(data)
    except documents.DocumentError as exc:
        raise TaskListError(str(exc)) from exc


def read(name: str, data: bytes) -> documents.Document:
    """A task-list file in any format policytext.documents reads; one that cannot be read is a
    TaskListError, like a list that was read but cannot be used."""
    try:
        return documents.read(name, data)
    except documents.DocumentError as exc:
        raise TaskListError(str(exc)) from exc


def parse_document(
    document: documents.Document,
    *,
    catalogue: Catalogue,
    plan_period: tuple[int, int] | None = None,
    issuer: str = "",
) -> ParsedTaskList:
    """parse_tasklist on a read document; an error names the place in the original file."""
    try:
        return parse_tasklist(
            document.text, catalogue=catalogue, plan_period=plan_period, issuer=issuer
        )
    except TaskListError as exc:
        placed = exc.placed(document)
        if placed is exc:
            raise
        raise placed from exc


# ---------------------------------------------------------------------------------------------
# Layout: turning lines into raw task rows


_TEXT_COLS = (
    "工作任务",
    "重点任务",
    "主要任务",
    "任务内容",
    "工作内容",
    "具体任务",
    "工作措施",
    "任务",
    "内容",
    "事项",
    "措施",
)
_LEAD_COLS = ("牵头单位", "牵头部门", "牵头")
_RESP_COLS = ("负责单位", "责任单位", "责任部门", "负责部门", "承办单位", "主责单位")
_CO_COLS = ("配合单位", "配合部门", "协办单位", "参与单位", "协同单位")
_DEADLINE_COLS = ("完成时限", "完成时间", "时间节点", "时限", "进度安排", "时间安排")

_CN_HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(][一二三四五六七八九十]+[）)])"
)
_PARA_NUMBER = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、]|[（(](\d{1,3})[）)])\s*(?!\d)")
_PARA_PAREN = re.compile(
    r"[（(]\s*(?:牵头单位|牵头部门|责任单位|责任部门|负责单位|配合单位|协办单位|参与单位|完成时限|完成时间)\s*[:：]"
)


@dataclass
class _RawRow:
    line: int
    number: str
    text: str
    lead: str = ""
    co: str = ""
    responsible: str = ""
    deadline: str = ""


def _classify_header(cells: list[str]) -> dict[str, int] | None:
    roles: dict[str, int] = {}
    for i, cell in enumerate(c.strip() for c in cells):
        if not cell:
            continue
        if "序号" in cell or cell in ("编号", "序"):
            roles.setdefault("number", i)
        elif any(k in cell for k in _LEAD_COLS):
            roles.setdefault("lead", i)
        elif any(k in cell for k in _CO_COLS):
            roles.setdefault("co", i)
        elif any(k in cell for k in _RESP_COLS):
            roles.setdefault("responsible", i)
        elif any(k in cell for k in _DEADLINE_COLS):
            roles.setdefault("deadline", i)
        elif any(k in cell for k in _TEXT_COLS):
            roles.setdefault("text", i)
    if "text" in roles and ({"lead", "responsible", "co"} & roles.keys()):
        return roles
    return None


# A line in a task table that closes it: a note under the table (注：各县区…) is not part of the
# last task, nor is what follows it until the next numbered row.
_TABLE_NOTE = re.compile(r"^\s*(?:注|说明|备注|填表说明|附注)\s*[:：\d１２３一二三、.]")


def _table_rows(lines: list[str], markdown: bool) -> list[_RawRow] | None:
    header_at = None
    roles: dict[str, int] | None = None
    for i, line in enumerate(lines):
        if ("|" if markdown else "\t") not in line:
            continue
        roles = _classify_header(documents.split_cells(line, markdown))
        if roles:
            header_at = i
            break
    if roles is None or header_at is None:
        return None

    def is_row_start(cells: list[str], roles: dict[str, int]) -> bool:
        number_col = roles.get("number", 0)
        return len(cells) > number_col and bool(re.fullmatch(r"\d{1,3}", cells[number_col]))

    # (1-based line of the row start, physical lines, the header's roles in force, sub-rows)
    grouped: list[tuple[int, list[str], dict[str, int], list[list[str]]]] = []
    open_row = False  # whether a line that starts no row continues the last one
    for i in range(header_at + 1, len(lines)):
        line = lines[i]
        if not line.strip():
            continue  # blank page-break lines
        if markdown and re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line):
            continue  # |---|---| separator
        cells = documents.split_cells(line, markdown)
        filled = [c for c in cells if c]
        again = _classify_header(cells) if len(filled) > 1 else None
        if again:
            roles, open_row = again, False  # the header repeated, or the next table's own
            continue
        if is_row_start(cells, roles):
            number = cells[roles.get("number", 0)]
            last = grouped[-1] if grouped else None
            if last and open_row and last[3] and last[3][0][0] == number:
                # A 序号 merged over several rows comes out filled down: one task, sub-rows.
                last[3].append(cells)
                continue
            grouped.append((i + 1, [line], roles, [[number]]))
            open_row = True
        elif len(filled) == 1 and _CN_HEADING.match(filled[0]):
            open_row = False  # a section heading row such as 一、提升办学条件
        elif markdown and all(not c or _CN_HEADING.match(c) for c in cells) and any(cells):
            open_row = False  # a heading spread over a markdown row
        elif len(filled) == 1 and _TABLE_NOTE.match(filled[0]):
            open_row = False
        elif grouped and open_row:
            grouped[-1][1].append(line)
        # Lines before the first row (titles, notes) are not tasks.

    rows: list[_RawRow] = []
    for line_no, physical, row_roles, sub_rows in grouped:
        ncols = max(row_roles.values()) + 1
        cells = _assemble(physical, markdown, ncols)
        for extra in sub_rows[1:]:
            cells = _merge_sub_row(cells, extra, row_roles)
        by_role = {role: cells[col].strip() for role, col in row_roles.items() if col < len(cells)}
        rows.append(
            _RawRow(
                line=line_no,
                number=by_role.get("number", "") if "number" in row_roles else cells[0].strip(),
                text=by_role.get("text", ""),
                lead=by_role.get("lead", ""),
                co=by_role.get("co", ""),
                responsible=by_role.get("responsible", ""),
                deadline=by_role.get("deadline", ""),
            )
        )
    return rows


def _merge_sub_row(cells: list[str], extra: list[str], roles: dict[str, int]) -> list[str]:
    """One task written over sub-rows under a merged 序号: texts joined, bodies and deadlines
    added where they differ (a merged 牵头单位 repeats, and is kept once)."""
    out = list(cells) + [""] * max(0, len(extra) - len(cells))
    for role, col in roles.items():
        if role == "number" or col >= len(extra) or not extra[col]:
            continue
        value, mine = extra[col].strip(), out[col].strip()
        if not mine:
            out[col] = value
        elif value not in mine:
            # Texts are sentences; bodies and deadlines are lists.
            sep = ("" if mine.endswith("。") else "；") if role == "text" else "、"
            out[col] = mine + sep + value
    return out


def _cellwise_continuation(line: str) -> bool:
    """A physical line that repeats the table's columns with the first one empty."""
    cells = documents.split_cells(line, False)
    return len(cells) >= 2 and not cells[0]


def _assemble(physical: list[str], markdown: bool, ncols: int) -> list[str]:
    """Join a row's physical lines. A wrapped cell continues on the next line without a break."""
    if markdown:
        cells = documents.split_cells(physical[0], True)
        for extra in physical[1:]:
            more = documents.split_cells(extra, True)
            # A continuation row in markdown repeats the columns with most cells empty.
            for j, value in enumerate(more):
                if value and j < len(cells):
                    cells[j] += value
        return cells
    if len(physical) > 1 and all(_cellwise_continuation(extra) for extra in physical[1:]):
        # A row continued on the next page of a table: the same columns, the number cell empty.
        cells = documents.split_cells(physical[0], False)
        for extra in physical[1:]:
            for j, value in enumerate(documents.split_cells(extra, False)):
                if value:
                    cells += [""] * (j + 1 - len(cells))
                    cells[j] += value
        return cells
    joined = "".join(physical)
    cells = documents.split_cells(joined, False)
    if len(cells) < ncols and len(physical) > 1:
        # The break fell between cells rather than inside one: join at line ends that close a
        # sentence with a tab, until the row has all its columns.
        pieces = [physical[0]]
        for extra in physical[1:]:
            sep = "\t" if re.search(r"[。；;.]\s*$", pieces[-1]) else ""
            pieces.append(sep + extra)
        cells = documents.split_cells("".join(pieces), False)
    return cells


# A task paragraph names its bodies in one of three ways:
#   keyed, at its end:   …。（牵头单位：市教育局；责任单位：市财政局；完成时限：2024年底）
#   worded, at its end:  …。（市教育局牵头，市财政局、市人社局配合）
#   on lines below it:   责任单位：市教育局、市财政局   /   完成时限：长期坚持
_ROLE_WORDS = r"牵头|配合|负责|参与|协同|协助|协办"
_PARA_WORDED = re.compile(
    rf"[（(]([^（）()]{{2,120}}?(?:{_ROLE_WORDS})[^（）()]{{0,40}})[）)]\s*[。.；;]?\s*$"
)
_FIELD_KEYS = (*_LEAD_COLS, *_RESP_COLS, *_CO_COLS, *_DEADLINE_COLS)
_FIELD_LINE = re.compile(rf"^\s*(?:{'|'.join(k for k in _FIELD_KEYS if len(k) > 2)})\s*[:：]")


def _names_bodies(line: str) -> bool:
    return bool(_PARA_PAREN.search(line) or _PARA_WORDED.search(line) or _FIELD_LINE.match(line))


def _assign_keyed(row: _RawRow, parts: list[str], *, lead_named: bool) -> None:
    """Fill a row from "key：value" parts (牵头单位：…, 责任单位：…, 完成时限：…). Where a lead
    is named, 责任单位 lists the co-operating bodies; alone, it lists all of them."""
    for part in parts:
        key, _, value = part.partition("：") if "：" in part else part.partition(":")
        key, value = key.strip(), value.strip()
        if any(k in key for k in _LEAD_COLS):
            row.lead = value
        elif any(k in key for k in _CO_COLS):
            row.co = "、".join([row.co, value]) if row.co else value
        elif any(k in key for k in _RESP_COLS):
            if row.lead or lead_named:
                row.co = "、".join([value, row.co]) if row.co else value
            else:
                row.responsible = value
        elif any(k in key for k in _DEADLINE_COLS):
            row.deadline = value


def _assign_worded(row: _RawRow, inside: str) -> None:
    """Fill a row from "市教育局牵头，市财政局、市人社局配合": each clause ends in its role."""
    for clause in re.split(r"[，,；;]", inside):
        clause = clause.strip()
        m = re.fullmatch(rf"(.+?)\s*(?:共同)?(?:{_ROLE_WORDS})(?:单位|部门)?", clause)
        if not m:
            continue
        names, role = m.group(1).strip(), clause[m.end(1) :]
        if "牵头" in role:
            row.lead = names
        elif "负责" in role and not row.lead:
            row.responsible = names
        else:
            row.co = "、".join([row.co, names]) if row.co else names


def _paragraph_rows(lines: list[str]) -> list[_RawRow] | None:
    if not any(_names_bodies(line.strip()) for line in lines):
        return None
    rows: list[_RawRow] = []
    # (line, number, physical lines of the task, field lines below it)
    current: tuple[int, str, list[str], list[str]] | None = None
    counter = 0

    def close(cur: tuple[int, str, list[str], list[str]]) -> None:
        line_no, number, physical, fields = cur
        body = "".join(p.strip() for p in physical)
        keyed = list(_PARA_PAREN.finditer(body))
        worded = _PARA_WORDED.search(body)
        row = _RawRow(line=line_no, number=number, text="")
        if keyed:
            m = keyed[-1]  # the last parenthesis names the responsible units
            text = body[: m.start()]
            paren = re.sub(r"[）)]\s*[。.]?\s*$", "", body[m.start() + 1 :].strip())
            _assign_keyed(row, re.split(r"[；;]", paren), lead_named="牵头" in paren)
        elif worded:
            text = body[: worded.start()]
            _assign_worded(row, worded.group(1))
        else:
            text = body
        _assign_keyed(row, fields, lead_named=any("牵头" in f for f in fields))
        if not (row.lead or row.responsible or row.co):
            raise TaskListError(
                f"任务 {number} 没有写明牵头或责任单位（应以“（牵头单位：…）”结尾，"
                "或在下一行写“责任单位：…”）",
                line=line_no,
                field_name="责任单位",
            )
        row.text = _PARA_NUMBER.sub("", text, count=1).strip()
        rows.append(row)

    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        m = _PARA_NUMBER.match(stripped)
        heading = _CN_HEADING.match(stripped)
        if current and _FIELD_LINE.match(stripped):
            current[3].append(stripped)
            continue
        if m:
            if current:
                close(current)
            counter += 1
            current = (i + 1, m.group(1) or m.group(2), [stripped], [])
        elif heading and not _names_bodies(stripped):
            if current:
                close(current)
                current = None
        elif current:
            current[2].append(stripped)
        elif _PARA_PAREN.search(stripped) or _PARA_WORDED.search(stripped):
            counter += 1  # an unnumbered task paragraph
            current = (i + 1, str(counter), [stripped], [])
        if (
            current
            and not current[3]
            and (_PARA_PAREN.search("".join(current[2])) or _PARA_WORDED.search(stripped))
            and re.search(r"[）)]\s*[。.；;]?\s*$", stripped)
            and not _followed_by_fields(lines, i)
        ):
            close(current)
            current = None
    if current:
        close(current)
    return rows


def _followed_by_fields(lines: list[str], i: int) -> bool:
    """Whether the next non-blank line after ``i`` is a "责任单位：…" line of the same task."""
    for line in lines[i + 1 :]:
        if line.strip():
            return bool(_FIELD_LINE.match(line.strip()))
    return False


# ---------------------------------------------------------------------------------------------
# Deadlines


def _month_end(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}-{calendar.monthrange(year, month)[1]:02d}"


_DATE = re.compile(r"(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?")


def parse_deadline(text: str) -> tuple[int | str | None, bool]:
    """A 完成时限 as written -> (due, annual). "2025年底" -> 2025; "2023年12月底前" -> "2023-12-31";
    "每年" -> (None, True); "长期坚持" -> (None, False). For a span "2022—2025年" the end counts."""
    text = cnnum.normalise(text or "").strip()
    annual = "每年" in text or ("年度" in text and not re.search(r"\d{4}", text))
    dates = list(_DATE.finditer(text))
    if not dates:
        period = re.search(r"(十[一二三四五六七八九])五", text)
        return (_period_end(period.group(1)) if period else None), annual
    last = dates[-1]
    year = int(last.group(1))
    if last.group(2):
        month = int(last.group(2))
        if not 1 <= month <= 12:
            return year, annual
        if last.group(3):
            return f"{year:04d}-{month:02d}-{int(last.group(3)):02d}", annual
        return _month_end(year, month), annual
    return year, annual


# ---------------------------------------------------------------------------------------------
# Targets


_CMP_BEFORE = [  # longest first: 不低于 before 低于
    ("不少于", "ge"),
    ("不低于", "ge"),
    ("不小于", "ge"),
    ("不下于", "ge"),
    ("至少", "ge"),
    ("力争达到", "ge"),
    ("达到", "ge"),
    ("达", "ge"),
    ("保持在", "ge"),
    ("稳定在", "ge"),
    ("超过", "gt"),
    ("高于", "gt"),
    ("多于", "gt"),
    ("突破", "gt"),
    ("不超过", "le"),
    ("不高于", "le"),
    ("不多于", "le"),
    ("不大于", "le"),
    ("最多", "le"),
    ("控制在", "le"),
    ("低于", "lt"),
    ("少于", "lt"),
    ("小于", "lt"),
    ("约", "approx"),
    ("大约", "approx"),
    ("近", "approx"),
]
_CMP_AFTER = [
    ("以上", "ge"),
    ("及以上", "ge"),
    ("以下", "le"),
    ("以内", "le"),
    ("之内", "le"),
    ("左右", "approx"),
]
# Dates, ranks and classes (cnnum.NON_COUNT_UNITS) and, in a task list, durations are not targets.
_NOT_TARGET_UNITS = cnnum.NON_COUNT_UNITS | {
    "个月",
    "个工作日",
    "工作日",
    "天",
    "周",
    "学时",
    "课时",
    "小时",
}
# How often something is done (每学期检查 2 次, 每季度通报 1 次): a frequency, not a count to reach.
_FREQUENCY = re.compile(r"每(?:[一两二三四五半]?个?(?:年|学年|学期|季度|季|月|周|天|日)|届)")
_FUNDING_CONTEXT = re.compile(r"资金|经费|投入|拨款|预算|奖补|基金|专项|元")
_PARAM_AFTER = re.compile(
    r"^\s*(?:左右)?\s*(?:的)?\s*(?:比例|奖补|补助|补贴|奖励|资助|抵免|标准(?!化))"
)
_PARAM_BEFORE = re.compile(
    r"(?:按[^，。；]{0,12}|可按[^，。；]*|给予[^，。；]{0,6}|最高[^，。；]{0,4})$"
)
# Tax and deduction rules state how much may be credited or deducted; they set no target.
_PARAM_CLAUSE = re.compile(r"抵免|扣除|减免|免征|准予|税前|所得税")
_SENTENCE_END = re.compile(r"[。！？；;!?\n]")
_CLAUSE_END = re.compile(r"[，,。！？；;!?\n：:]")
_ANNUAL = re.compile(
    r"每年|年均|每一年|(?<![\d〇零一二三四五六七八九十底初末中当上下今明去前])(?<!\d\s)年(?=输送|培训|招生|开展|新增|完成|培养|组织|举办|认定|接待|服务|提供|转移|培育|发放|投入)"
)
_FROM_YEAR = re.compile(r"(?:从|自)?\s*(\d{4})\s*年\s*(?:起|开始)")
_DUE = re.compile(
    r"(?:到|至|于|在)?\s*(\d{4})\s*年\s*(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?\s*(?:底|末|年底|年末|前|以前|之前)?(?!\s*(?:起|开始|以来|[-—–~至到]))"
)
_CUMULATIVE_SPAN = re.compile(r"(\d{4})\s*(?:年)?\s*[-—–~至到]+\s*(\d{4})\s*年?[^，。；]{0,8}?累计")
_CUMULATIVE_PLAN = re.compile(r"(?:十[一二三四五六七八九]五|规划期|期间)[^，。；]{0,8}累计|累计")
_PER_UNIT = re.compile(
    r"每(?:个|所|家|一个)?\s*(?P<u>[\u4e00-\u9fff]{1,8}?(?:[（(][^（）()]{1,6}[）)][\u4e00-\u9fff]{0,2})?)\s*(?=至少|均|都|要|应|须|需|建|配|打造|培育|开设|设立|不少于|不低于|有|开展|各|原则上|重点|办好)"
    r"|每(?:个|所|一个)?\s*(?P<n>县（市、区）|县\(市、区\)|县市区|县区|区县|(?:[\u4e00-\u9fff]{0,4}?)(?:学校|院校)|乡镇|街道)"
    r"|所有(?P<a>县（市、区）|县\(市、区\)|县市区|县区|区县|乡镇|街道|[\u4e00-\u9fff]{0,4}?(?:学校|院校))(?=[^，。；]{0,8}?(?:至少|均|都|不少于|不低于))"
    r"|(?P<m>各(?:省辖市|地市|市（州）|市州|市))(?:人民政府|政府)?\s*(?=分别|均|都|至少|要|应|不少于|不低于)"
    r"|(?P<g>各县(?:（市、区）|\(市、区\)|区|市区)?)(?:政府)?\s*(?:分别|均|都|各)"
    r"|^(?:各)?(?P<c>县区|县（市、区）|县级|县市区)(?=\s*(?:每年)?\s*(?:不少于|不低于|至少|均|每年))"
)
_LEAD_IN = re.compile(
    r"^(?:[，,、\s]|\d{4}\s*年\s*(?:起|底|末|前)?|年底|年末|底|末|到|至|全市|全县|全区|全省|其中|共有|每年|每个|每所|力争|确保|逐步|重点|持续|进一步|累计|年)+"
)
# Measure words that stand before the thing they count (40 个企业, 3 处基地, 100 名教师): the
# noun after them says what is counted, whatever verb comes before (推进, 带动各地).
_CLASSIFIERS = frozenset("个所家处项门本座支条种名位批间套部")
# Verbs that introduce a counted thing (建设 8 所…, 评选 100 名…): the noun after the figure is
# the label.
_VERBS = (
    "建设|建成|新建|办好|建好|培育|打造|培养|新增|认定|遴选|评选|选树|评定|推荐|创建|开展|完成|招收|输送|"
    "建立|设立|组建|开设|开发|编写|引进|选派|安排|提供|支持|扶持|举办|组织|立项|争创"
)
_LABEL_VERBS = re.compile(rf"(?:至少|实现|形成|招聘|提升|提高|{_VERBS})$")


def _normalise_per_unit(unit: str) -> str | None:
    unit = re.sub(r"(?:原则上|重点|都|均)+$", "", unit)
    if re.match(r"^(?:年|月|季|学期|生|人|名|天|周|次|届)", unit):
        return None
    if re.search(r"县|区", unit):
        return "县区"
    if re.search(r"学校|院校|校|中职|高职", unit):
        return "学校"
    if re.search(r"乡镇|镇", unit):
        return "乡镇"
    if re.fullmatch(r"各?(?:省辖市|地市|地级市|市（州）|市州|市|州)", unit):
        return "市"
    return unit


_VERB_TAIL = re.compile(rf"(?:{_VERBS})\s*$|(?<=至少)[\u4e00-\u9fff]{{1,3}}\s*$")


def _comparison(before: str, after: str) -> tuple[str | None, int]:
    """The comparison a figure carries, from the words just before and just after it."""
    tail = _VERB_TAIL.sub("", before.rstrip()).rstrip()
    if after.lstrip().startswith("左右") and not re.search(
        r"(?:不超过|不高于|不少于|不低于|超过|低于)$", tail
    ):
        return "approx", 0  # 保持在 30% 左右, 达到 5 万人左右: the figure is approximate
    for word, op in sorted(_CMP_BEFORE, key=lambda p: len(p[0]), reverse=True):
        if tail.endswith(word):
            for aword, aop in _CMP_AFTER:
                if after.lstrip().startswith(aword) and aop == "ge" and op == "gt":
                    return "gt", len(word)
            return op, len(word)
    head = after.lstrip()
    for word, op in sorted(_CMP_AFTER, key=lambda p: len(p[0]), reverse=True):
        if head.startswith(word):
            return op, 0
    return None, 0


_LABEL_CUT_VERB = re.compile(rf"^.*(?:实现|形成|落实|招聘|提升|提高|达到|{_VERBS})")


def _label(before: str, after: str, unit: str = "") -> str:
    """What a figure counts, as worded: the noun after it (培育 8-10 所<示范学校>) or, when the
    figure closes the phrase, the words before it (<“双师型”教师占比>达到 60%)."""
    after = re.sub(r"^\s*(?:以上|以下|以内|左右|及以上)?\s*(?:的)?", "", after).strip()
    before = before.strip()
    outer = ""
    if before.count("（") > before.count("）"):
        # 专项奖励资金（市级每年不低于 600 万）: the thing counted stands before the bracket.
        outer, _, before = before.rpartition("（")
        outer = _LABEL_CUT_VERB.sub("", outer).strip() or outer
    verb_ended = bool(_LABEL_VERBS.search(before) or _VERB_TAIL.search(before)) or not before
    for word, _ in sorted(_CMP_BEFORE, key=lambda p: len(p[0]), reverse=True):
        if _VERB_TAIL.sub("", before).rstrip().endswith(word):
            before = _VERB_TAIL.sub("", before).rstrip()[: -len(word)]
            break
    before = _LEAD_IN.sub("", before).strip()
    cut = _LABEL_CUT_VERB.sub("", before).strip()
    before = re.sub(
        r"(?:应|要|须|需|均|都|力争|确保|达到|达|每年|年|在|为|分别|是|共|总计|合计)+$",
        "",
        cut or before,
    ).strip()
    if outer:
        return f"{outer}（{before}）"[:40] if before else outer[:40]
    if after and (verb_ended or unit in _CLASSIFIERS):
        return _head(after)
    return _head(before or after)


def _head(phrase: str) -> str:
    """A long noun phrase by its head: 符合当地…需要的标准化中等职业学校 -> 标准化中等职业学校."""
    if len(phrase) > 20:
        _, de, head = phrase.rpartition("的")
        if de and len(head) >= 2:
            return head[:40]
    return phrase[:40]


def _label_context(sentence: str, item_start: int, pos: int) -> str:
    """The words before a figure; inside an open bracket, the words before the bracket too."""
    head = sentence[:pos]
    depth, opened = 0, -1
    for i, ch in enumerate(head):
        if ch == "（":
            depth, opened = depth + 1, i if depth == 0 else opened
        elif ch == "）" and depth:
            depth -= 1
    if depth and opened < item_start:
        outer_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, opened)), default=0)
        return sentence[outer_start : opened + 1] + sentence[item_start:pos]
    return sentence[item_start:pos]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _clauses(sentence: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for m in _CLAUSE_END.finditer(sentence):
        out.append((start, sentence[start : m.start()]))
        start = m.end()
    out.append((start, sentence[start:]))
    return out


def _inside_quotes(text: str, pos: int) -> bool:
    opened = text.rfind("“", 0, pos)
    return opened != -1 and text.rfind("”", 0, pos) < opened and text.find("”", pos) - opened <= 8


# What stands before a figure and says it is there already, not to be reached: 截至 2020 年底
# 全市共有…, 现有…, 已建成…. It holds until a word that looks forward (到 2025 年, 力争, 新增…).
_BASELINE = re.compile(
    r"截至|截止|目前|现有|现已|已有|已建成|已建设|已累计|已经|已达到|已达|增长了|提高了|达到了"
)
# 共有, 拥有 state a count that is there, unless a deadline stands before them
# (到 2025 年全市共有…).
_BASELINE_WEAK = re.compile(r"共有|拥有|建有|全市有|全省有|全县有")
_FORWARD = re.compile(
    r"(?:(?<![截止])到|(?<!截)至|于|在)\s*\d{4}\s*年|\d{4}\s*年(?:底|末)?前|力争|计划|预计|确保|新增|新建|"
    r"(?<!已)(?:建成|建设|达到|培育|打造)|每年|今后|将"
)


def _is_baseline(before_in_sentence: str) -> bool:
    forward = [m.start() for m in _FORWARD.finditer(before_in_sentence)]
    marks = list(_BASELINE.finditer(before_in_sentence))
    if marks:
        return not forward or max(forward) < marks[-1].start()
    return bool(_BASELINE_WEAK.search(before_in_sentence)) and not forward


# A sum of money given to each recipient is a grant size, not a target: 一次性奖励 50 万元,
# 每所补助 500 万元, 给予…分别不低于 200 万元的资金支持, 每所每年 5000 万元. A fund that is
# set up or arranged (安排专项资金不少于 800 万元, 设立奖励资金) is a target.
_GRANT_WORD = re.compile(
    r"一次性|给予|(?:补助|奖励|奖补|资助|补贴|补偿|支持)(?!资金|基金|经费|专项|机制|政策|办法|力度)"
)
# …分别不低于 200 万元、300 万元的资金支持: the amounts, then what they are given as.
_GRANT_AFTER = re.compile(
    r"^(?:\s*[、和及]\s*[\d.]+\s*[万亿]?元)*\s*(?:以上|以下)?\s*"
    r"(?:的\s*(?:资金|经费)?\s*(?:支持|补助|奖励|奖补|资助|补贴)"
    r"|(?:资金|经费)?\s*(?:补助|奖励|奖补|资助|补贴))"
)
_PER_RECIPIENT = re.compile(r"每(?:个|所|项|人|名|生|校|家|位|年每所|所每年|个每年)")
# "自有资金投入在 100 万元以上的，…": a condition, the figure sets who qualifies.
_CONDITION_AFTER = re.compile(r"^\s*(?:以上|以下|及以上|及以下)?\s*的\s*$")


# 十四五期间, “十三五”末: the end of that five-year plan.
_PERIOD = re.compile(r"(十[一二三四五六七八九])五[”\"]?\s*(?:期间|末|时期|规划期)")


def _period_end(word: str) -> int:
    return 1955 + 5 * int(cnnum.chinese_to_decimal(word))


# A standing norm: a level or share that must hold (生均拨款水平应不低于 12000 元; 不低于 30%
# 用于职业教育), not a count to reach by a date.
# Only a modal word (应, 须) or a share set aside (…用于) says so: a plain level under a 长期坚持
# deadline stays a level to reach.
_NORM_MODAL = re.compile(r"(?:应|须|要|必须|原则上|均|始终)\s*$")


def _is_norm(before: str, after: str, unit: str) -> bool:
    if unit not in ("%", "％") and not unit.endswith("元"):
        return False
    head = _VERB_TAIL.sub("", before.rstrip()).rstrip()
    for word, _ in sorted(_CMP_BEFORE, key=lambda p: len(p[0]), reverse=True):
        if head.endswith(word):
            head = head[: -len(word)]
            break
    return bool(
        _NORM_MODAL.search(head) or re.match(r"^\s*(?:以上)?\s*(?:的)?\s*(?:用于|投向|安排)", after)
    )


def _is_grant(before: str, after: str, cmp: str | None) -> bool:
    if _GRANT_WORD.search(before) or _GRANT_AFTER.match(after):
        return True
    return bool(_PER_RECIPIENT.search(before)) and cmp is None


def extract_targets(
    text: str,
    *,
    plan_period: tuple[int, int] | None = None,
    task_due: int | str | None = None,
    task_annual: bool = False,
) -> tuple[list[ParsedTarget], list[str]]:
    """The quantitative targets in one task's text, and the figures set aside as parameters."""
    targets: list[ParsedTarget] = []
    skipped: list[str] = []
    norm = cnnum.normalise(text)
    breakdown_of: tuple[bool, int | str | None] | None = None  # (annual, due) of the last total
    for s_start, s_end in _sentences(norm):
        sentence = norm[s_start:s_end]
        annual_at = [m.start() for m in _ANNUAL.finditer(sentence)]
        from_year_m = _FROM_YEAR.search(sentence)
        cumulative_span = _CUMULATIVE_SPAN.search(sentence)
        plan_cumulative = _CUMULATIVE_PLAN.search(sentence)
        per_units: list[tuple[int, str | None]] = []
        for clause_start, clause in _clauses(sentence):
            for m in _PER_UNIT.finditer(clause):
                unit = _normalise_per_unit(
                    m.group("u")
                    or m.group("n")
                    or m.group("a")
                    or m.group("m")
                    or m.group("g")
                    or m.group("c")
                    or ""
                )
                if unit:
                    per_units.append((clause_start + m.start(), unit))
        # (where, year, month, day) of each deadline the sentence names
        dues: list[tuple[int, int, int | None, int | None]] = [
            (
                m.start(),
                int(m.group(1)),
                int(m.group(2)) if m.group(2) else None,
                int(m.group(3)) if m.group(3) else None,
            )
            for m in _DUE.finditer(sentence)
            if not (
                cumulative_span and cumulative_span.start() <= m.start() < cumulative_span.end()
            )
            # 较 2020 年, 与 2020 年相比: the year compared with, not a deadline
            and not re.search(r"(?:较|比|与|同)\s*$", sentence[: m.start()])
            and not re.match(r"\s*(?:相比|比较)", sentence[m.end() :])
        ]
        dues += [
            (m.start(), _period_end(m.group(1)), None, None) for m in _PERIOD.finditer(sentence)
        ]
        dues.sort()
        if breakdown_of is not None and re.match(r"\s*其中", sentence):
            # 每年培训 6.5 万人。其中：农民工 2 万人…: a breakdown is timed as its total.
            if breakdown_of[0]:
                annual_at.append(0)
            if not dues and breakdown_of[1] is not None:
                year = breakdown_of[1]
                dues = [(0, year, None, None)] if isinstance(year, int) else dues
        previous: ParsedTarget | None = None
        previous_end = 0  # where the previous target's figure ended in this sentence
        quantities = cnnum.find_quantities(sentence)  # 2 所至 3 所 is one range there
        for q in quantities:
            pos = q.start
            clause_start = max((m.end() for m in _CLAUSE_END.finditer(sentence, 0, pos)), default=0)
            clause_end_m = _CLAUSE_END.search(sentence, q.end)
            clause_end = clause_end_m.start() if clause_end_m else len(sentence)
            # A list inside one clause (建成 1 个 A、5-6 个 B; 培训 10 万人次、取证 7 万人): each
            # item's words stop at the separator next to its neighbour.
            item_start = clause_start
            if previous is not None and previous_end > clause_start:
                seps = [m.end() for m in re.finditer(r"[、和及与]", sentence[previous_end:pos])]
                if seps:
                    item_start = previous_end + seps[-1]
            next_q = next((o.start for o in quantities if o.start >= q.end), None)
            item_end = clause_end
            if next_q is not None and next_q < clause_end:
                seps = [m.start() for m in re.finditer(r"[、和及与]", sentence[q.end : next_q])]
                if seps:
                    item_end = q.end + seps[-1]
            before = sentence[clause_start:pos]
            after = sentence[q.end : clause_end]
            unit = q.unit
            if unit in _NOT_TARGET_UNITS:
                continue  # years, durations (3 年以上…经历), levels (三级), batches (第二批)
            if (
                sentence[max(0, pos - 1) : pos] in ("第", "〔", "[", "【")
                or re.match(r"^\s*[+＋]|^[A-Za-z]", sentence[q.end :])
                or re.search(r"[+＋A-Za-z]\s*$", sentence[:pos])
            ):
                continue  # ordinals, document numbers, 1+X, 5G
            if _inside_quotes(sentence, pos):
                continue  # a name in quotes such as “一带一路”
            if q.chinese and not (
                _VERB_TAIL.search(before)
                or _comparison(before, after)[0]
                or q.is_range
                or re.search(
                    rf"(?:{_VERBS})[\u4e00-\u9fff“”]{{2,20}}$", before
                )  # 遴选培育…企业二十家
            ):
                # 两个渠道, 三个方面: Chinese numerals describe unless something is built or reached
                continue
            if (
                _PARAM_AFTER.match(after)
                or _PARAM_BEFORE.search(before.rstrip())
                or _PARAM_CLAUSE.search(sentence[clause_start:clause_end])
            ):
                skipped.append(sentence[clause_start:clause_end].strip())
                continue
            if (
                _is_baseline(sentence[:pos])
                or _CONDITION_AFTER.match(after)
                or (unit in ("次", "轮", "期") and _FREQUENCY.search(before))
            ):
                skipped.append(sentence[clause_start:clause_end].strip())
                continue
            review = None
            if not unit:
                if q.multiplier and _FUNDING_CONTEXT.search(sentence):
                    unit = "元"  # "市级每年不低于 600 万" in a sentence about funds: yuan
                else:
                    cmp_word, _ = _comparison(before, after)
                    if cmp_word is None:
                        continue  # a bare number, no measure word and no comparison: not a target
                    review = "数字后没有计量单位，请核对"
            cmp, _ = _comparison(before, after)
            if unit.endswith("元") and _is_grant(before, sentence[q.end : clause_end], cmp):
                skipped.append(sentence[clause_start:clause_end].strip())
                continue
            if q.is_range:
                cmp = "range"
            elif cmp is None:
                cmp = "eq"
                # 至少建设 1 所 A 和 1 个 B: a comparison word before a list distributes over it.
                gap = sentence[previous_end:pos]
                if (
                    previous is not None
                    and previous.cmp not in ("eq", "range")
                    and re.fullmatch(
                        r"[^，。；,;]{0,20}?(?:和|及|与|以及|、)[^，。；,;]{0,20}?", gap
                    )
                ):
                    cmp = previous.cmp
            per_unit = next((u for at, u in reversed(per_units) if at <= pos), None)
            annual = task_annual or any(at <= pos for at in annual_at)
            from_year = (
                int(from_year_m.group(1))
                if (annual and from_year_m and from_year_m.start() <= pos)
                else None
            )
            cumulative = None
            due: int | str | None = None
            if cumulative_span:
                cumulative = (int(cumulative_span.group(1)), int(cumulative_span.group(2)))
                due = cumulative[1]
            elif plan_cumulative and plan_period:
                cumulative = plan_period
            if due is None and dues:
                at, y, month, day = ([d for d in dues if d[0] <= pos] or dues)[-1]
                if from_year_m and from_year_m.start() == at:
                    pass
                elif month and 1 <= month <= 12:
                    due = f"{y:04d}-{month:02d}-{day:02d}" if day else _month_end(y, month)
                else:
                    due = y
            if (
                not annual
                and due is None
                and not dues
                and cumulative is None
                and cmp in ("ge", "gt", "le", "lt")
                and _is_norm(before, after, unit)
            ):
                annual = True  # a standing norm (生均拨款应不低于…) holds every year
            if due is None and not annual:
                due = task_due
            if annual:
                due = None
            target = ParsedTarget(
                label=_label(
                    _label_context(text[s_start:s_end], item_start, pos),
                    text[s_start + q.end : s_start + item_end],
                    unit,
                ),
                value=q.value,
                value_high=q.value_high,
                cmp=cmp,
                unit=unit,
                per_unit=per_unit,
                recurrence="annual" if annual else "once",
                from_year=from_year,
                due=due,
                cumulative=cumulative,
                source=text[s_start:s_end].strip(),
                start=s_start + q.start,
                end=s_start + q.end,
                review=review,
            )
            targets.append(target)
            previous = target
            previous_end = q.end
        if previous is not None:
            breakdown_of = (previous.recurrence == "annual", previous.due)
        elif not re.match(r"\s*其中", sentence):
            breakdown_of = None
    return targets, skipped


# ---------------------------------------------------------------------------------------------
# The whole document

# The issuing government, from the title: 河南省…方案, 洛阳市…分工, 兰考县…清单.
_TITLE_GOVERNMENT = re.compile(
    r"^\s*(?:附件\s*\d*\s*[:：]?\s*)?(?:关于印发|关于)?(?P<place>[\u4e00-\u9fff]{2,8}?(?P<level>自治区|省|市|县|区|旗))"
    r"(?=[\u4e00-\u9fff（(“\d]|$)"
)
_PLACE_LEVEL_WORD = {"自治区": "省", "省": "省", "市": "市", "县": "县", "区": "县", "旗": "县"}
_TITLE_WORDS = re.compile(r"方案|计划|清单|分工|意见|规划|通知|任务|措施|要点")


def _plan_government(
    lines: list[str], rows: list[_RawRow], issuer: str = ""
) -> tuple[str | None, str | None]:
    """(place, level) of the government whose plan this is. The issuer (南阳市人民政府) or the
    title names it; without either, the level word most of the responsibility cells start their
    names with (省教育厅…)."""
    first_row = min((r.line for r in rows), default=len(lines))
    named = [issuer] if issuer else []
    for line in named + [x for x in lines[: max(0, first_row - 1)][:8] if _TITLE_WORDS.search(x)]:
        m = _TITLE_GOVERNMENT.match(line)
        if m and not m.group("place").startswith(("全", "我", "本")):
            return m.group("place"), LEVELS[_PLACE_LEVEL_WORD[m.group("level")]]
    counts: dict[str, int] = {}
    for row in rows:
        for cell in (row.lead, row.responsible, row.co):
            for name in re.split(r"[、，,；;/\s]+", cell):
                name = re.sub(r"^(?:共青)?团", "", name)
                if name[:1] in LEVELS:
                    counts[name[:1]] = counts.get(name[:1], 0) + 1
    if not counts:
        return None, None
    return None, LEVELS[max(counts, key=lambda w: counts[w])]


def parse_tasklist(
    text: str,
    *,
    catalogue: Catalogue,
    plan_period: tuple[int, int] | None = None,
    issuer: str = "",
) -> ParsedTaskList:
    """Read a task list. Raises TaskListError (naming the line) if it has no task rows, or a row
    has no responsible unit; nothing is half-read. ``issuer`` is the issuing government (南阳市
    人民政府), if known: names are read at its level first (see _plan_government)."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    layout = "table"
    rows = None
    if sum(1 for line in lines if line.lstrip().startswith("|")) >= 2:
        rows, layout = _table_rows(lines, markdown=True), "markdown"
    if rows is None and any("\t" in line for line in lines):
        rows, layout = _table_rows(lines, markdown=False), "table"
    if rows is None:
        rows, layout = _paragraph_rows(lines), "paragraphs"
    if not rows:
        raise TaskListError(
            "没有找到任务行：需要“序号/工作任务/负责单位（或牵头单位）”表头的表格，"
            "或以“（牵头单位：…）”结尾的编号段落"
        )

    place, level = _plan_government(lines, rows, issuer)
    warnings: list[dict[str, object]] = []
    tasks: list[ParsedTask] = []
    seen_numbers: dict[str, int] = {}
    # Another government's body keeps its name as first written in the file, under whatever
    # spelling it comes again (威海市人社局 after 威海市人力资源和社会保障局).
    spelled: dict[tuple[str, str], Resolved] = {}
    for row in rows:
        if not row.text:
            raise TaskListError(
                f"任务 {row.number} 没有任务内容", line=row.line, field_name="工作任务"
            )
        bodies: list[Resolved] = []
        lead_given = bool(row.lead)
        named_lead: Resolved | None = None
        for column, cell in enumerate((row.lead, row.responsible, row.co)):
            for i, body in enumerate(catalogue.split(cell, level=level, place=place)):
                if body.of:
                    body = spelled.setdefault((body.place, body.of), body)
                if body.name not in {b.name for b in bodies}:
                    bodies.append(body)
                if column == 0 and i == 0 and body.kind == KIND_GROUP:
                    named_lead = body
        if not bodies or (
            all(b.kind == KIND_GROUP for b in bodies) and not row.lead and not row.responsible
        ):
            raise TaskListError(
                f"任务 {row.number} 没有负责单位", line=row.line, field_name="负责单位"
            )
        number = row.number
        if number in seen_numbers:
            # Numbering restarts under each section heading in some lists: keep both, distinctly.
            seen_numbers[number] += 1
            number = f"{number}-{seen_numbers[row.number]}"
            warnings.append(
                {
                    "line": row.line,
                    "task": number,
                    "message": f"序号 {row.number} 重复，记为 {number}",
                }
            )
        else:
            seen_numbers[number] = 1
        due, annual = parse_deadline(row.deadline)
        task = ParsedTask(
            number=number,
            text=row.text,
            line=row.line,
            responsibility="；".join(x for x in (row.lead, row.responsible, row.co) if x),
            bodies=bodies,
            deadline_text=row.deadline,
            deadline=due,
            deadline_annual=annual,
            lead_given=lead_given,
            named_lead=named_lead,
        )
        task.targets, task.skipped = extract_targets(
            row.text, plan_period=plan_period, task_due=due, task_annual=annual
        )
        for body in bodies:
            if not body.known:
                warnings.append(
                    {
                        "line": row.line,
                        "task": number,
                        "message": f"单位“{body.name}”不在部门目录中，已按原文保留，待核对",
                    }
                )
        for target in task.targets:
            if target.review:
                warnings.append(
                    {
                        "line": row.line,
                        "task": number,
                        "message": f"目标“{target.source}”：{target.review}",
                    }
                )
        if task.lead is None:
            warnings.append(
                {
                    "line": row.line,
                    "task": number,
                    "message": "只写了群体单位（如各县区政府），没有具体牵头单位",
                }
            )
        tasks.append(task)
    return ParsedTaskList(layout=layout, tasks=tasks, warnings=warnings)
