"""The city's command line: with ``--lang vi`` nothing it prints or writes is English; usage errors exit 2.

The Vietnamese scan runs every command a city team uses (catalogue, template, validate with its
three report formats, report) twice, in English and in Vietnamese, on a small cohort with one
broken workbook. The English run gives the vocabulary that could leak (with every English UI
msgid); the Vietnamese output and reports must contain none of it, apart from what is data or
code rather than language: ids, file names, option names, problem codes and catalogue texts.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from assessment.catalogue import indicator_table, load_catalogue
from assessment.cli import app
from assessment.cli import common as cli_common
from assessment.intake import MESSAGES
from assessment.locales import registry
from assessment.resources import templates_dir
from assessment.review.messages import MESSAGES as REVIEW_MESSAGES

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "ascn-2025"
#: A Vietnamese cohort (Vietnamese templates) with a broken workbook: sheet names and units in messages are
#: quoted from the workbook, so an English workbook would rightly bring English sheet names.
WORKBOOKS = ("da-nang-2025.xlsx", "ha-noi-2025.xlsx", "zz-broken-2-2025.xlsx")
WORD = re.compile(r"[A-Za-z]{3,}")
#: Words that are code or names, not language: the program, format names, standards, what a user types.
CODE_WORDS = {"smartcity", "xlsx", "csv", "html", "htm", "pdf", "iso", "alpha", "weasyprint", "pip", "install",
              "assessment", "docx"}
#: Code and names quoted in messages: commands, a method key, the default method's name, the spec's names.
CODE = ["'smartcity validate'", "'smartcity report'", "'smartcity template'", "kiem-tra", "tong-hop",
        "rank.min_coverage", "phương pháp default"]


#: Stable codes and ids shown as such: intake problem codes, review query codes, plausibility rule ids.
CODES = sorted({*MESSAGES, *REVIEW_MESSAGES, *(r.id for r in load_catalogue().rules)}, key=len, reverse=True)


def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cohort")
    for name in WORKBOOKS:
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory, synthetic: Any) -> Path:
    """A cohort as a CSV table (for score and robustness) and a small robustness spec."""
    folder = tmp_path_factory.mktemp("tables")
    synthetic.cohort(12, seed=2).to_csv(folder / "cohort.csv", index=False)
    (folder / "spec.yaml").write_text(  # names are the user's: Vietnamese ones
        "name: kiem-tra\nn: 8\nseed: 1\nassumptions:\n"
        "  - {name: tong-hop, path: aggregate.method, values: [arithmetic, generalised]}\n", encoding="utf-8")
    return folder


def xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    return "\n".join([*wb.sheetnames, *cells])


def session(lang: str, cohort: Path, tables: Path, out: Path) -> dict[str, str]:
    """Run the city's commands in ``lang``; every printed line and written report, by name."""
    out.mkdir()
    r = runner()
    texts: dict[str, str] = {}
    runs = {
        "catalogue": (["catalogue", "--focus-area", "safety-security"], 0),
        "catalogue bad focus area": (["catalogue", "--focus-area", "nope"], 2),
        "catalogue bad tier": (["catalogue", "--tier", "gold"], 2),
        "catalogue csv": (["catalogue", "--format", "csv", "-o", str(out / "c.csv")], 0),
        "catalogue xlsx without -o": (["catalogue", "--format", "xlsx"], 2),
        "template": (["template", "--city", "Hue", "--country", "VN", "--year", "2025", "-o", str(out / "t.xlsx")], 0),
        "template docx": (["template", "-o", str(out / "t.docx")], 2),
        "template year": (["template", "--year", "25", "-o", str(out / "t2.xlsx")], 2),
        "template country": (["template", "--country", "Narnia", "-o", str(out / "t3.xlsx")], 2),
        "validate csv": (["validate", str(cohort), "--report", str(out / "p.csv")], 1),
        "validate xlsx": (["validate", str(cohort), "--report", str(out / "p.xlsx")], 1),
        "validate html": (["validate", str(cohort), "--report", str(out / "p.html")], 1),
        "validate missing": (["validate", str(out / "x9")], 2),
        "validate bad report": (["validate", str(cohort), "--report", str(out / "p.txt")], 2),
        "review": (["review", str(cohort), "-o", str(out / "q1")], 0),
        "review again": (["review", str(cohort), "-o", str(out / "q2"), "--previous", str(out / "q1")], 0),
        "report": (["report", str(cohort), "-o", str(out / "s9")], 0),
        "score": (["score", str(tables / "cohort.csv"), "-o", str(out / "r.xlsx")], 0),
        "score workbook": (["score", str(cohort / WORKBOOKS[0])], 0),
        "robustness": (["robustness", str(tables / "cohort.csv"), "--spec", str(tables / "spec.yaml"), "-o",
                        str(out / "rb")], 0),
    }
    for name, (args, code) in runs.items():
        res = r.invoke(app, [*args, "--lang", lang])
        assert res.exit_code == code, (name, res.output)
        texts[name] = res.output
    texts["problems.csv"] = (out / "p.csv").read_text(encoding="utf-8-sig")
    texts["problems.xlsx"] = xlsx_text(out / "p.xlsx")
    texts["problems.html"] = (out / "p.html").read_text(encoding="utf-8")
    return texts


