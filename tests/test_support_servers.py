"""The test-support servers themselves, checked with raw httpx2 and raw sockets."""

import email.utils
import json
import socket
import threading
import time

import httpx2
import pytest
from support.faults import Fault, refused_url
from support.httpserver import HTTPServer, Reply, ndjson_reply, sse_reply
from support.openai_fake import OpenAIFake


@pytest.fixture
def server():
    with HTTPServer() as s:
        s.route("GET", "/ping")(lambda req: {"ok": True})
        s.route("POST", "/echo")(lambda req: {"json": req.json(), "q": req.query})
        s.route("GET", "/sse")(lambda req: sse_reply({"i": i} for i in range(5)))
        s.route("GET", "/ndjson")(lambda req: ndjson_reply([{"a": 1}, {"b": 2}]))
        yield s
    assert not s.errors


@pytest.fixture
def client(server):
    with httpx2.Client(base_url=server.url, timeout=2) as c:
        yield c


def test_keep_alive_reuses_one_connection_at_thousands_of_requests_per_second(server, client):
    started, n = time.perf_counter(), 500
    for _ in range(n):
        assert client.get("/ping").json() == {"ok": True}
    assert n / (time.perf_counter() - started) > 200  # ~2,500/s on a 2-core machine
    counts = (server.connection_count, server.open_connections(), server.request_count)
    assert (*counts, server.count("/ping", "GET")) == (1, 1, n, n)


def test_request_parsing_log_fallback_and_handler_errors(server, client) -> None:
    r = client.post("/echo?x=1&y=", json={"a": [1, 2]}, headers={"X-Test": "yes"})
    assert r.json() == {"json": {"a": [1, 2]}, "q": {"x": "1", "y": ""}}
    req = server.requests[-1]
    assert (req.method, req.path, req.json()) == ("POST", "/echo", {"a": [1, 2]})
    assert req.headers["x-TEST"] == "yes"  # case-insensitive
    r = client.post("/echo", content=iter([b'{"chunked":', b" true}"]))  # a chunked upload
    assert r.json()["json"] == {"chunked": True}
    r = client.get("/nope")
    assert (r.status_code, r.text) == (404, "404 page not found")
    server.fallback = lambda req: Reply(418, {"X-Why": "teapot"}, "short and stout")
    r = client.get("/nope")
    assert (r.status_code, r.headers["x-why"], r.text) == (418, "teapot", "short and stout")
    server.route("GET", "/boom")(lambda req: 1 / 0)
    assert client.get("/boom").status_code == 500
    assert isinstance(server.errors.pop(), ZeroDivisionError)


