"""wrk as the second load generator: its command line and its report, read as bench.load's."""

from pathlib import Path

import pytest

from bench import wrk

REPORT = (
    'WRK-REPORT {"requests": 1000, "failed": 3, "socket_errors": 2, "duration_us": 2000000, '
    '"p50_us": 650, "p90_us": 900, "p99_us": 3500, "max_us": 9000, "mean_us": 800.5}'
)
OUTPUT = f"""Running 2s test @ http://127.0.0.1:8080/graphql
  1 threads and 16 connections
  1000 requests in 2.00s, 500KB read
Requests/sec:    500.00

{REPORT}
WRK-FIRST-FAILURE 200: {{"errors":[{{"message":"boom"}}]}}
"""


def test_wrk_report_counts_only_accepted_answers() -> None:
    report = wrk.report(OUTPUT, cpu_s=0.25)

    assert report.count == 997
    assert report.errors == 5
    assert report.elapsed_s == 2.0
    assert report.rps == pytest.approx(498.5)
    assert report.cpu_s == 0.25


def test_wrk_report_gives_latency_in_milliseconds() -> None:
    latency = wrk.report(OUTPUT, cpu_s=0).latency_ms

    assert (latency.p50, latency.p90, latency.p99, latency.max) == (0.65, 0.9, 3.5, 9.0)
    assert latency.mean == pytest.approx(0.8005)


def test_wrk_report_keeps_the_first_failed_answer() -> None:
    assert wrk.report(OUTPUT, cpu_s=0).first_error == '200: {"errors":[{"message":"boom"}]}'


def test_wrk_report_names_socket_errors_when_no_answer_failed() -> None:
    output = REPORT.replace('"failed": 3', '"failed": 0')

    assert "2 socket errors" in str(wrk.report(output, cpu_s=0).first_error)


def test_wrk_without_its_report_line_fails() -> None:
    with pytest.raises(wrk.WrkFailed, match="no report"):
        wrk.report("unable to connect to 127.0.0.1:8080 Connection refused", cpu_s=0)


def test_wrk_runs_whole_seconds_and_at_least_one() -> None:
    assert [wrk.seconds(d) for d in (0.3, 1.0, 5.0, 5.4)] == [1, 1, 5, 5]


def test_wrk_arguments_pass_bodies_expects_and_headers() -> None:
    line = wrk.arguments(
        "http://127.0.0.1:8080/graphql",
        16,
        5.0,
        "POST",
        {"Authorization": "Bearer k"},
        Path("bodies.jsonl"),
        Path("expects.txt"),
    )

    assert line[:3] == ["-t1", "-c16", "-d5s"]
    header = line.index("Authorization: Bearer k")
    assert line[header - 1] == "-H"
    assert "Content-Type: application/json" in line
    assert line[-5:] == [
        "http://127.0.0.1:8080/graphql",
        "--",
        "POST",
        "bodies.jsonl",
        "expects.txt",
    ]


def test_wrk_arguments_without_bodies_send_no_content_type() -> None:
    line = wrk.arguments("http://127.0.0.1:8080/", 1, 1.0, "GET", {}, None, None)

    assert "Content-Type: application/json" not in line
    assert line[-3:] == ["GET", "-", "-"]
