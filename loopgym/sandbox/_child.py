"""The sandbox's untrusted side: the zygote process and the single-use children it forks.

This file is run as a script (``python -I -S _child.py FD ...``) in a fresh interpreter that imports
only the standard library (and ``pyseccomp``, a ctypes binding), so the zygote stays small and every
fork of it is cheap. The trusted parent (``loopgym.sandbox``) also imports it, for the wire codec only.

Protocol
--------
parent <-> zygote: a SOCK_SEQPACKET pair. ``b"S"`` asks for a child; the zygote answers with the child's
pid and one end of a socket pair connected to it (SCM_RIGHTS). ``b"K" + pid`` asks the zygote to kill
that child's process group; the zygote is the child's parent, so the pid cannot have been reused.
parent <-> child: length-prefixed JSON frames. One job in; one frame per case out, then ``done``.
The child reports values, never verdicts on :class:`Case` objects: the parent keeps the expected
outputs and compares them itself.
"""

from __future__ import annotations

import base64
import builtins
import ctypes
import json
import os
import resource
import select
import signal
import socket
import struct
import sys
import time
import traceback

# ---------------------------------------------------------------------------------------------- codec
# Plain data crosses the wire as JSON with tagged containers, so tuples stay tuples, sets stay sets
# and nothing but these types can be represented. The decoder builds fresh built-in objects.
MAX_DEPTH = 64
_BIG = 1 << 62


def encode(value, depth=0):
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    t = type(value)
    if value is None or t is bool or t is str or t is float:
        return value
    if t is int:
        return value if -_BIG < value < _BIG else {"i": format(value, "x")}
    d = depth + 1
    if t is list:
        return {"l": [encode(v, d) for v in value]}
    if t is tuple:
        return {"t": [encode(v, d) for v in value]}
    if t is dict:
        return {"d": [[encode(k, d), encode(v, d)] for k, v in value.items()]}
    if t is set:
        return {"s": [encode(v, d) for v in value]}
    if t is frozenset:
        return {"f": [encode(v, d) for v in value]}
    if t is bytes:
        return {"b": base64.b64encode(value).decode("ascii")}
    if t is complex:
        return {"c": [value.real, value.imag]}
    raise TypeError(f"a {t.__name__} is not plain data (allowed: None, bool, int, float, complex, str, "
                    "bytes, list, tuple, dict, set, frozenset)")


