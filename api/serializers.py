import re

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


class NamedRef(serializers.Serializer):
    """A reference as {id, name}: enough to show, and the id to follow."""

    id = serializers.IntegerField(read_only=True, help_text="编号")
    name = serializers.CharField(read_only=True, help_text="名称")


class DeletionSerializer(DescribedModelSerializer):
    class Meta:
        model = Deletion
        fields = ("id", "kind", "record_id", "updated_at")
