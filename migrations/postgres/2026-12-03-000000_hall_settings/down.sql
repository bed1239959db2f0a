DROP TABLE hall_settings;
