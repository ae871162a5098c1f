"""servers.py without a server: OpenML's URLs of every age mapped onto the servers a user
chose, the ordered list of servers, and the pool that asks them in turn."""

from __future__ import annotations

import pytest

from fake_transport import FakeTransport, refused
from openml_lite._sync import run_without_loop
from openml_lite.cache import MemoryCache
from openml_lite.errors import DataIntegrityError, DatasetNotFoundError, DownloadError
from openml_lite.fetcher import Fetcher
from openml_lite.servers import Server, ServerPool, relative_path, servers_from

OPENML = Server.at("https://www.openml.org")
MIRROR = Server.at("http://127.0.0.1:8765/")
STATIC = Server.at("https://docs.example.org/_static/openml")


# -- where OpenML's URLs lead --------------------------------------------------------------

# (as a description writes it, its path on any OpenML server)
AGES = [
    # today's parquet_url (OpenML's server-api: {minio}datasets/{did // 10000:04d}/{did:04d}/...)
    ("https://data.openml.org/datasets/0004/40945/dataset_40945.pq", "datasets/0004/40945/dataset_40945.pq"),
    ("http://data.openml.org/datasets/0000/0061/dataset_61.pq", "datasets/0000/0061/dataset_61.pq"),
    # older parquet_url / minio_url (sklearn's recorded wine_reviews, 42074; adult, 1590)
    ("http://openml1.win.tue.nl/dataset42074/dataset_42074.pq", "datasets/0004/42074/dataset_42074.pq"),
    ("http://openml1.win.tue.nl/dataset1590/dataset_1590.pq", "datasets/0000/1590/dataset_1590.pq"),
    ("https://openml1.win.tue.nl/dataset61/dataset_61.pq", "datasets/0000/0061/dataset_61.pq"),
    # ARFF url on the hosts OpenML has used
    ("https://www.openml.org/data/v1/download/61/iris.arff", "data/v1/download/61/iris.arff"),
    ("https://api.openml.org/data/v1/download/16826755/Titanic.arff",
     "data/v1/download/16826755/Titanic.arff"),
    ("http://www.openml.org/data/v1/download/61", "data/v1/download/61"),
    ("https://openml.org/data/v1/download/61/iris.arff", "data/v1/download/61/iris.arff"),
]


@pytest.mark.parametrize(("url", "path"), AGES, ids=[url.split("//")[1][:30] for url, _ in AGES])
def test_openml_urls_of_every_age_become_a_path(url, path):
    assert relative_path(url) == path


@pytest.mark.parametrize("url", [
    "https://example.org/datasets/0000/0061/dataset_61.pq",  # another host: used as given
    "http://openml1.win.tue.nl/data/whatever.pq",  # the old host, but not its parquet form
    "http://openml1.win.tue.nl/dataset61/dataset_62.pq",  # two ids that disagree
    "https://data.openml.org/other/file",  # the data host outside datasets/
    "https://www.openml.org/datasets/0000/0061/dataset_61.pq",  # datasets/ lives on the data host
])
def test_urls_that_cannot_be_mapped(url):
    assert relative_path(url) is None


def test_a_url_under_one_of_the_servers_maps_onto_the_others():
    url = "http://127.0.0.1:8765/datasets/0000/0061/dataset_61.pq"  # as the mirror writes it
    assert relative_path(url, [MIRROR]) == "datasets/0000/0061/dataset_61.pq"
    assert relative_path(url, [OPENML]) is None


def test_where_paths_lead_on_each_kind_of_server():
    parquet, arff = "datasets/0000/0061/dataset_61.pq", "data/v1/download/61/iris.arff"
    # OpenML: data files on its data host, over https
    assert OPENML.locate(parquet) == "https://data.openml.org/datasets/0000/0061/dataset_61.pq"
    assert OPENML.locate(arff) == "https://www.openml.org/data/v1/download/61/iris.arff"
    assert OPENML.api("data/61") == "https://www.openml.org/api/v1/json/data/61"
    # a mirror, a static folder: everything under the root given
    assert MIRROR.locate(parquet) == "http://127.0.0.1:8765/datasets/0000/0061/dataset_61.pq"
    assert STATIC.locate(arff) == "https://docs.example.org/_static/openml/data/v1/download/61/iris.arff"
    assert STATIC.api("data/61") == "https://docs.example.org/_static/openml/api/v1/json/data/61"


