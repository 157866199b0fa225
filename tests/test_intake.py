"""Does intake take exactly the student files from a submission, and refuse every hostile
entry by name before anything is written?"""

import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from autograder.grading.intake import Intake, prepare_workspace
from autograder.manifest import Checkpoint, Limits, Manifest

SKELETONS = Path(__file__).parent / "fixtures" / "intake" / "skeletons"
NET = b"class Net:\n    def forward(self, X, y, mode='train'):\n        return 0.0, 1.0\n"
UTILS = b"def load_data(path):\n    return [], []\n"


class FixtureManifest(Manifest):
    """A Manifest whose skeleton is a fixture tree instead of REPO/skeletons/<name>."""

    @property
    def skeleton(self):
        return SKELETONS / self.name


TOY = FixtureManifest(
    name="toy", title="Toy", root=SKELETONS / "toy",
    student_files=("utils.py", "models/net.py"),
    submission=("*.py", "models/*.py", "configs/*.yaml"),
    data=("data/train.csv",),
    limits=Limits(max_files=20, max_file_mb=0.01, max_submission_mb=0.05),
)


def make_zip(path, entries):
    """Write a zip of (name or ZipInfo, bytes) entries; return its path."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def entry(name, mode):
    """A ZipInfo whose Unix mode (file type and permissions) is `mode`."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def intake_of(tmp_path, entries, manifest=TOY):
    """Zip `entries`, run intake into tmp_path/ws; return (Intake, workspace)."""
    submission = make_zip(tmp_path / "submission.zip", entries)
    workspace = tmp_path / "ws"
    return prepare_workspace(submission, manifest, workspace), workspace


def skeleton_text(rel):
    return (SKELETONS / "toy" / rel).read_bytes()


def test_clean_submission_is_taken(tmp_path):
    """Are the student files taken, the rest built from the skeleton, and nothing reported?"""
    intake, ws = intake_of(tmp_path, [("utils.py", UTILS), ("models/net.py", NET)])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "utils.py").read_bytes() == UTILS
    assert (ws / "models/net.py").read_bytes() == NET
    assert (ws / "main.py").read_bytes() == skeleton_text("main.py")
    assert (ws / "configs/config.yaml").read_bytes() == skeleton_text("configs/config.yaml")


def test_skeleton_tests_are_not_copied(tmp_path):
    """Does the workspace (what the worker sees) hold no tests folder from the skeleton?"""
    _, ws = intake_of(tmp_path, [("utils.py", UTILS)])
    assert not (ws / "tests").exists()


def test_files_are_written_plain_whatever_the_zip_says(tmp_path):
    """Are taken files written with mode 0o644, ignoring a setuid/executable mode in the zip?"""
    intake, ws = intake_of(tmp_path, [(entry("utils.py", stat.S_IFREG | 0o4777), UTILS)])
    assert intake.files == ["utils.py"]
    assert stat.S_IMODE((ws / "utils.py").stat().st_mode) == 0o644


def test_zip_slip_is_refused(tmp_path):
    """Is a zip entry with `../` refused by name, nothing written outside, and the other files still taken?"""
    intake, ws = intake_of(tmp_path, [("../evil.py", b"print('owned')\n"), ("models/../../evil2.py", b""),
                                      ("utils.py", UTILS)])
    assert intake.problems == ["../evil.py: refused: '..' in the path would leave the submission folder",
                               "models/../../evil2.py: refused: '..' in the path would leave the submission folder"]
    assert intake.files == ["utils.py"] and not intake.fatal
    assert not (tmp_path / "evil.py").exists() and not (ws / "evil.py").exists()


@pytest.mark.parametrize("name, reason", [
    ("/etc/passwd", "absolute path"),
    ("/utils.py", "absolute path"),
    ("C:/utils.py", "drive letter in the path"),
    # Backslashes are read as folders (as unzip and 7-Zip do), then checked like any path.
    ("..\\utils.py", "'..' in the path would leave the submission folder"),
    ("models\\..\\..\\utils.py", "'..' in the path would leave the submission folder"),
    ("\\utils.py", "absolute path"),
    ("\\\\server\\share\\utils.py", "absolute path"),
    ("C:\\kit\\utils.py", "drive letter in the path"),
])
def test_unsafe_names_are_refused(tmp_path, name, reason):
    """Are absolute paths, drive letters and '..' refused by name (after backslashes become '/'), never taken?"""
    intake, ws = intake_of(tmp_path, [(name, UTILS)])
    assert intake.problems == [f"{name}: refused: {reason}"]
    assert intake.files == [] and intake.missing == ["utils.py", "models/net.py"]
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


def test_control_characters_in_a_name_are_refused(tmp_path):
    """Is a name with a control character refused, and shown escaped?"""
    intake, _ = intake_of(tmp_path, [("bad\x01name.py", b"")])
    assert intake.problems == ["'bad\\x01name.py': refused: control character in the name"]


