"""``gongyu web``: who may open each route. Every route of the app is listed here; a new one without
an entry fails :func:`test_every_route_has_an_access_rule`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from .web_helpers import County, csrf, form_of, make_county, sign_in

OWN, OTHER, PLAN = "qingshan-xiaoxue", "school-2", "kongchuo-baoxue"
ROLES = ("anonymous", "school", "admin")

#: endpoint → method, URL, and the status each role gets (school: signed in as OWN; for routes of a
#: school the URL names OWN, and ``other`` is the status for the same URL naming OTHER).
RULES: dict[str, tuple[str, str, dict[str, int]]] = {
    "index": ("GET", "/", {"anonymous": 200, "school": 302, "admin": 302}),
    "signin": ("POST", "/signin", {"anonymous": 401, "school": 401, "admin": 401}),
    "signout": ("POST", "/signout", {"anonymous": 302, "school": 302, "admin": 302}),
    "school_page": ("GET", "/s/{school}/", {"anonymous": 302, "school": 200, "other": 403, "admin": 200}),
    "school_plan": ("GET", f"/s/{{school}}/plan/{PLAN}", {"anonymous": 302, "school": 200, "other": 403, "admin": 200}),
    "school_xingshili": ("GET", "/s/{school}/xingshili", {"anonymous": 302, "school": 200, "other": 403, "admin": 200}),
    "school_pack": ("GET", "/s/{school}/pack.zip", {"anonymous": 302, "school": 200, "other": 403, "admin": 200}),
    "county_page": ("GET", "/county/", {"anonymous": 302, "school": 403, "admin": 200}),
    "county_summary": ("GET", "/county/summary.xlsx", {"anonymous": 302, "school": 403, "admin": 200}),
    "county_packs": ("GET", "/county/packs.zip", {"anonymous": 302, "school": 403, "admin": 200}),
    "county_code": ("POST", "/county/school/{school}/code", {"anonymous": 302, "school": 403, "other": 403, "admin": 200}),
    "county_import": ("POST", "/county/import", {"anonymous": 302, "school": 403, "admin": 400}),
    "county_audit": ("GET", "/county/audit", {"anonymous": 302, "school": 403, "admin": 200}),
    "static": ("GET", "/static/web.css", {"anonymous": 200, "school": 200, "admin": 200}),
}
#: The POST side of routes that take both methods (a school's form).
POSTS: dict[str, tuple[str, dict[str, int]]] = {
    "school_page": ("/s/{school}/", {"anonymous": 302, "school": 303, "other": 403, "admin": 303}),
}


@pytest.fixture(scope="module")
def county(tmp_path_factory: pytest.TempPathFactory, web_corpus: Any) -> Iterator[County]:
    found = make_county(tmp_path_factory.mktemp("web-access"), web_corpus)
    # both schools saved once, so that previews and packs exist
    for school_id, code in found.codes.items():
        client = found.app.test_client()
        sign_in(client, code)
        assert client.post(f"/s/{school_id}/", data=form_of(client, school_id)).status_code == 303
    yield found
    found.app.extensions["gongyu"]["packs"].close()


def client_for(county: County, role: str) -> Any:
    client = county.app.test_client()
    if role == "school":
        assert sign_in(client, county.codes[OWN]).status_code == 302
    elif role == "admin":
        assert sign_in(client, county.admin_code).status_code == 302
    return client


def test_every_route_has_an_access_rule(county: County) -> None:
    endpoints = {rule.endpoint for rule in county.app.url_map.iter_rules()}
    assert endpoints == set(RULES), f"routes without an access test: {endpoints - set(RULES)}; stale: {set(RULES) - endpoints}"
    for rule in county.app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"HEAD", "OPTIONS"}
        expected = {RULES[rule.endpoint][0]} | ({"POST"} if rule.endpoint in POSTS else set())
        assert methods == expected, rule


@pytest.mark.parametrize("endpoint", sorted(RULES))
@pytest.mark.parametrize("role", ROLES)
def test_route_access(county: County, endpoint: str, role: str) -> None:
    method, url, expected = RULES[endpoint]
    client = client_for(county, role)
    targets = [(url.format(school=OWN), expected[role])]
    if "{school}" in url and role == "school":
        targets.append((url.format(school=OTHER), expected["other"]))
    for target, status in targets:
        if method == "GET":
            response = client.get(target)
        else:
            data = {"csrf_token": csrf(client)}
            extra: dict[str, Any] = {}
            if endpoint == "signin":
                # a wrong code, from an address of its own (failures from one address slow it down)
                data["code"] = "WRONG-CODE-0000"
                extra["environ_base"] = {"REMOTE_ADDR": "10.0.0.1"}
            response = client.post(target, data=data, **extra)
            if endpoint == "county_code" and status == 200:
                # the school's old code is void now: the other tests sign in with the new one
                county.codes[OWN] = re.search(r'id="new-code">([^<]+)<', response.get_data(as_text=True)).group(1)
        assert response.status_code == status, (endpoint, role, target, response.get_data(as_text=True)[:300])
        if status == 302 and role == "anonymous" and endpoint not in ("index", "signout", "signin"):
            assert response.headers["Location"].endswith("/")
        if status == 403:
            # nothing of the other school leaks into the refusal
            assert "青山县第2小学" not in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", sorted(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_form_posts(county: County, endpoint: str, role: str) -> None:
    url, expected = POSTS[endpoint]
    client = client_for(county, role)
    db = county.app.extensions["gongyu"]["db"]
    targets = [(OWN, expected[role])] + ([(OTHER, expected["other"])] if role == "school" else [])
    for school_id, status in targets:
        if role == "anonymous":
            data = {"csrf_token": csrf(client), "name": "改名"}
        elif status == 403:
            data = {**form_of(client, OWN), "name": "冒名学校"}
        else:
            data = form_of(client, school_id)
        before = db.school(school_id)
        response = client.post(url.format(school=school_id), data=data)
        assert response.status_code == status, (role, school_id, response.get_data(as_text=True)[:300])
        after = db.school(school_id)
        if status != 303:
            assert (after.profile, after.version) == (before.profile, before.version)


@pytest.mark.parametrize("endpoint", sorted(e for e, r in RULES.items() if r[0] == "POST") + sorted(POSTS))
@pytest.mark.parametrize("role", ROLES)
def test_posts_without_csrf_token_are_refused(county: County, endpoint: str, role: str) -> None:
    url = RULES[endpoint][1] if RULES[endpoint][0] == "POST" else POSTS[endpoint][0]
    client = client_for(county, role)
    response = client.post(url.format(school=OWN), data={"code": county.codes[OWN], "name": "x"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite(county: County) -> None:
    client = county.app.test_client()
    response = sign_in(client, county.codes[OWN])
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert county.codes[OWN].replace("-", "") not in cookie


def test_no_page_loads_anything_from_another_host(county: County) -> None:
    client = client_for(county, "admin")
    for url in ("/", "/county/", f"/s/{OWN}/", f"/s/{OWN}/xingshili", f"/s/{OWN}/plan/{PLAN}", "/county/audit"):
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert not re.search(r'(src|href|action)="(https?:)?//', page), url
