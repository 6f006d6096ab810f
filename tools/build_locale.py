#!/usr/bin/env python3
"""Keep locale/vi/LC_MESSAGES/django.po (and djangojs.po) in step with the installed packages, and compile them.

Django takes a translation from LOCALE_PATHS before any catalog shipped with Django or an app, so this one
file fills the gaps of the Vietnamese catalogs that Django, Django REST framework and the other packages ship
(DRF's is mostly untranslated; django-filter, django-import-export, django-celery-beat, django-celery-results,
django-simple-history and drf-spectacular ship none) and replaces the upstream translations that read badly.
djangojs.po does the same for the admin's JavaScript catalog (calendar, date and multiple-choice widgets).

For every source below the tool collects the msgids the installed version uses (its English catalog when it
ships one; otherwise the union of its catalogs, minus msgids its code no longer contains, plus the gettext calls
of its Python code) and keeps in our catalog exactly:
  * the msgids no installed Vietnamese catalog translates (an empty msgstr is written for a new one), and
  * our overrides of upstream translations (marked with an "#. upstream:" comment showing what they replace).
Stale entries (msgids no installed package uses any more, or overrides that now say what upstream says) are
dropped. The .mo is written by a small pure-Python compiler (deterministic, no gettext needed), and the .po is
checked with `msgfmt --check-format` when gettext is installed. To replace an upstream translation, append an entry
to the .po and run the tool: it files the entry under its package.

  python tools/build_locale.py            update the .po and compile the .mo (`make messages`)
  python tools/build_locale.py --check    write nothing; exit 1 if a .po is out of step, has an untranslated
                                          entry or a changed placeholder, or a .mo differs from its .po
  python tools/build_locale.py --compile  only compile the .po files to .mo files

English, the interface's second language, is the project's own catalog: locale/en/LC_MESSAGES/django.po holds an
English msgstr for every Vietnamese msgid of our templates and code ({% translate %}, gettext_lazy, gettext_noop).
The tool refreshes it with `manage.py makemessages -l en` (existing translations are kept; a msgid the code no
longer uses is dropped; msgmerge's fuzzy guesses are cleared, so a new or changed msgid shows as untranslated),
compiles it, and lists what still needs an English translation. Excel workbooks and printed forms stay Vietnamese.
"""
from __future__ import annotations

import argparse
import ast
import gettext
import importlib.util
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale" / "vi" / "LC_MESSAGES"
LANGUAGE = "vi"

# Per gettext domain: (section title, importable module whose folder holds `locale/`), in the order the .po lists them.
SOURCES: dict[str, list[tuple[str, str]]] = {"django": [
    ("Django REST framework", "rest_framework"),
    ("Django", "django.conf"),
    ("Django: trang quản trị (django.contrib.admin)", "django.contrib.admin"),
    ("Django: tài khoản (django.contrib.auth)", "django.contrib.auth"),
    ("Django: django.contrib.contenttypes", "django.contrib.contenttypes"),
    ("Django: django.contrib.sessions", "django.contrib.sessions"),
    ("Django: django.contrib.humanize", "django.contrib.humanize"),
    ("django-filter", "django_filters"),
    ("django-import-export", "import_export"),
    ("django-celery-beat", "django_celery_beat"),
    ("django-celery-results", "django_celery_results"),
    ("django-simple-history", "simple_history"),
    ("drf-spectacular", "drf_spectacular"),
], "djangojs": [
    ("Django: trang quản trị, phần JavaScript (django.contrib.admin)", "django.contrib.admin"),
]}


def po_path(domain: str) -> Path:
    return LOCALE_DIR / f"{domain}.po"


def mo_path(domain: str) -> Path:
    return LOCALE_DIR / f"{domain}.mo"


HEADER = (
    "Project-Id-Version: sonduong-giam-ngheo\n"
    "Language: vi\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=1; plural=0;\n"
)
HEADER_COMMENT = (
    "# Bản dịch tiếng Việt bổ sung cho các thông báo của Django, Django REST framework và các thư viện dùng kèm.\n"
    "# Tệp này do tools/build_locale.py (`make messages`) cập nhật: chỉ giữ các thông báo mà bản dịch tiếng Việt\n"
    "# đi kèm thư viện còn thiếu, và các bản dịch thay thế (có dòng \"#. upstream:\" ghi bản dịch cũ).\n"
    "# Sửa msgstr trực tiếp tại đây (muốn thay một bản dịch có sẵn thì thêm mục msgid/msgstr vào cuối tệp),\n"
    "# rồi chạy `make messages` để xếp lại tệp và biên dịch lại tệp .mo.\n"
)

