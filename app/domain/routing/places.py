"""The place-name gazetteer of a profile (rules/<profile>/places.toml): model, validator, finder.

Each district lists the names of places in it (streets, towns, landmarks, stations, parks,
compounds). Routing finds them in a title, longest name first and without overlaps, so that
"顾村公园" is the park and "虹桥街道" is not also "虹桥". A name listed under two districts is
refused unless declared in [[ambiguous]]: then it is found (so its shorter parts are not) but
names no district. The format is documented in rules/README.md; every problem names the file,
the entry and the problem.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from app.domain.enums import DepartmentKind
from app.domain.profile import Profile
from app.domain.routing.keywords import normalise

#: the place kinds a district lists, in the order explanations name them
PLACE_KINDS = ("names", "streets", "towns", "landmarks", "stations", "parks", "compounds")
TOP_KEYS = {"scope", "municipal_words", "municipal_departments", "local_words", "district", "ambiguous"}
DISTRICT_KEYS = {"department", *PLACE_KINDS}
AMBIGUOUS_KEYS = {"name", "districts", "note"}
SCOPES = ("title", "text")
MAX_NAME_LENGTH = 24


class PlacesError(ValueError):
    """A gazetteer file is broken; `problems` lists every (file, entry, problem)."""

    def __init__(self, problems: list[tuple[str, str, str]]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"{file}: {entry}: {problem}" for file, entry, problem in problems))


@dataclass(frozen=True)
class Place:
    name: str  # as written in the gazetteer
    kind: str  # one of PLACE_KINDS, or "ambiguous"
    districts: tuple[str, ...]  # department codes: one, or several for an ambiguous name


@dataclass(frozen=True)
class PlaceHit:
    place: Place
    start: int  # position in the normalised text

    @property
    def district(self) -> str | None:
        return self.place.districts[0] if len(self.place.districts) == 1 else None


@dataclass(frozen=True)
class Gazetteer:
    places: Mapping[str, Place]  # normalised name -> place
    municipal_words: tuple[str, ...]
    municipal_departments: frozenset[str]  # codes whose topics stay with them for a local matter
    local_words: tuple[str, ...]  # with only a district's name, these make the title a local matter
    scope: str  # title | text
    source: str

    @cached_property
    def _lengths(self) -> dict[str, tuple[int, ...]]:
        """Name lengths by first character, longest first: the only slices worth looking up."""
        lengths: dict[str, set[int]] = {}
        for key in self.places:
            lengths.setdefault(key[0], set()).add(len(key))
        return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}

    def find(self, text: str) -> tuple[PlaceHit, ...]:
        """Places in the text, scanning left to right and taking the longest name at each position."""
        normalised = normalise(text)
        places, lengths = self.places, self._lengths
        hits: list[PlaceHit] = []
        position = 0
        while position < len(normalised):
            for size in lengths.get(normalised[position], ()):
                place = places.get(normalised[position : position + size])
                if place is not None:
                    hits.append(PlaceHit(place, position))
                    position += size
                    break
            else:
                position += 1
        return tuple(hits)

    def municipal_words_in(self, text: str) -> tuple[str, ...]:
        return _words_in(self.municipal_words, text)

    def local_words_in(self, text: str) -> tuple[str, ...]:
        return _words_in(self.local_words, text)

    def districts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(d for p in self.places.values() if len(p.districts) == 1 for d in p.districts))


def _words_in(words: tuple[str, ...], text: str) -> tuple[str, ...]:
    normalised = normalise(text)
    return tuple(w for w in words if normalise(w) in normalised)


def parse_places(data: bytes, profile: Profile, source: str) -> Gazetteer:
    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise PlacesError([(source, "file", "not UTF-8 text")]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PlacesError([(source, "syntax", str(exc))]) from None
    reader = _GazetteerReader(source, profile)
    gazetteer = reader.read(document)
    if reader.problems:
        raise PlacesError(reader.problems)
    return gazetteer


class _GazetteerReader:
    """Reads a whole gazetteer; collects problems instead of stopping at the first."""

    def __init__(self, source: str, profile: Profile) -> None:
        self.source, self.profile = source, profile
        self.problems: list[tuple[str, str, str]] = []

    def fail(self, entry: str, problem: str) -> None:
        self.problems.append((self.source, entry, problem))

    def read(self, document: Mapping[str, Any]) -> Gazetteer:
        extra = sorted(set(document) - TOP_KEYS)
        if extra:
            self.fail("file", f"unknown top-level key(s) {', '.join(extra)}; allowed: {', '.join(sorted(TOP_KEYS))}")
        scope = document.get("scope", "title")
        if scope not in SCOPES:
            self.fail("file", f"'scope' is {scope!r}; use one of {', '.join(SCOPES)}")
            scope = "title"
        municipal = self.names(document, "municipal_words", "file")
        municipal_departments = self.municipal_departments(document)
        ambiguous = self.ambiguous(document.get("ambiguous", []))
        places: dict[str, Place] = {}
        where: dict[str, str] = {}  # normalised name -> entry label, for "listed twice" problems
        raw_districts = document.get("district")
        if not isinstance(raw_districts, list) or not raw_districts:
            self.fail("file", "no [[district]] entries")
            raw_districts = []
        seen_departments: dict[str, str] = {}
        for position, raw in enumerate(raw_districts, start=1):
            label = f"district #{position}"
            if not isinstance(raw, Mapping):
                self.fail(label, "expected a table")
                continue
            code = self.district_department(raw, label)
            if code is None:
                continue
            label = f"district #{position} '{self.profile.department(code).short_name}'"
            if code in seen_departments:
                self.fail(label, f"district listed twice (also {seen_departments[code]})")
                continue
            seen_departments[code] = label
            extra = sorted(set(raw) - DISTRICT_KEYS)
            if extra:
                self.fail(label, f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(DISTRICT_KEYS))}")
            for kind in PLACE_KINDS:
                for name in self.names(raw, kind, label):
                    self.add(places, where, ambiguous, Place(name, kind, (code,)), f"{label} {kind}")
        for key, (place, _label) in ambiguous.items():
            places[key] = place
        local_words = self.names(document, "local_words", "file")
        return Gazetteer(places, municipal, municipal_departments, local_words, scope, self.source)

    def add(
        self,
        places: dict[str, Place],
        where: dict[str, str],
        ambiguous: Mapping[str, tuple[Place, str]],
        place: Place,
        label: str,
    ) -> None:
        key = normalise(place.name)
        if key in ambiguous:
            declared = ambiguous[key][0].districts
            if place.districts[0] not in declared:
                self.fail(label, f"'{place.name}' is declared ambiguous but not for this district")
            return
        other = places.get(key)
        if other is None:
            places[key] = place
            where[key] = label
        elif other.districts != place.districts:
            self.fail(
                label,
                f"'{place.name}' is also listed under {where[key]}: list it once, "
                "or declare it in [[ambiguous]] with both districts",
            )
        else:
            self.fail(label, f"'{place.name}' is listed twice in this district (also in {where[key]})")

    def municipal_departments(self, document: Mapping[str, Any]) -> frozenset[str]:
        codes = set()
        for name in self.names(document, "municipal_departments", "file"):
            department = self.profile.find_department(name)
            if department is None:
                self.fail("file", f"unknown department '{name}' in 'municipal_departments'")
            elif department.kind is DepartmentKind.DISTRICT:
                self.fail("file", f"'{name}' in 'municipal_departments' is a district")
            else:
                codes.add(department.code)
        return frozenset(codes)

    def district_department(self, raw: Mapping[str, Any], label: str) -> str | None:
        name = raw.get("department")
        if not isinstance(name, str) or not name.strip():
            self.fail(label, "missing 'department' (a district department's code or short name)")
            return None
        return self.department_code(name.strip(), label)

    def department_code(self, name: str, label: str) -> str | None:
        department = self.profile.find_department(name)
        if department is None:
            self.fail(label, f"unknown department '{name}' (profile {self.profile.name}: use a code or short name)")
            return None
        if department.kind is not DepartmentKind.DISTRICT:
            self.fail(label, f"'{name}' is not a district department (kind {department.kind.value})")
            return None
        return department.code

    def names(self, table: Mapping[str, Any], key: str, label: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(label, f"'{key}' must be a list of non-empty texts")
            return ()
        names = tuple(v.strip() for v in value)
        for name in names:
            if len(normalise(name)) > MAX_NAME_LENGTH:
                self.fail(label, f"'{name}' in '{key}' is longer than {MAX_NAME_LENGTH} characters")
        return tuple(dict.fromkeys(names))

    def ambiguous(self, raw: Any) -> dict[str, tuple[Place, str]]:
        found: dict[str, tuple[Place, str]] = {}
        if not isinstance(raw, list):
            self.fail("file", "'ambiguous' must be a list of [[ambiguous]] tables")
            return found
        for position, entry in enumerate(raw, start=1):
            label = f"ambiguous #{position}"
            if not isinstance(entry, Mapping):
                self.fail(label, "expected a table")
                continue
            extra = sorted(set(entry) - AMBIGUOUS_KEYS)
            if extra:
                self.fail(label, f"unknown key(s) {', '.join(extra)}; allowed: {', '.join(sorted(AMBIGUOUS_KEYS))}")
            name = entry.get("name")
            if not isinstance(name, str) or not name.strip():
                self.fail(label, "missing 'name'")
                continue
            label = f"ambiguous #{position} '{name.strip()}'"
            codes = [self.department_code(n, label) for n in self.names(entry, "districts", label)]
            districts = tuple(dict.fromkeys(c for c in codes if c))
            if len(districts) < 2:
                self.fail(label, "an ambiguous name needs at least two districts in 'districts'")
                continue
            key = normalise(name)
            if key in found:
                self.fail(label, f"'{name.strip()}' is declared ambiguous twice")
                continue
            found[key] = (Place(name.strip(), "ambiguous", districts), label)
        return found
