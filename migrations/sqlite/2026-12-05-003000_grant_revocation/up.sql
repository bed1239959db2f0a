-- A revocation, like a grant, is made under a document: its number (文号) and the reason
-- are kept on the grant beside who revoked it and when.
ALTER TABLE grants ADD COLUMN revoke_document_no TEXT;
ALTER TABLE grants ADD COLUMN revoke_reason TEXT;
