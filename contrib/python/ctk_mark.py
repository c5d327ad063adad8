"""Epoch and phase markers for `ctk collect`, without dependencies.

Run your training under the collector::

    ctk collect --db run.db --epochs 90 -- python train.py

and mark epochs from Python in one of three ways::

    import ctk_mark

    for epoch in range(1, 91):               # 1. a context manager
        with ctk_mark.epoch(epoch, items=len(dataset)):
            train_one_epoch()
        with ctk_mark.phase("validation"):
            validate()

    model.fit(..., callbacks=[ctk_mark.KerasCallback()])          # 2. Keras
    trainer = Trainer(callbacks=[ctk_mark.LightningCallback()])   # 3. Lightning
    trainer = transformers.Trainer(..., callbacks=[ctk_mark.TransformersCallback()])

and ask the collector for its figures so far (energy per device and in
total, epochs, the latest prediction), as CodeCarbon's and carbontracker's
users do inside their script::

    s = ctk_mark.status()      # a dict (schemas/status.schema.json), or None
    print(s["energy_kwh"], s["epochs"]["completed"], s["prediction"])

(`ctk mark status --json` gives the same from the shell.)

The markers go to the Unix socket in $CTK_SOCKET (set by `ctk collect`) and
are timestamped by the collector on receipt. A marker never raises and never
stops training: without a collector it is a no-op with one warning.
Epochs are numbered from 1 (Keras prints "Epoch 1/90"; Lightning's
current_epoch 0 is sent as 1).
"""

import contextlib
import json
import os
import socket
import sys
import warnings

__all__ = ["Marker", "epoch_start", "epoch_end", "begin", "end", "epoch", "phase", "status",
           "KerasCallback", "LightningCallback", "TransformersCallback"]

__version__ = "0.2.0"


class Marker:
    """A connection-per-marker client of the collector's socket."""

    def __init__(self, path=None, timeout=2.0):
        self.path = path if path is not None else os.environ.get("CTK_SOCKET")
        self.timeout = timeout
        self._warned = False

    def _warn(self, msg):
        if not self._warned:
            self._warned = True
            warnings.warn("ctk_mark: " + msg + " (markers are ignored)", RuntimeWarning, stacklevel=3)

    def _ask(self, line):
        """Send one request line, return the answer line (None: no collector,
        warned once)."""
        if not self.path:
            self._warn("CTK_SOCKET is not set: not running under 'ctk collect'")
            return None
        if self.path == "none":  # a SLURM task that does not sample: its node's rank 0 marks
            return None
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(self.timeout)
                s.connect(self.path)
                s.sendall((line + "\n").encode())
                reply = b""
                while not reply.endswith(b"\n"):
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
        except OSError as e:
            self._warn("no collector at %r: %s" % (self.path, e))
            return None
        return reply.decode(errors="replace").strip()

    def status(self):
        """The collector's figures so far as a dict (schemas/status.schema.json:
        energy_j per device and in total, epochs, the latest prediction), or
        None without a collector (one warning)."""
        reply = self._ask("status")
        if reply is None:
            return None
        try:
            return json.loads(reply)
        except ValueError:
            warnings.warn("ctk_mark: status: %s" % reply, RuntimeWarning, stacklevel=2)
            return None

    def send(self, line):
        """Send one request line; True when the collector answered "ok"."""
        reply = self._ask(line)
        if reply is None:
            return False
        if reply != "ok":
            warnings.warn("ctk_mark: %s: %s" % (line, reply), RuntimeWarning, stacklevel=3)
            return False
        return True

    def epoch_start(self, n=None):
        return self.send("epoch-start" if n is None else "epoch-start %d" % int(n))

    def epoch_end(self, items=None):
        return self.send("epoch-end" if items is None else "epoch-end items=%d" % int(items))

    def begin(self, name):
        return self.send("begin %s" % name)

    def end(self, name, items=None):
        return self.send("end %s" % name if items is None else "end %s items=%d" % (name, int(items)))

    @contextlib.contextmanager
    def epoch(self, n=None, items=None):
        self.epoch_start(n)
        try:
            yield
        finally:
            self.epoch_end(items)

    @contextlib.contextmanager
    def phase(self, name, items=None):
        self.begin(name)
        try:
            yield
        finally:
            self.end(name, items)


