"""safe_path: a ``next`` parameter may only lead to a path of this site."""

from __future__ import annotations

from urllib.parse import urljoin

from hypothesis import given
from hypothesis import strategies as st

from propintel.web.redirects import safe_path

SITE = "https://propintel.example/somewhere/page"


def test_site_paths_are_kept() -> None:
    for path in ("/", "/leads", "/search?zip=33101&page=2", "/a/b#c"):
        assert safe_path(path) == path


@given(st.text(max_size=40))
def test_the_result_never_leaves_the_site(target: str) -> None:
    result = safe_path(target, default="/dashboard")
    # As a browser would resolve it (after dropping the tabs and newlines it ignores, and reading
    # backslashes as slashes): the same host.
    cleaned = "".join(c for c in result if c not in "\t\n\r").replace("\\", "/")
    assert urljoin(SITE, cleaned).startswith("https://propintel.example/")
    assert result == target or result == "/dashboard"
