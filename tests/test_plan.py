"""The team's action plan: adding roadmap items, editing an action, measured progress, exports, history."""

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from assessment import models
from assessment.selectors.plan import action_counts_by_team, action_rows, overdue_actions_for_agency, team_plan
from assessment.selectors.results import assessment_results
from assessment.services.assessments import assessment_create, assessment_submit
from assessment.services.plan import ActionInput, action_update, actions_add_from_roadmap, item_key
from tests.helpers import answer, client_for, count_queries, error_summary_text, text_of


@pytest.fixture
def baseline(assessment, member):
    """A submitted assessment whose roadmap raises streaming-data and data-discovery."""
    answer(assessment, member, {"streaming-data": ("choice", 1)})
    answer(assessment, member, {"data-discovery": ("choice", 1)})
    answer(assessment, member, {"model-versions": ("choice", 2)})
    return assessment_submit(assessment=assessment, user=member)


def roadmap_keys(assessment):
    return {
        item.question_key: item_key(item.question_key, item.to_level) for item in assessment_results(assessment).roadmap
    }


@pytest.mark.django_db
def test_it_adds_ticked_roadmap_items_to_the_plan(baseline, member):
    keys = roadmap_keys(baseline)
    response = client_for(member).post(
        reverse("assessment-plan-add", args=[baseline.pk]), {"items": [keys["streaming-data"], keys["data-discovery"]]}
    )
    assert response.status_code == 302 and response["Location"] == reverse("team-plan", args=[baseline.team_id])
    actions = models.Action.objects.filter(team=baseline.team).order_by("question_key")
    assert [(a.question_key, a.questionnaire_slug, a.status) for a in actions] == [
        ("data-discovery", "small-ml", "planned"),
        ("streaming-data", "small-ml", "planned"),
    ]
    assert all(a.history.first().history_user == member for a in actions)
    # Added again: nothing new; a single item with its own button.
    client_for(member).post(reverse("assessment-plan-add", args=[baseline.pk]), {"add": keys["streaming-data"]})
    assert models.Action.objects.filter(team=baseline.team).count() == 2


@pytest.mark.django_db
def test_it_refuses_an_item_that_is_not_on_the_roadmap_and_writes_nothing(baseline, member):
    response = client_for(member).post(
        reverse("assessment-plan-add", args=[baseline.pk]), {"items": ["streaming-data:9", "<script>"]}, follow=True
    )
    assert "is not an item of this roadmap" in text_of(response)
    assert not models.Action.objects.exists()
    response = client_for(member).post(reverse("assessment-plan-add", args=[baseline.pk]), {}, follow=True)
    assert "Choose at least one roadmap item" in text_of(response)


@pytest.mark.django_db
def test_viewers_and_executives_read_the_plan_but_cannot_write(baseline, member, viewer, executive):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    for reader in (viewer, executive):
        client = client_for(reader)
        page = client.get(reverse("team-plan", args=[baseline.team_id]))
        assert page.status_code == 200 and "How does your organization collect streaming data" in text_of(page)
        detail = client.get(reverse("team-plan-action", args=[baseline.team_id, action.pk]))
        assert detail.status_code == 200 and "Save the action" not in text_of(detail)
        assert (
            client.post(reverse("team-plan-action", args=[baseline.team_id, action.pk]), {"status": "done"}).status_code
            == 403
        )
        assert (
            client.post(
                reverse("assessment-plan-add", args=[baseline.pk]),
                {"items": [roadmap_keys(baseline)["data-discovery"]]},
            ).status_code
            == 403
        )
    assert models.Action.objects.get().status == "planned" and models.Action.objects.count() == 1


