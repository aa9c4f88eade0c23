"""Password rules for 等保 level 3 (GB/T 22239-2019 8.1.4.1 a: 口令应具有复杂度要求).

With Django's own length (10), similarity, common-password and all-digits validators, this one
asks for three of the four kinds of character; and Django's length check gets a Chinese message.
"""

from __future__ import annotations

import string

from django.contrib.auth import password_validation
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError

_CLASSES: tuple[tuple[str, str], ...] = (
    ("小写字母", string.ascii_lowercase),
    ("大写字母", string.ascii_uppercase),
    ("数字", string.digits),
)
_SYMBOLS = "符号"


def _classes_in(password: str) -> set[str]:
    found = {name for name, chars in _CLASSES if any(c in chars for c in password)}
    # Anything that is not an ASCII letter or digit (punctuation, a space, a Chinese character)
    # counts as a symbol: what matters is that the password is not letters and digits only.
    if any(not (c.isascii() and c.isalnum()) for c in password):
        found.add(_SYMBOLS)
    return found


class CharacterClassesValidator:
    """At least ``min_classes`` of: lower-case letters, upper-case letters, digits, symbols."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        found = _classes_in(password)
        if len(found) < self.min_classes:
            missing = [name for name, _ in _CLASSES if name not in found]
            if _SYMBOLS not in found:
                missing.append(_SYMBOLS)
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类，"
                f"当前只有 {len(found)} 类（还可加入：{'、'.join(missing)}）",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"密码须包含小写字母、大写字母、数字、符号中的至少 {self.min_classes} 类。"


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's, with its refusal in Chinese: Django 5.2 reworded the message and its Chinese
    catalogue still has the old wording, so users would read it in English."""

    def get_error_message(self) -> str:
        return f"密码太短：至少需要 {self.min_length} 个字符"

    def get_help_text(self) -> str:
        return f"密码至少需要 {self.min_length} 个字符。"
