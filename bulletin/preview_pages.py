"""Problems -> the markup serve adds to its pages: the toolbar's warnings box, the error panel and page."""

from __future__ import annotations

import html

from .layouts import Messages
from .problems import Problems

TOOLBAR = ('<style>@media print {{ #bulletin-preview {{ display: none; }} }}</style>\n'
           '<aside id="bulletin-preview" style="position: fixed; right: 1rem; bottom: 1rem; z-index: 1000; '
           'max-width: min(36rem, 90vw); font: 14px/1.4 sans-serif; text-align: right;">{warnings}'
           '<a href="/bulletin.pdf" target="_blank" rel="noopener" style="display: inline-block; '
           'padding: .3rem .8rem; background: #8a1c1c; color: #fff; border-radius: 4px;">PDF</a></aside>\n')
WARNINGS = ('<details class="warnings" style="background: #fff7e0; border: 1px solid #b07a12; padding: .4rem; '
            'margin-bottom: .4rem; text-align: left;"><summary>{count}</summary>'
            '<pre style="white-space: pre-wrap; margin: .4rem 0 0;">{lines}</pre></details>')
# Above the last good preview (or alone, when there is none): what is wrong, in the bulletin's language.
ERRORS = ('<section class="errors" lang="{lang}" style="font: 15px/1.4 sans-serif; background: #fdecea; '
          'border-bottom: 2px solid #b3261e; padding: 1rem; margin: 0;">\n<h1 style="margin: 0 0 .5rem; '
          'font-size: 1.3rem;">{heading}</h1>\n<p style="margin: 0 0 .5rem;">{note}</p>\n<p style="margin: 0 0 '
          '.5rem;">{count}</p>\n<pre style="white-space: pre-wrap; margin: 0;">{lines}</pre>\n</section>\n')
ERROR_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head><meta charset="utf-8"><title>bulletin: {heading}</title></head>
<body style="margin: 0;">
{errors}{script}</body>
</html>
"""


def problem_lines(problems) -> str:
    return "\n".join(html.escape(str(p), quote=False) for p in problems)


def count_problems(problems: Problems, messages: Messages) -> str:
    errors, warnings = len(problems.errors), len(problems.warnings)
    return (messages.ngettext("%(num)d error", "%(num)d errors", errors) % {"num": errors} + ", "
            + messages.ngettext("%(num)d warning", "%(num)d warnings", warnings) % {"num": warnings})


def error_panel(problems: Problems, messages: Messages, heading: str, note: str) -> str:
    """The problems under a heading and a note already in the bulletin's language."""
    return ERRORS.format(lang=messages.lang, heading=html.escape(heading), note=html.escape(note),
                         count=html.escape(count_problems(problems, messages)), lines=problem_lines(problems.sorted()))


def error_page(problems: Problems, messages: Messages, heading: str, note: str, script: str = "") -> str:
    return ERROR_PAGE.format(lang=messages.lang, heading=html.escape(heading), script=script,
                             errors=error_panel(problems, messages, heading, note))