def words(text: str, strip: list[str]) -> set[str]:
    for s in sorted(strip, key=len, reverse=True):
        text = text.replace(s, " ")
    for code in CODES:  # a Code or Rule column (a whole CSV field or table cell) keeps the stable codes and ids
        text = re.sub(rf"(?<=[,\n]){re.escape(code)}(?=[,\r\n])", " ", text)  # a CSV field, a cell
        text = re.sub(rf"(?<=│ ){re.escape(code)}(?= *│)", " ", text)  # a cell of a terminal table
    text = re.sub(r"--[a-z-]+", " ", text)  # option names
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)  # CSS
    text = re.sub(r"<[^>]+>", " ", text)  # HTML tags and attributes
    return {w.lower() for w in WORD.findall(text)}


def test_vietnamese_command_line_has_no_english(cohort: Path, tables: Path, tmp_path: Path) -> None:
    english = session("en", cohort, tables, tmp_path / "en")
    vietnamese = session("vi", cohort, tables, tmp_path / "vi")
    cat = load_catalogue()
    # data and code, not language: paths, file and city names, ids, problem codes, the catalogue's own texts
    strip = [*CODE, "Da Nang", "Ha Noi", str(tmp_path), str(cohort), str(tables), "cohort.csv", "spec.yaml",
             "robustness.xlsx", "robustness.html", *WORKBOOKS, "t.docx", "Narnia", "nope", "gold", "index.html",
             "Content-Security-Policy",
             "default-src 'none'; style-src 'unsafe-inline'", "width=device-width, initial-scale=1", "utf-8"]
    allowed = set(CODE_WORDS)
    allowed |= {w.lower() for lens in cat.lenses for node in lens.nodes for w in WORD.findall(node.id)}
    allowed |= {w.lower() for i in cat.indicators for w in WORD.findall(i.id)} | {"core", "advanced"}
    shown = indicator_table(cat, "vi").iloc[:, :3]  # the table shows ids, names and units as the catalogue has them
    allowed |= words(shown.to_csv(), [])
    allowed |= words(cat.id, [])
    from babel.messages.pofile import read_po

    with (templates_dir() / "locale" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        msgids = " ".join(m.id for m in read_po(fh) if isinstance(m.id, str))
    vocabulary = (words(msgids, []) | set().union(*(words(t, strip) for t in english.values()))) - allowed
    assert {"error", "warning", "wrote", "file", "found", "values", "choose"} <= vocabulary  # the scan can fail
    leaks = {name: sorted(words(text, strip) & vocabulary) for name, text in vietnamese.items()}
    assert not {name: leak for name, leak in leaks.items() if leak}


def test_issue_exports_are_translated(cohort: Path, tmp_path: Path) -> None:
    r = runner()
    for lang, heading, sheet, severity in (("en", "Severity", "Problems", "error"),
                                          ("vi", "Mức độ", "Các vấn đề", "lỗi")):
        path = tmp_path / f"p-{lang}.xlsx"
        assert r.invoke(app, ["validate", str(cohort), "--report", str(path), "--lang", lang]).exit_code == 1
        ws = openpyxl.load_workbook(path)[sheet]
        header = [c.value for c in ws[1]]
        assert heading in header
        column = header.index(heading) + 1
        assert severity in {ws.cell(row, column).value for row in range(2, ws.max_row + 1)}


@pytest.mark.parametrize(("args", "allowed"), [
    (["catalogue", "--focus-area", "nope"], "safety-security"),
    (["catalogue", "--outcome", "nope"], "competitive-economy"),
    (["catalogue", "--dimension", "nope"], "environmental-quality"),
    (["catalogue", "--tier", "gold"], "core, advanced"),
])
def test_unknown_filter_values_are_usage_errors(args: list[str], allowed: str) -> None:
    res = runner().invoke(app, args)
    assert res.exit_code == 2 and allowed in res.output and "0 indicators" not in res.output


def test_template_arguments_are_checked_before_writing(tmp_path: Path) -> None:
    r = runner()
    ok = r.invoke(app, ["template", "--country", "Vietnam", "--year", "2025", "-o", str(tmp_path / "a.xlsx")])
    assert ok.exit_code == 0
    profile = openpyxl.load_workbook(tmp_path / "a.xlsx")["City profile"]
    assert {row[0].value: row[2].value for row in profile.iter_rows(min_row=2)}["country"] == "VN"
    assert r.invoke(app, ["template", "--country", "Việt Nam", "-o", str(tmp_path / "b.csv")]).exit_code == 0
    assert ",VN," in (tmp_path / "b.csv").read_text(encoding="utf-8-sig")
    for args in (["--country", "Narnia"], ["--year", "25"], ["--year", "20255"], ["--format", "docx"]):
        res = r.invoke(app, ["template", *args, "-o", str(tmp_path / "c.xlsx")])
        assert res.exit_code == 2, (args, res.output)
    res = r.invoke(app, ["template", "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 2 and ".xlsx or .csv" in res.output
    assert not any(p.name.startswith(("c.", "x.")) for p in tmp_path.iterdir())  # nothing written


COMMANDS = [[], ["catalogue"], ["catalogue", "check"], ["catalogue", "docs"], ["template"], ["validate"],
            ["review"], ["report"], ["score"], ["robustness"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "smartcity")
def test_every_help_lists_exit_codes_and_flags_as_flags(command: list[str]) -> None:
    res = runner().invoke(app, [*command, "--help"])
    assert res.exit_code == 0
    text = " ".join(res.output.split())
    assert "Exit codes: 0" in text and "2 usage error" in text
    assert "<bool>" not in text and "--no-" not in text  # a flag takes no value
    if command == ["catalogue", "check"]:
        assert re.search(r"--strict\s+Also require", res.output)


def test_catalogue_table_is_readable_at_80_columns(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_common.out, "width", 80)
    for lang in ("en", "vi"):
        res = runner().invoke(app, ["catalogue", "--lang", lang])
        assert res.exit_code == 0
        lines = res.output.splitlines()
        assert max(len(line) for line in lines) <= 80
        table = indicator_table(load_catalogue(), lang)
        tokens = set(re.findall(r"[^\s│┃]+", res.output))
        for row in table.itertuples(index=False):
            assert row[0] in tokens  # ids whole, on one line
            assert set(str(row[1]).split()) <= tokens  # words of a name never cut


#: What the command must not load to start (pydantic is not listed: typer itself coerces a command's
#: parameters with it).
HEAVY = ("pandas", "numpy", "scipy", "jinja2", "yaml", "openpyxl", "xlsxwriter", "python_calamine")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["validate", "--help"], ["catalogue", "--help"]])
def test_the_command_starts_without_heavy_modules(args: list[str]) -> None:
    """Start-up stays light: the speed itself is measured in benchmarks/cold_start.py (make bench)."""
    import subprocess
    import sys

    code = ("import sys\nfrom assessment.cli import app\ntry:\n    app(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)")
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert run.stderr.strip().splitlines()[-1] == "[]", run.stderr


# --- typer's own texts: help and usage errors in the run's language ---------------------------------------------

#: Code in help texts: file and folder names, paths, the environment variable, YAML a user types.
HELP_CODE = ["SMARTCITY_LANG", "examples/methods/", "examples/robustness/", "catalogue.yaml", "catalogue.vi.md",
             "catalogue.md", "index.html", "cities/", "robustness.html", "danang-2025.xlsx", "results.xlsx",
             "'screen: {queries: exclude}'", "'smartcity review -o'", "'smartcity validate'", "'pdf'",
             "csv/xlsx/markdown", "Việt Nam",
             # smartcity serve
             "'serve init DIR'", "'serve DIR'", "'serve worker DIR'", "'serve demo DIR'", "'init'", "'worker'",
             "'demo'", "'serve backup DIR ARCHIVE'", "'serve restore ARCHIVE DIR'", "'backup'", "'restore'",
             "backup DIR ARCHIVE, restore ARCHIVE DIR", "ARCHIVE", ".tar.gz", "ACTION|DIR", "DIR",
             "'smartcity-assessment[server]'", "pip install",
             "postgresql://user:password@host/name", "SMARTCITY_DATABASE_URL", "SQLite", "organiser@localhost",
             # the root help's list of languages: each language's name in itself, on purpose
             *(found.native_name for found in registry().values())]
#: Names, not language: the frameworks and formats the help names, the tiers.
NAMES = {"asean", "ascf", "oecd", "yaml", "iso", "alpha", "xlsx", "csv", "html", "pdf", "xlsm", "xls", "ods",
         "core", "advanced", "smartcity", "dask"}


def scrub(text: str, strip: list[str] = HELP_CODE) -> str:
    """Help or error text without what is code: command paths and names, option names, choices, defaults."""
    text = re.sub(r"(?m)^ {2}[a-z]+(?= {2,})", " ", text)  # a command's name in the list of commands
    text = " ".join(text.split())  # help is wrapped: code may run over two lines
    for s in sorted(strip, key=len, reverse=True):
        text = text.replace(s, " ")
    text = re.sub(r"smartcity(?: [a-z]+)*", " ", text)  # a command path: smartcity catalogue check
    text = re.sub(r"--?[a-z-]+", " ", text)  # option names
    text = re.sub(r"<[a-z|]+>", " ", text)  # a fixed list of values: <en|vi>, <table|csv|xlsx|markdown>
    return re.sub(r"(?<=: )[a-z]+(?=\])", " ", text)  # a default value: [default: table], [mặc định: site]


def command_paths() -> list[list[str]]:
    """Every command and group of the CLI, found by walking the click tree (so a new command is covered)."""
    import typer.main

    paths: list[list[str]] = []

    def walk(cmd: Any, path: list[str]) -> None:
        paths.append(path)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*path, name])

    walk(typer.main.get_command(app), [])
    return paths


