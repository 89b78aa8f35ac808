"""A package's public names, imported from their modules only when first used.

`import newsbeam` or `from newsbeam.transforms.sources import feed_config` then costs no
Beam graph, spaCy or HTTP imports: parsing flags stays fast, and each folder still offers
its composites by name (`from newsbeam.transforms.clean import CleanArticles`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, where `exports` maps each public name to
    the module (relative to the package, e.g. ".clean_articles") that defines it."""

    def __getattr__(name: str) -> object:
        if name not in exports:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(import_module(exports[name], package), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
