"""axe-core (WCAG 2.0/2.1/2.2 A/AA and best practices) on every admin page an editor or a team manager can open.

Nothing here lists pages by hand. The walk reads the admin site: its own URL
patterns (`admin.site.get_urls()`), each registered model's patterns
(`model_admin.get_urls()`, custom pages included), the actions each user may
run (`get_actions`), and follows from the pages it opens their list filters,
search, the forms that post to an action page (New draft version, Publish)
and file uploads (the YAML import's errors and preview). A model or page added
later is walked too; a model without a row gets one from `make_object`.

Every HTML page a user reaches is checked; a page that answers 403 is one the
user may not open. Anything else unexpected (404, 500, a pattern whose
parameters the walk cannot fill) fails the test with the URL.

Set SCREENSHOT_DIR to keep a screenshot of each page, ADMIN_COLOR_SCHEME=dark to walk
the admin's dark theme (it passes too).
"""

from __future__ import annotations

import datetime
import decimal
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.contrib import admin
from django.db import models as db_models
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import URLPattern, URLResolver, reverse
from django.utils import timezone

from assessment import models
from assessment.services.assessments import AnswerInput, answers_save
from assessment.services.crosswalks import crosswalk_import
from assessment.services.versions import version_new_draft
from tests.browser.conftest import (
    AXE_TAGS_STRICT,
    axe_violations,
    format_violations,
    login,
)
from tests.conftest import migrated_group
from tests.helpers import DATA, load_questionnaire_file, make_user

SCREENSHOT_DIR = os.environ.get("SCREENSHOT_DIR")

# Site-level pages that are not pages a person reads; every other named pattern is walked.
SITE_PATTERNS_NOT_PAGES = {
    "logout": "a POST that ends the session",
    "jsi18n": "JavaScript",
    "autocomplete": "JSON for select widgets",
    "view_on_site": "a redirect to the site",
}
# What the walk uploads to a page with a file field: first a file with errors, then a good one.
UPLOADS = [
    ("broken.yaml", (DATA / "bad_questionnaires" / "requires-cycle.yaml").read_bytes()),
    (
        "next.yaml",
        (DATA / "good_questionnaire.yaml").read_text().replace('version: "2026.1"', 'version: "2031.1"').encode(),
    ),
]
# A crosswalk of the used version (docs/questionnaire-format.md, section 7), for the crosswalk revision pages.
CROSSWALK = """\
questionnaire: small-ml
version: "2026.1"
revision: "1"
frameworks:
  - id: nist-ai-rmf
    title: NIST AI Risk Management Framework
    version: "1.0"
    url: https://example.org/ai-rmf
    items:
      - {id: "MAP 1.1", title: Context is understood and written down}
      - {id: "MEASURE 2.7", title: Security is evaluated}
maps:
  model-versions:
    - {framework: nist-ai-rmf, item: "MAP 1.1", level: 4, relation: equal}
"""
GROUPS = {"editor": "Questionnaire editors", "team manager": "Team managers"}


# --- Data: the usual objects, and one of every other registered model ----------------------------


def admin_data():
    """A used (locked) published version, an editable draft copy, a team with an assessment, an executive."""
    version = load_questionnaire_file(DATA / "good_questionnaire.yaml")
    agency = models.Agency.objects.create(name="Agency of Tests")
    team = models.Team.objects.create(agency=agency, name="Data Platform", slug="data-platform")
    member = make_user("member", first_name="Mia", last_name="Member")
    models.Membership.objects.create(team=team, user=member, role=models.Membership.MEMBER)
    models.Executive.objects.create(user=make_user("executive"), agency=agency)
    assessment = models.Assessment.objects.create(team=team, questionnaire=version, title="Q1", created_by=member)
    question = models.Question.objects.filter(area__questionnaire=version).first()
    answers_save(assessment=assessment, user=member, answers=[AnswerInput(question.key, "choice", level=3)])
    version_new_draft(version)
    # A mapping must name a team and a role together (a check constraint make_object cannot guess).
    models.ProviderGroupMapping.objects.create(claim_value="ml-data-platform-members", team=team, role="member")
    # A crosswalk revision's content must be a parsed crosswalk file (make_object's {} is not one): import one.
    crosswalk_import(CROSSWALK.encode(), "small-ml-crosswalk.yaml")
    for model in admin.site._registry:
        if not model._default_manager.exists():
            make_object(model)


