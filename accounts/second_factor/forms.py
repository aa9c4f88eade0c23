from django import forms


class CodeForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=20,
        error_messages={"required": "请输入验证码"},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )
