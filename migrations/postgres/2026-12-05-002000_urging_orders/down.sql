ALTER TABLE evaluations DROP COLUMN followed_up_by;
DROP TABLE urging_orders;
