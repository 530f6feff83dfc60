"""Sign-in codes: ``ABCD-EFGH-JKMN``, found by their first group, checked with argon2 against a stored hash.

The first four characters (the selector) are stored as they are so that a code is looked up in one
query; the other eight are the secret, stored only as an argon2id hash (argon2-cffi). The alphabet
leaves out 0/O, 1/I/L so that a code read aloud or copied from paper comes out right.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from .db import Code, Failure

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
SELECTOR_LENGTH = 4
SECRET_LENGTH = 8
#: argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): a code's secret part is 40
#: random bits and guessing is slowed per address, so the heavier default (64 MiB) only made 50
#: schools signing in at once wait on each other.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY = _HASHER.hash("x" * SECRET_LENGTH)

#: Failed sign-ins allowed from one address before each further try must wait.
FREE_FAILURES = 5
#: The wait after those, in seconds; it doubles with every further failure.
FIRST_WAIT = 30
#: The longest wait between tries, in seconds.
MAX_WAIT = 300


def new_code() -> tuple[str, str, str]:
    """A fresh code as shown (``ABCD-EFGH-JKMN``), its selector and its secret part."""
    selector = "".join(secrets.choice(ALPHABET) for _ in range(SELECTOR_LENGTH))
    secret = "".join(secrets.choice(ALPHABET) for _ in range(SECRET_LENGTH))
    raw = selector + secret
    return "-".join(raw[i:i + 4] for i in range(0, len(raw), 4)), selector, secret


def normalise(text: str) -> str:
    """What a person typed, as the code's characters: case, spaces and dashes do not matter."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def issue(s: Session, role: str, subject: str) -> str:
    """Replace every code of ``subject`` by a new one (in ``s``'s transaction); return the new code."""
    s.execute(delete(Code).where(Code.role == role, Code.subject == subject))
    while True:
        shown, selector, secret = new_code()
        if s.get(Code, selector) is None:
            break
    s.add(Code(selector=selector, hash=_HASHER.hash(secret), role=role, subject=subject))
    return shown


def check(s: Session, typed: str) -> Code | None:
    """The code a person typed, if it is a current one (the same argon2 work is done when it is not)."""
    raw = normalise(typed)
    found = s.get(Code, raw[:SELECTOR_LENGTH]) if len(raw) == SELECTOR_LENGTH + SECRET_LENGTH else None
    try:
        _HASHER.verify(found.hash if found is not None else _DUMMY, raw[SELECTOR_LENGTH:])
    except (VerificationError, InvalidHashError):
        return None
    return found


def wait_seconds(s: Session, client: str, now: dt.datetime) -> int:
    """How long ``client`` must still wait before trying again (0: it may try now)."""
    row = s.get(Failure, client)
    if row is None or row.count < FREE_FAILURES:
        return 0
    wait = min(FIRST_WAIT * 2 ** (row.count - FREE_FAILURES), MAX_WAIT)
    left = (row.last_at + dt.timedelta(seconds=wait) - now).total_seconds()
    return max(0, int(left + 0.999))


def record_failure(s: Session, client: str, now: dt.datetime) -> None:
    row = s.get(Failure, client)
    if row is None:
        s.add(Failure(client=client, count=1, last_at=now))
    else:
        # a quiet hour forgives earlier mistakes
        row.count = 1 if now - row.last_at > dt.timedelta(hours=1) else row.count + 1
        row.last_at = now


def clear_failures(s: Session, client: str) -> None:
    s.execute(delete(Failure).where(Failure.client == client))


def codes_of(s: Session, role: str) -> set[str]:
    return set(s.scalars(select(Code.subject).where(Code.role == role)))