Key = tuple  # (msgctxt or None, msgid)


# --- .po / .mo reading and writing ----------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])
    flags: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)  # translator comments, without the leading "# "
    auto_comments: list[str] = field(default_factory=list)  # "#." lines

    @property
    def key(self) -> Key:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return "fuzzy" not in self.flags and all(self.msgstr) and bool(self.msgstr)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}


def _unquote(token: str) -> str:
    body = token.strip()
    if not (body.startswith('"') and body.endswith('"')):
        raise ValueError(f"not a quoted string: {token!r}")
    body = body[1:-1]
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def read_po(path: Path) -> tuple[str, list[Entry]]:
    """The header msgstr and the entries (obsolete "#~" entries skipped)."""
    header = ""
    entries: list[Entry] = []
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    for block in blocks:
        e = Entry(msgid="")
        parts: dict[str, str] = {}
        current = None
        seen_msgid = False
        for line in block.splitlines():
            if not line.strip() or line.startswith("#~") or line.startswith("#|"):
                continue
            if line.startswith("#,"):
                e.flags += [f.strip() for f in line[2:].split(",") if f.strip()]
            elif line.startswith("#."):
                e.auto_comments.append(line[2:].strip())
            elif line.startswith("#:"):
                continue
            elif line.startswith("#"):
                e.comments.append(line[1:].strip())
            elif line.startswith('"'):
                if current is None:
                    raise ValueError(f"{path}: continuation line outside an entry: {line!r}")
                parts[current] += _unquote(line)
            else:
                m = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$", line)
                if not m:
                    raise ValueError(f"{path}: cannot parse {line!r}")
                current = m.group(1)
                parts[current] = _unquote(m.group(2))
                seen_msgid = seen_msgid or current == "msgid"
        if not seen_msgid:
            continue
        e.msgid = parts["msgid"]
        e.msgctxt = parts.get("msgctxt")
        e.msgid_plural = parts.get("msgid_plural")
        if e.msgid_plural is not None:
            indexes = sorted(int(k[7:-1]) for k in parts if k.startswith("msgstr["))
            e.msgstr = [parts[f"msgstr[{i}]"] for i in indexes] or [""]
        else:
            e.msgstr = [parts.get("msgstr", "")]
        if e.msgid == "" and e.msgctxt is None:
            header = e.msgstr[0]
            continue
        entries.append(e)
    return header, entries


def read_mo(path: Path) -> list[Entry]:
    """The entries of a compiled catalog (msgid_plural kept, unlike gettext's own reader)."""
    data = path.read_bytes()
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">"
    _, count, orig_at, trans_at = struct.unpack(order + "4I", data[4:20])
    charset = "utf-8"
    entries = []
    for i in range(count):
        olen, ooff = struct.unpack(order + "2I", data[orig_at + 8 * i: orig_at + 8 * i + 8])
        tlen, toff = struct.unpack(order + "2I", data[trans_at + 8 * i: trans_at + 8 * i + 8])
        orig = data[ooff: ooff + olen].decode(charset)
        trans = data[toff: toff + tlen].decode(charset)
        if orig == "":
            m = re.search(r"charset=([\w-]+)", trans)
            charset = m.group(1) if m else charset
            continue
        ctxt, _, orig = orig.rpartition("\x04") if "\x04" in orig else (None, "", orig)
        msgid, _, plural = orig.partition("\x00")
        entries.append(Entry(msgid=msgid, msgctxt=ctxt, msgid_plural=plural or None, msgstr=trans.split("\x00")))
    return entries


def _mo_key(e: Entry) -> bytes:
    key = e.msgid if e.msgid_plural is None else f"{e.msgid}\x00{e.msgid_plural}"
    if e.msgctxt is not None:
        key = f"{e.msgctxt}\x04{key}"
    return key.encode("utf-8")


