"""Parse bylines and photo credits into (role, names)."""

from __future__ import annotations

from newsmine.split.patterns import (
    BYLINE_SPLIT_RE,
    COMPOUND_SURNAMES,
    NAME_TOKEN_RE,
    PHOTO_CREDIT_RE,
    PHOTO_SUFFIX_RE,
    ROLE_RE,
    SURNAMES,
    has_leading_mark,
    strip_leading_marks,
)

MAX_BYLINE_CHARS = 40
MAX_NAMES = 8


def normalise_role(role: str) -> str:
    """The core role word: "本报记者" -> "记者", "摄影记者" -> "摄影", "文/图" -> "文/图"."""
    if "摄" in role:
        return "摄影"
    for core in ("评论员", "通讯员", "实习生", "记者", "撰稿", "编辑"):
        if core in role:
            return core
    return role


def _looks_like_name(token: str) -> bool:
    """A 2-3 character personal name starting with a common surname (or a ·-joined name)."""
    if "·" in token:
        return True
    if token.startswith(COMPOUND_SURNAMES):
        return 3 <= len(token) <= 4
    return 2 <= len(token) <= 3 and token[0] in SURNAMES


def _merge_spaced_names(tokens: list[str]) -> list[str]:
    """Typesetters pad two-character names to three cells: "乔  栋" -> "乔栋"."""
    names: list[str] = []
    pending = ""
    for token in tokens:
        if len(token) == 1:
            if pending:
                names.append(pending + token)
                pending = ""
            else:
                pending = token
        else:
            if pending:
                names.append(pending)
                pending = ""
            names.append(token)
    if pending:
        names.append(pending)
    return names


def parse_byline(text: str, bare_names_ok: bool = False) -> tuple[str | None, list[str]] | None:
    """Parse a byline line into (role, names), or None when the line is not a byline.

    A byline is a role word (记者, 通讯员, 实习生, 摄影, …) and/or personal names, optionally after
    a bullet mark (■ ● ▲ …). Names without a role count only after a mark or when `bare_names_ok`
    (the line sits where a byline belongs), and only when every name starts with a common surname
    or is spaced out to name width ("王  浩").
    """
    if len(text) > MAX_BYLINE_CHARS:
        return None
    marked = has_leading_mark(text)
    body = strip_leading_marks(text)
    if not body:
        return None
    role: str | None = None
    name_tokens: list[str] = []
    for token in BYLINE_SPLIT_RE.split(body):
        if not token:
            continue
        match = ROLE_RE.match(token)
        if match:
            role = role or match.group()
            token = token[match.end():]
            if not token:
                continue
            fused = PHOTO_SUFFIX_RE.sub("", token) or token
            if len(fused) > 1 and not _looks_like_name(fused):
                # "记者胡佳英" is a byline, "记者手记" a column label.
                return None
        suffix = PHOTO_SUFFIX_RE.search(token)
        if suffix and len(token) > len(suffix.group()):
            role = "摄影" if "摄" in suffix.group() else role
            token = token[: suffix.start()]
        elif suffix:
            role = role or suffix.group()
            continue
        if not NAME_TOKEN_RE.match(token):
            return None
        name_tokens.append(token)
    names = _merge_spaced_names(name_tokens)
    # "王  浩": single characters spaced out to a name's width are a typeset name, whatever the surname.
    padded = len(names) < len(name_tokens) and all(len(token) == 1 for token in name_tokens)
    if len(names) > MAX_NAMES or any(len(name) > 4 and "·" not in name for name in names):
        return None
    if role is None and not (
        (marked or bare_names_ok) and names and (padded or all(_looks_like_name(name) for name in names))
    ):
        return None
    return (normalise_role(role) if role else None), names


def parse_photo_credit(text: str) -> tuple[str, list[str]] | None:
    """Parse a caption's closing credit ("新华社记者  王建威摄") into ("摄影", names), or None."""
    if len(text) > MAX_BYLINE_CHARS or not PHOTO_CREDIT_RE.match(text):
        return None
    core = text
    if core.endswith(("）", ")")):
        core = core[: max(core.rfind("（"), core.rfind("("))]
    core = PHOTO_SUFFIX_RE.sub("", core.rstrip()).rstrip()
    if core.endswith("供图"):
        core = core[:-2]
    parsed = parse_byline(core, bare_names_ok=True)
    if parsed is None:
        return None
    return "摄影", parsed[1]
