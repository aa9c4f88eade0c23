"""Two-step verification (两步验证): a TOTP authenticator, asked for after the password.

django-otp holds the devices (a TOTP device per person, plus one-off backup codes) and marks a
session verified; this package decides who must have one (``OTP_REQUIRED_ROLES``), keeps an
unverified session on the verification or enrolment page (middleware), and has the pages.
API tokens are not affected: they are issued to a system, not typed by a person.
"""
