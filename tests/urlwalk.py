"""Walk every URL pattern of the project and turn each into a concrete URL.

Used by the isolation and hardening tests so that a page added by any feature
is checked the moment its pattern lands, without anyone editing a list. A
pattern whose parameter has no rule here is reported, never skipped.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.apps import apps
from django.http import QueryDict
from django.urls import get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern, URLPattern, URLResolver

from assessment import models

# Parameters that name a team's own data: only the team (and its agency's
# executives) may see what is behind them; everyone else gets a 404. A
# division's reports hold its teams' data.
# An agency's portfolio is its teams' data; a user's API token is theirs alone.
TEAM_PARAMS = {
    "assessment_id",
    "team_id",
    "answer_id",
    "question_id",
    "division_id",
    "action_id",
    "evidence_id",
    "agency_id",
    "token_id",
}
# Parameters that name questionnaire content, which any logged-in user may read.
CONTENT_PARAMS = {"version_id", "area_key", "practice_key", "question_key"}
# The parameters of a password set-up link (admin "Add a person"): a page anyone may open, which checks them.
SIGN_IN_PARAMS = {"uidb64", "token"}
SIGN_IN_VALUES = {"uidb64": "MQ", "token": "cbv3zk-0123456789abcdef0123456789abcdef"}
# Pages anyone may open without logging in.
# The API's schema and documentation page hold no data.
PUBLIC_NAMES = {
    "healthz",
    "login",
    "logout",
    "admin:login",
    "admin:logout",
    "sso-start",
    "sso-callback",
    "api-schema",
    "api-docs",
    "password-set",
}
# The read API (assessment/api/): a token authenticates, never the session cookie, so a browser's
# session gets 401 there; tests/test_isolation.py walks these routes with every identity's token.
API_PREFIX = "api/v1/"

TEAM = "team data"
CONTENT = "questionnaire content"
PLAIN = "no id"
STAFF = "administration (staff only)"


@dataclass
class Route:
    name: str | None  # "assessment-area", "admin:index", None for unnamed
    route: str  # the whole pattern as text, for messages
    params: list[str]
    pieces: list  # the pattern objects from the root down, to build a URL
    namespace: str | None

    @property
    def is_api(self) -> bool:
        return self.route.startswith(API_PREFIX) and self.name not in PUBLIC_NAMES

    @property
    def kind(self) -> str | None:
        """The rule this pattern falls under, or None when no rule covers it."""
        if self.namespace == "admin":
            return STAFF
        unknown = [p for p in self.params if p not in TEAM_PARAMS | CONTENT_PARAMS | SIGN_IN_PARAMS]
        if unknown:
            return None
        if set(self.params) <= SIGN_IN_PARAMS and self.params:
            return PLAIN
        if any(p in TEAM_PARAMS for p in self.params):
            return TEAM
        if self.params:
            return CONTENT
        return PLAIN

    def url(self, values: dict[str, object]) -> str:
        parts = []
        for piece in self.pieces:
            if isinstance(piece, RoutePattern):
                parts.append(_fill_route(str(piece), values))
            elif isinstance(piece, RegexPattern):
                parts.append(_fill_regex(piece.regex.pattern, values))
            else:  # pragma: no cover - Django has only these two kinds
                raise TypeError(f"Unknown pattern type {type(piece)!r} in {self.route}")
        return "/" + "".join(parts)


def _fill_route(route: str, values) -> str:
    def replace(match):
        name = match.group(2)
        if name not in values:
            raise KeyError(f'No value for parameter "{name}"')
        return str(values[name])

    return re.sub(r"<(?:(\w+):)?(\w+)>", replace, route)


def _fill_regex(pattern: str, values) -> str:
    text = pattern.removeprefix("^").removesuffix("$").removesuffix("\\Z")

    def replace(match):
        name, body = match.group(1), match.group(2)
        if name in values:
            return str(values[name])
        if re.fullmatch(r"[\w-]+(\|[\w-]+)*", body):  # an alternation of words: take the first
            return body.split("|")[0]
        return "no-such-page"

    filled = re.sub(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", replace, text)
    return filled.replace("\\", "")


def all_routes() -> list[Route]:
    routes: list[Route] = []

    def walk(resolver, pieces, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = entry.namespace or namespace
                if entry.namespace and namespace:
                    inner = f"{namespace}:{entry.namespace}"
                walk(entry, [*pieces, entry.pattern], inner)
            elif isinstance(entry, URLPattern):
                chain = [*pieces, entry.pattern]
                params = []
                for piece in chain:
                    if isinstance(piece, RoutePattern):
                        params += [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", str(piece))]
                    else:
                        params += list(piece.regex.groupindex)
                name = entry.name and (f"{namespace}:{entry.name}" if namespace else entry.name)
                routes.append(
                    Route(
                        name=name,
                        route="".join(str(p) for p in chain),
                        params=params,
                        pieces=chain,
                        namespace=namespace,
                    )
                )

    walk(get_resolver(), [], None)
    return routes


def body_text(response) -> str:
    """What a person (or a script) could read in the response, PDFs included."""
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if response.get("Content-Type", "").startswith("application/pdf") and raw.startswith(b"%PDF"):
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(raw))
        return "\n".join(page.extract_text() or "" for page in reader.pages) + raw.decode("latin-1")
    return raw.decode("utf-8", errors="replace")


@dataclass
class Form:
    method: str
    action: str | None
    fields: list[tuple[str, str, str, bool]] = field(default_factory=list)  # (tag/type, name, value, checked)
    options: dict[str, list[tuple[str, bool]]] = field(default_factory=dict)  # select name -> (value, selected)


class FormParser(HTMLParser):
    """The forms of a page with their fields, enough to post them back."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._select: str | None = None
        self._textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(method=a.get("method", "get").lower(), action=a.get("action")))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        if tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            form.fields.append(
                (kind, a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else ""), "checked" in a)
            )
        elif tag == "button" and a.get("name"):
            form.fields.append(("button", a["name"], a.get("value", ""), False))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            form.options.setdefault(self._select, [])
        elif tag == "option" and self._select:
            form.options[self._select].append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and a.get("name"):
            self._textarea = (a["name"], [])

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1].append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self.forms:
            self.forms[-1].fields.append(("textarea", self._textarea[0], "".join(self._textarea[1]), False))
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


