ALTER TABLE grants DROP COLUMN revoke_reason;
ALTER TABLE grants DROP COLUMN revoke_document_no;
