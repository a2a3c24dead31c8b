"""What every chart shares: escaping, the <svg> element, number formatting."""
import re
from html import escape

FONT = "DejaVu Sans, Verdana, sans-serif"
INK = "#1f2933"
MUTED = "#52606d"
BAR = "#2f7d4f"


# Characters XML 1.0 does not allow at all (escaped or not): a control character in a name must not break the page.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def esc(value) -> str:
    """Text safe inside an SVG element or attribute value."""
    return escape(NOT_XML.sub("", str(value)), quote=True)


def plain_number(value) -> str:
    """1234 -> '1,234'; 0.1234 -> '12.3 %' is the caller's business (pass `fmt`)."""
    if isinstance(value, float):
        return f"{value:,.1f}"
    return f"{value:,}"


def svg_open(width: float, height: float, label: str, css_class: str) -> str:
    """The opening <svg> of a chart: sized by its viewBox, an image to assistive technology, named by `label`."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {esc(css_class)}" viewBox="0 0 {width:g} {height:g}" '
        f'width="{width:g}" height="{height:g}" role="img" aria-label="{esc(label)}" '
        f'font-family="{FONT}" font-size="12" fill="{INK}"><title>{esc(label)}</title>'
    )
