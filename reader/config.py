"""Where the library lives and who is annotating: flags, then environment, then config, then defaults."""

from __future__ import annotations

import getpass
import os
import tomllib
from pathlib import Path

import platformdirs

from annotations.errors import MarginError

APP_NAME = "margin"

#: Documents shown side by side at most: more would leave each too narrow to read.
MAX_PANES = 3


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME)) / "library.db"


def config_path() -> Path:
    override = os.environ.get("MARGIN_CONFIG")
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_config() -> dict[str, object]:
    path = config_path()
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MarginError(f"config file {path} is not valid TOML: {error}") from error


def resolve_author(flag: str | None) -> str:
    """``--author``, else ``author`` in the config file, else the login name."""
    if flag and flag.strip():
        return flag.strip()
    configured = load_config().get("author")
    if isinstance(configured, str) and configured.strip():
        return configured.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "anonymous"
