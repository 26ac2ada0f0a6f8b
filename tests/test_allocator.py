"""The reader asks glibc for one allocator arena, so its workers' freed memory serves the main thread."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from reader.tui.allocator import one_arena

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not GLIBC, reason="arenas are chosen this way only with glibc")
def test_glibc_agrees_to_one_arena_and_threads_then_share_it():
    # In a child, so the test process keeps its own allocator settings. Eight threads each allocate and
    # free blocks below the mmap threshold; with one arena, malloc_info lists a single <heap>.
    script = """
import ctypes, os, sys, tempfile, threading
from reader.tui.allocator import one_arena
assert one_arena() is True
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = (ctypes.c_size_t,)
libc.free.argtypes = (ctypes.c_void_p,)
def churn():
    blocks = [libc.malloc(64 * 1024) for _ in range(40)]
    for block in blocks:
        libc.free(block)
threads = [threading.Thread(target=churn) for _ in range(8)]
for thread in threads: thread.start()
for thread in threads: thread.join()
libc.fdopen.restype = ctypes.c_void_p
libc.fdopen.argtypes = (ctypes.c_int, ctypes.c_char_p)
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fflush.argtypes = (ctypes.c_void_p,)
with tempfile.TemporaryFile() as out:
    stream = libc.fdopen(os.dup(out.fileno()), b"w")
    libc.malloc_info(0, stream)
    libc.fflush(stream)
    out.seek(0)
    print(out.read().decode().count("<heap nr="))
"""
    shared = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert shared.stdout.strip() == "1"
    apart = subprocess.run([sys.executable, "-c", script.replace("assert one_arena() is True", "")],
                           capture_output=True, text=True, check=True)
    assert int(apart.stdout.strip()) > 1  # without it, threads get arenas of their own


def test_elsewhere_it_changes_nothing_and_says_so(monkeypatch):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert one_arena() is False
