"""Crash-safety harness: kill a margin process mid-write, again and again, and check what it left.

Run it by hand for a long session: ``python -m tests.crash.harness --rounds 200``.
The test suite runs a short session (tests/test_crash_safety.py).
"""
