"""Per-language dialect-noise rule files for the ``dialup`` recipe.

A rule file (YAML, shipped ones in ``transforms/dialup/rules/<lang>.yaml``)
names its language and lists three kinds of rules, each with an ``id``
(unique in the file; edits carry ``<language>.<id>``), an optional
``weight`` (multiplies the recipe's rate for that kind, result capped at 1)
and a ``note`` saying which dialects show the phenomenon::

    language: es
    name: Southern / Caribbean Spanish features
    char_rules:            # context-sensitive grapheme substitutions
      - id: s_aspiration
        pattern: 's(?=[bcdfg])'   # Python regex over the lower-cased word
        replace: h                # re replacement template (\\1 allowed)
    affix_rules:           # one suffix/prefix swap per word at most
      - id: ado_ao
        type: suffix              # or prefix
        from: ado
        to: ao                    # or a list of variants (one is drawn)
        min_stem: 2               # letters that must remain besides the affix
        when: '...'               # optional regex the whole word must match
    function_words:        # closed-class words and their dialect variants
      - id: para
        word: para
        variants: [pa]

Patterns and words are matched against the lower-cased token; the result
takes the token's casing back (``Para`` -> ``Pa``).  Loading validates the
file and compiles every pattern, so a bad rule stops the run at once with
the file and rule id.
"""
from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Literal, Optional, Tuple, Union

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from cs_synth.pipeline.units import ConfigError

RULES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


_ID = r"^[a-z][a-z0-9_]*$"


class CharRuleSpec(_Strict):
    id: str = Field(pattern=_ID)
    pattern: str
    replace: str
    weight: float = Field(1.0, ge=0.0)
    note: str = ""


class AffixRuleSpec(_Strict):
    id: str = Field(pattern=_ID)
    type: Literal["suffix", "prefix"]
    from_: str = Field(alias="from", min_length=1)
    to: Union[str, List[str]]
    min_stem: int = Field(2, ge=0)
    when: Optional[str] = None
    weight: float = Field(1.0, ge=0.0)
    note: str = ""

    @field_validator("to")
    @classmethod
    def _variants(cls, v):
        v = [v] if isinstance(v, str) else list(v)
        if not v:
            raise ValueError("give at least one replacement")
        return v


class FunctionWordSpec(_Strict):
    id: str = Field(pattern=_ID)
    word: str = Field(min_length=1)
    variants: List[str] = Field(min_length=1)
    weight: float = Field(1.0, ge=0.0)
    note: str = ""


class RuleFileSpec(_Strict):
    language: str = Field(pattern=r"^[a-z]{2,3}$")
    name: str = ""
    description: str = ""
    sources: List[str] = Field(default_factory=list)
    char_rules: List[CharRuleSpec] = Field(default_factory=list)
    affix_rules: List[AffixRuleSpec] = Field(default_factory=list)
    function_words: List[FunctionWordSpec] = Field(default_factory=list)


# ------------------------------------------------------------ compiled form
@dataclass(frozen=True)
class CharRule:
    id: str
    regex: "re.Pattern"
    replace: str
    weight: float


@dataclass(frozen=True)
class AffixRule:
    id: str
    kind: str  # suffix | prefix
    affix: str
    variants: Tuple[str, ...]
    min_stem: int
    when: Optional["re.Pattern"]
    weight: float

    def matches(self, word: str) -> bool:
        if len(word) - len(self.affix) < self.min_stem:
            return False
        hit = word.endswith(self.affix) if self.kind == "suffix" else word.startswith(self.affix)
        return hit and (self.when is None or self.when.search(word) is not None)

    def apply(self, word: str, variant: str) -> str:
        if self.kind == "suffix":
            return word[: len(word) - len(self.affix)] + variant
        return variant + word[len(self.affix):]


@dataclass(frozen=True)
class FunctionWord:
    id: str
    word: str
    variants: Tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class RuleSet:
    language: str
    name: str
    path: str
    char_rules: Tuple[CharRule, ...]
    affix_rules: Tuple[AffixRule, ...]
    function_words: Dict[str, FunctionWord]

    def rule_ids(self) -> List[str]:
        return ([r.id for r in self.char_rules] + [r.id for r in self.affix_rules]
                + [f.id for f in self.function_words.values()])


