"""Control characters in text people type: found for the forms, taken out for the downloads.

A control character (NUL, a line break, escape, the C1 range; Unicode category
Cc) has no place in a name, a title or a link; nor has a text-direction control
(the embeddings, overrides and isolates U+202A to U+202E and U+2066 to U+2069),
which makes a title read otherwise than it is stored ("Trojan Source"). A calendar file cannot carry a
line break in its one-line fields, a database may refuse a NUL, a terminal
runs an escape sequence: so the forms refuse them in one-line fields, and the
exports take them out of whatever is already stored.
"""

from __future__ import annotations

import unicodedata

_CHARACTER_WORDS = {
    "\x00": "a null character",
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break (carriage return)",
    "\x1b": "an escape character",
}


# Left-to-right and right-to-left embeddings, overrides and isolates, and their ends. The marks
# U+200E and U+200F stay allowed: they reorder nothing but the neutral characters beside them.
DIRECTION_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def is_control_character(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def _not_one_line(ch: str) -> bool:
    return is_control_character(ch) or ch in DIRECTION_CONTROLS


def first_control_character(text: str) -> tuple[int, str] | None:
    """(position counted from 1, character) of the first control or text-direction character, or None."""
    for index, ch in enumerate(text):
        if _not_one_line(ch):
            return index + 1, ch
    return None


def control_character_words(ch: str) -> str:
    """The character as a person reads it: "a line break", "the control character U+0007"."""
    if ch in DIRECTION_CONTROLS:
        return f"the text-direction control U+{ord(ch):04X}"
    return _CHARACTER_WORDS.get(ch, f"the control character U+{ord(ch):04X}")


def one_line(text: str) -> str:
    """The text with every control character, line breaks and tabs too, and every text-direction
    control replaced by a space."""
    return "".join(" " if _not_one_line(ch) else ch for ch in text)


def printable(text: str) -> str:
    """The text with line breaks (as LF) and tabs kept, and every other control character left out."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or not is_control_character(ch))
