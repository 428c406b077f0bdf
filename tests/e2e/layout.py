"""How wide a page is on a phone, measured the one way every browser test uses."""

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}

# Elements wider than the screen, or reaching past its right edge, outside a box that clips
# or scrolls them (a map's panes, a .table-scroll region).
TOO_WIDE = """() => {
  const limit = document.documentElement.clientWidth + 0.5;
  const clipped = (node) => {
    for (let up = node.parentElement; up && up !== document.body; up = up.parentElement) {
      const overflow = getComputedStyle(up).overflowX;
      if (overflow !== 'visible') { return true; }
    }
    return false;
  };
  const wide = [];
  for (const node of document.body.querySelectorAll('*')) {
    const box = node.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) { continue; }
    if ((box.right > limit || box.width > limit) && !clipped(node)) {
      const name = node.tagName.toLowerCase() + (node.id ? '#' + node.id : '') +
        (node.className && typeof node.className === 'string'
          ? '.' + node.className.trim().split(/\\s+/).join('.') : '');
      wide.push(name + ' ' + Math.round(box.width) + 'px to ' + Math.round(box.right));
    }
  }
  return wide.slice(0, 5);
}"""


def page_width(page) -> int:
    """The page's scroll width once it and its stylesheet have loaded: a click returns when
    the next page starts, and a busy machine measured it unstyled (an SVG, textareas and
    tables at their natural width)."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")


def too_wide(page) -> list[str]:
    """What widened the page: the first five elements past the right edge of the screen."""
    return page.evaluate(TOO_WIDE)
