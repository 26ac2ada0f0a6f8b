"""Run margin's command line and write down this process's own peak memory as it exits.

``wait4``'s figure for a child includes the parent's resident size when the
child was forked (Linux keeps the old address space's high-water mark across
``exec``), so a test process that has grown past a bound would fail every
memory check. ``VmHWM`` in ``/proc/self/status`` belongs to the address space
``exec`` made: the program's own peak. It is written to the file named by
``MARGIN_TEST_PEAK_FILE`` at exit.
"""

from __future__ import annotations

import atexit
import os
import runpy
import sys


def _record() -> None:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                with open(os.environ["MARGIN_TEST_PEAK_FILE"], "w", encoding="ascii") as out:
                    out.write(line.split()[1])
                return


atexit.register(_record)
sys.argv = ["margin", *sys.argv[1:]]
runpy.run_module("reader.cli", run_name="__main__", alter_sys=True)
