-- The clerk's search (case number, applicant name, ID number, phone): the applicant's
-- identifiers as columns, fixed at intake, so that a search reads indexes instead of
-- parsing every case's JSON. ID numbers and phones match exactly, names by substring.
ALTER TABLE cases ADD COLUMN applicant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN applicant_id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN applicant_phone TEXT;
UPDATE cases SET
    applicant_name = COALESCE(data::json #>> '{applicant,name}', ''),
    applicant_id_number = UPPER(COALESCE(data::json #>> '{applicant,id_number}', '')),
    applicant_phone = data::json #>> '{applicant,phone}';
CREATE INDEX cases_applicant_id_number ON cases (applicant_id_number);
CREATE INDEX cases_applicant_phone ON cases (applicant_phone);
