"""Start time and execute round trip of the gptq4j kernel, side by side with Debian's ipykernel.

Start: from launching the kernel process to receiving the first kernel_info_reply (the request is
sent right after launch; ZMQ queues it until the kernel binds). First cell: from launch to the
execute_reply of `1`, which for gptq4j includes starting JShell. Round trip: median time from
sending `execute_request` for a trivial expression to its `execute_reply`, after warm-up: the same
source each time (`1`, which gptq4j re-runs without compiling) and a new source each time
(`1 + i`, compiled by JShell's javac on every request).

gptq4j is launched with the argv of the kernelspec that `gptq4j kernel install` writes (into a
temporary prefix; the install also creates the class-data archive, before any timing), so the
JVM options and the archive are those a notebook gets. `--launch plain` runs
`java -Djava.awt.headless=true -jar JAR kernel start` instead, without the archive.

  /usr/bin/python3 kernel/src/test/python/kernel_benchmark.py --jar kernel/target/gptq4j-all.jar
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file


def wait_reply(client, msg_id, timeout=120, channel="shell"):
    deadline = time.time() + timeout
    get = client.get_control_msg if channel == "control" else client.get_shell_msg
    while True:
        reply = get(timeout=max(0.01, deadline - time.time()))
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply


def measure(argv_for, code, starts, round_trips, fresh_round_trips, warmup):
    start_times, first_cell_times, trips, fresh_trips = [], [], [], []
    for run in range(starts):
        folder = tempfile.mkdtemp(prefix="kernel-bench-")
        connection_file, _ = write_connection_file(os.path.join(folder, "connection.json"))
        client = BlockingKernelClient(connection_file=connection_file)
        client.load_connection_file()
        client.start_channels()
        launched = time.perf_counter()
        process = subprocess.Popen(argv_for(connection_file), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_reply(client, client.kernel_info())
            start_times.append(time.perf_counter() - launched)
            wait_reply(client, client.execute(code, store_history=False))
            first_cell_times.append(time.perf_counter() - launched)
            if run == 0:
                for _ in range(warmup):
                    wait_reply(client, client.execute(code, store_history=False))
                for _ in range(round_trips):
                    sent = time.perf_counter()
                    wait_reply(client, client.execute(code, store_history=False))
                    trips.append(time.perf_counter() - sent)
                for i in range(fresh_round_trips):
                    sent = time.perf_counter()
                    wait_reply(client, client.execute(f"1 + {i}", store_history=False))
                    fresh_trips.append(time.perf_counter() - sent)
            # jupyter_client 7 sends shutdown_request on the control channel.
            wait_reply(client, client.shutdown(), channel="control")
            process.wait(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
            client.stop_channels()
    return {
        "start_median_s": statistics.median(start_times),
        "start_all_s": start_times,
        "first_cell_median_s": statistics.median(first_cell_times),
        "execute_round_trip_median_ms": statistics.median(trips) * 1000,
        "execute_round_trip_p90_ms": sorted(trips)[int(0.9 * (len(trips) - 1))] * 1000,
        "fresh_execute_round_trip_median_ms": statistics.median(fresh_trips) * 1000,
    }


def kernelspec_argv(java, jar):
    """Installs the kernelspec into a temporary prefix (creating the class-data archive) and returns its argv."""
    prefix = tempfile.mkdtemp(prefix="kernel-bench-spec-")
    subprocess.run([java, "-jar", jar, "kernel", "install", "--prefix", prefix], check=True, stdout=sys.stderr)
    with open(os.path.join(prefix, "share", "jupyter", "kernels", "gptq4j", "kernel.json")) as f:
        return json.load(f)["argv"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jar", required=True, help="kernel/target/gptq4j-all.jar")
    parser.add_argument("--java", default="java")
    parser.add_argument("--jvm-option", action="append", default=[], help="extra JVM option for gptq4j, repeatable")
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--round-trips", type=int, default=200)
    parser.add_argument("--fresh-round-trips", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--launch", choices=["spec", "plain"], default="spec",
                        help="spec: the installed kernelspec's argv (default); plain: java -jar JAR kernel start")
    args = parser.parse_args()
    jar = os.path.abspath(args.jar)
    gptq4j_argv = kernelspec_argv(args.java, jar) if args.launch == "spec" else \
        [args.java, "-Djava.awt.headless=true", "-jar", jar, "kernel", "start", "{connection_file}"]
    # Extra JVM options go right after the java launcher.
    gptq4j_argv = [gptq4j_argv[0], *args.jvm_option, *gptq4j_argv[1:]]
    print("gptq4j argv:", " ".join(gptq4j_argv), file=sys.stderr)
    kernels = {
        "gptq4j": (lambda f: [f if a == "{connection_file}" else a for a in gptq4j_argv], "1"),
        "ipykernel": (lambda f: ["/usr/bin/python3", "-m", "ipykernel_launcher", "-f", f], "1"),
    }
    print("load average before:", os.getloadavg(), file=sys.stderr)
    results = {}
    for name, (argv_for, code) in kernels.items():
        results[name] = measure(argv_for, code, args.starts, args.round_trips, args.fresh_round_trips,
                                args.warmup)
        print(name, json.dumps(results[name]), flush=True)
    print("load average after:", os.getloadavg(), file=sys.stderr)


if __name__ == "__main__":
    main()
