"""The intake's problems: every code a city can meet, and its words in each language.

Each intake problem is an :class:`~assessment.errors.Problem` made by :func:`issue` from a code of
:data:`MESSAGES` (severity, message and fix templates) and the place it was found; its text is
made when it is written (:func:`~assessment.intake.tables.issues_frame`,
:func:`~assessment.intake.tables.write_issues`), in the language asked for.

This module and the readers do not import pandas: ``smartcity validate`` reads, checks and lists
problems without it.
"""

from __future__ import annotations

from typing import Any

from .._missing import cell_text
from ..catalogue.plausible import Slip
from ..errors import Problem, Severity, params
from ..i18n import N_

#: Columns of the issue table, in order.
ISSUE_COLUMNS = ("file", "sheet", "row", "column", "indicator", "code", "severity", "message", "value", "fix")

#: code → (severity, message template, how to fix). Placeholders are filled from the issue's values;
#: ``{found}`` is the value found in the cell.
MESSAGES: dict[str, tuple[Severity, str, str]] = {
    "empty-file": ("error", N_("The file is empty."), N_("Send the filled workbook again.")),
    "no-data": ("error", N_("The file holds no values: only a header row, or no row the template asks for."),
                N_("Fill in the rows of the template's CSV form (or the workbook) and send the file again.")),
    "too-large": ("error", N_("The file is too large: {reason}."), N_("Send only the filled template.")),
    "not-a-workbook": ("error", N_("The file cannot be opened as a workbook: {reason}."),
                       N_("Save it again as .xlsx from Excel or LibreOffice.")),
    "unknown-format": ("error", N_("This kind of file is not read: {reason}."),
                       N_("Use the .xlsx template or the CSV form.")),
    "encrypted": ("error", N_("The workbook is password-protected."), N_("Save a copy without a password.")),
    "zip-bomb": ("error", N_("The file expands to far more data than a city workbook holds."),
                 N_("Send only the filled template.")),
    "xml-entities": ("error", N_("The workbook contains XML entity declarations, which are refused."),
                     N_("Save it again from Excel or LibreOffice.")),
    "too-far": ("error", N_("The workbook has cells far outside the template: {reason}."),
                N_("Delete the stray cells and save again.")),
    "bad-csv": ("error", N_("The CSV file cannot be read: {reason}."),
                N_("Save it again as 'CSV UTF-8' from the template's CSV form.")),
    "not-utf8": ("error", N_("The CSV file is not UTF-8 text."), N_("Save it as 'CSV UTF-8'.")),
    "unreadable": ("error", N_("The workbook could not be read: {reason}."),
                   N_("Open it in Excel or LibreOffice and save it again as .xlsx.")),
    "reader-crashed": ("error", N_("The file could not be read safely: the reader stopped ({reason})."),
                       N_("Open it in Excel or LibreOffice and save it again as .xlsx; send only the filled "
                          "template.")),
    "reader-timeout": ("error", N_("The file could not be read safely: reading it took too long."),
                       N_("Open it in Excel or LibreOffice and save it again as .xlsx; send only the filled "
                          "template.")),
    "not-a-template": ("error", N_("This workbook was not made from the smartcity template (its hidden marker "
                                   "sheet is missing)."), N_("Generate a template with 'smartcity template' and "
                                                             "copy the values into it.")),
    "missing-sheet": ("error", N_("The sheet '{sheet_name}' is missing."), N_("Do not rename or delete sheets.")),
    "other-catalogue": ("error", N_("The template was made for catalogue {found}; this package uses {expected}."),
                        N_("Generate a new template and copy the values into it.")),
    "older-template": ("warning", N_("The template was made for catalogue {found}; this package uses {expected}. "
                                     "Values were read where the indicator and its unit are unchanged."),
                       N_("Use a new template next time; copy the values into it.")),
    "unit-redefined": ("error", N_("The unit of {found} changed between catalogue versions ('{old}' → '{new}'); "
                                   "the value was not used."),
                       N_("Give the value in the new unit in a new template.")),
    "missing-profile": ("error", N_("The required field '{field}' is empty."), N_("Fill it in on the City "
                                                                                  "profile sheet.")),
    "unknown-country": ("error", N_("'{found}' is not an ISO 3166-1 alpha-2 country code."),
                        N_("Use a two-letter code such as VN, TH or SG.")),
    "bad-year": ("error", N_("The assessment year must be a four-digit year; found '{found}'."),
                 N_("Enter a year such as 2025.")),
    "bad-profile-number": ("error", N_("'{field}' must be a number greater than 0; found '{found}'."),
                           N_("Enter a plain number.")),
    "unknown-indicator": ("error", N_("Unknown indicator ID '{found}'."),
                          N_("Use the IDs of the template; do not edit the ID column.")),
    "no-id": ("error", N_("This row has values but no ID."),
              N_("Put the values on the row of their indicator; the IDs are in the first column.")),
    "rows-missing": ("warning", N_("{n} row(s) of the template are missing, so these are read as not answered: "
                                   "{ids}."), N_("Restore the rows if the city has these values.")),
    "changed-unit": ("error", N_("The unit cell was changed: the template had '{expected}'."),
                     N_("Restore the unit and give the value in that unit; the values of this row were not used.")),
    "duplicate": ("error", N_("Indicator {found} appears more than once (first on row {other})."),
                  N_("Keep one row per indicator; this row was not used.")),
    "duplicate-city": ("error", N_("{found} is submitted more than once (also in {other})."),
                       N_("Send one workbook per city and year.")),
    "not-a-number": ("error", N_("'{found}' is not a number."), N_("Enter a plain number, or leave the cell "
                                                                    "empty if the value is not available.")),
    "not-finite": ("error", N_("The cell holds {found}, which is not a value a city can report: an infinite "
                               "value or 'not a number' (NaN), often left by a formula that divides by zero."),
                   N_("Enter the value as a plain number, such as 12.5; if a formula gave it, check the formula "
                      "and type its result.")),
    "underflow": ("error", N_("'{found}' is too close to zero to be stored as a number; it is not read as 0."),
                  N_("Check the exponent, or give the value in the unit shown.")),
    "digit-groups": ("error", N_("'{found}' has a space between digits that does not separate thousands: only a "
                                 "space between groups of exactly three digits does (12 345)."),
                     N_("Type the number without spaces between its digits, or check whether the cell holds two "
                        "numbers.")),
    "mixed-digits": ("error", N_("'{found}' mixes the digits of different scripts."),
                     N_("Type the number with one kind of digits, such as 0–9.")),
    "styled-digits": ("error", N_("'{found}' is written with styled mathematical digits, which are not read as a "
                                  "number."), N_("Type the number with the digits 0–9.")),
    "percent-format": ("info", N_("{found} is formatted as a percentage, so it is read as shown: {shown} (unit "
                                  "'{unit}')."), ""),
    "percent-format-unit": ("error", N_("The cell is formatted as a percentage, but the unit is '{unit}'."),
                            N_("Remove the percent format and give the value in the unit shown.")),
    "date-as-year": ("info", N_("The date {found} is read as the year {year}."), ""),
    "buddhist-era-year": ("warning", N_("The year {found} is read as a year of the Buddhist Era (BE {era}, as Thai "
                                        "Excel shows years), so the year {year} is used."),
                          N_("Check that {year} is the year meant; type years of the Common Era (such as {year}) "
                             "to avoid this note.")),
    "ambiguous-number": ("error", N_("'{found}' is ambiguous: it could be {first} or {second}."),
                         N_("Type the number without thousands separators.")),
    "other-decimal-mark": ("error", N_("'{found}' uses a decimal mark this template's language does not use."),
                           N_("This template reads '{mark}' as the decimal mark.")),
    "percent-sign": ("error", N_("'{found}' has a percent sign, but the unit is '{unit}'."),
                     N_("Give the value in the unit shown, without '%'.")),
    "out-of-range": ("error", N_("{found} is outside the possible range {low} to {high} for the unit '{unit}'."),
                     N_("Check the value and its unit.")),
    "out-of-range-slip": ("error", N_("{found} is outside the possible range {low} to {high} for the unit '{unit}' "
                                      "({limits}). It looks like {slip}: it would be {would}."),
                          N_("Check the unit and give the value in the unit shown.")),
    "out-of-range-slips": ("error", N_("{found} is outside the possible range {low} to {high} for the unit "
                                       "'{unit}' ({limits}). It looks like {slip}: it would be {would}; or {slip2}: "
                                       "it would be {would2}."),
                           N_("Check the unit and give the value in the unit shown.")),
    "implausible": ("warning", N_("{found} is {side} the values cities report for the unit '{unit}': {low} to "
                                  "{high} ({cite})."),
                    N_("Check the value and its unit; if it is right, say so in the notes (the review will ask).")),
    "implausible-slip": ("warning", N_("{found} is {side} the values cities report for the unit '{unit}': {low} "
                                       "to {high} ({cite}). It looks like {slip}: it would be {would}."),
                         N_("Check the unit and give the value in the unit shown; if the value is right, say so "
                            "in the notes (the review will ask).")),
    "implausible-slips": ("warning", N_("{found} is {side} the values cities report for the unit '{unit}': {low} "
                                        "to {high} ({cite}). It looks like {slip}: it would be {would}; or {slip2}: "
                                        "it would be {would2}."),
                          N_("Check the unit and give the value in the unit shown; if the value is right, say so "
                             "in the notes (the review will ask).")),
    "excel-error": ("error", N_("The cell holds the spreadsheet error {found}."),
                    N_("Replace the formula by the value itself.")),
    "formula-no-result": ("error", N_("The cell holds a formula without a saved result."),
                          N_("Enter the value itself, not a formula.")),
    "bad-cell": ("error", N_("The cell cannot be read: {reason}. The rest of the file was read."),
                 N_("Type the value into the cell again in Excel or LibreOffice and save the file.")),
    "hidden-cell": ("warning", N_("The cell holds a value {how}, so it may not be what the person filling in the "
                                  "workbook saw; it was read: {found}."),
                    N_("Check the value; show the row or column, unmerge the cells or give the cell a visible "
                       "number format.")),
    "formula": ("warning", N_("The cell holds a formula; its saved result {found} was used."),
                N_("Enter the value itself, not a formula.")),
    "missing-token": ("info", N_("'{found}' is read as 'not available' (not zero)."), ""),
    "data-year-future": ("error", N_("The data year {found} is later than the assessment year {year}."),
                         N_("Give the year the value refers to.")),
    "data-year-old": ("warning", N_("The data year {found} is more than 10 years before the assessment year "
                                    "{year}."), N_("Use more recent data if there is any.")),
    "bad-data-year": ("error", N_("The data year must be a four-digit year; found '{found}'."),
                      N_("Enter a year such as 2024.")),
    "bad-quality": ("error", N_("'{found}' is not a data-quality flag (1 to {n})."),
                    N_("Choose from the dropdown.")),
    "enabler-level": ("error", N_("The level must be a whole number from 0 to 5; found '{found}'."),
                      N_("Choose from the dropdown.")),
    "unknown-enabler": ("error", N_("Unknown enabler ID '{found}'."), N_("Do not edit the ID column.")),
    "unknown-criterion": ("error", N_("Unknown criterion ID '{found}'."), N_("Do not edit the ID column.")),
    "criterion-answer": ("error", N_("'{found}' is not an answer to a criterion ({choices})."),
                         N_("Choose met or not met from the dropdown, or leave the cell empty.")),
    "criterion-no-evidence": ("warning", N_("The criterion is marked met but no evidence is given, so it counts as "
                                            "not met."), N_("Name the evidence: document, decision or report.")),
    "unread-sheet": ("warning", N_("The sheet '{sheet_name}' is not read, but it holds values."),
                     N_("Copy the values into the template's own sheets and delete this sheet.")),
    "stray-cell": ("warning", N_("This cell is outside the input columns and was not read."),
                   N_("Move the content to the Notes column.")),
    "no-values": ("warning", N_("No scored indicator has a value, so this city gets no scores and cannot be "
                                "ranked: a city is ranked only with values for at least {needed} of the {total} "
                                "scored indicators ({share}%)."),
                  N_("Fill in the values the city has; leave a cell empty only when the value is not available.")),
    "too-few-values": ("warning", N_("Only {found} of the {total} scored indicators have a value, so this city "
                                     "cannot be ranked: a city is ranked only with values for at least {needed} "
                                     "of them ({share}%). Outcomes and focus areas with too few values show no "
                                     "score."),
                       N_("Fill in more indicators; scores rest on the values reported, never on guesses.")),
    "control-character": ("error", N_("'{field}' holds an invisible character ({char}) at position {position}: "
                                      "a line break or a control character typed or pasted into the cell."),
                          N_("Retype the value on one line, without line breaks or invisible characters.")),
    "csv-too-long": ("error", N_("The CSV file has more than {limit} rows: far more than the CSV form of a "
                                 "cohort holds, so it was not read."),
                     N_("Send the template's CSV form (about 150 rows per city); split a larger cohort into "
                        "several files.")),
    "csv-too-wide": ("error", N_("The CSV file has more than {limit} columns, so it was not read."),
                     N_("Keep the form's columns only: in a wide CSV, one column per indicator ID.")),
    "xls-renamed": ("error", N_("The file is an Excel 97–2003 workbook (.xls) whose name ends in another "
                                "suffix, so it cannot be opened as that kind of file."),
                    N_("Rename it to end in .xls, or open it in Excel or LibreOffice and save it as .xlsx.")),
    "damaged-sheet": ("error", N_("The sheet '{sheet_name}' is damaged: its content is empty or cut off, so the "
                                  "workbook cannot be read."),
                      N_("Open the workbook in Excel or LibreOffice and save it again as .xlsx; if the sheet is "
                         "empty there too, send the filled workbook again.")),
    "damaged-ods": ("error", N_("The file is named .ods but is not a complete OpenDocument spreadsheet: parts of "
                                "it are missing or damaged."),
                    N_("Open it in LibreOffice and save it again as .ods or .xlsx; if it does not open, send the "
                       "filled file again.")),
    "not-a-file": ("error", N_("'{name}' is not a file but {kind}, so it was not read."),
                   N_("Put a copy of the file itself in the folder, not a link, and send it again.")),
}




