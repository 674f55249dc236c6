"""Work done once per server, before its first visitor: the server's ``lifespan``.

``app.py`` gives :func:`lifespan` to ``st.App``. When the server starts, it
starts one background thread that fills the shared caches with what every
first visitor after a restart would otherwise wait for: today the digits
page's data, network, test run and default figures
(:func:`cnnviz.ui.learning.warm_up`; its first visit took 4.5 s on a fresh
server, 1.7 s once warm). The server answers at once: the thread does not hold
up the health check, and a visitor who comes before it is done finds what it
has already built (the caches share one entry per exact input).

A failure here must never stop the server: it is logged, and the pages build
what they need themselves, as they always could.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import AsyncIterator
from typing import Any

__all__ = ["lifespan", "warm_up"]

_LOG = logging.getLogger(__name__)


def warm_up() -> None:
    """Everything :func:`lifespan` builds, in this thread (tests call it directly)."""
    from cnnviz.ui import learning

    learning.warm_up()


def _run() -> None:
    try:
        warm_up()
    except Exception:  # noqa: BLE001 - a warm-up is an optimisation; the page still works
        _LOG.exception("cnnviz warm-up failed; the pages will build their figures themselves")


@contextlib.asynccontextmanager
async def lifespan(app: Any) -> AsyncIterator[None]:
    """``st.App(lifespan=...)``: start the warm-up thread, then serve at once."""
    threading.Thread(target=_run, name="cnnviz-warm-up", daemon=True).start()
    yield
