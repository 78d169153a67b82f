"""The jinja2 environment shared by every rendered output (docs, scorecards), and the short
``repr`` and notebook HTML every result shares (:func:`short_repr`, :func:`notebook_html`).

Autoescaping is on for HTML and off for Markdown; undefined variables raise, so a template
typo cannot silently print nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from .i18n import draft_notice, fmt_number, text, translations
from .locales import locale
from .resources import templates_dir

if TYPE_CHECKING:
    import jinja2


@cache
def environment(lang: str) -> jinja2.Environment:
    """Return the jinja2 environment for ``lang`` with gettext and filters installed."""
    import jinja2  # imported on first use: validating workbooks without an HTML report never needs it

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml", "svg", "html.j2", "svg.j2"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # the package's templates do not change while it runs: no stat per include per page
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    env.globals["gettext"] = _memo_gettext(env.globals["gettext"])
    env.globals["lang"] = lang
    env.globals["draft"] = draft_notice(lang)  # the one line a language not yet reviewed shows ("" if reviewed)
    env.filters["t"] = lambda value, fallback="en": text(value, lang, fallback)
    env.filters["num"] = lambda value, digits=2: fmt_number(value, lang, digits)
    env.filters["md"] = lambda value: str(value).replace("|", "\\|").replace("\n", " ")
    return env


#: Appended to the stylesheet of a language whose script has no spaces between words: a run of letters too
#: long for its line may break inside rather than overflow (the engine breaks between words it finds from the
#: page's ``lang``). ``break-word``, not ``anywhere``: a table still sizes its columns by whole words, so a
#: narrow column is not squeezed until a Latin name such as "Bangkok" breaks letter by letter.
NO_WORD_SPACES = "body { overflow-wrap: break-word; }\n"


@cache
def stylesheet(lang: str) -> str:
    """The scorecards' stylesheet for a page in ``lang``: ``$fonts`` is the language's font list (registry)."""
    found = locale(lang)
    css = (templates_dir() / "scorecard" / "style.css").read_text(encoding="utf-8")
    return css.replace("$fonts", found.font_family) + ("" if found.word_spaces else NO_WORD_SPACES)


def _memo_gettext(plain: Any) -> Any:
    """jinja2's new-style ``gettext`` with each message without variables translated once per environment.

    The result is what ``plain`` gives (the translation, as ``Markup`` under autoescape, formatted with no
    variables); both are immutable, so a page of hundreds of labels and a site of thousands of pages reuse it.
    """
    import jinja2

    memo: dict[tuple[str, bool], Any] = {}

    @jinja2.pass_context
    def gettext(__context: Any, __string: str, **variables: Any) -> Any:
        if variables:
            return plain(__context, __string, **variables)
        key = (__string, bool(__context.eval_ctx.autoescape))
        held = memo.get(key)
        if held is None:
            held = memo[key] = plain(__context, __string)
        return held

    return gettext


def short_repr(name: str, **fields: object) -> str:
    """``Name(key=value, …)``: a result's one-line ``repr``, of counts and ids, never a whole table."""
    return f"{name}({', '.join(f'{k}={v!r}' for k, v in fields.items())})"


def notebook_html(title: str, facts: Mapping[str, object], tables: Sequence[tuple[str, Any]] = (),
                  rows: int = 20) -> str:
    """A result's summary in a notebook (``_repr_html_``): its title and facts, then the first
    ``rows`` rows of each ``(caption, DataFrame)``, numbers rounded to 2 decimals; text escaped."""
    import html  # with its table of entities (a few ms) only when a notebook shows a result

    said = ", ".join(f"{html.escape(str(k))} {html.escape(str(v))}" for k, v in facts.items())
    parts = [f"<p><b>{html.escape(title)}</b>: {said}</p>"]
    for caption, table in tables:
        parts.append(f"<p>{html.escape(caption)}</p>" if caption else "")
        parts.append(table.head(rows).round(2).to_html())
    return "".join(parts)
