DROP TABLE service_secrets;
DROP TABLE lookup_failures;
DROP TABLE sessions;
