"""Start chapter kernels by forking one process that has already imported the heavy libraries.

A fresh IPython kernel spends most of a short chapter's run starting up: the interpreter, ipykernel
and the imports of pandas, altair, scipy and pandera, about two seconds on a small machine. The
server imports those once; each kernel is then a fork of it, and only imports what the chapter itself
adds (the shared book code and the data).

Two roles, one file, so that the launcher stays cheap (it imports nothing but the standard library):

- ``serve SOCKET MODULE...``: import the modules, then fork one kernel per launcher that connects.
- ``launch SOCKET CONNECTION_FILE``: the kernel command jupyter_client runs. It hands the server its
  working folder, environment and standard streams, forwards signals to the kernel, and exits with
  the kernel's exit status, so that jupyter_client sees an ordinary kernel process.

A kernel never outlives its launcher (the server kills it when the launcher goes) nor the server
(ipykernel's parent poller ends a kernel whose parent is gone).
"""
from __future__ import annotations

import json
import os
import signal
import socket
import sys

MAX_MESSAGE = 1 << 20


def launch(socket_path: str, connection_file: str) -> int:
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(socket_path)
    request = {"connection_file": connection_file, "cwd": os.getcwd(), "env": dict(os.environ)}
    socket.send_fds(conn, [json.dumps(request).encode() + b"\n"], [0, 1, 2])
    reader = conn.makefile("r")
    first = reader.readline().split()
    if first[:1] != ["pid"]:
        return 1
    pid = int(first[1])

    def forward(signum, _frame) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2):
        signal.signal(signum, forward)
    last = reader.readline().split()
    return int(last[1]) if last[:1] == ["exit"] else 1


def serve(socket_path: str, modules: list[str]) -> None:
    import importlib
    import selectors
    from pathlib import Path
    # Like ``python -m ipykernel_launcher``: the launcher's own folder is not on the kernel's path.
    if sys.path and Path(sys.path[0] or ".").resolve() == Path(__file__).resolve().parent:
        del sys.path[0]
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as error:  # reported by the extension as a configuration error
            print(f"cannot preload module {name!r}: {type(error).__name__}: {error}", flush=True)
            sys.exit(1)
    parent = os.getppid()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(socket_path)
    listener.listen(16)
    print("ready", flush=True)
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    kernels: dict[int, socket.socket] = {}  # kernel pid -> its launcher's connection
    while os.getppid() == parent:
        for key, _ in selector.select(timeout=0.1):
            if key.fileobj is listener:
                conn, _ = listener.accept()
                pid = start_kernel(conn, [listener, *kernels.values()])
                if pid is None:
                    conn.close()
                    continue
                kernels[pid] = conn
                conn.sendall(f"pid {pid}\n".encode())
                selector.register(conn, selectors.EVENT_READ, pid)
            elif not key.fileobj.recv(1):  # the launcher is gone (killed): so goes its kernel
                try:
                    os.kill(key.data, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        while kernels:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            conn = kernels.pop(pid, None)
            if conn is not None:
                selector.unregister(conn)
                try:
                    conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
                except OSError:
                    pass
                conn.close()
    for pid in kernels:
        os.kill(pid, signal.SIGKILL)


def start_kernel(conn: socket.socket, server_sockets: list[socket.socket]) -> int | None:
    message, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 3)
    while not message.endswith(b"\n"):
        more = conn.recv(MAX_MESSAGE)
        if not more:
            return None
        message += more
    request = json.loads(message)
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    code = 1
    try:
        for other in [*server_sockets, conn]:  # the kernel holds none of the server's connections
            other.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # The kernel's parent is this server, not the process that asked for it.
        sys.argv = ["ipykernel_launcher", "-f", request["connection_file"],
                    f"--IPKernelApp.parent_handle={os.getppid()}"]
        from ipykernel import kernelapp
        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback
        traceback.print_exc()
    finally:
        sys.stdout.flush() if sys.stdout else None
        sys.stderr.flush() if sys.stderr else None
        os._exit(code)


if __name__ == "__main__":
    if sys.argv[1:2] == ["launch"]:
        sys.exit(launch(sys.argv[2], sys.argv[3]))
    serve(sys.argv[2], sys.argv[3:])