@pytest.mark.django_db
def test_a_member_edits_an_action_and_the_history_says_who(baseline, member):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    url = reverse("team-plan-action", args=[baseline.team_id, action.pk])
    response = client_for(member).post(
        url,
        {
            "owner": member.pk,
            "owner_name": "",
            "due_date": "2027-03-31",
            "status": "in_progress",
            "wont_do_reason": "",
            "link": "https://tracker.example/ML-12",
            "note": "Start with the pilot",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.owner, action.due_date, action.status, action.link) == (
        member,
        datetime.date(2027, 3, 31),
        "in_progress",
        "https://tracker.example/ML-12",
    )
    page = text_of(client_for(member).get(url))
    assert "Mia Member" in page and "status In progress" in page and "Added to the plan" in page


@pytest.mark.django_db
def test_wont_do_needs_a_reason(baseline, member):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    url = reverse("team-plan-action", args=[baseline.team_id, action.pk])
    response = client_for(member).post(url, {"status": "wont_do", "wont_do_reason": "  "})
    assert response.status_code == 400
    assert "Say why the team won" in text_of(response) and 'href="#id_wont_do_reason"' in response.content.decode()
    assert models.Action.objects.get().status == "planned"


@pytest.mark.django_db
def test_progress_is_measured_by_the_next_assessment(baseline, member, team):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    streaming = models.Action.objects.get(question_key="streaming-data")
    discovery = models.Action.objects.get(question_key="data-discovery")
    action_update(action=discovery, user=member, given=ActionInput(status="done", due_date=datetime.date(2020, 1, 1)))
    second = assessment_create(team=team, version=baseline.questionnaire, title="Q2", user=member, copy_from=baseline)
    answer(second, member, {"streaming-data": ("choice", streaming.target_level)})
    assessment_submit(assessment=second, user=member)
    rows = {r.action.question_key: r for r in action_rows(models.Action.objects.all())}
    assert rows["streaming-data"].progress.words == "Achieved" and rows["streaming-data"].progress.assessment == second
    assert rows["data-discovery"].progress.words == "Done, not yet reflected in the answers"
    assert action_counts_by_team([team.pk])[team.pk].achieved == 1
    # Reached but still planned: the plan page says so and what to do about it; the done one is not flagged.
    page = text_of(client_for(member).get(reverse("team-plan", args=[team.pk])))
    assert page.count("Reached, still marked planned: mark it done") == 1
    # A third assessment slips below the target: regressed.
    third = assessment_create(team=team, version=baseline.questionnaire, title="Q3", user=member, copy_from=second)
    answer(third, member, {"streaming-data": ("choice", 1)})
    assessment_submit(assessment=third, user=member)
    row = next(r for r in action_rows(models.Action.objects.filter(pk=streaming.pk)))
    assert (row.progress.words, row.progress.assessment) == ("Regressed", third)


@pytest.mark.django_db
def test_the_plan_puts_overdue_first_and_filters(baseline, member, team, agency):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    late = models.Action.objects.get(question_key="data-discovery")
    later = models.Action.objects.get(question_key="streaming-data")
    action_update(
        action=late, user=member, given=ActionInput(due_date=datetime.date(2026, 1, 10), owner_name="Ana Outside")
    )
    action_update(action=later, user=member, given=ActionInput(due_date=datetime.date(2026, 1, 5), owner_id=member.pk))
    today = datetime.date(2026, 1, 7)
    [(status, _words, rows)] = team_plan(team, today=today)
    assert status == "planned"
    assert [r.action.question_key for r in rows] == ["streaming-data", "data-discovery"]
    assert [r.overdue for r in rows] == [True, False]
    assert [r.action.question_key for r in overdue_actions_for_agency(agency.pk, today)] == ["streaming-data"]
    [(_s, _w, only)] = team_plan(team, owner="name:Ana Outside", today=today)
    assert [r.action.question_key for r in only] == ["data-discovery"]
    assert team_plan(team, status="done", today=today) == []
    page = client_for(member).get(reverse("team-plan", args=[team.pk]), {"owner": f"user:{member.pk}"})
    assert "streaming data" in text_of(page) and "find the data" not in text_of(page)


@pytest.mark.django_db
def test_an_action_whose_question_is_gone_shows_question_retired(baseline, member, team):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    models.Action.objects.create(
        team=team,
        questionnaire_slug="small-ml",
        question_key="no-longer-asked",
        target_level=3,
        created_at=baseline.submitted_at,
    )
    rows = {r.action.question_key: r for r in action_rows(models.Action.objects.all())}
    assert rows["no-longer-asked"].retired and not rows["streaming-data"].retired
    assert "Question retired" in text_of(client_for(member).get(reverse("team-plan", args=[team.pk])))
    assert models.Action.objects.count() == 2


@pytest.mark.django_db
def test_the_roadmap_page_shows_the_action_and_offers_add_to_plan(baseline, member, viewer):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[keys["streaming-data"]])
    html = client_for(member).get(reverse("assessment-roadmap", args=[baseline.pk])).content.decode()
    assert f'value="{keys["data-discovery"]}"' in html
    assert f'value="{keys["streaming-data"]}"' not in html
    assert "In the plan" in html
    viewer_html = client_for(viewer).get(reverse("assessment-roadmap", args=[baseline.pk])).content.decode()
    assert "In the plan" in viewer_html and "Add to plan" not in viewer_html


