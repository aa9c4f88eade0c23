"""Schema post-processing: describe what drf-spectacular adds on its own."""

_FORMAT = "返回格式：json（默认）；csv 或 xlsx 导出全部筛选结果（不分页）；api 为可浏览页面"


def describe_generated_parameters(result, generator, request, public):
    for item in result.get("paths", {}).values():
        for operation in item.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                if parameter.get("in") == "query" and parameter.get("name") == "format" and not parameter.get("description"):
                    parameter["description"] = _FORMAT
    return result