def make_object(model, _depth=0):
    """A row of `model` with a plain value in every required field, and the rows it points to."""
    if _depth > 5:
        raise RuntimeError(f"make_object: {model.__name__} points to models too deep to fill")
    values = {}
    for f in model._meta.concrete_fields:
        if (
            f.auto_created
            or f.primary_key
            or f.null
            or f.has_default()
            or getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
        ):
            continue
        if f.is_relation:
            related = f.related_model
            target = None if f.one_to_one else related._default_manager.first()
            values[f.name] = target or make_object(related, _depth + 1)
        else:
            values[f.name] = _plain_value(model, f)
    return model._default_manager.create(**values)


def _plain_value(model, f):
    if f.choices:
        return f.choices[0][0]
    if isinstance(f, db_models.BooleanField):
        return False
    if isinstance(f, (db_models.DateTimeField,)):
        return timezone.now()
    if isinstance(f, db_models.DateField):
        return datetime.date.today()
    if isinstance(f, db_models.DecimalField):
        return decimal.Decimal(1)
    if isinstance(f, (db_models.IntegerField, db_models.FloatField)):
        return 1
    if isinstance(f, db_models.URLField):
        return "https://example.org/"
    if isinstance(f, db_models.EmailField):
        return "someone@example.org"
    if isinstance(f, db_models.JSONField):
        return {}
    if isinstance(f, (db_models.CharField, db_models.TextField)):
        text = f"{model._meta.model_name}-{model._default_manager.count() + 1}"
        return text[: f.max_length] if f.max_length else text
    raise RuntimeError(f"make_object: no plain value for {model.__name__}.{f.name} ({type(f).__name__})")


# --- Discovering the URLs ----------------------------------------------------------------------------


def _parameters(pattern: URLPattern) -> list[str]:
    """The pattern's parameter names; an unnamed group (simple_history's patterns) counts as "object_id" then "version_id"."""
    regex = pattern.pattern.regex
    if regex.groupindex:
        return sorted(regex.groupindex)
    return ["object_id", "version_id"][: regex.groups] + ["?"] * max(0, regex.groups - 2)


def sample_objects(model) -> list:
    """The first and the last row: for questionnaire content, one in the used version and one in the draft."""
    rows = list(model._default_manager.order_by("pk")[:1]) + list(model._default_manager.order_by("-pk")[:1])
    return list({row.pk: row for row in rows}.values())


def _fill(pattern: URLPattern, obj) -> str | None:
    """The URL of a model's pattern for `obj`; fails on parameters the walk does not know."""
    params = _parameters(pattern)
    positional = not pattern.pattern.regex.groupindex
    if params == ["object_id"] or (len(params) == 1 and params != ["?"]):
        values = {params[0]: obj.pk}  # e.g. <object_id>/change/, <int:version_id>/publish/
    elif params == ["object_id", "version_id"] and hasattr(obj, "history"):  # one simple_history record
        record = obj.history.first()
        if record is None:
            return None  # loaded without history; the other sample object has some
        values = {"object_id": obj.pk, "version_id": record.history_id}
    elif not params:
        values = {}
    else:
        raise AssertionError(f"The admin walk cannot fill the parameters {params} of {pattern.pattern}: teach _fill.")
    name = f"admin:{pattern.name}"
    return reverse(name, args=list(values.values())) if positional else reverse(name, kwargs=values)


def admin_urls(user) -> list[str]:
    """Every URL of the admin site and of its registered models, filled with sample objects."""
    request = RequestFactory().get("/admin/")
    request.user = user
    urls = []
    for pattern in admin.site.get_urls():
        if isinstance(pattern, URLResolver) or not pattern.name or pattern.name in SITE_PATTERNS_NOT_PAGES:
            continue
        params = _parameters(pattern)
        if params == ["app_label"]:
            urls += [
                reverse(f"admin:{pattern.name}", kwargs={"app_label": app["app_label"]})
                for app in admin.site.get_app_list(request)
            ]
        elif not params:
            urls.append(reverse(f"admin:{pattern.name}"))
        else:
            raise AssertionError(f"The admin walk cannot fill the parameters {sorted(params)} of {pattern.pattern}.")
    for model, model_admin in admin.site._registry.items():
        objects = sample_objects(model)
        assert objects, f"No {model.__name__} to walk its pages with: admin_data() should make one."
        for pattern in model_admin.get_urls():
            if isinstance(pattern, URLResolver) or not pattern.name:
                continue  # the unnamed <object_id>/ pattern only redirects to the change page
            filled = [_fill(pattern, obj) for obj in (objects if _parameters(pattern) else objects[:1])]
            filled = [url for url in filled if url]
            assert filled, f"No {model.__name__} to open {pattern.pattern} with."
            urls += filled
    return list(dict.fromkeys(urls))


