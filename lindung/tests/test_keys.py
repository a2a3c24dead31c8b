import stat

import pytest

from lindung.keys import decode_key, read_or_create_secret


def test_a_secret_is_generated_once_with_owner_only_rights(tmp_path, monkeypatch):
    monkeypatch.setenv("LINDUNG_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("LINDUNG_TEST_SECRET", raising=False)
    first = read_or_create_secret("test_secret", "LINDUNG_TEST_SECRET")
    assert read_or_create_secret("test_secret", "LINDUNG_TEST_SECRET") == first
    path = tmp_path / "keys" / "test_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(decode_key(first)) == 32


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("LINDUNG_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("LINDUNG_TEST_SECRET", "from-the-environment")
    assert read_or_create_secret("test_secret", "LINDUNG_TEST_SECRET") == "from-the-environment"
    assert not (tmp_path / "keys" / "test_secret").exists()


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        decode_key("c2hvcnQ=")
