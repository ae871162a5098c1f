"""openml.py without a server: OpenML's answers, V1 and its next API's (V2, RFC 9457
problem documents), become the same typed errors; a static mirror's answers (200 with
OpenML's error body) mean what OpenML's own do."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from fake_transport import FakeTransport
from openml_lite._sync import run_without_loop
from openml_lite.errors import DataIntegrityError, DatasetNotFoundError, DownloadError, OpenMLError
from openml_lite.fetcher import Fetcher
from openml_lite.mirror.faults import PROBLEM_TYPE, v2_problem
from openml_lite.openml import OpenMLClient, openml_error

OPENML = "https://www.openml.org"
API = f"{OPENML}/api/v1/json"
JSON = {"content-type": "application/json"}
PROBLEM = {"content-type": PROBLEM_TYPE}


def recorded(name: str) -> bytes:
    """A response scikit-learn recorded from OpenML (its test data)."""
    import sklearn.datasets.tests.data.openml as data

    (path,) = Path(data.__file__).parent.glob(f"id_*/{name}")
    return gzip.decompress(path.read_bytes())


def client_with(answers: dict, **fetcher) -> OpenMLClient:
    transport = FakeTransport(answers)
    options = {"n_retries": 1, "delay": 0.001, "blocking": True, **fetcher}
    return OpenMLClient(Fetcher(transport=transport, **options), OPENML)


def run(coroutine):
    return run_without_loop(coroutine)


# -- V2: server-api's problem documents (shapes in openml_lite.mirror.faults, from its code) ---

def problem(status: int, kind: str, title: str, detail: str, code: str | None) -> bytes:
    document = {"type": f"https://openml.org/problems/{kind}", "title": title, "status": status,
                "detail": detail}
    if code is not None:
        document["code"] = code
    return json.dumps(document, separators=(",", ":")).encode()


def test_v2_unknown_dataset_is_not_found():
    status, body = v2_problem("description", "9999999")
    assert status == 404  # where V1 says 412
    client = client_with({f"{API}/data/9999999": (status, body, PROBLEM)})
    with pytest.raises(DatasetNotFoundError) as caught:
        run(client.description(9999999))
    message = str(caught.value)
    assert "data_id 9999999 not found at https://www.openml.org" in message
    assert "OpenML error 111: No dataset with id 9999999 found. (Dataset Not Found)" in message


def test_v2_no_results_of_a_name_lookup_is_not_found():
    status, body = v2_problem("list")
    url = f"{API}/data/list/data_name/nothing/limit/2/status/active/"
    with pytest.raises(DatasetNotFoundError, match="OpenML error 372: No datasets match"):
        run(client_with({url: (status, body, PROBLEM)}).find_by_name("nothing", "active"))


def test_v2_unknown_dataset_at_qualities_means_none():
    status, body = v2_problem("qualities", "61")
    client = client_with({f"{API}/data/qualities/61": (status, body, PROBLEM)})
    assert run(client._qualities(61, "data_id=61")) == {}


@pytest.mark.parametrize(("answer", "error"), [
    # no features: still 412 in V2 (datasets.py), code 272
    ((412, problem(412, "dataset-no-features", "Dataset Features Not Available",
                   "No features found. Dataset 5 did not contain any features, or we could not "
                   "extract them.", "272")), DatasetNotFoundError),
    # V1's unknown dataset at the features endpoint, as OpenML answers it: 412, code 271
    ((412, b'{"error":{"code":"271","message":"Unknown dataset"}}'), DatasetNotFoundError),
    # not processed yet: 412 and code 273, an answer about this dataset
    ((412, problem(412, "dataset-not-processed", "Dataset Not Processed",
                   "Dataset 5 not processed yet, so features are not yet available. Please wait "
                   "for a few minutes.", "273")), DatasetNotFoundError),
])
def test_features_errors(answer, error):
    client = client_with({f"{API}/data/features/5": (*answer, PROBLEM)})
    with pytest.raises(error) as caught:
        run(client._features(5, "data_id=5"))
    assert "data_id=5" in str(caught.value)


def test_v2_no_access_is_an_openml_error_not_a_missing_dataset():
    body = problem(403, "dataset-no-access", "Dataset Access Denied",
                   "No access granted to dataset 130.", "112")
    client = client_with({f"{API}/data/130": (403, body, PROBLEM)})
    with pytest.raises(OpenMLError) as caught:
        run(client.description(130))
    assert not isinstance(caught.value, (DatasetNotFoundError, DownloadError))
    assert "OpenML error 112: No access granted to dataset 130. (Dataset Access Denied)" in str(caught.value)
    assert "HTTP 403" in str(caught.value)


def test_v2_validation_error_has_no_code():
    body = json.dumps({"type": "https://openml.org/problems/validation-error", "title": "Validation Error",
                       "status": 422, "detail": "Input validation failed.",
                       "errors": [{"type": "greater_than", "loc": ["path", "dataset_id"]}]}).encode()
    assert openml_error(body) == ("", "Input validation failed. (Validation Error)")
    with pytest.raises(OpenMLError, match="Input validation failed"):
        run(client_with({f"{API}/data/0": (422, body, PROBLEM)}).description(0))


def test_v2_server_error_is_retried_then_a_download_error():
    body = problem(500, "internal-error", "Internal Server Error", "boom", None)
    client = client_with({f"{API}/data/61": (500, body, PROBLEM)}, n_retries=2)
    with pytest.raises(DownloadError, match="after 3 attempts: HTTP 500") as caught:
        run(client.description(61))
    assert caught.value.status == 500
    assert client.fetcher.transport.asked == [f"{API}/data/61"] * 3


# -- V1, as scikit-learn recorded it, and a static mirror's forms of it ---------------------------

def test_v1_recorded_description_parses():
    body = recorded("api-v1-jd-61.json.gz")
    description = run(client_with({f"{API}/data/61": (200, body, JSON)}).description(61))
    assert (description.id, description.name) == (61, "iris")


def test_v1_recorded_qualities_error_means_none():
    """Dataset 1's recorded qualities are OpenML's error 364 ("processed with error")."""
    body = recorded("api-v1-jdq-1.json.gz")
    assert openml_error(body)[0] == "364"
    client = client_with({f"{API}/data/qualities/1": (412, body, JSON)})
    assert run(client._qualities(1, "data_id=1")) == {}


@pytest.mark.parametrize("status", [412, 200], ids=["openml", "static-mirror"])
def test_v1_no_results_body_is_not_found_with_any_status(status):
    """A static host cannot answer 412: the export writes OpenML's body, served with 200."""
    body = b'{"error":{"code":"372","message":"No results"}}'
    url = f"{API}/data/list/data_name/iris/limit/2/data_version/9"
    deactivated = url + "/status/deactivated"
    with pytest.raises(DatasetNotFoundError, match="'iris' with version 9 not found.*372"):
        run(client_with({url: (status, body, JSON), deactivated: (status, body, JSON)})
            .find_by_name("iris", 9))


def test_a_plain_404_is_not_found():
    with pytest.raises(DatasetNotFoundError, match=r"data_id 61 not found.*\(HTTP 404\)"):
        run(client_with({}).description(61))


@pytest.mark.parametrize("body", [b"<!DOCTYPE html><html>Maintenance</html>", b"[1, 2]"],
                         ids=["html", "not-an-object"])
def test_an_answer_that_is_no_openml_document(body):
    with pytest.raises(DataIntegrityError, match="data_id=61"):
        run(client_with({f"{API}/data/61": (200, body, {"content-type": "text/html"})}).description(61))


def test_html_error_pages_are_retried_then_named():
    from openml_lite.mirror.faults import html_error_page

    client = client_with({f"{API}/data/61": (502, html_error_page(502), {"content-type": "text/html"})})
    with pytest.raises(DownloadError, match="HTTP 502") as caught:
        run(client.description(61))
    assert caught.value.url == f"{API}/data/61"