# --- Walking ------------------------------------------------------------------------------------------


@dataclass
class Walk:
    page: object
    base: str
    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    downloads: list[str] = field(default_factory=list)

    def check(self, what: str):
        """axe on the page now shown; violations are kept to be listed together at the end."""
        violations = axe_violations(self.page, tags=AXE_TAGS_STRICT)
        heading = self.page.locator("h1").first.inner_text() if self.page.locator("h1").count() else "no h1"
        what = f"{what}, {heading!r}"
        self.checked.append(f"{what}: {self.page.url}")
        if violations:
            self.problems.append(f"{what} ({self.page.url}):\n{format_violations(violations)}")
        if SCREENSHOT_DIR:
            Path(SCREENSHOT_DIR).mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^A-Za-z0-9]+", "-", f"{len(self.checked):03d}-{self.page.url.split('/admin/', 1)[-1]}")
            self.page.screenshot(path=str(Path(SCREENSHOT_DIR) / f"{name[:120]}.png"), full_page=True)

    def visit(self, url: str, what: str):
        response = self.page.goto(self.base + url if url.startswith("/") else url)
        assert response.status == 200, f"{what}: {url} answered {response.status}"
        self.check(what)


def probe(client: Client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get("Content-Type", "")


def walk_changelist_variants(walk: Walk, url: str, model_admin):
    """The list with each filter's first choice applied, a date drill-down, and a search."""
    page = walk.page
    filters = page.locator("#changelist-filter details, #changelist-filter ul")
    hrefs = []
    for group in page.locator("#changelist-filter details").all():
        links = group.locator("li:not(.selected) a")
        if links.count():
            hrefs.append((group.get_attribute("data-filter-title") or "filter", links.first.get_attribute("href")))
    drill = page.locator("nav.toplinks a")
    if drill.count():
        hrefs.append(("date", drill.first.get_attribute("href")))
    assert filters.count() == 0 or hrefs, f"{url}: filters shown but none could be applied"
    for title, href in hrefs:
        walk.visit(url + href if href.startswith("?") else href, f"list filtered by {title}")
    if model_admin.search_fields:
        term = str(model_admin.model._default_manager.order_by("pk").first()).split()[0][:12]
        walk.visit(f"{url}?q={term}", f"list searched for {term!r}")


def walk_new_inline_rows(walk: Walk):
    """A change page with each inline's "Add another" row opened, as the inline script makes it."""
    for link in walk.page.locator(".add-row a").all():
        link.focus()
        walk.page.keyboard.press("Enter")
    walk.check("with a new row in each inline")


def walk_form_errors(walk: Walk):
    """An add page saved empty: the same form with its errors."""
    save = walk.page.locator("#content-main form [type=submit][name=_save]")
    if not save.count():
        return
    with walk.page.expect_navigation():
        save.first.focus()
        walk.page.keyboard.press("Enter")
    walk.check("saved empty")


def walk_uploads(walk: Walk, url: str):
    """A page with a file field: upload a file with errors, then a good one, and check each answer."""
    for name, content in UPLOADS:
        walk.page.goto(walk.base + url)
        walk.page.locator("input[type=file]").first.set_input_files(
            files=[{"name": name, "mimeType": "application/yaml", "buffer": content}]
        )
        with walk.page.expect_navigation():
            walk.page.locator("form:has(input[type=file]) [type=submit]").first.click()
        walk.check(f"after uploading {name}")
    # The preview of the good file: confirm it, if the page offers to.
    confirm = walk.page.locator("form [type=submit][name=confirm]")
    if confirm.count():
        with walk.page.expect_navigation():
            confirm.first.click()
        walk.check("after confirming the upload")


def walk_post_forms(walk: Walk, post_only: dict[str, str]):
    """Pages reached only by posting a form of another page (New draft version, Publish): submit it."""
    for action, source in post_only.items():
        walk.page.goto(walk.base + source)
        with walk.page.expect_navigation():
            walk.page.locator(f'form[action="{action}"] [type=submit]').first.click()
        walk.check(f"after posting to {action}")


def walk_actions(walk: Walk, client: Client, user):
    """Each admin action the user may run, from the list, on one row: its confirmation page or result."""
    request = RequestFactory().get("/admin/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        actions = model_admin.get_actions(request)
        if not actions or not model_admin.has_view_or_change_permission(request):
            continue
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        target = sample_objects(model)[-1]
        for name in actions:
            with transaction.atomic():  # ask what the action answers, without keeping what it does
                answer = client.post(changelist, {"action": name, "_selected_action": [target.pk], "index": 0})
                transaction.set_rollback(True)
            walk.page.goto(walk.base + changelist)
            walk.page.locator(f'input.action-select[value="{target.pk}"]').check()
            walk.page.locator("select[name=action]").select_option(name)
            go = walk.page.locator("button[name=index]").first
            if answer.get("Content-Disposition", "").startswith("attachment"):
                with walk.page.expect_download():
                    go.click()
                walk.downloads.append(f"action {name} on {changelist}")
                continue
            with walk.page.expect_navigation():
                go.click()
            walk.check(f"action {name} of {model._meta.verbose_name_plural}")


def walk_admin(page, live_server, user) -> Walk:
    client = Client()
    client.force_login(user)
    walk = Walk(page=page, base=live_server.url)
    login(page, live_server, user)
    if os.environ.get("ADMIN_COLOR_SCHEME"):
        page.emulate_media(color_scheme=os.environ["ADMIN_COLOR_SCHEME"])
    post_only: dict[str, str] = {}
    custom_redirects = []
    models_by_list = {
        reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist"): ma
        for m, ma in admin.site._registry.items()
    }
    for url in admin_urls(user):
        status, content_type = probe(client, url)
        if status == 403:
            continue  # not this user's page
        if status in (301, 302):
            custom_redirects.append(url)
            continue
        assert status == 200, f"{url} answered {status} to the {user.username}"
        if not content_type.startswith("text/html"):
            walk.downloads.append(url)
            continue
        walk.visit(url, "page")
        if walk.page.locator(".add-row a").count():
            walk_new_inline_rows(walk)
        if url.endswith("/add/"):
            walk_form_errors(walk)
            walk.page.goto(walk.base + url)
        for action in walk.page.locator("form[method=post][action]").evaluate_all(
            "fs => fs.map(f => f.getAttribute('action'))"
        ):
            post_only.setdefault(action, url)
        if url in models_by_list:
            walk_changelist_variants(walk, url, models_by_list[url])
        if walk.page.locator("input[type=file]").count():
            walk_uploads(walk, url)
    walk_post_forms(walk, {action: source for action, source in post_only.items() if action in custom_redirects})
    walk_actions(walk, client, user)
    return walk


@pytest.mark.parametrize("role", list(GROUPS))
@pytest.mark.django_db(transaction=True)
def test_every_admin_page_of_the_role_passes_axe(page, live_server, role):
    admin_data()
    user = make_user(role.replace(" ", "-"), first_name="Ada", last_name="Admin", is_staff=True)
    user.groups.add(migrated_group(GROUPS[role]))
    if role == "team manager":
        # A team manager manages the agencies listed on the agency; with none, every list is empty.
        for agency in models.Agency.objects.all():
            agency.managers.add(user)
    walk = walk_admin(page, live_server, user)
    print(
        f"\n{len(walk.checked)} admin pages of the {role} checked:",
        *walk.checked,
        "downloads:",
        *walk.downloads,
        sep="\n",
    )
    # The walk reached the lists the role exists for, so a walk that silently opened nothing fails.
    own = (
        ["questionnaireversion", "area", "question", "practice"]
        if role == "editor"
        else ["agency", "team", "membership"]
    )
    for name in own:
        url = reverse(f"admin:assessment_{name}_changelist")
        assert any(line.endswith(url) for line in walk.checked), f"the walk never reached {url}"
    assert not walk.problems, (
        f"{len(walk.problems)} of {len(walk.checked)} admin pages of the {role} fail axe "
        f"({', '.join(AXE_TAGS_STRICT)}):\n\n" + "\n\n".join(walk.problems)
    )
