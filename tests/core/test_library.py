"""Per-server packs on disk: uploads validated whole, unsafe zips refused, unused indexes dropped."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import Path

import pytest

from bot.packs.library import PackLibrary, UploadError, UploadLimits, pack_name_for, zip_folder
from bot.packs.loader import PackError

TINY = Path(__file__).resolve().parent.parent / "packs" / "tiny"
GOOD = (TINY / "pack.yaml").read_bytes()
GUILD = 111


def zipped(files: dict[str, bytes], *, links: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name)
            if name in links:
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.fixture
def library(tmp_path: Path) -> PackLibrary:
    return PackLibrary(tmp_path / "data", max_question_chars=300, capacity=2)


def test_a_yaml_upload_is_validated_and_installed(library):
    pack = library.install(GUILD, "Tiny Pack.yaml", GOOD).pack
    assert pack.name == "Tiny test pack"
    assert library.names(GUILD) == ["tiny-pack"]
    assert library.load(GUILD, "tiny-pack").ask("who was trotsky").answer.title == "Leon Trotsky"


def test_a_zip_of_a_pack_folder_is_unpacked_from_its_top_folder(library):
    data = zipped({"biology/pack.yaml": GOOD, "biology/README.md": b"notes", "__MACOSX/._x": b""})
    library.install(GUILD, "biology.zip", data)
    assert [p.name for p in library.folder(GUILD, "biology").iterdir()] == ["pack.yaml"]


def test_a_broken_upload_names_file_and_line_and_changes_nothing(library):
    library.install(GUILD, "mine.yaml", GOOD)
    before = (library.folder(GUILD, "mine") / "mine.yaml").read_bytes()
    broken = GOOD.replace(b"source: guide", b"source: nowhere", 1)
    with pytest.raises(PackError) as caught:
        library.install(GUILD, "mine.yaml", broken)
    assert "mine.yaml:" in caught.value.report() and "nowhere" in caught.value.report()
    assert (library.folder(GUILD, "mine") / "mine.yaml").read_bytes() == before
    assert library.names(GUILD) == ["mine"]  # no scratch folder left behind


@pytest.mark.parametrize(
    "name", ["../evil.yaml", "/etc/evil.yaml", "pack/../../evil.yaml", "C:/evil.yaml"]
)
def test_zip_slip_paths_are_refused(library, tmp_path, name):
    with pytest.raises(UploadError, match="outside the pack"):
        library.install(GUILD, "evil.zip", zipped({"pack.yaml": GOOD, name: GOOD}))
    assert library.names(GUILD) == []
    assert not list(tmp_path.rglob("evil.yaml"))


def test_links_in_a_zip_are_refused(library):
    with pytest.raises(UploadError, match="links"):
        library.install(
            GUILD, "l.zip", zipped({"pack.yaml": GOOD, "x.yaml": b"/etc/passwd"}, links=("x.yaml",))
        )


def test_limits_on_size_files_and_entries(tmp_path):
    small = PackLibrary(
        tmp_path,
        max_question_chars=300,
        limits=UploadLimits(
            max_bytes=100_000, max_files=2, max_entries=2, max_unpacked_bytes=50_000
        ),
    )
    with pytest.raises(UploadError, match="at most"):
        small.install(GUILD, "big.yaml", b"#" * 100_001)
    with pytest.raises(UploadError, match="at most 2"):
        small.install(GUILD, "many.zip", zipped({f"{i}.yaml": b"{}" for i in range(3)}))
    with pytest.raises(UploadError, match="unpacks to more"):
        small.install(GUILD, "bomb.zip", zipped({"pack.yaml": b" " * 60_000}))
    with pytest.raises(PackError, match="at most 2"):
        small.install(GUILD, "tiny.yaml", GOOD)  # three entries
    assert small.names(GUILD) == []


def test_unknown_formats_and_reserved_names(library):
    with pytest.raises(UploadError, match=r"expected one of \.apkg, .*\.yaml, \.yml, \.zip"):
        library.install(GUILD, "pack.docx", b"x")
    assert pack_name_for("bundled.yaml") == "bundled-pack"
    assert pack_name_for("Biology 101 (final).zip") == "biology-101-final"


def test_servers_do_not_see_each_others_packs(library):
    library.install(GUILD, "mine.yaml", GOOD)
    assert library.names(222) == []
    assert not library.has(222, "mine")


def test_least_recently_used_indexes_are_dropped(library):
    for name in ("a", "b", "c"):
        library.install(GUILD, f"{name}.yaml", GOOD)
    library.load(GUILD, "a")
    library.load(GUILD, "b")
    library.load(GUILD, "a")
    library.load(GUILD, "c")
    assert library.loaded() == [(GUILD, "a"), (GUILD, "c")]
    library.release(GUILD, "a")
    assert library.loaded() == [(GUILD, "c")]


def test_download_round_trips_through_upload(library):
    library.install(GUILD, "mine.yaml", GOOD)
    data = library.archive(GUILD, "mine")
    library.install(222, "again.zip", data)
    assert library.load(222, "again").pack.name == "Tiny test pack"
    assert zipfile.ZipFile(io.BytesIO(zip_folder(TINY, "x"))).namelist() == ["x/pack.yaml"]


def test_server_packs_follow_the_hosts_matcher_setting(tmp_path):
    # STUDYBOT_MATCHER=lexical (no model) applies to every server's uploaded pack too.
    lexical = PackLibrary(tmp_path / "lex", max_question_chars=300, semantic=False)
    lexical.install(GUILD, "tiny.yaml", GOOD)
    answerer = lexical.load(GUILD, "tiny")
    assert answerer.matcher.mode == "lexical"
    assert answerer.ask("who was trotsky").answer.title == "Leon Trotsky"
    hybrid = PackLibrary(tmp_path / "hybrid", max_question_chars=300)
    hybrid.install(GUILD, "tiny.yaml", GOOD)
    assert hybrid.load(GUILD, "tiny").matcher.mode == "hybrid"
