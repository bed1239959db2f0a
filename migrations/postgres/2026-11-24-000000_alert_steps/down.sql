DROP TABLE alert_steps;
