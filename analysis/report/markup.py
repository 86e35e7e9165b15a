"""The one way text reaches the briefing: Jinja2 templates with autoescaping, Markdown without raw HTML.

Every value put into a template is escaped unless it is already markup made here, so a label,
a quote, a note or a profile name from any file is shown as text, never run as markup.
Markdown (``data/NOTES.md`` and the notebooks' prose) is rendered with raw HTML switched off.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from analysis.paths import TEMPLATES_DIR


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Templates from analysis/report/templates, every value escaped, unknown names an error."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True, undefined=StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters["markdown"] = markdown_html
    env.filters.update(FILTERS)
    env.filters["breakable"] = breakable
    return env


@lru_cache(maxsize=1)
def plain_environment() -> Environment:
    """Templates of plain text (phrases, figure labels, captions, alt texts), escaped where the briefing shows them;
    unknown names an error."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES_DIR)), autoescape=False, undefined=StrictUndefined)
    env.filters.update(FILTERS)
    return env


def phrase(name: str, /, **values) -> str:
    """One named phrase of ``templates/phrases.txt.j2``, filled in, as plain text."""
    return _macro("phrases.txt.j2", name, **values)


def label(name: str, /, **values) -> str:
    """One named label drawn inside a figure, from ``templates/figure_labels.txt.j2``, filled in, as plain text."""
    return _macro("figure_labels.txt.j2", name, **values)


def _macro(template_name: str, name: str, /, **values) -> str:
    """A named macro of a plain-text template, filled in."""
    return str(getattr(plain_environment().get_template(template_name).module, name)(**values))


def caption(table: str, **values) -> Markup:
    """A table's caption, from its macro in ``sections/table_captions.html.j2``."""
    return Markup(getattr(environment().get_template("sections/table_captions.html.j2").module, table)(**values)).strip()


def render(template_name: str, **values) -> Markup:
    """A template file filled in with escaped values."""
    return Markup(environment().get_template(template_name).render(**values))


def fill(template_text: str, **values) -> Markup:
    """A template written in a notebook (trusted), filled in with escaped values."""
    return Markup(environment().from_string(template_text).render(**values))


def names(words) -> str:
    """Words joined as English prose: "", "A", "A and B", "A, B and C"."""
    words = list(words)
    if not words:
        return ""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def breakable(text: str) -> Markup:
    """Escaped text that may wrap after an underscore (a name such as ``first_coder`` in a narrow column)."""
    return Markup("_<wbr>").join(escape(str(text)).split("_"))


def markdown_html(text: str) -> Markup:
    """Markdown as HTML with raw HTML disabled: any tag in the text is shown as text."""
    return Markup(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


#: The filters every template may use: a share as a percentage (0.25 -> 25%), words as prose
#: (["A", "B", "C"] -> "A, B and C") and a share as signed points (0.12 -> +12).
FILTERS = {"percent": lambda share: f"{share:.0%}", "names": names, "points": lambda share: f"{100 * share:+.0f}"}
