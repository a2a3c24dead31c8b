"""Reading rendered pages in view tests: visible text, flash messages, a field's error."""
import re


def text(response) -> str:
    """The page's visible text, tags removed, whitespace collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def flashes(response) -> list[str]:
    return [re.sub(r"\s+", " ", m) for m in re.findall(r'<p class="flash [^"]*" role="status">(.*?)</p>', response.content.decode(), re.S)]


def field_error(response, field) -> str | None:
    found = re.search(rf'id="id_{field}_error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1))).strip() if found else None
