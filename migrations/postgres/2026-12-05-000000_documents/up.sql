-- The documents (文书) issued on cases. A document's number is drawn once, the first time it
-- is printed, from its organ's series for its kind and year; every later print shows it.
CREATE TABLE documents (
    case_no TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- Which one of a repeating kind (the n-th supplement notice); 1 otherwise.
    ordinal BIGINT NOT NULL,
    -- The issuing organ: the department code of the case's item.
    department TEXT NOT NULL,
    year BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    number TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    issued_by TEXT NOT NULL,
    PRIMARY KEY (case_no, kind, ordinal),
    UNIQUE (department, kind, year, seq)
);