def changed_post_data(form: Form, note: str = "Changed by a test") -> dict[str, list[str]]:
    """A submission of the form that changes what it can: other radio choices, a note, boxes ticked."""
    data: dict[str, list[str]] = {}
    radios: dict[str, list[tuple[str, bool]]] = {}
    button_seen = False
    for kind, name, value, checked in form.fields:
        if kind == "radio":
            radios.setdefault(name, []).append((value, checked))
        elif kind == "checkbox":
            data.setdefault(name, []).append(value)
        elif kind in ("submit", "button"):
            if not button_seen:
                data.setdefault(name, []).append(value)
                button_seen = True
        elif kind == "textarea" or (kind in ("text", "search", "email", "url") and not value):
            data.setdefault(name, []).append(note)
        elif kind != "file":
            data.setdefault(name, []).append(value)
    for name, options in radios.items():
        unchecked = [v for v, c in options if not c]
        data[name] = [unchecked[0] if unchecked else options[0][0]]
    for name, options in form.options.items():
        values = [v for v, selected in options if v and not selected] or [v for v, _ in options]
        if values:
            data[name] = [values[0]]
    return data


def db_snapshot() -> str:
    """A digest of every row of the app's tables: equal digests mean nothing was written.

    Stored PDF reports are left out: a download stores the render of data that
    is already there (an executive's own portfolio, say), which changes nothing.
    """
    rows = {}
    for model in apps.get_app_config("assessment").get_models():
        if model._meta.model_name == "storedreport":
            continue
        rows[model._meta.label] = list(model.objects.order_by("pk").values())
    return hashlib.sha256(json.dumps(rows, default=str, sort_keys=True).encode()).hexdigest()


# --- Hostile input, for the walker of tests/test_hostile_walk.py ---------------------------------

