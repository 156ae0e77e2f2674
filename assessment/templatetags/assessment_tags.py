"""Formatting of scores in templates: one place for "2.8", "44%", "Not scored", "+0.4"."""
from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime

from assessment.domain.scoring import display_percent

register = template.Library()

NOT_SCORED = "Not scored"


@register.filter
def level_display(value):
    """A level on the scale to one decimal, or "Not scored"."""
    if value is None:
        return NOT_SCORED
    return f"{value:.1f}"


@register.filter
def percent_display(value):
    """A whole percentage (already rounded by the scoring), or "Not scored"."""
    if value is None:
        return NOT_SCORED
    return f"{value}%"


@register.filter
def ratio_percent(value):
    """A ratio in [0, 1] (completeness, progress to target) as a whole percentage."""
    if value is None:
        return ""
    return f"{display_percent(value)}%"


@register.filter
def signed_change(delta):
    """+0.4, −0.2 (a real minus sign), 0.0; "—" when there is nothing to compare with."""
    if delta is None:
        return "—"
    if delta > 0:
        return f"+{delta:.1f}"
    if delta < 0:
        return f"\u2212{abs(delta):.1f}"
    return "0.0"


@register.inclusion_tag("partials/results_score_badge.html")
def score_badge(level, level_name, percent=None):
    """The level with its name (and percent), the way every page shows a score."""
    return {"level": level, "level_name": level_name, "percent": percent}


@register.inclusion_tag("partials/results_change.html")
def level_change(change):
    """A change against the previous assessment, with an arrow and words, not color alone."""
    return {"change": change}


@register.simple_tag
def heat_cell(level, level_name, band):
    """One cell of the portfolio heatmap: the number and the level's name always printed,
    the color band a class (a simple tag, not an include: the table can have thousands of cells)."""
    if level is None:
        return format_html('<td class="heat heat-none"><span class="heat-value" aria-hidden="true">–</span>'
                           '<span class="heat-label">{}</span></td>', NOT_SCORED)
    return format_html(
        '<td class="heat heat-{}"><span class="heat-value">{}</span><span class="heat-label">{}</span></td>',
        band, f"{level:.1f}", level_name,
    )


@register.simple_tag
def heatmap_rows(group):
    """The body rows of the portfolio heatmap, built in Python.

    With 300 teams and eight columns the table has thousands of cells; through
    the template engine, or format_html per cell, they took most of the page's
    time (bench/portfolio.py). Only the team names and level names are text
    from the database: both are escaped; the rest are numbers and fixed markup.
    """
    # One reverse() with a placeholder id, filled in per row: same URL, a fraction of the cost.
    placeholder = 2147483647
    url_pattern = escape(reverse("assessment-results", args=[placeholder])).replace(str(placeholder), "{}")
    names: dict[str | None, str] = {}

    def cell(level, level_name, band):
        if level is None:
            return _NOT_SCORED_CELL
        if level_name not in names:
            names[level_name] = escape(level_name)
        return f'<td class="heat heat-{int(band)}"><span class="heat-value">{level:.1f}</span><span class="heat-label">{names[level_name]}</span></td>'

    rows = []
    for row in group.rows:
        when = row.assessment.submitted_at
        submitted = f"{localtime(when).day} {localtime(when):%b %Y}" if when else ""
        cells = cell(row.score.level, row.score.level_name, row.band) + "".join(
            cell(c.level, c.level_name, c.band) for c in row.cells
        )
        rows.append(
            f'<tr><th scope="row"><a href="{url_pattern.format(int(row.assessment.pk))}">{escape(row.team.name)}</a>'
            f'<span class="heat-submitted">{submitted}</span></th>{cells}</tr>'
        )
    return mark_safe("\n".join(rows))


_NOT_SCORED_CELL = (
    f'<td class="heat heat-none"><span class="heat-value" aria-hidden="true">–</span><span class="heat-label">{NOT_SCORED}</span></td>'
)


_CHECKED = mark_safe(" checked")
_OTHER_ANSWERS = {"not_sure": " choice-other", "not_applicable": " choice-other", "": " choice-none"}


@register.filter
def radio_options(field):
    """The radios of a RadioSelect field, each in a Bootstrap form-check div.

    The same markup as looping over the bound field in the template
    (`{% for radio in field %}`: ids `<auto_id>_<n>`, the checked one from the
    field's value), built here in one pass: that loop was most of an area
    page's template time, about a dozen variable lookups per radio.
    """
    selected = field.value()
    selected = "" if selected is None else str(selected)
    rows = []
    for index, (value, label) in enumerate(field.field.choices):
        value = str(value)
        radio_id = f"{field.auto_id}_{index}"
        rows.append(
            format_html(
                '<div class="form-check choice{}"><input class="form-check-input" type="radio" name="{}" value="{}" '
                'id="{}"{}><label class="form-check-label" for="{}">{}</label></div>',
                _OTHER_ANSWERS.get(value, ""), field.html_name, value, radio_id,
                _CHECKED if value == selected else "", radio_id, label,
            )
        )
    return mark_safe("".join(rows))


@register.filter
def lookup(mapping, key):
    """mapping[key] in a template, None when absent or when there is no mapping."""
    if not mapping:
        return None
    return mapping.get(key)


@register.simple_tag
def response_words(questionnaire, answer):
    """A respondent's answer in a few words: "Level 3 (Defined)", "Not sure", "Not applicable: …"."""
    from assessment.domain import model as domain
    from assessment.presentation import level_in_words

    if answer is None:
        return "No answer"
    if answer.kind == domain.CHOICE and answer.level is not None:
        return level_in_words(questionnaire, answer.level)
    if answer.kind == domain.NOT_SURE:
        return "Not sure"
    if answer.kind == domain.NOT_APPLICABLE:
        return answer.not_applicable_text
    return answer.kind
