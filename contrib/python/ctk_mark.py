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

The markers go to the Unix socket in $CTK_SOCKET (set by `ctk collect`) and
are timestamped by the collector on receipt. A marker never raises and never
stops training: without a collector it is a no-op with one warning.
Epochs are numbered from 1 (Keras prints "Epoch 1/90"; Lightning's
current_epoch 0 is sent as 1).
"""

import contextlib
import os
import socket
import sys
import warnings

__all__ = ["Marker", "epoch_start", "epoch_end", "begin", "end", "epoch", "phase",
           "KerasCallback", "LightningCallback"]


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

    def send(self, line):
        """Send one request line; True when the collector answered "ok"."""
        if not self.path:
            self._warn("CTK_SOCKET is not set: not running under 'ctk collect'")
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                s.settimeout(self.timeout)
                s.connect(self.path)
                s.sendall((line + "\n").encode())
                reply = b""
                while not reply.endswith(b"\n"):
                    chunk = s.recv(512)
                    if not chunk:
                        break
                    reply += chunk
        except OSError as e:
            self._warn("no collector at %r: %s" % (self.path, e))
            return False
        reply = reply.decode(errors="replace").strip()
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
