"""Schema post-processing: describe what drf-spectacular cannot see on its own — the parameters it
generates, and the error answers every endpoint gives (api.errors)."""

from .errors import MESSAGES

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


def describe_generated_parameters(result, generator, request, public):
    """The post-processing hook named in SPECTACULAR_SETTINGS: describes the ``format`` parameter
    and documents each operation's error answers with the one error shape."""
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
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
    return result