#: How a unit slip is named in a message (a UI msgid per slip; a rate base per population base).
SLIP_LABELS: dict[str, str] = {
    "thousand": N_("a slip by a factor of 1,000 (grams for kilograms, metres for kilometres, thousands for units)"),
    "fraction": N_("a fraction typed where a percentage is asked"),
    "percent": N_("a percentage typed where a fraction is asked"),
    "hundred": N_("a slip by a factor of 100"),
    "decimal": N_("a decimal mark one place off (a factor of 10)"),
    "total": N_("a total for the whole city instead of a figure per inhabitant (divided by the profile's "
                "population)"),
    "denominator": N_("a slip by a factor of 1,000 in the value or in the profile figure it is divided by"),
}
BASE_LABELS: dict[int, str] = {
    1: N_("a rate per inhabitant instead of the unit's base"),
    100: N_("a rate per 100 inhabitants (a percentage) instead of the unit's base"),
    1_000: N_("a rate per 1,000 instead of the unit's base"),
    10_000: N_("a rate per 10,000 instead of the unit's base"),
    100_000: N_("a rate per 100,000 instead of the unit's base"),
    1_000_000: N_("a rate per million instead of the unit's base"),
}


def slip_label(slip: Slip) -> str:
    """The msgid naming ``slip`` in a message (translated when the message is written)."""
    if slip.kind == "base" and slip.base in BASE_LABELS:
        return BASE_LABELS[slip.base]
    return SLIP_LABELS.get(slip.kind, SLIP_LABELS["hundred"])