def test_name_that_is_not_utf8_is_refused(tmp_path):
    """Is an entry whose name bytes are not UTF-8 refused?"""
    submission = make_zip(tmp_path / "submission.zip", [("utilsX.py", UTILS)])
    raw = submission.read_bytes().replace(b"utilsX.py", b"utils\xff.py")  # local and central headers
    submission.write_bytes(raw)
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake.problems == ["'utils\\xa0.py': refused: the name is not UTF-8 text"]


def test_symlink_entry_in_zip_is_refused(tmp_path):
    """Is a symlink entry refused rather than written (zipfile would write its target path as the file)?"""
    intake, ws = intake_of(tmp_path, [(entry("utils.py", stat.S_IFLNK | 0o777), b"/etc/passwd"),
                                      ("models/net.py", NET)])
    assert intake.problems == ["utils.py: refused: symbolic link (submit the file itself, not a link)"]
    assert intake.files == ["models/net.py"] and intake.missing == ["utils.py"]
    assert not (ws / "utils.py").is_symlink()
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


@pytest.mark.parametrize("kind, what", [(stat.S_IFCHR, "a device"), (stat.S_IFBLK, "a device"),
                                        (stat.S_IFIFO, "a fifo"), (stat.S_IFSOCK, "a socket")])
def test_special_file_entries_in_zip_are_refused(tmp_path, kind, what):
    """Are device, fifo and socket entries refused?"""
    intake, _ = intake_of(tmp_path, [(entry("models/net.py", kind | 0o644), b"")])
    assert intake.problems == [f"models/net.py: refused: {what}, not a regular file"]
    assert intake.missing == ["utils.py", "models/net.py"]


def test_encrypted_entry_is_refused(tmp_path):
    """Is an entry flagged as encrypted refused before any attempt to read it?"""
    submission = make_zip(tmp_path / "submission.zip", [("utils.py", UTILS)])
    raw = bytearray(submission.read_bytes())  # zipfile cannot write encrypted entries: set the flag
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = raw.find(signature) + offset
        raw[at] |= 0x1
    submission.write_bytes(bytes(raw))
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake.problems == ["utils.py: refused: encrypted"]


def test_too_many_entries_is_fatal(tmp_path):
    """Is a zip with more entries than max_files refused as a whole, before anything is taken?"""
    entries = [("utils.py", UTILS)] + [(f"junk/{i}.txt", b"") for i in range(20)]
    intake, ws = intake_of(tmp_path, entries)
    assert intake == Intake(files=[], missing=[], problems=[
        "submission.zip: 21 entries; the limit is 20 (zip only the files the assignment asks for)"], fatal=True)
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


def test_entry_count_lie_in_end_record_is_caught(tmp_path):
    """If the end-of-archive record understates the entry count, is the parsed count still enforced?"""
    submission = make_zip(tmp_path / "submission.zip", [(f"{i}.txt", b"") for i in range(21)])
    raw = bytearray(submission.read_bytes())
    at = raw.rfind(b"PK\x05\x06")
    raw[at + 8:at + 12] = struct.pack("<2H", 1, 1)  # entries on this disk, entries in total
    submission.write_bytes(bytes(raw))
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake.fatal
    assert intake.problems == ["submission.zip: 21 entries; the limit is 20 (zip only the files the assignment asks for)"]


def test_oversized_file_list_is_fatal(tmp_path):
    """Is a central directory far larger than max_files entries need refused before zipfile parses it?"""
    submission = make_zip(tmp_path / "submission.zip", [("utils.py", UTILS)])
    raw = bytearray(submission.read_bytes())
    at = raw.rfind(b"PK\x05\x06")
    raw[at + 12:at + 16] = struct.pack("<L", 10 * 1024 * 1024)
    submission.write_bytes(bytes(raw))
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake.fatal
    assert intake.problems == ["submission.zip: its file list takes 10.0 MB, far more than 20 entries need; nothing was taken"]


def test_file_over_the_cap_is_refused(tmp_path):
    """Is a student file larger than max_file_mb refused by name, and the others still taken?"""
    big = b"x = 1\n" * 4000  # 24000 bytes, over the 0.01 MB (10485 bytes) cap
    intake, ws = intake_of(tmp_path, [("utils.py", big), ("models/net.py", NET)])
    assert intake.problems == ["utils.py: refused: 23.4 KB unpacked; the limit for this file is 0.01 MB"]
    assert intake.files == ["models/net.py"] and intake.missing == ["utils.py"] and not intake.fatal


