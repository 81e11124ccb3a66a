"""Run one page's copied blocks in page order, in this interpreter, as a reader pastes them.

``sitekit/testing/copy_blocks.py`` starts this file's text with ``python -I -c`` in the reader's
virtual environment, so it imports nothing from the project (standard library only) and the
project is not on ``sys.path``. It reads ``{"blocks": [[number, source], ...]}`` as JSON from
stdin (a block's number is its place on the page), runs every block in one fresh ``__main__``
module (one namespace for the page, as in one interpreter), and records what each top-level
statement writes to stdout: every write is charged to the line of the block's outermost frame
that is running, the way ``sitekit/testing/fence_runner.py`` charges a ``print``. It writes one JSON
object to stdout: per block, ``error`` (a traceback or ``null``) and ``printed`` (``[line, text]``
pairs); and the interpreter's ``sys.path``.

Started with the argument ``serve``, it is instead a fork server for a whole test session
(``serve``): it imports PyTorch once, then forks one new process per page, which runs as a
fresh ``python -I -c`` of this file would, PyTorch imported.
"""

import json
import sys
import traceback
import types


class Recorder:
    """Stands in for ``sys.stdout`` while a block runs."""

    def __init__(self, filename):
        self.filename = filename
        self.printed = []

    def write(self, text):
        line = None
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename == self.filename:
                line = frame.f_lineno
            frame = frame.f_back
        self.printed.append([line, text])
        return len(text)

    def flush(self):
        pass


def run(real_stdout):
    """Run the blocks read from stdin; write the report to ``real_stdout``."""
    request = json.load(sys.stdin)
    main = types.ModuleType("__main__")  # the reader's __main__, apart from this harness's names
    sys.modules["__main__"] = main
    results = []
    for number, source in request["blocks"]:
        filename = f"<copied block {number}>"
        recorder = Recorder(filename)
        error = None
        sys.stdout = recorder
        try:
            exec(compile(source, filename, "exec"), main.__dict__)
        except BaseException as raised:  # report from the block's frame on, not this harness's
            error = "".join(
                traceback.format_exception(raised.with_traceback(raised.__traceback__.tb_next))
            )
        finally:
            sys.stdout = real_stdout
        results.append({"error": error, "printed": recorder.printed})

    real_stdout.write(json.dumps({"blocks": results, "sys_path": sys.path}))


def serve():
    """Answer one request per line of stdin with one JSON line on stdout, until stdin closes.

    A request is ``{"input": ..., "cwd": ..., "timeout": ...}``: what a fresh interpreter of
    this file would read from stdin, where it would run, and the seconds it may take. Each is
    run in a process forked from this one, which has imported PyTorch (what a page's first
    block does) and nothing else: the child takes ``input`` as its stdin, runs ``run`` and the
    exit handlers, and exits, as a fresh interpreter does. The answer is what
    ``subprocess.run`` would give: ``{"returncode": ..., "stdout": ..., "stderr": ...}``.
    """
    import os
    import tempfile

    import torch  # noqa: F401  (imported once here, shared by every page's process)

    for line in sys.stdin:
        request = json.loads(line)
        with (
            tempfile.TemporaryFile() as stdin,
            tempfile.TemporaryFile() as stdout,
            tempfile.TemporaryFile() as stderr,
        ):
            stdin.write(request["input"].encode("utf-8"))
            stdin.seek(0)
            sys.stdout.flush()
            sys.stderr.flush()
            child = os.fork()
            if child == 0:
                _child(request, stdin, stdout, stderr)  # never returns
            _, status = os.waitpid(child, 0)
            outputs = []
            for file in (stdout, stderr):
                file.seek(0)
                outputs.append(file.read().decode("utf-8", errors="replace"))
        code = os.waitstatus_to_exitcode(status)  # -N when killed by signal N
        answer = {"returncode": code, "stdout": outputs[0], "stderr": outputs[1]}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


def _child(request, stdin, stdout, stderr):
    """In the forked process: start as a fresh interpreter would, run the page, exit."""
    import atexit
    import os
    import signal

    code = 0
    signal.alarm(max(1, int(request["timeout"])))  # past it, the process is killed
    for fd, file in ((0, stdin), (1, stdout), (2, stderr)):
        os.dup2(file.fileno(), fd)
    with (
        open(0, encoding="utf-8", closefd=False) as sys.stdin,
        open(1, "w", encoding="utf-8", closefd=False) as sys.stdout,
        open(2, "w", encoding="utf-8", closefd=False) as sys.stderr,
    ):
        try:
            sys.argv = ["-c"]
            os.chdir(request["cwd"])
            run(sys.stdout)
            atexit._run_exitfuncs()
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)


if (
    __name__ == "__main__"
):  # never on import: pytest-markdown-docs imports modules for their docstrings
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        run(sys.stdout)