_default = None


def _marker():
    global _default
    if _default is None or _default.path != os.environ.get("CTK_SOCKET"):
        _default = Marker()
    return _default


def epoch_start(n=None):
    return _marker().epoch_start(n)


def epoch_end(items=None):
    return _marker().epoch_end(items)


def begin(name):
    return _marker().begin(name)


def end(name, items=None):
    return _marker().end(name, items)


def epoch(n=None, items=None):
    return _marker().epoch(n, items)


def status():
    """The running collector's figures so far as a dict, or None (see Marker.status)."""
    return _marker().status()


def phase(name, items=None):
    return _marker().phase(name, items)


def _base_class(candidates):
    """The first importable base class among (module, attribute path); a
    module already imported by the script is preferred, nothing is imported
    that the script does not have; else object (duck typing)."""
    for mod, attr in candidates:
        m = sys.modules.get(mod)
        if m is None:
            try:
                m = __import__(mod)
            except Exception:
                continue
        obj = m
        try:
            for part in attr.split("."):
                obj = getattr(obj, part)
        except AttributeError:
            continue
        if isinstance(obj, type):
            return obj
    return object


def KerasCallback(marker=None):
    """A keras.callbacks.Callback marking each epoch of model.fit."""
    base = _base_class([("keras", "callbacks.Callback"), ("tensorflow", "keras.callbacks.Callback")])

    class _CtkKeras(base):
        def __init__(self):
            if base is not object:
                super().__init__()
            self.ctk = marker or _marker()

        def on_epoch_begin(self, epoch, logs=None):
            self.ctk.epoch_start(epoch + 1)

        def on_epoch_end(self, epoch, logs=None):
            self.ctk.epoch_end()

    return _CtkKeras()


def LightningCallback(marker=None):
    """A Lightning Callback marking each training epoch (local rank 0 only,
    so one collector per node sees one marker per epoch)."""
    base = _base_class([("lightning", "pytorch.Callback"), ("pytorch_lightning", "Callback")])

    class _CtkLightning(base):
        def __init__(self):
            if base is not object:
                super().__init__()
            self.ctk = marker or _marker()

        @staticmethod
        def _rank0(trainer):
            return getattr(trainer, "local_rank", 0) == 0

        def on_train_epoch_start(self, trainer, pl_module):
            if self._rank0(trainer):
                self.ctk.epoch_start(trainer.current_epoch + 1)

        def on_train_epoch_end(self, trainer, pl_module):
            if self._rank0(trainer):
                self.ctk.epoch_end()

    return _CtkLightning()


def TransformersCallback(marker=None):
    """A Hugging Face transformers.TrainerCallback marking each epoch of
    Trainer.train, from the main process of each machine only
    (state.is_local_process_zero, as the Lightning callback's local rank 0:
    one collector per node sees one marker per epoch). Epochs are numbered
    from 1: int(state.epoch) + 1 at the epoch's start (state.epoch is the
    fractional progress; a run resumed in epoch 3 starts at 2.x)."""
    base = _base_class([("transformers", "TrainerCallback"), ("transformers", "trainer_callback.TrainerCallback")])

    class _CtkTransformers(base):
        def __init__(self):
            if base is not object:
                super().__init__()
            self.ctk = marker or _marker()

        @staticmethod
        def _main(state):
            return getattr(state, "is_local_process_zero", True)

        def on_epoch_begin(self, args, state, control, **kwargs):
            if self._main(state):
                self.ctk.epoch_start(int(getattr(state, "epoch", 0) or 0) + 1)

        def on_epoch_end(self, args, state, control, **kwargs):
            if self._main(state):
                self.ctk.epoch_end()

    return _CtkTransformers()
