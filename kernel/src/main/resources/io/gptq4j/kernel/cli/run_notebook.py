"""Executes a notebook with nbclient, stopping at the first failing cell, and saves it either way.

Usage: run_notebook.py NOTEBOOK OUT.ipynb HTML_OR_EMPTY KERNEL_NAME TIMEOUT_SECONDS FAILURE.json

Started by `gptq4j run`. On a failure it writes the executed notebook (cells up to and including
the failing one, with its error output) and FAILURE.json, which RunCommand turns into one stderr
message, then exits with 1. Python tracebacks of nbclient are not printed for cell failures.
"""
import json
import os
import sys
import warnings

try:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:
    sys.exit(f"gptq4j run: {sys.executable} cannot import {e.name}; install the Debian package python3-nbclient "
             "or point GPTQ4J_PYTHON at a Python with nbclient")

try:
    from nbformat.warnings import MissingIDFieldWarning

    # Notebooks written before nbformat 4.5 have no cell ids, and nbformat adds them when it writes.
    warnings.simplefilter("ignore", MissingIDFieldWarning)
except ImportError:
    pass


def first_line(source):
    for line in source.splitlines():
        if line.strip():
            return line.strip()
    return ""


def cell_error(cell):
    """Returns (ename, evalue) of the cell's error output, or None."""
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error":
            return output.get("ename", ""), output.get("evalue", "")
    return None


def main():
    notebook_path, out_path, html_path, kernel_name, timeout, failure_path = sys.argv[1:7]
    notebook = nbformat.read(notebook_path, as_version=4)
    current = {"index": None}

    def on_cell_start(cell, cell_index):
        current["index"] = cell_index

    client = NotebookClient(notebook, timeout=int(timeout), kernel_name=kernel_name,
                            resources={"metadata": {"path": os.path.dirname(os.path.abspath(notebook_path))}},
                            on_cell_start=on_cell_start)
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = {"kind": "error", "ename": e.ename, "evalue": e.evalue}
    except CellTimeoutError:
        failure = {"kind": "timeout", "ename": "", "evalue": f"no reply within {timeout} s"}
    except DeadKernelError as e:
        failure = {"kind": "dead-kernel", "ename": "", "evalue": str(e)}

    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    nbformat.write(notebook, out_path)
    if html_path:
        os.makedirs(os.path.dirname(os.path.abspath(html_path)), exist_ok=True)
        try:
            from nbconvert import HTMLExporter
        except ImportError:
            sys.exit("gptq4j run: --html needs nbconvert; install the Debian package jupyter-nbconvert")
        body, _ = HTMLExporter().from_notebook_node(notebook)
        with open(html_path, "w", encoding="utf-8") as f:
            f.write(body)

    if failure is None:
        return 0
    index = current["index"]
    if index is not None:
        cell = notebook.cells[index]
        failure["cell"] = index + 1
        failure["firstLine"] = first_line(cell.source)
        reported = cell_error(cell)
        if reported is not None:
            failure["ename"], failure["evalue"] = reported
    with open(failure_path, "w", encoding="utf-8") as f:
        json.dump(failure, f)
    return 1


if __name__ == "__main__":
    sys.exit(main())