def compile_mo(header: str, entries: list[Entry]) -> bytes:
    """GNU .mo bytes (no hash table, keys sorted) of the translated, non-fuzzy entries: what msgfmt keeps."""
    pairs = [(b"", header.encode("utf-8"))]
    pairs += [(_mo_key(e), "\x00".join(e.msgstr).encode("utf-8")) for e in entries if e.translated]
    pairs.sort(key=lambda p: p[0])
    n = len(pairs)
    orig_at = 7 * 4
    trans_at = orig_at + 8 * n
    data_at = trans_at + 8 * n
    ids = b"".join(k + b"\x00" for k, _ in pairs)
    strs = b"".join(v + b"\x00" for _, v in pairs)
    otable, ttable = [], []
    offset = data_at
    for k, _ in pairs:
        otable.append(struct.pack("<2I", len(k), offset))
        offset += len(k) + 1
    for _, v in pairs:
        ttable.append(struct.pack("<2I", len(v), offset))
        offset += len(v) + 1
    head = struct.pack("<7I", 0x950412DE, 0, n, orig_at, trans_at, 0, data_at)
    return head + b"".join(otable) + b"".join(ttable) + ids + strs


def load_mo(data: bytes) -> tuple[dict, dict]:
    """What gettext reads from .mo bytes (ours or msgfmt's): the catalog and the header."""
    import io

    translations = gettext.GNUTranslations(io.BytesIO(data))
    return translations._catalog, translations.info()


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\r", "\\r").replace(
        "\n", "\\n"
    ) + '"'


def _po_string(keyword: str, value: str, width: int = 79) -> list[str]:
    """Lines for `keyword "value"`, wrapped like gettext: after each \\n and at spaces."""
    single = f"{keyword} {_quote(value)}"
    if len(single) <= width and "\n" not in value[:-1]:
        return [single]
    pieces = []
    for line in re.split(r"(?<=\n)", value):
        if not line:
            continue
        chunk = ""
        for word in re.split(r"(?<= )", line):
            if chunk and len(_quote(chunk + word)) > width - 2:
                pieces.append(chunk)
                chunk = ""
            chunk += word
        pieces.append(chunk)
    return [f'{keyword} ""'] + [_quote(p) for p in pieces]


def format_entry(e: Entry) -> str:
    lines = [f"# {c}".rstrip() for c in e.comments]
    lines += [f"#. {c}" for c in e.auto_comments]
    if e.flags:
        lines.append("#, " + ", ".join(e.flags))
    if e.msgctxt is not None:
        lines += _po_string("msgctxt", e.msgctxt)
    lines += _po_string("msgid", e.msgid)
    if e.msgid_plural is not None:
        lines += _po_string("msgid_plural", e.msgid_plural)
        for i, s in enumerate(e.msgstr):
            lines += _po_string(f"msgstr[{i}]", s)
    else:
        lines += _po_string("msgstr", e.msgstr[0])
    return "\n".join(lines) + "\n"


# --- placeholders -----------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(
    r"%\((?P<pyname>\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc]"  # %(name)s
    r"|%(?P<pypos>[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc])"  # %s, %d, %0.1f
    r"|(?P<percent>%%)"
    r"|\{(?P<brace>[\w.\[\]]*(?:![rsa])?(?::[^{}]*)?)\}"  # {name}, {}, {0}, {0:.2f}
)


def placeholders(text: str) -> tuple[list[str], list[str]]:
    """(named placeholders, sorted; positional ones, in order) — a translation must keep both."""
    named, positional = [], []
    for m in _PLACEHOLDER.finditer(text):
        if m.group("pyname"):
            named.append(f"%({m.group('pyname')})")
        elif m.group("pypos"):
            positional.append("%" + m.group("pypos"))
        elif m.group("percent"):
            positional.append("%%")
        else:
            brace = m.group("brace")
            name = re.match(r"[\w.\[\]]*", brace).group(0)
            (named if name and not name.isdigit() else positional).append("{" + brace + "}")
    return sorted(named), positional


def dropped_on_purpose(e: Entry) -> set[str]:
    """Placeholders a translator comment "placeholders dropped: {1}" says the Vietnamese leaves out on purpose
    (e.g. an English plural suffix); only positional brace placeholders may go, str.format ignores unused ones."""
    dropped: set[str] = set()
    for c in e.comments:
        m = re.match(r"placeholders dropped:\s*(.*)", c)
        if m:
            dropped |= {p for p in re.findall(r"\{\d*\}", m.group(1))}
    return dropped