#: Parameters that are plain numbers in every message that has them (written in the reader's number format).
NUMBER_PARAMS = ("low", "high", "would", "would2", "first", "second", "shown", "n", "total", "needed")
#: Codes whose found value, when the cell held a number, is a quantity (not a year or a row).
NUMBER_FOUND = frozenset({"out-of-range", "out-of-range-slip", "out-of-range-slips", "implausible",
                          "implausible-slip", "implausible-slips", "formula",
                          "percent-format", "too-few-values"})


def issue(code: str, source: str, *, sheet: str = "", row: int | None = None, column: str = "", item: str = "",
          found: Any = None, labels: tuple[str, ...] = (), **values: Any) -> Problem:
    """The problem ``code`` of :data:`MESSAGES` at a place in a file; ``values`` fill its templates.

    ``labels`` names the values that are UI msgids (translated when the problem is written). A
    found value that is a number (not text as typed), and the values of :data:`NUMBER_PARAMS`, are
    written in the reader's number format (``5.200``, ``3,6`` in Vietnamese); a year is never
    grouped, and text as the city typed it is quoted as typed.
    """
    severity, message, fix = MESSAGES[code]
    numeric = tuple(k for k in NUMBER_PARAMS if k in values)
    if code in NUMBER_FOUND and isinstance(found, int | float) and not isinstance(found, bool):
        numeric += ("found",)
    return Problem(source=source, sheet=sheet, row=row, column=column, item=item, code=code, message=message,
                   fix=fix, found=cell_text(found), severity=severity, params=params(**values), labels=labels,
                   numbers=numeric)
