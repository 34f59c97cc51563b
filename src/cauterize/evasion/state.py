"""The evasion engine's state as bytes, so a start loads it instead of replaying every event.

The pipeline saves it in the store (``detector_state``) with the last event position it covers
and, on the next start, replays only the stored events after that position. A saved state is used
only under the same key: this module's ``STATE_VERSION`` (bump it whenever the engine, a profile,
a fingerprint or the index changes what it keeps or means), the link model (version and weights)
and the engine's options (report level, windows, allow-list, bounds). Anything else is ignored and
rebuilt by a full replay.

The state is pickled, because the engine's structures share objects (a suspended account's
hashtag counter is the same object the engine keeps updating) and a pickle keeps that sharing.
It is read back with an unpickler that builds only the plain containers and the engine's own
classes, never an arbitrary callable: a payload altered in the store can at worst fail to load
(the pipeline then replays everything), not run code.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
import zlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cauterize.evasion.engine import EvasionEngine

#: Bump when what the engine keeps changes shape or meaning: older saved states are then rebuilt.
STATE_VERSION = 2
_MAGIC = b"cauterize-evasion-state\x00"

#: What the unpickler may build: containers, times, and the engine's own data classes.
_ALLOWED: dict[str, frozenset[str]] = {
    "builtins": frozenset({"set", "frozenset", "list", "dict", "tuple", "int", "float", "str", "bytes", "bool"}),
    "collections": frozenset({"OrderedDict", "deque", "Counter", "defaultdict"}),
    "datetime": frozenset({"datetime", "timezone", "timedelta", "date"}),
    "cauterize.evasion.engine": frozenset({"_LRU", "Young"}),
    "cauterize.evasion.fingerprint": frozenset({"Profile", "Fingerprint"}),
    "cauterize.evasion.index": frozenset({"CandidateIndex"}),
    "cauterize.evasion.recent": frozenset({"RecentAccounts"}),
    "cauterize.evasion.features": frozenset({"HandleKeys"}),
}
#: Engine attributes that are not state: the model comes from the current configuration.
_NOT_STATE = frozenset({"model"})


class StateError(ValueError):
    """A saved state that cannot be used (corrupt, truncated, or of another shape)."""


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise StateError(f"saved state refers to {module}.{name}, which a state never holds")


def state_key(engine: EvasionEngine) -> str:
    """Which code, model and options built a state: a state saved under another key is not used."""
    m = engine.model
    options = {
        "report_at": engine.report_at,
        "young_seconds": engine.young_window.total_seconds(),
        "lookback_seconds": engine.recent_accounts.window.total_seconds(),
        "appearance": engine.appearance,
        "allowlist": sorted(engine.allowlist),
        "max_profiles": engine.profiles.limit,
        "max_audiences": engine.audiences.limit,
        "audience_per_account": engine.audience_per_account,
        "index": [engine.index.min_trigram_share, engine.index.max_posting, engine.index.max_candidates],
        "model": [m.version, m.bias, sorted(m.weights.items()), m.network_return],
    }
    digest = hashlib.sha256(json.dumps(options, sort_keys=True, default=str).encode()).hexdigest()[:24]
    return f"evasion/{STATE_VERSION}/{m.version}/{digest}"[:128]


def dump(engine: EvasionEngine) -> bytes:
    state = {k: v for k, v in vars(engine).items() if k not in _NOT_STATE}
    raw = pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    return _MAGIC + zlib.compress(raw, 1)


def load(engine: EvasionEngine, data: bytes) -> None:
    """Replace ``engine``'s state with a saved one; on any error the engine is left as it was."""
    if not data.startswith(_MAGIC):
        raise StateError("not a saved evasion state")
    try:
        raw = zlib.decompress(data[len(_MAGIC) :])
        state = _Unpickler(io.BytesIO(raw)).load()
    except StateError:
        raise
    except Exception as exc:  # zlib.error, pickle errors, EOF: all mean a damaged payload
        raise StateError(f"saved state unreadable: {exc!r}") from None
    expected = set(vars(engine)) - _NOT_STATE
    if not isinstance(state, dict) or set(state) != expected:
        raise StateError("saved state has another shape than this engine's")
    vars(engine).update(state)