# Each value is tried alone in every query parameter and every form field.
HOSTILE_VALUES = {
    "control characters": "a\r\nBEGIN:VEVENT\x1b[2J\x07\tb",
    "NUL": "a\x00b",
    "huge integer": "9" * 30,
    "10,000 characters": "x" * 10_000,
}
# Tried on every page besides the parameters its view is seen reading (query_parameters_read): the
# usual names of a list's page, sort and filters, which a view may start reading any day.
QUERY_PARAMETERS = ["page", "sort", "owner", "status", "team", "division", "q", "name", "from", "next"]
# What a page says when it refuses input: an error summary, a field's error, an alert.
ERROR_MARKERS = ('id="error-summary"', "errorlist", "alert-danger", "text-danger", "invalid-feedback", "errornote")


def rendered_post_data(form: Form) -> dict[str, list[str]]:
    """The form as a person would post it without changing anything: its values, ticks and selections."""
    data: dict[str, list[str]] = {}
    button_seen = False
    for kind, name, value, checked in form.fields:
        if kind in ("radio", "checkbox"):
            if checked:
                data.setdefault(name, []).append(value)
        elif kind in ("submit", "button"):
            if not button_seen:
                data.setdefault(name, []).append(value)
                button_seen = True
        elif kind != "file":
            data.setdefault(name, []).append(value)
    for name, options in form.options.items():
        chosen = [v for v, selected in options if selected] or [v for v, _ in options[:1]]
        if chosen:
            data[name] = chosen
    return data


def hostile_queries(form: Form) -> list[tuple[str, dict[str, list[str]]]]:
    """(what, data) submissions of a form, each with one field hostile: a hostile value alone, and
    after each value the field offers ("user:4" + "9" * 30, "name:Ana" + NUL), which passes a prefix check."""
    base = rendered_post_data(form)
    offered: dict[str, list[str]] = {}
    for _kind, name, value, _checked in form.fields:
        if value and name != "csrfmiddlewaretoken":
            offered.setdefault(name, []).append(value)
    for name, options in form.options.items():
        offered[name] = [v for v, _selected in options if v][:6]
    out = []
    for name in field_names(form):
        if name == "csrfmiddlewaretoken":
            continue
        for label, value in HOSTILE_VALUES.items():
            out.append((f"{name}=<{label}>", base | {name: [value]}))
            for given in dict.fromkeys(offered.get(name, [])):
                out.append((f"{name}={given[:30]}<{label}>", base | {name: [given + value]}))
    return out


def field_names(form: Form) -> list[str]:
    """Every name the form posts (inputs, buttons, selects, text areas), each once."""
    names = [name for _kind, name, _value, _checked in form.fields] + list(form.options)
    return list(dict.fromkeys(names))


def stored_control_characters() -> list[str]:
    """Text of the app's tables holding a control character other than a line break or a tab."""
    found = []
    for model in apps.get_app_config("assessment").get_models():
        text_fields = [
            f.attname for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField", "TextField")
        ]
        for row in model.objects.values("pk", *text_fields):
            for name in text_fields:
                value = row[name] or ""
                if any(ch not in "\n\t" and (ch < " " or "\x7f" <= ch <= "\x9f") for ch in value):
                    found.append(f"{model._meta.label} {row['pk']} {name}={value[:60]!r}")
    return found


@contextmanager
def query_parameters_read():
    """The names the code asked a QueryDict for (request.GET or POST) while the block ran."""
    read: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recording(name):
        original = originals[name]

        def method(self, key, *args, **kwargs):
            read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    for name in originals:
        setattr(QueryDict, name, recording(name))
    try:
        yield read
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def route_values(assessment, action, question) -> dict[str, object]:
    """The walker's values for the pages of `assessment`'s team: its ids, `action` and `question`'s keys."""
    version = assessment.questionnaire
    return {
        "evidence_id": assessment.evidence.values_list("pk", flat=True).first() or 0,
        "assessment_id": assessment.pk,
        "team_id": assessment.team_id,
        "division_id": assessment.team.division_id,
        "action_id": action.pk,
        "version_id": version.pk,
        "area_key": question.area.key,
        "practice_key": version.practices.order_by("pk").first().key,
        "question_key": question.key,
        "question_id": question.pk,
        "answer_id": assessment.answers.values_list("pk", flat=True).first() or 0,
        "agency_id": assessment.team.agency_id,
        "token_id": models.ApiToken.objects.values_list("pk", flat=True).first() or 0,
        "revision_id": models.CrosswalkRevision.objects.values_list("pk", flat=True).first() or 0,
        **SIGN_IN_VALUES,
    }
