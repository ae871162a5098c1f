"""`python -m openml_lite.serve`'s command line, without serving (the page itself:
tests/browser/test_demo_page*.py)."""

from __future__ import annotations

import pytest

from openml_lite import serve


@pytest.mark.parametrize("argv, said", [
    (["--big", "freMTPL2freq", "mnist"], "--big: unknown mnist (choose from freMTPL2freq, "),
    (["--big", "svhn", "--openml-url", "https://www.openml.org"], "cannot go with --openml-url"),
])
def test_big_refuses_what_it_cannot_add(argv, said, capsys):
    with pytest.raises(SystemExit) as exit:
        serve.main(argv)
    assert exit.value.code == 2
    assert said in capsys.readouterr().err


def test_big_takes_the_synthetic_shapes():
    from openml_lite.mirror.synthetic import BIG

    assert serve.big_labels() == tuple(BIG)
    assert {"freMTPL2freq", "svhn"} <= set(serve.big_labels())