def placeholder_problems(e: Entry) -> list[str]:
    problems = []
    dropped = dropped_on_purpose(e)
    named, positional = placeholders(e.msgid)
    wanted = (named, [p for p in positional if p not in dropped])
    for s in e.msgstr:
        if not s:
            continue
        got = placeholders(s)
        if e.msgid_plural is not None:
            # nplurals=1: the one form may follow the singular or the plural msgid.
            if got not in (wanted, placeholders(e.msgid_plural)):
                problems.append(f"{e.msgid!r}: placeholders {got} != {wanted}")
        elif got != wanted:
            problems.append(f"{e.msgid!r}: placeholders {got} != {wanted}")
    return problems


# --- the sources -------------------------------------------------------------------------------------

_GETTEXT_FUNCS = {"_", "gettext", "gettext_lazy", "ugettext", "ugettext_lazy", "gettext_noop", "ngettext",
                  "ngettext_lazy", "pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}


def module_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{module} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def _python_files(pkg: Path):
    for path in sorted(pkg.rglob("*.py")):
        rel = path.relative_to(pkg).parts
        if "tests" in rel or "migrations" in rel:
            continue
        yield path


def _python_messages(pkg: Path) -> tuple[list[Entry], set[str]]:
    """gettext calls with literal arguments in a package's code, and every string constant (to tell stale msgids)."""
    found: list[Entry] = []
    constants: set[str] = set()
    for path in _python_files(pkg):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except (SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constants.add(node.value)
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in _GETTEXT_FUNCS:
                continue
            args = node.args
            literal = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in args]
            ctxt = None
            if name.startswith(("pgettext", "npgettext")):
                if len(literal) < 2 or literal[0] is None:
                    continue
                ctxt, literal = literal[0], literal[1:]
            if not literal or literal[0] is None:
                continue
            plural = literal[1] if name.startswith(("ngettext", "npgettext")) and len(literal) > 1 else None
            found.append(Entry(msgid=literal[0], msgctxt=ctxt, msgid_plural=plural))
    return found, constants


def _template_text(pkg: Path) -> str:
    texts = [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(pkg.rglob("*.html"))]
    texts += [" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(pkg.rglob("*.txt"))]
    return "\n".join(texts)


def _still_used(e: Entry, constants: set[str], templates: str) -> bool:
    """Whether a msgid from an old catalog still occurs in the package (code constant, or template text)."""
    if e.msgid in constants:
        return True
    flat = " ".join(e.msgid.split())
    if flat in templates:
        return True
    chunks = [" ".join(c.split()) for c in re.split(r"%\(\w+\)[sd]|%[sd]|\n", e.msgid)]
    chunks = [c for c in chunks if len(c) >= 3]
    return bool(chunks) and all(c in templates for c in chunks)


def _python_format_flags(e: Entry) -> list[str]:
    text = e.msgid + (e.msgid_plural or "")
    if re.search(r"%(\(\w+\))?[-#0 +]*\d*(\.\d+)?[sdif]", text):
        return ["python-format"]
    if re.search(r"\{\w*(![rsa])?(:[^{}]*)?\}", text):
        return ["python-brace-format"]
    return []


def source_messages(module: str, domain: str = "django") -> list[Entry]:
    """Every msgid the installed package uses, in its catalog's order."""
    pkg = module_dir(module)
    locale = pkg / "locale"
    english_po = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
    if english_po.exists():
        return [Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural,
                      flags=[f for f in e.flags if f != "fuzzy"]) for e in read_po(english_po)[1]]
    from_catalogs: dict[Key, Entry] = {}
    for po in sorted(locale.glob(f"*/LC_MESSAGES/{domain}.po")):
        for e in read_po(po)[1]:
            from_catalogs.setdefault(e.key, Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural,
                                                  flags=[f for f in e.flags if f != "fuzzy"]))
    if not from_catalogs:
        for mo in sorted(locale.glob(f"*/LC_MESSAGES/{domain}.mo")):
            for e in read_mo(mo):
                from_catalogs.setdefault(e.key, Entry(msgid=e.msgid, msgctxt=e.msgctxt, msgid_plural=e.msgid_plural))
    if domain != "django":
        return list(from_catalogs.values())
    in_code, constants = _python_messages(pkg)
    templates = _template_text(pkg)
    result = [e for e in from_catalogs.values() if _still_used(e, constants, templates)]
    seen = {e.key for e in result}
    for e in in_code:
        if e.key not in seen:
            seen.add(e.key)
            result.append(e)
    for e in result:
        e.flags = e.flags or _python_format_flags(e)
    return result


