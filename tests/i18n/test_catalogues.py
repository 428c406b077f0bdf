"""The Dutch and French catalogues are complete: no untranslated or fuzzy entry, and every
translation keeps the placeholders of its English msgid. (`make makemessages` refreshes them;
`make messages` compiles them.)"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent.parent / "locale"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False
    line: int = 0


def parse_po(path: Path) -> list[Entry]:
    """A small reader for gettext .po files (as written by makemessages)."""
    entries: list[Entry] = []
    entry, target = Entry(), None

    def finish():
        nonlocal entry
        if target is not None:
            entries.append(entry)
        entry = Entry()

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            finish()
            target = None
        elif line.startswith("#~"):
            entry.obsolete = True
        elif line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        else:
            keyword, _, rest = line.partition(" ")
            if line.startswith('"'):
                value = ast.literal_eval(line)
                keyword = None
            else:
                value = ast.literal_eval(rest)
            if keyword == "msgid":
                target, entry.line = ("msgid", None), number
                entry.msgid = value
            elif keyword == "msgid_plural":
                target = ("msgid_plural", None)
                entry.msgid_plural = value
            elif keyword == "msgstr":
                target = ("msgstr", 0)
                entry.msgstr[0] = value
            elif keyword and keyword.startswith("msgstr["):
                index = int(keyword[7:-1])
                target = ("msgstr", index)
                entry.msgstr[index] = value
            elif keyword is None and target:
                name, index = target
                if name == "msgstr":
                    entry.msgstr[index] += value
                elif name == "msgid":
                    entry.msgid += value
                else:
                    entry.msgid_plural += value
    finish()
    return [e for e in entries if e.msgid and not e.obsolete]


def catalogue(language: str) -> list[Entry]:
    return parse_po(LOCALE / language / "LC_MESSAGES" / "django.po")


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_message_is_translated_and_none_is_fuzzy(language):
    entries = catalogue(language)
    assert len(entries) > 200  # the parser really read the catalogue

    untranslated = [e.msgid for e in entries if not all(e.msgstr.values())]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_plural_messages_have_both_forms(language):
    for entry in catalogue(language):
        if entry.msgid_plural is not None:
            assert sorted(entry.msgstr) == [0, 1], entry.msgid


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_translations_keep_the_placeholders(language):
    for entry in catalogue(language):
        for index, translation in entry.msgstr.items():
            source = entry.msgid_plural if index and entry.msgid_plural else entry.msgid
            expected = sorted(PLACEHOLDER.findall(source))
            found = sorted(PLACEHOLDER.findall(translation))
            if entry.msgid_plural is not None and "%(count)d" not in translation:
                # A singular may spell the number out ("één organisatie").
                expected = [p for p in expected if p != "%(count)d"]
                found = [p for p in found if p != "%(count)d"]
            assert found == expected, (entry.line, entry.msgid, translation)


def test_the_reader_parses_fuzzy_and_plural_entries(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "A %(x)s"\nmsgstr "Een %(x)s"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] ""\n\n'
        'msgid ""\n"long "\n"text"\nmsgstr ""\n\n'
        '#~ msgid "old"\n#~ msgstr "oud"\n',
        encoding="utf-8",
    )

    entries = parse_po(po)

    assert [e.msgid for e in entries] == ["A %(x)s", "one", "long text"]
    assert entries[0].flags == {"fuzzy", "python-format"}
    assert entries[1].msgstr == {0: "een", 1: ""}
    assert entries[2].msgstr == {0: ""}
