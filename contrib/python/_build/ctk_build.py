"""A PEP 517 build backend for ctk_mark, standard library only, so that
`pip install --no-index --no-build-isolation ./contrib/python` works offline
in a fresh venv whatever it brings (setuptools before 70.1 needs the `wheel`
package for bdist_wheel, and Python 3.12 venvs bring no setuptools at all).
It packs the one module ctk_mark.py into a pure-Python wheel (PEP 427) and
an sdist; name, version and summary come from pyproject.toml's [project]."""
import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULE = "ctk_mark.py"


def _project():
    """name, version, description and requires-python from [project] (flat
    `key = "value"` lines: the subset this pyproject.toml uses)."""
    text = open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8").read()
    section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S).group(1)
    out = {}
    for key in ("name", "version", "description", "requires-python"):
        m = re.search(r'^%s\s*=\s*"([^"]*)"' % re.escape(key), section, re.M)
        if m:
            out[key] = m.group(1)
    return out


def _metadata(p):
    lines = ["Metadata-Version: 2.1", "Name: %s" % p["name"], "Version: %s" % p["version"]]
    if "description" in p:
        lines.append("Summary: %s" % p["description"])
    if "requires-python" in p:
        lines.append("Requires-Python: %s" % p["requires-python"])
    readme = os.path.join(HERE, "README.md")
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    if body:
        lines.append("Description-Content-Type: text/markdown")
    return "\n".join(lines) + "\n\n" + body


def _dist(p):
    return re.sub(r"[-_.]+", "_", p["name"]) + "-" + p["version"]


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return "%s,sha256=%s,%d" % (path, digest, len(data))


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    dist = _dist(p)
    info = dist + ".dist-info"
    files = [
        (MODULE, open(os.path.join(HERE, MODULE), "rb").read()),
        (info + "/METADATA", _metadata(p).encode()),
        (info + "/WHEEL", b"Wheel-Version: 1.0\nGenerator: ctk_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"),
        (info + "/top_level.txt", b"ctk_mark\n"),
    ]
    record = "\n".join(_record_line(n, d) for n, d in files) + "\n%s/RECORD,,\n" % info
    name = dist + "-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files + [(info + "/RECORD", record.encode())]:
            z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), d)
    return name


def build_sdist(sdist_directory, config_settings=None):
    p = _project()
    dist = _dist(p)
    name = dist + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz") as t:
        for rel in ("pyproject.toml", "README.md", MODULE, "_build/ctk_build.py"):
            t.add(os.path.join(HERE, rel), arcname=dist + "/" + rel)
        data = _metadata(p).encode()
        ti = tarfile.TarInfo(dist + "/PKG-INFO")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    return name
