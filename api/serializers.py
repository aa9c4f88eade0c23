from rest_framework import serializers


class DescribedModelSerializer(serializers.ModelSerializer):
    """Field names stay English; each field's Chinese name (verbose_name) becomes its description
    in the schema when the model gives no longer help text."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if not field.help_text and field.label:
                field.help_text = str(field.label)
        return fields


class NamedRef(serializers.Serializer):
    """A reference as {id, name}: enough to show, and the id to follow."""

    id = serializers.IntegerField(read_only=True, help_text="编号")
    name = serializers.CharField(read_only=True, help_text="名称")
