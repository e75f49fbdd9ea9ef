"""gptq4j kernel tests through a real Jupyter client (jupyter_client + pyzmq).

Run by KernelClientIT after `mvn package`; by hand:
  GPTQ4J_KERNEL_JAR=kernel/target/gptq4j-all.jar GPTQ4J_ROOT=. \
    /usr/bin/python3 -m unittest -v kernel_client_test   (from kernel/src/test/python)
"""
import base64
import hashlib
import hmac
import json
import os
import re
import shutil
import struct
import subprocess
import tempfile
import time
import unittest
import uuid
import zlib

import zmq

from jupyter_client import KernelManager

from kernel_harness import Kernel, cli, outputs, stream_text, JAVA, KERNEL_JAR, ROOT, TIMEOUT


def png_size_and_colors(data):
    """Returns ((width, height), distinct byte values of the decompressed image data)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG: %r" % data[:8]
    width, height = struct.unpack(">II", data[16:24])
    idat = b""
    pos = 8
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + length]
        pos += 12 + length
    return (width, height), set(zlib.decompress(idat))


def process_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the command name.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_share(pid, seconds=1.0):
    start = process_cpu_seconds(pid)
    time.sleep(seconds)
    return (process_cpu_seconds(pid) - start) / seconds


def wait_until_quiet(pid, limit=0.1, timeout=TIMEOUT):
    """Waits until the kernel stops using CPU; JShell indexes the class path in the background after start."""
    deadline = time.time() + timeout
    while cpu_share(pid, 0.5) > limit:
        if time.time() > deadline:
            raise AssertionError(f"kernel {pid} still busy after {timeout} s")


class KernelTestCase(unittest.TestCase):
    """Starts one kernel for all tests of a class."""

    @classmethod
    def setUpClass(cls):
        cls.kernel = Kernel()

    @classmethod
    def tearDownClass(cls):
        cls.kernel.close()


class ExecuteTest(KernelTestCase):
    def test_kernel_info(self):
        info = self.kernel.request(self.kernel.client.kernel_info)
        self.assertEqual("java", info["language_info"]["name"])
        self.assertTrue(info["protocol_version"].startswith("5."))

    def test_expression_value(self):
        reply, messages = self.kernel.execute("6 * 7")
        self.assertEqual("ok", reply["status"])
        self.assertEqual("42", outputs(messages, "execute_result")[0]["data"]["text/plain"])

    def test_variables_persist(self):
        self.kernel.execute("String greeting = \"hé\" + \"llo\";")
        reply, messages = self.kernel.execute("greeting.length()")
        self.assertEqual("5", outputs(messages, "execute_result")[0]["data"]["text/plain"])

    def test_rerun_cells_see_current_definitions(self):
        self.kernel.execute("int counter = 0;")
        for expected in ("1", "2", "3"):
            reply, messages = self.kernel.execute("++counter")
            self.assertEqual(expected, outputs(messages, "execute_result")[0]["data"]["text/plain"])
        for body in ("first", "second"):
            self.kernel.execute(f'String label() {{ return "{body}"; }}')
            reply, messages = self.kernel.execute("label()")
            self.assertEqual(body, outputs(messages, "execute_result")[0]["data"]["text/plain"])
        self.kernel.execute("int zero = 0;")
        for attempt in range(2):
            reply, messages = self.kernel.execute("5 / zero")
            self.assertEqual("java.lang.ArithmeticException", reply["ename"], attempt)
            self.assertIn("/ by zero", outputs(messages, "error")[0]["traceback"][0])

    def test_stdout_and_stderr(self):
        reply, messages = self.kernel.execute('System.out.println("to out");\nSystem.err.println("to err");')
        self.assertEqual("ok", reply["status"])
        self.assertEqual("to out\n", stream_text(messages, "stdout"))
        self.assertEqual("to err\n", stream_text(messages, "stderr"))
        self.assertEqual([], outputs(messages, "execute_result"))

    def test_compile_error(self):
        reply, messages = self.kernel.execute("int broken = ;")
        self.assertEqual("error", reply["status"])
        error = outputs(messages, "error")[0]
        self.assertEqual("CompilationError", error["ename"])
        self.assertIn("int broken = ;", error["traceback"])
        self.assertIn("^", "\n".join(error["traceback"]))

    def test_runtime_exception(self):
        defined, _ = self.kernel.execute("int divide(int a, int b) {\n    return a / b;\n}")
        reply, messages = self.kernel.execute("int one = 1;\ndivide(one, 0)")
        self.assertEqual("error", reply["status"])
        self.assertEqual("java.lang.ArithmeticException", reply["ename"])
        error = outputs(messages, "error")[0]
        self.assertEqual("/ by zero", error["evalue"])
        trace = "\n".join(error["traceback"])
        self.assertIn("java.lang.ArithmeticException: / by zero", trace)
        # Frames name the cell by its execution count and the line in that cell.
        self.assertIn("at divide (In [%d], line 2)" % defined["execution_count"], trace)
        self.assertIn("at (In [%d], line 2)" % reply["execution_count"], trace)
        self.assertNotIn("jdk.jshell", trace)
        self.assertNotIn("jdk.internal.reflect", trace)

    def test_exception_cause_chain(self):
        reply, messages = self.kernel.execute(
            'throw new IllegalStateException("outer", new java.io.IOException("inner"));')
        trace = "\n".join(outputs(messages, "error")[0]["traceback"])
        self.assertIn("java.lang.IllegalStateException: outer", trace)
        self.assertIn("Caused by: java.io.IOException: inner", trace)

    def test_complete_print(self):
        code = "System.out.pr"
        reply = self.kernel.request(lambda: self.kernel.client.complete(code, len(code)))
        self.assertEqual("ok", reply["status"])
        self.assertIn("println(", reply["matches"])
        self.assertIn("print(", reply["matches"])
        self.assertEqual(len("System.out."), reply["cursor_start"])
        self.assertEqual(len(code), reply["cursor_end"])

    def test_inspect_shows_gptq4j_javadoc(self):
        source = os.path.join(ROOT, "engine/src/main/java/io/gptq4j/engine/model/ModuleName.java")
        with open(source) as f:
            text = f.read()
        # The first sentence of the Javadoc right before `parse(`, read from the source independently.
        comment = re.search(r"/\*\*((?:(?!\*/).)*)\*/\s*public static ModuleName parse\(", text, re.S).group(1)
        first_sentence = re.sub(r"\s*\*\s*", " ", comment).strip().split(" (")[0]
        code = "ModuleName.parse"
        reply = self.kernel.request(lambda: self.kernel.client.inspect(code, len(code)))
        self.assertTrue(reply["found"], reply)
        plain = reply["data"]["text/plain"]
        self.assertIn("ModuleName.parse(String", plain)
        self.assertIn(first_sentence, " ".join(plain.split()))

    def test_is_complete(self):
        cases = {"int x = 1;": "complete", "for (int i = 0; i < 3; i++) {": "incomplete", "int x = ;": "invalid"}
        for code, expected in cases.items():
            reply = self.kernel.request(lambda: self.kernel.client.is_complete(code))
            self.assertEqual(expected, reply["status"], code)
        reply = self.kernel.request(lambda: self.kernel.client.is_complete("for (int i = 0; i < 3; i++) {"))
        self.assertEqual("    ", reply["indent"])

    def test_history(self):
        self.kernel.execute("int historyMarker = 1;")
        reply = self.kernel.request(lambda: self.kernel.client.history(hist_access_type="tail", n=50))
        self.assertIn("int historyMarker = 1;", [entry[2] for entry in reply["history"]])

    def test_comm_info(self):
        reply = self.kernel.request(lambda: self.kernel.client.comm_info())
        self.assertEqual("ok", reply["status"])
        self.assertEqual({}, reply["comms"])

    def test_xchart_as_png(self):
        reply, messages = self.kernel.execute(
            'var chart = new XYChartBuilder().width(400).height(300).title("loss").build();\n'
            'chart.addSeries("q", new double[] {1, 2, 3}, new double[] {3, 1, 2});\n'
            'chart')
        self.assertEqual("ok", reply["status"], reply)
        data = outputs(messages, "execute_result")[0]["data"]
        size, colors = png_size_and_colors(base64.b64decode(data["image/png"]))
        self.assertEqual((400, 300), size)
        self.assertGreater(len(colors), 8, "the chart PNG looks blank")

    def test_svg_cell_magic(self):
        self.kernel.execute('var small = new CategoryChartBuilder().width(200).height(100).build();\n'
                            'small.addSeries("s", new double[] {1, 2}, new double[] {2, 1});')
        reply, messages = self.kernel.execute("%%svg\nsmall")
        self.assertEqual("ok", reply["status"], reply)
        svg = outputs(messages, "execute_result")[0]["data"]["image/svg+xml"]
        self.assertIn("<svg", svg)

    def test_tablesaw_as_html(self):
        reply, messages = self.kernel.execute(
            'Table.create("losses", StringColumn.create("module", "<q_proj>", "k_proj"),\n'
            '    DoubleColumn.create("loss", 0.5, 0.25))')
        data = outputs(messages, "execute_result")[0]["data"]
        self.assertIn("<table", data["text/html"])
        self.assertIn("&lt;q_proj&gt;", data["text/html"])
        self.assertNotIn("<q_proj>", data["text/html"])
        self.assertIn("k_proj", data["text/plain"])

    def test_buffered_image_as_png(self):
        reply, messages = self.kernel.execute(
            "var image = new java.awt.image.BufferedImage(12, 7, java.awt.image.BufferedImage.TYPE_INT_RGB);\n"
            "image.setRGB(3, 3, 0xFF0000);\nimage")
        data = outputs(messages, "execute_result")[0]["data"]
        size, _ = png_size_and_colors(base64.b64decode(data["image/png"]))
        self.assertEqual((12, 7), size)

    def test_rich_display_objects(self):
        reply, messages = self.kernel.execute(
            "new RichDisplay() {\n"
            "    public MimeBundle toMimeBundle() {\n"
            '        return MimeBundle.text("plain").with("text/html", "<b>rich</b>");\n'
            "    }\n}")
        data = outputs(messages, "execute_result")[0]["data"]
        self.assertEqual("<b>rich</b>", data["text/html"])
        self.assertEqual("plain", data["text/plain"])

    def test_progress_updates_in_place(self):
        reply, messages = self.kernel.execute(
            'try (var progress = Display.progress("calibrate", 3)) {\n'
            "    for (int i = 1; i <= 3; i++) {\n"
            "        Thread.sleep(150);\n"
            '        progress.update(i, "layer " + i);\n'
            "    }\n}")
        self.assertEqual("ok", reply["status"], reply)
        shown = outputs(messages, "display_data")
        updates = outputs(messages, "update_display_data")
        self.assertEqual(1, len(shown))
        display_id = shown[0]["transient"]["display_id"]
        self.assertGreaterEqual(len(updates), 1)
        self.assertTrue(all(u["transient"]["display_id"] == display_id for u in updates))
        self.assertIn("3/3", updates[-1]["data"]["text/plain"])

    def test_gptq_magic_points_at_bad_word(self):
        reply, messages = self.kernel.execute("%%gptq\nquantize bits=4")
        self.assertEqual("error", reply["status"])
        message = outputs(messages, "error")[0]["evalue"]
        self.assertIn("line 1", message)
        self.assertIn("'bits=4'", message)
        self.assertIn("valid targets", message)

    def test_unknown_magic(self):
        reply, messages = self.kernel.execute("%nosuchmagic")
        self.assertEqual("error", reply["status"])
        self.assertIn("classpath", outputs(messages, "error")[0]["evalue"])

    def test_classpath_magic(self):
        folder = tempfile.mkdtemp(prefix="gptq4j-classpath-")
        os.makedirs(os.path.join(folder, "src", "demo"))
        with open(os.path.join(folder, "src", "demo", "Hello.java"), "w") as f:
            f.write('package demo; public class Hello { public static String hi() { return "hi from jar"; } }')
        subprocess.run(["javac", "-d", os.path.join(folder, "classes"), os.path.join(folder, "src", "demo", "Hello.java")],
                       check=True, timeout=TIMEOUT)
        subprocess.run(["jar", "cf", os.path.join(folder, "demo.jar"), "-C", os.path.join(folder, "classes"), "."],
                       check=True, timeout=TIMEOUT)
        reply, messages = self.kernel.execute(f"%classpath {folder}/*.jar")
        self.assertEqual("ok", reply["status"], messages)
        self.assertIn("demo.jar", outputs(messages, "execute_result")[0]["data"]["text/plain"])
        reply, messages = self.kernel.execute("demo.Hello.hi()")
        self.assertEqual('hi from jar', outputs(messages, "execute_result")[0]["data"]["text/plain"])


    def test_maven_magic_from_file_repository(self):
        """Resolves an artifact and its dependency from a file repository created here, offline."""
        folder = tempfile.mkdtemp(prefix="gptq4j-maven-")
        repo = os.path.join(folder, "repo")
        group_dir = os.path.join(repo, "io", "gptq4j", "kerneltest")
        sources = {
            "names": "package kerneltest; public class Names { public static String who() { return \"maven\"; } }",
            "greeter": "package kerneltest; public class Greeter { public static String greet() "
                       "{ return \"hi from \" + Names.who(); } }",
        }
        local_copy = os.path.expanduser("~/.m2/repository/io/gptq4j/kerneltest")
        try:
            for artifact in ("names", "greeter"):
                src = os.path.join(folder, artifact, "kerneltest")
                os.makedirs(src)
                with open(os.path.join(src, artifact.capitalize() + ".java"), "w") as f:
                    f.write(sources[artifact])
                classes = os.path.join(folder, artifact, "classes")
                subprocess.run(["javac", "-cp", os.path.join(folder, "names", "classes"), "-d", classes,
                                os.path.join(src, artifact.capitalize() + ".java")], check=True, timeout=TIMEOUT)
                target = os.path.join(group_dir, artifact, "1.0")
                os.makedirs(target)
                subprocess.run(["jar", "cf", os.path.join(target, f"{artifact}-1.0.jar"), "-C", classes, "."],
                               check=True, timeout=TIMEOUT)
                dependency = ("<dependencies><dependency><groupId>io.gptq4j.kerneltest</groupId>"
                              "<artifactId>names</artifactId><version>1.0</version></dependency></dependencies>"
                              if artifact == "greeter" else "")
                with open(os.path.join(target, f"{artifact}-1.0.pom"), "w") as f:
                    f.write('<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
                            f"<groupId>io.gptq4j.kerneltest</groupId><artifactId>{artifact}</artifactId>"
                            f"<version>1.0</version>{dependency}</project>")
            reply, messages = self.kernel.execute(
                f"%maven --offline --repo file://{repo} io.gptq4j.kerneltest:greeter:1.0", timeout=300)
            self.assertEqual("ok", reply["status"], messages)
            added = outputs(messages, "execute_result")[0]["data"]["text/plain"]
            self.assertIn("greeter-1.0.jar", added)
            self.assertIn("names-1.0.jar", added)
            reply, messages = self.kernel.execute("kerneltest.Greeter.greet()")
            self.assertEqual("hi from maven", outputs(messages, "execute_result")[0]["data"]["text/plain"])
        finally:
            shutil.rmtree(local_copy, ignore_errors=True)


class InterruptTest(KernelTestCase):
    def interrupt_busy_cell(self, code):
        kernel = self.kernel
        wait_until_quiet(kernel.pid)
        msg_id = kernel.client.execute(code)
        time.sleep(1.0)
        try:
            busy = cpu_share(kernel.pid)
        finally:
            kernel.manager.interrupt_kernel()
        reply = kernel.shell_reply(msg_id, timeout=10)
        kernel.iopub_until_idle(msg_id)
        self.assertEqual("error", reply["content"]["status"])
        self.assertEqual("InterruptedException", reply["content"]["ename"])
        # The lowest of three one-second samples: JIT or GC work right after the interrupt can
        # show up in one sample, while a loop that is still running shows up in all of them.
        idle = min(cpu_share(kernel.pid) for _ in range(3))
        # The test machine may be shared, so "busy" is relative to what the loop got, not a full core.
        self.assertGreater(busy, 0.15, f"the busy cell did not run ({busy:.2f} CPU)")
        self.assertLess(idle, min(0.3, busy / 2), f"the kernel still burns CPU after the interrupt "
                                                  f"({idle:.2f} CPU, {busy:.2f} while busy)")

    def test_interrupt_stops_busy_loops(self):
        self.kernel.execute("int survivor = 7;")
        self.interrupt_busy_cell("while (true) {}")
        self.interrupt_busy_cell("long counter = 0;\nwhile (true) counter++;")
        reply, messages = self.kernel.execute("survivor + 1")
        self.assertEqual("ok", reply["status"])
        self.assertEqual("8", outputs(messages, "execute_result")[0]["data"]["text/plain"])

    def test_interrupt_sleeping_cell(self):
        msg_id = self.kernel.client.execute("Thread.sleep(60_000);")
        time.sleep(1.0)
        self.kernel.manager.interrupt_kernel()
        reply = self.kernel.shell_reply(msg_id, timeout=10)
        self.kernel.iopub_until_idle(msg_id)
        self.assertEqual("error", reply["content"]["status"])


class SecurityTest(KernelTestCase):
    def raw_request(self, key, content=b"{}", corrupt_json=False):
        """Sends a kernel_info_request straight over ZMQ, signed with `key`."""
        info = self.kernel.manager.get_connection_info()
        socket = zmq.Context.instance().socket(zmq.DEALER)
        socket.linger = 0
        socket.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        header = json.dumps({"msg_id": uuid.uuid4().hex, "session": uuid.uuid4().hex, "username": "attacker",
                             "date": "2024-01-01T00:00:00.000000Z", "msg_type": "kernel_info_request",
                             "version": "5.3"}).encode()
        if corrupt_json:
            header = header[:-5]
        frames = [header, b"{}", b"{}", content]
        signature = hmac.new(key, b"".join(frames), hashlib.sha256).hexdigest().encode()
        socket.send_multipart([b"<IDS|MSG>", signature, *frames])
        replied = socket.poll(1500)
        socket.close()
        return replied

    def test_bad_signature_rejected(self):
        self.assertFalse(self.raw_request(b"wrong key"), "the kernel answered a message with a wrong signature")
        key = self.kernel.manager.session.key
        self.assertTrue(self.raw_request(key), "the kernel did not answer a correctly signed message")
        self.assertIn("wrong or missing HMAC signature", self.kernel.log_text())
        reply, messages = self.kernel.execute("1 + 2")
        self.assertEqual("3", outputs(messages, "execute_result")[0]["data"]["text/plain"])

    def test_malformed_message_keeps_kernel_alive(self):
        key = self.kernel.manager.session.key
        self.assertFalse(self.raw_request(key, corrupt_json=True))
        reply, messages = self.kernel.execute('"still " + "alive"')
        self.assertEqual("still alive", outputs(messages, "execute_result")[0]["data"]["text/plain"])

    def test_sockets_bind_loopback(self):
        info = self.kernel.manager.get_connection_info()
        self.assertEqual("127.0.0.1", info["ip"])
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as f:
                listening += [line.split()[1] for line in f.readlines()[1:] if line.split()[3] == "0A"]
        port = ":%04X" % info["shell_port"]
        addresses = {entry[:-len(port)] for entry in listening if entry.endswith(port)}
        # 127.0.0.1 as IPv4, or as the IPv4-mapped IPv6 address ::ffff:127.0.0.1 that Java sockets use.
        self.assertTrue(addresses, "nothing listens on the shell port")
        self.assertTrue(addresses <= {"0100007F", "0000000000000000FFFF00000100007F"}, addresses)

    def test_logs_stay_out_of_cells(self):
        reply, messages = self.kernel.execute("%classpath /no/such/folder.jar")
        self.assertEqual("error", reply["status"])
        self.assertNotIn("INFO", stream_text(messages, "stderr"))
        self.assertIn("Kernel listening", self.kernel.log_text())


class CliTest(unittest.TestCase):
    def test_install_list_remove(self):
        prefix = tempfile.mkdtemp(prefix="gptq4j-install-")
        cli("kernel", "install", "--prefix", prefix, "--name", "gptq4j-test")
        spec_dir = os.path.join(prefix, "share", "jupyter", "kernels", "gptq4j-test")
        with open(os.path.join(spec_dir, "kernel.json")) as f:
            spec = json.load(f)
        self.assertEqual("message", spec["interrupt_mode"])
        self.assertEqual("java", spec["language"])
        self.assertEqual(["kernel", "start", "{connection_file}"], spec["argv"][-3:])
        self.assertIn("-Djava.awt.headless=true", spec["argv"])
        for size in (32, 64):
            with open(os.path.join(spec_dir, f"logo-{size}x{size}.png"), "rb") as f:
                self.assertEqual((size, size), png_size_and_colors(f.read())[0])
        env = dict(os.environ, JUPYTER_PATH=os.path.join(prefix, "share", "jupyter"))
        # Debian ships `jupyter kernelspec` in the jupyter-client package, which .ci/run installs.
        listing = subprocess.run(["/usr/bin/jupyter", "kernelspec", "list"], env=env,
                                 capture_output=True, text=True, check=True, timeout=TIMEOUT).stdout
        self.assertIn("gptq4j-test", listing)
        self.assertIn("gptq4j-test", cli("kernel", "list", env=env).stdout)
        cli("kernel", "remove", "--prefix", prefix, "--name", "gptq4j-test")
        self.assertFalse(os.path.exists(spec_dir))

    def test_run_notebook(self):
        out_dir = tempfile.mkdtemp(prefix="gptq4j-run-")
        # run creates missing output folders.
        out = os.path.join(out_dir, "executed", "smoke.ipynb")
        html = os.path.join(out_dir, "html", "smoke.html")
        result = subprocess.run([os.path.join(ROOT, "bin", "gptq4j"), "run",
                                 os.path.join(ROOT, "notebooks", "00-kernel-smoke.ipynb"),
                                 "--out", out, "--html", html, "--timeout", "120"],
                                capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)
        with open(out) as f:
            notebook = json.load(f)
        code_cells = [c for c in notebook["cells"] if c["cell_type"] == "code"]
        self.assertTrue(all(c["execution_count"] for c in code_cells))
        mime_types = {key for c in code_cells for o in c["outputs"] for key in o.get("data", {})}
        self.assertIn("image/png", mime_types)
        self.assertIn("text/html", mime_types)
        self.assertTrue(os.path.getsize(html) > 0)

    def test_run_failing_notebook(self):
        folder = tempfile.mkdtemp(prefix="gptq4j-run-fail-")
        notebook = os.path.join(folder, "fails.ipynb")
        out = os.path.join(folder, "out.ipynb")
        html = os.path.join(folder, "out.html")
        sources = ["System.out.println(\"before\");", "// divides by zero\nint x = 1 / 0;", "int z = 3;"]
        cells = [{"cell_type": "markdown", "metadata": {}, "source": "# Fails in cell 3"}]
        cells += [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
                  for s in sources]
        with open(notebook, "w") as f:
            json.dump({"cells": cells,
                       "metadata": {"kernelspec": {"name": "gptq4j", "display_name": "Java (gptq4j)",
                                                   "language": "java"}},
                       "nbformat": 4, "nbformat_minor": 5}, f)
        result = subprocess.run([os.path.join(ROOT, "bin", "gptq4j"), "run", notebook, "--out", out, "--html", html,
                                 "--timeout", "120"],
                                capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertEqual(1, result.returncode, result.stdout + result.stderr)
        # One short message: the cell's position among all cells, its first source line, the Java exception.
        self.assertIn("cell 3 failed: // divides by zero\n  java.lang.ArithmeticException: / by zero", result.stderr)
        self.assertNotIn("Traceback", result.stderr)
        self.assertNotIn("INFO", result.stderr)
        with open(out) as f:
            executed = json.load(f)["cells"]
        self.assertEqual([("stream", "before\n")],
                         [(o["output_type"], "".join(o["text"])) for o in executed[1]["outputs"]])
        errors = [o for o in executed[2]["outputs"] if o["output_type"] == "error"]
        self.assertEqual(["java.lang.ArithmeticException"], [o["ename"] for o in errors])
        self.assertEqual(1, len(executed[2]["outputs"]), "kernel logs must not reach cell output")
        self.assertIsNone(executed[3]["execution_count"], "cells after the failure must not run")
        self.assertEqual([], executed[3]["outputs"])
        with open(html) as f:
            self.assertIn("ArithmeticException", f.read())

def archive_path(spec_dir):
    """Returns the class-data archive named in the kernelspec's argv."""
    with open(os.path.join(spec_dir, "kernel.json")) as f:
        argv = json.load(f)["argv"]
    options = [a for a in argv if a.startswith("-XX:SharedArchiveFile=")]
    assert len(options) == 1, argv
    return options[0].split("=", 1)[1]


