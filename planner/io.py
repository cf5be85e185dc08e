"""The loading boundary: one policy for every YAML/JSON input, schema checks, atomic writes.

Every input file goes through :func:`read_structured`, which applies one policy whatever the
format: a size cap checked before reading, no implicit timestamps (a YAML date stays the string
it was written as; the loaders parse and range-check it), no duplicate keys, nesting at most
:data:`MAX_DEPTH` levels, integers of at most :data:`MAX_INT_DIGITS` digits, finite numbers only
(``.inf``, ``NaN`` and ``1e400`` are rejected) and at most :data:`MAX_NODES` values once aliases
are expanded. With ``schema=`` the document is then checked against a JSON Schema shipped in
``planner/schemas/``. Every rejection is one line from :func:`field_error`: file, field path,
value and what was expected.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from planner.exceptions import PlanError, PlannerError
from planner.limits import MAX_INPUT_BYTES

if TYPE_CHECKING:
    from planner.model import Plan

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_NODES",
    "SCHEMAS",
    "atomic_write",
    "atomic_write_text",
    "field_error",
    "format_path",
    "one_line",
    "parse_json_text",
    "parse_yaml_text",
    "read_plan",
    "read_structured",
    "read_text_bounded",
    "schema_text",
    "shown",
    "validate_schema",
    "write_all",
]

MAX_DEPTH = 64  # nesting levels of any input document (real ones use fewer than 10)
MAX_INT_DIGITS = 30  # digits of an integer literal (int64 has 19)
MAX_NODES = 1_000_000  # values in a document once YAML aliases are expanded
SCHEMAS = (
    "change-manifest",
    "deployment-calendar",
    "incidents",
    "plan",
    "risk-policy",
    "service-profile",
    "thresholds",
)
_SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"
_UNPRINTABLE = re.compile(r"[^\S ]|[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e]")


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line: line breaks and control characters escaped, long text shortened."""
    if not text.isprintable():
        text = _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1] if m.group() != "\t" else " ", text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def shown(value: Any, limit: int = 80) -> str:
    """``value`` as a message shows it: ``repr``, one line, at most ``limit`` characters."""
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return one_line(repr(value), limit)


def format_path(path: Iterable[str | int]) -> str:
    """``("files", 0, "change")`` -> ``files[0].change`` (keys shown on one line)."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            key = one_line(str(part), 60)
            out += f".{key}" if out else key
    return out


def field_error(
    error: type[PlannerError], source: str, path: Iterable[str | int], message: str
) -> PlannerError:
    """The one error formatter: ``source: field.path: message``, always one line."""
    where = format_path(path)
    return error(
        one_line(f"{source}: {where}: {message}" if where else f"{source}: {message}", 400)
    )


# ---------------------------------------------------------------------------------------------
# YAML


class _Depth(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader without implicit timestamps, with duplicate-key and depth checks."""

    yaml_implicit_resolvers = {  # noqa: RUF012 (PyYAML's own class attribute)
        first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Depth(self.peek_event().start_mark.line + 1)  # type: ignore[no-untyped-call]
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:  # "<<: *defaults" entries may be overridden
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    first = seen.get(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        None, None, "a key must be a plain value", key_node.start_mark
                    ) from None
                if first is not None:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"duplicate key {shown(key, 60)} (first on line {first})",
                        key_node.start_mark,
                    )
                seen[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)

    def construct_yaml_int(self, node: Any) -> int:
        digits = re.sub(r"[^0-9a-fA-F]", "", str(self.construct_scalar(node)))
        if len(digits) > MAX_INT_DIGITS:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number of {len(digits)} digits (at most {MAX_INT_DIGITS})",
                node.start_mark,
            )
        return int(super().construct_yaml_int(node))


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)


# An explicit !!timestamp tag also stays the text it was written as.
def _timestamp_text(loader: _Loader, node: Any) -> str:
    return str(loader.construct_scalar(node))


_Loader.add_constructor(_TIMESTAMP, _timestamp_text)


