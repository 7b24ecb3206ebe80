"""Results as plain data, and their round trip through the artifact store.

A result is a frozen dataclass whose fields are numpy arrays (stored as arrays), dicts of
numpy arrays (a model's weights: stored as arrays named ``field/key``) or JSON values
(numbers, strings, None, lists; stored as metadata). ``StoredResult`` gives every such
dataclass ``to_store`` / ``from_store`` so the store never needs pickle.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Self

import numpy as np


class StoredResult:
    """Mixin for frozen result dataclasses: split into arrays + JSON metadata and back."""

    def to_store(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        arrays: dict[str, np.ndarray] = {}
        meta: dict[str, Any] = {}
        for field in dataclasses.fields(self):  # type: ignore[arg-type]
            value = getattr(self, field.name)
            if isinstance(value, np.ndarray):
                arrays[field.name] = value
            elif isinstance(value, dict) and value and all(
                    isinstance(v, np.ndarray) for v in value.values()):
                arrays.update({f"{field.name}/{k}": v for k, v in value.items()})
            else:
                meta[field.name] = value
        return arrays, meta

    @classmethod
    def from_store(cls, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> Self:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        values = {**{k: v for k, v in meta.items() if k in names},
                  **{k: v for k, v in arrays.items() if k in names}}
        for name, array in arrays.items():
            field, sep, key = name.partition("/")
            if sep and field in names:
                values.setdefault(field, {})[key] = array
        missing = names - values.keys()
        if missing:
            raise KeyError(f"stored {cls.__name__} lacks fields {sorted(missing)}")
        return cls(**values)
