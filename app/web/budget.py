"""A time budget for one call: run it in a thread of its own, wait at most N seconds, then stop it.

    try:
        answer = within(seconds, lambda: engine.ask(question))
    except OverBudget:
        answer = <a calm refusal>

The engine is pure Python, so a call that runs too long is stopped by raising ``_Stop`` inside its
thread (CPython's ``PyThreadState_SetAsyncExc``, the mechanism behind ``func_timeout``): the
exception arrives at the next bytecode the thread runs, unwinds its ``with`` blocks (locks are
released, SQLite transactions rolled back) and ends the thread. A thread inside a C call (SQLite,
numpy) stops when the call returns. ``_Stop`` is a ``BaseException``: ``except Exception`` in the
engine does not swallow it.
"""
from __future__ import annotations

import ctypes
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


class OverBudget(Exception):
    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"stopped after {seconds:g} s")


class _Stop(BaseException):
    """Raised inside a worker thread that ran over its budget."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> int:
    """Schedule ``exc`` in the thread (None clears a scheduled one); the number of threads affected."""
    return ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id),
                                                       ctypes.py_object(exc) if exc else ctypes.c_void_p())


def _flush() -> None:
    """A Python-level call: a scheduled exception is delivered at its first instruction at the latest."""


class _Worker:
    def __init__(self, fn: Callable[[], T]):
        self.fn = fn
        self.guard = threading.Lock()
        self.done = False
        self.stopped = False
        self.value = None
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, name="budgetqa-answer", daemon=True)

    def run(self) -> None:
        try:
            try:
                self.value = self.fn()
            except _Stop:
                raise
            except BaseException as e:       # handed to the caller's thread
                self.error = e
            finally:
                with self.guard:
                    self.done = True
                    if self.stopped:         # scheduled but not yet delivered: drop it here
                        _raise_in(threading.get_ident(), None)
            _flush()
        except _Stop:
            pass

    def stop(self) -> bool:
        """Stop the call unless it has finished; True when it was stopped."""
        with self.guard:
            if self.done or self.thread.ident is None:
                return False
            self.stopped = _raise_in(self.thread.ident, _Stop) == 1
            return self.stopped


def within(seconds: float, fn: Callable[[], T]) -> T:
    """``fn()``, or ``OverBudget`` after ``seconds`` (the call is stopped); ``fn``'s own errors re-raised."""
    worker = _Worker(fn)
    worker.thread.start()
    worker.thread.join(seconds)
    if worker.thread.is_alive() and worker.stop():
        raise OverBudget(seconds)
    worker.thread.join()            # finished (or finishing) on its own
    if worker.error is not None:
        raise worker.error
    return worker.value
