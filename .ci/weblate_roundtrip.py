"""Weblate's parser on Salama's message files: see .ci/weblate-roundtrip."""
import glob
import io
import os
import sys

sys.path.insert(0, sys.argv[1])
from translate.misc.multistring import multistring  # noqa: E402
from translate.storage.toml import GoI18nTOMLFile  # noqa: E402

src, out = sys.argv[2], sys.argv[3]
failures = 0
base = {}


def load(path, tag):
    f = GoI18nTOMLFile()
    f.settargetlanguage(tag)
    with open(path, "rb") as fh:
        data = fh.read()
    f.parse(data)
    return f, data


paths = sorted(glob.glob(os.path.join(src, "*.*.toml")), key=lambda p: (".en." not in p, p))
for path in paths:
    name = os.path.basename(path)
    kind, tag = name.split(".")[:2]
    f, data = load(path, tag)
    units = {u.getid(): u for u in f.units}
    tables = sum(1 for line in data.decode().splitlines() if line.startswith("["))
    saved = io.BytesIO()
    f.serialize(saved)
    problems = []
    if saved.getvalue() != data:
        problems.append("a save with no edit changed the bytes")
    if tag == "en":
        base[kind] = units
        if len(units) != tables:
            problems.append(f"{len(units)} units for {tables} messages")
        plural = [u for u in units.values() if u.hasplural()]
    else:
        extra = set(units) - set(base[kind])
        if extra:
            problems.append(f"units not in the base: {sorted(extra)[:3]}")
        plural = [u for u in units.values() if u.hasplural()]
    # edit one unit, and a plural one, as a translator would, and save
    unit = next((u for u in f.units if u.target), f.units[0])
    unit.target = (unit.target or "") + " ✎ \"edited\""
    for u in plural[:1]:
        u.target = multistring([s + " ✎" for s in u.target.strings])
    edited = io.BytesIO()
    f.serialize(edited)
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(edited.getvalue())
    status = "ok" if not problems else "FAIL: " + "; ".join(problems)
    edits = ", ".join([unit.getid()] + [u.getid() for u in plural[:1]])
    print(f"{name}: {len(units)} units ({len(plural)} plural), edited {edits}: {status}")
    failures += bool(problems)
print(f"{len(paths) - failures} passed, {failures} failed")
sys.exit(1 if failures else 0)