def shipped_languages() -> List[str]:
    return sorted(f[:-5] for f in os.listdir(RULES_DIR) if f.endswith(".yaml"))


def shipped_path(lang: str) -> str:
    path = os.path.join(RULES_DIR, f"{lang}.yaml")
    if not os.path.exists(path):
        raise ConfigError(f"option 'lang': no dialup rule file for {lang!r}; shipped languages: "
                          f"{', '.join(shipped_languages())} (or pass your own file with option 'rules')")
    return path


def _compile(pattern: str, where: str) -> "re.Pattern":
    """A user pattern with a time limit per match (cs_synth.pipeline.user_regex):
    a pathological pattern becomes a ``regex_timeout`` reject, not a hang."""
    from cs_synth.pipeline import user_regex

    try:
        return user_regex.compile(pattern, where)
    except re.error as exc:
        raise ConfigError(f"{where}: invalid regular expression {pattern!r}: {exc}") from None


def load_ruleset(path: str) -> RuleSet:
    """Read, validate and compile a rule file (cached per process; read
    through :mod:`cs_synth.pipeline.resources`, so gs:// / s3:// paths work and a
    local file travels with the job)."""
    from cs_synth.pipeline import resources

    if not resources.exists(path):
        raise ConfigError(f"option 'rules': file not found: {path}")
    return _load_ruleset(path, resources.cache_key(path))


@functools.lru_cache(maxsize=32)
def _load_ruleset(path: str, key: tuple) -> RuleSet:
    from cs_synth.pipeline import resources

    try:
        data = yaml.safe_load(resources.read_text(path))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"dialup rule file {path} is not valid UTF-8 YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"dialup rule file {path}: the top level must be a mapping with 'language' and rules")
    try:
        spec = RuleFileSpec(**data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = ".".join(str(x) for x in err["loc"])
            rule = _rule_id_at(data, err["loc"])
            msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
            lines.append(f"  {loc}{f' (rule {rule!r})' if rule else ''}: {msg}")
        raise ConfigError(f"invalid dialup rule file {path}:\n" + "\n".join(lines)) from None
    seen: Dict[str, str] = {}
    for kind in ("char_rules", "affix_rules", "function_words"):
        for r in getattr(spec, kind):
            if r.id in seen:
                raise ConfigError(f"dialup rule file {path}: rule id {r.id!r} is used twice "
                                  f"({seen[r.id]} and {kind})")
            seen[r.id] = kind
    where = f"dialup rule file {path}, rule"
    chars = tuple(CharRule(r.id, _compile(r.pattern, f"{where} {r.id!r}"), r.replace, r.weight)
                  for r in spec.char_rules)
    for rule, r in zip(chars, spec.char_rules):  # a bad template (\\9) fails now, not mid-run
        try:
            rule.regex.check_template(rule.replace)  # parses the template even with no match
        except (re.error, IndexError) as exc:
            raise ConfigError(f"{where} {r.id!r}: invalid replacement {r.replace!r}: {exc}") from None
    affixes = tuple(AffixRule(r.id, r.type, r.from_.lower(), tuple(v.lower() for v in r.to), r.min_stem,
                              _compile(r.when, f"{where} {r.id!r} (when)") if r.when else None, r.weight)
                    for r in spec.affix_rules)
    words: Dict[str, FunctionWord] = {}
    for r in spec.function_words:
        key = r.word.lower()
        if key in words:
            raise ConfigError(f"dialup rule file {path}: function word {r.word!r} is listed twice "
                              f"({words[key].id!r} and {r.id!r})")
        words[key] = FunctionWord(r.id, key, tuple(v.lower() for v in r.variants), r.weight)
    return RuleSet(spec.language, spec.name, path, chars, affixes, words)


def _rule_id_at(data, loc) -> str:
    try:
        if len(loc) >= 2 and isinstance(loc[1], int):
            return str(data[loc[0]][loc[1]].get("id", ""))
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return ""
