DROP TABLE calendar_reprojections;
ALTER TABLE calendar_years DROP COLUMN source;
