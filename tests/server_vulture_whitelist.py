"""Names of the service that the dead-code check (``make lint``: vulture) cannot see used, with the reason.

Django reads them by name: the app, middleware, template environment, lockout view and URL list are
named by strings in ``assessment/server/config.py``; model ``Meta`` options, migration attributes and
model fields are read by the ORM and the templates; a few attributes are read by the standard library.
"""

# ruff: noqa
_ = object()

# Named by strings in the settings (assessment/server/config.py) and by WSGI servers.
ServerConfig
_.default_auto_field
environment
SecurityHeaders
Language
locked_out
urlpatterns
application
# Model options, migration attributes, and fields the ORM and the templates read by name.
_.Meta
_.constraints
_.ordering
_.initial
_.dependencies
_.operations
_.last_activity
_.expires
_.used
_.uploaded_by
_.reported
_.asked_by
_.LANGUAGE_CODE
# Read by tarfile (TarInfo.mode) and zipfile (ZipInfo fields).
_.mode
_.compress_type
_.external_attr
# Django settings the service tests change (tests/server_kit.py).
_.PASSWORD_HASHERS
_.EMAIL_BACKEND
