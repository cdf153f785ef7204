"""Model cache (LRU by count and memory, memory really freed), model lookup, list_models."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

import mlx.core as mx

import llm_core
from llm_core import Client
from llm_core_mlx._engine import get_engine

pytestmark = pytest.mark.engine
SHA = "0123456789abcdef0123456789abcdef01234567"


@pytest.fixture
def three_models(tiny_vlm: Path, tmp_path: Path) -> list[Path]:
    """Three copies of the tiny model in different folders (three cache entries)."""
    return [Path(shutil.copytree(tiny_vlm, tmp_path / f"model-{c}")) for c in "abc"]


def _active_memory() -> int:
    return get_engine().run(mx.get_active_memory)


def test_lru_eviction_by_count(three_models: list[Path]) -> None:
    a, b, c = map(str, three_models)
    with Client("mlx", model=a, options={"max_loaded_models": 2}) as client:
        for name in (a, b):
            client.generate("Hi", model=name, max_tokens=2)
        assert client.adapter.loaded_models() == [a, b]
        client.generate("Hi", model=a, max_tokens=2)  # a is now the most recently used
        client.generate("Hi", model=c, max_tokens=2)  # evicts b
        assert client.adapter.loaded_models() == [a, c]
        assert client.generate("Hi", model=b, max_tokens=2).raw["loaded"] is True
        assert client.adapter.loaded_models() == [c, b]


def test_default_keeps_one_model(three_models: list[Path]) -> None:
    a, b, _ = map(str, three_models)
    with Client("mlx", model=a) as client:
        client.generate("Hi", max_tokens=2)
        client.generate("Hi", model=b, max_tokens=2)
        assert client.adapter.loaded_models() == [b]


def test_eviction_by_memory(three_models: list[Path]) -> None:
    a, b, c = map(str, three_models)
    with Client("mlx", model=a, options={"max_loaded_models": 3}) as client:
        weights = client.generate("Hi", max_tokens=2).raw["weight_bytes"]
        limit_gb = 2.5 * weights / 1e9  # room for two models, not three
        for name in (b, c):
            client.generate("Hi", model=name, max_tokens=2, options={"max_memory_gb": limit_gb})
        assert client.adapter.loaded_models() == [b, c]


def test_eviction_and_unload_free_the_memory(three_models: list[Path]) -> None:
    a, b, _ = map(str, three_models)
    with Client("mlx", model=a, options={"max_loaded_models": 2}) as client:
        client.adapter.unload()
        empty = _active_memory()
        weights = client.generate("Hi", max_tokens=2).raw["weight_bytes"]
        client.generate("Hi", model=b, max_tokens=2)
        two = _active_memory()
        assert two - empty >= 1.8 * weights
        client.generate("Hi", model=b, max_tokens=2, options={"max_loaded_models": 1})
        one = _active_memory()
        assert two - one >= 0.9 * weights  # a was evicted and its arrays freed
        assert client.adapter.unload() == 1
        assert _active_memory() - empty < 0.1 * weights


def _hf_cache(root: Path, repo_id: str, files: dict[str, bytes | Path]) -> Path:
    """A Hugging Face cache entry laid out as huggingface_hub writes it (blobs + symlinks)."""
    repo = root / ("models--" + repo_id.replace("/", "--"))
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(SHA)
    snapshot = repo / "snapshots" / SHA
    snapshot.mkdir(parents=True)
    (repo / "blobs").mkdir()
    for name, content in files.items():
        data = content.read_bytes() if isinstance(content, Path) else content
        blob = repo / "blobs" / f"blob-{name}"
        blob.write_bytes(data)
        (snapshot / name).symlink_to(Path("..", "..", "blobs", blob.name))
    return snapshot


@pytest.fixture
def hf_cache(tiny_vlm: Path, tmp_path: Path, monkeypatch) -> Path:
    """A temporary HF cache: the tiny model, an unknown architecture, one without weights."""
    cache = tmp_path / "hub"
    tiny_files = {p.name: p for p in tiny_vlm.iterdir() if p.is_file()}
    _hf_cache(cache, "org/tiny-vlm", tiny_files)
    _hf_cache(
        cache,
        "org/mystery",
        {"config.json": b'{"model_type": "no_such_arch"}', "model.safetensors": b"x" * 16},
    )
    _hf_cache(cache, "org/no-weights", {"config.json": b'{"model_type": "qwen2_vl"}'})
    (cache / "datasets--org--data").mkdir()
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


def test_list_models_reads_the_hf_cache(hf_cache: Path, tiny_vlm: Path) -> None:
    with Client("mlx", model="org/tiny-vlm") as client:
        models = client.list_models()
        assert [m.id for m in models] == ["org/tiny-vlm"]
        info = models[0]
        assert info.provider == "mlx"
        assert info.vision is True
        assert info.family == "qwen2_vl"
        assert info.loaded is False
        assert info.size_bytes == (tiny_vlm / "model.safetensors").stat().st_size
        assert "vision" in info.capabilities
        client.generate("Hi", max_tokens=3)  # loads by HF id from the cache, offline
        assert client.adapter.loaded_models() == ["org/tiny-vlm"]


def test_list_models_follows_hf_home(hf_cache: Path, monkeypatch) -> None:
    monkeypatch.delenv("HF_HUB_CACHE")
    monkeypatch.setenv("HF_HOME", str(hf_cache.parent / "home"))
    shutil.move(hf_cache, hf_cache.parent / "home" / "hub")
    with Client("mlx", model="x") as client:
        assert [m.id for m in client.list_models()] == ["org/tiny-vlm"]


def test_model_dirs_are_listed_and_resolve_bare_names(tiny_vlm: Path, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    shutil.copytree(tiny_vlm, folder / "local-tiny")
    (folder / "junk").mkdir()
    options = {"model_dirs": [str(folder), str(tiny_vlm)]}
    with Client("mlx", model="local-tiny", options=options, cache={"models_ttl": 0}) as client:
        ids = sorted(m.id for m in client.list_models())
        assert ids == sorted([str(folder / "local-tiny"), str(tiny_vlm)])
        assert client.generate("Hi", max_tokens=3).usage.completion_tokens == 3
        listed = {m.id: m.loaded for m in client.list_models()}
        assert listed[str(folder / "local-tiny")] is True


def test_a_missing_model_offline_fails_fast_and_says_what_to_do(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty"))
    with Client("mlx", model="org/missing-model") as client:
        with pytest.raises(llm_core.ModelNotFoundError) as info:
            client.generate("Hi")
        assert "org/missing-model" in str(info.value)
        assert "HF_HUB_OFFLINE" in str(info.value)
        assert "hf download org/missing-model" in info.value.hint
        assert info.value.provider == "mlx"
        assert info.value.model == "org/missing-model"


def _generate_fails(model: str, error: type[Exception], match: str, **kwargs):
    with Client("mlx", model=model, **kwargs) as client, pytest.raises(error, match=match) as info:
        client.generate("Hi")
    return info.value


def test_download_off_is_respected_without_the_network(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "empty"))
    options = {"download": False}
    _generate_fails("org/missing", llm_core.ModelNotFoundError, "option is off", options=options)


@pytest.mark.parametrize("name", ["./no/such/folder", "/definitely/not/here"])
def test_bad_local_paths(name: str) -> None:
    _generate_fails(name, llm_core.ModelNotFoundError, "does not exist")


def test_a_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "empty-folder").mkdir()
    folder = str(tmp_path / "empty-folder")
    _generate_fails(folder, llm_core.ModelNotFoundError, r"no config\.json")


def test_an_unsupported_architecture(hf_cache: Path) -> None:
    match = "'no_such_arch' is not supported"
    _generate_fails("org/mystery", llm_core.ModelNotFoundError, match)


def test_damaged_weights(tiny_vlm: Path, tmp_path: Path) -> None:
    broken = Path(shutil.copytree(tiny_vlm, tmp_path / "broken"))
    (broken / "model.safetensors").write_bytes(b"not safetensors")
    _generate_fails(str(broken), llm_core.ProviderError, "download the model again")
