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


def absolute(site_url: str | None, path: str) -> str:
    """Absolute address of ``path`` on the site; empty when no site address is known."""
    if not site_url:
        return ""
    base = site_url.strip()
    if not base.startswith(("http://", "https://")):
        raise GongyuError(f"网站地址“{base}”不完整：请写成以 http:// 或 https:// 开头的完整地址，例如 https://gongyu.example.org/")
    return base.rstrip("/") + "/" + path.lstrip("/")


_PLACEHOLDER = re.compile(r"(^|\.)(example)(\.[a-z.]+)?$|^localhost$|^127\.")


def is_placeholder(site_url: str | None) -> bool:
    """True for an address no reader can reach: ``*.example.*`` (RFC 2606), localhost or none."""
    if not site_url:
        return True
    host = (urlsplit(site_url.strip()).hostname or "").lower()
    return not host or bool(_PLACEHOLDER.search(host))


def placeholder_warning(site_url: str | None) -> str:
    """The Chinese warning printed while QR codes would point at a placeholder address."""
    shown = site_url or "（未设置）"
    return (f"注意：网站地址 site_url 是 {shown}，这是示例地址，打印材料上的二维码扫出来打不开。"
            "正式使用前请在 mkdocs.yml 中把 site_url 改成本站的真实地址，或用 --site-url 指定。")