def parse_yaml_text(text: str, source: str, error: type[PlannerError] = PlannerError) -> Any:
    """Parse YAML ``text`` under the loading policy (see the module docstring).

    Raises:
        error: invalid YAML or a value the policy rejects; one line naming ``source``.
    """
    try:
        data = yaml.load(text, Loader=_Loader)
    except _Depth as exc:
        raise error(
            f"{source}:{exc.line}: nested deeper than {MAX_DEPTH} levels (expected a flat document)"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        context = getattr(exc, "context", None)
        detail = f"{problem} ({context})" if context and "duplicate" not in problem else problem
        raise error(one_line(f"{source}{line}: invalid YAML: {detail}", 400)) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # constructors of odd scalars
        raise error(one_line(f"{source}: invalid YAML value: {exc}", 400)) from None
    _check_values(data, source, error)
    return data


# ---------------------------------------------------------------------------------------------
# JSON


class _Rejected(Exception):
    def __init__(self, message: str) -> None:
        self.message = message


def _pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in items:
        if key in out:
            raise _Rejected(f"duplicate key {shown(key, 60)}")
        out[key] = value
    return out


def _json_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Rejected(f"a number of {len(text.lstrip('-'))} digits (at most {MAX_INT_DIGITS})")
    return int(text)


def _json_constant(name: str) -> NoReturn:
    raise _Rejected(f"{name} is not a number JSON allows (expected a finite number)")


def parse_json_text(text: str, source: str, error: type[PlannerError] = PlannerError) -> Any:
    """Parse JSON ``text`` under the loading policy (see the module docstring).

    Raises:
        error: invalid JSON or a value the policy rejects; one line naming ``source``.
    """
    try:
        data = json.loads(
            text, object_pairs_hook=_pairs, parse_int=_json_int, parse_constant=_json_constant
        )
    except json.JSONDecodeError as exc:
        raise error(f"{source}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except _Rejected as exc:
        raise error(one_line(f"{source}: invalid JSON: {exc.message}", 400)) from None
    except RecursionError:
        raise error(
            f"{source}: nested deeper than {MAX_DEPTH} levels (expected a flat document)"
        ) from None
    _check_values(data, source, error)
    return data


def _check_values(data: Any, source: str, error: type[PlannerError]) -> None:
    """Depth, size and finite numbers of a loaded document, in one iterative walk."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    nodes = 0
    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise error(
                f"{source}: more than {MAX_NODES:,} values (with YAML aliases expanded); "
                "expected a smaller document"
            )
        if len(path) >= MAX_DEPTH:  # the same count as the YAML composer: every node a level
            raise field_error(error, source, path[:3], f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(value, float) and not math.isfinite(value):
            raise field_error(error, source, path, f"{value!r} is not a finite number")
        if isinstance(value, Mapping):
            stack.extend((v, (*path, str(k))) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(value))


# ---------------------------------------------------------------------------------------------
# files


def read_text_bounded(path: str | Path, error: type[PlannerError] = PlannerError) -> str:
    """The UTF-8 text of ``path``, refused before reading when over the input size limit.

    Raises:
        error: unreadable, not UTF-8, or larger than :data:`planner.limits.MAX_INPUT_BYTES`.
    """
    p = Path(path)
    cap = MAX_INPUT_BYTES.value()
    try:
        with p.open("rb") as fh:
            raw = fh.read(cap + 1)
    except OSError as exc:
        raise error(f"{p}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > cap:
        raise error(f"{p}: {MAX_INPUT_BYTES.over('the file', p.stat().st_size)}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(
            f"{p}:{line}: byte 0x{raw[exc.start]:02x} is not UTF-8 (expected UTF-8 text)"
        ) from None


def read_structured(
    path: str | Path, error: type[PlannerError] = PlannerError, schema: str | None = None
) -> Any:
    """Read a YAML or JSON file (JSON by its ``.json`` suffix) under the loading policy.

    Args:
        path: the file.
        error: the exception type raised.
        schema: the name of a shipped schema (one of :data:`SCHEMAS`) to check it against.

    Raises:
        error: unreadable, invalid, rejected by the policy or the schema; one line.
    """
    p = Path(path)
    text = read_text_bounded(p, error)
    if p.suffix.lower() == ".json":
        data = parse_json_text(text, str(p), error)
    else:
        data = parse_yaml_text(text, str(p), error)
    if schema is not None:
        validate_schema(data, schema, str(p), error)
    return data


def read_plan(path: str | Path) -> Plan:
    """The plan in ``path`` (``devops-planner plan --format json``): the one plan reader.

    Raises:
        PlanError: the file cannot be read or parsed, or the plan is invalid; the message starts
            with ``path`` so the user knows which of their plan files is wrong.
    """
    from planner.model import SCHEMA_VERSION, Plan

    data = read_structured(path, PlanError)
    # Another version's plan is named as such, not by the first field it lacks.
    if isinstance(data, Mapping) and data.get("schema_version") == SCHEMA_VERSION:
        validate_schema(data, "plan", str(path), PlanError)
    try:
        return Plan.from_dict(data)
    except PlanError as exc:
        message = str(exc)
        prefix = str(path)
        raise PlanError(message if message.startswith(prefix) else f"{prefix}: {message}") from None


# ---------------------------------------------------------------------------------------------
# schemas


def schema_text(name: str) -> str:
    """The JSON text of the shipped schema ``name`` (one of :data:`SCHEMAS`)."""
    return (_SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8")


@cache
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (f"{n}.schema.json", Resource.from_contents(json.loads(schema_text(n)))) for n in SCHEMAS
    )
    return Draft202012Validator(json.loads(schema_text(name)), registry=registry)


def validate_schema(
    data: Any,
    name: str,
    source: str,
    error: type[PlannerError] = PlannerError,
    root: Sequence[str | int] = (),
) -> None:
    """Check ``data`` against the shipped schema ``name``; raise the first violation.

    ``root`` is the path of ``data`` inside its file (``("calendar",)`` for a profile section).

    Raises:
        error: ``source: field.path: value and what was expected``, one line.
    """
    from jsonschema.exceptions import best_match

    found = best_match(_validator(name).iter_errors(data), key=_relevance)
    if found is not None:
        path = (*root, *found.absolute_path)
        if found.validator == "required":
            missing = next((k for k in found.validator_value if k not in found.instance), "")
            raise field_error(error, source, (*path, missing), "missing (required)")
        raise field_error(error, source, path, _expected(found))


def _relevance(err: Any) -> tuple[int, int]:
    # Deepest first: "files[0].change" is more useful than "files[0]: not valid".
    return (-len(err.absolute_path), 0 if err.validator in ("anyOf", "oneOf") else 1)


def _expected(err: Any) -> str:
    """What was expected, in the words the loaders use (``'x' is not one of a, b``)."""
    v, kind, arg = err.instance, err.validator, err.validator_value
    desc = err.schema.get("description") if isinstance(err.schema, Mapping) else None
    if kind == "enum":
        return f"{shown(v)} is not one of {', '.join('null' if a is None else str(a) for a in arg)}"
    if kind == "const":
        return f"{shown(v)} is not {json.dumps(arg)}"
    if kind == "type":
        names = [arg] if isinstance(arg, str) else list(arg)
        want = " or ".join(_TYPE_WORDS.get(n, n) for n in names if n != "null")
        return f"expected {want or 'nothing'}, got {shown(v)}"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        op = {"minimum": ">=", "maximum": "<=", "exclusiveMinimum": ">", "exclusiveMaximum": "<"}
        return f"{shown(v)} must be {op[kind]} {arg:g}"
    if kind == "minItems":
        return "expected at least one item" if arg == 1 else f"expected at least {arg} items"
    if kind == "maxItems":
        return f"{len(v):,} items, at most {arg:,} allowed"
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"{len(v):,} characters, at most {arg:,} allowed"
    if kind in ("pattern", "propertyNames"):
        return f"{shown(v)} is not valid ({desc or 'pattern ' + str(arg)})"
    if kind in ("anyOf", "oneOf"):
        return f"{shown(v)} is not valid" + (f" (expected {desc})" if desc else "")
    return one_line(err.message, 200)


_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
}


# ---------------------------------------------------------------------------------------------
# writing


def atomic_write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename.

    A reader never sees a half-written file and a failed write leaves the old file intact.
    A failure names ``path``, never the temporary file.
    """
    return atomic_write(path, lambda tmp: Path(tmp).write_text(text, encoding="utf-8"))


def atomic_write(path: str | Path, write: Callable[[str], object]) -> Path:
    """Run ``write(tmp)`` on a temporary file beside ``path``, then rename it over ``path``.

    For writers that take a path (``DataFrame.to_parquet``); the same guarantees as
    :func:`atomic_write_text`: a new file gets the usual 0644, a replaced one keeps its mode,
    and a failure removes the temporary and names ``path``.
    """
    target = Path(path)
    for folder in (target.parent, *target.parent.parents):
        if folder.exists():  # mkdir would say "File exists" for a file on the way
            if not folder.is_dir():
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder))
            break
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_dir():  # else the rename fails naming the temporary, not the user's path
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
    # mkstemp creates 0600; a replaced file keeps its mode, a new one gets the usual 0644.
    mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # e.g. a read-only folder: name the user's file, not the temporary
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    try:
        os.close(fd)
        write(tmp)
        Path(tmp).chmod(mode)
        Path(tmp).replace(target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def write_all(outputs: Iterable[tuple[str | Path, str]]) -> list[Path]:
    """Write every ``(path, text)`` or none: a failed write restores what was there before.

    Files that did not exist are removed again, replaced files get their old bytes back, and
    folders this call created are removed when left empty.
    """
    done: list[tuple[Path, bytes | None]] = []
    created: list[Path] = []
    try:
        for path, text in outputs:
            target = Path(path)
            missing = [d for d in (target.parent, *target.parent.parents) if not d.exists()]
            old = target.read_bytes() if target.is_file() else None
            atomic_write_text(target, text)
            created += missing
            done.append((target, old))
    except BaseException:
        for target, old in reversed(done):
            if old is None:
                target.unlink(missing_ok=True)
            else:
                target.write_bytes(old)
        for folder in sorted(set(created), key=lambda d: len(d.parts), reverse=True):
            with contextlib.suppress(OSError):  # not empty: something else lives there
                folder.rmdir()
        raise
    return [t for t, _ in done]
