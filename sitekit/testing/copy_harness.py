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


if (
    __name__ == "__main__"
):  # never on import: pytest-markdown-docs imports modules for their docstrings
    run(sys.stdout)
