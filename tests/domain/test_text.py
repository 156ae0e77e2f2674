"""One-line text: control and text-direction characters found for the forms, taken out for the downloads."""

import pytest

from assessment.domain.text import control_character_words, first_control_character, one_line, printable


@pytest.mark.parametrize(
    "text, found",
    [
        ("Model card", None),
        ("Ana\u202efdp.exe", (4, "\u202e")),  # right-to-left override
        ("x\u2067y", (2, "\u2067")),  # right-to-left isolate
        ("a\tb", (2, "\t")),
        ("שלום \u200f(v2)", None),  # a right-to-left mark reorders nothing but neutrals: allowed
    ],
)
def test_it_finds_the_first_character_a_one_line_field_refuses(text, found):
    assert first_control_character(text) == found


def test_it_names_a_text_direction_control_and_takes_it_out_of_one_line_exports():
    assert control_character_words("\u202e") == "the text-direction control U+202E"
    assert one_line("Ana\u202efdp.exe") == "Ana fdp.exe"
    # Notes keep what they had: only control characters other than line breaks and tabs go.
    assert printable("line\u202e one\nline two\x07") == "line\u202e one\nline two"