def upstream_translations(domain: str = "django") -> dict[Key, str]:
    """What the installed Vietnamese catalogs already say (compiled .mo: fuzzy and empty entries are not there)."""
    found: dict[Key, str] = {}
    # The one a user sees: an app listed earlier in INSTALLED_APPS wins, Django's own catalog comes last.
    modules = [m for _, m in SOURCES[domain]]
    modules.sort(key=lambda m: (m == "django.conf", not m.startswith("django.contrib.")))
    for module in modules:
        for mo in sorted((module_dir(module) / "locale" / LANGUAGE / "LC_MESSAGES").glob(f"{domain}.mo")):
            for e in read_mo(mo):
                if all(e.msgstr):
                    found.setdefault(e.key, "\x00".join(e.msgstr))
    return found


# --- building --------------------------------------------------------------------------------------


@dataclass
class Plan:
    sections: list[tuple[str, list[Entry]]]
    added: list[Entry]
    dropped: list[Entry]  # no installed package uses the msgid any more
    untranslated: list[Entry]
    redundant: list[Entry]  # say just what the installed Vietnamese catalogs say


def plan(current: list[Entry], domain: str = "django") -> Plan:
    ours = {e.key: e for e in current}
    upstream = upstream_translations(domain)
    placed: set[Key] = set()
    sections, added, untranslated, redundant = [], [], [], []
    for title, module in SOURCES[domain]:
        entries = []
        for src in source_messages(module, domain):
            if src.key in placed:
                continue
            mine = ours.get(src.key)
            before = upstream.get(src.key)
            if before is not None and (mine is None or "\x00".join(mine.msgstr[:1]) == before):
                if mine is not None:
                    redundant.append(mine)
                placed.add(src.key)
                continue  # upstream translates it and we have nothing better
            placed.add(src.key)
            e = Entry(msgid=src.msgid, msgctxt=src.msgctxt, msgid_plural=src.msgid_plural, flags=list(src.flags))
            if mine is not None:
                e.msgstr = mine.msgstr[:1]  # nplurals=1
                e.comments = mine.comments
                e.flags += [f for f in mine.flags if f == "fuzzy"]
            else:
                added.append(e)
            if dropped_on_purpose(e):  # tell msgfmt too that the missing placeholder is intended
                e.flags = [f"no-{f}" if f.endswith("-format") and not f.startswith("no-") else f for f in e.flags]
            if before is not None:
                e.auto_comments = ["upstream: " + before.replace("\x00", " | ").replace("\n", "\\n")]
            if not e.translated:
                untranslated.append(e)
            entries.append(e)
        if entries:
            sections.append((title, entries))
    dropped = [e for e in current if e.key not in placed]
    return Plan(sections, added, dropped, untranslated, redundant)


def render_po(sections: list[tuple[str, list[Entry]]]) -> str:
    header = 'msgid ""\nmsgstr ""\n' + "".join(_quote(line) + "\n" for line in re.split(r"(?<=\n)", HEADER) if line)
    out = [HEADER_COMMENT + header]
    for title, entries in sections:
        out.append(f"# {'=' * 76}\n# {title}\n# {'=' * 76}\n")
        out += [format_entry(e) for e in entries]
    return "\n".join(out)


def msgfmt_check(po: Path) -> str | None:
    """Problems msgfmt finds (None when gettext is not installed)."""
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        return None
    run = subprocess.run([msgfmt, "--check-format", "--check-domain", "-o", "/dev/null", str(po)],
                         capture_output=True, text=True)
    return run.stderr.strip() if run.returncode else ""


# --- English: the project's own catalog -----------------------------------------------------------------------