def test_total_over_the_cap_refuses_the_largest_files_first(tmp_path):
    """Past max_submission_mb, are the largest files refused (by name, with the limit) until
    the rest fits, a student file among them included, and everything else still taken?"""
    big_utils = b"# padding\n" * 980  # 9800 bytes: under the 0.01 MB file cap, the largest file
    notes = [(f"notes/{i}.bin", os.urandom(9000 - i)) for i in range(5)]
    intake, ws = intake_of(tmp_path, [("utils.py", big_utils), ("models/net.py", NET)] + notes)
    total = "53.6 KB"  # 9800 + 5 * 9000 - 10 + len(NET) = 54868 bytes
    assert not intake.fatal
    assert intake.problems == [
        f"utils.py: refused: 9.6 KB; submission.zip unpacks to {total} (data files and junk aside), over the "
        f"0.05 MB limit for the whole submission, and the largest files are refused first"]
    assert intake.files == ["models/net.py"] and intake.missing == ["utils.py"]
    assert intake.refused == {"utils.py": "9.6 KB; the whole submission may unpack to at most 0.05 MB"}
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")
    # Without the big student file, the largest note goes first, and only it.
    (tmp_path / "again").mkdir()
    intake, _ = intake_of(tmp_path / "again", [("utils.py", UTILS), ("models/net.py", NET)] + notes + [
        ("notes/big.bin", os.urandom(9500))])
    assert [p.split(":")[0] for p in intake.problems] == ["notes/big.bin"]
    assert intake.files == ["utils.py", "models/net.py"] and intake.refused == {}


def test_zip_bomb_is_fatal(tmp_path):
    """Is an entry that is tiny packed and huge unpacked refused as a zip bomb, without being unpacked?"""
    submission = make_zip(tmp_path / "submission.zip", [("utils.py", UTILS), ("bomb.bin", bytes(20 * 1024 * 1024))])
    packed = zipfile.ZipFile(submission).getinfo("bomb.bin").compress_size
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake == Intake(files=[], missing=[], problems=[
        f"bomb.bin: {packed / 1024:.1f} KB that unpack to 20.0 MB look like a zip bomb; nothing was taken"], fatal=True)


def test_lying_header_is_fatal(tmp_path):
    """If a header understates a member's size, is the mismatch caught while reading, and nothing taken?"""
    real = b"x = 1\n" * 1500
    submission = make_zip(tmp_path / "submission.zip", [("models/net.py", NET), ("utils.py", real)])
    raw = bytearray(submission.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # local header, central directory
        at = raw.find(signature, raw.find(signature) + 1)  # utils.py is the second entry
        raw[at + offset:at + offset + 4] = struct.pack("<L", 100)
    submission.write_bytes(bytes(raw))
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake == Intake(files=[], missing=[], problems=[
        "utils.py: could not be unpacked (Bad CRC-32 for file 'utils.py'); the zip is corrupt or crafted, "
        "so nothing was taken"], fatal=True)
    assert (tmp_path / "ws" / "models/net.py").read_bytes() == skeleton_text("models/net.py")


def test_duplicate_entries_that_differ_are_refused(tmp_path):
    """Is a path held twice with different contents refused by name (which copy was meant is unknowable)?"""
    with pytest.warns(UserWarning, match="Duplicate name"):
        intake, ws = intake_of(tmp_path, [("utils.py", UTILS), ("utils.py", b"import os\n"), ("models/net.py", NET)])
    assert intake.problems == ["utils.py: refused: the submission holds 2 copies of it with different contents "
                               "(which one was meant is unknowable); submit one"]
    assert intake.files == ["models/net.py"] and intake.missing == ["utils.py"]
    assert intake.refused == {"utils.py": "the submission holds different copies of it"}
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


def test_identical_duplicate_entries_are_taken_once(tmp_path):
    """Are identical duplicate entries (some zip tools add a folder twice) one file, taken without a word?"""
    with pytest.warns(UserWarning, match="Duplicate name"):
        intake, ws = intake_of(tmp_path, [("utils.py", UTILS), ("models/net.py", NET), ("utils.py", UTILS),
                                          ("models/net.py", NET), ("models/net.py", NET)])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "utils.py").read_bytes() == UTILS and (ws / "models/net.py").read_bytes() == NET


def test_wrapping_folder_and_junk(tmp_path):
    """Is one wrapping folder stripped, and __MACOSX/, __pycache__/ and .DS_Store ignored without a word?"""
    intake, ws = intake_of(tmp_path, [
        ("assignment_1/", b""), ("assignment_1/utils.py", UTILS), ("assignment_1/models/net.py", NET),
        ("assignment_1/.DS_Store", b"\0"), ("assignment_1/models/__pycache__/net.cpython-311.pyc", b"\0"),
        ("__MACOSX/assignment_1/._utils.py", b"\0"), ("__MACOSX/assignment_1/models/._net.py", b"\0")])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "models/net.py").read_bytes() == NET
    assert not (ws / "models/__pycache__").exists() and not (ws / ".DS_Store").exists()


def test_a_student_folder_is_not_a_wrapper(tmp_path):
    """Is a zip holding only models/ read as models/, not as a wrapper around net.py?"""
    intake, ws = intake_of(tmp_path, [("models/net.py", NET)])
    assert intake.files == ["models/net.py"] and intake.missing == ["utils.py"]
    assert (ws / "models/net.py").read_bytes() == NET