@pytest.mark.django_db
def test_the_exports_carry_the_plan(baseline, member, team):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    action_update(
        action=action,
        user=member,
        given=ActionInput(due_date=datetime.date(2027, 5, 1), owner_name="=HYPERLINK(1)", note="Check, then ship"),
    )
    client = client_for(member)
    csv_text = client.get(reverse("team-plan-csv", args=[team.pk])).content.decode("utf-8-sig")
    assert '"streaming-data"' in csv_text and '"\'=HYPERLINK(1)"' in csv_text and '"2027-05-01"' in csv_text
    response = client.get(reverse("team-plan-ics", args=[team.pk]))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime.date(2027, 5, 1)
    assert "streaming data" in str(event.get("summary"))
    assert str(event.get("uid")).startswith(f"action-{action.pk}@")


@pytest.mark.django_db
def test_the_exports_of_a_filtered_plan_carry_only_what_the_page_shows(baseline, member, team):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    streaming, discovery = (models.Action.objects.get(question_key=key) for key in ("streaming-data", "data-discovery"))
    action_update(action=streaming, user=member, given=ActionInput(due_date=datetime.date(2027, 5, 1)))
    action_update(action=discovery, user=member, given=ActionInput(status="done", due_date=datetime.date(2027, 6, 1)))
    client = client_for(member)

    page = client.get(reverse("team-plan", args=[team.pk]), {"status": "done"})
    csv_text = client.get(reverse("team-plan-csv", args=[team.pk]), {"status": "done"}).content.decode("utf-8-sig")
    ics = client.get(reverse("team-plan-ics", args=[team.pk]), {"status": "done"}).content
    whole = client.get(reverse("team-plan", args=[team.pk]))

    html = page.content.decode()
    assert (
        f'href="{reverse("team-plan-csv", args=[team.pk])}?status=done">Spreadsheet (CSV) of the 1 action shown' in html
    )
    assert f'href="{reverse("team-plan-ics", args=[team.pk])}?status=done">' in html
    assert '"data-discovery"' in csv_text and '"streaming-data"' not in csv_text
    [event] = Calendar.from_ical(ics).walk("VEVENT")
    assert event.decoded("dtstart") == datetime.date(2027, 6, 1)
    assert "Plan as a spreadsheet (CSV)" in text_of(whole)
    assert f'href="{reverse("team-plan-csv", args=[team.pk])}"' in whole.content.decode()


@pytest.mark.django_db
def test_the_exports_refuse_a_bad_filter_with_a_page(baseline, member, team):
    client = client_for(member)
    for name in ("team-plan-csv", "team-plan-ics"):
        response = client.get(reverse(name, args=[team.pk]), {"status": "nonsense"})
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Status: Choose a status from the list." in (error_summary_text(response) or "")
        assert f'href="{reverse("team-plan", args=[team.pk])}"' in response.content.decode()


@pytest.mark.django_db
def test_the_portfolio_shows_each_teams_counts_and_the_overdue_list(baseline, member, executive, team):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    late = models.Action.objects.get(question_key="data-discovery")
    action_update(
        action=late, user=member, given=ActionInput(due_date=datetime.date(2020, 6, 1), owner_name="Ana Outside")
    )
    second = assessment_create(team=team, version=baseline.questionnaire, title="Q2", user=member, copy_from=baseline)
    answer(
        second,
        member,
        {"streaming-data": ("choice", models.Action.objects.get(question_key="streaming-data").target_level)},
    )
    assessment_submit(assessment=second, user=member)
    response = client_for(executive).get(reverse("portfolio"))
    html = response.content.decode()
    counts = re.search(r'<table class="table table-sm portfolio-plan-counts">.*?</table>', html, re.S).group(0)
    assert re.sub(r"<[^>]+>|\s+", " ", counts).split("Achieved")[1].split() == ["Data", "Platform", "1", "1", "1"]
    assert "Overdue actions (1)" in text_of(response) and "Ana Outside" in text_of(response)


