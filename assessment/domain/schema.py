"""Questionnaire files: reading them with every check of the format, writing them back.

`parse_questionnaire` applies every rule of docs/questionnaire-format.md,
sections 2 and 6.4, roadmap keys and format 2 included (all but the database rule on an already
loaded (slug, version)), reports every
problem it finds at the line of the offending node, and builds the dataclasses
of `model.py`. `questionnaire_to_yaml` writes a file that reads back equal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .model import (
    EFFORT_POINTS,
    OWNER_TEAM,
    OWNERS,
    Area,
    Choice,
    Need,
    PhaseBudget,
    PhaseSizes,
    Practice,
    ProfileChoice,
    ProfileQuestion,
    Question,
    Questionnaire,
    Reference,
    ScaleLevel,
    Source,
)
from .yaml_nodes import Fields, Keys, UnreadableYaml, describe, did_you_mean, is_text, kind_of, line_of, load_document

T = TypeVar("T")
K = TypeVar("K")

SUPPORTED_FORMAT = 1  # what a file with a refused format is read as
SUPPORTED_FORMATS = (1, 2)
ID_PATTERN = re.compile(r"[a-z0-9-]+")
TAG_PATTERN = ID_PATTERN  # lowercase letters, digits and hyphens, like ids

QUESTIONNAIRE_KEYS = Keys(
    ("format", "slug", "version", "title", "scale", "areas"),
    ("summary", "source", "default_target", "practices", "phase_sizes", "profile", "phase_budget"),
)
PHASE_SIZES_KEYS = Keys((), ("now", "next"))
PHASE_BUDGET_KEYS = Keys((), ("now", "next"))
PROFILE_QUESTION_KEYS = Keys(("id", "text", "choices"), ("help",))
PROFILE_CHOICE_KEYS = Keys(("id", "text"), ("tags",))
SOURCE_KEYS = Keys(("title",), ("publisher", "url"))
SCALE_LEVEL_KEYS = Keys(("level", "name"), ("description",))
PRACTICE_KEYS = Keys(("id", "title", "summary", "url", "effort"), ("references", "note", "requires"))
REFERENCE_KEYS = Keys(("title", "url"))
AREA_KEYS = Keys(("id", "title", "questions"), ("weight", "summary", "applies_when"))
QUESTION_KEYS = Keys(
    ("id", "text", "choices"),
    ("help", "weight", "not_applicable", "foundation", "practices", "applies_when", "foundation_when", "owner"),
)
CHOICE_ROADMAP_KEYS = ("practices", "stage", "needs")
CHOICE_KEYS = Keys(("level", "text"), CHOICE_ROADMAP_KEYS)
NEED_KEYS = Keys(("question", "level"))


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class QuestionnaireInvalid(Exception):
    """A questionnaire file was refused; `problems` lists every reason."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def parse_questionnaire(data: str | bytes, filename: str) -> Questionnaire:
    """The questionnaire in `data`, or QuestionnaireInvalid listing all its problems."""
    try:
        root = load_document(data)
    except UnreadableYaml as error:
        raise QuestionnaireInvalid([Problem(filename, line, message) for line, message in error.problems]) from None
    reader = _QuestionnaireReader(filename)
    questionnaire = reader.questionnaire(root)
    if reader.problems or questionnaire is None:
        raise QuestionnaireInvalid(sorted(reader.problems, key=lambda problem: problem.line))
    return questionnaire


def _refused_as(value: T | None, placeholder: T) -> T:
    """`value`, or `placeholder` where the reader refused it (None, a problem recorded).

    The reader builds the whole Questionnaire even from a broken file, so that
    one pass finds every problem; parse_questionnaire discards it when any
    problem was recorded, so a placeholder never leaves this module.
    """
    return placeholder if value is None else value


@dataclass(frozen=True)
class _ChoiceRead:
    """A choice as read: the level and stage as given (None when refused), and its needs with their nodes."""

    choice: Choice
    level: int | None
    needs: tuple[tuple[Need | None, Node], ...]


