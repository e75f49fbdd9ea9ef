"""Starts the gptq4j kernel through jupyter_client, the way Jupyter does, and collects replies.

The kernelspec is installed with `gptq4j kernel install --prefix` into a temporary folder that
JUPYTER_PATH points at, so no kernelspec of the user is read or changed.
"""
import os
import queue
import shutil
import subprocess
import tempfile
import time

from jupyter_client import KernelManager

KERNEL_JAR = os.environ["GPTQ4J_KERNEL_JAR"]
ROOT = os.environ["GPTQ4J_ROOT"]
JAVA = os.environ.get("GPTQ4J_JAVA", "java")
TIMEOUT = float(os.environ.get("GPTQ4J_TEST_TIMEOUT", "120"))


def cli(*args, env=None, check=True):
    """Runs `java -jar gptq4j-all.jar ARGS` and returns the completed process."""
    result = subprocess.run([JAVA, "-jar", KERNEL_JAR, *args], capture_output=True, text=True, env=env,
                            timeout=TIMEOUT)
    if check and result.returncode != 0:
        raise AssertionError(f"gptq4j {' '.join(args)} exited {result.returncode}:\n{result.stdout}\n{result.stderr}")
    return result


class Kernel:
    """A running kernel with a blocking client; `execute` returns the reply and the cell's IOPub messages."""

    def __init__(self):
        self.prefix = tempfile.mkdtemp(prefix="gptq4j-kernel-test-")
        cli("kernel", "install", "--prefix", self.prefix)
        os.environ["JUPYTER_PATH"] = os.path.join(self.prefix, "share", "jupyter")
        self.log_path = os.path.join(self.prefix, "kernel-stderr.log")
        self.log = open(self.log_path, "w")
        self.manager = KernelManager(kernel_name="gptq4j")
        self.manager.start_kernel(stderr=self.log)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=TIMEOUT)

    @property
    def pid(self):
        return self.manager.provisioner.pid

    def log_text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def shell_reply(self, msg_id, timeout=TIMEOUT):
        deadline = time.time() + timeout
        while True:
            reply = self.client.get_shell_msg(timeout=max(0.1, deadline - time.time()))
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply

    def iopub_until_idle(self, msg_id, timeout=TIMEOUT):
        """Returns the IOPub messages of request `msg_id` up to its idle status."""
        messages = []
        deadline = time.time() + timeout
        while True:
            try:
                message = self.client.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
            except queue.Empty:
                raise AssertionError(f"no idle status for {msg_id} within {timeout} s; got {messages}")
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                return messages
            messages.append(message)

    def execute(self, code, timeout=TIMEOUT):
        msg_id = self.client.execute(code)
        messages = self.iopub_until_idle(msg_id, timeout)
        reply = self.shell_reply(msg_id, timeout)
        return reply["content"], messages

    def request(self, send, timeout=TIMEOUT):
        msg_id = send()
        return self.shell_reply(msg_id, timeout)["content"]

    def close(self):
        try:
            self.client.stop_channels()
            self.manager.shutdown_kernel(now=False)
        finally:
            self.log.close()
            shutil.rmtree(self.prefix, ignore_errors=True)


def outputs(messages, msg_type):
    return [m["content"] for m in messages if m["msg_type"] == msg_type]


def stream_text(messages, name):
    return "".join(c["text"] for c in outputs(messages, "stream") if c["name"] == name)