@pytest.mark.django_db
def test_the_pdf_has_an_action_plan_section_and_a_new_key_when_the_plan_changes(baseline, member):
    import io

    from pypdf import PdfReader

    from assessment.pdf.render import assessment_pdf
    from assessment.pdf.store import assessment_pdf_key

    key_before = assessment_pdf_key(baseline)
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    key_added = assessment_pdf_key(baseline)
    action_update(
        action=action, user=member, given=ActionInput(owner_name="Ana Outside", due_date=datetime.date(2027, 4, 2))
    )
    key_changed = assessment_pdf_key(baseline)
    assert len({key_before, key_added, key_changed}) == 3
    pdf = assessment_pdf(assessment_results(baseline))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Action plan" in text and "Ana Outside" in text and "2 Apr 2027" in text


@pytest.mark.django_db
def test_the_plan_page_costs_the_same_queries_for_more_actions(baseline, member, team):
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[keys["streaming-data"]])
    client = client_for(member)
    url = reverse("team-plan", args=[team.pk])
    one = count_queries(client, url)
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=list(keys.values()))
    for action in models.Action.objects.all():
        action_update(
            action=action, user=member, given=ActionInput(owner_id=member.pk, due_date=datetime.date(2027, 1, 1))
        )
    assert models.Action.objects.count() > 2
    assert count_queries(client, url) == one


@pytest.mark.django_db
def test_actions_carry_over_to_a_newer_content_version_and_retire_with_the_question(baseline, member, team):
    """Version 2026.2 keeps streaming-data and renames data-discovery: one action measured, one retired."""
    from assessment.domain.schema import parse_questionnaire
    from assessment.services.questionnaires import questionnaire_load
    from tests.helpers import DATA

    text = (DATA / "good_questionnaire.yaml").read_text()
    text = text.replace('version: "2026.1"', 'version: "2026.2"').replace("data-discovery", "data-finding")
    newer = questionnaire_load(parse_questionnaire(text.encode(), "newer.yaml"), loaded_from="newer.yaml").version
    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    streaming = models.Action.objects.get(question_key="streaming-data")
    second = assessment_create(team=team, version=newer, title="On 2026.2", user=member, copy_from=baseline)
    answer(second, member, {"streaming-data": ("choice", streaming.target_level)})
    assessment_submit(assessment=second, user=member)
    rows = {r.action.question_key: r for r in action_rows(models.Action.objects.all())}
    assert rows["streaming-data"].progress.achieved and rows["streaming-data"].progress.assessment == second
    assert not rows["streaming-data"].retired
    assert rows["data-discovery"].retired and not rows["data-discovery"].overdue
    # The retired action keeps the text of the version that had it, and is still there.
    assert rows["data-discovery"].question_text == "How do teams find the data they need?"
    assert models.Action.objects.count() == 2