def test_missing_student_file_keeps_the_stub(tmp_path):
    """Is a student file the zip lacks listed as missing, with the skeleton's stub left in its place?"""
    intake, ws = intake_of(tmp_path, [("models/net.py", NET)])
    assert intake == Intake(files=["models/net.py"], missing=["utils.py"], problems=[], fatal=False)
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


def test_non_student_files_are_not_taken(tmp_path):
    """Are a replaced test, a replaced provided file and a student's own helper left out of the workspace?"""
    intake, ws = intake_of(tmp_path, [
        ("utils.py", UTILS), ("main.py", b"print('my main')\n"), ("helpers.py", b"def f(): pass\n"),
        ("tests/public_checks.py", b"assert True\n"), ("tests/test_x.py", b"def test_ok(): pass\n"),
        ("configs/config.yaml", b"Train:\n  batch_size: 1\n")])
    assert intake == Intake(files=["utils.py"], missing=["models/net.py"], problems=[], fatal=False)
    assert (ws / "main.py").read_bytes() == skeleton_text("main.py")
    assert (ws / "configs/config.yaml").read_bytes() == skeleton_text("configs/config.yaml")
    assert not (ws / "helpers.py").exists() and not (ws / "tests").exists()


def test_data_files_are_ignored_even_when_big(tmp_path):
    """Is a data file in the submission ignored (not taken, not counted toward the size limit)?"""
    intake, ws = intake_of(tmp_path, [("utils.py", UTILS), ("data/train.csv", os.urandom(200_000))])
    assert intake == Intake(files=["utils.py"], missing=["models/net.py"], problems=[], fatal=False)
    assert not (ws / "data").exists()


def test_checkpoints_are_taken_with_their_own_cap(tmp_path):
    """Is a checkpoint the manifest names taken, under its own max_mb rather than max_file_mb?"""
    manifest = FixtureManifest(**{**{f: getattr(TOY, f) for f in TOY.__dataclass_fields__},
                                  "checkpoints": (Checkpoint("Net checkpoint", "checkpoints/net.pth", "models.net.Net",
                                                             ((0.5, 1),), max_mb=0.04),)})
    weights = os.urandom(30_000)
    intake, ws = intake_of(tmp_path, [("checkpoints/net.pth", weights)], manifest)
    assert intake.files == ["checkpoints/net.pth"] and intake.problems == []
    assert (ws / "checkpoints/net.pth").read_bytes() == weights


@pytest.mark.parametrize("content", [b"", b"not a zip at all", b"PK\x03\x04" + b"\0" * 100])
def test_corrupt_zip_is_fatal(tmp_path, content):
    """Is a file that is not a readable zip refused as a whole, with the workspace left as the skeleton?"""
    submission = tmp_path / "submission.zip"
    submission.write_bytes(content)
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake == Intake(files=[], missing=[], problems=[
        "submission.zip: not a readable zip file (no end-of-archive record)"], fatal=True)


def test_zip_with_broken_file_list_is_fatal(tmp_path):
    """Is a zip whose end record is intact but whose file list is garbage refused with zipfile's reason?"""
    submission = make_zip(tmp_path / "submission.zip", [("utils.py", UTILS)])
    raw = bytearray(submission.read_bytes())
    at = raw.find(b"PK\x01\x02")
    raw[at:at + 4] = b"XXXX"
    submission.write_bytes(bytes(raw))
    intake = prepare_workspace(submission, TOY, tmp_path / "ws")
    assert intake.fatal
    assert intake.problems == ["submission.zip: not a readable zip file (Bad magic number for central directory)"]


def test_workspace_must_be_empty(tmp_path):
    """Does intake refuse to build into a folder that already holds files (an engine error, not a student one)?"""
    (tmp_path / "ws").mkdir()
    (tmp_path / "ws" / "left_over.py").write_text("")
    with pytest.raises(ValueError, match="is not empty"):
        prepare_workspace(make_zip(tmp_path / "s.zip", []), TOY, tmp_path / "ws")


# -- folders -----------------------------------------------------------------------------

def make_folder(root, files):
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def test_folder_submission_is_taken(tmp_path):
    """Is a folder (wrapped once, with junk) handled like the same zip?"""
    folder = make_folder(tmp_path / "sub", {"kit/utils.py": UTILS, "kit/models/net.py": NET,
                                            "kit/models/__pycache__/net.cpython-311.pyc": b"\0", "kit/main.py": b""})
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (tmp_path / "ws" / "utils.py").read_bytes() == UTILS


def test_symlinks_in_a_folder_are_refused_and_not_followed(tmp_path):
    """Are a symlinked student file and a symlinked folder refused, and the link targets never read?"""
    outside = make_folder(tmp_path / "outside", {"net.py": b"SECRET = 1\n", "secret.txt": b"SECRET\n"})
    folder = tmp_path / "sub"
    folder.mkdir()
    (folder / "utils.py").symlink_to(outside / "secret.txt")
    (folder / "models").symlink_to(outside)
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake.problems == ["models: refused: symbolic link (submit the file itself, not a link)",
                               "utils.py: refused: symbolic link (submit the file itself, not a link)"]
    assert intake.files == [] and intake.missing == ["utils.py", "models/net.py"]
    ws = tmp_path / "ws"
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")
    assert (ws / "models/net.py").read_bytes() == skeleton_text("models/net.py")


