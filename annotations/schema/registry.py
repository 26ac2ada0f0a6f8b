"""Every migration, registered with sqlite-utils in the order they are applied.

Imported only when a library is opened that is not known to be up to date
(see :mod:`annotations.schema`), and by tests of the upgrades.
"""

from __future__ import annotations

from . import first  # noqa: F401  (m001–m013)
from . import keys  # noqa: F401  (m014)
from . import checks  # noqa: F401  (m015)
from . import marks  # noqa: F401  (m016)
from .migration_set import migrations

__all__ = ["migrations"]