ENGLISH_DIR = ROOT / "locale" / "en" / "LC_MESSAGES"
# What makemessages must not scan: the virtualenv, collected static files, tests, benchmarks, tools, data.
MAKEMESSAGES_IGNORE = [".venv", ".venv/*", "staticfiles/*", "static/*", "tests/*", "bench/*", "tools/*", "data/*",
                       "test-artifacts/*", ".test-data/*", "locale/*", "*/migrations/*"]


ENGLISH_HEADER = (
    "Project-Id-Version: sonduong-giam-ngheo\n"
    "Language: en\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=UTF-8\n"
    "Content-Transfer-Encoding: 8bit\n"
    "Plural-Forms: nplurals=2; plural=(n != 1);\n"
)
ENGLISH_HEADER_COMMENT = (
    "# English translation of the interface (the Vietnamese text is the msgid).\n"
    "# Refreshed by tools/build_locale.py (`make messages`): makemessages -l en keeps the translations; translate every\n"
    "# new entry (empty msgstr) here, then run `make messages` again to compile the .mo.\n"
)


def english_po() -> Path:
    return ENGLISH_DIR / "django.po"


def english_problems(entries: list[Entry]) -> list[str]:
    """Entries of the English catalog that are not ready: fuzzy, empty, or with placeholders that differ."""
    problems = []
    for e in entries:
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {e.msgid!r}")
        elif not e.translated:
            problems.append(f"untranslated: {e.msgid!r}")
        else:
            problems += [f"placeholder mismatch: {msg}" for msg in _english_placeholder_problems(e)]
    return problems


def _english_placeholder_problems(e: Entry) -> list[str]:
    if "no-python-format" in e.flags:  # a "%" that is not a placeholder ("50 % so với")
        return []
    def real(text: str) -> tuple[list[str], list[str]]:  # "%%" (a literal percent sign) need not be kept
        named, positional = placeholders(text)
        return named, [p for p in positional if p != "%%"]

    wanted = [real(e.msgid)] + ([real(e.msgid_plural)] if e.msgid_plural else [])
    return [f"{e.msgid!r}: {real(s)} not in {wanted}" for s in e.msgstr if real(s) not in wanted]


def _clear_fuzzy(po: Path) -> int:
    """msgmerge guesses a new msgid's translation from a similar one and marks it fuzzy: clear the guess (and the
    "#|" previous msgid) so that the entry shows as untranslated until someone translates it."""
    text = po.read_text(encoding="utf-8")
    # The header: ours, fixed (makemessages writes a template header marked fuzzy, with the time of the run).
    first = re.search(r'^msgid ""\nmsgstr ""\n(?:".*"\n)*', text, re.M)
    text = ENGLISH_HEADER_COMMENT + 'msgid ""\nmsgstr ""\n' + "".join(
        _quote(line) + "\n" for line in re.split(r"(?<=\n)", ENGLISH_HEADER) if line) + text[first.end():]
    blocks = re.split(r"(\n\s*\n)", text)
    cleared = 0
    for i, block in enumerate(blocks):
        lines = block.splitlines()
        if not any(line.startswith("#,") and "fuzzy" in line for line in lines):
            continue
        out, in_msgstr = [], False
        for line in lines:
            if line.startswith("#|"):
                continue
            if line.startswith("#,"):
                flags = [f.strip() for f in line[2:].split(",") if f.strip() and f.strip() != "fuzzy"]
                if flags:
                    out.append("#, " + ", ".join(flags))
                continue
            if line.startswith("msgstr"):
                in_msgstr = True
                out.append(re.sub(r'\s+".*"$', ' ""', line))
                continue
            if in_msgstr and line.startswith('"'):
                continue
            in_msgstr = False
            out.append(line)
        blocks[i] = "\n".join(out) + ("\n" if block.endswith("\n") else "")
        cleared += 1
    po.write_text("".join(blocks), encoding="utf-8")
    return cleared