def test_fifo_in_a_folder_is_refused_without_blocking(tmp_path):
    """Is a fifo in place of a student file refused (never opened, so intake cannot hang on it)?"""
    folder = make_folder(tmp_path / "sub", {"utils.py": UTILS})
    (folder / "models").mkdir()
    os.mkfifo(folder / "models" / "net.py")
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake.problems == ["models/net.py: refused: a fifo, not a regular file"]
    assert intake.files == ["utils.py"] and intake.missing == ["models/net.py"]


def test_too_many_files_in_a_folder_is_fatal(tmp_path):
    """Does the folder walk stop and refuse once it passes max_files entries?"""
    folder = make_folder(tmp_path / "sub", {"utils.py": UTILS, **{f"notes/{i}.txt": b"" for i in range(25)}})
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake == Intake(files=[], missing=[], problems=[
        "sub: more than 20 entries, the limit (submit only the files the assignment asks for)"], fatal=True)


def test_oversized_file_in_a_folder_is_refused(tmp_path):
    """Is a student file over the cap in a folder refused by name?"""
    folder = make_folder(tmp_path / "sub", {"utils.py": b"#" * 20_000, "models/net.py": NET})
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake.problems == ["utils.py: refused: 19.5 KB unpacked; the limit for this file is 0.01 MB"]
    assert intake.files == ["models/net.py"]


# -- where the assignment is in the zip, and how it was zipped (issue 9) -------------------

def test_wrapping_folder_with_a_write_up_beside_it(tmp_path):
    """Is the wrapper found by the files the manifest expects, with a report and junk beside it at the top?"""
    intake, ws = intake_of(tmp_path, [
        ("report.pdf", b"%PDF-1.4"), ("assignment1/utils.py", UTILS), ("assignment1/models/net.py", NET),
        ("assignment1/main.py", b"print('mine')\n"), ("__MACOSX/assignment1/._utils.py", b"\0"),
        ("._report.pdf", b"\0"), (".DS_Store", b"\0"), ("assignment1/data/train.csv", os.urandom(60_000))])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "models/net.py").read_bytes() == NET
    assert (ws / "main.py").read_bytes() == skeleton_text("main.py")


def test_the_assignment_is_found_however_deep(tmp_path):
    """Is a kit zipped from far above it (a home folder path, notes beside it) found at its own root?"""
    intake, ws = intake_of(tmp_path, [
        ("Users/ana/Desktop/notes.txt", b"todo"), ("Users/ana/Desktop/hw/kit/utils.py", UTILS),
        ("Users/ana/Desktop/hw/kit/models/net.py", NET), ("Users/ana/Desktop/hw/kit/models/__init__.py", b"")])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "utils.py").read_bytes() == UTILS


def test_a_partial_backup_copy_does_not_compete(tmp_path):
    """Does the root holding more expected files win over an old copy of one file inside it?"""
    intake, ws = intake_of(tmp_path, [("kit/utils.py", UTILS), ("kit/models/net.py", NET),
                                      ("kit/old/models/net.py", b"# old attempt\n")])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (ws / "models/net.py").read_bytes() == NET


def test_two_identical_copies_of_the_kit_are_one(tmp_path):
    intake, ws = intake_of(tmp_path, [("a/utils.py", UTILS), ("a/models/net.py", NET),
                                      ("b/utils.py", UTILS), ("b/models/net.py", NET)])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)


def test_two_different_copies_of_the_kit_are_refused_with_a_clear_message(tmp_path):
    """Two equally complete roots that differ: which to grade is unknowable; does the message name both?"""
    intake, ws = intake_of(tmp_path, [("final/utils.py", UTILS), ("final/models/net.py", NET),
                                      ("draft/utils.py", UTILS), ("draft/models/net.py", b"# draft\n")])
    assert intake == Intake(files=[], missing=[], problems=[
        "submission.zip: holds two different copies of the assignment, in draft/ and final/; which one to grade "
        "is unknowable, so nothing was taken (submit one copy only)"], fatal=True)
    assert (ws / "utils.py").read_bytes() == skeleton_text("utils.py")


def windows_entry(name):
    """A ZipInfo as PowerShell 5's Compress-Archive writes it: backslashes, made on FAT/NTFS."""
    info = zipfile.ZipInfo(name)
    info.create_system = 0
    info.external_attr = 0x20  # the MS-DOS archive bit, no Unix mode
    return info