def decode(obj, depth=0):
    if depth > MAX_DEPTH:
        raise ValueError("value nested too deeply")
    t = type(obj)
    if obj is None or t is bool or t is str or t is float or t is int:
        return obj
    if t is not dict or len(obj) != 1:
        raise ValueError("malformed value")
    ((tag, body),) = obj.items()
    d = depth + 1
    if tag == "i" and type(body) is str:
        return int(body, 16)
    if tag == "b" and type(body) is str:
        return base64.b64decode(body.encode("ascii"), validate=True)
    if type(body) is not list:
        raise ValueError("malformed value")
    if tag == "l":
        return [decode(v, d) for v in body]
    if tag == "t":
        return tuple(decode(v, d) for v in body)
    if tag == "s":
        return {decode(v, d) for v in body}
    if tag == "f":
        return frozenset(decode(v, d) for v in body)
    if tag == "d":
        out = {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise ValueError("malformed value")
            out[decode(pair[0], d)] = decode(pair[1], d)
        return out
    if tag == "c" and len(body) == 2 and all(type(x) in (int, float) for x in body):
        return complex(body[0], body[1])
    raise ValueError("malformed value")


def send_frame(sock, obj):
    data = json.dumps(obj, separators=(",", ":")).encode("utf-8")
    sock.sendall(struct.pack("!I", len(data)) + data)


def _send_frames(sock, frames):
    """Several frames in one write (one wake-up of the parent instead of one per case)."""
    parts = []
    for obj in frames:
        data = json.dumps(obj, separators=(",", ":")).encode("utf-8")
        parts.append(struct.pack("!I", len(data)) + data)
    sock.sendall(b"".join(parts))


def _recv_exact(sock, n):
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def recv_frame(sock):
    (n,) = struct.unpack("!I", _recv_exact(sock, 4))
    return json.loads(_recv_exact(sock, n))


# ------------------------------------------------------------------------------------ confinement
_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_KEEPCAPS = 8
PR_SET_NO_NEW_PRIVS = 38
NOBODY = 65534
CAP_DAC_READ_SEARCH = 2
_CAPSET = {"x86_64": 126, "aarch64": 91}.get(os.uname().machine, 126)


def drop_privileges(uid, keep_read=True):
    """Become ``uid`` (nobody), keeping only CAP_DAC_READ_SEARCH: the child can still *read* a Python
    installed under /root (Landlock then narrows what it may read), but owns nothing, can signal no
    one else's process and can write only where ``nobody`` can (and Landlock only its own directory)."""
    _libc.prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    header = struct.pack("Ii", 0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    keep = (1 << CAP_DAC_READ_SEARCH) if keep_read else 0
    data = struct.pack("6I", keep, keep, 0, 0, 0, 0)  # effective, permitted, inheritable (x2 words)
    hbuf, dbuf = ctypes.create_string_buffer(header, 8), ctypes.create_string_buffer(data, 24)
    if _libc.syscall(_CAPSET, hbuf, dbuf) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")
    _libc.prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0)

# Landlock (Linux >= 5.13): writes only beneath the child's own directory; optional TCP and signal scoping.
_LL_CREATE, _LL_ADD, _LL_RESTRICT = 444, 445, 446
_FS_EXECUTE, _FS_WRITE_FILE = 1 << 0, 1 << 1
_FS_WRITE_ALL = (
    _FS_WRITE_FILE | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10)
    | (1 << 11) | (1 << 12)
)
_FS_READ_FILE, _FS_READ_DIR = 1 << 2, 1 << 3
_FS_REFER, _FS_TRUNCATE = 1 << 13, 1 << 14


def read_roots():
    """What a child may read: the Python installation, system libraries, and a few device files.
    Not /proc (other processes' environments), not home directories, not /etc beyond the loader cache."""
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(os.path.realpath(sys.executable))}
    roots.update(p for p in sys.path if p)
    roots.update(("/usr/lib", "/usr/lib64", "/usr/lib32", "/usr/share/zoneinfo", "/lib", "/lib64", "/lib32",
                  "/etc/ld.so.cache", "/etc/localtime", "/dev/null", "/dev/zero", "/dev/urandom"))
    return sorted(r for r in roots if os.path.exists(r))


