-- Files attached to a case (scans and photos of its materials), uploaded online by the
-- applicant or at the window by a clerk. The content lives in the database, not in files of
-- the data directory: it is written in the same transaction as its audit record, backed up
-- and replicated with the case, and several `tongban serve` instances on one PostgreSQL all
-- see it. The client's file name is kept for display only. One row per (case, material,
-- content): uploading the same file again for the same material stores nothing new, so a
-- repeated form submission attaches each file once.
CREATE TABLE case_attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    case_no TEXT NOT NULL REFERENCES cases (case_no),
    material_code TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX case_attachments_once ON case_attachments (case_no, material_code, sha256);
