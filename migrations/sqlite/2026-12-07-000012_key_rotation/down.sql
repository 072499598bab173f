DROP TABLE code_lookup_keys;
