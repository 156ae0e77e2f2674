"""Crosswalk files: reading them with every check of docs/questionnaire-format.md, section 7.

A crosswalk maps the questions of one questionnaire version, so reading it
needs that version: `parse_crosswalk` is given a lookup from (slug, version)
to the questionnaire. Each refusal is located `FILE:LINE:`, as the
questionnaire loader's are (schema.py), and uses the same typed reading of
nodes (yaml_nodes.py). `crosswalk_to_yaml` writes a file that reads back equal.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .crosswalk import RELATIONS, Crosswalk, CrosswalkMapping, Framework, FrameworkItem
from .model import Question, Questionnaire
from .schema import (
    TAG_PATTERN,
    Problem,
    QuestionnaireInvalid,
    _identifier,
    _label,
    _url,
)
from .yaml_nodes import Fields, Keys, UnreadableYaml, describe, did_you_mean, is_text, kind_of, line_of, load_document

CROSSWALK_KEYS = Keys(("questionnaire", "version", "revision", "frameworks", "maps"), ("note",))
FRAMEWORK_KEYS = Keys(("id", "title", "version", "url", "items"))
ITEM_KEYS = Keys(("id", "title"), ("url", "applies_when"))
MAPPING_KEYS = Keys(("framework", "item", "level", "relation"))

QuestionnaireLookup = Callable[[str, str], Questionnaire | None]


class CrosswalkInvalid(QuestionnaireInvalid):
    """A crosswalk file was refused; `problems` lists every reason, located."""


def parse_crosswalk(
    data: str | bytes, filename: str, questionnaire_of: QuestionnaireLookup
) -> tuple[Crosswalk, list[Problem]]:
    """The crosswalk in `data` and its warnings, or CrosswalkInvalid listing all its problems.

    `questionnaire_of(slug, version)` gives the questionnaire version the file
    names, None when no such version exists.
    """
    try:
        root = load_document(data)
    except UnreadableYaml as error:
        raise CrosswalkInvalid([Problem(filename, line, message) for line, message in error.problems]) from None
    reader = _CrosswalkReader(filename, questionnaire_of)
    crosswalk = reader.crosswalk(root)
    if reader.problems or crosswalk is None:
        raise CrosswalkInvalid(sorted(reader.problems, key=lambda problem: problem.line))
    return crosswalk, sorted(reader.warnings, key=lambda problem: problem.line)


class _CrosswalkReader:
    def __init__(self, filename: str, questionnaire_of: QuestionnaireLookup):
        self.filename = filename
        self.questionnaire_of = questionnaire_of
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.questions: dict[str, Question] | None = None  # None: the questionnaire is unknown
        self.tags: set[str] = set()
        self.items: dict[str, set[str]] = {}  # framework id -> its item ids
        self.framework_nodes: dict[str, Node] = {}

    def report(self, node: Node | None, message: str) -> None:
        self.problems.append(Problem(self.filename, line_of(node) if node is not None else 1, message))

    def fields(self, node: Node, where: str, keys: Keys) -> Fields:
        return Fields(node, where, keys, self.report)

    def crosswalk(self, root: Node | None) -> Crosswalk | None:
        if root is None:
            self.report(None, "the file is empty: expected questionnaire, version, revision, frameworks and maps")
            return None
        if not isinstance(root, MappingNode):
            self.report(root, f"the file must be a mapping of keys (questionnaire, version, ...), got {kind_of(root)}")
            return None
        top = self.fields(root, "", CROSSWALK_KEYS)
        slug = _identifier(top, "questionnaire")
        version = _quoted_text(top, "version")
        revision = _quoted_text(top, "revision")
        top.text("note", "")
        if slug is not None and version is not None:
            self.find_questionnaire(top, slug, version)
        frameworks = tuple(self.framework(node, number) for number, node in enumerate(top.sequence("frameworks"), 1))
        mappings = self.maps(top)
        for framework in frameworks:
            if framework.id and not any(mapping.framework == framework.id for mapping in mappings):
                node = self.framework_nodes.get(framework.id)
                line = line_of(node) if node is not None else 1
                self.warnings.append(
                    Problem(self.filename, line, f'framework "{framework.id}": no question maps to it')
                )
        return Crosswalk(
            questionnaire_slug=slug or "",
            questionnaire_version=version or "",
            revision=revision or "",
            frameworks=frameworks,
            mappings=mappings,
        )

    def find_questionnaire(self, top: Fields, slug: str, version: str) -> None:
        questionnaire = self.questionnaire_of(slug, version)
        if questionnaire is None:
            self.report(top.node_of("version"), f'questionnaire "{slug}" has no version "{version}" loaded')
            return
        self.questions = {question.id: question for _area, question in questionnaire.questions()}
        self.tags = {tag for question in questionnaire.profile for choice in question.choices for tag in choice.tags}

    def framework(self, node: Node, number: int) -> Framework:
        fields = self.fields(node, _label(node, "framework", f"framework {number}"), FRAMEWORK_KEYS)
        framework_key = _identifier(fields, "id")
        if framework_key is not None:
            if framework_key in self.framework_nodes:
                self.report(fields.node_of("id"), f'framework id "{framework_key}" is used twice')
            else:
                self.framework_nodes[framework_key] = node
        items: list[FrameworkItem] = []
        item_keys = self.items.setdefault(framework_key, set()) if framework_key is not None else set()
        for number_in, item_node in enumerate(fields.sequence("items"), 1):
            item = self.item(item_node, fields.where, number_in)
            if item is None:
                continue
            if item.id in {known.id for known in items}:
                self.report(item_node, f'{fields.where}: item id "{item.id}" is used twice')
            item_keys.add(item.id)
            items.append(item)
        return Framework(
            id=framework_key or "",
            title=fields.text("title") or "",
            version=_quoted_text(fields, "version") or "",
            url=_url(fields, "url") or "",
            items=tuple(items),
        )

    def item(self, node: Node, where: str, number: int) -> FrameworkItem | None:
        """The item, None without a usable id (a problem is recorded for every refusal)."""
        fields = self.fields(node, f"{where}, {_label(node, 'item', f'item {number}')}", ITEM_KEYS)
        item_key = _quoted_text(fields, "id")
        title = fields.text("title")
        url = _url(fields, "url", "")
        applies_when = self.tag_list(fields)
        if item_key is None:
            return None
        return FrameworkItem(id=item_key, title=title or "", url=url or "", applies_when=applies_when)

    def tag_list(self, fields: Fields) -> tuple[str, ...]:
        tags: list[str] = []
        node = fields.node_of("applies_when")
        items = fields.sequence("applies_when", allow_empty=True)
        if isinstance(node, SequenceNode) and not items:
            fields.report(node, "applies_when is empty: list at least one tag, or leave the key out")
        for tag_node in items:
            if not is_text(tag_node) or not TAG_PATTERN.fullmatch(tag_node.value):
                fields.report(tag_node, f"applies_when must list tags (a-z, 0-9 and -), got {describe(tag_node)}")
            elif self.questions is not None and tag_node.value not in self.tags:
                hint = did_you_mean(tag_node.value, self.tags)
                fields.report(
                    tag_node,
                    f'applies_when names tag "{tag_node.value}" that no profile choice of the questionnaire gives{hint}',
                )
            else:
                tags.append(tag_node.value)
        return tuple(dict.fromkeys(tags))

    def maps(self, top: Fields) -> tuple[CrosswalkMapping, ...]:
        node = top.node_of("maps")
        if node is None:
            return ()
        if not isinstance(node, MappingNode):
            top.wrong_type("maps", node, "a mapping of question ids to lists")
            return ()
        mappings: list[CrosswalkMapping] = []
        seen_questions: set[str] = set()
        for key_node, value_node in node.value:
            if not is_text(key_node):
                self.report(key_node, f"maps: keys must be question ids, got {describe(key_node)}")
                continue
            question_key = key_node.value
            if question_key in seen_questions:
                self.report(key_node, f'maps: question "{question_key}" appears twice')
                continue
            seen_questions.add(question_key)
            question = None
            if self.questions is not None:
                question = self.questions.get(question_key)
                if question is None:
                    hint = did_you_mean(question_key, self.questions)
                    self.report(key_node, f'maps: unknown question "{question_key}"{hint}')
                    continue
            if not isinstance(value_node, SequenceNode) or not value_node.value:
                self.report(
                    value_node,
                    f'maps, question "{question_key}": must be a list of mappings, got {describe(value_node)}',
                )
                continue
            entries: list[Node] = value_node.value
            seen_items: dict[tuple[str, str], int] = {}
            for entry in entries:
                mapping = self.mapping(entry, question_key, question)
                if mapping is None:
                    continue
                item_key = (mapping.framework, mapping.item)
                if item_key in seen_items:
                    self.report(
                        entry,
                        f'maps, question "{question_key}": item "{mapping.item}" of "{mapping.framework}" '
                        f"is mapped twice (first on line {seen_items[item_key]})",
                    )
                    continue
                seen_items[item_key] = line_of(entry)
                mappings.append(mapping)
        return tuple(mappings)

    def mapping(self, node: Node, question_key: str, question: Question | None) -> CrosswalkMapping | None:
        fields = self.fields(node, f'maps, question "{question_key}"', MAPPING_KEYS)
        framework_key = fields.text("framework")
        item_key = _quoted_text(fields, "item")
        level = fields.integer("level")
        relation = fields.text("relation")
        ok = None not in (framework_key, item_key, level, relation)
        if framework_key is not None and framework_key not in self.items:
            hint = did_you_mean(framework_key, self.items)
            fields.report(_at(fields, "framework", node), f'unknown framework "{framework_key}"{hint}')
            ok = False
        elif framework_key is not None and item_key is not None and item_key not in self.items[framework_key]:
            hint = did_you_mean(item_key, self.items[framework_key])
            fields.report(_at(fields, "item", node), f'unknown item "{item_key}" of framework "{framework_key}"{hint}')
            ok = False
        if relation is not None and relation not in RELATIONS:
            fields.report(
                _at(fields, "relation", node),
                f'unknown relation "{relation}": use {", ".join(RELATIONS[:-1])} or {RELATIONS[-1]}'
                f"{did_you_mean(relation, RELATIONS)}",
            )
            ok = False
        if level is not None and question is not None:
            levels = sorted(choice.level for choice in question.choices)
            if level not in levels:
                fields.report(
                    _at(fields, "level", node),
                    f"level {level} is not among the question's choice levels ({', '.join(map(str, levels))})",
                )
                ok = False
            elif level == levels[0]:
                fields.report(
                    _at(fields, "level", node),
                    f"level {level} is the question's lowest level, which every answer reaches: map a higher level",
                )
                ok = False
        if not ok:
            return None
        assert framework_key is not None and item_key is not None and level is not None and relation is not None
        return CrosswalkMapping(question_key, framework_key, item_key, level, relation)


def _at(fields: Fields, key: str, node: Node) -> Node:
    """Where a problem with `key` is reported: its value, else the mapping that lacks it."""
    return fields.node_of(key) or node


def _quoted_text(fields: Fields, key: str) -> str | None:
    """Text such as a version or an item id; a number written bare is refused with a hint to quote it."""
    node = fields.node_of(key)
    if isinstance(node, ScalarNode) and not is_text(node) and node.value:
        fields.report(node, f'{key} must be text: quote it, as in {key}: "{node.value}"')
        return None
    return fields.text(key)


# --- Writing back --------------------------------------------------------------


def crosswalk_to_dict(crosswalk: Crosswalk) -> dict[str, Any]:
    maps: dict[str, list[dict[str, Any]]] = {}
    for mapping in crosswalk.mappings:
        maps.setdefault(mapping.question_key, []).append(
            {"framework": mapping.framework, "item": mapping.item, "level": mapping.level, "relation": mapping.relation}
        )
    return {
        "questionnaire": crosswalk.questionnaire_slug,
        "version": crosswalk.questionnaire_version,
        "revision": crosswalk.revision,
        "frameworks": [
            {
                "id": framework.id,
                "title": framework.title,
                "version": framework.version,
                "url": framework.url,
                "items": [_item_to_dict(item) for item in framework.items],
            }
            for framework in crosswalk.frameworks
        ],
        "maps": maps,
    }


def _item_to_dict(item: FrameworkItem) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id, "title": item.title}
    if item.url:
        data["url"] = item.url
    if item.applies_when:
        data["applies_when"] = list(item.applies_when)
    return data


def crosswalk_from_dict(data: dict[str, Any]) -> Crosswalk:
    """The crosswalk `crosswalk_to_dict` wrote (content stored after the loader checked it)."""
    return Crosswalk(
        questionnaire_slug=data["questionnaire"],
        questionnaire_version=data["version"],
        revision=data["revision"],
        frameworks=tuple(
            Framework(
                id=framework["id"],
                title=framework["title"],
                version=framework["version"],
                url=framework["url"],
                items=tuple(
                    FrameworkItem(
                        id=item["id"],
                        title=item["title"],
                        url=item.get("url", ""),
                        applies_when=tuple(item.get("applies_when", ())),
                    )
                    for item in framework["items"]
                ),
            )
            for framework in data["frameworks"]
        ),
        mappings=tuple(
            CrosswalkMapping(question_key, entry["framework"], entry["item"], entry["level"], entry["relation"])
            for question_key, entries in data["maps"].items()
            for entry in entries
        ),
    )


def crosswalk_to_yaml(crosswalk: Crosswalk) -> str:
    return yaml.safe_dump(crosswalk_to_dict(crosswalk), sort_keys=False, allow_unicode=True, width=120)


__all__ = ["CrosswalkInvalid", "crosswalk_from_dict", "crosswalk_to_dict", "crosswalk_to_yaml", "parse_crosswalk"]