def test_streams_are_flushed_chunk_by_chunk_and_framed(server, client) -> None:
    got_first = threading.Event()  # "second" is only produced once the client has "first"
    slow = (x for x in ("first", "second") if x == "first" or got_first.wait(2))
    server.route("GET", "/stream")(lambda req: Reply(body=slow))
    with client.stream("GET", "/stream") as r:
        chunks = r.iter_raw()
        assert next(chunks) == b"first"  # arrives while the generator still waits
        got_first.set()
        assert b"".join(chunks) == b"second"
    r = client.get("/ndjson")
    lines = [json.loads(line) for line in r.text.splitlines()]
    assert (r.headers["content-type"], lines) == ("application/x-ndjson", [{"a": 1}, {"b": 2}])
    with socket.create_connection((server.host, server.port), timeout=2) as sock:
        sock.sendall(b"GET /sse HTTP/1.1\r\n\r\nGET /ping HTTP/1.1\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := sock.recv(65536):  # the server closes after the second reply
            data += chunk
    sse = b"".join(b'f\r\ndata: {"i":%d}\n\n\r\n' % i for i in range(5))
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    ping = b"Content-Type: application/json\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
    sse += b"e\r\ndata: [DONE]\n\n\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n" + ping + b'{"ok":true}'
    assert data == head + sse


def test_stop_closes_connections_and_joins_threads_despite_a_slow_fault() -> None:
    server = HTTPServer().start()
    server.faults.push(Fault.slow_headers(30))
    idle = socket.create_connection((server.host, server.port))  # an idle keep-alive client
    waiting = socket.create_connection((server.host, server.port))
    waiting.sendall(b"GET / HTTP/1.1\r\n\r\n")  # its reply is 30 s away
    deadline = time.monotonic() + 2
    while not server.request_count and time.monotonic() < deadline:
        time.sleep(0.01)
    conns, threads = list(server.threads), [server._acceptor, *server.threads.values()]
    started = time.perf_counter()
    server.stop()
    assert time.perf_counter() - started < 1
    assert (idle.recv(16), waiting.recv(16)) == (b"", b"")  # both closed by the server
    idle.close(), waiting.close()
    sockets = [server._listener, *(c.sock for c in conns)]
    assert [s.fileno() for s in sockets] == [-1, -1, -1]  # all closed
    assert [t.is_alive() for t in threads] == [False, False, False]
    with pytest.raises(httpx2.ConnectError):  # where nothing listens
        httpx2.get(refused_url(), timeout=2)


def test_status_faults_filters_and_rate_limits(server, client) -> None:
    server.faults.push(Fault.error(500), times=2, path="/ping")
    for _ in range(2):
        r = client.get("/ping")
        assert (r.status_code, r.json()["error"]["code"]) == (500, 500)
        with pytest.raises(httpx2.HTTPStatusError):
            r.raise_for_status()
    assert client.get("/ping").json() == {"ok": True}
    assert (server.faults.fired, len(server.faults)) == ([("reply", "GET", "/ping")] * 2, 0)
    server.faults.push(Fault.error(503), path="/sse", method="get")
    server.faults.push(Fault.error(502), times=None, method="POST")
    assert client.get("/ping").status_code == 200
    assert [client.post("/echo", json={}).status_code for _ in range(3)] == [502] * 3
    assert (client.get("/sse").status_code, len(server.faults)) == (503, 1)
    server.faults.clear()
    assert client.post("/echo", json={}).status_code == 200
    server.faults.push(Fault.rate_limited(2))
    server.faults.push(Fault.rate_limited(3, as_date=True))
    server.faults.push(Fault.rate_limited(ms=250, status=503))
    r = client.get("/ping")
    assert (r.status_code, r.headers["retry-after"]) == (429, "2")
    when = email.utils.parsedate_to_datetime(client.get("/ping").headers["retry-after"])
    assert 1 <= when.timestamp() - time.time() <= 3
    r = client.get("/ping")
    assert (r.status_code, r.headers["retry-after-ms"]) == (503, "250")
    assert "retry-after" not in r.headers
    assert r.json()["error"]["type"] == "rate_limit_error"


TRANSPORT = {  # the fault -> httpx2 exception table of faults.py
    "reset": (Fault.reset(), "/ping", httpx2.ReadError),
    "drop_mid_body": (Fault.drop_mid_body(), "/ping", httpx2.RemoteProtocolError),
    "drop_mid_body_hard": (Fault.drop_mid_body(hard=True), "/ping", httpx2.ReadError),
    "drop_mid_stream": (Fault.drop_mid_stream(2), "/sse", httpx2.RemoteProtocolError),
    "drop_mid_stream_hard": (Fault.drop_mid_stream(2, hard=True), "/sse", httpx2.ReadError),
    "slow_headers": (Fault.slow_headers(0.3), "/ping", httpx2.ReadTimeout),
    "slow_body": (Fault.slow_body(0.3), "/ping", httpx2.ReadTimeout),
}


@pytest.mark.parametrize(("fault", "path", "error"), TRANSPORT.values(), ids=list(TRANSPORT))
def test_transport_faults(server, client, fault, path, error) -> None:
    server.faults.push(fault, path=path)
    with pytest.raises(error):
        client.get(path, timeout=0.1)
    assert client.get(path).status_code == 200  # the next request is served normally


@pytest.mark.parametrize("hard", [False, True])
def test_drop_mid_stream_after_n_events(server, client, hard) -> None:
    server.faults.push(Fault.drop_mid_stream(after=3, hard=hard))
    events, error = [], httpx2.ReadError if hard else httpx2.RemoteProtocolError
    with pytest.raises(error), client.stream("GET", "/sse") as r:
        events.extend(filter(None, r.iter_lines()))  # keeps the events read before the error
    assert events == [f'data: {{"i":{i}}}' for i in range(3)]


def test_slow_faults_with_a_patient_client_and_bad_payloads(server, client) -> None:
    server.faults.push(Fault.slow_headers(0.1))
    server.faults.push(Fault.slow_body(0.03), path="/sse")
    started = time.perf_counter()
    assert client.get("/ping").json() == {"ok": True}
    with client.stream("GET", "/sse", timeout=0.2) as r:
        assert r.status_code == 200  # headers came at once; each of 6 events takes 0.03 s
        assert r.read().count(b"data:") == 6
    assert 0.1 + 6 * 0.03 <= time.perf_counter() - started < 2
    server.faults.push(Fault.malformed_json())
    server.faults.push(Fault.wrong_content_type())
    server.faults.push(Fault.oversized(3_000_000), times=2)
    for content_type in ("application/json", "text/html; charset=utf-8"):
        r = client.get("/ping")
        assert (r.status_code, r.headers["content-type"]) == (200, content_type)
        with pytest.raises(json.JSONDecodeError):
            r.json()
    assert len(client.get("/ping").content) == 3_000_000
    with client.stream("GET", "/ping") as r:  # a client that gives up early
        assert (r.headers["content-length"], len(next(r.iter_raw())) > 0) == ("3000000", True)
    assert client.get("/ping").json() == {"ok": True}


CHAT_PATH, TEXT = "/v1/chat/completions", [{"type": "text", "text": "hello  there world"}]
MESSAGES = [{"role": "system", "content": "hi"}, {"role": "user", "content": TEXT}]
CHAT = {"model": "m1", "messages": MESSAGES}


@pytest.fixture
def fake():
    auth = {"Authorization": "Bearer sk-test"}
    with OpenAIFake(api_key="sk-test") as s, httpx2.Client(base_url=s.url, headers=auth) as c:
        yield s, c
    assert not s.errors


def test_openai_models_chat_and_stream(fake) -> None:
    _, c = fake
    card = {"id": "fake-model", "object": "model", "created": 0, "owned_by": "llm-core-tests"}
    assert c.get("/v1/models").json() == {"object": "list", "data": [card]}
    r = c.post(CHAT_PATH, json=CHAT).json()
    assert (r["object"], r["model"]) == ("chat.completion", "m1")
    message = {"role": "assistant", "content": "echo: hello there world"}
    assert r["choices"] == [{"finish_reason": "stop", "index": 0, "message": message}]
    assert r["usage"] == {"completion_tokens": 4, "prompt_tokens": 4, "total_tokens": 8}
    r = c.post(CHAT_PATH, json={**CHAT, "max_tokens": 2}).json()["choices"][0]
    assert (r["message"]["content"], r["finish_reason"]) == ("echo: hello", "length")
    r = c.post(CHAT_PATH, json={"model": "x"})
    error = {"code": 400, "message": "'messages' is required", "type": "invalid_request_error"}
    assert (r.status_code, r.json()) == (400, {"error": error})
    body = {**CHAT, "stream": True, "stream_options": {"include_usage": True}, "max_tokens": 3}
    with c.stream("POST", CHAT_PATH, json=body) as r:
        lines = [line for line in r.iter_lines() if line]
    assert (r.headers["content-type"], lines[-1]) == ("text/event-stream", "data: [DONE]")
    chunks = [json.loads(line.removeprefix("data: ")) for line in lines[:-1]]
    words = [{"content": w} for w in ("echo:", " hello", " there")]
    deltas = [{"role": "assistant", "content": None}, *words, {}]
    assert [ch["choices"][0]["delta"] for ch in chunks[:-1]] == deltas
    assert [ch["choices"][0]["finish_reason"] for ch in chunks[:-1]] == [None] * 4 + ["length"]
    assert (chunks[-1]["choices"], chunks[-1]["usage"]["completion_tokens"]) == ([], 3)
    ids = {(ch["object"], ch["id"], ch["model"]) for ch in chunks}
    assert ids == {("chat.completion.chunk", chunks[0]["id"], "m1")}


def test_openai_errors_auth_faults_and_a_1000_chunk_stream(fake) -> None:
    s, c = fake
    s.strict_models = True
    r = c.post(CHAT_PATH, json={**CHAT, "model": "x"})
    error = {"message": "model 'x' not found", "type": "not_found_error"}
    assert (r.status_code, r.json()) == (404, {"error": error})
    s.strict_models = False
    error = {"message": "Invalid API key", "type": "invalid_request_error"}
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        r = httpx2.post(s.url + CHAT_PATH, json=CHAT, headers=headers)
        assert (r.status_code, r.json()) == (401, {"error": {**error, "code": "invalid_api_key"}})
    assert httpx2.get(s.url + "/v1/models").status_code == 200  # public, as in llama.cpp
    assert c.get("/nope").json()["error"]["message"] == "File Not Found"
    s.faults.push(Fault.drop_mid_stream(after=3), path=CHAT_PATH)
    with pytest.raises(httpx2.RemoteProtocolError):
        c.post(CHAT_PATH, json={**CHAT, "stream": True})
    with c.stream("POST", CHAT_PATH, json={**CHAT, "stream": True, "words": 1000}) as r:
        data = [json.loads(line[6:]) for line in r.iter_lines() if line[6:7] == "{"]
    deltas = [d["choices"][0]["delta"] for d in data]
    assert "".join(d.get("content") or "" for d in deltas) == " ".join(f"w{i}" for i in range(1000))
    assert len(deltas) == 1002  # role, 1000 words, finish
