"""Safe reading of one YAML document into nodes that keep their line numbers.

The questionnaire loader validates nodes rather than constructed Python values
so that every problem can point at the exact line of the offending node. This
module makes sure the document is safe and well formed (bounded size, UTF-8,
one document, plain YAML tags, bounded alias expansion), and reads typed
values out of mapping nodes; the questionnaire's own rules are in schema.py.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 1024 * 1024
MAX_ALIASES = 50
# Only checked when aliases are used: without them, MAX_BYTES bounds the size.
MAX_EXPANDED_NODES = 100_000
# libyaml stops at 1000 levels; the pure-Python scanner slows down
# quadratically with [ { nesting, so it gets a bound of its own.
MAX_FLOW_DEPTH = 200
# Far above any level, budget or size; below Python's 4300 digits, past which int() raises.
MAX_NUMBER_LENGTH = 100

_STANDARD = "tag:yaml.org,2002:"
# What the safe resolver gives untagged values, plus the same tags written out.
_ALLOWED_TAGS = {_STANDARD + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}
_MERGE_TAG = _STANDARD + "merge"
TEXT, INT, FLOAT, BOOL = (_STANDARD + name for name in ("str", "int", "float", "bool"))

_KINDS = {
    "str": "text",
    "int": "an integer",
    "float": "a number",
    "bool": "true/false",
    "null": "nothing",
    "timestamp": "a date",
    "seq": "a list",
    "map": "a mapping",
}

_constructor = SafeConstructor()


class _BoundedSafeLoader(yaml.SafeLoader):
    """The pure-Python safe loader, with a bound on [ { nesting."""

    def fetch_flow_collection_start(self, TokenClass: type[yaml.Token]) -> None:
        if self.flow_level >= MAX_FLOW_DEPTH:
            raise yaml.scanner.ScannerError(None, None, "exceeded maximum nesting depth", self.get_mark())
        super().fetch_flow_collection_start(TokenClass)


# libyaml's loader when PyYAML was built with it: several times faster on big files.
Loader = getattr(yaml, "CSafeLoader", _BoundedSafeLoader)


class UnreadableYaml(Exception):
    """The data is not a safe, single YAML document; carries (line, message) pairs."""

    def __init__(self, problems: list[tuple[int, str]]):
        super().__init__("\n".join(f"{line}: {message}" for line, message in problems))
        self.problems = problems


def line_of(node: Node) -> int:
    return node.start_mark.line + 1


def kind_of(node: Node) -> str:
    """How a message names what the author wrote: "text", "a list", ..."""
    return _KINDS.get(node.tag.removeprefix(_STANDARD), "a tagged value")


def scalar_value(node: ScalarNode) -> Any:
    """The Python value of a scalar node with one of the allowed tags."""
    # Calls the constructor for the tag directly: construct_object would
    # keep every node it has seen.
    return _constructor.yaml_constructors[node.tag](_constructor, node)


def is_text(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == TEXT


def describe(node: Node) -> str:
    """What the author wrote, for a message: `an integer (7)`, `a list`."""
    if isinstance(node, ScalarNode) and node.value:
        value = node.value if len(node.value) <= 40 else node.value[:39] + "…"
        return f"{kind_of(node)} ({value})"
    return kind_of(node)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, sorted(candidates), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def load_document(data: str | bytes) -> Node | None:
    """The root node of the only document in `data` (None when it is empty).

    Raises UnreadableYaml when the data is too large, not UTF-8, not valid
    YAML, holds several documents, uses non-standard tags or too many aliases.
    """
    size = len(data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data)
    if size > MAX_BYTES:
        raise UnreadableYaml([(1, f"file is larger than 1 MiB ({size} bytes)")])
    text = _decode(data) if isinstance(data, bytes) else data
    try:
        aliases = _scan_events(text)
        root = _compose(text)
        if root is not None:
            _check_nodes(root, uses_aliases=aliases > 0)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise UnreadableYaml([(line, f"YAML syntax error: {error.problem}")]) from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, text.find(chr(error.character))) + 1
        raise UnreadableYaml([(line, f"character U+{error.character:04X} is not allowed in YAML")]) from None
    except RecursionError:  # composing and checking nodes recurse once per level
        raise UnreadableYaml([(1, "the document is nested too deeply")]) from None
    return root


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start]
        raise UnreadableYaml([(line, f"file is not valid UTF-8 (byte 0x{byte:02x})")]) from None


def _scan_events(text: str) -> int:
    """Refuse a second document and too many aliases (*name); return the alias count."""
    aliases = documents = 0
    for event in yaml.parse(text, Loader=Loader):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise UnreadableYaml([(line, "more than one YAML document (a second '---' starts here)")])
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_ALIASES:
                raise UnreadableYaml([(line, f"more than {MAX_ALIASES} aliases (*name) in one file")])
    return aliases


def _compose(text: str) -> Node | None:
    loader = Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _check_nodes(root: Node, *, uses_aliases: bool) -> None:
    """Refuse non-standard tags, and aliases that loop or expand too far."""
    problems: list[tuple[int, str]] = []
    too_big_reported = False
    expanded_size: dict[int, int] = {}  # id(node) -> nodes once aliases are expanded
    in_progress: set[int] = set()

    def visit(node: Node) -> int:
        nonlocal too_big_reported
        if id(node) in expanded_size:
            return expanded_size[id(node)]
        if id(node) in in_progress:
            problems.append((line_of(node), "an alias refers to a node that contains it"))
            return 0
        in_progress.add(id(node))
        if node.tag not in _ALLOWED_TAGS and node.tag != _MERGE_TAG:
            tag = node.tag.replace(_STANDARD, "!!", 1)
            problems.append((line_of(node), f"tag {tag} is not allowed: use plain YAML values"))
        elif node.tag in (INT, FLOAT) and len(node.value) > MAX_NUMBER_LENGTH:
            problems.append((line_of(node), f"a number of {len(node.value)} characters: at most {MAX_NUMBER_LENGTH}"))
        size = 1
        if isinstance(node, SequenceNode):
            size += sum(visit(item) for item in node.value)
        elif isinstance(node, MappingNode):
            size += sum(visit(key) + visit(value) for key, value in node.value)
        in_progress.discard(id(node))
        expanded_size[id(node)] = size
        if uses_aliases and size > MAX_EXPANDED_NODES and not too_big_reported:
            # The first (innermost) value to pass the limit is where the problem is.
            too_big_reported = True
            problems.append((line_of(node), f"aliases expand this value beyond {MAX_EXPANDED_NODES} values"))
        return size

    visit(root)
    if problems:
        raise UnreadableYaml(problems)


# --- Typed reading of mappings ----------------------------------------------

Report = Callable[[Node, str], None]


@dataclass(frozen=True)
class Keys:
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


class Fields:
    """The values of one mapping node, its keys checked against `keys`.

    Problems go to `report` prefixed with `where` (e.g. `question "q1"`).
    Getters return None for a missing required key or a value of the wrong
    type (the problem is already reported), and `default` for a missing
    optional key.
    """

    def __init__(self, node: Node, where: str, keys: Keys, report: Report):
        self.where = where
        self._report = report
        self.values: dict[str, Node] = {}
        self.key_nodes: dict[str, Node] = {}
        if not isinstance(node, MappingNode):
            self.report(node, f"must be a mapping, got {describe(node)}")
            return
        known = keys.required + keys.optional
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                self.report(key_node, "merge keys (<<) are not supported: write the keys out")
            elif not is_text(key_node):
                self.report(key_node, f"keys must be text, got {describe(key_node)}")
            elif key_node.value in self.values:
                self.report(key_node, f'key "{key_node.value}" appears twice')
            elif key_node.value not in known:
                self.report(key_node, f'unknown key "{key_node.value}"{did_you_mean(key_node.value, known)}')
            else:
                self.values[key_node.value] = value_node
                self.key_nodes[key_node.value] = key_node
        missing = [f'"{key}"' for key in keys.required if key not in self.values]
        if missing:
            self.report(node, f"missing required key{'s' if len(missing) > 1 else ''} {', '.join(missing)}")

    def report(self, node: Node, message: str) -> None:
        self._report(node, f"{self.where}: {message}" if self.where else message)

    def node_of(self, key: str) -> Node | None:
        return self.values.get(key)

    def text(self, key: str, default: str | None = None) -> str | None:
        """Stripped text; empty or whitespace-only text is refused."""
        node = self.values.get(key)
        if node is None:
            return default
        if not is_text(node):
            self.wrong_type(key, node, "text")
            return None
        text: str = node.value
        if not text.strip():
            self.report(node, f"{key} is empty")
            return None
        return text.strip()

    # The tags checked in _scalar fix the Python type of each value.

    def integer(self, key: str, default: int | None = None) -> int | None:
        value: int | None = self._scalar(key, default, {INT}, "an integer")
        return value

    def number(self, key: str, default: float | None = None) -> float | None:
        value: float | None = self._scalar(key, default, {INT, FLOAT}, "a number")
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool | None:
        value: bool | None = self._scalar(key, default, {BOOL}, "true or false")
        return value

    def sequence(self, key: str, allow_empty: bool = False) -> list[Node]:
        """The item nodes of a list; [] when missing or refused."""
        node = self.values.get(key)
        if node is None:
            return []
        if not isinstance(node, SequenceNode):
            self.wrong_type(key, node, "a list")
            return []
        items: list[Node] = node.value
        if not items and not allow_empty:
            self.report(node, f"{key} is empty")
        return items

    def wrong_type(self, key: str, node: Node, expected: str) -> None:
        quote = expected == "text" and isinstance(node, ScalarNode) and node.value
        self.report(node, f"{key} must be {expected}, got {describe(node)}" + (" (put it in quotes)" if quote else ""))

    def _scalar(self, key: str, default: object, tags: set[str], expected: str) -> Any:
        node = self.values.get(key)
        if node is None:
            return default
        if node.tag not in tags or not isinstance(node, ScalarNode):
            self.wrong_type(key, node, expected)
            return None
        return scalar_value(node)
