"""Helpers for posting Django admin change forms the way a browser would."""

from __future__ import annotations


def _value(bound_field):
    value = bound_field.value()
    widget_type = bound_field.field.widget.input_type if hasattr(bound_field.field.widget, "input_type") else ""
    if widget_type == "checkbox":
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


def form_data(response) -> dict:
    """The POST data of an admin change page as rendered: main form, inlines and their management forms."""
    data = {}
    for bound_field in response.context["adminform"].form:
        if bound_field.name in response.context["adminform"].readonly_fields:
            continue
        value = _value(bound_field)
        if value is not None:
            data[bound_field.html_name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for bound_field in formset.management_form:
            data[bound_field.html_name] = _value(bound_field)
        for form in formset.forms:
            for bound_field in form:
                value = _value(bound_field)
                if value is not None:
                    data[bound_field.html_name] = value
    if response.context.get("content_stamp"):  # the hidden input of every questionnaire content page
        data["content_stamp"] = response.context["content_stamp"]
    data["_save"] = "Save"
    return data


def inline_prefix(response, model_name: str) -> str:
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.model._meta.model_name == model_name:
            return inline.formset.prefix
    raise KeyError(model_name)


def add_inline_row(data: dict, prefix: str, values: dict) -> None:
    """Fill in one new row of an inline, as "Add another" does."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for key, value in values.items():
        data[f"{prefix}-{index}-{key}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)


def error_texts(response) -> str:
    """Every error message on a re-rendered admin form, as one text."""
    parts = [str(e) for e in response.context["adminform"].form.errors.values()]
    parts += [str(e) for e in response.context["adminform"].form.non_field_errors()]
    for inline in response.context["inline_admin_formsets"]:
        parts += [str(e) for e in inline.formset.errors]
        parts += [str(e) for e in inline.formset.non_form_errors()]
    return " ".join(parts)
