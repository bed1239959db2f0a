DROP TABLE backup_lease;
DROP TABLE backups;