class _QuestionnaireReader:
    """Walks the nodes of one file, recording a problem for each broken rule.

    It always builds a whole Questionnaire, with placeholders where a value
    was refused (see _refused_as); the caller discards it when any problem
    was recorded.
    """

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self.levels: list[int] | None = None  # None when the scale is unusable
        self.requires: dict[str, list[tuple[str, Node]]] = {}  # practice id -> ids and nodes
        self.first_lines: dict[str, dict[str, int]] = {"practice": {}, "area": {}, "question": {}, "profile": {}}
        self.file_format: int | None = None
        self.tags: set[str] = set()  # every tag a profile choice gives
        self.choice_levels: dict[str, list[int]] = {}  # question id -> its choice levels
        self.needs: list[_PendingNeed] = []  # checked once every question is read

    def report(self, node: Node | None, message: str) -> None:
        line = line_of(node) if node is not None else 1
        self.problems.append(Problem(self.filename, line, message))

    def fields(self, node: Node, where: str, keys: Keys) -> Fields:
        return Fields(node, where, keys, self.report)

    def questionnaire(self, root: Node | None) -> Questionnaire | None:
        if root is None:
            self.report(None, "the file is empty: expected format, slug, version, title, scale and areas")
            return None
        if not isinstance(root, MappingNode):
            self.report(root, f"the file must be a mapping of keys (format, slug, ...), got {kind_of(root)}")
            return None
        top = self.fields(root, "", QUESTIONNAIRE_KEYS)
        file_format = top.integer("format")
        if file_format is not None and file_format not in SUPPORTED_FORMATS:
            self.report(top.node_of("format"), f"format {file_format} is not supported: formats 1 and 2 exist")
        self.file_format = file_format
        slug = _identifier(top, "slug")
        version = self.version(top)
        title = top.text("title")
        summary = top.text("summary", "")
        source = self.source(top.node_of("source"))
        scale = self.scale(top)
        default_target = self.default_target(top)
        profile = tuple(
            self.profile_question(node, number)
            for number, node in enumerate(top.sequence("profile") if self.format2(top, "profile") else [], 1)
        )
        practices = tuple(
            self.practice(node, number) for number, node in enumerate(top.sequence("practices", allow_empty=True), 1)
        )
        self.check_requires()
        areas = tuple(self.area(node, number) for number, node in enumerate(top.sequence("areas"), 1))
        self.check_needs()
        return Questionnaire(
            slug=_refused_as(slug, ""),
            version=_refused_as(version, ""),
            title=_refused_as(title, ""),
            scale=scale,
            areas=areas,
            default_target=_refused_as(default_target, 0),
            summary=_refused_as(summary, ""),
            source=source,
            practices=practices,
            format=_refused_as(file_format, SUPPORTED_FORMAT),
            phase_sizes=self.phase_sizes(top.node_of("phase_sizes")),
            profile=profile,
            phase_budget=self.phase_budget(top),
        )

    def format2(self, fields: Fields, key: str) -> bool:
        """Whether `key` is given and may be read: format 2 keys are refused in a format 1 file."""
        node = fields.node_of(key)
        if node is None:
            return False
        if self.file_format == 1:
            fields.report(fields.key_nodes[key], f"{key} needs format: 2 (this file says format: 1)")
            return False
        return True

    def profile_question(self, node: Node, number: int) -> ProfileQuestion:
        where = _label(node, "profile question", f"profile question {number}")
        question = self.fields(node, where, PROFILE_QUESTION_KEYS)
        question_key = _identifier(question, "id")
        id_node = question.node_of("id")
        if question_key is not None and id_node is not None:
            first_lines = self.first_lines["profile"]
            if question_key in first_lines:
                question.report(
                    id_node,
                    f'profile question id "{question_key}" is used twice (first on line {first_lines[question_key]})',
                )
            else:
                first_lines[question_key] = line_of(id_node)
        choice_nodes = question.sequence("choices")
        choices_node = question.node_of("choices")
        if len(choice_nodes) == 1 and choices_node is not None:
            question.report(choices_node, "needs at least two choices, got 1")
        choices, seen = [], set()
        for choice_number, choice_node in enumerate(choice_nodes, 1):
            choice = self.profile_choice(choice_node, f"{where}, choice {choice_number}")
            if choice.id and choice.id in seen:
                question.report(_value_of(choice_node, "id"), f'choice id "{choice.id}" is used twice')
            seen.add(choice.id)
            choices.append(choice)
        return ProfileQuestion(
            id=_refused_as(question_key, ""),
            text=_refused_as(question.text("text"), ""),
            choices=tuple(choices),
            help=_refused_as(question.text("help", ""), ""),
        )

    def profile_choice(self, node: Node, where: str) -> ProfileChoice:
        choice = self.fields(node, where, PROFILE_CHOICE_KEYS)
        tags = []
        for tag_node in choice.sequence("tags", allow_empty=True):
            if not is_text(tag_node) or not TAG_PATTERN.fullmatch(tag_node.value):
                what = f'"{tag_node.value}"' if is_text(tag_node) else describe(tag_node)
                choice.report(tag_node, f"tags: {what} is not a tag: use lowercase letters, digits and -")
            else:
                tags.append(tag_node.value)
                self.tags.add(tag_node.value)
        return ProfileChoice(
            id=_refused_as(_identifier(choice, "id"), ""),
            text=_refused_as(choice.text("text"), ""),
            tags=tuple(dict.fromkeys(tags)),
        )

    def tag_list(self, fields: Fields, key: str) -> tuple[str, ...]:
        """An `applies_when` or `foundation_when`: at least one tag, each given by some profile choice."""
        if not self.format2(fields, key):
            return ()
        node = fields.node_of(key)
        items = fields.sequence(key, allow_empty=True)
        if isinstance(node, SequenceNode) and not items:
            fields.report(node, f"{key} is empty: list at least one tag, or leave the key out")
        tags = []
        for tag_node in items:
            if not is_text(tag_node) or not TAG_PATTERN.fullmatch(tag_node.value):
                fields.report(tag_node, f"{key} must list tags (a-z, 0-9 and -), got {describe(tag_node)}")
            elif tag_node.value not in self.tags:
                hint = did_you_mean(tag_node.value, self.tags)
                fields.report(tag_node, f'{key} names tag "{tag_node.value}" that no profile choice gives{hint}')
            else:
                tags.append(tag_node.value)
        return tuple(dict.fromkeys(tags))

    def owner(self, question: Fields) -> str:
        if not self.format2(question, "owner"):
            return OWNER_TEAM
        owner, node = question.text("owner"), question.node_of("owner")
        if owner is not None and owner not in OWNERS and node is not None:
            question.report(node, f'owner must be team or agency, got "{owner}"')
            return OWNER_TEAM
        return _refused_as(owner, OWNER_TEAM)

    def phase_budget(self, top: Fields) -> PhaseBudget:
        if not self.format2(top, "phase_budget"):
            return PhaseBudget()
        node = top.node_of("phase_budget")
        budget = self.fields(node, "phase_budget", PHASE_BUDGET_KEYS) if node is not None else None
        sizes_node = top.node_of("phase_sizes")
        values: dict[str, int] = {}
        for key in PHASE_BUDGET_KEYS.optional:
            if budget is None:
                break
            value, key_node = budget.integer(key), budget.node_of(key)
            if value is None or key_node is None:
                continue
            size_key = _key_node(sizes_node, key) if sizes_node is not None else None
            if value < 1:
                budget.report(key_node, f"{key} must be a positive whole number (effort points), got {value}")
            elif size_key is not None:
                budget.report(
                    key_node,
                    f"{key} is also given in phase_sizes (line {line_of(size_key)}): "
                    "size a phase by steps or by effort points, not both",
                )
            else:
                values[key] = value
        return PhaseBudget(**values)

    def phase_sizes(self, node: Node | None) -> PhaseSizes:
        if node is None:
            return PhaseSizes()
        sizes = self.fields(node, "phase_sizes", PHASE_SIZES_KEYS)
        values: dict[str, int] = {}
        for key in PHASE_SIZES_KEYS.optional:
            value = sizes.integer(key)
            key_node = sizes.node_of(key)
            if value is not None and value < 1 and key_node is not None:
                sizes.report(key_node, f"{key} must be a positive integer (steps in that phase), got {value}")
                value = None
            if value is not None:
                values[key] = value
        return PhaseSizes(**values)

    def version(self, top: Fields) -> str | None:
        node = top.node_of("version")
        if isinstance(node, ScalarNode) and not is_text(node) and node.value:
            self.report(node, f'version must be text: quote it, as in version: "{node.value}"')
            return None
        return top.text("version")

    def source(self, node: Node | None) -> Source | None:
        if node is None:
            return None
        source = self.fields(node, "source", SOURCE_KEYS)
        return Source(
            title=_refused_as(source.text("title"), ""),
            publisher=_refused_as(source.text("publisher", ""), ""),
            url=_refused_as(_url(source, "url", ""), ""),
        )

    def scale(self, top: Fields) -> tuple[ScaleLevel, ...]:
        nodes = top.sequence("scale", allow_empty=True)
        read = [self.scale_level(node, number) for number, node in enumerate(nodes, 1)]
        scale = tuple(level for level, _, _ in read)
        scale_node = top.node_of("scale")
        if not isinstance(scale_node, SequenceNode):
            return scale
        if len(nodes) < 2:
            self.report(scale_node, f"scale needs at least two levels, got {len(nodes)}")
            return scale
        given = [level for _, level, _ in read]
        levels = [level for level in given if level is not None]
        if len(levels) < len(given):
            return scale
        for number in range(1, len(levels)):
            level, previous = levels[number], levels[number - 1]
            if level != previous + 1:
                # One report: after the first break, later levels cannot be judged.
                problem = (
                    "appears twice"
                    if level in levels[:number]
                    else (f"follows level {previous}; levels must be consecutive integers, lowest first")
                )
                self.report(_value_of(nodes[number], "level"), f"scale: level {level} {problem}")
                break
        else:
            self.levels = levels
        level_of_name: dict[str, int] = {}
        for at, name, node in zip(levels, (name for _, _, name in read), nodes, strict=True):
            if name is not None and name in level_of_name:
                levels_named = f"{level_of_name[name]} and {at}"
                self.report(_value_of(node, "name"), f'scale: name "{name}" is used by levels {levels_named}')
            elif name is not None:
                level_of_name[name] = at
        return scale

    def scale_level(self, node: Node, number: int) -> tuple[ScaleLevel, int | None, str | None]:
        """The level, and its level and name as given (None when refused)."""
        fields = self.fields(node, f"scale level {number}", SCALE_LEVEL_KEYS)
        level, name = fields.integer("level"), fields.text("name")
        description = _refused_as(fields.text("description", ""), "")
        return ScaleLevel(level=_refused_as(level, 0), name=_refused_as(name, ""), description=description), level, name

    def default_target(self, top: Fields) -> int | None:
        node = top.node_of("default_target")
        target = top.integer("default_target")
        if self.levels is None:
            return target
        if node is None:
            return self.levels[-1]
        if target is not None and target not in self.levels:
            self.report(node, f"default_target {target} is not on the scale ({self.scale_range()})")
        return target

    def practice(self, node: Node, number: int) -> Practice:
        practice = self.fields(node, _label(node, "practice", f"practice {number}"), PRACTICE_KEYS)
        practice_key = self.unique_id(practice, "practice")
        effort = practice.text("effort")
        effort_node = practice.node_of("effort")
        if effort is not None and effort not in EFFORT_POINTS and effort_node is not None:
            practice.report(effort_node, f'effort must be low, medium or high, got "{effort}"')
        requires = _identifiers(practice, "requires")
        if practice_key is not None:
            self.requires[practice_key] = requires
        references = tuple(
            self.reference(reference, f"{practice.where}, reference {number}")
            for number, reference in enumerate(practice.sequence("references", allow_empty=True), 1)
        )
        return Practice(
            id=_refused_as(practice_key, ""),
            title=_refused_as(practice.text("title"), ""),
            summary=_refused_as(practice.text("summary"), ""),
            url=_refused_as(_url(practice, "url"), ""),
            effort=_refused_as(effort, ""),
            references=references,
            note=_refused_as(practice.text("note", ""), ""),
            requires=tuple(value for value, _ in requires),
        )

    def reference(self, node: Node, where: str) -> Reference:
        reference = self.fields(node, where, REFERENCE_KEYS)
        return Reference(title=_refused_as(reference.text("title"), ""), url=_refused_as(_url(reference, "url"), ""))

    def check_requires(self) -> None:
        """Refuse requires naming unknown practices, and any cycle among them."""
        graph: dict[str, list[tuple[str, Node | None]]] = {}
        for practice_key, requires in self.requires.items():
            where = f'practice "{practice_key}": requires'
            for required, node in requires:
                self.check_practice_known(required, node, where)
            graph[practice_key] = [(required, node) for required, node in requires if required in self.requires]
        for path, cycle_node in _cycles(graph):
            self.report(cycle_node, f'practice "{path[-2]}": requires forms a cycle: {" -> ".join(path)}')

    def check_practice_known(self, practice_key: str, node: Node, where: str) -> None:
        known = self.first_lines["practice"]
        if practice_key not in known:
            hint = did_you_mean(practice_key, known)
            self.report(node, f'{where} names unknown practice "{practice_key}"{hint}')

    def area(self, node: Node, number: int) -> Area:
        area = self.fields(node, _label(node, "area", f"area {number}"), AREA_KEYS)
        area_key = self.unique_id(area, "area")
        applies_when = self.tag_list(area, "applies_when")
        questions = tuple(
            self.question(question, _label(question, "question", f"question {number} of {area.where}"))
            for number, question in enumerate(area.sequence("questions"), 1)
        )
        return Area(
            id=_refused_as(area_key, ""),
            title=_refused_as(area.text("title"), ""),
            questions=questions,
            summary=_refused_as(area.text("summary", ""), ""),
            weight=_refused_as(_weight(area), 1.0),
            applies_when=applies_when,
        )

    def question(self, node: Node, where: str) -> Question:
        question = self.fields(node, where, QUESTION_KEYS)
        question_key = self.unique_id(question, "question")
        choice_nodes = question.sequence("choices")
        read = [self.choice(choice, f"{where}, choice {number}") for number, choice in enumerate(choice_nodes, 1)]
        choices = tuple(choice.choice for choice in read)
        choices_node = question.node_of("choices")
        if len(choices) == 1 and choices_node is not None:
            question.report(choices_node, "needs at least two choices, got 1")
        self.check_choice_levels(question, read, choice_nodes)
        practices = _identifiers(question, "practices")
        for practice_key, practice_node in practices:
            self.check_practice_known(practice_key, practice_node, f"{where}: practices")
        if question_key is not None and question_key not in self.choice_levels:
            self.choice_levels[question_key] = sorted({c.level for c in read if c.level is not None})
        self.check_choice_roadmap_keys(question_key, where, read, choice_nodes)
        return Question(
            id=_refused_as(question_key, ""),
            text=_refused_as(question.text("text"), ""),
            choices=choices,
            help=_refused_as(question.text("help", ""), ""),
            weight=_refused_as(_weight(question), 1.0),
            not_applicable=_refused_as(question.boolean("not_applicable", False), False),
            practices=tuple(value for value, _ in practices),
            foundation=_refused_as(question.boolean("foundation", False), False),
            applies_when=self.tag_list(question, "applies_when"),
            foundation_when=self.tag_list(question, "foundation_when"),
            owner=self.owner(question),
        )

    def choice(self, node: Node, where: str) -> _ChoiceRead:
        choice = self.fields(node, where, CHOICE_KEYS)
        practices = None
        if choice.node_of("practices") is not None:
            listed = _identifiers(choice, "practices")
            for practice_key, practice_node in listed:
                self.check_practice_known(practice_key, practice_node, f"{where}: practices")
            practices = tuple(value for value, _ in listed)
        needs = tuple(
            self.need(need, f"{where}, need {number}") for number, need in enumerate(choice.sequence("needs"), 1)
        )
        level = choice.integer("level")
        built = Choice(
            level=_refused_as(level, 0),
            text=_refused_as(choice.text("text"), ""),
            practices=practices,
            stage=choice.integer("stage"),
            needs=tuple(need for need, _ in needs if need is not None),
        )
        return _ChoiceRead(built, level, needs)

    def need(self, node: Node, where: str) -> tuple[Need | None, Node]:
        need = self.fields(node, where, NEED_KEYS)
        question_key, level = _identifier(need, "question"), need.integer("level")
        if question_key is None or level is None:
            return None, node
        return Need(question_key=question_key, level=level), node

    def check_choice_roadmap_keys(
        self, question_key: str | None, where: str, choices: list[_ChoiceRead], nodes: list[Node]
    ) -> None:
        """The lowest choice takes no roadmap keys; `stage` lies in lo < stage <= level; needs wait for the end."""
        levels = [read.level for read in choices if read.level is not None]
        lowest = min(levels) if levels else None
        for number, (read, node) in enumerate(zip(choices, nodes, strict=True), 1):
            choice, needs = read.choice, read.needs
            if read.level is None:
                continue
            label = f"{where}, choice {number} (level {choice.level})"
            if choice.level == lowest:
                for key in CHOICE_ROADMAP_KEYS:
                    key_node = _key_node(node, key)
                    if key_node is not None:
                        self.report(
                            key_node,
                            f"{label}: {key} is not allowed on the lowest choice of a question "
                            "(there is no step to it)",
                        )
                continue
            if (
                choice.stage is not None
                and self.levels is not None
                and not self.levels[0] < choice.stage <= choice.level
            ):
                self.report(
                    _value_of(node, "stage"),
                    f"{label}: stage {choice.stage} must be above the lowest level {self.levels[0]} "
                    f"and at most the choice's level {choice.level}",
                )
            if question_key is not None:
                for need, need_node in needs:
                    if need is not None:
                        self.needs.append(_PendingNeed(question_key, choice.level, need, need_node, label))

    def check_needs(self) -> None:
        """Needs name another question and one of its choice levels, and form no cycle.

        Each choice also needs the question's choice just below it, so a cycle
        may run through several levels of one question.
        """
        graph: dict[tuple[str, int], list[tuple[tuple[str, int], Node | None]]] = {}
        for question_key, levels in self.choice_levels.items():
            for below, level in pairwise(levels):
                graph.setdefault((question_key, level), []).append(((question_key, below), None))
        for pending in self.needs:
            need, node = pending.need, _value_of(pending.node, "question")
            if need.question_key == pending.question_key:
                self.report(node, f'{pending.where}: needs names the question itself ("{need.question_key}")')
            elif need.question_key not in self.choice_levels:
                hint = did_you_mean(need.question_key, self.choice_levels)
                self.report(node, f'{pending.where}: needs names unknown question "{need.question_key}"{hint}')
            elif need.level not in self.choice_levels[need.question_key]:
                its_levels = ", ".join(str(level) for level in self.choice_levels[need.question_key])
                self.report(
                    _value_of(pending.node, "level"),
                    f'{pending.where}: needs level {need.level} of question "{need.question_key}", '
                    f"which has no choice at that level (its levels: {its_levels})",
                )
            else:
                graph.setdefault((pending.question_key, pending.level), []).append(
                    ((need.question_key, need.level), pending.node)
                )
        edge_nodes = {(pair, needed): node for pair, edges in graph.items() for needed, node in edges if node}
        for path, _node in _cycles(graph):
            # Report at the first `needs` entry on the cycle (the step below is implied).
            (question_key, level), needed = next(
                (pair, needed) for pair, needed in pairwise(path) if (pair, needed) in edge_nodes
            )
            where = " -> ".join(f"{key} level {at}" for key, at in path)
            self.report(
                edge_nodes[(question_key, level), needed],
                f'question "{question_key}", choice level {level}: needs form a cycle: {where}',
            )

    def check_choice_levels(self, question: Fields, choices: list[_ChoiceRead], nodes: list[Node]) -> None:
        seen: set[int] = set()
        for read, node in zip(choices, nodes, strict=True):
            level = read.level
            if level is None:
                continue
            if level in seen:
                question.report(_value_of(node, "level"), f"choice level {level} is used twice")
            elif self.levels is not None and level not in self.levels:
                question.report(
                    _value_of(node, "level"), f"choice level {level} is not on the scale ({self.scale_range()})"
                )
            seen.add(level)

    def unique_id(self, fields: Fields, kind: str) -> str | None:
        """The `id` of a practice, area or question, refused when already used."""
        value = _identifier(fields, "id")
        if value is None:
            return None
        node, first_lines = fields.node_of("id"), self.first_lines[kind]
        if node is None:  # _identifier found a value, so the key is there
            return value
        profile_lines = self.first_lines["profile"]
        if value in first_lines:
            scope = "in the file" if kind == "question" else f"among {kind}s"
            self.report(node, f'{kind} id "{value}" is used twice {scope} (first on line {first_lines[value]})')
        elif kind == "question" and value in profile_lines:
            self.report(node, f'question id "{value}" is also a profile question\'s id (line {profile_lines[value]})')
        else:
            first_lines[value] = line_of(node)
        return value

    def scale_range(self) -> str:
        """The scale as "1-5"; only called once the scale was read (self.levels set)."""
        levels = self.levels or [0]
        return f"{levels[0]}-{levels[-1]}"