def test_backslash_paths_read_as_folders(tmp_path):
    """Are Compress-Archive's `kit\\models\\net.py` entries read as folders, wrapper and all?"""
    intake, ws = intake_of(tmp_path, [(windows_entry("kit\\utils.py"), UTILS),
                                      (windows_entry("kit\\models\\net.py"), NET),
                                      (windows_entry("kit\\..\\..\\evil.py"), b"")])
    assert intake.problems == ["kit\\..\\..\\evil.py: refused: '..' in the path would leave the submission folder"]
    assert intake.files == ["utils.py", "models/net.py"] and not intake.fatal
    assert (ws / "models/net.py").read_bytes() == NET
    assert not (tmp_path / "evil.py").exists()


def test_backslash_names_in_a_folder_read_as_folders(tmp_path):
    """An upload unpacked by a tool that kept `models\\net.py` as a file name: is it models/net.py?"""
    folder = make_folder(tmp_path / "sub", {"utils.py": UTILS, "models\\net.py": NET, "..\\x.py": b""})
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake.problems == ["..\\x.py: refused: '..' in the path would leave the submission folder"]
    assert intake.files == ["utils.py", "models/net.py"]
    assert (tmp_path / "ws" / "models/net.py").read_bytes() == NET


def test_a_flat_upload_is_placed_by_base_name(tmp_path):
    """Single files dragged into Gradescope (no folders): is net.py placed as models/net.py?"""
    folder = make_folder(tmp_path / "sub", {"utils.py": UTILS, "net.py": NET, "main.py": b""})
    intake = prepare_workspace(folder, TOY, tmp_path / "ws")
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)
    assert (tmp_path / "ws" / "models/net.py").read_bytes() == NET
    assert not (tmp_path / "ws" / "net.py").exists()
    (tmp_path / "zipped").mkdir()
    intake, _ = intake_of(tmp_path / "zipped", [("hw1/net.py", NET), ("hw1/utils.py", UTILS)])  # flat, in a wrapper
    assert intake.files == ["utils.py", "models/net.py"] and intake.problems == []


def test_a_flat_file_whose_base_name_is_ambiguous_is_named(tmp_path):
    """Two expected files named __init__.py: is the flat one left unplaced, with a message saying which?"""
    manifest = FixtureManifest(**{**{f: getattr(TOY, f) for f in TOY.__dataclass_fields__},
                                  "student_files": ("utils.py", "models/net.py", "models/__init__.py",
                                                    "configs/__init__.py")})
    intake, ws = intake_of(tmp_path, [("utils.py", UTILS), ("net.py", NET), ("__init__.py", b"X = 1\n")], manifest)
    assert intake.problems == ["__init__.py: could not be placed: the assignment has 2 files named __init__.py "
                               "(models/__init__.py, configs/__init__.py); submit it inside its folder"]
    assert intake.files == ["utils.py", "models/net.py"]
    assert intake.missing == ["models/__init__.py", "configs/__init__.py"]
    assert (ws / "models/__init__.py").read_bytes() == skeleton_text("models/__init__.py")


def test_crlf_and_bom_are_taken_byte_for_byte(tmp_path):
    """Are CRLF line ends and a UTF-8 BOM kept as they are (Python reads both; grading is checked in test_runner)?"""
    utils = b"\xef\xbb\xbf" + UTILS.replace(b"\n", b"\r\n")
    intake, ws = intake_of(tmp_path, [("utils.py", utils)])
    assert intake.files == ["utils.py"] and (ws / "utils.py").read_bytes() == utils


# -- oversized files cost only themselves (issue 8) ----------------------------------------

ZERO_CHUNK = bytes(8 * 1024 * 1024)


class SparseWriter:
    """A file object for zipfile that skips over chunks of zeros: a stored 460 MB zip costs no disk."""

    def __init__(self, path):
        self.f = open(path, "wb")

    def write(self, data):
        if len(data) == len(ZERO_CHUNK) and data == ZERO_CHUNK:
            self.f.seek(len(data), os.SEEK_CUR)
            return len(data)
        return self.f.write(data)

    def __getattr__(self, name):
        return getattr(self.f, name)


