import re
from collections.abc import Mapping

from rest_framework import serializers

from .models import Deletion


class DescribedModelSerializer(serializers.ModelSerializer):
    """Field names stay English; each field's Chinese name (verbose_name) becomes its description
    in the schema when the model gives no longer help text."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            if not field.help_text and field.label:
                field.help_text = str(field.label)
            if name == "id":
                field.label = field.help_text = "编号"
            elif field.help_text and field.label is None:
                # A declared field: its short Chinese name (the description up to its first
                # aside) heads its column in exports.
                field.label = re.split(r"[（，：:(]", str(field.help_text))[0]
        return fields


class InputSerializer(serializers.Serializer):
    """What a caller sends. A field it does not know is refused, naming the ones there are: a
    misspelt ``narative`` would otherwise be dropped without a word, and what was typed lost."""

    def validate(self, attrs):
        sent = getattr(self, "initial_data", None)
        # The browsable API's HTML forms send their CSRF token along with the fields.
        unknown = (
            sorted(set(sent) - set(self.fields) - {"csrfmiddlewaretoken"})
            if isinstance(sent, Mapping)
            else []
        )
        if unknown:
            known = "、".join(self.fields)
            raise serializers.ValidationError(
                {name: f"没有这个字段（可用字段：{known}）" for name in unknown}
            )
        return attrs


class NamedRef(serializers.Serializer):
    """A reference as {id, name}: enough to show, and the id to follow."""

    id = serializers.IntegerField(read_only=True, help_text="编号")
    name = serializers.CharField(read_only=True, help_text="名称")


class DeletionSerializer(DescribedModelSerializer):
    class Meta:
        model = Deletion
        fields = ("id", "kind", "record_id", "updated_at")