@dataclass(frozen=True)
class _PendingNeed:
    """A `needs` entry, kept until every question id and choice level is known."""

    question_key: str  # the question whose choice has the need
    level: int  # that choice's level
    need: Need
    node: Node
    where: str


def _key_node(node: Node, key: str) -> Node | None:
    """The key node of `key` in a mapping node, if present: where a key that is not allowed is reported."""
    if isinstance(node, MappingNode):
        for key_node, _value in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node
    return None


def _identifier(fields: Fields, key: str) -> str | None:
    value, node = fields.text(key), fields.node_of(key)
    if value is not None and node is not None and not ID_PATTERN.fullmatch(node.value):
        fields.report(node, f'{key} "{node.value}" may only use a-z, 0-9 and -')
        return None
    return value


def _identifiers(fields: Fields, key: str) -> list[tuple[str, Node]]:
    """The ids listed under `key`, each with its node; a repeated id is refused."""
    found: dict[str, Node] = {}
    for node in fields.sequence(key, allow_empty=True):
        if not is_text(node) or not ID_PATTERN.fullmatch(node.value):
            fields.report(node, f"{key} must list ids (a-z, 0-9 and -), got {describe(node)}")
        elif node.value in found:
            fields.report(node, f'{key} lists "{node.value}" twice')
        else:
            found[node.value] = node
    return list(found.items())


