// KalypsoStore: the local SQLite database through GRDB (WAL mode, named migrations): the transaction
// journal and the chain cache. No Kalypso logic and no UI: records, migrations and named queries.
