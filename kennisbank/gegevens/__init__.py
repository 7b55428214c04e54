"""The data dir's keepers of the organisation's own state, beside `store`, `documents` and `jobs`:

- `gebruikers`: personal accounts with a role (redacteur, beheerder) and a scrypt password hash;
- `logboek`: the append-only audit log, one JSON line per event;
- `backup`: a consistent snapshot of the data dir as one .tar.gz with a manifest, and its restore.
"""
