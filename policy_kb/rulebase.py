"""The layered rule base: national → province → city, every value dated and cited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from policy_kb.citations import Citation
from policy_kb.rule_files import DocumentInForce, RuleFile
from policy_kb.rule_types import ADAPTERS
from policy_kb.sources import SOURCES_DIR, Document, SourceError, load_documents, quote_found

RULES_DIR = Path(__file__).resolve().parent / "rules"
NATIONAL = "CN"


class RuleBaseError(ValueError):
    """The rule files are invalid; the message says which file, key and window."""


class RuleNotFound(KeyError):
    """No layer of the region has the key in force on that date."""

    def __init__(self, region_code: str, key: str, on: date) -> None:
        super().__init__(f"no rule {key!r} in force for {region_code} on {on.isoformat()}")
        self.region_code = region_code
        self.key = key
        self.on = on


@dataclass(frozen=True)
class RuleValue:
    key: str
    value: Any
    citations: list[Citation]
    effective_from: date
    effective_to: date | None
    region_code: str
    replaces: str | None
    note: str | None = None

    def in_force(self, on: date) -> bool:
        return self.effective_from <= on and (self.effective_to is None or on <= self.effective_to)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (for ``GET /v1/rules/{region}``)."""
        return {
            "key": self.key,
            "value": ADAPTERS[self.key].dump_python(self.value, mode="json"),
            "region_code": self.region_code,
            "effective_from": self.effective_from.isoformat(),
            "effective_to": self.effective_to.isoformat() if self.effective_to else None,
            "replaces": self.replaces,
            "note": self.note,
            "citations": [c.model_dump() for c in self.citations],
        }


@dataclass(frozen=True)
class Layer:
    code: str
    name: str
    parent: str | None
    documents: list[DocumentInForce]
    rules: dict[str, list[RuleValue]] = field(default_factory=dict)


class RuleBase:
    """Read-only, validated rule base. Look values up with :meth:`value`."""

    def __init__(self, layers: dict[str, Layer], documents: dict[str, Document], version: str) -> None:
        self._layers = layers
        self._documents = documents
        self._version = version
        self._chains = {code: self._chain(code) for code in layers}
        self._flat: dict[tuple[str, str], tuple[RuleValue, ...]] = {}

    @property
    def version(self) -> str:
        return self._version

    @property
    def region_codes(self) -> list[str]:
        return list(self._layers)

    def layer(self, region_code: str) -> Layer:
        return self._layers[region_code]

    def document(self, key: str) -> Document:
        return self._documents[key]

    def chain(self, region_code: str) -> list[Layer]:
        """The layers consulted for a region, most specific first."""
        try:
            return self._chains[region_code]
        except KeyError:
            raise RuleNotFound(region_code, "*", date.min) from None

    def _chain(self, code: str) -> list[Layer]:
        out: list[Layer] = []
        current: str | None = code
        while current is not None:
            layer = self._layers[current]
            out.append(layer)
            current = layer.parent
        return out

    def _candidates(self, region_code: str, key: str) -> tuple[RuleValue, ...]:
        """Every window of `key` along the region's chain, most specific layer first (cached)."""
        cache_key = (region_code, key)
        found = self._flat.get(cache_key)
        if found is None:
            found = tuple(v for layer in self.chain(region_code) for v in layer.rules.get(key, ()))
            self._flat[cache_key] = found
        return found

    def value(self, region_code: str, key: str, on: date) -> RuleValue:
        """The value of `key` in force on `on`, from the most specific layer that has one."""
        found = self.get(region_code, key, on)
        if found is None:
            raise RuleNotFound(region_code, key, on)
        return found

    def get(self, region_code: str, key: str, on: date) -> RuleValue | None:
        """Like :meth:`value`, but None when no layer has the key in force on `on`."""
        for candidate in self._candidates(region_code, key):
            if candidate.effective_from <= on and (candidate.effective_to is None or on <= candidate.effective_to):
                return candidate
        return None

    def latest(self, region_code: str, key: str) -> RuleValue:
        """The most recent window of `key` in the nearest layer that has it (date-free rules)."""
        for layer in self.chain(region_code):
            windows = layer.rules.get(key)
            if windows:
                return max(windows, key=lambda w: w.effective_from)
        raise RuleNotFound(region_code, key, date.max)

    def rules_in_force(self, region_code: str, on: date) -> list[RuleValue]:
        """Every key that has a value in force on `on` for the region, resolved through its layers."""
        keys: list[str] = []
        for layer in self.chain(region_code):
            keys.extend(k for k in layer.rules if k not in keys)
        found = (self.get(region_code, key, on) for key in sorted(keys))
        return [v for v in found if v is not None]

    def documents_in_force(self, region_code: str, on: date | None = None) -> list[DocumentInForce]:
        docs: list[DocumentInForce] = []
        for layer in self.chain(region_code):
            for doc in layer.documents:
                if on is None or (doc.effective_from <= on and (doc.effective_to is None or on <= doc.effective_to)):
                    docs.append(doc)
        return docs