@pytest.mark.parametrize("given", ["http://www.openml.org", "https://api.openml.org/", "https://openml.org"])
def test_openml_itself_is_always_https(given):
    server = Server.at(given)
    assert server.url.startswith("https://") and server.data_url == "https://data.openml.org/"


# -- the list of servers --------------------------------------------------------------------

def test_default_is_openml(monkeypatch):
    monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)
    assert servers_from(None) == [OPENML]


@pytest.mark.parametrize("given", [
    "http://127.0.0.1:8765 https://www.openml.org",
    "http://127.0.0.1:8765/, https://www.openml.org/",
    "  http://127.0.0.1:8765\n https://www.openml.org ",
    ["http://127.0.0.1:8765", "https://www.openml.org"],
    ("http://127.0.0.1:8765", "https://www.openml.org", "http://127.0.0.1:8765/"),  # repeats once
])
def test_several_servers_in_order(given, monkeypatch):
    assert servers_from(given) == [MIRROR, OPENML]
    if isinstance(given, str):
        monkeypatch.setenv("OPENML_LITE_BASE_URL", given)
        assert servers_from(None) == [MIRROR, OPENML]


@pytest.mark.parametrize("given", ["", " , ", [], "openml.org", ["/relative/path"]])
def test_a_list_without_a_server_is_refused(given, monkeypatch):
    monkeypatch.delenv("OPENML_LITE_BASE_URL", raising=False)
    if given == "":
        assert servers_from(given) == [OPENML]  # "" is "not given", as sklearn's env vars
        return
    with pytest.raises(ValueError):
        servers_from(given)


# -- the pool ---------------------------------------------------------------------------------

def ask(pool, transport, candidates, read=None, *, n_retries=2, cache=None):
    fetcher = Fetcher(transport=transport, cache=cache or MemoryCache(), n_retries=n_retries,
                      delay=0.001, blocking=True)
    return run_without_loop(pool.first(fetcher, candidates, what="the description",
                                       dataset="data_id=61", read=read))


def test_the_first_server_that_answers_serves():
    pool = ServerPool([MIRROR, OPENML])
    transport = FakeTransport({
        MIRROR.api("data/61"): refused,
        OPENML.api("data/61"): (200, b"{}"),
    })
    response = ask(pool, transport, pool.api("data/61"))
    assert response.url == OPENML.api("data/61")
    # no retries on a server that did not answer while another is left; skipped from now on
    assert transport.asked == [MIRROR.api("data/61"), OPENML.api("data/61")]
    assert list(pool.skipped) == [MIRROR.url] and "Connection refused" in pool.skipped[MIRROR.url]
    assert pool.live() == [OPENML]
    assert [(s.what, s.server, s.cached) for s in pool.served] == [("the description", OPENML.url, False)]


def test_the_last_server_gets_the_retries():
    pool = ServerPool([MIRROR, OPENML])
    answers = iter([(503, b"busy"), (503, b"busy"), (200, b"{}")])
    transport = FakeTransport({MIRROR.api("data/61"): (500, b"down"),
                               OPENML.api("data/61"): lambda url: next(answers)})
    assert ask(pool, transport, pool.api("data/61")).status == 200
    assert transport.asked.count(OPENML.api("data/61")) == 3


def test_not_found_on_one_server_leaves_it_in_the_pool():
    """A mirror that lacks one dataset (plain 404) still serves the next document."""
    pool = ServerPool([STATIC, OPENML])

    def read(response):
        if response.status == 404:
            raise DatasetNotFoundError(f"{response.url}: not here", url=response.url)
        return response

    transport = FakeTransport({OPENML.api("data/62"): (200, b"{}")})
    assert ask(pool, transport, pool.api("data/62"), read).url == OPENML.api("data/62")
    assert pool.skipped == {} and pool.live() == [STATIC, OPENML]


def test_every_server_not_found_is_not_found_naming_each():
    pool = ServerPool([STATIC, OPENML])

    def read(response):
        raise DatasetNotFoundError(f"{response.url} says: no such dataset", url=response.url)

    with pytest.raises(DatasetNotFoundError) as caught:
        ask(pool, FakeTransport(), pool.api("data/424242"), read)
    message = str(caught.value)
    assert STATIC.url in message and OPENML.url in message and "data_id=61" in message