@pytest.mark.django_db
def test_the_portfolio_counts_agree_with_each_actions_measured_progress_and_lists_at_most_the_limit(
    baseline, member, team, agency
):
    from assessment.selectors.plan import agency_plan_summary

    keys = roadmap_keys(baseline)
    actions_add_from_roadmap(
        assessment=baseline, user=member, item_keys=[keys["streaming-data"], keys["data-discovery"]]
    )
    streaming = models.Action.objects.get(question_key="streaming-data")
    discovery = models.Action.objects.get(question_key="data-discovery")
    action_update(action=discovery, user=member, given=ActionInput(due_date=datetime.date(2020, 6, 1)))
    action_update(action=streaming, user=member, given=ActionInput(due_date=datetime.date(2020, 7, 1)))
    # Q2 reaches streaming-data's target; Q3 slips below it again (regressed).
    second = assessment_create(team=team, version=baseline.questionnaire, title="Q2", user=member, copy_from=baseline)
    answer(second, member, {"streaming-data": ("choice", streaming.target_level)})
    assessment_submit(assessment=second, user=member)
    achieved_then = agency_plan_summary(models.Team.objects.filter(agency=agency))
    third = assessment_create(team=team, version=baseline.questionnaire, title="Q3", user=member, copy_from=second)
    answer(third, member, {"streaming-data": ("choice", 1)})
    assessment_submit(assessment=third, user=member)
    # A second team with two overdue actions, one marked done (not yet reflected in the answers).
    other = models.Team.objects.create(agency=agency, name="Another team", slug="another-team")
    for key, status in (("streaming-data", models.Action.IN_PROGRESS), ("model-versions", models.Action.DONE)):
        models.Action.objects.create(
            team=other,
            questionnaire_slug=baseline.questionnaire.slug,
            question_key=key,
            target_level=4,
            status=status,
            due_date=datetime.date(2021, 1, 1),
            created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        )
    today = datetime.date(2026, 1, 1)
    teams = models.Team.objects.filter(agency=agency)
    full = action_counts_by_team(teams.values_list("pk", flat=True), today)
    summary = agency_plan_summary(teams, today)
    assert {team.pk: counts for team, counts in summary.teams} == full
    assert [(t.name, c.overdue) for t, c in summary.teams] == [("Data Platform", 2), ("Another team", 1)]
    every_overdue = overdue_actions_for_agency(agency.pk, today)
    assert [r.action.pk for r in summary.overdue] == [r.action.pk for r in every_overdue]
    assert summary.overdue_count == len(every_overdue) == 3
    assert achieved_then.teams[0][1].achieved == 1  # before the slip, streaming-data counted achieved
    # Capped: the longest overdue action and the team with the most overdue, with the totals.
    capped = agency_plan_summary(teams, today, limit=1)
    assert [r.action.pk for r in capped.overdue] == [every_overdue[0].action.pk]
    assert [t.name for t, _ in capped.teams] == ["Data Platform"]
    assert (capped.team_total, capped.overdue_count) == (2, 3)


@pytest.mark.django_db
def test_the_portfolio_shows_a_changed_plan_at_once_though_it_keeps_it_in_the_cache(baseline, member, executive):
    client = client_for(executive)
    assert "No team has taken roadmap items" in text_of(client.get(reverse("portfolio")))
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["data-discovery"]])
    assert "Overdue actions (0)" in text_of(client.get(reverse("portfolio")))
    action = models.Action.objects.get()
    action_update(action=action, user=member, given=ActionInput(due_date=datetime.date(2020, 6, 1)))
    assert "Overdue actions (1)" in text_of(client.get(reverse("portfolio")))
    models.Team.objects.filter(pk=baseline.team_id).update(name="Renamed platform team")
    assert "Renamed platform team" in text_of(client.get(reverse("portfolio")))


@pytest.mark.django_db
def test_it_tells_a_member_but_not_a_viewer_to_add_items_to_an_empty_plan(team, member, viewer):
    url = reverse("team-plan", args=[team.pk])
    assert "add the items your team will work on" in text_of(client_for(member).get(url))
    page = text_of(client_for(viewer).get(url))
    assert "The plan is empty: the team has not taken on any roadmap item yet." in page
    assert "add the items" not in page and "Add items from a roadmap page" not in page


