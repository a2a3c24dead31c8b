from django.core import checks


@checks.register(checks.Tags.database)
def blind_index_key(app_configs, databases=None, **kwargs):
    """After an interrupted rotation the indexes may have been made with another key: searches find no one."""
    from lindung.keyring import blind_index_key_matches

    if not databases or blind_index_key_matches():
        return []
    return [checks.Warning(
        "Indeks NIK/KK dibuat dengan kunci indeks lain / the NIK/KK indexes were made with another "
        "blind-index key: searches find no one",
        hint="lindung keys reindex (after an interrupted rotation: lindung keys rotate)",
        id="lindung.W001",
    )]