def test_errors_name_every_server_tried():
    pool = ServerPool([MIRROR, STATIC, OPENML])
    transport = FakeTransport({MIRROR.api("data/61"): refused,
                               STATIC.api("data/61"): (502, b"<html>Bad Gateway</html>"),
                               OPENML.api("data/61"): refused})
    with pytest.raises(DownloadError) as caught:
        ask(pool, transport, pool.api("data/61"))
    message = str(caught.value)
    for server in (MIRROR, STATIC, OPENML):
        assert server.url in message
    assert "Connection refused" in message and "HTTP 502" in message and "after 3 attempts" in message
    assert len(pool.skipped) == 3
    with pytest.raises(DownloadError, match="no server left to ask"):  # the rest of the load
        ask(pool, transport, pool.api("data/features/61"))


def test_one_server_keeps_its_own_error():
    pool = ServerPool([OPENML])

    def read(response):
        raise DataIntegrityError(f"{response.url} did not answer with JSON", url=response.url)

    with pytest.raises(DataIntegrityError, match="did not answer with JSON"):
        ask(pool, FakeTransport({OPENML.api("data/61"): (200, b"<html>")}), pool.api("data/61"), read)


def test_servers_a_request_running_at_the_same_time_took_out_give_their_error():
    """The candidates were listed while every server was live; a request running beside
    this one (the async API's, the sync API's threads) then took each out: this one
    raises what they said, not an error of its own about nothing."""
    pool = ServerPool([OPENML])
    candidates = pool.api("data/61")
    answer = DataIntegrityError("https://www.openml.org/api/v1/json/data/features/61 did not "
                                "answer with JSON: <!DOCTYPE html>", url=OPENML.api("data/features/61"))
    pool.skipped[OPENML.url], pool.skip_errors[OPENML.url] = str(answer), answer
    transport = FakeTransport({OPENML.api("data/61"): (200, b"{}")})
    with pytest.raises(DataIntegrityError, match="did not answer with JSON") as caught:
        ask(pool, transport, candidates)
    assert caught.value is answer and transport.asked == []

    two = ServerPool([MIRROR, OPENML])
    candidates = two.api("data/61")
    for server, status in ((MIRROR, 503), (OPENML, 502)):
        error = DownloadError(f"{server.api('data/qualities/61')} answered HTTP {status}", status=status)
        two.skipped[server.url], two.skip_errors[server.url] = str(error), error
    with pytest.raises(DownloadError, match="no server gave the description") as caught:
        ask(two, transport, candidates)
    assert "HTTP 503" in str(caught.value) and "HTTP 502" in str(caught.value)


def test_a_copy_in_the_cache_from_any_server_comes_first():
    pool = ServerPool([MIRROR, OPENML])
    cache = MemoryCache()
    run_without_loop(cache.put(OPENML.api("data/61"), b"{}"))
    transport = FakeTransport()
    response = ask(pool, transport, pool.api("data/61"), cache=cache)
    assert response.cached and response.url == OPENML.api("data/61") and transport.asked == []
    assert pool.served[0].cached


def test_a_damaged_copy_in_the_cache_is_dropped_and_fetched():
    pool = ServerPool([OPENML])
    cache = MemoryCache()
    run_without_loop(cache.put(OPENML.api("data/61"), b"{broken"))

    def read(response):
        if response.body.startswith(b"{broken"):
            raise DataIntegrityError("not JSON", url=response.url)
        return response

    transport = FakeTransport({OPENML.api("data/61"): (200, b"{}")})
    assert ask(pool, transport, pool.api("data/61"), read, cache=cache).body == b"{}"
    assert run_without_loop(cache.get(OPENML.api("data/61"))) is None  # dropped; the new one is staged
    assert transport.asked == [OPENML.api("data/61")]


def test_data_files_are_asked_of_every_live_server_in_order():
    pool = ServerPool([STATIC, OPENML])
    legacy = "http://openml1.win.tue.nl/dataset42074/dataset_42074.pq"
    assert [url for _, url in pool.data_file(legacy)] == [
        "https://docs.example.org/_static/openml/datasets/0004/42074/dataset_42074.pq",
        "https://data.openml.org/datasets/0004/42074/dataset_42074.pq",
    ]
    pool.skipped[STATIC.url] = "refused"
    assert [url for _, url in pool.data_file(legacy)] == [
        "https://data.openml.org/datasets/0004/42074/dataset_42074.pq"]
    # a URL on no known host: as given (one candidate, no server of the pool)
    assert pool.data_file("https://example.org/x.pq") == [(None, "https://example.org/x.pq")]
