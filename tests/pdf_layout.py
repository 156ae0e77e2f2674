"""Where WeasyPrint put each table row: a row whose boxes land on two pages is split."""

from __future__ import annotations

from weasyprint.formatting_structure import boxes


def _descendants(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _descendants(child)


def _row_text(box) -> str:
    words = [b.text for b in _descendants(box) if isinstance(b, boxes.TextBox)]
    return " ".join(" ".join(words).split())[:80]


def split_rows(document) -> list[str]:
    """Each body row laid out on more than one page, as "page N: its first words".

    Header rows are left out: a header repeated on a new page is meant to be there twice.
    """
    pages_of: dict[int, list[int]] = {}
    text_of: dict[int, str] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in _descendants(page._page_box):
            if not isinstance(box, boxes.TableRowGroupBox) or box.is_header or box.is_footer:
                continue
            for row in box.children:
                key = id(row.element)
                pages_of.setdefault(key, [])
                if number not in pages_of[key]:
                    pages_of[key].append(number)
                text_of.setdefault(key, _row_text(row))
    return [f"pages {pages}: {text_of[key]}" for key, pages in pages_of.items() if len(pages) > 1]


def body_rows(document) -> int:
    """How many distinct body rows the document lays out (so a check of none split has rows to look at)."""
    return len(
        {
            id(row.element)
            for page in document.pages
            for box in _descendants(page._page_box)
            if isinstance(box, boxes.TableRowGroupBox) and not box.is_header and not box.is_footer
            for row in box.children
        }
    )


def header_rows_per_page(document) -> list[int]:
    """How many header row groups each page lays out: 1 on every page a table runs over."""
    return [
        sum(1 for b in _descendants(page._page_box) if isinstance(b, boxes.TableRowGroupBox) and b.is_header)
        for page in document.pages
    ]