def _read_file(path: Path) -> RuleFile:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RuleFile.model_validate(raw)
    except yaml.YAMLError as exc:
        raise RuleBaseError(f"{path.name}: not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise RuleBaseError(f"{path.name}: {exc}") from exc


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (a_to is None or b_from <= a_to) and (b_to is None or a_from <= b_to)


def _check_file(rule_file: RuleFile, documents: dict[str, Document], where: str) -> None:
    for in_force in rule_file.documents:
        if in_force.document not in documents:
            raise RuleBaseError(f"{where}: document {in_force.document!r} is not in sources/documents.yaml")
    for key, entry in rule_file.rules.items():
        if key not in ADAPTERS:
            raise RuleBaseError(f"{where}: unknown rule key {key!r} (declare it in policy_kb/rule_types.py)")
        windows = sorted(entry.values, key=lambda w: w.effective_from)
        for i, window in enumerate(windows):
            label = f"{where}: {key} from {window.effective_from}"
            for later in windows[i + 1 :]:
                if _overlaps(window.effective_from, window.effective_to, later.effective_from, later.effective_to):
                    raise RuleBaseError(f"{label}: date window overlaps the one from {later.effective_from}")
            for cit in window.citations:
                doc = documents.get(cit.document)
                if doc is None:
                    raise RuleBaseError(f"{label}: citation names unknown document {cit.document!r}")
                if not quote_found(doc, cit.quote):
                    raise RuleBaseError(
                        f"{label}: quote not found verbatim in {cit.document} ({doc.source}): {cit.quote!r}"
                    )


def _build_layer(rule_file: RuleFile, where: str) -> Layer:
    rules: dict[str, list[RuleValue]] = {}
    for key, entry in rule_file.rules.items():
        values: list[RuleValue] = []
        for window in sorted(entry.values, key=lambda w: w.effective_from):
            try:
                typed = ADAPTERS[key].validate_python(window.value)
            except ValidationError as exc:
                raise RuleBaseError(f"{where}: {key} from {window.effective_from}: bad value: {exc}") from exc
            values.append(
                RuleValue(
                    key=key,
                    value=typed,
                    citations=list(window.citations),
                    effective_from=window.effective_from,
                    effective_to=window.effective_to,
                    region_code=rule_file.code,
                    replaces=entry.replaces,
                    note=window.note,
                )
            )
        rules[key] = values
    return Layer(rule_file.code, rule_file.name, rule_file.parent, list(rule_file.documents), rules)


def _check_layering(layers: dict[str, Layer], files: dict[str, RuleFile]) -> None:
    if NATIONAL not in layers:
        raise RuleBaseError("no national layer (code CN)")
    for code, layer in layers.items():
        seen = {code}
        parent = layer.parent
        if code != NATIONAL and parent is None:
            raise RuleBaseError(f"{code}: a regional layer needs a parent")
        while parent is not None:
            if parent not in layers:
                raise RuleBaseError(f"{code}: parent {parent!r} has no rule file")
            if parent in seen:
                raise RuleBaseError(f"{code}: parent cycle through {parent}")
            seen.add(parent)
            parent = layers[parent].parent
        ancestors = [a for a in _ancestors(layers, code)]
        for key, entry in files[code].rules.items():
            inherited = [a for a in ancestors if key in a.rules]
            if entry.replaces is None:
                if inherited:
                    raise RuleBaseError(
                        f"{code}: {key} overrides {inherited[0].code}:{key} but does not say so (replaces:)"
                    )
                continue
            target_code, _, target_key = entry.replaces.partition(":")
            target = layers.get(target_code)
            if target is None or target not in ancestors or target_key not in target.rules:
                raise RuleBaseError(f"{code}: {key} replaces {entry.replaces!r}, which is no ancestor rule")


def _ancestors(layers: dict[str, Layer], code: str) -> list[Layer]:
    out: list[Layer] = []
    parent = layers[code].parent
    while parent is not None:
        out.append(layers[parent])
        parent = layers[parent].parent
    return out


def load_rule_base(path: Path | None = None, *, sources: Path | None = None) -> RuleBase:
    """Load and validate every ``*.yaml`` rule file under `path` (default: ``policy_kb/rules``).

    Raises :class:`RuleBaseError` on overlapping date windows, missing citations,
    quotes not found verbatim in their source, unknown keys or badly typed values.
    """
    rules_dir = path or RULES_DIR
    sources_dir = sources or SOURCES_DIR
    try:
        documents = load_documents(sources_dir)
    except SourceError as exc:
        raise RuleBaseError(str(exc)) from exc
    digest = hashlib.sha256()
    files: dict[str, RuleFile] = {}
    paths = sorted(rules_dir.glob("*.yaml"))
    if not paths:
        raise RuleBaseError(f"no rule files in {rules_dir}")
    for file_path in paths:
        digest.update(file_path.name.encode() + b"\0" + file_path.read_bytes())
        rule_file = _read_file(file_path)
        if rule_file.code in files:
            raise RuleBaseError(f"{file_path.name}: region {rule_file.code} defined twice")
        _check_file(rule_file, documents, file_path.name)
        files[rule_file.code] = rule_file
    for doc in sorted({d.source for d in documents.values()}):
        digest.update(doc.encode() + b"\0" + (sources_dir / doc).read_bytes())
    layers = {code: _build_layer(f, code) for code, f in files.items()}
    _check_layering(layers, files)
    return RuleBase(layers, documents, digest.hexdigest()[:16])


@lru_cache(maxsize=1)
def default_rule_base() -> RuleBase:
    """The packaged rule base, loaded once per process."""
    return load_rule_base()