def landlock_abi():
    abi = _libc.syscall(_LL_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return abi if abi > 0 else 0


def _ll_rule(rfd, path, access):
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        if not os.path.isdir(path):
            access &= _FS_READ_FILE | _FS_WRITE_FILE | _FS_TRUNCATE | _FS_EXECUTE  # rights a file can have
        rule = ctypes.create_string_buffer(struct.pack("<Qi", access, fd), 12)
        return _libc.syscall(_LL_ADD, ctypes.c_int(rfd), ctypes.c_int(1), rule, ctypes.c_uint32(0)) == 0
    finally:
        os.close(fd)


def apply_landlock(workdir, abi, readable=()):
    handled = _FS_EXECUTE | _FS_WRITE_ALL | _FS_READ_FILE | _FS_READ_DIR
    if abi >= 2:
        handled |= _FS_REFER
    if abi >= 3:
        handled |= _FS_TRUNCATE
    net = 0b11 if abi >= 4 else 0  # bind and connect over TCP: none allowed
    scoped = 0b11 if abi >= 6 else 0  # abstract unix sockets and signals stay inside the domain
    if abi >= 6:
        attr, size = struct.pack("QQQ", handled, net, scoped), 24
    elif abi >= 4:
        attr, size = struct.pack("QQ", handled, net), 16
    else:
        attr, size = struct.pack("Q", handled), 8
    buf = ctypes.create_string_buffer(attr, size)
    rfd = _libc.syscall(_LL_CREATE, buf, ctypes.c_size_t(size), ctypes.c_uint32(0))
    if rfd < 0:
        return False
    try:
        ok = _ll_rule(rfd, workdir, handled & ~_FS_EXECUTE)
        for path in readable:
            ok = _ll_rule(rfd, path, _FS_READ_FILE | _FS_READ_DIR) and ok
        ok = ok and _libc.syscall(_LL_RESTRICT, ctypes.c_int(rfd), ctypes.c_uint32(0)) == 0
        return ok
    finally:
        os.close(rfd)


_DENY = (
    # other programs, and other processes
    "execve", "execveat", "fork", "vfork", "ptrace", "process_vm_readv", "process_vm_writev",
    "pidfd_send_signal", "pidfd_getfd", "pidfd_open", "tkill", "tgkill", "rt_sigqueueinfo",
    "rt_tgsigqueueinfo",
    # the network (and any socket: unix sockets reach host daemons)
    "socket", "connect", "bind", "listen", "accept", "accept4",
    # the machine
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns", "reboot", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "swapon", "swapoff", "sethostname",
    "setdomainname", "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "userfaultfd",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "acct", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "quotactl", "syslog", "vhangup", "mknod", "mknodat", "open_by_handle_at",
    "name_to_handle_at", "fanotify_init", "move_mount", "open_tree", "fsopen", "fsmount", "fsconfig",
    "fspick", "mount_setattr", "setrlimit",
    # kernel objects that outlive the process and are not files: SysV IPC segments, queues and semaphores
    # (a program could pin host memory after it is gone) and POSIX message queues
    "shmget", "shmat", "shmctl", "msgget", "msgsnd", "msgrcv", "msgctl", "semget", "semop", "semtimedop",
    "semctl", "mq_open", "mq_unlink", "mq_timedsend", "mq_timedreceive", "mq_notify", "mq_getsetattr",
    # extended attributes: Landlock does not cover them, so a world-writable file elsewhere could get some
    "setxattr", "lsetxattr", "fsetxattr", "removexattr", "lremovexattr", "fremovexattr",
)
# the *at variants of the above, newer than some libseccomp releases (same number on these architectures)
_DENY_BY_NUMBER = {"setxattrat": 463, "removexattrat": 466}
#: all processes and threads of the unprivileged user together (RLIMIT_NPROC counts per user, not per child):
#: without it a thread bomb (pthread_create with tiny stacks) took half the host's process ids in 0.3 s
MAX_TASKS = 4096
CLONE_THREAD = 0x00010000
PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2


def build_filter_bpf():
    """The seccomp filter, compiled once (in the zygote) to classic BPF that every child loads as is.

    Allow by default; refuse what could reach outside the process. It does not depend on the pid:
    a child is alone in its process group (it cannot create processes), so ``kill`` may only target
    group 0 (itself) and ``prlimit64`` only pid 0 (itself)."""
    import tempfile

    import pyseccomp as sc

    f = sc.SyscallFilter(defaction=sc.ALLOW)
    try:  # a binary tree over syscall numbers: fewer BPF steps on every system call the child makes
        f.set_attr(sc.Attr.CTL_OPTIMIZE, 2)
    except (OSError, ValueError, RuntimeError, AttributeError):
        pass
    eperm = sc.ERRNO(1)

    def rule(action, name, *args):
        try:
            f.add_rule(action, name, *args)
        except (OSError, ValueError, RuntimeError):  # a syscall this kernel/arch does not have
            pass

    for name in _DENY:
        rule(eperm, name)
    rule(sc.ERRNO(38), "clone3")  # ENOSYS: libc falls back to clone, whose flags we can see
    rule(eperm, "clone", sc.Arg(0, sc.MASKED_EQ, CLONE_THREAD, 0))  # a new process, not a thread
    for name, nr in _DENY_BY_NUMBER.items():
        known = sc.resolve_syscall(sc.Arch.NATIVE, name) >= 0
        if known or os.uname().machine in ("x86_64", "aarch64"):
            rule(eperm, name if known else nr)
    rule(eperm, "kill", sc.Arg(0, sc.NE, 0))
    rule(eperm, "prlimit64", sc.Arg(0, sc.NE, 0))
    # keep the parent-death signal: a program that cleared it outlived a zygote that was SIGKILLed
    rule(eperm, "prctl", sc.Arg(0, sc.EQ, PR_SET_PDEATHSIG))
    with tempfile.TemporaryFile() as tmp:
        f.export_bpf(tmp)
        tmp.seek(0)
        return tmp.read()


def load_bpf(program):
    """Install a classic-BPF seccomp filter (needs no_new_privs): one prctl, no libseccomp involved."""
    buf = ctypes.create_string_buffer(program, len(program))
    fprog = struct.pack("HxxxxxxQ", len(program) // 8, ctypes.addressof(buf))
    fbuf = ctypes.create_string_buffer(fprog, len(fprog))
    if _libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, fbuf, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter refused")


# ------------------------------------------------------------------------------------------ the job
_PRISTINE_BUILTINS = dict(builtins.__dict__)
#: results are sent in batches at most this far apart (and at the end)
FLUSH_S = 0.005
_monotonic = time.monotonic
_SOURCE_NAME = "<candidate>"


class CappedWriter:
    """stdout/stderr for the program: keeps the first ``limit`` characters, counts the rest."""

    def __init__(self, limit):
        self.limit, self.parts, self.size, self.dropped = limit, [], 0, 0

    def write(self, s):
        s = s if type(s) is str else str(s)
        room = self.limit - self.size
        if room > 0:
            self.parts.append(s[:room])
            self.size += min(room, len(s))
        self.dropped += max(0, len(s) - max(room, 0))
        return len(s)

    def flush(self):
        pass

    def isatty(self):
        return False

    def text(self):
        out = "".join(self.parts)
        return out + (f"\n... ({self.dropped} more characters)" if self.dropped else "")


def _error(exc, limit=2000):
    line = None
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _SOURCE_NAME:
            line = tb.tb_lineno
        tb = tb.tb_next
    if isinstance(exc, SyntaxError) and exc.filename == _SOURCE_NAME:
        line = exc.lineno
    try:
        message = str(exc)
    except BaseException:  # noqa: BLE001 - a hostile __str__
        message = "<unprintable>"
    try:
        frames = traceback.format_exception(exc)
        text = "".join(f for f in frames if "_child.py" not in f)
    except BaseException:  # noqa: BLE001
        text = ""
    return {"type": type(exc).__name__[:100], "message": message[:500], "line": line,
            "traceback": text[-limit:]}


def check_plain(value, depth=0):
    """Raise TypeError unless ``value`` is plain data of exact built-in types (no subclasses)."""
    encode(value, depth)
    return value


def _tracer(lines):
    def local(frame, event, arg):
        if event == "line":
            lines.add(frame.f_lineno)
        return local

    def glob(frame, event, arg):
        if frame.f_code.co_filename == _SOURCE_NAME:
            lines.add(frame.f_lineno)
            return local
        return None

    return glob


def run_job(job, sock):
    """Execute the program and every case; stream one frame per case back to the parent."""
    out = CappedWriter(int(job.get("max_stdout", 4096)))
    sys.stdout = sys.stderr = out
    source = job["source"]
    import linecache

    linecache.cache[_SOURCE_NAME] = (len(source), None, source.splitlines(True), _SOURCE_NAME)
    try:
        code = compile(source, _SOURCE_NAME, "exec", dont_inherit=True)
    except BaseException as exc:  # noqa: BLE001
        send_frame(sock, {"fatal": _error(exc), "stdout": out.text()})
        return
    namespace = {"__name__": "__candidate__", "__builtins__": builtins}
    try:
        exec(code, namespace)
        fn = namespace.get(job["entry_point"])
        if not callable(fn):
            raise NameError(f"the program does not define a function named {job['entry_point']!r}")
    except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt included
        send_frame(sock, {"fatal": _error(exc), "stdout": out.text()})
        return
    traced = set(job.get("trace", ()))

    def guarded(*args, **kwargs):
        return check_plain(fn(*args, **kwargs))

    pending, flushed = [], _monotonic()
    for i, case in enumerate(job["cases"]):
        lines = set()
        frame = {"i": i}
        if i in traced:
            sys.settrace(_tracer(lines))
        try:
            if "script" in case:
                scope = dict.fromkeys(case["bind"], guarded)
                scope["__builtins__"] = dict(_PRISTINE_BUILTINS)
                scope["__name__"] = "__check__"
                exec(compile(case["script"], "<test>", "exec", dont_inherit=True), scope)
                frame["ok"] = True
            else:
                args = decode(case["a"])
                kwargs = decode(case["k"]) if "k" in case else {}
                frame["out"] = encode(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001
            sys.settrace(None)
            frame["err"] = _error(exc)
        sys.settrace(None)
        if i in traced:
            frame["lines"] = sorted(lines)
        pending.append(frame)
        now = _monotonic()
        if now - flushed > FLUSH_S:  # a slow program still reports what it finished before a timeout
            _send_frames(sock, pending)
            pending, flushed = [], now
    pending.append({"done": True, "stdout": out.text()})
    _send_frames(sock, pending)


# ---------------------------------------------------------------------------------------- the child
def child_main(sock, workdir, vsz_bytes, drop_to, ll_abi, bpf, readable=()):
    """Runs in the freshly forked child: confine what can be confined before the job is known."""
    os.setsid()
    os.chdir(workdir)
    if drop_to is not None:
        # read-anything is safe only where Landlock then narrows what may be read
        drop_privileges(drop_to, keep_read=bool(ll_abi))
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the zygote died before we set the death signal
        os._exit(1)
    _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if ll_abi:
        apply_landlock(workdir, ll_abi, readable)
    os.environ.clear()
    os.environ.update({"HOME": workdir, "TMPDIR": workdir, "PATH": "", "LANG": "C.UTF-8"})
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a too-large write raises instead of killing
    if bpf:
        load_bpf(bpf)
    try:
        job = recv_frame(sock)
    except (EOFError, OSError, ValueError):
        os._exit(0)
    limits = job["limits"]
    cpu = int(limits["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    mem = vsz_bytes + int(limits["memory_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    fsize = int(limits["file_mb"]) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_NOFILE, (int(limits["files"]), int(limits["files"])))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if drop_to is not None:  # as the caller's own user it would count (and cap) the caller's processes
        resource.setrlimit(resource.RLIMIT_NPROC, (MAX_TASKS, MAX_TASKS))
    sys.setrecursionlimit(int(limits.get("recursion", 1000)))
    run_job(job, sock)


# ---------------------------------------------------------------------------------------- the zygote
def _vsz():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


class Zygote:
    def __init__(self, ctl_fd, prefork, use_seccomp):
        import shutil
        import tempfile

        self.rmtree = shutil.rmtree
        self.rm = shutil.which("rm") or "/bin/rm"
        self.ctl = socket.socket(fileno=ctl_fd)
        self.prefork = prefork
        self.use_seccomp = use_seccomp
        self.drop_to = NOBODY if os.getuid() == 0 else None
        self.ll_abi = landlock_abi()
        self.readable = read_roots()
        self.base = tempfile.mkdtemp(prefix="loopgym-sandbox-")
        if self.drop_to is not None:
            os.chmod(self.base, 0o711)
        self.ready = []  # (pid, parent-side socket)
        self.children = {}  # pid -> workdir, until reaped
        self.count = 0
        self.bpf = build_filter_bpf() if use_seccomp else b""

    def fork_one(self):
        self.count += 1
        workdir = os.path.join(self.base, str(self.count))
        os.mkdir(workdir, 0o700)
        if self.drop_to is not None:
            os.chown(workdir, self.drop_to, self.drop_to)
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        vsz = _vsz()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                ours.close()
                self.ctl.close()
                for _p, s in self.ready:
                    s.close()
                devnull = os.open(os.devnull, os.O_RDWR)
                for fd in (0, 1, 2):
                    os.dup2(devnull, fd)
                keep = theirs.fileno()
                os.closerange(3, keep)
                os.closerange(keep + 1, 65536)
                child_main(theirs, workdir, vsz, self.drop_to, self.ll_abi, self.bpf, self.readable)
            except BaseException:  # noqa: BLE001
                code = 1
            os._exit(code)
        theirs.close()
        self.children[pid] = workdir
        self.ready.append((pid, ours))

    def reap(self):
        while True:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            workdir = self.children.pop(pid, None)
            if workdir is not None:
                self.remove(workdir)
            self.ready = [(p, s) for p, s in self.ready if p != pid]

    def remove(self, path):
        """Delete a directory tree; never raises. shutil.rmtree recurses (holding a descriptor) once per
        level, so a program that built a tree thousands of directories deep made it raise RecursionError,
        which stopped the zygote and left the tree behind. ``rm -rf`` has no depth limit."""
        try:
            self.rmtree(path)
            return
        except BaseException:  # noqa: BLE001 - RecursionError, EMFILE, ...
            pass
        try:
            rm = os.posix_spawn(self.rm, [self.rm, "-rf", "--one-file-system", "--", path], {"PATH": "/usr/bin:/bin"})
            os.waitpid(rm, 0)
        except OSError:
            pass

    def kill(self, pid):
        if pid in self.children:
            try:
                os.killpg(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def shutdown(self, *_):
        for pid in list(self.children):
            self.kill(pid)
        for pid in list(self.children):
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        self.remove(self.base)
        os._exit(0)

    def serve(self):
        import gc

        gc.collect()
        gc.freeze()  # children inherit a frozen heap: no collection walks (and copies) the zygote's pages
        wake_r, wake_w = os.pipe()
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.signal(signal.SIGTERM, self.shutdown)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        while True:
            self.reap()
            while len(self.ready) < self.prefork:
                self.fork_one()
            r, _, _ = select.select([self.ctl, wake_r], [], [])
            if wake_r in r:
                os.read(wake_r, 4096)
            if self.ctl not in r:
                continue
            msg = self.ctl.recv(64)
            if not msg:
                self.shutdown()
            if msg[:1] == b"S":
                self.reap()
                if not self.ready:
                    self.fork_one()
                pid, s = self.ready.pop(0)
                socket.send_fds(self.ctl, [struct.pack("!i", pid)], [s.fileno()])
                s.close()
            elif msg[:1] == b"K" and len(msg) == 5:
                self.kill(struct.unpack("!i", msg[1:])[0])


def main(argv):
    # No parent-death signal here: it follows the *thread* that started us, which may end long before
    # the parent does. The parent closing its end of the control socket (or dying) stops the zygote.
    ctl_fd, prefork, use_seccomp = int(argv[1]), int(argv[2]), argv[3] == "1"
    if len(argv) > 4 and argv[4]:
        sys.path.append(argv[4])  # where pyseccomp lives; nothing else from site-packages
    Zygote(ctl_fd, prefork, use_seccomp).serve()


if __name__ == "__main__":
    main(sys.argv)
