"""Names the dead-code check (``make lint``: vulture) cannot see used, each with the reason.

Vulture reads Python only: what templates, YAML data, typer, pydantic and expat use by name looks unused to it.
A name that is really unused is removed, not listed here.
"""

# ruff: noqa
_ = object()

# Catalogue fields read from YAML and shown by the templates (templates/catalogue.md.j2), or written by users.
_.secondary_focus_areas
_.oecd_capitals
_.extends
# Chart geometry read by templates/scorecard/_charts.html.j2.
_.dashed
_.dash
# Typed page sections' fields read only by their partials (templates/scorecard/sections/).
_.next_name
_.robustness_href
_.queries_excluded
_.unit_word
_.status_text
_.two_views
_.area_word
# UI msgids gathered for translation (assessment._messages), used by typer's help and by the pages.
HEADINGS
DESIGNS
STATUS_LABELS
# The workbook contract names every profile column, including the label column the reader skips.
PROFILE_LABEL_COLUMN
# Django's admin calls these hooks of the back office (assessment/server/backoffice.py).
_.has_permission
_.has_module_permission
_.has_view_permission
_.has_add_permission
_.has_change_permission
_.has_delete_permission
_.get_readonly_fields
_.save_model
# ... and these of the city's page there: a form field's hook, the columns and filters of its list, its shown values.
_.prepare_value
_.list_display
_.list_filter
_.contact_list
_.profile_shown
extra_context
_.site_header
_.site_title
_.index_title
_.final_catch_all_view
# The organiser tests' threaded loopback server (socketserver and wsgiref call these).
_.log_message
_.daemon_threads
# pytest hooks of tests/conftest.py, called by pytest by name.
pytest_configure
pytest_collection_modifyitems
