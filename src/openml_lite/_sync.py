"""Drive a coroutine to its end without an event loop.

The synchronous API runs the async core with a blocking transport, so the coroutine
never suspends: one ``send(None)`` runs it to completion. If it does suspend (or an
awaited step asks for a running loop), it needed real async I/O, and we say what to
do instead of hanging.
"""

from __future__ import annotations

_ADVICE = (
    "fetch_openml() cannot block in this environment; use "
    "`await openml_lite.fetch_openml_async(...)` instead."
)


def run_without_loop(coroutine):
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    except RuntimeError as error:
        if "event loop" not in str(error):
            raise
        raise RuntimeError(_ADVICE) from error
    coroutine.close()
    raise RuntimeError(_ADVICE)
