"""Every address the site uses, in one place: page sources, downloads and absolute links (QR codes).

Pages are written as ``<section>/<id>.md`` and served as ``<section>/<id>/`` (MkDocs's directory
URLs); downloads live under ``print/``, ``packs/`` and ``plans/<id>/``. Printed QR codes need the
absolute address, made from ``site_url``.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import GongyuError

#: The site section of each kind of generated page.
SECTIONS = {"course": "courses", "lesson": "lessons", "plan": "plans", "form": "forms"}


def page_source(kind: str, item_id: str) -> str:
    """The Markdown source path of a generated page, e.g. ``lessons/<id>.md``."""
    return f"{SECTIONS[kind]}/{item_id}.md"


def page_path(kind: str, item_id: str) -> str:
    """The served path of a generated page, e.g. ``lessons/<id>/``."""
    return f"{SECTIONS[kind]}/{item_id}/"


def lesson_printable(lesson_id: str, name: str) -> str:
    return f"print/lessons/{lesson_id}/{name}"


def form_printable(form_id: str) -> str:
    return f"print/forms/{form_id}.pdf"


def school_pack(school_id: str) -> str:
    return f"packs/{school_id}.zip"


def plan_draft(plan_id: str, suffix: str) -> str:
    return f"plans/{plan_id}/{plan_id}-draft{suffix}"


def timeline(plan_id: str) -> str:
    return f"plans/{plan_id}/timeline.svg"


def short_link(lesson_id: str) -> str:
    """The short address printed as a lesson's QR code, ``k/<id>/``: a redirect page to the lesson.

    Fewer characters make a smaller QR symbol (fewer modules), which scans better from a worn copy.
    """
    return f"k/{lesson_id}/"


def absolute(site_url: str | None, path: str) -> str:
    """Absolute address of ``path`` on the site; empty when no site address is known."""
    if not site_url:
        return ""
    base = site_url.strip()
    if not base.startswith(("http://", "https://")):
        raise GongyuError(f"网站地址“{base}”不完整：请写成以 http:// 或 https:// 开头的完整地址，例如 https://gongyu.example.org/")
    return base.rstrip("/") + "/" + path.lstrip("/")


#: Host names no reader can reach or that we cannot own: RFC 2606 / RFC 6761 reserved names
#: (``example``, ``.example``, ``.test``, ``.invalid``, ``.localhost``), ``example.<any tld>`` (e.g.
#: ``example.cn`` is *not* reserved: anyone may register it), local names and loopback addresses.
_PLACEHOLDER = re.compile(
    r"(^|\.)example(\.[a-z0-9.-]+)?$"
    r"|(^|\.)(test|invalid|localhost|local|lan|internal|home\.arpa)$"
    r"|^localhost$|^127\.|^0\.0\.0\.0$|^::1?$|^\[?::1\]?$"
)

#: The setting that holds the site's address, as the user writes it.
SETTING = "mkdocs.yml 的 site_url（或命令行的 --site-url）"


def is_placeholder(site_url: str | None) -> bool:
    """True for an address no reader can reach or we do not control: none, ``*.example.*``, localhost …"""
    if not site_url or not site_url.strip():
        return True
    try:
        host = (urlsplit(site_url.strip()).hostname or "").lower().rstrip(".")
    except ValueError:
        return True
    return not host or bool(_PLACEHOLDER.search(host))


def qr_target(site_url: str | None, path: str) -> str:
    """The address a printed QR code may carry: ``path`` on the site, or "" for an unset/placeholder site.

    A printable never carries a code to an address we do not control; the template prints a
    「网址未设置」 box instead.
    """
    if is_placeholder(site_url):
        return ""
    return absolute(site_url, path)


def placeholder_warning(site_url: str | None) -> str:
    """The Chinese warning printed while the site's address is unset or a placeholder."""
    shown = f"“{site_url.strip()}”" if site_url and site_url.strip() else "没有设置"
    return (f"注意：网站地址 site_url {shown}，不是本站能控制的地址，打印材料上不印二维码，改印“网址未设置”方框。"
            "网站发布后，请把 mkdocs.yml 中的 site_url 改成本站的真实地址（或生成时加 --site-url 网址），再重新生成。")
