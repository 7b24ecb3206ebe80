"""A person's own CSV on the generative-vs-discriminative page: the upload, its label and classes.

The file is parsed once per content (every rerun and every session with the same file share
the parse), kept on disk under its hash so a run's config can name it, and only the newest
uploads are kept. Every name in it is the uploader's text: it is shown escaped, never as markdown.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import streamlit as st

from core.gen_vs_disc import tabular
from core.store import default_root, keep_newest

MAX_UPLOADS = 20   # kept on disk; an older one is written again when it is uploaded again
# Markdown (CommonMark, GitHub's extensions, Streamlit's :color[...] and :emoji:, $math$) starts
# with one of these; a backslash before each makes it plain text. Only ASCII punctuation escapes.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&^@/])")
# GitHub's autolinks (www.x.y, http://x.y, a@b.c, mailto:) are found in the text after escapes
# are read: an invisible word joiner after "www", the scheme or "@" keeps them text.
_AUTOLINK = re.compile(r"(?i)(www(?=\.)|(?:https?|mailto|xmpp)(?=:)|@)")
JOINER = "\u2060"


def plain(text: str) -> str:
    """``text`` as markdown that shows exactly ``text`` (on one line): for st.error and friends,
    which render markdown, when a message carries names from a file."""
    text = _AUTOLINK.sub(lambda m: m.group(1) + JOINER, " ".join(str(text).split()))
    return _MARKDOWN.sub(r"\\\1", text)


def upload_folders() -> tuple[Path, ...]:
    return default_root() / "uploads", Path(tempfile.gettempdir()) / "genlab-uploads"


def save_upload(raw: bytes, digest: str | None = None) -> Path:
    """Keep an upload under its content hash, so the path is a stable cache key. Saving a new
    one drops the least recently used beyond MAX_UPLOADS (a rerun marks its file used)."""
    name = (digest or content_hash(raw)) + ".csv"
    for folder in upload_folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            if path.exists():
                os.utime(path)   # in use: the last to go
                return path
            tmp = folder / f".{name}.{os.getpid()}.{id(raw)}.tmp"
            tmp.write_bytes(raw)
            tmp.replace(path)
            prune(folder, keep=MAX_UPLOADS)
            return path
        except OSError:
            continue
    raise OSError("no folder to keep the upload in")


def prune(folder: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently used uploads in ``folder``."""
    keep_newest(folder, "*.csv", keep)


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]


@st.cache_data(max_entries=8, show_spinner=False)
def parsed(digest: str, _raw: bytes) -> tuple[object, int, list[str]] | str:
    """(the rows a data set uses, the file's row count, the label choices), or the sentence
    saying why the file cannot be used. Keyed by the content's hash: ``_raw`` is not hashed."""
    try:
        table = tabular.read_csv_table(_raw)
    except tabular.DataError as err:
        return str(err)
    used = tabular.first_rows(table)
    return used, len(table), tabular.csv_label_choices(used)


@st.cache_data(max_entries=32, show_spinner=False)
def problem(digest: str, label: str, classes: str, _path: Path) -> str | None:
    """Why the file, with this label and these classes, cannot be a data set; None if it can.
    Read in full once per choice, not on every rerun."""
    try:
        tabular.from_csv(_path, label, classes)
    except tabular.DataError as err:
        return str(err)
    return None


def csv_controls(upload) -> dict | None:
    """The upload's label (and two classes): the CSV's part of the config, or None with a
    message while it is unusable. The widgets keep their value while a run that stops early
    (st.stop) leaves them out, so they come back showing what the session holds."""
    if upload is None:
        st.info("Upload a CSV: one header row, numeric feature columns and a label column.")
        return None
    raw = upload.getvalue()
    digest = content_hash(raw)
    found = parsed(digest, raw)
    if isinstance(found, str):
        st.error(plain(found))
        return None
    table, n_rows, choices = found
    if n_rows > tabular.MAX_ROWS:
        st.caption(f"Using the first {tabular.MAX_ROWS:,} of {n_rows:,} rows.")
    if not choices:
        st.error("No column can be the label: a label needs at least two distinct values and "
                 "must not differ on every row.")
        return None
    # keyed by the file: another file starts from its own last column
    label = st.selectbox("Label column", choices, index=len(choices) - 1,
                         key=f"gen_vs_disc.label.{digest[:12]}", persist_state="page")
    found_classes = tabular.csv_classes(table, label)
    classes = ""
    if len(found_classes) > 2:
        picked = st.multiselect("Two classes to tell apart", found_classes,
                                default=found_classes[:2], max_selections=2,
                                key=f"gen_vs_disc.classes.{content_hash(f'{digest}{label}'.encode())}",
                                persist_state="page")
        if len(picked) != 2:
            st.warning("Pick two classes of the label.")
            return None
        classes = ",".join(picked)
    path = save_upload(raw, digest)
    error = problem(digest, label, classes, path)   # every problem with the file is shown now
    if error:
        st.error(plain(error))
        return None
    return {"data": str(path), "label": label, "classes": classes}
