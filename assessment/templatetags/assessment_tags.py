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
def sentence(text):
    """The text ended with a full stop, unless it already ends a sentence ("...AI." stays, not "...AI..")."""
    text = str(text).rstrip()
    return text if not text or text[-1] in ".?!" else f"{text}."


@register.filter
def duration_words(delta):
    """A timedelta in days, hours and minutes: "15 minutes", "1 hour 30 minutes"; seconds round up to a minute."""
    minutes = -(-int(delta.total_seconds()) // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    return " ".join(f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n) or "0 minutes"


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
        return format_html(
            '<td class="heat heat-none"><span class="heat-value" aria-hidden="true">–</span>'
            '<span class="heat-label">{}</span></td>',
            NOT_SCORED,
        )
    return format_html(
        '<td class="heat heat-{}"><span class="heat-value">{}</span><span class="heat-label">{}</span></td>',
        band,
        f"{level:.1f}",
        level_name,
    )


@register.simple_tag
def heat_td(cell):
    """A heatmap cell: the level, its name, and a shade by band (a HeatCell, or None: no figure)."""
    if cell is None:
        return heat_cell(None, None, None)
    return heat_cell(cell.level, cell.level_name, cell.band)


@register.simple_tag
def team_heatmap_rows(rows):
    """The body rows of the portfolio's team page (at most a page of teams), built in Python."""
    placeholder = 2147483647
    url_pattern = escape(reverse("assessment-results", args=[placeholder])).replace(str(placeholder), "{}")
    history_pattern = escape(reverse("team-history", args=[placeholder])).replace(str(placeholder), "{}")
    html = []
    for row in rows:
        if row.assessment_id is None:
            link = f'<a href="{history_pattern.format(int(row.pk))}">{escape(row.name)}</a>'
            submitted = '<span class="heat-submitted">No submitted assessment</span>'
        else:
            link = f'<a href="{url_pattern.format(int(row.assessment_id))}">{escape(row.name)}</a>'
            when = localtime(row.submitted_at)
            submitted = f'<span class="heat-submitted">{when.day} {when:%b %Y}</span>'
        cells = heat_td(row.overall) + "".join(heat_td(cell) for cell in row.cells)
        html.append(f'<tr><th scope="row">{link}{submitted}</th><td>{escape(row.division)}</td>{cells}</tr>')
    return mark_safe("\n".join(html))


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
                _OTHER_ANSWERS.get(value, ""),
                field.html_name,
                value,
                radio_id,
                _CHECKED if value == selected else "",
                radio_id,
                label,
            )
        )
    return mark_safe("".join(rows))


@register.simple_tag(takes_context=True)
def sort_header(context, title, key, current):
    """A column heading that sorts the table by it (again: the other way), keeping the filters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    descending = current == f"-{key}"
    ascending = current == key
    query["sort"] = f"-{key}" if ascending else key
    aria = ' aria-sort="ascending"' if ascending else ' aria-sort="descending"' if descending else ""
    hint = ", sorted lowest first" if ascending else ", sorted highest first" if descending else ""
    return format_html(
        '<th scope="col"{}><a href="?{}">{}<span class="visually-hidden">{}</span></a></th>',
        mark_safe(aria),
        query.urlencode(),
        title,
        hint,
    )


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