@pytest.mark.django_db
def test_an_action_says_what_to_do_on_its_page_and_in_the_exports(baseline, member, team):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    assert action.title == "Ingest streaming data with a managed stream"  # the step's first practice
    client = client_for(member)
    url = reverse("team-plan-action", args=[team.pk, action.pk])
    page = client.get(url)
    html = page.content.decode()
    assert "<h1>Ingest streaming data with a managed stream</h1>" in html
    done_when = action_rows([action])[0].done_when
    assert done_when and f"Done when: {done_when}" in text_of(page)
    assert reverse("practice-detail", args=[baseline.questionnaire_id, "streaming-ingestion"]) in html
    assert "https://docs.aws.amazon.com/streams/latest/dev/introduction.html" in html
    assert page.context["form"]["title"].value() == action.title

    response = client.post(
        url, {"title": "Pilot the managed stream", "status": "in_progress", "due_date": "2027-05-01"}
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Pilot the managed stream"
    assert "Pilot the managed stream" in text_of(client.get(reverse("team-plan", args=[team.pk])))

    csv_text = client.get(reverse("team-plan-csv", args=[team.pk])).content.decode("utf-8-sig")
    header, row = [line for line in csv_text.splitlines() if line.startswith('"Action"') or "Pilot" in line][:2]
    assert header.startswith('"Action","Done when","Practices"')
    assert row.startswith('"Pilot the managed stream","')
    assert "Ingest streaming data with a managed stream: https://docs.aws.amazon.com" in csv_text

    [event] = Calendar.from_ical(client.get(reverse("team-plan-ics", args=[team.pk])).content).walk("VEVENT")
    assert str(event.get("summary")) == "Due: Pilot the managed stream"
    description = str(event.get("description"))
    assert "Done when: " in description and "Ingest streaming data with a managed stream: https://" in description


@pytest.mark.django_db
def test_an_action_added_before_titles_shows_its_steps_default_and_a_long_title_is_refused(baseline, member, team):
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    models.Action.objects.filter(pk=action.pk).update(title="")
    [row] = action_rows([models.Action.objects.get()])
    assert row.title == "Ingest streaming data with a managed stream"
    url = reverse("team-plan-action", args=[team.pk, action.pk])
    response = client_for(member).post(url, {"title": "x" * 201, "status": "planned"})
    assert response.status_code == 400
    assert "Shorten the title to 200 characters" in text_of(response)
    assert models.Action.objects.get().title == ""


def _action_page_post(client, url):
    """What a browser posts from the action page as it is shown now: every field and its hidden twin."""
    page = client.get(url).content.decode()
    data = dict(re.findall(r'<input type="hidden" name="(shown_[a-z_]+)" value="([^"]*)"', page))
    for name in ("title", "owner_name", "due_date", "link"):
        match = re.search(rf'name="{name}" value="([^"]*)"', page)
        data[name] = match.group(1) if match else ""
    for name in ("note", "wont_do_reason"):
        data[name] = re.search(rf'name="{name}"[^>]*>([^<]*)</textarea>', page).group(1).strip()
    data["status"] = re.search(r'name="status" value="([a-z_]+)"[^>]*checked', page).group(1)
    data["owner"] = ""
    return data


def _action_open_twice(baseline, member):
    """An action, its page's URL, and two sessions that opened it, each with what its page would post."""
    actions_add_from_roadmap(assessment=baseline, user=member, item_keys=[roadmap_keys(baseline)["streaming-data"]])
    action = models.Action.objects.get()
    url = reverse("team-plan-action", args=[baseline.team_id, action.pk])
    first, second = client_for(member), client_for(member)
    return action, url, (first, _action_page_post(first, url)), (second, _action_page_post(second, url))


@pytest.mark.django_db
def test_two_people_editing_an_action_keep_both_changes(baseline, member):
    action, url, (first, mine), (second, theirs) = _action_open_twice(baseline, member)
    mine["note"] = "Start with the pilot"
    theirs["due_date"] = "2027-03-31"
    assert first.post(url, mine).status_code == 302
    assert second.post(url, theirs).status_code == 302
    action.refresh_from_db()
    assert (action.note, action.due_date) == ("Start with the pilot", datetime.date(2027, 3, 31))


@pytest.mark.django_db
def test_two_people_changing_the_same_field_of_an_action_are_told_and_nothing_is_lost(baseline, member):
    action, url, (first, mine), (second, theirs) = _action_open_twice(baseline, member)
    mine["note"] = "Start with the pilot"
    theirs["note"] = "Wait for the budget"
    theirs["link"] = "https://tracker.example/ML-12"
    assert first.post(url, mine).status_code == 302
    response = second.post(url, theirs)
    assert response.status_code == 400
    page = text_of(response)
    assert "Someone else saved this action while you were editing it, so nothing was saved" in page
    assert "Changed meanwhile to “Start with the pilot”" in page
    action.refresh_from_db()
    assert (action.note, action.link) == ("Start with the pilot", "")
    # The page shown again carries the note as stored now: saving it again knowingly replaces it.
    again = dict(re.findall(r'<input type="hidden" name="(shown_[a-z_]+)" value="([^"]*)"', response.content.decode()))
    assert again["shown_note"] == "Start with the pilot"
    assert second.post(url, {**theirs, **again}).status_code == 302
    action.refresh_from_db()
    assert (action.note, action.link) == ("Wait for the budget", "https://tracker.example/ML-12")
