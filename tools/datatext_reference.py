"""Write households/datatext_reference.py: the texts of the reference data (YAML files) a screen shows, each
marked with gettext_noop so that `make messages` (tools/build_locale.py) puts them in the English catalog.

    .venv/bin/python tools/datatext_reference.py          # rewrite the module
    .venv/bin/python tools/datatext_reference.py --check  # exit 1 when the module is out of step with the YAML

The texts are written as the loaders store them (NFC, runs of spaces as one): the screens look the stored text up
in the catalog (households.datatext.translate_data). Run it after editing a YAML file, then `make messages` and
translate the new entries of locale/en.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from households.text import nfc_line  # noqa: E402

TARGET = ROOT / "households" / "datatext_reference.py"

# (file, what is taken from it): the fields the screens show. Official-document texts of the reporting chain
# (header lines, signatures) stay out: only the Word reports print them, in Vietnamese.
SOURCES = {
    "households/data/standards.yaml": lambda d: [
        *d.get("dimensions", {}).values(),
        *[s.get(k) for s in d["standards"] for k in ("name", "legal_basis", "note")],
        *[i.get(k) for s in d["standards"] for i in s.get("indicators", []) for k in ("name", "condition")],
    ],
    "households/data/review_lists.yaml": lambda d: [row["name"] for key in ("causes", "needs") for row in d.get(key, [])],
    "reporting/data/report_kinds.yaml": lambda d: [
        row.get(k) for row in d["report_kinds"] for k in ("name", "short_name", "legal_basis")],
    "reporting/data/reporting_chain.yaml": lambda d: [
        *[row.get(k) for row in d["reporting_chain"] for k in ("note", "basis_note")],
        # the recipients, one by one, as the reminders name them ("Gửi: …")
        *[r.strip() for row in d["reporting_chain"] for r in (row.get("recipients") or "").split(";")],
    ],
}

HEADER = '''"""The texts of the reference data that screens show, for the translation catalog (written by
tools/datatext_reference.py from the YAML files: do not edit by hand, run the tool after editing a YAML file).

The database keeps them in Vietnamese; households.datatext.translate_data looks them up in the catalog."""
from django.utils.translation import gettext_noop

MESSAGES = (
'''


def texts() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, take in SOURCES.items():
        data = yaml.safe_load((ROOT / name).read_text(encoding="utf-8")) or {}
        rows = []
        for value in take(data):
            text = nfc_line(value) if isinstance(value, str) else None
            if text and text not in seen:
                seen.add(text)
                rows.append(text)
        out[name] = rows
    return out


def render() -> str:
    body = []
    for name, rows in texts().items():
        body.append(f"    # {name}\n")
        body += [f"    gettext_noop({text!r}),\n" for text in rows]
    return HEADER + "".join(body) + ")\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when the module is out of step")
    args = parser.parse_args(argv)
    text = render()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != text:
            print(f"{TARGET.relative_to(ROOT)} is out of step with the YAML files: run tools/datatext_reference.py")
            return 1
        return 0
    if current != text:
        TARGET.write_text(text, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
