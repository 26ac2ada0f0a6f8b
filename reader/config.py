"""Where the library lives and who is annotating: flags, then environment, then config, then defaults."""

from __future__ import annotations

import os
import sys
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
    import tomllib  # only when there is a config file to read

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
    import getpass  # only when neither the flag nor the config names the author

    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "anonymous"


def ner_model() -> str:
    """The spaCy model named-entity suggestions load: ``MARGIN_NER_MODEL``, else ``ner_model`` in the config,
    else en_core_web_sm. A package name or a folder spaCy saved a pipeline in."""
    from annotations.ner import DEFAULT_MODEL

    configured = os.environ.get("MARGIN_NER_MODEL") or load_config().get("ner_model")
    return configured.strip() if isinstance(configured, str) and configured.strip() else DEFAULT_MODEL


#: Largest document margin reads, in megabytes (the file, and what an EPUB unpacks to).
DEFAULT_MAX_DOCUMENT_MB = 200.0


def _number_setting(env: str, key: str, default: float) -> float:
    """A positive number from the environment variable *env*, else config *key*, else *default*."""
    raw: object = os.environ.get(env)
    source = env
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raw = load_config().get(key)
        source = f"{key} in {config_path()}"
    if raw is None:
        return default
    try:
        value = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise MarginError(f"{source} must be a number, not {raw!r}") from None
    if not value > 0 or value == float("inf"):
        raise MarginError(f"{source} must be a positive number, not {raw!r}")
    return value


def max_document_bytes() -> int:
    """The size limit on documents: ``MARGIN_MAX_DOCUMENT_MB``, else ``max_document_mb`` in the config, else 200 MB.

    It bounds the memory an import can take: a bigger file (or an EPUB that
    would unpack to more) is refused with one line saying so.
    """
    return int(_number_setting("MARGIN_MAX_DOCUMENT_MB", "max_document_mb", DEFAULT_MAX_DOCUMENT_MB) * 1024 * 1024)


def busy_timeout() -> float:
    """Seconds a write waits while another margin writes: ``MARGIN_BUSY_TIMEOUT``, else ``busy_timeout`` in the config, else 5."""
    from annotations.store.connection import DEFAULT_BUSY_TIMEOUT

    return _number_setting("MARGIN_BUSY_TIMEOUT", "busy_timeout", DEFAULT_BUSY_TIMEOUT)


#: Each limit of :mod:`annotations.limits`: its field, environment variable, config key, and the
#: unit the setting counts in (megabytes of bytes, or seconds). See :func:`apply_limits`.
LIMIT_SETTINGS: tuple[tuple[str, str, str, int], ...] = (
    ("document_bytes", "MARGIN_MAX_DOCUMENT_MB", "max_document_mb", 1024 * 1024),
    ("html_bytes", "MARGIN_MAX_HTML_MB", "max_html_mb", 1024 * 1024),
    ("import_bytes", "MARGIN_MAX_IMPORT_MB", "max_import_mb", 1024 * 1024),
    ("template_seconds", "MARGIN_TEMPLATE_SECONDS", "template_seconds", 1),
    ("template_bytes", "MARGIN_TEMPLATE_MAX_MB", "template_max_mb", 1024 * 1024),
)


def _limits_set() -> bool:
    """Whether any limit is set, in the environment or the config file."""
    if any(os.environ.get(env, "").strip() for _, env, _, _ in LIMIT_SETTINGS):
        return True
    config = load_config()
    return any(key in config for _, _, key, _ in LIMIT_SETTINGS)


def apply_limits() -> None:
    """Set what reading and rendering may cost (:mod:`annotations.limits`) from the environment and the config.

    Each limit is an environment variable, else a key in the config file, else
    its default: ``MARGIN_MAX_DOCUMENT_MB``/``max_document_mb`` (200),
    ``MARGIN_MAX_HTML_MB``/``max_html_mb`` (16), ``MARGIN_MAX_IMPORT_MB``/
    ``max_import_mb`` (64), ``MARGIN_TEMPLATE_SECONDS``/``template_seconds``
    (30) and ``MARGIN_TEMPLATE_MAX_MB``/``template_max_mb`` (64).

    When none is set and the limits are not loaded yet, their defaults hold
    and nothing is loaded: the reader's launch reads no file the limits guard.
    """
    if "annotations.limits" not in sys.modules and not _limits_set():
        return
    from annotations import limits

    defaults = limits.Limits()
    settings: dict[str, float] = {}
    for field, env, key, unit in LIMIT_SETTINGS:
        value = _number_setting(env, key, getattr(defaults, field) / unit) * unit
        settings[field] = value if unit == 1 else int(value)
    limits.configure(**settings)
