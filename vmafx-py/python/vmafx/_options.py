"""Normalising the model and feature arguments shared by score() and Scorer."""

from __future__ import annotations

import os
from typing import Iterable, List, Optional, Union

ModelArg = Union[str, "os.PathLike[str]"]


def model_specs(models: Union[None, ModelArg, Iterable[ModelArg]]) -> Optional[List[str]]:
    """``None`` (the default model), one model or several, as the strings the library
    reads: a built-in name, libvmaf's ``version=...``/``path=...`` syntax, or a path."""
    if models is None:
        return None
    if isinstance(models, (str, os.PathLike)):
        models = [models]
    specs = []
    for model in models:
        if isinstance(model, os.PathLike):
            specs.append(f"path={os.fspath(model)}")
        elif isinstance(model, str):
            specs.append(model)
        else:
            raise TypeError(f"a model is a name, a model string or a path, not {type(model).__name__}")
    return specs


def feature_specs(features: Union[None, str, Iterable[str]]) -> List[str]:
    """One feature or several, in libvmaf's ``--feature`` syntax."""
    if features is None:
        return []
    if isinstance(features, str):
        return [features]
    specs = list(features)
    for spec in specs:
        if not isinstance(spec, str):
            raise TypeError(f"a feature is a string such as 'psnr', not {type(spec).__name__}")
    return specs
