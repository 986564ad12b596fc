-- The record of every served agreement: append-only (the server only ever inserts).
-- Portable SQL: the same file is meant for SQLite and PostgreSQL.

-- Each accepted submission, exactly as received, at its index in the agreement's log.
CREATE TABLE events (
    agreement TEXT NOT NULL,
    seq BIGINT NOT NULL,
    submission TEXT NOT NULL,
    leaf_hash TEXT NOT NULL,
    PRIMARY KEY (agreement, seq)
);

-- The server's signed checkpoint after each append (the tree of `size` leaves).
CREATE TABLE checkpoints (
    agreement TEXT NOT NULL,
    size BIGINT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (agreement, size)
);

-- Cosignatures of checkpoints by parties acting as witnesses (not yet written by the
-- server: the data model for the next increment).
CREATE TABLE cosignatures (
    agreement TEXT NOT NULL,
    size BIGINT NOT NULL,
    party TEXT NOT NULL,
    signature_line TEXT NOT NULL,
    PRIMARY KEY (agreement, size, party)
);
