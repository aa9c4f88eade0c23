from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Numbered pages with the total count. Pages are stable because every list is ordered by a
    unique key last (see filters.StableOrdering)."""

    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "页码（从 1 开始）"
    page_size_query_description = "每页条数（默认 50，最多 500；超过 500 按 500 返回）"
    invalid_page_message = "页码无效：没有第 {page_number} 页"

    def get_page_size(self, request) -> int | None:
        # DRF quietly falls back to the default for page_size=abc or 0: a sync job that mistyped
        # it would page through 50 rows at a time without knowing why. Refuse it instead.
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"“{raw}”不是有效的每页条数，请填 1 到 {self.max_page_size} 的整数"
                    ]
                }
            )
        return min(int(text), self.max_page_size)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        properties = described["properties"]
        properties["count"]["description"] = "符合筛选条件的记录总数"
        properties["next"]["description"] = "下一页地址（最后一页为空）"
        properties["previous"]["description"] = "上一页地址（第一页为空）"
        properties["results"]["description"] = "本页记录"
        for name in ("next", "previous"):
            properties[name].pop("example", None)
        properties["count"].pop("example", None)
        return described