def vocabulary(*texts: str) -> set[str]:
    """English words that must not appear in Vietnamese: every UI msgid's, and the English texts'."""
    from babel.messages.pofile import read_po

    with (templates_dir() / "locale" / "vi" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        msgids = " ".join(m.id for m in read_po(fh) if isinstance(m.id, str))
    return (words(msgids, []) | set().union(*(words(scrub(t), []) for t in texts))) - NAMES - CODE_WORDS


def english_left(text: str, vocab: set[str]) -> list[str]:
    return sorted(words(scrub(text), []) & vocab)


def test_every_help_is_vietnamese_with_lang_vi() -> None:
    r = runner()
    paths = command_paths()
    assert {"validate", "template", "catalogue"} <= {p[0] for p in paths if p}
    english = {" ".join(p): r.invoke(app, [*p, "--help"], prog_name="smartcity").output for p in paths}
    vocab = vocabulary(*english.values())
    assert {"usage", "options", "show", "message", "exit", "default", "required", "workbooks"} <= vocab
    for path in paths:
        runs = [r.invoke(app, [*path, "--help"], prog_name="smartcity", env={"SMARTCITY_LANG": "vi"})]
        if path:  # every command takes --lang
            runs.append(r.invoke(app, [*path, "--lang", "vi", "--help"], prog_name="smartcity"))
        for res in runs:
            assert res.exit_code == 0, res.output
            assert "Cách dùng:" in res.output and "Tùy chọn:" in res.output and "Mã thoát: 0" in res.output
            assert english_left(res.output, vocab) == [], (path, res.output)
        assert runs[0].output == runs[-1].output


#: Usage errors typer raises itself (args; the language is given after them unless the args say otherwise).
CLICK_ERRORS = {
    "missing argument": ["validate"],
    "missing option": ["template"],
    "unknown option": ["validate", "x.xlsx", "--nope"],
    "unknown option, near one": ["score", "x.csv", "--n", "3"],
    "not a whole number": ["template", "--year", "abc", "-o", "x.xlsx"],
    "not a whole number, env var name": ["robustness", "x", "--spec", "s.yaml", "--n", "z"],
    "not one of the choices": ["catalogue", "--format", "docx"],
    "extra argument": ["catalogue", "check", "a.yaml", "b.yaml"],
    "unknown command": ["nope"],
    "unknown subcommand": ["catalogue", "nope"],
    "flag with a value": ["report", "--pdf=3", "x"],
    "option without its value": ["validate", "--lang", "{lang}", "x.xlsx", "--report"],
    "help before --lang": ["validate", "--help"],
}


@pytest.mark.parametrize("name", CLICK_ERRORS)
def test_typer_usage_errors_are_vietnamese(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing is written, but if it were, not into the repository
    from assessment.catalogue.choices import FORMATS

    given = CLICK_ERRORS[name]
    args = [a.format(lang="en") for a in given]
    r = runner()
    english = r.invoke(app, args, prog_name="smartcity")
    vi_args = [a.format(lang="vi") for a in given] if "--lang" in given else [*args, "--lang", "vi"]
    vietnamese = r.invoke(app, vi_args, prog_name="smartcity")
    expected = 0 if "--help" in args else 2
    assert english.exit_code == vietnamese.exit_code == expected, (english.output, vietnamese.output)
    if "--lang" not in given:  # the environment variable instead of --lang
        from_env = r.invoke(app, args, prog_name="smartcity", env={"SMARTCITY_LANG": "vi"})
        assert from_env.exit_code == expected and from_env.output == vietnamese.output
    if expected:
        assert "Error:" in english.output and "Lỗi:" in vietnamese.output
    typed = [*(f"'{a}'" for a in given), *(f"'{f}'" for f in FORMATS)]  # what the user typed, what he may type
    vocab = vocabulary(scrub(english.output, typed))
    assert english_left(scrub(vietnamese.output, typed), vocab) == [], vietnamese.output
    assert english.output != vietnamese.output


def test_unknown_wording_keeps_the_english_detail() -> None:
    from assessment.cli.language import speaking, translate

    with speaking("vi"):
        assert translate("Missing argument 'INPUTS'.") == "Thiếu đối số 'ĐẦU_VÀO'."
        assert translate("Something typer may say one day.") == "Something typer may say one day."
    assert translate("Missing argument 'INPUTS'.") == "Missing argument 'INPUTS'."


@pytest.mark.parametrize(("args", "env", "lang"), [
    (["validate", "x", "--lang", "vi"], {}, "vi"),
    (["validate", "--lang=vi", "x"], {}, "vi"),
    (["validate", "x"], {"SMARTCITY_LANG": "vi"}, "vi"),
    (["validate", "x", "--lang", "en"], {"SMARTCITY_LANG": "vi"}, "en"),  # the command line wins
    (["validate", "--lang", "fr"], {"SMARTCITY_LANG": "vi"}, "vi"),  # not a UI language: not given
    (["validate", "--lang", "vi", "--lang", "en"], {}, "en"),  # the last one, as typer reads it
    (["validate", "--", "--lang", "vi"], {}, "en"),  # after --, a file named --lang
    (["validate", "--lang"], {}, "en"),
    ([], {"SMARTCITY_LANG": "de"}, "en"),
])
def test_the_language_rule(args: list[str], env: dict[str, str], lang: str) -> None:
    from assessment.cli.language import requested_language

    assert requested_language(args, env) == lang


def test_catalogue_check_speaks_vietnamese() -> None:
    from assessment.errors import CatalogueError

    broken = Path(__file__).resolve().parent / "data" / "broken-catalogue.yaml"
    with pytest.raises(CatalogueError) as info:
        load_catalogue(broken)
    # data, not language: where each problem is, what was found, and the values in its message
    data = [str(broken)]
    for p in info.value.problems:
        data += [p.source, p.item, p.field, p.found, *(v for k, v in p.params if k not in p.labels)]
    data = [d for d in data if d]
    r = runner()
    english = r.invoke(app, ["catalogue", "check", str(broken)])
    vietnamese = r.invoke(app, ["catalogue", "check", str(broken), "--lang", "vi"])
    assert english.exit_code == vietnamese.exit_code == 1
    assert "problem(s) in the catalogue" in english.output and "vấn đề trong bộ chỉ số" in vietnamese.output
    assert "thiếu trường bắt buộc" in vietnamese.output and "phải lớn hơn hoặc bằng 0" in vietnamese.output
    vocab = vocabulary(scrub(english.output, data))
    assert {"must", "missing", "lens", "goalposts"} <= vocab
    assert english_left(scrub(vietnamese.output, data), vocab) == [], vietnamese.output
    ok = r.invoke(app, ["catalogue", "check", str(templates_dir().parent / "indicators"), "--lang", "vi"])
    assert ok.exit_code == 0 and ok.output.startswith("đạt:"), ok.output
