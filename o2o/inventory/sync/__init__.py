"""The stock sync engine: every source (API push, file, feed, count in the admin) is read
as rows (`rows`), resolved against what the source may speak for (`scope`), staged
(`staging`) and applied in bulk (`snapshots`, `deltas`); `feeds` pulls through the guarded
fetcher (`fetch`), and `recovery` restarts runs whose worker died. Entry points are in
`inventory.services` (queue_*, apply_sync_run)."""
