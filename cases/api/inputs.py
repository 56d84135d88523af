"""The base of every request body's serializer: a key it does not take is refused by name, never dropped.

A partner's integrator who sends `received_at`, or a typo such as `wory`, learns at once that it was not set (issue 12
item 6): a 400 naming each such key. A declared field that this caller may not set (a partner's `received_at`) is
named by the view in the serializer's context as `refused`, and is refused the same way. Nested inputs (a contact's
children) inherit it, and the context, from their parent.
"""

from collections.abc import Mapping

from rest_framework import serializers

NOT_A_FIELD = "Not a field of this request: remove it"
NOT_YOURS = "You may not set this field: remove it"


class InputSerializer(serializers.Serializer):
    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            refused = set(self.context.get("refused", ()))
            errors = {}
            for key in data:
                field = self.fields.get(key)
                if key in refused:
                    errors[key] = [NOT_YOURS]
                elif field is None or field.read_only:
                    errors[key] = [NOT_A_FIELD]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