def archive_fits(jar, archive):
    """Returns whether the JVM itself accepts the archive for the jar; -Xshare:on fails at start otherwise.

    VerifySharedSpaces makes a damaged archive fail too, not only a stale one."""
    result = subprocess.run([JAVA, "-XX:MaxRAMPercentage=60", "-Xshare:on", f"-XX:SharedArchiveFile={archive}",
                             "-XX:+VerifySharedSpaces", "-cp", jar, "-version"], capture_output=True, timeout=TIMEOUT)
    return result.returncode == 0


class ClassDataArchiveTest(unittest.TestCase):
    """The kernelspec maps the archive that install creates, and starts without it when it is stale, damaged or gone."""

    def start_kernel(self, prefix, name):
        """Starts the kernelspec `name` from `prefix`; returns (manager, client, log path)."""
        log_path = os.path.join(prefix, f"{name}-{uuid.uuid4().hex}.log")
        log = open(log_path, "w")
        self.addCleanup(log.close)
        saved = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.path.join(prefix, "share", "jupyter")
        try:
            manager = KernelManager(kernel_name=name)
            manager.start_kernel(stdout=log, stderr=log)
        finally:
            if saved is None:
                del os.environ["JUPYTER_PATH"]
            else:
                os.environ["JUPYTER_PATH"] = saved
        client = manager.client()
        client.start_channels()
        self.addCleanup(manager.shutdown_kernel, now=True)
        self.addCleanup(client.stop_channels)
        client.wait_for_ready(timeout=TIMEOUT)
        return manager, client, log_path

    def assert_answers(self, client):
        results = []
        hook = lambda message: results.append(message["content"]) if message["msg_type"] == "execute_result" else None
        reply = client.execute_interactive("6 * 7", timeout=TIMEOUT, output_hook=hook)
        self.assertEqual("ok", reply["content"]["status"])
        self.assertEqual(["42"], [r["data"]["text/plain"] for r in results])

    def mapped_files(self, manager):
        with open(f"/proc/{manager.provisioner.pid}/maps") as f:
            return f.read()

    def test_installed_kernel_maps_archive(self):
        prefix = tempfile.mkdtemp(prefix="gptq4j-cds-")
        self.addCleanup(shutil.rmtree, prefix, ignore_errors=True)
        cli("kernel", "install", "--prefix", prefix, "--name", "gptq4j-cds")
        archive = archive_path(os.path.join(prefix, "share", "jupyter", "kernels", "gptq4j-cds"))
        self.assertEqual(os.path.dirname(KERNEL_JAR), os.path.dirname(archive))
        self.assertTrue(archive_fits(KERNEL_JAR, archive), f"{archive} does not fit {KERNEL_JAR}")
        manager, client, _ = self.start_kernel(prefix, "gptq4j-cds")
        self.assertIn(archive, self.mapped_files(manager))
        self.assert_answers(client)

    def test_stale_damaged_and_missing_archives_are_skipped(self):
        folder = tempfile.mkdtemp(prefix="gptq4j-cds-stale-")
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        jar = os.path.join(folder, "gptq4j-all.jar")
        shutil.copyfile(KERNEL_JAR, jar)
        install = [JAVA, "-jar", jar, "kernel", "install", "--prefix", folder, "--name", "gptq4j-stale"]
        subprocess.run(install, check=True, capture_output=True, timeout=TIMEOUT * 3)
        archive = archive_path(os.path.join(folder, "share", "jupyter", "kernels", "gptq4j-stale"))
        self.assertTrue(archive_fits(jar, archive))

        # A rebuilt jar has a new modification time, which the archive no longer matches.
        later = os.path.getmtime(jar) + 60
        os.utime(jar, (later, later))
        self.assertFalse(archive_fits(jar, archive), "touching the jar did not make the archive stale")
        manager, client, log_path = self.start_kernel(folder, "gptq4j-stale")
        self.assert_answers(client)
        self.assertNotIn(archive, self.mapped_files(manager))
        with open(log_path) as f:
            self.assertNotIn("shared archive", f.read().lower())

        os.remove(archive)
        manager, client, _ = self.start_kernel(folder, "gptq4j-stale")
        self.assert_answers(client)

        reinstall = subprocess.run(install, check=True, capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertIn("Creating class-data archive", reinstall.stdout)
        self.assertTrue(archive_fits(jar, archive), "install did not recreate the archive")

        # Damage past the header: the header checks still pass, only the CRCs catch it.
        os.chmod(archive, 0o644)
        with open(archive, "r+b") as f:
            f.seek(os.path.getsize(archive) // 2)
            f.write(b"\x5a" * 65536)
        self.assertFalse(archive_fits(jar, archive), "the damaged archive still passes the JVM's checks")
        manager, client, log_path = self.start_kernel(folder, "gptq4j-stale")
        self.assert_answers(client)
        self.assertNotIn(archive, self.mapped_files(manager))

        reinstall = subprocess.run(install, check=True, capture_output=True, text=True, timeout=TIMEOUT * 3)
        self.assertIn("Creating class-data archive", reinstall.stdout)
        self.assertTrue(archive_fits(jar, archive), "install did not replace the damaged archive")


if __name__ == "__main__":
    unittest.main()
