from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """Numbered pages with the total count. Pages are stable because every list is ordered by a
    unique key last (see filters.StableOrdering)."""

    page_size_query_param = "page_size"
    max_page_size = 500
    page_query_description = "页码（从 1 开始）"
    page_size_query_description = "每页条数（默认 50，最多 500）"
    invalid_page_message = "页码无效：没有第 {page_number} 页"

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
