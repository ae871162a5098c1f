"""openml-lite's Bunch (bunch.py) against scikit-learn's sklearn.utils.Bunch: the same
behaviour, case by case, run on both classes; make_bunch gives sklearn's own class once
sklearn is imported, openml-lite's before; a load's Bunch has the keys, in the order,
that sklearn's fetch_openml gives, each an attribute too."""

from __future__ import annotations

import copy
import pickle
import sys
import warnings

import pytest
from fake_transport import from_mirror
from sklearn.utils import Bunch as SklearnBunch

import openml_lite
from openml_lite.bunch import Bunch, make_bunch

SERVER = "https://openml.test"
CLASSES = pytest.mark.parametrize("cls", [Bunch, SklearnBunch], ids=["openml_lite", "sklearn"])


def behaviour(cls) -> dict:
    """What a Bunch does, as plain values to compare between the two classes."""
    b = cls(data=[1, 2], target="y")
    seen = {"attribute": b.data, "item": b["target"], "dict": isinstance(b, dict), "len": len(b)}
    b.feature_names = ["a"]  # an attribute set is a key
    b["DESCR"] = "text"  # a key set is an attribute
    seen["set"] = (b["feature_names"], b.DESCR, sorted(b))
    seen["dir"] = dir(b)
    seen["hasattr missing"] = hasattr(b, "frame")
    try:
        b.frame
    except AttributeError as error:
        seen["missing attribute"] = ("AttributeError", str(error))
    try:
        b["frame"]
    except KeyError as error:
        seen["missing key"] = ("KeyError", str(error))
    del b["target"]
    seen["deleted"] = (hasattr(b, "target"), sorted(b))
    seen["dict methods"] = callable(b.keys) and list(b.items()) == list(dict(b).items())
    return seen


@CLASSES
def test_a_bunch_behaves_as_sklearns(cls):
    assert behaviour(cls) == behaviour(SklearnBunch)


@CLASSES
@pytest.mark.parametrize("how", ["pickle", "copy", "deepcopy"])
def test_a_copy_is_the_same_class_with_the_same_items(cls, how):
    original = cls(data=[1, 2], url="https://www.openml.org/d/61")
    made = {"pickle": lambda b: pickle.loads(pickle.dumps(b)), "copy": copy.copy, "deepcopy": copy.deepcopy}[how](original)
    assert type(made) is cls and made == original and made.url == original.url
    made.data.append(3)
    assert (original.data == [1, 2, 3]) == (how == "copy")  # only a shallow copy shares values


class _OldPickle:
    """Pickles as a Bunch of an old scikit-learn (0.16) did: the keys as dict items, and a
    ``__dict__`` state of its own (sklearn issue #6196)."""

    def __init__(self, cls):
        self.cls = cls

    def __reduce__(self):
        return self.cls, (), {"data": "stale"}, None, iter([("data", "current")])


@CLASSES
def test_an_old_pickles_dict_state_does_not_shadow_its_keys(cls):
    loaded = pickle.loads(pickle.dumps(_OldPickle(cls)))
    assert type(loaded) is cls and loaded["data"] == "current"
    assert loaded.data == "current"  # not the pickled __dict__'s "stale"
    loaded.data = "new"
    assert loaded.data == loaded["data"] == "new"


def test_make_bunch_gives_sklearns_class_only_once_sklearn_is_imported(monkeypatch):
    assert "sklearn" in sys.modules  # (imported by this module)
    with_sklearn = make_bunch(data=1)
    assert type(with_sklearn) is SklearnBunch and with_sklearn.data == 1
    monkeypatch.delitem(sys.modules, "sklearn")
    without = make_bunch(data=1)
    assert type(without) is Bunch and not isinstance(without, SklearnBunch) and without.data == 1
    assert openml_lite.Bunch is Bunch


@pytest.mark.parametrize("as_frame", [True, False])
def test_a_loads_bunch_has_sklearns_keys_in_order_as_attributes(as_frame, mirror_dir, sklearn_at_mirror):
    """iris through the fake transport, against sklearn's fetch_openml of the same files."""
    ours = openml_lite.fetch_openml(data_id=61, base_url=SERVER, cache=False, transport=from_mirror(mirror_dir),
                                    as_frame=as_frame)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = sklearn_at_mirror(data_id=61, cache=False, as_frame=as_frame, parser="pandas")
    assert type(ours) is type(theirs) is SklearnBunch
    assert list(ours) == list(theirs)
    for key in ours:
        assert getattr(ours, key) is ours[key]
    assert ours.url == theirs.url and ours.feature_names == theirs.feature_names
    assert ours.target_names == theirs.target_names
    # (the HTTP mirror writes its own origin into the description's URLs; the files hold OpenML's)
    urls = {"url", "parquet_url", "minio_url"}
    assert {k: v for k, v in ours.details.items() if k not in urls} == {
        k: v for k, v in theirs.details.items() if k not in urls}
