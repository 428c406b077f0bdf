"""A small HTML tree for tests, built with the standard library's parser (as a browser reads the
markup; no dependency): find elements by tag, attributes, class or text, read attributes and
text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    def get(self, name: str, default=None):
        return self.attrs.get(name, default)

    def __getitem__(self, name: str) -> str:
        return self.attrs[name]

    def __getattr__(self, tag: str) -> Element | None:
        if tag.startswith("_"):
            raise AttributeError(tag)
        return self.find(tag)

    def _matches(self, tag, attrs, class_, string) -> bool:
        if tag and self.tag != tag:
            return False
        if class_ and class_ not in (self.attrs.get("class") or "").split():
            return False
        if any(self.attrs.get(k) != v for k, v in (attrs or {}).items()):
            return False
        if string is not None:
            text = self.text
            return bool(string.search(text)) if isinstance(string, re.Pattern) else text == string
        return True

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, attrs=None, class_=None, string=None) -> list[Element]:
        return [e for e in self.iter() if e._matches(tag, attrs, class_, string)]

    def find(self, tag=None, attrs=None, class_=None, string=None) -> Element | None:
        found = self.find_all(tag, attrs, class_, string)
        return found[0] if found else None


class _Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("[document]", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        element = self.current
        while element is not None and element.tag != tag:
            element = element.parent
        if element is not None and element.parent is not None:
            self.current = element.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str | bytes) -> Element:
    builder = _Builder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root
