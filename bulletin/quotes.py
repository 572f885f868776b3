"""Quote marks as pasted (straight, curly, low, guillemets, apostrophes) -> the language's marks by nesting level."""

from __future__ import annotations

import re

# Each language's marks by nesting level: ru/kk «outer „inner“», en “outer ‘inner’” (then alternating).
QUOTES = {"ru": ("«»", "„“"), "kk": ("«»", "„“"), "en": ("“”", "‘’")}
_DOUBLE, _SINGLE, _LOW = "d", "s", "low"  # _LOW: a „ typed, closed by “ (or by any double mark)
_FIXED = {"«": ("open", _DOUBLE), "„": ("open", _DOUBLE), "»": ("close", _DOUBLE),
          "‚": ("open", _SINGLE), "‹": ("open", _SINGLE), "›": ("close", _SINGLE)}
_DOUBLE_BY_CONTEXT = '"“”'  # “ opens English quotes but closes „…“ ones: what is open, and context, decide
_SINGLE_BY_CONTEXT = "'‘’"  # also apostrophes
_QUOTE_MARKS = re.compile("[\"'“”‘’«»„‚‹›]")
# English marks are unambiguous in English text (and only ’ is ever read again by context there).
_FIXED_EN = {**_FIXED, "”": ("close", _DOUBLE), "‘": ("open", _SINGLE)}
# A quote opens after these (or at the start) when a non-space follows it.
_OPENING_CONTEXT = set(" \t\n\u00a0([{«„‚‹/—–-")


def quote_mark(lang: str, level: int, opening: bool) -> str:
    outer, inner = QUOTES[lang]
    marks = outer if level == 0 or (lang == "en" and level % 2 == 0) else inner
    return marks[0] if opening else marks[1]


def set_quotes(text: str, lang: str) -> str:
    """Every quote mark, whatever was pasted, becomes the language's mark for its nesting level; an
    apostrophe inside or at the end of a word becomes ’. One character in, one out."""
    out = list(text)
    # (kind typed, whether its mark is a single one): an apostrophe is told from a closing single quote by
    # whether a single quote, typed or set, is open, so that a second pass agrees.
    stack: list[tuple[str, bool]] = []
    marked, marked_at = " ", -1  # what the last mark did ("(", ")" or "a" for an apostrophe), and where
    fixed = _FIXED_EN if lang == "en" else _FIXED
    for match in _QUOTE_MARKS.finditer(text):  # only the marks: the rest of the text is read, not walked
        index, char = match.start(), match.group()
        prev = marked if marked_at == index - 1 else (text[index - 1] if index else " ")
        after = text[index + 1] if index + 1 < len(text) else " "
        opens_here = prev in _OPENING_CONTEXT and not after.isspace()
        if char in fixed:
            action, kind = fixed[char]
        elif char == "“" and stack and stack[-1][0] == _LOW:
            action, kind = "close", _DOUBLE  # „…“, always: it is how this pass writes an inner quote
        elif char == "“" and lang == "en":
            action, kind = "open", _DOUBLE
        elif char in _DOUBLE_BY_CONTEXT:
            kind = _DOUBLE
            # a straight or “ quote that cannot close anything opens, as does one glued between two words
            # (ТОО"Ақ жол"); a ” closes unless it clearly opens
            glued = prev.isalnum() and after.isalnum()
            action = "open" if opens_here or (char != "”" and (not stack or glued)) else "close"
        elif char in _SINGLE_BY_CONTEXT:
            kind = _SINGLE
            single_open = any(single for _, single in stack)
            if char == "‘" and opens_here:
                action = "open"
            elif prev.isalnum() and (after.isalnum() or not single_open):
                out[index], marked, marked_at = "’", "a", index  # O’Brien, д’Артаньян, isn’t, workers’
                continue
            elif opens_here and after.isalnum() and not (char == "’" and lang == "en"):
                action = "open"  # (an English ’ never opens: it is what this pass writes to close)
            elif single_open:
                action = "close"
            else:
                out[index], marked, marked_at = "’", "a", index
                continue
        if action == "open":
            out[index] = mark = quote_mark(lang, len(stack), True)
            stack.append((_LOW if char == "„" else kind, kind == _SINGLE or mark in "‘‚"))
            marked, marked_at = "(", index
        elif lang == "en" and len(stack) >= 2 and len(stack) % 2 == 0 and prev.isalnum() and after.isalnum():
            # an English inner close glued between two letters would read as an apostrophe: it is one
            out[index], marked, marked_at = "’", "a", index
        else:
            if stack:
                stack.pop()  # one level per mark, whatever was typed («…“ from two conventions), so that a
                # second pass, reading the marks this one wrote, closes the same levels
            out[index] = quote_mark(lang, len(stack), False)
            marked, marked_at = ")", index
    return "".join(out)
