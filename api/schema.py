"""Schema post-processing: describe what drf-spectacular cannot see on its own — the parameters it
generates, the error answers every endpoint gives (api.errors), and the sections (tags) the docs
page groups the endpoints under, in Chinese. ``view_name`` gives the browsable API the same
Chinese names (REST_FRAMEWORK["VIEW_NAME_FUNCTION"])."""

from __future__ import annotations

from typing import Any

from rest_framework.views import get_view_name as drf_view_name

from .errors import MESSAGES

# Each endpoint's first path part (/api/v1/<part>/…): its section on the docs page, and its name
# in the browsable API. Sections in the order the docs page lists them.
SECTIONS: dict[str, str] = {
    "任务与目标": "政策文件、其中的任务及量化目标",
    "进展填报": "各部门填报的进展、佐证材料，以及提交、审核、退回",
    "达成情况": "各目标按期的达成情况与逾期清单",
    "年度报告": "职业教育质量年度报告及从中识别的数据",
    "部门、指标与区划": "部门目录、指标目录、行政区划与学校",
    "增量同步": "已删除记录，供业务系统同步时删除本地副本",
}
_SECTION_OF = {
    "plans": "任务与目标",
    "tasks": "任务与目标",
    "targets": "任务与目标",
    "progress-entries": "进展填报",
    "attainments": "达成情况",
    "overdue": "达成情况",
    "reports": "年度报告",
    "figures": "年度报告",
    "departments": "部门、指标与区划",
    "indicators": "部门、指标与区划",
    "jurisdictions": "部门、指标与区划",
    "deletions": "增量同步",
}
_NAMES = {
    "plan": "政策文件",
    "task": "任务",
    "target": "目标",
    "progress-entry": "进展填报",
    "attainment": "达成情况",
    "overdue": "逾期清单",
    "report": "年度报告",
    "figure": "报告数据",
    "department": "部门",
    "indicator": "指标",
    "jurisdiction": "行政区划与学校",
    "deletion": "已删除记录",
}
_SUFFIXES = {"List": "列表", "Instance": "详情"}
# Extra actions (@action), by method name: DRF would call them "Submit", "Return entry".
_ACTIONS = {
    "submit": "提交审核",
    "approve": "审核通过",
    "return_entry": "退回修改",
    "evidence": "上传佐证材料",
    "evidence_file": "下载佐证材料",
}

_FORMAT = "返回格式：json（默认）；csv 或 xlsx 导出全部筛选结果（不分页）；api 为可浏览页面"

_ERROR = {
    "type": "object",
    "description": "错误答复（所有非 2xx 答复都是这一形式，导出请求出错时也是 JSON）",
    "properties": {
        "error": {
            "type": "object",
            "description": "错误内容",
            "properties": {
                "status": {"type": "integer", "description": "HTTP 状态码"},
                "code": {
                    "type": "string",
                    "description": "错误代码，如 invalid、not_found、permission_denied、conflict",
                },
                "message": {"type": "string", "description": "一句可直接展示给用户的中文说明"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                    "description": "出错的输入项及原因：键为参数或字段名，值为原因列表；"
                    "与具体输入无关的错误为空",
                },
            },
            "required": ["status", "code", "message", "fields"],
        },
    },
    "required": ["error"],
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}
_WRITES = ("post", "put", "patch", "delete")


def _error_codes(path: str, method: str, operation: dict) -> list[int]:
    codes = [401, 403, 404, 406, 429]
    if operation.get("requestBody") or any(
        p.get("in") == "query" and p.get("name") != "format"
        for p in operation.get("parameters", [])
    ):
        codes.append(400)
    if method in _WRITES and "{" in path:
        codes.append(409)  # the record's state (submitted, approved, still referenced) forbids it
    if operation.get("requestBody"):
        codes.append(415)
    return sorted(codes)


def _section(path: str, tags: list[str]) -> list[str]:
    part = path.removeprefix("/api/v1/").split("/", 1)[0]
    section = _SECTION_OF.get(part)
    return [section] if section else tags


def describe_generated_parameters(result, generator, request, public):
    """The post-processing hook named in SPECTACULAR_SETTINGS: describes the ``format`` parameter,
    documents each operation's error answers with the one error shape, and files each operation
    under its Chinese section (the docs page's headings)."""
    used: set[str] = set()
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            operation["tags"] = _section(path, operation.get("tags") or [])
            used.update(operation["tags"])
            for parameter in operation.get("parameters", []):
                if (
                    parameter.get("in") == "query"
                    and parameter.get("name") == "format"
                    and not parameter.get("description")
                ):
                    parameter["description"] = _FORMAT
            responses = operation.setdefault("responses", {})
            for code in _error_codes(path, method, operation):
                responses.setdefault(
                    str(code),
                    {
                        "description": MESSAGES[code],
                        "content": {"application/json": {"schema": _ERROR_REF}},
                    },
                )
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = _ERROR
    result["tags"] = [
        {"name": name, "description": about} for name, about in SECTIONS.items() if name in used
    ] + [{"name": name} for name in sorted(used - set(SECTIONS))]
    return result


def view_name(view: Any) -> str:
    """A view's name in the browsable API, in Chinese: 任务列表, 进展填报详情, the extra actions
    under their own names (提交审核…), the root 接口目录; DRF's English name otherwise."""
    name = getattr(view, "name", None)
    # DRF names an extra action after its method (pretty_name: "Return entry"); as set on a
    # dispatched view, or as the breadcrumbs rebuild it from the route.
    action = getattr(view, "action", None) or str(name or "").lower().replace(" ", "_")
    if action in _ACTIONS:
        return _ACTIONS[action]
    if name is not None:
        return str(name)
    if type(view).__name__ == "APIRootView":
        return "接口目录"
    noun = _NAMES.get(getattr(view, "basename", "") or "")
    if noun is None:
        return drf_view_name(view)
    return noun + _SUFFIXES.get(getattr(view, "suffix", "") or "", "")
