DROP INDEX cases_applicant_phone;
DROP INDEX cases_applicant_id_number;
ALTER TABLE cases DROP COLUMN applicant_phone;
ALTER TABLE cases DROP COLUMN applicant_id_number;
ALTER TABLE cases DROP COLUMN applicant_name;