def _url(fields: Fields, key: str, default: str | None = None) -> str | None:
    value, node = fields.text(key, default), fields.node_of(key)
    if value and node is not None and not _is_web_url(value):
        fields.report(node, f'{key} must be an absolute http(s) URL, got "{value}"')
        return None
    return value


def _is_web_url(value: str) -> bool:
    if re.search(r"\s", value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def _weight(fields: Fields) -> int | float | None:
    weight = fields.number("weight", 1)
    node = fields.node_of("weight")
    if weight is not None and node is not None and not (math.isfinite(weight) and weight > 0):
        fields.report(node, f"weight must be a positive finite number, got {node.value}")
        return None
    return weight


def _label(node: Node, kind: str, fallback: str) -> str:
    """How messages name an item: `question "streaming-data"`, else by position."""
    id_node = _value_of(node, "id")
    if is_text(id_node) and id_node.value.strip():
        return f'{kind} "{id_node.value.strip()}"'
    return fallback


def _value_of(node: Node, key: str) -> Node:
    """The value node of `key` in a mapping node, else the node itself (to locate problems)."""
    if isinstance(node, MappingNode):
        pairs: list[tuple[Node, Node]] = node.value
        for key_node, value_node in pairs:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return value_node
    return node


def _cycles(graph: dict[K, list[tuple[K, Node | None]]]) -> Iterator[tuple[list[K], Node | None]]:
    """Yield (path, node) for each cycle, e.g. (["a", "b", "a"], node of b's "a")."""
    active, done = "active", "done"
    state: dict[K, str] = {}
    for start in graph:
        if start in state:
            continue
        path, pending = [start], [iter(graph.get(start, ()))]
        state[start] = active
        while pending:
            for required, node in pending[-1]:
                if state.get(required) == active:
                    yield [*path[path.index(required) :], required], node
                elif required not in state:
                    state[required] = active
                    path.append(required)
                    pending.append(iter(graph.get(required, ())))
                    break
            else:  # every requirement of path[-1] explored
                state[path.pop()] = done
                pending.pop()


# --- Writing ----------------------------------------------------------------


def questionnaire_to_dict(q: Questionnaire) -> dict[str, Any]:
    """The questionnaire as plain data in the file format, defaults left out."""
    return _compact(
        {
            "format": q.format,
            "slug": q.slug,
            "version": q.version,
            "title": q.title,
            "summary": q.summary,
            "source": q.source
            and _compact({"title": q.source.title, "publisher": q.source.publisher, "url": q.source.url}),
            "scale": [_compact({"level": s.level, "name": s.name, "description": s.description}) for s in q.scale],
            "default_target": None if q.default_target == q.hi else q.default_target,
            "phase_sizes": _phase_sizes_to_dict(q.phase_sizes) or None,
            "phase_budget": _compact({"now": q.phase_budget.now, "next": q.phase_budget.next}) or None,
            "profile": [_profile_question_to_dict(question) for question in q.profile],
            "practices": [_practice_to_dict(practice) for practice in q.practices],
            "areas": [_area_to_dict(area) for area in q.areas],
        }
    )


def _phase_sizes_to_dict(sizes: PhaseSizes) -> dict[str, Any]:
    """The sizes that differ from the defaults."""
    default = PhaseSizes()
    return {key: getattr(sizes, key) for key in ("now", "next") if getattr(sizes, key) != getattr(default, key)}


def _profile_question_to_dict(question: ProfileQuestion) -> dict[str, Any]:
    return _compact(
        {
            "id": question.id,
            "text": question.text,
            "help": question.help,
            "choices": [_compact({"id": c.id, "text": c.text, "tags": list(c.tags)}) for c in question.choices],
        }
    )


def _practice_to_dict(practice: Practice) -> dict[str, Any]:
    return _compact(
        {
            "id": practice.id,
            "title": practice.title,
            "summary": practice.summary,
            "url": practice.url,
            "references": [{"title": r.title, "url": r.url} for r in practice.references],
            "note": practice.note,
            "effort": practice.effort,
            "requires": list(practice.requires),
        }
    )


def _area_to_dict(area: Area) -> dict[str, Any]:
    return _compact(
        {
            "id": area.id,
            "title": area.title,
            "weight": None if area.weight == 1 else area.weight,
            "summary": area.summary,
            "applies_when": list(area.applies_when),
            "questions": [_question_to_dict(question) for question in area.questions],
        }
    )


def _question_to_dict(question: Question) -> dict[str, Any]:
    return _compact(
        {
            "id": question.id,
            "text": question.text,
            "help": question.help,
            "weight": None if question.weight == 1 else question.weight,
            "not_applicable": question.not_applicable or None,
            "foundation": question.foundation or None,
            "applies_when": list(question.applies_when),
            "foundation_when": list(question.foundation_when),
            "owner": None if question.owner == OWNER_TEAM else question.owner,
            "choices": [_choice_to_dict(choice) for choice in question.choices],
            "practices": list(question.practices),
        }
    )


def _choice_to_dict(choice: Choice) -> dict[str, Any]:
    data: dict[str, Any] = {"level": choice.level, "text": choice.text}
    if choice.practices is not None:
        data["practices"] = list(choice.practices)  # kept even when empty: [] means "none"
    if choice.stage is not None:
        data["stage"] = choice.stage
    if choice.needs:
        data["needs"] = [{"question": need.question_key, "level": need.level} for need in choice.needs]
    return data


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """`data` without its optional keys left at their default (None, "" or [])."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def questionnaire_to_yaml(q: Questionnaire) -> str:
    """A readable file for `q` that parse_questionnaire reads back equal to `q`."""
    data = questionnaire_to_dict(q)
    data["version"] = _Quoted(data["version"])
    data["scale"] = [_one_line_if_short(level) for level in data["scale"]]
    for practice in data.get("practices", []):
        if "requires" in practice:
            practice["requires"] = _OneLine(practice["requires"])
    for profile_question in data.get("profile", []):
        for choice in profile_question["choices"]:
            if "tags" in choice:
                choice["tags"] = _OneLine(choice["tags"])
    for area in data["areas"]:
        _tag_lists_on_one_line(area)
        for question in area["questions"]:
            _tag_lists_on_one_line(question)
            question["choices"] = [_readable_choice(choice) for choice in question["choices"]]
            if "practices" in question:
                question["practices"] = _OneLine(question["practices"])
    return yaml.dump(data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=80)


def _tag_lists_on_one_line(item: dict[str, Any]) -> None:
    for key in ("applies_when", "foundation_when"):
        if key in item:
            item[key] = _OneLine(item[key])


class _Quoted(str):
    """Text always written in double quotes (the version, so "2026.1" stays text)."""


class _OneLine(list[Any]):
    """A list written on one line: [a, b]."""


class _OneLineMapping(dict[str, Any]):
    """A mapping written on one line: {level: 1, text: ...}."""


def _readable_choice(choice: dict[str, Any]) -> dict[str, Any]:
    if "practices" in choice:
        choice["practices"] = _OneLine(choice["practices"])
    if "needs" in choice:
        choice["needs"] = [_OneLineMapping(need) for need in choice["needs"]]
    return _one_line_if_short(choice) if set(choice) == {"level", "text"} else choice


def _one_line_if_short(mapping: dict[str, Any]) -> dict[str, Any]:
    short = sum(len(str(value)) + len(key) + 4 for key, value in mapping.items()) <= 72
    return _OneLineMapping(mapping) if short else mapping


class _ReadableDumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent lists under their key, as people write them.
        return super().increase_indent(flow, False)


# Characters written as they are in plain, quoted and block text. Text with any
# other (control characters, and \x85 or \u2028 that YAML reads as line breaks)
# is written in double quotes, where the dumper escapes them.
_NOT_AS_IS = re.compile(r"[^\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010fffd]")


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = None
    if _NOT_AS_IS.search(value):
        style = '"'
    elif "\n" in value:
        style = "|"
    elif len(value) > 72 and " " in value:
        style = ">"
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _represent_text)
_ReadableDumper.add_representer(
    _Quoted, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
)
_ReadableDumper.add_representer(
    _OneLine, lambda dumper, value: dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)
)
_ReadableDumper.add_representer(
    _OneLineMapping, lambda dumper, value: dumper.represent_mapping("tag:yaml.org,2002:map", value, flow_style=True)
)
