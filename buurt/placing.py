"""Which models have an address that buurt places on the map (buurt.models.PlacedAddress).

buurt registers Organisation; an app built on buurt registers its own models from its
AppConfig.ready(), so that the placing task and the beat task that queues again what was
lost (buurt.tasks) know them without buurt importing the apps above it.
"""

from __future__ import annotations

from .models import PlacedAddress

_MODELS: dict[str, type[PlacedAddress]] = {}


def register(model: type[PlacedAddress]) -> type[PlacedAddress]:
    """Let the placing tasks load and sweep `model` (idempotent)."""
    if not issubclass(model, PlacedAddress) or model._meta.abstract:
        raise TypeError(f"{model.__name__} is not a concrete PlacedAddress.")
    _MODELS[model._meta.label_lower] = model
    return model


def registered() -> list[type[PlacedAddress]]:
    return list(_MODELS.values())


def model_for(label: str) -> type[PlacedAddress]:
    """The registered model for a "app_label.modelname" label; LookupError for any other, so
    that a task message cannot make the task load an arbitrary model."""
    try:
        return _MODELS[label]
    except KeyError:
        raise LookupError(f"{label} is not registered with buurt.placing.") from None
