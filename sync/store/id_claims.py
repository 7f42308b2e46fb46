"""Incident ids claimed by ``pmsync new`` in the state database (the I/O edge of authoring).

A claim is one row in ``incident_id_claims``, whose primary key is the id: of two runs that pick
the same next id at the same moment, one insert wins and the other moves on to the next number.
Ids the store already knows from synced documents (``postmortems.incident_id``) count as taken too.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from sync.errors import StateError
from sync.store import tables
from sync.store.boundary import state_errors

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 1000


@state_errors
def known_ids(engine: Engine) -> list[str]:
    """Every incident id the state store holds: claimed by ``pmsync new`` or seen in a document."""
    with engine.connect() as conn:
        claimed = conn.execute(select(tables.incident_id_claims.c.incident_id)).scalars().all()
        synced = conn.execute(
            select(tables.postmortems.c.incident_id).where(tables.postmortems.c.incident_id.is_not(None))
        ).scalars()
        return [*claimed, *(value for value in synced if value)]


@state_errors
def claim_id(
    engine: Engine,
    make_id: Callable[[int], str],
    first_seq: int,
    *,
    clock: Callable[[], dt.datetime],
    attempts: int = MAX_ATTEMPTS,
) -> tuple[str, int]:
    """Claim ``make_id(n)`` for the smallest ``n >= first_seq`` nobody has claimed; returns (id, n)."""
    seq = first_seq
    for _ in range(attempts):
        incident_id = make_id(seq)
        try:
            with engine.begin() as conn:
                conn.execute(insert(tables.incident_id_claims).values(incident_id=incident_id, claimed_at=clock()))
        except IntegrityError:
            log.debug("incident id %s already claimed; trying the next", incident_id)
            seq += 1
            continue
        log.info("Claimed incident id %s", incident_id)
        return incident_id, seq
    raise StateError(
        f"no free incident id after {attempts} tries from {make_id(first_seq)}",
        hint="check [authoring] id_format: it must change with {seq}",
    )


@state_errors
def record_path(engine: Engine, incident_id: str, path: str) -> None:
    """Note which document the claimed id went into."""
    with engine.begin() as conn:
        conn.execute(
            update(tables.incident_id_claims)
            .where(tables.incident_id_claims.c.incident_id == incident_id)
            .values(path=path)
        )


@state_errors
def release_id(engine: Engine, incident_id: str) -> None:
    """Give a claimed id back (its document could not be written)."""
    with engine.begin() as conn:
        conn.execute(delete(tables.incident_id_claims).where(tables.incident_id_claims.c.incident_id == incident_id))
