"""The registry the tools build from every installed `xdsl.universe` plugin."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from xdsl.universe import Universe

from ziggurat import universe as zu


@dataclass
class FakeEntryPoint:
    """Stands in for an installed plugin's entry point."""

    name: str
    value: object

    def load(self) -> object:
        return self.value


def _with_plugins(monkeypatch: pytest.MonkeyPatch, *plugins: FakeEntryPoint) -> None:
    monkeypatch.setattr(zu, "entry_points", lambda group: list(plugins))


def test_ziggurat_versions_replace_upstream_dialects() -> None:
    registry = zu.load_registry()
    for name in ("affine", "linalg", "memref", "scf"):
        assert registry.origin["dialect", name] == "ziggurat"
        assert registry.dialects[name]().name == name
    assert registry.origin["dialect", "func"] == "xdsl"
    ctx = registry.make_context()
    from ziggurat.dialects.affine import LoadOp

    assert ctx.get_op("affine.load") is LoadOp


def test_plain_xdsl_still_loads_with_ziggurat_installed() -> None:
    multiverse = Universe.get_multiverse()
    assert "linalg" in multiverse.all_dialects
    assert "canonicalize" in multiverse.all_passes


def test_duplicate_names_across_plugins_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    def factory():
        raise AssertionError("not loaded")

    one = FakeEntryPoint("one", Universe(all_passes={"my-pass": factory}))
    two = FakeEntryPoint("two", Universe(all_passes={"my-pass": factory}))
    _with_plugins(monkeypatch, one, two)
    with pytest.raises(zu.RegistryError, match="'my-pass' is defined by both plugin 'one' and"):
        zu.load_registry()


def test_entry_point_that_is_not_a_universe(monkeypatch: pytest.MonkeyPatch) -> None:
    _with_plugins(monkeypatch, FakeEntryPoint("broken", object()))
    with pytest.raises(zu.RegistryError, match=r"plugin 'broken'.*not an xdsl Universe"):
        zu.load_registry()


def test_factories_are_lazy(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[str] = []

    def factory():
        loaded.append("dialect")
        raise AssertionError("loaded eagerly")

    _with_plugins(monkeypatch, FakeEntryPoint("lazy", Universe(all_dialects={"lazy": factory})))
    registry = zu.load_registry()
    registry.make_context()
    assert registry.origin["dialect", "lazy"] == "lazy"
    assert loaded == []
