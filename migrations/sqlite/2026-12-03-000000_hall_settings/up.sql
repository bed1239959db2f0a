-- The hall's own settings, shared by every process like the catalogue: one row, written when
-- the catalogue is imported. No row means the defaults (office hours 09:00–12:00, 13:30–17:30).
CREATE TABLE hall_settings (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- JSON: [{"opens": "09:00", "closes": "12:00"}, …]
    office_hours TEXT NOT NULL
);