def build_english(*, check: bool = False, compile_only: bool = False) -> bool:
    """Refresh (makemessages), compile and check locale/en; True when something needs attention."""
    po, mo = english_po(), ENGLISH_DIR / "django.mo"
    if not check and not compile_only:
        ENGLISH_DIR.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--no-location",
                   "--no-wrap", "-e", "html,txt,py"]
        for pattern in MAKEMESSAGES_IGNORE:
            command += ["--ignore", pattern]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        if run.returncode:
            raise SystemExit(f"makemessages failed:\n{run.stdout}{run.stderr}")
        cleared = _clear_fuzzy(po)
        if cleared:
            print(f"{po.relative_to(ROOT)}: cleared {cleared} fuzzy guesses of msgmerge (translate them)")
    if not po.exists():
        print(f"{po.relative_to(ROOT)} is missing: run `make messages`")
        return True
    header, entries = read_po(po)
    problems = english_problems(entries)
    print(f"--- {po.relative_to(ROOT)}: {len(entries)} entries, {sum(e.translated for e in entries)} translated")
    for msg in problems:
        print(f"  {msg}")
    if check:
        mo_stale = not mo.exists() or load_mo(mo.read_bytes()) != load_mo(compile_mo(header, entries))
        if mo_stale:
            print(f"{mo.relative_to(ROOT)} differs from its .po: run `make messages`")
        return bool(problems or mo_stale)
    mo.write_bytes(compile_mo(header, entries))
    complaint = msgfmt_check(po)
    if complaint:
        print("msgfmt --check:\n" + complaint)
    print(f"wrote {mo.relative_to(ROOT)}")
    return bool(problems or complaint)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 when anything is out of step")
    mode.add_argument("--compile", action="store_true", help="only compile the .po into the .mo")
    args = parser.parse_args(argv)

    failed = False
    for domain in SOURCES:
        failed |= build(domain, check=args.check, compile_only=args.compile)
    failed |= build_english(check=args.check, compile_only=args.compile)
    return 1 if failed else 0


def build(domain: str, *, check: bool = False, compile_only: bool = False) -> bool:
    """Update (or with check, only verify) one domain's .po and .mo; True when something needs attention."""
    po, mo = po_path(domain), mo_path(domain)
    header, current = read_po(po) if po.exists() else (HEADER, [])
    if compile_only:
        mo.write_bytes(compile_mo(header, current))
        print(f"{mo.relative_to(ROOT)}: {sum(e.translated for e in current)} messages")
        return False

    p = plan(current, domain)
    text = render_po(p.sections)
    entries = [e for _, section in p.sections for e in section]
    problems = [msg for e in entries for msg in placeholder_problems(e)]
    print(f"--- {po.relative_to(ROOT)}")
    for title, section in p.sections:
        overrides = sum(bool(e.auto_comments) for e in section)
        print(f"{title}: {len(section)} entries ({overrides} replacing an upstream translation)")
    print(f"total {len(entries)}; added {len(p.added)}, dropped {len(p.dropped)}, untranslated {len(p.untranslated)}")
    for e in p.dropped:
        print(f"  dropped (no installed package uses it): {e.msgid!r}")
    for e in p.redundant:
        print(f"  dropped (the installed catalogs already say the same): {e.msgid!r}")
    for e in p.untranslated:
        print(f"  untranslated: {e.msgid!r}")
    for msg in problems:
        print(f"  placeholder mismatch: {msg}")

    if check:
        stale = not po.exists() or po.read_text(encoding="utf-8") != text
        mo_stale = not mo.exists() or load_mo(mo.read_bytes()) != load_mo(compile_mo(header, current))
        if stale:
            print(f"{po.relative_to(ROOT)} is out of step with the installed packages: run `make messages`")
        if mo_stale:
            print(f"{mo.relative_to(ROOT)} differs from its .po: run `make messages`")
        return bool(stale or mo_stale or p.untranslated or problems or p.redundant)

    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    po.write_text(text, encoding="utf-8")
    header, compiled = read_po(po)
    mo.write_bytes(compile_mo(header, compiled))
    complaint = msgfmt_check(po)
    if complaint:
        print("msgfmt --check:\n" + complaint)
    with mo.open("rb") as fh:  # the compiled catalog must load and hold every translated entry
        loaded = gettext.GNUTranslations(fh)
    if len([k for k in loaded._catalog if k]) < sum(e.translated for e in compiled):
        raise SystemExit(f"{mo}: compiled catalog lost entries")
    print(f"wrote {po.relative_to(ROOT)} and {mo.relative_to(ROOT)}")
    return bool(p.untranslated or problems or complaint)


if __name__ == "__main__":
    sys.exit(main())