def sparse_zip(path, entries):
    """Write a stored zip of (name, bytes or a size in MB of zeros); return its path."""
    fileobj = SparseWriter(path)
    with zipfile.ZipFile(fileobj, "w", zipfile.ZIP_STORED) as zf:
        for name, data in entries:
            if isinstance(data, bytes):
                zf.writestr(name, data)
                continue
            with zf.open(zipfile.ZipInfo(name), "w", force_zip64=True) as f:
                for _ in range(data // 8):
                    f.write(ZERO_CHUNK)
    fileobj.f.close()
    return path


def a2_manifest():
    from autograder import manifest
    return manifest.load("a2_cnn/part2-pytorch")


def a2_files(manifest, checkpoints):
    """The reference's student files, then `checkpoints` ({name: bytes or MB of zeros})."""
    return ([(rel, (manifest.root / rel).read_bytes()) for rel in manifest.student_files]
            + [(f"checkpoints/{name}", data) for name, data in checkpoints.items()])


def test_one_oversized_checkpoint_is_refused_and_only_it(tmp_path):
    """Part 2 with 460 MB of checkpoints (one of 456 MB): is that one refused, naming its limit, the rest taken?"""
    manifest = a2_manifest()
    real = {name: (manifest.root / "checkpoints" / name).read_bytes() for name in ("twolayernet.pth", "vanillacnn.pth")}
    zip_path = sparse_zip(tmp_path / "submission.zip", a2_files(manifest, {**real, "mymodel.pth": 456}))
    intake = prepare_workspace(zip_path, manifest, tmp_path / "ws")
    assert not intake.fatal
    assert intake.problems == ["checkpoints/mymodel.pth: refused: 456.0 MB unpacked; the limit for this file is 100 MB"]
    assert intake.refused == {"checkpoints/mymodel.pth": "456.0 MB, over the 100 MB limit for this file"}
    assert intake.files == [*manifest.student_files, "checkpoints/twolayernet.pth", "checkpoints/vanillacnn.pth"]
    assert intake.missing == []
    assert not (tmp_path / "ws" / "checkpoints/mymodel.pth").exists()


def test_checkpoints_over_the_total_cap_refuse_the_largest_first(tmp_path):
    """Three checkpoints under their own 100 MB cap but 120 MB together: is only the largest refused?"""
    manifest = a2_manifest()
    zip_path = sparse_zip(tmp_path / "submission.zip", a2_files(
        manifest, {"twolayernet.pth": 32, "vanillacnn.pth": 40, "mymodel.pth": 48}))
    intake = prepare_workspace(zip_path, manifest, tmp_path / "ws")
    assert not intake.fatal
    assert [p.split(": refused: ")[0] for p in intake.problems] == ["checkpoints/mymodel.pth"]
    assert "over the 100 MB limit for the whole submission" in intake.problems[0]
    assert intake.refused == {"checkpoints/mymodel.pth": "48.0 MB; the whole submission may unpack to at most 100 MB"}
    assert intake.files == [*manifest.student_files, "checkpoints/twolayernet.pth", "checkpoints/vanillacnn.pth"]


# -- graded end to end through runner.grade ----------------------------------------------

CALC = Path(__file__).parent / "fixtures" / "submissions" / "clean" / "calc.py"


def graded(manifest, submission):
    from autograder.grading import results, runner
    outcome = runner.grade(manifest, submission, sandbox="none")
    results.validate(outcome)
    return outcome


def test_graded_a_wrapper_with_a_write_up_beside_it(tinycalc, tmp_path):
    """Issue 9: `report.pdf` next to `assignment1/` scored 0; is it full marks now?"""
    path = make_zip(tmp_path / "submission.zip", [("report.pdf", b"%PDF-1.4"), ("assignment1/calc.py", CALC.read_bytes()),
                                                   ("__MACOSX/assignment1/._calc.py", b"\0")])
    assert graded(tinycalc, path)["score"] == 8


def test_graded_identical_duplicate_entries_cost_nothing(tinycalc, tmp_path):
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = make_zip(tmp_path / "submission.zip", [("calc.py", CALC.read_bytes()), ("calc.py", CALC.read_bytes())])
    outcome = graded(tinycalc, path)
    assert outcome["score"] == 8 and all(t["status"] == "passed" for t in outcome["tests"])


def test_graded_a_compress_archive_zip_with_crlf_and_a_bom(tinycalc, tmp_path):
    """PowerShell 5 on Windows: backslash paths, CRLF line ends, a BOM from the editor: full marks?"""
    source = b"\xef\xbb\xbf" + CALC.read_bytes().replace(b"\n", b"\r\n")
    path = make_zip(tmp_path / "submission.zip", [(windows_entry("hw\\calc.py"), source),
                                                   (windows_entry("hw\\notes.txt"), b"done\r\n")])
    outcome = graded(tinycalc, path)
    assert outcome["score"] == 8 and all(t["status"] == "passed" for t in outcome["tests"])


def test_graded_a_refused_file_names_its_limit_and_every_test_is_listed(tinycalc, tmp_path):
    """Issue 8: an oversized student file is refused alone: the rest is graded, every test listed with
    its points, and the missing-file entry says the file was refused and names the limit."""
    from dataclasses import replace
    manifest = replace(tinycalc, limits=replace(tinycalc.limits, max_file_mb=0.001))
    path = make_zip(tmp_path / "submission.zip", [("calc.py", CALC.read_bytes() + b"#" * 2000)])
    outcome = graded(manifest, path)
    points = {t["name"]: (t["score"], t["max_score"]) for t in outcome["tests"]}
    assert outcome["score"] == 0 and sum(m for _, m in points.values()) == 8
    missing = next(t for t in outcome["tests"] if t["name"] == "Submission: calc.py is missing")
    assert missing["output"].startswith("calc.py was refused (")
    assert "over the 0.001 MB limit for this file), so the starter code's version was graded" in missing["output"]


def test_a_failed_test_that_needed_a_refused_checkpoint_says_why():
    """A checkpoint test failing with `... is missing` also says that the file was refused, and why."""
    from autograder.grading import results, runner
    needed = results.TestRecord(name="MyModel checkpoint", weight=10.0, failed=True,
                                message="checkpoints/mymodel.pth is missing: train the model and keep the saved checkpoint")
    other = results.TestRecord(name="VanillaCNN checkpoint", weight=5.0, failed=True, message="accuracy 0.1")
    runner.note_refused([needed, other], {"checkpoints/mymodel.pth": "456.0 MB, over the 100 MB limit for this file"})
    assert needed.notes == ["checkpoints/mymodel.pth in your submission was refused (456.0 MB, over the 100 MB "
                            "limit for this file), so this test ran without it."]
    assert other.notes == []


@pytest.mark.slow
def test_graded_a1_as_a_real_student_zipped_it(tmp_path):
    """A1's reference zipped by hand: a wrapper with report.pdf beside it, __MACOSX, a duplicate entry,
    CRLF line ends, and 150 MB of saved weights (over the 100 MB submission cap): 70/70, every test listed."""
    from autograder import manifest
    a1 = manifest.load("a1_mnist")
    files = [(f"assignment1/{rel}", (a1.root / rel).read_bytes().replace(b"\n", b"\r\n")) for rel in a1.student_files]
    files += [("report.pdf", b"%PDF-1.4"), ("__MACOSX/assignment1/._utils.py", b"\0"), files[0],
              ("assignment1/weights.npy", 152)]
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = sparse_zip(tmp_path / "submission.zip", files)
    outcome = graded(a1, path)
    refused = [t["output"] for t in outcome["tests"] if t["name"] == "Submission: a file was refused"]
    assert len(refused) == 1 and refused[0].startswith("assignment1/weights.npy: refused: 152.0 MB;")
    assert outcome["score"] == 70 and sum(t["max_score"] for t in outcome["tests"]) == 70


@pytest.mark.slow
def test_graded_a2_part2_with_460_mb_of_checkpoints(tmp_path):
    """Issue 8: one 456 MB checkpoint among 460 MB gave a single entry and 0/0. Now only the MyModel test
    fails, naming the limit; every other test runs and every test is listed with its points."""
    manifest = a2_manifest()
    real = {name: (manifest.root / "checkpoints" / name).read_bytes() for name in ("twolayernet.pth", "vanillacnn.pth")}
    path = sparse_zip(tmp_path / "submission.zip", a2_files(manifest, {**real, "mymodel.pth": 456}))
    outcome = graded(manifest, path)
    failed = {t["name"]: t.get("output", "") for t in outcome["tests"] if t["status"] == "failed"}
    mymodel = [name for name in failed if "checkpoints/mymodel.pth" in name or "own network" in name.lower()]
    assert len(mymodel) == 1, failed
    assert "over the 100 MB limit for this file" in failed[mymodel[0]]
    assert set(failed) == {mymodel[0], "Submission: a file was refused"}
    assert sum(t["max_score"] for t in outcome["tests"]) == 56
    assert outcome["score"] == 56 - next(t["max_score"] for t in outcome["tests"] if t["name"] == mymodel[0])


def test_a_file_named_like_the_root_folder_does_not_break_intake(tmp_path):
    """A crafted zip with a file `kit` beside the folder `kit/`: is the kit still taken?"""
    intake, _ = intake_of(tmp_path, [("kit", b"x"), ("kit/utils.py", UTILS), ("kit/models/net.py", NET)])
    assert intake == Intake(files=["utils.py", "models/net.py"], missing=[], problems=[], fatal=False)


def test_copies_compared_with_a_file_are_not_kept_in_memory():
    """Comparing many copies of a large file keeps only the first one's bytes (memory of the grader)."""
    from autograder.grading.intake import _Reader
    from autograder.grading.zip_inspect import Entry
    copies = [Entry(f"copy{i}", ("models", "net.py"), False, len(NET), None, lambda cap: NET) for i in range(3)]
    reader = _Reader()
    assert all(reader.same(copies[0], other, 1.0) for other in copies[1:])
    assert list(reader.data) == [id(copies[0])]


def test_a_missing_run_output_is_not_said_to_be_graded_in_its_starter_version(tmp_path):
    """A missing module was graded in its starter version; a missing training log (which the
    starter code does not have) only fails the tests that read it."""
    from autograder.grading import intake, runner
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "net.py").write_text("raise NotImplementedError\n")
    taken = intake.Intake(missing=["models/net.py", "train.log"])
    messages = {r.name: r.message for r in runner.intake_records(taken, tmp_path)}
    assert messages["Submission: models/net.py is missing"].endswith("the starter code's version was graded: its tests fail.")
    assert messages["Submission: train.log is missing"] == "train.log is not in your submission: the tests that read it fail."
