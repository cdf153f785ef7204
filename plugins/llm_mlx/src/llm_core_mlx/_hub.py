"""Find a model's folder: a local path, a folder in ``model_dirs``, the Hugging Face cache, or
(when the hub is reachable and downloads are allowed) a fresh download with a progress bar.

Environment variables are read at call time, with the same rules as ``huggingface_hub``
(``HF_HUB_CACHE``, else ``HF_HOME/hub``, else ``~/.cache/huggingface/hub``; ``HF_HUB_OFFLINE``;
``HF_ENDPOINT``), so changing them after import works. A model that cannot be had raises
:class:`~llm_core.errors.ModelNotFoundError` naming it and saying what to do; offline, that
happens at once, without touching the network.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from llm_core import AuthenticationError, ModelNotFoundError

from ._progress import announce, download_progress

__all__ = ["ALLOW_PATTERNS", "hf_cache_dir", "hub_offline", "resolve_model"]

#: The files mlx-vlm downloads for a model (the same patterns as ``mlx_vlm.utils.get_model_path``).
ALLOW_PATTERNS = [
    "*.json",
    "*.jsonl",
    "*.safetensors",
    "*.py",
    "*.model",
    "*.tiktoken",
    "*.txt",
    "*.jinja",
]
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_TRUE = {"1", "on", "yes", "true"}
_PROVIDER = "mlx"


def hub_offline() -> bool:
    """True when ``HF_HUB_OFFLINE`` (or ``TRANSFORMERS_OFFLINE``) is set."""
    value = os.environ.get("HF_HUB_OFFLINE") or os.environ.get("TRANSFORMERS_OFFLINE") or ""
    return value.strip().lower() in _TRUE


def hf_cache_dir() -> Path:
    """The Hugging Face hub cache folder, from the environment as it is now."""
    for name in ("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE"):
        if os.environ.get(name):
            return Path(os.path.expandvars(os.environ[name])).expanduser()
    home = os.environ.get("HF_HOME") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache"), "huggingface"
    )
    return Path(os.path.expandvars(home)).expanduser() / "hub"


def cached_snapshot(repo_id: str, revision: str | None = None) -> Path | None:
    """The cached snapshot folder of ``repo_id`` (with a config.json), or None."""
    repo = hf_cache_dir() / ("models--" + repo_id.replace("/", "--"))
    revision = revision or "main"
    commit = revision
    if not _COMMIT.match(revision):
        try:
            commit = (repo / "refs" / revision).read_text().strip()
        except OSError:
            return None
    snapshot = repo / "snapshots" / commit
    return snapshot if (snapshot / "config.json").is_file() else None


def resolve_model(
    name: str, model_dirs: list[str], *, revision: str | None = None, download: bool = True
) -> Path:
    """The local folder holding model ``name``; downloads it if allowed and possible."""
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise ModelNotFoundError(
                f"{name!r} is not a model folder: it has no config.json",
                provider=_PROVIDER,
                model=name,
                hint="Point at the folder that holds config.json and *.safetensors, "
                "or give a Hugging Face id such as mlx-community/Qwen2-VL-2B-Instruct-4bit.",
            )
        return path.resolve()
    for folder in model_dirs:
        candidate = Path(folder).expanduser() / name
        if (candidate / "config.json").is_file():
            return candidate.resolve()
    if not _REPO_ID.match(name):
        raise ModelNotFoundError(
            f"model folder {name!r} does not exist",
            provider=_PROVIDER,
            model=name,
            hint="Check the path, or give a Hugging Face id (org/name).",
        )
    snapshot = cached_snapshot(name, revision)
    if snapshot is not None:
        return snapshot
    where = f"the Hugging Face cache ({hf_cache_dir()})"
    if model_dirs:
        where += " or model_dirs"
    if hub_offline() or not download:
        reason = "HF_HUB_OFFLINE is set" if hub_offline() else "the download option is off"
        raise ModelNotFoundError(
            f"model {name!r} is not in {where}, and downloads are off ({reason})",
            provider=_PROVIDER,
            model=name,
            hint=_offline_hint(name),
        )
    return _download(name, revision)


def _offline_hint(name: str) -> str:
    return (
        f"Download it once where the hub is reachable (`hf download {name}`, or unset "
        "HF_HUB_OFFLINE and run again), or pass the path of a local model folder "
        "(model='path/to/folder' or VISION_MODEL=path/to/folder). "
        "To try the provider offline: python -m llm_core_mlx.demo"
    )


def _download(repo_id: str, revision: str | None) -> Path:
    import httpx2
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import (
        GatedRepoError,
        HfHubHTTPError,
        LocalEntryNotFoundError,
        RepositoryNotFoundError,
        RevisionNotFoundError,
    )

    announce(f"{repo_id} is not in the local cache; downloading it from the Hugging Face Hub")
    tqdm_class, end_progress = download_progress(f"downloading {repo_id}")
    try:
        folder = snapshot_download(
            repo_id,
            revision=revision,
            cache_dir=str(hf_cache_dir()),
            allow_patterns=ALLOW_PATTERNS,
            tqdm_class=tqdm_class,
            endpoint=os.environ.get("HF_ENDPOINT") or None,
        )
    except GatedRepoError:
        raise AuthenticationError(
            f"model {repo_id!r} is gated on the Hugging Face Hub",
            provider=_PROVIDER,
            model=repo_id,
            hint="Accept its licence on huggingface.co and log in (`hf auth login`).",
        ) from None
    except (RepositoryNotFoundError, RevisionNotFoundError) as exc:
        raise ModelNotFoundError(
            f"model {repo_id!r} was not found on the Hugging Face Hub"
            + (f" at revision {revision!r}" if isinstance(exc, RevisionNotFoundError) else ""),
            provider=_PROVIDER,
            model=repo_id,
            hint="Check the spelling; MLX-ready vision models live under mlx-community/ "
            "(e.g. mlx-community/Qwen2-VL-2B-Instruct-4bit).",
        ) from None
    except (LocalEntryNotFoundError, HfHubHTTPError, httpx2.HTTPError, OSError) as exc:
        raise ModelNotFoundError(
            f"model {repo_id!r} is not in the local cache and the Hugging Face Hub could not "
            f"be reached ({type(exc).__name__})",
            provider=_PROVIDER,
            model=repo_id,
            hint=_offline_hint(repo_id),
        ) from None
    finally:
        end_progress()
    announce(f"{repo_id} is ready")
    return Path(folder)
